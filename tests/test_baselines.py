"""Tests for skseq.baselines: hand-computed forecasts, statsmodels agreement,
sklearn compatibility."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.statespace.sarimax import SARIMAX
from threadpoolctl import threadpool_limits

from skseq.baselines import (
    ARIMARegressor,
    DriftRegressor,
    ExponentialSmoothingRegressor,
    MeanRegressor,
    NaiveRegressor,
    SeasonalNaiveRegressor,
)
from skseq.baselines._arima import kalman_gains
from skseq.baselines._base import series_from_windows
from skseq.baselines._ets import component_forecast, run_components
from skseq.windows import FlattenWindows, make_supervised

nan = np.nan


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # statsmodels' reference fits multiply tiny matrices: BLAS threads only
    # compete for the cores with the other xdist worker
    with threadpool_limits(limits=1, user_api="blas"):
        yield


SIMPLE = [NaiveRegressor, SeasonalNaiveRegressor, DriftRegressor, MeanRegressor]
ALL = [*SIMPLE, ARIMARegressor, ExponentialSmoothingRegressor]


def padded_windows(series: np.ndarray, lookback: int) -> np.ndarray:
    """Univariate windows ending at every time step, NaN front padding."""
    padded = np.concatenate([np.full(lookback - 1, nan), series])
    return sliding_window_view(padded, lookback)


def ar_series(n: int, phi: float = 0.7, seed: int = 0, mean: float = 5.0):
    rng = np.random.default_rng(seed)
    e = rng.normal(size=n)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = phi * y[t - 1] + e[t] + 0.3 * e[t - 1]
    return y + mean


def seasonal_series(n: int, m: int = 12, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (
        20
        + 0.05 * t
        + 3 * np.sin(2 * np.pi * t / m)
        + rng.normal(scale=0.5, size=n)
        + np.cumsum(rng.normal(scale=0.2, size=n))
    )


# --------------------------------------------------------------------------
# hand-computed forecasts
# --------------------------------------------------------------------------


def test_naive_last_value_every_step():
    X = np.array([[1.0, 2.0, 3.0], [nan, 7.0, 4.0]])
    model = NaiveRegressor().fit(X, np.zeros((2, 3)))
    assert_array_equal(model.predict(X), [[3, 3, 3], [4, 4, 4]])
    # 1-D y -> 1-D predictions
    assert_array_equal(NaiveRegressor().fit(X, [0, 0]).predict(X), [3.0, 4.0])


def test_seasonal_naive_beyond_one_season():
    # window ends at t; season 3 -> h=1..3 repeat the last season, h=4..6 again
    X = np.array([[10.0, 11, 1, 2, 3], [0.0, 0, 5, 6, 7]])
    model = SeasonalNaiveRegressor(season=3).fit(X, np.zeros((2, 7)))
    assert_array_equal(
        model.predict(X),
        [[1, 2, 3, 1, 2, 3, 1], [5, 6, 7, 5, 6, 7, 5]],
    )
    # season 1 is the naive forecast
    one = SeasonalNaiveRegressor(season=1).fit(X, np.zeros((2, 2)))
    assert_array_equal(one.predict(X), [[3, 3], [7, 7]])


def test_seasonal_naive_window_shorter_than_season_raises():
    X = np.ones((4, 5))
    with pytest.raises(ValueError, match="at least 7 time steps"):
        SeasonalNaiveRegressor(season=7).fit(X, np.ones(4))
    model = SeasonalNaiveRegressor(season=5).fit(X, np.ones(4))
    with pytest.raises(ValueError, match="at least 5 time steps"):
        model.predict(np.ones((2, 4)))
    for bad in (0, -2, 2.5, "7"):
        with pytest.raises(InvalidParameterError, match="'season' parameter"):
            SeasonalNaiveRegressor(season=bad).fit(X, np.ones(4))


def test_seasonal_naive_short_padded_window_falls_back_to_naive():
    X = np.array([[nan, nan, nan, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    model = SeasonalNaiveRegressor(season=3).fit(X, np.zeros((2, 2)))
    assert_array_equal(model.predict(X), [[5, 5], [3, 4]])


def test_drift_uses_observed_part():
    X = np.array(
        [
            [1.0, 4.0, 3.0, 7.0],  # (7 - 1) / 3 = 2 per step
            [nan, nan, 10.0, 4.0],  # padding ignored: -6 per step
            [nan, nan, nan, 5.0],  # one value: no drift
        ]
    )
    model = DriftRegressor().fit(X, np.zeros((3, 3)))
    assert_allclose(model.predict(X), [[9, 11, 13], [-2, -8, -14], [5, 5, 5]])


def test_mean_with_front_padding():
    X = np.array([[nan, nan, 2.0, 4.0, 9.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    model = MeanRegressor().fit(X, np.zeros((2, 2)))
    assert_allclose(model.predict(X), [[5, 5], [3, 3]])


def test_target_index_selects_column():
    X = np.zeros((2, 3, 2))
    X[:, :, 0] = [[1, 2, 3], [4, 5, 6]]
    X[:, :, 1] = [[10, 20, 40], [0, 0, 1]]
    assert_array_equal(
        NaiveRegressor(target_index=1).fit(X, [0, 0]).predict(X), [40, 1]
    )
    assert_array_equal(
        NaiveRegressor(target_index=-2).fit(X, [0, 0]).predict(X), [3, 6]
    )
    assert_allclose(DriftRegressor(target_index=1).fit(X, [0, 0]).predict(X), [55, 1.5])
    with pytest.raises(ValueError, match="target_index=2 is out of range"):
        NaiveRegressor(target_index=2).fit(X, [0, 0])
    with pytest.raises(InvalidParameterError, match="'target_index' parameter"):
        NaiveRegressor(target_index="a").fit(X, [0, 0])


@pytest.mark.parametrize("cls", SIMPLE)
def test_predict_keeps_y_shape(cls):
    X = np.arange(24.0).reshape(4, 6)
    assert cls().fit(X, np.zeros(4)).predict(X).shape == (4,)
    assert cls().fit(X, np.zeros((4, 1))).predict(X).shape == (4, 1)
    assert cls().fit(X, np.zeros((4, 5))).predict(X).shape == (4, 5)


@pytest.mark.parametrize("cls", SIMPLE)
def test_invalid_input_raises(cls):
    X = np.arange(24.0).reshape(4, 6)
    model = cls().fit(X, np.zeros(4))
    bad = X.copy()
    bad[1, 3] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        model.predict(bad)
    bad = X.copy()
    bad[2, 4] = nan  # NaN after observed values: not front padding
    with pytest.raises(ValueError, match="not front padding"):
        model.predict(bad)
    with pytest.raises(ValueError, match="not front padding"):
        cls().fit(bad, np.zeros(4))
    with pytest.raises(ValueError, match="features per time step"):
        model.predict(np.zeros((2, 6, 3)))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, np.zeros(3))


def test_pandas_input_and_feature_names():
    X = pd.DataFrame(
        [[1.0, 2.0, 3.0], [2.0, 3.0, 5.0]], columns=["lag2", "lag1", "lag0"]
    )
    y = pd.Series([5.0, 8.0], name="next")
    model = DriftRegressor().fit(X, y)
    # A 2-D frame is univariate windows: its columns are time steps, not
    # features, so no feature_names_in_ (see skseq.base).
    assert model.n_features_in_ == 1 and not hasattr(model, "feature_names_in_")
    assert_allclose(model.predict(X), [4.0, 6.5])
    y2 = pd.DataFrame({"h1": [1.0, 2.0], "h2": [1.0, 2.0]})
    assert NaiveRegressor().fit(X, y2).predict(X).shape == (2, 2)


# --------------------------------------------------------------------------
# training series reconstruction
# --------------------------------------------------------------------------


def test_series_from_sliding_windows_round_trip():
    series = np.arange(1.0, 21.0)
    X = padded_windows(series, 5)
    lengths = (~np.isnan(X)).sum(axis=1)
    stretches, consecutive = series_from_windows(X, lengths)
    assert consecutive
    assert_array_equal(stretches[0], series)
    # a later training fold: full windows only
    stretches, consecutive = series_from_windows(X[8:], lengths[8:])
    assert consecutive
    assert_array_equal(stretches[0], series[4:])


@pytest.mark.parametrize("cls", ALL)
def test_chunked_processing_gives_the_same_result(cls, monkeypatch):
    series = seasonal_series(150)
    X = padded_windows(series, 20)  # a strided, read-only view
    y = np.zeros((150, 3))
    whole = cls().fit(X, y)
    expected = whole.predict(X)
    monkeypatch.setattr("skseq.baselines._base._CHUNK_ELEMENTS", 70)  # 3 windows
    chunked = cls().fit(X, y)
    assert_allclose(chunked.predict(X), expected, rtol=1e-12, atol=1e-12)
    if hasattr(whole, "nobs_"):
        assert chunked.nobs_ == whole.nobs_ == 150
    stretches, consecutive = series_from_windows(X, (~np.isnan(X)).sum(axis=1))
    assert consecutive
    assert_array_equal(stretches[0], series)


def test_non_consecutive_windows_warn_and_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 8))
    with pytest.warns(UserWarning, match="do not form one series"):
        model = ARIMARegressor(order=(1, 0, 0)).fit(X, np.zeros(30))
    assert model.nobs_ == 30 * 8
    # shuffled windows of one series are not consecutive either
    X = padded_windows(ar_series(80), 10)[rng.permutation(80)]
    with pytest.warns(UserWarning, match="runs of consecutive"):
        ExponentialSmoothingRegressor().fit(X, np.zeros(80))


def test_arima_fit_equals_statsmodels_on_the_series():
    series = ar_series(400)
    X, y = make_supervised(pd.DataFrame({"y": series}), "y", horizon=2, lookback=32)
    model = ARIMARegressor(order=(1, 0, 1)).fit(X, y)
    # make_supervised drops the last 2 rows (no full target): series[:-2]
    assert model.nobs_ == 398
    ref = ARIMA(series[:-2], order=(1, 0, 1)).fit()
    assert_allclose(model.params_.to_numpy(), ref.params, rtol=1e-6)
    assert list(model.params_.index) == ref.param_names


# --------------------------------------------------------------------------
# ARIMA: agreement with statsmodels' forecast of the same history
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order, seasonal_order, trend",
    [
        ((1, 0, 1), (0, 0, 0, 0), None),
        ((1, 0, 0), (0, 0, 0, 0), "c"),
        ((2, 1, 0), (0, 0, 0, 0), None),
        ((1, 1, 1), (0, 0, 0, 0), "t"),
        ((1, 0, 0), (1, 0, 0, 6), None),
        ((0, 1, 1), (0, 1, 1, 6), None),
    ],
)
def test_arima_matches_statsmodels_apply(order, seasonal_order, trend):
    rng = np.random.default_rng(4)
    n, L, H = 300, 30, 4
    series = ar_series(n) + np.cumsum(rng.normal(scale=0.3, size=n))
    series += 2 * np.sin(2 * np.pi * np.arange(n) / 6)
    X = padded_windows(series, L)
    model = ARIMARegressor(order, seasonal_order, trend).fit(X, np.zeros((n, H)))
    pred = model.predict(X)
    assert pred.shape == (n, H)
    ref = ARIMA(series, order=order, seasonal_order=seasonal_order, trend=trend)
    ref_res = ref.filter(model.params_.to_numpy())
    for i in [0, 3, L - 1, L, 150, n - 1]:  # padded and full windows
        history = X[i][~np.isnan(X[i])]
        expected = ref_res.apply(history, refit=False).forecast(H)
        assert_allclose(pred[i], expected, rtol=1e-7, atol=1e-8)
    # a window holding the whole training series: the results' own forecast
    whole = model.predict(series[None, :])[0]
    assert_allclose(whole, ref_res.forecast(H), rtol=1e-7, atol=1e-8)


def test_arima_time_trend_without_differencing_raises():
    X = padded_windows(ar_series(100), 10)
    with pytest.raises(ValueError, match="Windows carry no absolute time"):
        ARIMARegressor(order=(1, 0, 0), trend="ct").fit(X, np.zeros(100))


def test_kalman_gains_exact_diffuse_matches_statsmodels():
    rng = np.random.default_rng(3)
    n = 120
    y = np.cumsum(rng.normal(size=n)) + np.tile(np.arange(7.0), 20)[:n]
    mod = SARIMAX(
        y, order=(1, 1, 1), seasonal_order=(0, 1, 1, 7), use_exact_diffuse=True
    )
    res = mod.smooth([0.3, 0.2, -0.4, 1.0])
    fr = res.filter_results
    assert fr.initial_diffuse_state_cov.any()
    Z, T = fr.design[0, :, 0], fr.transition[:, :, 0]
    R, Q = fr.selection[:, :, 0], fr.state_cov[:, :, 0]
    gains = kalman_gains(
        Z,
        fr.obs_cov[0, 0, 0],
        T,
        R @ Q @ R.T,
        fr.initial_state_cov,
        fr.initial_diffuse_state_cov,
        n,
    )
    a = fr.initial_state.copy()
    for t in range(n):
        a = T @ (a + gains[t] * (y[t] - Z @ a))
    assert_allclose(a, fr.predicted_state[:, -1], rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------------------
# Exponential smoothing: agreement with statsmodels
# --------------------------------------------------------------------------

ETS_SPECS = [
    (None, False, None),
    ("add", False, None),
    ("add", True, None),
    (None, False, "add"),
    ("add", True, "add"),
    ("add", False, "mul"),
    # not ("mul", True, ...): statsmodels reports initial_trend as b0**phi / phi
    # there, so its initial state cannot be replayed
    ("mul", False, "mul"),
]


def hyndman_forecast(res, H, trend, seasonal, m, phi):
    """Forecast from statsmodels' final components (Hyndman & Athanasopoulos).

    statsmodels' own ``forecast`` drops the last seasonal update at horizons
    that are multiples of the season (statsmodels#9538), so the comparison at
    every horizon uses the components it returns.
    """
    level = np.array([res.level[-1]])
    slope = np.array([res.trend[-1] if trend else 0.0])
    seasons = np.asarray(res.season[-m:])[::-1][None, :] if m else np.empty((1, 0))
    return component_forecast(level, slope, seasons, H, phi, trend, seasonal)[0]


@pytest.mark.parametrize("trend, damped, seasonal", ETS_SPECS)
def test_ets_recursions_match_statsmodels(trend, damped, seasonal):
    m = 12 if seasonal else 0
    n, H = 240, 14
    series = seasonal_series(n)
    model = ExponentialSmoothingRegressor(
        trend=trend, damped_trend=damped, seasonal=seasonal, seasonal_periods=m or None
    ).fit(series[None, :], np.zeros((1, H)))
    res = ExponentialSmoothing(
        series,
        trend=trend,
        damped_trend=damped,
        seasonal=seasonal,
        seasonal_periods=m or None,
        initialization_method="estimated",
    ).fit()
    assert_allclose(model.smoothing_level_, res.params["smoothing_level"])
    # the recursions from statsmodels' fitted initial state reproduce its states
    level, slope, seasons = run_components(
        series[None, :],
        np.array([n]),
        np.array([model.initial_level_]),
        np.array([model.initial_trend_]),
        model.initial_seasons_[::-1].reshape(1, m),
        alpha=model.smoothing_level_,
        beta=model.smoothing_trend_,
        gamma=model.smoothing_seasonal_,
        phi=model.damping_trend_,
        trend=trend,
        seasonal=seasonal,
    )
    assert_allclose(level, res.level[-1:], rtol=1e-10)
    if m:
        assert_allclose(seasons[0], np.asarray(res.season[-m:])[::-1], rtol=1e-10)
    phi = model.damping_trend_
    ours = component_forecast(level, slope, seasons, H, phi, trend, seasonal)[0]
    expected = hyndman_forecast(res, H, trend, seasonal, m, phi)
    assert_allclose(ours, expected, rtol=1e-10)
    # statsmodels' forecast agrees except at multiples of the season
    h = np.arange(1, H + 1)
    keep = h % m != 0 if m else h > 0
    assert_allclose(ours[keep], res.forecast(H)[keep], rtol=1e-10)
    if trend in (None, "add") and seasonal in (None, "add"):
        # additive: the per-window least-squares initial state is the one
        # statsmodels estimates with the smoothing parameters held fixed
        fixed = {
            "smoothing_level": model.smoothing_level_,
            "smoothing_trend": model.smoothing_trend_ if trend else None,
            "smoothing_seasonal": model.smoothing_seasonal_ if m else None,
            "damping_trend": model.damping_trend_ if damped else None,
        }
        res_init = ExponentialSmoothing(
            series,
            trend=trend,
            damped_trend=damped,
            seasonal=seasonal,
            seasonal_periods=m or None,
            initialization_method="estimated",
        ).fit(**fixed)
        whole = model.predict(series[None, :])[0]
        expected = hyndman_forecast(res_init, H, trend, seasonal, m, phi)
        assert_allclose(whole, expected, rtol=1e-5)


def test_ets_tail_window_close_to_statsmodels_forecast():
    # random walk: alpha close to 1, the window's own start barely matters
    rng = np.random.default_rng(7)
    series = 100 + np.cumsum(rng.normal(size=2000))
    X = padded_windows(series, 64)
    model = ExponentialSmoothingRegressor().fit(X, np.zeros((2000, 3)))
    res = ExponentialSmoothing(series, initialization_method="estimated").fit()
    assert_allclose(model.predict(X[-1:])[0], res.forecast(3), rtol=1e-6)
    # Holt-Winters on a seasonal series: the last 8 seasons condition the state
    series = seasonal_series(600, m=12)
    X = padded_windows(series, 96)
    spec = dict(trend="add", seasonal="add", seasonal_periods=12)
    model = ExponentialSmoothingRegressor(**spec).fit(X, np.zeros((600, 11)))
    res = ExponentialSmoothing(series, initialization_method="estimated", **spec).fit()
    tail = model.predict(X[-1:])[0]
    assert np.abs(tail - res.forecast(11)).max() < 0.5 * np.std(np.diff(series))


def test_ets_multiplicative_windows():
    series = seasonal_series(300)
    X = padded_windows(series, 48)
    model = ExponentialSmoothingRegressor(
        trend="add", seasonal="mul", seasonal_periods=12
    ).fit(X, series)
    pred = model.predict(X)
    assert np.isfinite(pred).all()
    naive = NaiveRegressor().fit(X, series).predict(X)
    # one-step forecast of window t is for series[t + 1]
    err = mean_absolute_error(series[49:], pred[48:-1])
    assert err < mean_absolute_error(series[49:], naive[48:-1])
    with pytest.raises(ValueError, match="strictly positive"):
        model.predict(X[60:62] - 100)


def test_ets_parameter_errors():
    X = padded_windows(seasonal_series(100), 24)
    cases = [
        ({"seasonal": "add"}, "'seasonal_periods' parameter.*required"),
        ({"damped_trend": True}, "'damped_trend' parameter.*only with a trend"),
        ({"trend": "linear"}, "'trend' parameter"),
        ({"seasonal": "add", "seasonal_periods": 1}, "'seasonal_periods' parameter"),
        ({"initialization_method": "known"}, "'initialization_method' parameter"),
        ({"target_index": 0.5}, "'target_index' parameter"),
    ]
    for params, match in cases:
        with pytest.raises(InvalidParameterError, match=match):
            ExponentialSmoothingRegressor(**params).fit(X, np.zeros(100))


@pytest.mark.parametrize(
    "params, name",
    [
        ({"order": (1, 0)}, "order"),
        ({"order": (1, -1, 0)}, "order"),
        ({"order": (1.5, 0, 0)}, "order"),
        ({"order": 1}, "order"),
        ({"seasonal_order": (1, 0, 0)}, "seasonal_order"),
        ({"trend": "quadratic"}, "trend"),
        ({"enforce_stationarity": "yes"}, "enforce_stationarity"),
        ({"method_kwargs": [1]}, "method_kwargs"),
    ],
)
def test_arima_parameter_errors_name_the_parameter(params, name):
    X = padded_windows(ar_series(60), 10)
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        ARIMARegressor(**params).fit(X, np.zeros(60))


# --------------------------------------------------------------------------
# model selection, pipelines, pickling
# --------------------------------------------------------------------------


def test_grid_search_over_season_with_time_series_split():
    rng = np.random.default_rng(0)
    n = 400
    weekly = np.tile([5.0, 3.0, 8.0, 1.0, 4.0, 9.0, 2.0], n // 7 + 1)[:n]
    frame = pd.DataFrame(
        {"y": weekly + rng.normal(scale=0.3, size=n)},
        index=pd.date_range("2024-01-01", periods=n, freq="D"),
    )
    X, y = make_supervised(frame, "y", horizon=3, lookback=14)
    search = GridSearchCV(
        SeasonalNaiveRegressor(),
        {"season": [1, 5, 7, 12]},
        cv=TimeSeriesSplit(n_splits=4),
        scoring="neg_mean_absolute_error",
    ).fit(X, y)
    assert search.best_params_ == {"season": 7}
    assert search.predict(X).shape == y.shape


def test_grid_search_over_arima_order():
    series = ar_series(500, phi=0.8)
    X, y = make_supervised(pd.DataFrame({"y": series}), "y", lookback=24)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels convergence chatter
        search = GridSearchCV(
            ARIMARegressor(),
            {"order": [(0, 0, 0), (1, 0, 1)]},
            cv=TimeSeriesSplit(n_splits=3),
            scoring="neg_mean_squared_error",
        ).fit(X, y)
    assert search.best_params_ == {"order": (1, 0, 1)}


def test_same_folds_as_lag_regression():
    series = ar_series(300)
    X, y = make_supervised(
        pd.DataFrame({"y": series}), "y", lookback=16, min_history="full"
    )
    cv = TimeSeriesSplit(n_splits=3)
    scores = {
        name: cross_val_score(est, X, y, cv=cv, scoring="neg_mean_absolute_error")
        for name, est in {
            "naive": NaiveRegressor(),
            "ridge": make_pipeline(FlattenWindows(), Ridge()),
            "arima": ARIMARegressor(order=(1, 0, 1)),
        }.items()
    }
    assert all(np.isfinite(s).all() for s in scores.values())
    assert scores["arima"].mean() > scores["naive"].mean()


@pytest.mark.parametrize("cls", ALL)
def test_pickle_and_clone_keep_predictions(cls):
    series = seasonal_series(200)
    X = padded_windows(series, 24)
    model = cls().fit(X, np.zeros((200, 2)))
    again = pickle.loads(pickle.dumps(model))
    assert_array_equal(again.predict(X), model.predict(X))
    assert not hasattr(clone(model), "n_outputs_")
