"""Daily (or intraday) stock prices: yfinance with an on-disk cache, or the bundled snapshot."""

from __future__ import annotations

import datetime
import functools
import logging
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._base import (
    EXACT_FLOATS,
    DateLike,
    data_path,
    format_date,
    get_cache_dir,
    to_timestamp,
)
from ._cache import CacheEntry, CorruptCacheError, CorruptCacheWarning, PriceCache

#: Price columns, in the order they are returned.
FIELDS: tuple[str, ...] = ("Open", "High", "Low", "Close", "Adj Close", "Volume")
_PRICES = FIELDS[:-1]

#: Tickers in the bundled offline snapshot (Quandl WIKI prices, public domain).
SNAPSHOT_TICKERS: tuple[str, ...] = ("AAPL", "FB", "GOOG", "IBM", "MSFT")
_SNAPSHOT_FILE = "stocks_wiki_daily.csv.gz"

# Intervals yfinance accepts; the value is how long one bar lasts (None: intraday).
_INTERVALS: dict[str, pd.Timedelta | None] = {
    "1m": None,
    "2m": None,
    "5m": None,
    "15m": None,
    "30m": None,
    "60m": None,
    "90m": None,
    "1h": None,
    "1d": pd.Timedelta(days=1),
    "5d": pd.Timedelta(days=5),
    "1wk": pd.Timedelta(days=7),
    "1mo": pd.Timedelta(days=31),
    "3mo": pd.Timedelta(days=92),
}
# start=None for daily and longer bars: earlier than any Yahoo history.
_EARLIEST = pd.Timestamp("1920-01-01")
# A range this short with no rows may just be a weekend or holiday.
_QUIET_GAP = pd.Timedelta(days=7)

_OFFLINE_HINT = (
    "For offline work use load_stock(..., offline=True) or load_stock_snapshot(), "
    "which read the bundled daily snapshot of "
    f"{', '.join(SNAPSHOT_TICKERS)} (2000-2013)."
)


class StockDownloadError(ConnectionError):
    """yfinance raised, or returned no usable rows, for a requested ticker.

    Yahoo Finance does not tell a network failure from an unknown symbol
    reliably, so the message lists the possible causes together with what
    yfinance reported, and points to the offline snapshot.
    """


# ---------------------------------------------------------------- arguments


def _normalise_tickers(tickers: str | Sequence[str]) -> tuple[list[str], bool]:
    """Return (upper-case tickers, whether a single string was passed)."""
    if isinstance(tickers, str):
        names, single = [tickers], True
    elif isinstance(tickers, Sequence) and not isinstance(tickers, bytes):
        names, single = list(tickers), False
    else:
        raise TypeError(
            f"tickers must be a string or a list of strings, got {type(tickers).__name__}"
        )
    if not names:
        raise ValueError("tickers is empty; pass e.g. 'AAPL' or ['AAPL', 'MSFT']")
    out = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"invalid ticker {name!r}: expected a non-empty string")
        clean = name.strip().upper()
        if any(ch.isspace() or ch == "," for ch in clean):
            raise ValueError(
                f"invalid ticker {name!r}: pass several tickers as a list, "
                "e.g. ['AAPL', 'MSFT']"
            )
        out.append(clean)
    dupes = sorted({t for t in out if out.count(t) > 1})
    if dupes:
        raise ValueError(f"duplicate tickers: {', '.join(dupes)}")
    return out, single


_TICKERS = [str, list, tuple]
_DATE = [str, datetime.date, np.datetime64, None]


def _check_range(start: pd.Timestamp | None, end: pd.Timestamp | None) -> None:
    if start is not None and end is not None and not start < end:
        raise ValueError(
            f"start ({format_date(start)}) must be before end ({format_date(end)}); "
            "end is exclusive"
        )


# ---------------------------------------------------------------- layout


def _assemble(frames: dict[str, pd.DataFrame], single: bool) -> pd.DataFrame:
    """Flat columns for one ticker; (field, ticker) MultiIndex columns otherwise."""
    if single:
        (frame,) = frames.values()
        out = frame.loc[:, list(FIELDS)].copy()
    else:
        out = pd.concat(frames, axis=1, names=["Ticker", "Field"], sort=True)
        out = out.swaplevel(axis=1)
        columns = pd.MultiIndex.from_product(
            [list(FIELDS), list(frames)], names=["Field", "Ticker"]
        )
        out = out.reindex(columns=columns)
    out = out.sort_index()
    out.index = pd.DatetimeIndex(out.index, name="Date").as_unit("ns")
    return _volume_dtype(out)


