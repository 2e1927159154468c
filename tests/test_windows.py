"""Tests for skseq.windows: SlidingWindows, FlattenWindows, SequenceScaler,
make_supervised."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skseq import windows as windows_module
from skseq.utils.validation import check_sequences
from skseq.windows import (
    FlattenWindows,
    SequenceScaler,
    SlidingWindows,
    make_supervised,
)


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        rng.normal(size=(40, 3)),
        columns=["price", "volume", "temp"],
        index=pd.date_range("2024-01-01", periods=40, freq="D"),
    )


# --------------------------------------------------------------------------
# SlidingWindows
# --------------------------------------------------------------------------


def test_sliding_windows_values_and_front_padding():
    X = np.arange(10.0).reshape(5, 2)
    W = SlidingWindows(lookback=3).fit_transform(X)
    assert W.shape == (5, 3, 2)
    expected_first = np.array([[np.nan, np.nan], [np.nan, np.nan], [0.0, 1.0]])
    assert_array_equal(W[0], expected_first)
    assert_array_equal(W[1, 2], [2.0, 3.0])
    assert np.isnan(W[1, 0]).all()
    for t in range(2, 5):
        assert_array_equal(W[t], X[t - 2 : t + 1])
    # skseq's validation reads the NaN rows as front padding (shorter sequences)
    assert_array_equal(check_sequences(W).lengths, [1, 2, 3, 3, 3])


def test_sliding_windows_is_a_read_only_view_over_one_padded_copy():
    X = np.random.default_rng(1).normal(size=(1000, 4)).astype(np.float32)
    W = SlidingWindows(64).fit_transform(X)
    assert W.dtype == np.float32
    assert not W.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        W[0, 0, 0] = 1.0
    # every window lives inside one buffer of (n + lookback - 1) rows
    base = W
    while base.base is not None:
        base = base.base
    assert base.nbytes == (1000 + 63) * 4 * 4
    assert not np.shares_memory(W, X)  # the input is never modified or aliased


def test_sliding_windows_memory_is_linear_in_the_series():
    X = np.zeros((20_000, 4), dtype=np.float32)  # 320 kB
    copy_bytes = 20_000 * 256 * 4 * 4  # 82 MB if materialised
    tracemalloc.start()
    try:
        W = SlidingWindows(256).fit_transform(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert W.shape == (20_000, 256, 4)
    assert peak < 3 * X.nbytes
    assert peak < copy_bytes / 50


def test_sliding_windows_is_causal():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 2))
    sw = SlidingWindows(5).fit(X)
    W = sw.transform(X)
    for t in range(30):
        changed = X.copy()
        changed[t + 1 :] = rng.normal(size=changed[t + 1 :].shape) * 1e3
        assert_array_equal(sw.transform(changed)[t], W[t])
        # and changing row t itself does change window t
        if t < 29:
            changed[t] += 1.0
            assert not np.array_equal(sw.transform(changed)[t], W[t], equal_nan=True)


def test_sliding_windows_dtypes():
    ints = np.arange(12).reshape(6, 2)
    assert SlidingWindows(2).fit_transform(ints).dtype == np.float64
    assert SlidingWindows(2).fit_transform(ints.astype(np.float32)).dtype == (
        np.float32
    )


def test_sliding_windows_pandas_input(frame):
    sw = SlidingWindows(4).fit(frame)
    assert sw.n_features_in_ == 3
    assert_array_equal(sw.feature_names_in_, ["price", "volume", "temp"])
    W = sw.transform(frame)
    assert_array_equal(W[10], frame.to_numpy()[7:11])
    assert_array_equal(sw.get_feature_names_out(), ["price", "volume", "temp"])
    # a Series is one feature
    Ws = SlidingWindows(4).fit_transform(frame["price"])
    assert Ws.shape == (40, 4, 1)
    assert_array_equal(Ws[:, :, 0], W[:, :, 0])


def test_sliding_windows_lookback_one_and_longer_than_series():
    X = np.arange(3.0)[:, None]
    assert_array_equal(SlidingWindows(1).fit_transform(X)[:, 0, 0], [0, 1, 2])
    W = SlidingWindows(5).fit_transform(X)
    assert W.shape == (3, 5, 1)
    assert_array_equal(W[2, :, 0], [np.nan, np.nan, 0, 1, 2])


@pytest.mark.parametrize("lookback", [0, -3, 2.5, "3", None])
def test_sliding_windows_bad_lookback(lookback):
    # One error type (InvalidParameterError: a ValueError and a TypeError)
    # naming the parameter, in fit and in the stateless transform.
    with pytest.raises(InvalidParameterError, match="'lookback' parameter"):
        SlidingWindows(lookback).fit(np.zeros((5, 1)))
    with pytest.raises(InvalidParameterError, match="'lookback' parameter"):
        SlidingWindows(lookback).transform(np.zeros((5, 1)))


@pytest.mark.parametrize(
    "transformer, name",
    [
        (SequenceScaler(with_mean="yes"), "with_mean"),
        (SequenceScaler(with_std=None), "with_std"),
        (FlattenWindows(feature_names="ab"), "feature_names"),
    ],
)
def test_transformer_parameters_are_validated(transformer, name):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        transformer.fit(np.zeros((4, 3, 2)))


@pytest.mark.parametrize("shape", [(5,), (4, 3, 2)])
def test_sliding_windows_rejects_non_2d(shape):
    with pytest.raises(ValueError, match="2-D frame"):
        SlidingWindows(2).fit(np.zeros(shape))


def test_sliding_windows_checks_feature_count(frame):
    sw = SlidingWindows(3).fit(frame.to_numpy())
    with pytest.raises(ValueError, match="features"):
        sw.transform(frame.to_numpy()[:, :2])


def test_sliding_windows_set_output_keeps_numpy_and_pipeline_works(frame):
    sw = SlidingWindows(3).set_output(transform="pandas")
    assert isinstance(sw.fit_transform(frame), np.ndarray)
    with pytest.raises(ValueError, match="transform must be one of"):
        SlidingWindows(3).set_output(transform="xarray")
    pipe = make_pipeline(
        SlidingWindows(2), FlattenWindows(feature_names=list(frame.columns))
    ).set_output(transform="pandas")
    out = pipe.fit_transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [
        "price_lag1",
        "volume_lag1",
        "temp_lag1",
        "price_lag0",
        "volume_lag0",
        "temp_lag0",
    ]
    assert_array_equal(out.to_numpy()[5], frame.to_numpy()[4:6].ravel())


def test_pipeline_feature_names_flow_from_sliding_windows(frame):
    pipe = make_pipeline(SlidingWindows(2), FlattenWindows()).fit(frame)
    assert list(pipe.get_feature_names_out())[:3] == [
        "price_lag1",
        "volume_lag1",
        "temp_lag1",
    ]


# --------------------------------------------------------------------------
# FlattenWindows
# --------------------------------------------------------------------------


def test_flatten_windows_order_names_and_view():
    X = np.random.default_rng(3).normal(size=(50, 2))
    W = SlidingWindows(4).fit_transform(X)
    ft = FlattenWindows().fit(W)
    Z = ft.transform(W)
    assert Z.shape == (50, 8)
    for i in (0, 10, 49):
        assert_array_equal(Z[i], W[i].ravel())
    assert np.shares_memory(Z, W)  # no copy of the window view
    names = ft.get_feature_names_out()
    assert list(names[:2]) == ["x0_lag3", "x1_lag3"]
    assert list(names[-2:]) == ["x0_lag0", "x1_lag0"]
    assert np.isnan(Z[0, :6]).all() and not np.isnan(Z[0, 6:]).any()


def test_flatten_windows_2d_univariate_and_errors():
    X = np.arange(12.0).reshape(4, 3)
    ft = FlattenWindows().fit(X)
    assert (ft.n_timesteps_in_, ft.n_features_in_) == (3, 1)
    assert_array_equal(ft.transform(X), X)
    with pytest.raises(ValueError, match="fitted on windows of shape"):
        ft.transform(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="feature_names has 2 names"):
        FlattenWindows(feature_names=["a", "b"]).fit(X)


def test_flatten_windows_set_output_pandas():
    W = np.arange(24.0).reshape(4, 3, 2)
    out = (
        FlattenWindows(feature_names=["a", "b"])
        .set_output(transform="pandas")
        .fit_transform(W)
    )
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [
        "a_lag2",
        "b_lag2",
        "a_lag1",
        "b_lag1",
        "a_lag0",
        "b_lag0",
    ]


def test_sklearn_regressors_run_on_flattened_windows(frame):
    X, y = make_supervised(frame, "price", lookback=5)
    # padded early windows: HistGradientBoosting handles NaN
    HistGradientBoostingRegressor(max_iter=5).fit(FlattenWindows().fit_transform(X), y)
    # Ridge needs full windows
    Xf, yf = make_supervised(frame, "price", lookback=5, min_history="full")
    model = make_pipeline(FlattenWindows(), Ridge()).fit(Xf, yf)
    assert model.predict(Xf).shape == (len(yf),)


# --------------------------------------------------------------------------
# SequenceScaler
# --------------------------------------------------------------------------


def _nan_stats(W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    flat = np.asarray(W, dtype=np.float64).reshape(-1, W.shape[-1])
    return np.nanmean(flat, axis=0), np.nanstd(flat, axis=0)


@pytest.mark.parametrize("copy", [False, True], ids=["view", "copy"])
def test_sequence_scaler_statistics_ignore_padding(copy):
    rng = np.random.default_rng(4)
    X = rng.normal(loc=[5.0, -2.0], scale=[3.0, 0.5], size=(200, 2))
    W = SlidingWindows(7).fit_transform(X)
    W = W.copy() if copy else W
    sc = SequenceScaler().fit(W)
    mean, std = _nan_stats(W)
    assert_allclose(sc.mean_, mean, rtol=1e-10)
    assert_allclose(sc.scale_, std, rtol=1e-10)
    Z = sc.transform(W)
    assert Z.shape == W.shape
    assert_array_equal(np.isnan(Z), np.isnan(W))
    assert_allclose(_nan_stats(Z)[0], 0.0, atol=1e-10)
    assert_allclose(_nan_stats(Z)[1], 1.0, rtol=1e-10)
    assert_allclose(sc.inverse_transform(Z), W, rtol=1e-10)


def test_sequence_scaler_overlapping_fast_path_matches_generic_path(monkeypatch):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 3)).astype(np.float32) * 10 + 3
    W = SlidingWindows(16).fit_transform(X)[20:250]  # a contiguous slice: a view
    assert W.strides[0] == W.strides[1]
    monkeypatch.setattr(windows_module, "_CHUNK_ELEMENTS", 500)  # many chunks
    fast = SequenceScaler().fit(W)
    slow = SequenceScaler().fit(np.ascontiguousarray(W))
    assert_allclose(fast.mean_, slow.mean_, rtol=1e-9)
    assert_allclose(fast.var_, slow.var_, rtol=1e-9)
    Zf, Zs = fast.transform(W), slow.transform(np.ascontiguousarray(W))
    assert Zf.dtype == Zs.dtype == np.float32
    assert not Zf.flags.writeable  # a window view over the scaled series
    assert_allclose(Zf, Zs, rtol=1e-6)
    assert_allclose(fast.inverse_transform(Zf), W, rtol=1e-5, atol=1e-5)


def test_sequence_scaler_transform_of_view_is_linear_memory():
    X = np.random.default_rng(6).normal(size=(20_000, 4)).astype(np.float32)
    W = SlidingWindows(256).fit_transform(X)
    tracemalloc.start()
    try:
        Z = SequenceScaler().fit(W).transform(W)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert Z.shape == W.shape
    assert peak < 20 * X.nbytes  # a copy of the windows would be 256 * X.nbytes


def test_sequence_scaler_2d_univariate_and_options():
    X = np.array([[1.0, 2.0, 3.0], [np.nan, 5.0, 6.0]])
    sc = SequenceScaler().fit(X)
    assert sc.n_features_in_ == 1
    assert_allclose(sc.mean_, [np.mean([1, 2, 3, 5, 6])])
    Z = sc.transform(X)
    assert Z.shape == X.shape and np.isnan(Z[1, 0])
    assert_allclose(SequenceScaler(with_mean=False).fit(X).mean_, [0.0])
    assert_allclose(SequenceScaler(with_std=False).fit(X).scale_, [1.0])
    const = np.full((4, 3, 2), 7.0)
    sc = SequenceScaler().fit(const)
    assert_allclose(sc.scale_, [1.0, 1.0])
    assert_allclose(sc.transform(const), 0.0)
    with pytest.raises(ValueError, match="features per time step"):
        sc.transform(np.zeros((4, 3, 3)))
    with pytest.raises(ValueError, match="infinity"):
        SequenceScaler().fit(np.array([[1.0, np.inf]]))


# --------------------------------------------------------------------------
# make_supervised
# --------------------------------------------------------------------------


def test_make_supervised_one_step_pandas(frame):
    X, y = make_supervised(frame, "price")
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert len(X) == len(y) == 39
    assert y.name == "price_t+1"
    assert y.index.equals(frame.index[:39]) and X.index.equals(y.index)
    assert_array_equal(y.to_numpy(), frame["price"].to_numpy()[1:])
    assert_array_equal(X.to_numpy(), frame.to_numpy()[:39])


def test_make_supervised_multi_step_windows(frame):
    X, y, origin = make_supervised(
        frame,
        "temp",
        horizon=3,
        lookback=4,
        features=["price", "temp"],
        return_index=True,
    )
    assert list(y.columns) == ["temp_t+1", "temp_t+2", "temp_t+3"]
    assert X.shape == (37, 4, 2)
    assert not X.flags.writeable  # still the SlidingWindows view
    assert origin.equals(y.index) and origin.equals(frame.index[:37])
    vals = frame[["price", "temp"]].to_numpy()
    temp = frame["temp"].to_numpy()
    for i in (0, 3, 36):
        assert_array_equal(y.iloc[i].to_numpy(), temp[i + 1 : i + 4])
        assert_array_equal(X[i, -1], vals[i])  # the window ends at t
    assert np.isnan(X[0, :3]).all()


def test_make_supervised_full_windows_only(frame):
    X, y = make_supervised(frame, "price", lookback=5, min_history="full")
    assert X.shape == (35, 5, 3) and not np.isnan(X).any()
    assert y.index[0] == frame.index[4]
    X3, _ = make_supervised(frame, "price", lookback=5, min_history=3)
    assert X3.shape[0] == 37
    with pytest.raises(ValueError, match="exceeds lookback"):
        make_supervised(frame, "price", lookback=5, min_history=6)


def test_make_supervised_label_targets_keep_dtype():
    idx = pd.date_range("2024-01-01", periods=6)
    df = pd.DataFrame(
        {
            "temp": [1.0, 2.0, 3.0, 2.0, 1.0, 0.0],
            "weather": pd.Series(list("srrscs"), dtype="category", index=idx),
            "up": np.array([1, -1, 1, 1, -1, 1], dtype=np.int8),
        },
        index=idx,
    )
    _, y = make_supervised(df, "weather", features=["temp"])
    assert y.dtype == "category"
    assert list(y) == list("rrscs")
    _, y = make_supervised(df, "up", features=["temp"], horizon=2)
    assert (y.dtypes == np.int8).all()
    strings = df.assign(weather=df["weather"].astype(str))
    _, y = make_supervised(strings, "weather", features=["temp"])
    assert list(y) == list("rrscs") and not pd.api.types.is_numeric_dtype(y)


def test_make_supervised_dropna_and_missing_targets(frame):
    df = frame.copy()
    df.iloc[10, 0] = np.nan  # a missing target in the middle
    X, y = make_supervised(df, "price", lookback=3)
    assert len(y) == 38 and frame.index[9] not in y.index
    for i, t in enumerate(y.index):
        pos = frame.index.get_loc(t)
        assert y.iloc[i] == df["price"].iloc[pos + 1]
        assert_array_equal(X[i, -1], df.to_numpy()[pos], strict=False)
    X, y = make_supervised(frame, "price", horizon=2, dropna=False)
    assert len(y) == 40
    assert np.isnan(y.iloc[-1]).all() and np.isnan(y.iloc[-2, 1])


def test_make_supervised_numpy_input():
    arr = np.column_stack([np.arange(10.0), np.arange(10.0) * 10])
    X, y, origin = make_supervised(arr, 1, horizon=2, lookback=3, return_index=True)
    assert isinstance(y, np.ndarray) and y.shape == (8, 2)
    assert_array_equal(origin, np.arange(8))
    assert_array_equal(y[0], [10.0, 20.0])
    assert_array_equal(X[2], arr[0:3])
    X, y = make_supervised(arr, 0, features=[1])
    assert X.shape == (9, 1) and y.shape == (9,)


def test_make_supervised_errors(frame):
    with pytest.raises(ValueError, match="not a column"):
        make_supervised(frame, "nope")
    with pytest.raises(ValueError, match="not columns"):
        make_supervised(frame, "price", features=["nope"])
    with pytest.raises(ValueError, match="'horizon' parameter"):
        make_supervised(frame, "price", horizon=0)
    with pytest.raises(ValueError, match="newest first"):
        make_supervised(frame.iloc[::-1], "price")
    with pytest.raises(ValueError, match="No sample left"):
        make_supervised(frame.iloc[:3], "price", horizon=3)
    with pytest.raises(ValueError, match="int column position"):
        make_supervised(frame.to_numpy(), "price")


# --------------------------------------------------------------------------
# Leakage rule 1: a window ending at t holds rows <= t; targets are after t.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("horizon", [1, 3])
@pytest.mark.parametrize("lookback", [1, 6])
def test_future_target_never_inside_its_window(horizon, lookback):
    n = 60
    # every value is unique and increases with time: its value is its time
    df = pd.DataFrame({"target": np.arange(n, dtype=float), "other": -np.arange(n)})
    X, y, origin = make_supervised(
        df, "target", horizon=horizon, lookback=lookback, return_index=True
    )
    y = np.asarray(y).reshape(len(origin), -1)
    for i, t in enumerate(origin):
        window_times = X[i, :, 0][~np.isnan(X[i, :, 0])]
        assert window_times.max() == t  # the window ends at t ...
        assert window_times.min() == max(0, t - lookback + 1)
        assert_array_equal(y[i], t + np.arange(1, horizon + 1))  # ... targets after
        assert not np.isin(y[i], X[i]).any()
