"""On-disk cache of downloaded price series: one CSV plus one JSON sidecar each.

For every (ticker, interval) the cache holds

``<root>/<TICKER>_<interval>.csv``
    the rows received so far (columns ``Date`` and the price fields);
``<root>/<TICKER>_<interval>.json``
    the requested time range those rows answer (``start`` inclusive, ``end``
    exclusive), the number of rows and the SHA-256 of the CSV bytes.

The range is kept because markets are closed on some days: a range with no
row on a given day can still be complete. A file that cannot be read, whose
checksum or row count does not match, that lacks its sidecar, holds values
that are not numbers, or is a folder, is *corrupt*: it is never used, and it
is discarded (see :class:`CorruptCacheWarning`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._base import EXACT_FLOATS

FORMAT_VERSION = 1


class CorruptCacheWarning(UserWarning):
    """A cache file was unreadable or inconsistent; it was discarded."""


class CorruptCacheError(ValueError):
    """Raised internally when a cache entry fails validation."""


@dataclass
class CacheEntry:
    """Rows of one ticker and the requested range they cover."""

    frame: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp  # exclusive


def _safe_name(ticker: str, interval: str) -> str:
    # percent-encode anything unusual ("^GSPC", "BRK/B"): reversible, portable
    return urllib.parse.quote(f"{ticker}_{interval}", safe="-_.=")


class PriceCache:
    """Read and write cached price frames under ``root``.

    Parameters
    ----------
    root : pathlib.Path
        Directory holding the cache files (created on first write).
    fields : sequence of str
        The columns every cached frame must have, in order.
    """

    def __init__(self, root: Path, fields: tuple[str, ...]) -> None:
        self.root = Path(root)
        self.fields = tuple(fields)

    def paths(self, ticker: str, interval: str) -> tuple[Path, Path]:
        """Return the CSV path and the JSON sidecar path of an entry."""
        stem = _safe_name(ticker, interval)
        return self.root / f"{stem}.csv", self.root / f"{stem}.json"

    def read(self, ticker: str, interval: str) -> CacheEntry | None:
        """Return the cached entry, ``None`` if there is none.

        Raises
        ------
        CorruptCacheError
            If the entry exists but is unreadable or inconsistent.
        """
        csv_path, meta_path = self.paths(ticker, interval)
        try:
            if not csv_path.exists() and not meta_path.exists():
                return None
        except OSError as exc:  # e.g. a cache folder that cannot be searched
            raise CorruptCacheError(f"cannot look into {self.root}: {exc}") from exc
        if not csv_path.is_file() or not meta_path.is_file():
            raise CorruptCacheError(
                "the CSV file or its JSON sidecar is missing or not a file"
            )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            start = pd.Timestamp(meta["start"])
            end = pd.Timestamp(meta["end"])
            n_rows = int(meta["rows"])
            checksum = str(meta["sha256"])
            version = int(meta["format"])
            same_key = meta["ticker"] == ticker and meta["interval"] == interval
        except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:
            # OverflowError: "rows": 1e400 reads as inf, which int() refuses.
            raise CorruptCacheError(f"unreadable sidecar {meta_path.name}") from exc
        if version != FORMAT_VERSION or not same_key or not start < end:
            raise CorruptCacheError(f"inconsistent sidecar {meta_path.name}")
        try:
            raw = csv_path.read_bytes()
        except OSError as exc:
            raise CorruptCacheError(f"unreadable {csv_path.name}") from exc
        if hashlib.sha256(raw).hexdigest() != checksum:
            raise CorruptCacheError(f"checksum mismatch for {csv_path.name}")
        try:
            frame = pd.read_csv(csv_path, **EXACT_FLOATS)
            frame["Date"] = pd.to_datetime(frame["Date"], format="ISO8601")
        except (
            OSError,
            ValueError,
            KeyError,
            OverflowError,
            pd.errors.ParserError,
        ) as exc:
            raise CorruptCacheError(f"unreadable {csv_path.name}") from exc
        frame = frame.set_index("Date")
        if (
            list(frame.columns) != list(self.fields)
            or len(frame) != n_rows
            or not frame.index.is_monotonic_increasing
            or not frame.index.is_unique
            or not all(pd.api.types.is_numeric_dtype(dt) for dt in frame.dtypes)
        ):
            raise CorruptCacheError(f"unexpected content in {csv_path.name}")
        return CacheEntry(frame=frame, start=start, end=end)

    def write(self, ticker: str, interval: str, entry: CacheEntry) -> None:
        """Write an entry atomically (CSV first, then the sidecar)."""
        self.root.mkdir(parents=True, exist_ok=True)
        csv_path, meta_path = self.paths(ticker, interval)
        frame = entry.frame.loc[:, list(self.fields)]
        text = frame.to_csv(index=True, index_label="Date", lineterminator="\n")
        data = text.encode("utf-8")
        meta = {
            "format": FORMAT_VERSION,
            "ticker": ticker,
            "interval": interval,
            "start": entry.start.isoformat(),
            "end": entry.end.isoformat(),
            "rows": len(frame),
            "sha256": hashlib.sha256(data).hexdigest(),
            "written": pd.Timestamp.now(tz="UTC").isoformat(),
        }
        _atomic_write(csv_path, data)
        _atomic_write(meta_path, json.dumps(meta, indent=1).encode("utf-8"))

    def discard(self, ticker: str, interval: str) -> None:
        """Delete an entry's files (or folders in their place) if they exist.

        Best effort: what cannot be deleted is left; the entry stays corrupt,
        so it is discarded again next time and never used.
        """
        for path in self.paths(ticker, interval):
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                pass


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