def _volume_dtype(frame: pd.DataFrame) -> pd.DataFrame:
    """Volume as int64 where it has no missing values and is integral."""
    cols = [
        c for c in frame.columns if (c[0] if isinstance(c, tuple) else c) == "Volume"
    ]
    for col in cols:
        values = frame[col].to_numpy(dtype=np.float64)
        if not np.isnan(values).any() and np.array_equal(values, np.round(values)):
            frame[col] = values.astype(np.int64)
        else:
            frame[col] = values
    return frame


# ---------------------------------------------------------------- snapshot


@functools.lru_cache(maxsize=1)
def _read_snapshot() -> pd.DataFrame:
    frame = pd.read_csv(
        data_path(_SNAPSHOT_FILE),
        dtype={"Ticker": str},
        **EXACT_FLOATS,
    )
    frame["Date"] = pd.to_datetime(frame["Date"], format="%Y-%m-%d")
    return frame


@validate_params(
    {"tickers": [*_TICKERS, None], "start": _DATE, "end": _DATE},
    prefer_skip_nested_validation=True,
)
def load_stock_snapshot(
    tickers: str | Sequence[str] | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> pd.DataFrame:
    """Load the bundled daily OHLCV snapshot (no network needed).

    The snapshot holds the Quandl WIKI end-of-day prices shipped with
    ``bokeh-sampledata`` (public domain): AAPL, IBM and MSFT from 2000-03-01,
    GOOG from 2004-08-19 and FB from 2012-05-18, all up to 2013-03-01.

    Parameters
    ----------
    tickers : str or sequence of str, optional
        One ticker (flat columns) or a list of tickers (MultiIndex columns).
        ``None`` means all of :data:`SNAPSHOT_TICKERS`, as a list.
    start : str or datetime-like, optional
        First date (inclusive). Default: the first date of the tickers.
    end : str or datetime-like, optional
        End date, **exclusive** as in yfinance. Default: after the last date.

    Returns
    -------
    pandas.DataFrame
        Same layout as :func:`load_stock`: a tz-naive :class:`~pandas.DatetimeIndex`
        named ``"Date"`` (trading days only) and the columns
        ``Open, High, Low, Close, Adj Close, Volume``. For a list of tickers the
        columns are a MultiIndex ``(field, ticker)`` with level names
        ``["Field", "Ticker"]``, so ``df["Close"]`` is a frame with one column
        per ticker; the rows are the union of the tickers' dates, NaN where a
        ticker has no row (e.g. GOOG before 2004-08-19).

        ``Open``, ``High``, ``Low``, ``Close`` and ``Volume`` are **not
        adjusted** for splits or dividends: AAPL halves on 2000-06-21 and
        2005-02-28 and MSFT on 2003-02-18 (2-for-1 splits). ``Adj Close`` is
        the source's split- and dividend-adjusted close (adjusted as of the
        source's last update, after 2013); use it for returns. To adjust the
        other prices, multiply them by ``Adj Close / Close``.

    Raises
    ------
    ValueError
        For a ticker not in the snapshot (the message lists those available)
        or a range outside the available dates (the message gives them).

    See Also
    --------
    load_stock : Download any ticker with yfinance, with an on-disk cache.
    """
    names, single = (
        (list(SNAPSHOT_TICKERS), False)
        if tickers is None
        else _normalise_tickers(tickers)
    )
    unknown = [t for t in names if t not in SNAPSHOT_TICKERS]
    if unknown:
        raise ValueError(
            f"ticker(s) {', '.join(unknown)} not in the offline snapshot; "
            f"available: {', '.join(SNAPSHOT_TICKERS)}. Use load_stock(...) "
            "without offline=True to download other tickers with yfinance."
        )
    start_ts, end_ts = to_timestamp(start, "start"), to_timestamp(end, "end")
    _check_range(start_ts, end_ts)

    data = _read_snapshot()
    data = data[data["Ticker"].isin(names)]
    first, last = data["Date"].min(), data["Date"].max()
    available = f"{format_date(first)} to {format_date(last)}"
    if start_ts is not None and not first <= start_ts <= last:
        raise ValueError(
            f"start={format_date(start_ts)} is outside the snapshot for "
            f"{', '.join(names)}: available dates are {available} "
            "(end is exclusive, so end may be at most the day after the last date)"
        )
    if end_ts is not None and not first < end_ts <= last + pd.Timedelta(days=1):
        raise ValueError(
            f"end={format_date(end_ts)} is outside the snapshot for "
            f"{', '.join(names)}: available dates are {available} "
            "(end is exclusive, so end may be at most the day after the last date)"
        )
    lo = first if start_ts is None else start_ts
    hi = last + pd.Timedelta(days=1) if end_ts is None else end_ts

    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        rows = data[
            (data["Ticker"] == name) & (data["Date"] >= lo) & (data["Date"] < hi)
        ]
        if rows.empty:
            own = data[data["Ticker"] == name]["Date"]
            raise ValueError(
                f"no {name} rows between {format_date(lo)} and {format_date(hi)} "
                f"(exclusive); the snapshot has {name} from "
                f"{format_date(own.min())} to {format_date(own.max())}"
            )
        frames[name] = rows.set_index("Date").loc[:, list(FIELDS)]
    return _assemble(frames, single)


# ---------------------------------------------------------------- yfinance


@contextmanager
def _capture_yfinance_errors() -> Iterator[list[str]]:
    """Collect the messages yfinance logs at ERROR level (it hides exceptions)."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                messages.append(record.getMessage().strip())
            except Exception:  # a malformed record must not break the download
                pass

    handler = _Collect(level=logging.ERROR)
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _yf_date(ts: pd.Timestamp) -> Any:
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.to_pydatetime()


def _normalise_download(raw: Any, ticker: str) -> pd.DataFrame:
    """Turn what ``yfinance.download`` returned for one ticker into flat FIELDS."""
    if raw is None:
        return pd.DataFrame(
            columns=list(FIELDS), index=pd.DatetimeIndex([], name="Date")
        )
    if not isinstance(raw, pd.DataFrame):
        raise StockDownloadError(
            f"yfinance returned a {type(raw).__name__} for {ticker!r}, not a DataFrame"
        )
    frame = raw.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        # yfinance >= 0.2.48 returns (Price, Ticker) columns even for one ticker
        # (or (Ticker, Price) with group_by="ticker"): keep the field level.
        levels = [
            set(map(str, frame.columns.get_level_values(i)))
            for i in range(frame.columns.nlevels)
        ]
        field_level = next(
            (i for i, values in enumerate(levels) if "Close" in values), None
        )
        if field_level is None:
            raise StockDownloadError(
                f"unexpected yfinance columns for {ticker!r}: {list(frame.columns)}"
            )
        for level in reversed(range(frame.columns.nlevels)):
            if level == field_level:
                continue
            values = frame.columns.get_level_values(level).astype(str)
            if ticker in set(values) and len(set(values)) > 1:
                frame = frame.xs(ticker, axis=1, level=level, drop_level=False)
            frame = frame.droplevel(level, axis=1)
    frame.columns = [str(c) for c in frame.columns]
    if frame.empty or frame.shape[0] == 0:
        return pd.DataFrame(
            columns=list(FIELDS), index=pd.DatetimeIndex([], name="Date")
        )
    missing = [f for f in FIELDS if f not in frame.columns]
    if missing:
        raise StockDownloadError(
            f"yfinance returned no {', '.join(missing)} column(s) for {ticker!r} "
            f"(got {', '.join(frame.columns)}); skseq calls it with auto_adjust=False"
        )
    frame = frame.loc[:, list(FIELDS)].apply(pd.to_numeric, errors="coerce")
    index = pd.DatetimeIndex(pd.to_datetime(frame.index))
    if index.tz is not None:  # intraday bars: keep the exchange's wall-clock time
        index = index.tz_localize(None)
    frame.index = index.rename("Date")
    frame = frame.dropna(how="all", subset=list(_PRICES))
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    return frame.astype(np.float64)


def _download(
    ticker: str, start: pd.Timestamp, end: pd.Timestamp, interval: str, timeout: float
) -> tuple[pd.DataFrame, list[str]]:
    """Call ``yfinance.download`` for one ticker and one range; normalise the result."""
    try:
        import yfinance as yf
    except ImportError as exc:  # pragma: no cover - yfinance is a dependency
        raise ImportError(
            "load_stock needs the 'yfinance' package: pip install yfinance. "
            + _OFFLINE_HINT
        ) from exc
    span = (
        f"{format_date(start)} to {format_date(end)} (exclusive), interval {interval}"
    )
    with _capture_yfinance_errors() as messages:
        try:
            raw = yf.download(
                ticker,
                start=_yf_date(start),
                end=_yf_date(end),
                interval=interval,
                auto_adjust=False,
                actions=False,
                progress=False,
                threads=False,
                timeout=timeout,
            )
        except Exception as exc:
            raise StockDownloadError(
                f"downloading {ticker!r} ({span}) with yfinance failed: "
                f"{type(exc).__name__}: {exc}. Check the network connection. "
                + _OFFLINE_HINT
            ) from exc
    return _normalise_download(raw, ticker), messages


def _bar_length(interval: str) -> pd.Timedelta:
    length = _INTERVALS[interval]
    return (
        pd.Timedelta(0) if length is None or length <= pd.Timedelta(days=1) else length
    )


def _load_one(
    ticker: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    interval: str,
    cache: PriceCache,
    refresh: bool,
    timeout: float,
) -> pd.DataFrame:
    entry: CacheEntry | None = None
    if not refresh:  # with refresh, the entry is overwritten once data arrive
        try:
            entry = cache.read(ticker, interval)
        except CorruptCacheError as exc:
            csv_path, _ = cache.paths(ticker, interval)
            warnings.warn(
                f"discarding corrupt cache entry for {ticker} ({interval}) in "
                f"{csv_path.parent}: {exc}; downloading again",
                CorruptCacheWarning,
                stacklevel=3,
            )
            cache.discard(ticker, interval)

    # Bars that may still change (today's, or the current week's/month's) are
    # never counted as covered, so they are fetched again next time.
    cap = pd.Timestamp.now().normalize() - _bar_length(interval)
    if entry is None:
        pieces = [(start, end)]
        cov: tuple[pd.Timestamp, pd.Timestamp] | None = None
        old = None
    else:
        cov, old = (entry.start, entry.end), entry.frame
        pieces = []
        if start < entry.start:
            pieces.append((start, entry.start))
        if end > entry.end:
            pieces.append((entry.end, end))

    received, empty, reports = [], [], []
    for lo, hi in pieces:
        rows, messages = _download(ticker, lo, hi, interval, timeout)
        reports.extend(messages)
        if rows.empty:
            # An empty answer may be a network failure that yfinance hid: never
            # record it as covered.
            empty.append((lo, hi))
            continue
        received.append(rows)
        top = min(hi, cap)
        if top > lo:
            cov = (lo, top) if cov is None else (min(cov[0], lo), max(cov[1], top))

    frame = old
    if received:
        parts = ([old] if old is not None else []) + received
        frame = pd.concat(parts)
        frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    if received and cov is not None:
        try:
            cache.write(
                ticker, interval, CacheEntry(frame=frame, start=cov[0], end=cov[1])
            )
        except OSError as exc:  # a read-only or full cache: keep what arrived
            warnings.warn(
                f"could not write the cache entry of {ticker} ({interval}) in "
                f"{cache.root}: {exc}; the downloaded rows are returned but not "
                "cached (set cache_dir or SKSEQ_CACHE_DIR to a writable folder)",
                UserWarning,
                stacklevel=3,
            )

    span = (
        f"{format_date(start)} to {format_date(end)} (exclusive), interval {interval}"
    )
    result = (
        None if frame is None else frame[(frame.index >= start) & (frame.index < end)]
    )
    if result is None or result.empty:
        said = "; ".join(dict.fromkeys(reports)) or "nothing"
        raise StockDownloadError(
            f"no data for {ticker!r} ({span}): yfinance returned no rows. Either "
            "the network or Yahoo Finance is unreachable, the symbol is unknown or "
            f"delisted, or the range holds no trading days. yfinance reported: {said}. "
            + _OFFLINE_HINT
        )
    for lo, hi in empty:
        if hi - lo > _QUIET_GAP:
            warnings.warn(
                f"yfinance returned no rows for {ticker} between {format_date(lo)} and "
                f"{format_date(hi)}; the result holds only "
                f"{format_date(result.index[0])} to {format_date(result.index[-1])}",
                UserWarning,
                stacklevel=3,
            )
    return result


@validate_params(
    {
        "tickers": _TICKERS,
        "start": _DATE,
        "end": _DATE,
        "interval": [StrOptions(set(_INTERVALS))],
        "cache_dir": [str, os.PathLike, None],
        "offline": ["boolean"],
        "refresh": ["boolean"],
        "timeout": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def load_stock(
    tickers: str | Sequence[str],
    start: DateLike | None = None,
    end: DateLike | None = None,
    interval: str = "1d",
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    offline: bool = False,
    refresh: bool = False,
    timeout: float = 10.0,
) -> pd.DataFrame:
    """Load stock prices from Yahoo Finance with ``yfinance``, cached on disk.

    The first call downloads with ``yfinance.download`` (``auto_adjust=False``)
    and writes the rows to a cache; a later call for a range that the cache
    covers reads the cache and does not touch the network. A request that
    extends past the cached range downloads only the missing part(s), so the
    cached range stays one contiguous block. Bars that may still change
    (today's daily bar, the current week's or month's bar) are not counted as
    covered and are fetched again.

    Parameters
    ----------
    tickers : str or sequence of str
        A Yahoo symbol (``"AAPL"``, ``"^GSPC"``) for flat columns, or a list of
        symbols for MultiIndex columns (even a list of one).
    start : str or datetime-like, optional
        First date (inclusive). Default: 1920-01-01 for daily and longer bars,
        i.e. the whole history; required for intraday intervals.
    end : str or datetime-like, optional
        End (exclusive, as in yfinance). Default: now.
    interval : str, default="1d"
        yfinance bar size: ``1m, 2m, 5m, 15m, 30m, 60m, 90m, 1h, 1d, 5d, 1wk,
        1mo, 3mo``. Yahoo serves intraday bars for recent weeks only.
    cache_dir : str or os.PathLike, optional
        Cache directory. Default: the environment variable ``SKSEQ_CACHE_DIR``,
        else ``~/.cache/skseq``. Files go to ``<cache_dir>/stocks/`` as one
        ``<TICKER>_<interval>.csv`` plus a ``.json`` sidecar recording the
        requested range covered (markets are closed on some days) and a
        checksum. A corrupt entry is discarded with a
        :class:`CorruptCacheWarning` and downloaded again, never used. If the
        folder cannot be written, the downloaded rows are returned with a
        warning instead of being cached.
    offline : bool, default=False
        Read the bundled snapshot instead (:func:`load_stock_snapshot`); only
        ``interval="1d"`` and the snapshot's tickers and dates.
    refresh : bool, default=False
        Ignore the cached entries of these tickers: download the requested
        range and, once it has arrived, replace the entries with it.
    timeout : float, default=10.0
        Network timeout in seconds, passed to yfinance.

    Returns
    -------
    pandas.DataFrame
        Index: tz-naive :class:`~pandas.DatetimeIndex` named ``"Date"``
        (trading days; intraday bars in the exchange's local time). Columns:
        ``Open, High, Low, Close, Adj Close, Volume``; prices are as traded
        (not split-adjusted) and ``Adj Close`` is adjusted for splits and
        dividends. For a list of tickers the columns are a MultiIndex
        ``(field, ticker)`` with level names ``["Field", "Ticker"]``, so
        ``df["Close"]`` has one column per ticker; rows are the union of the
        tickers' dates, NaN where a ticker has no row.

    Raises
    ------
    StockDownloadError
        A subclass of :class:`ConnectionError`: yfinance raised, or returned no
        rows (network down, unknown or delisted symbol, or no trading day in
        the range; yfinance does not tell these apart). The message says what
        yfinance reported and points to ``offline=True``.
    ValueError
        For malformed tickers, dates or interval; with ``offline=True``, for a
        ticker or range that the snapshot does not hold.

    Examples
    --------
    >>> prices = load_stock("AAPL", start="2010-01-01", end="2013-01-01",
    ...                     offline=True)
    >>> list(prices.columns)
    ['Open', 'High', 'Low', 'Close', 'Adj Close', 'Volume']
    """
    names, single = _normalise_tickers(tickers)
    if offline:
        if interval != "1d":
            raise ValueError(
                f"the offline snapshot has daily bars only; got interval={interval!r}"
            )
        return load_stock_snapshot(tickers, start=start, end=end)

    start_ts, end_ts = to_timestamp(start, "start"), to_timestamp(end, "end")
    if start_ts is None:
        if _INTERVALS[interval] is None:
            raise ValueError(
                f"start is required for intraday interval {interval!r} "
                "(Yahoo serves only recent intraday bars)"
            )
        start_ts = _EARLIEST
    if end_ts is None:
        end_ts = pd.Timestamp.now().floor("s")
    _check_range(start_ts, end_ts)

    cache = PriceCache(get_cache_dir(cache_dir) / "stocks", FIELDS)
    frames: dict[str, pd.DataFrame] = {}
    for name in names:
        frames[name] = _load_one(
            name, start_ts, end_ts, interval, cache, refresh, float(timeout)
        )
    return _assemble(frames, single)
