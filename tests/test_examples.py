"""Every example runs in quick mode, writes its figure, and stays a short script.

The examples are top-to-bottom scripts with ``# %%`` cells. Each one runs here
as ``__main__`` in this process (``runpy``), with ``SKSEQ_EXAMPLES_QUICK=1``
(tiny networks, few epochs) and its output folder and working directory in
``tmp_path``, so nothing is written into the checkout and the interpreter's
start-up (torch, scikit-learn) is paid once for all of them. torch's global
random state is restored afterwards.
"""

from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = ROOT / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES_DIR.glob("*.py"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_LINES = 100


def test_the_examples_are_there() -> None:
    assert len(SCRIPTS) == 7, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs_in_quick_mode(
    script: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SKSEQ_EXAMPLES_QUICK", "1")
    monkeypatch.setenv("SKSEQ_EXAMPLES_OUT", str(tmp_path / "figures"))
    monkeypatch.chdir(tmp_path)
    plt.switch_backend("Agg")
    try:
        with torch.random.fork_rng():
            runpy.run_path(str(EXAMPLES_DIR / script), run_name="__main__")
    finally:
        plt.close("all")
    out = capsys.readouterr().out
    figure = tmp_path / "figures" / script.replace(".py", ".png")
    assert f"figure written to {figure}" in out, out
    data = figure.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 5_000
    assert [p.name for p in tmp_path.iterdir()] == ["figures"], "wrote elsewhere"


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_is_a_short_documented_script(script: str) -> None:
    source = (EXAMPLES_DIR / script).read_text()
    lines = source.splitlines()
    assert len(lines) <= MAX_LINES, f"{script}: {len(lines)} lines"
    assert sum(line.startswith("# %%") for line in lines) >= 4, "few # %% cells"
    assert "argparse" not in source and "noqa" not in source
    assert "def main" not in source and "__main__" not in source
    doc = ast.get_docstring(ast.parse(source))
    assert doc, f"{script} has no module docstring"
    assert f"python examples/{script}" in doc and "SKSEQ_EXAMPLES_QUICK=1" in doc


def test_readme_lists_every_example() -> None:
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"`examples/(\w+\.py)`", readme))
    assert listed >= set(SCRIPTS), sorted(set(SCRIPTS) - listed)
