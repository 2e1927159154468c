"""Shared helpers: where bundled data lives, where the cache lives, argument checks."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Environment variable naming the download cache directory.
CACHE_ENV_VAR = "SKSEQ_CACHE_DIR"

DateLike = str | _dt.date | _dt.datetime | pd.Timestamp


#: Keyword arguments that make ``pd.read_csv`` read floats exactly as written.
#: pandas 3 parses floats exactly by default and deprecates
#: ``float_precision``; pandas 2 needs ``float_precision="round_trip"``.
EXACT_FLOATS: dict[str, str] = (
    {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
)


def data_path(filename: str) -> Path:
    """Return the path of a bundled data file, failing clearly if it is missing.

    Parameters
    ----------
    filename : str
        Name of a file in ``skseq/datasets/data``.

    Returns
    -------
    pathlib.Path
        The absolute path of the file.

    Raises
    ------
    FileNotFoundError
        If the file is not there (a broken or partial installation).
    """
    path = DATA_DIR / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"bundled data file {filename!r} not found in {DATA_DIR}; the skseq "
            "installation is incomplete (package data missing), reinstall skseq"
        )
    return path


def get_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the directory where downloaded data are cached.

    The first of these that is set wins: the ``cache_dir`` argument, the
    environment variable ``SKSEQ_CACHE_DIR``, then ``~/.cache/skseq``.
    The directory is not created here.

    Parameters
    ----------
    cache_dir : str or os.PathLike, optional
        Explicit cache directory.

    Returns
    -------
    pathlib.Path
        The cache directory (``~`` expanded).
    """
    if cache_dir is None:
        cache_dir = os.environ.get(CACHE_ENV_VAR) or None
    if cache_dir is None:
        return Path.home() / ".cache" / "skseq"
    return Path(cache_dir).expanduser()


def check_choice(value: str, available: Iterable[str], what: str) -> str:
    """Return the entry of ``available`` equal to ``value`` (case-insensitive).

    Raises
    ------
    ValueError
        Naming ``what`` and listing the available values.
    """
    options = list(available)
    if isinstance(value, str):
        for option in options:
            if option.lower() == value.strip().lower():
                return option
    raise ValueError(f"unknown {what} {value!r}; available: {', '.join(options)}")


def to_timestamp(value: DateLike | None, name: str) -> pd.Timestamp | None:
    """Parse a date argument into a tz-naive :class:`pandas.Timestamp`.

    A time zone, if any, is dropped and the wall-clock time kept.

    Raises
    ------
    ValueError
        If ``value`` cannot be read as a date.
    """
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name}={value!r} is not a date; use e.g. '2012-01-31'"
        ) from exc
    if ts is pd.NaT:
        raise ValueError(f"{name}={value!r} is not a date; use e.g. '2012-01-31'")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def format_date(ts: pd.Timestamp) -> str:
    """``YYYY-MM-DD`` for midnight, else ``YYYY-MM-DD HH:MM:SS``."""
    if ts == ts.normalize():
        return ts.strftime("%Y-%m-%d")
    return ts.strftime("%Y-%m-%d %H:%M:%S")
