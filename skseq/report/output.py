"""The report's output folder: checked before the run, replaced in one step after it.

Rules (``skseq benchmark --out DIR``):

* ``DIR`` is checked before any work: it must not be empty text, an existing
  file, a path below a file, the current folder (or one holding it), or a
  folder skseq cannot write in.
* An existing ``DIR`` must be empty or hold only files that skseq wrote
  there: each report leaves a marker file (:data:`MARKER`) listing its files,
  and a folder holding anything else is refused, so a user's own files are
  never overwritten. (A report of an earlier skseq, without the marker, is
  recognised by its ``settings.json`` and holds only report files.)
* The report is written into a fresh hidden folder beside ``DIR`` and swapped
  in at the end (two renames in the same parent folder, with Ctrl-C deferred
  between them). An interrupt or a write error therefore leaves either the
  old folder or the new one, never a mix; the unfinished folder is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from .results import BenchmarkResult
from .writer import write_report

__all__ = ["MARKER", "OutputFolderError", "check_output_folder", "publish_report"]

#: Name of the file that marks a folder as written by ``skseq benchmark``.
MARKER = ".skseq-report.json"


class OutputFolderError(ValueError):
    """The output folder cannot receive a report; the message says why and what to do."""


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor)  # pragma: no cover - the root always exists


_EARLIER_REPORT_FILES = frozenset(
    {"report.md", "report.html", "results.csv", "settings.json"}
)


def _earlier_report(folder: Path, names: list[str]) -> bool:
    """A report of a skseq version before the marker: its files and settings only."""
    try:
        settings = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
        command = str(settings["command"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return command.startswith("skseq benchmark") and all(
        name in _EARLIER_REPORT_FILES or name.endswith(".png") for name in names
    )


def _written_by_skseq(folder: Path, names: list[str]) -> bool:
    """Whether every entry of ``folder`` is listed in its skseq marker."""
    if MARKER not in names:
        return _earlier_report(folder, names)
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        listed = set(marker["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all(name == MARKER or name in listed for name in names)


def _probe_writable(folder: Path) -> None:
    try:
        probe = tempfile.mkdtemp(prefix=".skseq-probe-", dir=folder)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputFolderError(
            f"cannot write in {folder} ({reason}); choose a folder you can write to"
        ) from None
    os.rmdir(probe)


def check_output_folder(out: str | os.PathLike[str]) -> Path:
    """Check that ``out`` can receive a report, before any work is done.

    Parameters
    ----------
    out : str or os.PathLike
        The output folder (``--out``). It need not exist; its parent folders
        are created when the report is written.

    Returns
    -------
    pathlib.Path
        The absolute folder, symbolic links resolved.

    Raises
    ------
    OutputFolderError
        For empty text, an existing file, a path below a file, the current
        folder or one of its parents, a folder that holds files skseq did not
        write, or a folder skseq cannot write in.
    """
    text = os.fspath(out)
    if not str(text).strip():
        raise OutputFolderError(
            "the output folder is empty text; name a folder, e.g. skseq-report"
        )
    path = Path(os.path.realpath(Path(text).expanduser()))
    cwd = Path.cwd().resolve()
    if path == cwd or path in cwd.parents:
        raise OutputFolderError(
            f"{path} is the current folder or holds it; name a new folder, e.g. "
            "skseq-report"
        )
    if path.exists() and not path.is_dir():
        raise OutputFolderError(
            f"{path} exists and is a file, not a folder; choose another name"
        )
    existing = _nearest_existing(path.parent)
    if not existing.is_dir():
        raise OutputFolderError(
            f"{path} lies below {existing}, which is a file; choose another folder"
        )
    if path.is_dir():
        names = sorted(entry.name for entry in path.iterdir())
        if names and not _written_by_skseq(path, names):
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise OutputFolderError(
                f"{path} holds files that skseq did not write ({shown}); skseq "
                "replaces only an empty folder or one it wrote itself. Choose a "
                "new folder or empty this one"
            )
        _probe_writable(path)
    _probe_writable(existing)
    return path


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block ends, then raise KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(
        signal.SIGINT, lambda signum, frame: received.append(signum)
    )
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` (if any) by ``staging``: the old folder is restored on failure."""
    old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    with _interrupts_deferred():
        had_old = out.exists()
        if had_old:
            os.rename(out, old)
        try:
            os.rename(staging, out)
        except BaseException:
            if had_old:
                os.rename(old, out)
            raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


def publish_report(
    result: BenchmarkResult, out: str | os.PathLike[str]
) -> dict[str, Path]:
    """Write the report of ``result`` to ``out`` atomically.

    The files (see :func:`skseq.report.writer.write_report`) and the marker
    :data:`MARKER` are written into a new hidden folder beside ``out``, which
    then replaces ``out``. On any error or interrupt while writing, the new
    folder is removed and ``out`` is left as it was.

    Parameters
    ----------
    result : BenchmarkResult
    out : str or os.PathLike
        Output folder, checked with :func:`check_output_folder`.

    Returns
    -------
    dict
        As :func:`~skseq.report.writer.write_report`: name -> final path.

    Raises
    ------
    OutputFolderError
        If ``out`` cannot receive the report (checked again here, since the
        run may have taken minutes), or if the finished report could not be
        moved into place; the message then names the hidden folder that holds
        the complete report.
    """
    out = check_output_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        paths = write_report(result, staging)
        names = sorted(entry.name for entry in staging.iterdir())
        marker = {"written_by": "skseq benchmark", "files": names}
        (staging / MARKER).write_text(json.dumps(marker, indent=1) + "\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        check_output_folder(out)
        _swap_in(staging, out)
    except (OSError, OutputFolderError) as exc:
        raise OutputFolderError(
            f"could not move the finished report into {out}: {exc}. The complete "
            f"report is in {staging}"
        ) from exc
    return {key: out / path.relative_to(staging) for key, path in paths.items()}
