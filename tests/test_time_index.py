"""Time-index checks of make_supervised and forecast, and their parameter checks.

A newest-first, unsorted or duplicated index would make "after t" mean
"earlier" or "at the same time": look-ahead. Both functions refuse it and
say how to fix it.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skseq import forecast, make_supervised
from skseq.baselines import NaiveRegressor
from skseq.forecasting import future_index
from skseq.utils.time_index import check_time_index


@pytest.fixture
def daily() -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=12, freq="D", name="date")
    return pd.DataFrame({"y": np.arange(12.0), "x": np.arange(12.0) ** 2}, index=index)


def _csv_without_parse_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """What pd.read_csv(..., index_col=0) gives back: an index of date strings."""
    buffer = io.StringIO()
    frame.to_csv(buffer)
    buffer.seek(0)
    return pd.read_csv(buffer, index_col=0)


@pytest.fixture
def fitted_naive(daily: pd.DataFrame) -> NaiveRegressor:
    X, y = make_supervised(daily, "y", horizon=2, lookback=3, min_history="full")
    return NaiveRegressor().fit(X, y)


# ----------------------------------------------------------- make_supervised


def test_make_supervised_refuses_a_duplicated_datetime_index(daily):
    twice = pd.concat([daily.iloc[:6], daily.iloc[5:]])  # 2024-01-06 twice
    with pytest.raises(ValueError, match=r"repeats 1 time\(s\).*2024-01-06") as info:
        make_supervised(twice, "y", lookback=3)
    assert "groupby(level=0)" in str(info.value)
    assert "duplicated(keep='last')" in str(info.value)


def test_make_supervised_refuses_a_newest_first_csv_string_index(daily):
    text_index = _csv_without_parse_dates(daily.iloc[::-1])
    assert text_index.index.dtype != "datetime64[ns]"  # strings, as read
    with pytest.raises(ValueError, match="newest first") as info:
        make_supervised(text_index, "y", lookback=3)
    message = str(info.value)
    assert "sort_index()" in message and "parse_dates=True" in message
    # Sorted oldest first, the same strings are accepted.
    X, y = make_supervised(text_index.sort_index(), "y", lookback=3)
    assert X.shape == (11, 3, 2)


@pytest.mark.parametrize(
    "index",
    [
        pd.DatetimeIndex(["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"]),
        pd.Index([1, 3, 2, 4]),
        pd.Index(["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"]),
    ],
)
def test_make_supervised_refuses_an_unsorted_index(index):
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]}, index=index)
    with pytest.raises(ValueError, match=r"not sorted: .* \(position 2\) comes after"):
        make_supervised(frame, "y")


def test_make_supervised_newest_first_range_index_and_nat(daily):
    with pytest.raises(ValueError, match="newest first"):
        make_supervised(daily.reset_index(drop=True).iloc[::-1], "y")
    holed = daily.copy()
    holed.index = holed.index.where(np.arange(12) != 4)  # NaT in row 4
    with pytest.raises(ValueError, match=r"1 missing time\(s\).*position 4"):
        make_supervised(holed, "y")


def test_labels_that_are_not_times_pass():
    check_time_index(pd.Index(["b", "a", "c"]))
    check_time_index(pd.MultiIndex.from_tuples([("a", 2), ("a", 1)]))
    check_time_index(pd.DatetimeIndex(["2024-01-01"]))


def test_make_supervised_parameters_are_named():
    frame = pd.DataFrame({"y": np.arange(10.0)})
    cases = [
        ({"horizon": 0}, "'horizon' parameter of make_supervised"),
        ({"lookback": 2.5}, "'lookback' parameter of make_supervised"),
        ({"min_history": "all"}, "'min_history' parameter of make_supervised"),
        ({"features": "y"}, "'features' parameter of make_supervised"),
        ({"dropna": "no"}, "'dropna' parameter of make_supervised"),
    ]
    for kwargs, message in cases:
        with pytest.raises(InvalidParameterError, match=message):
            make_supervised(frame, "y", **kwargs)
    with pytest.raises(InvalidParameterError, match="'target' parameter"):
        make_supervised(frame, ["y"])
    # numpy integers are integers
    X, y = make_supervised(frame, "y", horizon=np.int64(2), lookback=np.int32(3))
    assert X.shape == (8, 3, 1) and y.shape == (8, 2)


# ------------------------------------------------------------------ forecast


def test_forecast_refuses_newest_first_and_duplicated_frames(daily, fitted_naive):
    with pytest.raises(ValueError, match="newest first"):
        forecast(fitted_naive, daily.iloc[::-1], lookback=3)
    twice = pd.concat([daily, daily.iloc[-1:]])
    with pytest.raises(ValueError, match="repeats"):
        forecast(fitted_naive, twice, lookback=3)
    result = forecast(fitted_naive, daily, lookback=3)
    assert list(result) == [11.0, 11.0]  # the newest value, not the oldest
    assert list(result.index) == list(pd.date_range("2024-01-13", periods=2))


@pytest.mark.parametrize("lookback", [0, -2, 2.0, "3", None])
def test_forecast_refuses_bad_lookbacks(daily, fitted_naive, lookback):
    with pytest.raises(InvalidParameterError, match="'lookback' parameter of forecast"):
        forecast(fitted_naive, daily, lookback=lookback)


def test_forecast_other_parameters_are_named(daily, fitted_naive):
    with pytest.raises(InvalidParameterError, match="'steps' parameter"):
        forecast(fitted_naive, daily, lookback=3, steps=0)
    with pytest.raises(InvalidParameterError, match="'frame' parameter"):
        forecast(fitted_naive, daily.to_numpy(), lookback=3)
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        forecast("naive", daily, lookback=3)


def test_one_row_frame_needs_a_frequency():
    X = np.arange(10.0).reshape(-1, 1, 1)
    model = NaiveRegressor().fit(X, np.arange(1.0, 11.0))
    one = pd.DataFrame({"y": [5.0]}, index=pd.DatetimeIndex(["2024-03-01"]))
    with pytest.raises(ValueError, match=r"from 1 timestamp\(s\); pass freq"):
        forecast(model, one, lookback=1)
    dated = forecast(model, one, lookback=1, freq="D")
    assert dated.index[0] == pd.Timestamp("2024-03-02") and dated.iloc[0] == 5.0
    # An index that carries its frequency needs no freq.
    one.index = pd.date_range("2024-03-01", periods=1, freq="h")
    assert forecast(model, one, lookback=1).index[0] == pd.Timestamp("2024-03-01 01:00")


def test_future_index_periods_and_labels():
    periods = pd.period_range("2024-01", periods=3, freq="M")
    assert list(future_index(periods, 2).astype(str)) == ["2024-04", "2024-05"]
    with pytest.raises(ValueError, match="DatetimeIndex"):
        future_index(pd.Index(["a", "b"]), 1)
    assert not future_index(pd.DatetimeIndex(["2024-01-01", "2024-01-03"]), 1).hasnans
