"""Run every example script in quick mode and check that it writes its figure.

Each example runs in a fresh interpreter (as a user would run it), with
``--quick`` and its output folder in ``tmp_path``; the working directory is
``tmp_path`` too, so nothing is written into the checkout. The child gets one
torch thread (``OMP_NUM_THREADS=1``), as the rest of the suite does: tiny
networks on a busy 2-core machine run far slower with two threads.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"

# script, extra arguments, figure it writes
CASES = [
    ("stock_forecasting.py", [], "stock_forecasting.png"),
    ("weather_forecasting.py", [], "weather_forecasting.png"),
    ("grid_search_cells.py", [], "grid_search_cells.png"),
    ("sequence_classification.py", [], "sequence_classification.png"),
    (
        "sequence_classification.py",
        ["--dataset", "JapaneseVowels"],
        "sequence_classification.png",
    ),
    ("vanishing_gradient.py", [], "vanishing_gradient.png"),
    ("probabilistic_forecasting.py", [], "probabilistic_forecasting.png"),
    ("global_model.py", [], "global_model.png"),
]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(script: str, args: list[str], out: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(SKSEQ_EXAMPLES_QUICK="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    return subprocess.run(
        [
            sys.executable,
            str(EXAMPLES_DIR / script),
            "--quick",
            "--out",
            str(out),
            *args,
        ],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize(
    ("script", "args", "figure"),
    CASES,
    ids=[f"{s[:-3]}{'-' + a[-1] if a else ''}" for s, a, _ in CASES],
)
def test_example_runs_in_quick_mode(script, args, figure, tmp_path):
    proc = _run(script, args, tmp_path)
    assert proc.returncode == 0, (
        f"{script} exited with {proc.returncode}\n--- stdout ---\n"
        f"{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-3000:]}"
    )
    path = tmp_path / figure
    assert path.is_file(), f"{script} did not write {figure}; stdout:\n{proc.stdout}"
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 5_000
    assert "figure written to" in proc.stdout


def test_every_example_is_tested_and_documented():
    scripts = sorted(p.name for p in EXAMPLES_DIR.glob("*.py"))
    assert scripts == sorted({case[0] for case in CASES})
    for name in scripts:
        doc = ast.get_docstring(ast.parse((EXAMPLES_DIR / name).read_text()))
        assert doc, f"{name} has no module docstring"
        assert f"python examples/{name}" in doc, f"{name}: no run command"
        assert "--quick" in doc and "SKSEQ_EXAMPLES_QUICK" in doc
