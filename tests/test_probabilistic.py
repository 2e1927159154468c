"""Probabilistic forecasts: distribution heads, intervals, conformal, metrics."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from skseq import (
    GRURegressor,
    LSTMRegressor,
    RecurrentRegressor,
    RNNRegressor,
    Seq2SeqRegressor,
    SequenceScaler,
    make_supervised,
)
from skseq.baselines import (
    ARIMARegressor,
    DriftRegressor,
    ExponentialSmoothingRegressor,
    MeanRegressor,
    NaiveRegressor,
    SeasonalNaiveRegressor,
)
from skseq.conformal import ConformalRegressor, conformal_quantile
from skseq.intervals import predict_interval, predict_quantiles
from skseq.metrics import (
    crps,
    interval_coverage,
    interval_width,
    make_interval_scorer,
    make_quantile_scorer,
    pinball_loss,
    winkler_score,
)
from skseq.model_selection import backtest
from skseq.nn.distributions import (
    DistributionHead,
    GaussianNLLLoss,
    PinballLoss,
    StudentTNLLLoss,
)

TINY = dict(hidden_size=6, max_epochs=2, batch_size=32, random_state=0)
REGRESSORS = [
    RecurrentRegressor(cell="gru", **TINY),
    RNNRegressor(**TINY),
    LSTMRegressor(**TINY),
    GRURegressor(**TINY),
    Seq2SeqRegressor(teacher_forcing=0.5, **TINY),
]


def _windows(n=120, lookback=8, horizon=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, lookback, 2))
    Y = np.stack([X[:, -1, 0] * (h + 1) for h in range(horizon)], axis=1)
    return X, Y + 0.1 * rng.normal(size=Y.shape)


def ar_series(n, seed, noise):
    """AR(1) with coefficient 0.6 driven by ``noise * sigma_t``."""
    rng = np.random.default_rng(seed)
    e = noise(rng, n)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = 0.6 * x[t - 1] + e[t]
    return x


def lagged(series, lookback):
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], lookback)
    return X, series[lookback:]


# -- heads ---------------------------------------------------------------------


@pytest.mark.parametrize("model", REGRESSORS, ids=lambda m: type(m).__name__)
@pytest.mark.parametrize("loss", ["quantile", "gaussian", "student_t"])
def test_heads_shapes_and_no_crossing(model, loss):
    X, Y = _windows()
    levels = (0.05, 0.25, 0.5, 0.75, 0.95)
    reg = clone(model).set_params(loss=loss, quantiles=levels).fit(X, Y)
    # Far outside the training range, where nothing constrains the net.
    X_far = 50 * np.random.default_rng(1).normal(size=(40, 8, 2))
    q = reg.predict_quantiles(X_far)
    assert q.shape == (40, 3, 5)
    assert np.all(np.diff(q, axis=-1) >= 0)
    point = reg.predict(X_far)
    assert point.shape == (40, 3)
    np.testing.assert_allclose(point, q[..., 2], rtol=1e-6, atol=1e-6)
    lower, upper = reg.predict_interval(X_far, coverage=0.5)
    assert lower.shape == upper.shape == (40, 3)
    np.testing.assert_allclose(lower, q[..., 1], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(upper, q[..., 3], rtol=1e-6, atol=1e-6)
    # 1-D y: (n_samples, n_quantiles).
    reg1 = clone(reg).fit(X, Y[:, 0])
    assert reg1.predict_quantiles(X[:7]).shape == (7, 5)
    assert reg1.predict(X[:7]).shape == (7,)
    assert reg1.predict_interval(X[:7])[0].shape == (7,)


def test_quantile_head_is_ordered_and_location_like():
    torch.manual_seed(0)
    head = DistributionHead(5, n_targets=4, distribution="quantile", n_params=7)
    # At initialisation: standard normal quantiles for every input.
    levels = torch.arange(1, 8, dtype=torch.float64) / 8
    z = torch.distributions.Normal(0.0, 1.0).icdf(levels).float()
    start = head(torch.randn(3, 5)).reshape(3, 4, 7)
    spread = start - start[..., 3:4]
    assert torch.allclose(spread, z.expand_as(spread), atol=1e-5)
    torch.nn.init.normal_(head.linear.weight, std=3.0)  # arbitrary weights
    out = head(100 * torch.randn(256, 5)).reshape(256, 4, 7)
    assert torch.all(out.diff(dim=-1) >= 0)
    # A per-sample positive affine map keeps the order (issue15's contract).
    loc, scale = torch.randn(256, 1, 1), torch.rand(256, 1, 1) + 0.01
    assert torch.all((loc + scale * out).diff(dim=-1) >= 0)
    gauss = DistributionHead(5, 2, "gaussian", 2)(torch.randn(64, 5)).reshape(64, 2, 2)
    assert torch.all(gauss[..., 1] > gauss[..., 0])


def test_losses_match_scipy_and_reduction():
    rng = np.random.default_rng(0)
    y = torch.tensor(rng.normal(size=(16, 3)), dtype=torch.float64)
    mu = torch.tensor(rng.normal(size=(16, 3)), dtype=torch.float64)
    sigma = torch.tensor(rng.uniform(0.5, 2, size=(16, 3)), dtype=torch.float64)
    pred = torch.stack([mu, mu + sigma], dim=-1).flatten(1)
    nll = GaussianNLLLoss(reduction="none")(pred, y)
    expected = -stats.norm.logpdf(y.numpy(), mu.numpy(), sigma.numpy())
    np.testing.assert_allclose(nll.numpy(), expected, rtol=1e-10)
    assert nll.shape == (16, 3)
    assert torch.isclose(GaussianNLLLoss()(pred, y), nll.mean())
    t_loss = StudentTNLLLoss(n_targets=3, reduction="none").double()
    df = t_loss.df.detach().numpy()
    expected = -stats.t.logpdf(y.numpy(), df, mu.numpy(), sigma.numpy())
    np.testing.assert_allclose(t_loss(pred, y).detach().numpy(), expected, rtol=1e-8)
    levels = [0.1, 0.5, 0.9]
    qpred = torch.sort(torch.tensor(rng.normal(size=(16, 3, 3))), dim=-1).values
    pin = PinballLoss(levels, reduction="none")(qpred.flatten(1), y)
    assert pin.shape == (16, 3)
    np.testing.assert_allclose(
        float(pin.mean()), pinball_loss(y.numpy(), qpred.numpy(), levels), rtol=1e-6
    )
    with pytest.raises(ValueError, match="reduction"):
        PinballLoss(levels, reduction="avg")


# -- test item 5: regime-switching noise -----------------------------------------


def regime_noise(seed, n):
    """Noise whose level switches between 0.3 and 1.5 (persistent regimes)."""
    rng = np.random.default_rng(seed)
    flips = rng.random(n) < 0.02
    sigma = np.where(np.cumsum(flips) % 2 == 0, 0.3, 1.5)
    e = rng.normal(size=n) * sigma
    return e, sigma


def test_quantile_model_covers_and_follows_regime_noise():
    torch.set_num_threads(1)
    e, sigma = regime_noise(0, 1600)
    x = np.zeros_like(e)
    for t in range(1, len(x)):
        x[t] = 0.5 * x[t - 1] + e[t]
    X, y = lagged(x, 12)
    true_sigma = sigma[12:]
    n_train = 800
    model = GRURegressor(
        hidden_size=8,
        max_epochs=10,
        lr=0.03,
        batch_size=64,
        loss="quantile",
        quantiles=(0.1, 0.5, 0.9),
        random_state=0,
    ).fit(X[:n_train, :, None], y[:n_train])
    lower, upper = model.predict_interval(X[n_train:, :, None], coverage=0.8)
    covered = interval_coverage(y[n_train:], lower, upper)
    assert 0.72 <= covered <= 0.88
    width = upper - lower
    assert np.corrcoef(width, true_sigma[n_train:])[0, 1] > 0.5
    q = model.predict_quantiles(X[n_train:, :, None])
    assert np.all(np.diff(q, axis=-1) >= 0)


@pytest.mark.parametrize("loss", ["gaussian", "student_t"])
def test_parametric_heads_learn_the_noise_scale(loss):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 5, 1))
    scale = 0.2 + np.abs(X[:, -1, 0])
    noise = rng.standard_t(4, size=600) if loss == "student_t" else rng.normal(size=600)
    y = scale * noise
    model = GRURegressor(
        hidden_size=8, max_epochs=15, lr=0.03, loss=loss, random_state=0
    ).fit(X[:400], y[:400])
    lower, upper = model.predict_interval(X[400:], coverage=0.8)
    assert np.corrcoef(upper - lower, scale[400:])[0, 1] > 0.5
    assert 0.65 <= interval_coverage(y[400:], lower, upper) <= 0.95
    if loss == "student_t":
        df = model._student_df()
        assert df.shape == (1,) and np.all(df > 2) and np.all(np.isfinite(df))


# -- contract ----------------------------------------------------------------------


def test_point_model_has_no_interval_methods_and_helper_explains():
    X, Y = _windows()
    reg = GRURegressor(**TINY).fit(X, Y)
    assert not hasattr(reg, "predict_interval")
    assert not hasattr(reg, "predict_quantiles")
    with pytest.raises(TypeError, match="loss='quantile'"):
        predict_interval(reg, X)


def test_invalid_loss_quantiles_and_coverage():
    X, Y = _windows(n=40)
    with pytest.raises(InvalidParameterError, match="loss"):
        GRURegressor(loss="huber", **TINY).fit(X, Y)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        GRURegressor(loss="quantile", quantiles=(10, 50, 90), **TINY).fit(X, Y)
    with pytest.raises(ValueError, match="distinct"):
        GRURegressor(loss="quantile", quantiles=(0.5, 0.5), **TINY).fit(X, Y)
    reg = GRURegressor(loss="quantile", quantiles=[0.9, 0.1, 0.5], **TINY).fit(X, Y)
    assert reg.quantiles == [0.9, 0.1, 0.5]  # the user's list is untouched
    np.testing.assert_array_equal(reg.quantiles_, [0.1, 0.5, 0.9])
    with pytest.raises(ValueError, match="outside the levels the model learned"):
        reg.predict_interval(X, coverage=0.9)
    with pytest.raises(ValueError, match="coverage"):
        reg.predict_interval(X, coverage=80)
    assert reg.predict_quantiles(X, quantiles=[0.3]).shape == (40, 3, 1)


def test_pickle_clone_and_pipeline_helpers():
    X, Y = _windows()
    reg = GRURegressor(loss="student_t", **TINY).fit(X, Y)
    again = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(reg.predict_quantiles(X), again.predict_quantiles(X))
    assert clone(reg).get_params()["loss"] == "student_t"
    pipe = make_pipeline(SequenceScaler(), clone(reg)).fit(X, Y)
    lower, upper = predict_interval(pipe, X, coverage=0.8)
    assert lower.shape == (120, 3) and np.all(lower < upper)
    assert predict_quantiles(pipe, X, quantiles=[0.1, 0.9]).shape == (120, 3, 2)


# -- baselines ---------------------------------------------------------------------


def test_simple_baseline_interval_formulas():
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=500))
    X = np.lib.stride_tricks.sliding_window_view(series[:-4], 30)
    Y = np.lib.stride_tricks.sliding_window_view(series[30:], 4)
    h = np.arange(1, 5)
    z80 = stats.norm.ppf(0.9)
    naive = NaiveRegressor().fit(X, Y)
    # The training series rebuilt from the windows: every change counted once.
    sigma = np.sqrt(np.mean(np.diff(series[: len(X) + 29]) ** 2))
    assert naive.residual_std_ == pytest.approx(sigma)
    lower, upper = naive.predict_interval(X)
    np.testing.assert_allclose(
        upper - lower, np.tile(2 * z80 * sigma * np.sqrt(h), (len(X), 1))
    )
    # A random walk's naive interval covers about as promised, per step.
    assert np.all(
        np.abs(interval_coverage(Y, lower, upper, multioutput="raw_values") - 0.8)
        < 0.06
    )
    snaive = SeasonalNaiveRegressor(season=2).fit(X, Y)
    lo, hi = snaive.predict_interval(X[:1])
    k = (h - 1) // 2 + 1
    np.testing.assert_allclose(
        (hi - lo)[0], 2 * z80 * snaive.residual_std_ * np.sqrt(k)
    )
    drift = DriftRegressor().fit(X, Y)
    lo, hi = drift.predict_interval(X[:1])
    expect = drift.residual_std_ * np.sqrt(h * (1 + h / 29))
    np.testing.assert_allclose((hi - lo)[0], 2 * z80 * expect)
    mean = MeanRegressor().fit(X, Y)
    q = mean.predict_quantiles(X[:5], quantiles=[0.1, 0.5, 0.9])
    np.testing.assert_allclose(q[..., 1], mean.predict(X[:5]))
    assert np.all(np.diff(q, axis=-1) > 0)


def test_arima_intervals_equal_statsmodels():
    from statsmodels.tsa.arima.model import ARIMA

    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=300)) * 0.3 + rng.normal(size=300)
    X = np.lib.stride_tricks.sliding_window_view(x[:-3], 40)
    Y = np.lib.stride_tricks.sliding_window_view(x[40:], 3)
    model = ARIMARegressor(order=(1, 1, 1)).fit(X, Y)
    lower, upper = model.predict_interval(X[-2:], coverage=0.9)
    res = ARIMA(x[: len(X) + 39], order=(1, 1, 1)).fit()
    for i in (-2, -1):
        ci = res.apply(X[i], refit=False).get_forecast(3).conf_int(alpha=0.1)
        np.testing.assert_allclose(ci[:, 0], lower[i], atol=1e-6)
        np.testing.assert_allclose(ci[:, 1], upper[i], atol=1e-6)


def test_ets_intervals_equal_statsmodels_etsmodel():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=300)) * 0.3 + rng.normal(size=300)
    X = np.lib.stride_tricks.sliding_window_view(x[:-4], 40)
    Y = np.lib.stride_tricks.sliding_window_view(x[40:], 4)
    model = ExponentialSmoothingRegressor(trend="add").fit(X, Y)
    q = model.predict_quantiles(X[-1:], quantiles=[0.05, 0.95])
    series = pd.Series(x[: len(X) + 39])
    ets = ETSModel(series, error="add", trend="add")
    with ets.fix_params(
        {
            "smoothing_level": model.smoothing_level_,
            "smoothing_trend": model.smoothing_trend_,
        }
    ):
        res = ets.fit(disp=False)
    frame = res.get_prediction(start=len(series), end=len(series) + 3).summary_frame(
        alpha=0.1
    )
    theirs = (frame["pi_upper"] - frame["pi_lower"]).to_numpy() / np.sqrt(res.scale)
    ours = (q[0, :, 1] - q[0, :, 0]) / np.sqrt(model.sse_ / model.nobs_)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8)
    mul = ExponentialSmoothingRegressor(trend="mul").fit(np.abs(X) + 1, Y)
    with pytest.raises(ValueError, match="additive"):
        mul.predict_interval(np.abs(X) + 1)


# -- conformal ---------------------------------------------------------------------


def test_conformal_network_reaches_nominal_coverage_on_long_period():
    torch.set_num_threads(1)
    x = ar_series(4200, 1, lambda rng, n: rng.standard_t(4, size=n))
    X, y = lagged(x, 10)
    net = GRURegressor(
        hidden_size=4, max_epochs=3, lr=0.03, batch_size=128, random_state=0
    )
    model = ConformalRegressor(net, calibration_fraction=0.5).fit(X[:1400], y[:1400])
    lower, upper = model.predict_interval(X[1400:])
    assert len(y) - 1400 > 2500
    assert abs(interval_coverage(y[1400:], lower, upper) - 0.8) <= 0.03
    q = model.predict_quantiles(X[1400:], quantiles=[0.1, 0.5, 0.9])
    np.testing.assert_allclose(q[:, 0], lower)
    np.testing.assert_allclose(q[:, 1], model.predict(X[1400:]))


def test_adaptive_conformal_keeps_coverage_under_a_shift():
    x = ar_series(
        4000,
        2,
        lambda rng, n: rng.normal(size=n) * np.where(np.arange(n) < 2500, 1, 2.5),
    )
    X, y = lagged(x, 10)
    covered = {}
    for method in ("split", "adaptive"):
        model = ConformalRegressor(NaiveRegressor(), method=method, step_size=0.01)
        lower, upper = model.fit(X[:1500], y[:1500]).predict_interval_online(
            X[1500:], y[1500:]
        )
        covered[method] = interval_coverage(y[1500:], lower, upper)
    assert covered["split"] < 0.72  # calibrated on the calm period
    assert abs(covered["adaptive"] - 0.8) <= 0.03


def test_conformal_multistep_gap_update_and_errors():
    x = ar_series(800, 3, lambda rng, n: rng.normal(size=n))
    frame = pd.DataFrame({"x": x}, index=pd.date_range("2020", periods=800))
    X, Y = make_supervised(frame, "x", horizon=3, lookback=10, min_history="full")
    model = ConformalRegressor(NaiveRegressor(), calibration_fraction=0.25).fit(X, Y)
    assert model.n_calibration_ == int(np.ceil(0.25 * len(X)))
    assert len(model.scores_) == 3
    lower, upper = model.predict_interval(X[-5:], coverage=0.5)
    lo90, hi90 = model.predict_interval(X[-5:], coverage=0.9)
    assert lower.shape == (5, 3) and np.all(hi90 - lo90 >= upper - lower)
    before = len(model.scores_[0])
    model.update(X[-5:], Y[-5:])
    assert len(model.scores_[0]) == before + 5
    adaptive = ConformalRegressor(NaiveRegressor(), method="adaptive").fit(X, Y)
    with pytest.raises(ValueError, match="adaptive"):
        adaptive.predict_interval(X[-5:], coverage=0.9)
    with pytest.raises(ValueError, match="calibration"):
        ConformalRegressor(NaiveRegressor(), calibration_fraction=0.5).fit(X[:4], Y[:4])
    assert conformal_quantile(np.arange(1.0, 10.0), 0.05) == np.inf


@parametrize_with_checks([ConformalRegressor(Ridge())])
def test_conformal_sklearn_contract(estimator, check):
    check(estimator)


def test_mapie_time_series_recipe():
    mapie = pytest.importorskip("mapie.regression")
    torch.set_num_threads(1)
    x = ar_series(3000, 4, lambda rng, n: rng.normal(size=n))
    X, y = lagged(x, 10)
    net = GRURegressor(
        hidden_size=4, max_epochs=3, lr=0.03, batch_size=128, random_state=0
    )
    net.fit(X[:800, :, None], y[:800])
    mapie_model = mapie.TimeSeriesRegressor(net, method="aci", cv="prefit")
    mapie_model.fit(X[800:1400, :, None], y[800:1400])
    _, bounds = mapie_model.predict(X[1400:, :, None], confidence_level=0.8)
    covered = interval_coverage(y[1400:], bounds[:, 0, 0], bounds[:, 1, 0])
    assert abs(covered - 0.8) <= 0.03


# -- metrics, scorers, backtest ----------------------------------------------------


def test_interval_metrics_by_hand():
    y = np.array([[1.0, 5.0], [3.0, 0.0]])
    lower = np.array([[0.0, 0.0], [0.0, 1.0]])
    upper = np.array([[2.0, 2.0], [2.0, 3.0]])
    np.testing.assert_allclose(
        interval_coverage(y, lower, upper, multioutput="raw_values"), [0.5, 0.0]
    )
    assert interval_width(lower, upper) == pytest.approx(2.0)
    # step 1: widths 2 and 2 + 10 * 1; step 2: 2 + 10 * 3 and 2 + 10 * 1.
    np.testing.assert_allclose(
        winkler_score(y, lower, upper, coverage=0.8, multioutput="raw_values"),
        [7.0, 22.0],
    )
    with pytest.raises(ValueError, match="lower exceeds upper"):
        interval_width(upper, lower)
    # CRPS of a single median forecast is the absolute error.
    yq = np.array([[2.0], [1.0]])
    assert crps([1.0, 3.0], yq, [0.5]) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="n_quantiles"):
        pinball_loss([1.0, 2.0], [1.0, 2.0], [0.5])


def test_scorers_and_backtest_per_step():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"y": np.cumsum(rng.normal(size=400))}, index=pd.date_range("2024", periods=400)
    )
    X, Y = make_supervised(frame, "y", horizon=2, lookback=8, min_history="full")
    naive = NaiveRegressor().fit(X, Y)
    lower, upper = naive.predict_interval(X)
    assert make_interval_scorer("winkler")(naive, X, Y) == pytest.approx(
        -winkler_score(Y, lower, upper)
    )
    assert make_interval_scorer("coverage")(naive, X, Y) == pytest.approx(
        interval_coverage(Y, lower, upper)
    )
    q = naive.predict_quantiles(X, quantiles=[0.25, 0.75])
    assert make_quantile_scorer("pinball", [0.25, 0.75])(naive, X, Y) == pytest.approx(
        -pinball_loss(Y, q, [0.25, 0.75])
    )
    res = backtest(
        NaiveRegressor(),
        X,
        Y,
        cv=3,
        scoring=["mae", "coverage", "width", "winkler", "pinball", "crps"],
    )
    summary = res.summary()
    for metric in ("coverage", "width", "winkler", "pinball", "crps"):
        assert list(summary.loc[metric].index) == [1, 2]
    assert {"lower", "upper"} <= set(res.predictions.columns)
    assert res.predictions.eval("lower <= y_pred <= upper").all()
    with pytest.raises(TypeError, match="point forecasts only"):
        backtest(GRURegressor(**TINY), X, Y, cv=2, scoring=["coverage"])


def test_absolute_error_loss_learns_the_median_not_the_mean():
    # y = last value + exponential noise: mean offset 1, median offset ln 2.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6, 1))
    y = X[:, -1, 0] + rng.exponential(1.0, size=400)
    offsets = {}
    for loss in ("squared_error", "absolute_error"):
        model = GRURegressor(
            hidden_size=8, max_epochs=60, lr=1e-2, loss=loss, random_state=0
        ).fit(X, y)
        offsets[loss] = float(np.median(model.predict(X) - X[:, -1, 0]))
        assert not hasattr(model, "predict_interval")  # a point loss
    median, mean = np.log(2), 1.0
    absolute, squared = offsets["absolute_error"], offsets["squared_error"]
    assert abs(absolute - median) < abs(absolute - mean)
    assert abs(squared - mean) < abs(squared - median)
    assert squared - absolute > 0.15
