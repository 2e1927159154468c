"""The report's output folder: checked before the run, swapped in atomically.

Most tests replace the benchmark run and the report writer by stand-ins that
take milliseconds: what is under test is the folder handling, not the report.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from joblib import Parallel, delayed

import skseq.report
import skseq.report.output as output
from skseq.cli import main
from skseq.report.output import (
    MARKER,
    OutputFolderError,
    check_output_folder,
    publish_report,
)
from skseq.report.search import worker_pool


@pytest.fixture
def no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the CLI starts the benchmark."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the benchmark ran although --out was refused")

    monkeypatch.setattr(skseq.report, "run_benchmark", refuse)


def _writer(files: dict[str, str], fail_after: int | None = None, exc=None):
    """A stand-in for write_report: writes ``files``, optionally failing midway."""

    def write(result: object, folder: Path) -> dict[str, Path]:
        paths = {}
        for i, (name, text) in enumerate(files.items()):
            if fail_after is not None and i == fail_after:
                raise exc
            (folder / name).write_text(text)
            paths[name] = folder / name
        return paths

    return write


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def _hidden_leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(".")]


# ------------------------------------------------------------ checked early


def test_out_refusals_exit_2_before_any_work(
    tmp_path: Path, no_run: None, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "results.txt"
    a_file.write_text("mine")
    users = tmp_path / "users-folder"
    users.mkdir()
    (users / "report.md").write_text("my own report")
    (users / "settings.json").write_text("{}")
    cases = [
        (str(a_file), "is a file, not a folder"),
        (str(a_file / "report"), "which is a file"),
        ("", "empty text"),
        ("  ", "empty text"),
        (str(users), "holds files that skseq did not write (report.md, settings.json)"),
        (".", "is the current folder"),
    ]
    for out, message in cases:
        assert main(["benchmark", "--smoke", "--out", out]) == 2, out
        err = capsys.readouterr().err
        assert message in err, (out, err)
        assert "--out" in err and "usage:" in err
    assert a_file.read_text() == "mine"
    assert _snapshot(users) == {"report.md": "my own report", "settings.json": "{}"}


def test_unwritable_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_run: None, capsys
) -> None:
    def denied(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.tempfile, "mkdtemp", denied)
    assert main(["benchmark", "--out", str(tmp_path / "new")]) == 2
    err = capsys.readouterr().err
    assert f"cannot write in {tmp_path.resolve()} (Permission denied)" in err


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders",
)
def test_read_only_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputFolderError, match="cannot write in"):
            check_output_folder(locked / "report")
    finally:
        locked.chmod(0o700)


def test_accepted_folders(tmp_path: Path) -> None:
    assert check_output_folder(tmp_path / "a" / "b") == (tmp_path / "a" / "b").resolve()
    assert not (tmp_path / "a").exists()  # nothing is created by the check
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_output_folder(empty) == empty.resolve()
    # A report of an skseq version that wrote no marker file.
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "report.md").write_text("# skseq benchmark report")
    (earlier / "stock_forecast.png").write_bytes(b"png")
    (earlier / "settings.json").write_text('{"command": "skseq benchmark --quick"}')
    assert check_output_folder(earlier) == earlier.resolve()
    (earlier / "settings.json").write_text('{"command": "my own tool"}')
    with pytest.raises(OutputFolderError, match="did not write"):
        check_output_folder(earlier)
    link = tmp_path / "link"
    link.symlink_to(empty)
    assert check_output_folder(link) == empty.resolve()
    assert _hidden_leftovers(tmp_path) == []


# ------------------------------------------------------------ atomic write


def test_publish_replaces_only_a_skseq_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "nested" / "report"
    monkeypatch.setattr(
        output, "write_report", _writer({"report.md": "1", "a.png": "A"})
    )
    paths = publish_report(None, out)
    assert paths == {"report.md": out / "report.md", "a.png": out / "a.png"}
    assert set(_snapshot(out)) == {"report.md", "a.png", MARKER}
    # A second run replaces the whole folder: no stale file of the first one.
    monkeypatch.setattr(
        output, "write_report", _writer({"report.md": "2", "b.png": "B"})
    )
    publish_report(None, out)
    files = _snapshot(out)
    assert set(files) == {"report.md", "b.png", MARKER} and files["report.md"] == "2"
    assert _hidden_leftovers(out.parent) == []
    # A file the user put there makes the folder theirs: refused, kept.
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError, match=r"did not write \(.*notes.txt"):
        publish_report(None, out)
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "exc", [OSError(28, "No space left on device"), KeyboardInterrupt()]
)
def test_failed_or_interrupted_write_leaves_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    out = tmp_path / "report"
    monkeypatch.setattr(
        output, "write_report", _writer({"report.md": "old", "x.png": "X"})
    )
    publish_report(None, out)
    before = _snapshot(out)
    files = {"report.md": "new", "results.csv": "new", "y.png": "Y"}
    monkeypatch.setattr(output, "write_report", _writer(files, fail_after=2, exc=exc))
    with pytest.raises(type(exc)):
        publish_report(None, out)
    assert _snapshot(out) == before
    assert _hidden_leftovers(tmp_path) == []


def test_failed_swap_restores_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    monkeypatch.setattr(output, "write_report", _writer({"report.md": "old"}))
    publish_report(None, out)
    before = _snapshot(out)
    monkeypatch.setattr(output, "write_report", _writer({"report.md": "new"}))
    real_rename = os.rename
    calls = []

    def rename(src: str | Path, dst: str | Path) -> None:
        calls.append(Path(src).name)
        if len(calls) == 2:  # moving the new folder into place
            raise OSError(5, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(output.os, "rename", rename)
    with pytest.raises(OutputFolderError, match="complete report is in") as info:
        publish_report(None, out)
    assert _snapshot(out) == before
    kept = Path(str(info.value).rsplit(" ", 1)[-1])
    assert (kept / "report.md").read_text() == "new"  # the results are not lost


# ------------------------------------------------------------- Ctrl-C


def test_ctrl_c_prints_one_line_exits_130_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(skseq.report, "run_benchmark", interrupted)
    out = tmp_path / "report"
    assert main(["benchmark", "--smoke", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["skseq: interrupted, no report written"]
    assert list(tmp_path.iterdir()) == []


def test_network_search_workers_leave_ctrl_c_to_the_main_process() -> None:
    # Each worker would print its own KeyboardInterrupt traceback otherwise.
    # (signal.getsignal runs in the workers without importing skseq: fast.)
    with worker_pool():
        handlers = Parallel(n_jobs=2)(
            delayed(signal.getsignal)(signal.SIGINT) for _ in range(2)
        )
    assert handlers == [signal.SIG_IGN, signal.SIG_IGN]
    # The main process still reacts to Ctrl-C.
    assert signal.getsignal(signal.SIGINT) == signal.default_int_handler
