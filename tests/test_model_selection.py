"""Tests for skseq.model_selection, and skseq's leakage rules.

The leakage rules, numbered as in the test names:

1. Windows are causal: the window of origin ``t`` holds rows up to ``t``, its
   targets rows ``t + 1 .. t + horizon`` (tested in ``test_windows.py``).
2. Anything fitted (scalers, imputers, the network) sees the training fold
   only.
3. A gap of at least ``horizon - 1`` samples separates a training fold from
   its test fold, so no training target lies inside a test target: data after
   a fold's last training target cannot change that fold's model.
4. Early stopping validates on the newest training samples, never on a random
   or oldest slice (tested in ``test_estimators.py``).
5. A column that copies the target cannot help a model: window ``t`` never
   sees the copy's value at ``t + 1``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import median_absolute_error
from sklearn.model_selection import TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline

from skseq.metrics import mae_scorer, mase
from skseq.model_selection import BacktestResult, TimeSeriesWindowSplit, backtest
from skseq.windows import FlattenWindows, SequenceScaler, make_supervised


def _series(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.DataFrame(
        {
            "y": 10 + np.sin(t / 6) + 0.05 * t + 0.2 * rng.normal(size=n),
            "x": np.cos(t / 5) + 0.1 * rng.normal(size=n),
        },
        index=pd.date_range("2023-01-01", periods=n, freq="D"),
    )


def _model():
    return make_pipeline(SequenceScaler(), FlattenWindows(), Ridge(alpha=1.0))


# --------------------------------------------------------------------------
# TimeSeriesWindowSplit
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("horizon", "expanding", "test_size", "max_train_size"),
    list(itertools.product([1, 2, 5], [True, False], [None, 7], [None, 30])),
)
def test_split_gap_rule(horizon, expanding, test_size, max_train_size):
    cv = TimeSeriesWindowSplit(
        n_splits=4,
        horizon=horizon,
        test_size=test_size,
        max_train_size=max_train_size,
        expanding=expanding,
    )
    folds = list(cv.split(np.zeros((100, 3, 2))))
    assert len(folds) == cv.get_n_splits() == 4
    previous_test_end = -1
    for train, test in folds:
        # the last training target (t + horizon) is before the first test target
        assert train.max() + horizon <= test.min()
        # and no training target time is also a test target time
        steps = np.arange(1, horizon + 1)
        train_targets = set((train[:, None] + steps).ravel())
        test_targets = set((test[:, None] + steps).ravel())
        assert not train_targets & test_targets
        assert_array_equal(np.diff(train), 1)
        assert_array_equal(np.diff(test), 1)
        assert test.min() > previous_test_end
        previous_test_end = test.max()
        if max_train_size is not None:
            assert len(train) <= max_train_size
    sizes = [len(train) for train, _ in folds]
    if expanding and max_train_size is None:
        assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
        assert all(train[0] == 0 for train, _ in folds)
    if not expanding and max_train_size is None:
        assert len(set(sizes)) == 1  # the size of the first training set
    if not expanding and max_train_size is not None:
        # fixed width, except where fewer samples exist yet
        assert sizes == [min(max_train_size, train[-1] + 1) for train, _ in folds]


def test_split_default_gap_is_horizon_minus_one():
    cv = TimeSeriesWindowSplit(n_splits=3, horizon=4, test_size=5)
    for train, test in cv.split(np.zeros(50)):
        assert test.min() - train.max() == 4  # 3 samples left out between
    cv = TimeSeriesWindowSplit(n_splits=3, horizon=4, gap=6, test_size=5)
    for train, test in cv.split(np.zeros(50)):
        assert test.min() - train.max() == 7


def test_split_rejects_a_gap_that_leaks():
    with pytest.raises(ValueError, match="leakage"):
        list(TimeSeriesWindowSplit(horizon=3, gap=1).split(np.zeros(50)))
    with pytest.raises(
        ValueError, match="'n_splits' parameter of TimeSeriesWindowSplit"
    ):
        TimeSeriesWindowSplit(n_splits=1).get_n_splits()
    with pytest.raises(TypeError, match="'horizon' parameter of TimeSeriesWindowSplit"):
        list(TimeSeriesWindowSplit(horizon=1.5).split(np.zeros(50)))
    with pytest.raises(ValueError):
        list(TimeSeriesWindowSplit(n_splits=5, test_size=30).split(np.zeros(50)))
    assert "horizon=3" in repr(TimeSeriesWindowSplit(horizon=3))


def test_split_matches_sklearn_time_series_split_with_gap():
    ours = list(TimeSeriesWindowSplit(n_splits=3, horizon=3).split(np.zeros(40)))
    theirs = list(TimeSeriesSplit(n_splits=3, gap=2).split(np.zeros(40)))
    for (a, b), (c, d) in zip(ours, theirs, strict=True):
        assert_array_equal(a, c)
        assert_array_equal(b, d)


def test_split_sliding_window_with_max_train_size():
    cv = TimeSeriesWindowSplit(n_splits=3, max_train_size=10, expanding=False)
    for train, _ in cv.split(np.zeros(60)):
        assert len(train) == 10


# --------------------------------------------------------------------------
# backtest
# --------------------------------------------------------------------------


class _Recorder(RegressorMixin, BaseEstimator):
    """Ridge on flattened windows that records what fit/predict received."""

    calls: list = []
    full: np.ndarray | None = (
        None  # the whole X (a class attribute: clone copies params)
    )

    def fit(self, X, y):
        type(self).calls.append(("fit", len(X), np.shares_memory(X, self.full)))
        self.model_ = Ridge().fit(X.reshape(len(X), -1), y)
        return self

    def predict(self, X):
        type(self).calls.append(("predict", len(X), np.shares_memory(X, self.full)))
        return self.model_.predict(X.reshape(len(X), -1))


def test_backtest_tidy_output_and_dated_predictions():
    df = _series()
    X, y = make_supervised(df, "y", horizon=2, lookback=8, min_history="full")
    res = backtest(_model(), X, y, cv=3, scoring=["mae", "rmse", "smape", "mase"])
    assert isinstance(res, BacktestResult)
    metrics, preds = res  # unpacks
    assert list(metrics.columns) == [
        "fold",
        "step",
        "metric",
        "value",
        "train_size",
        "test_size",
        "train_start",
        "train_end",
        "test_start",
        "test_end",
        "fit_time",
        "predict_time",
    ]
    assert len(metrics) == 3 * 2 * 4
    assert set(metrics["step"]) == {1, 2}
    assert (metrics["fit_time"] >= 0).all()
    assert list(preds.columns) == ["origin", "fold", "step", "y_true", "y_pred"]
    assert len(preds) == 2 * metrics.groupby("fold")["test_size"].first().sum()
    # predictions are dated by their origin t, and y_true is the target at t + step
    step2 = preds[preds["step"] == 2].set_index("origin")
    assert_allclose(step2["y_true"], y.loc[step2.index, "y_t+2"])
    pos = df.index.get_indexer(step2.index)
    assert_allclose(step2["y_true"], df["y"].to_numpy()[pos + 2])
    # the same numbers as a manual refit on the last fold
    train, test = list(TimeSeriesWindowSplit(3, horizon=2).split(X))[-1]
    manual = clone(_model()).fit(X[train], y.iloc[train]).predict(X[test])
    last = preds[preds["fold"] == 2].pivot(
        index="origin", columns="step", values="y_pred"
    )
    assert_allclose(last.to_numpy(), manual)
    # the metric rows agree with the predictions
    fold0 = preds[(preds["fold"] == 0) & (preds["step"] == 1)]
    row = metrics.query("fold == 0 and step == 1 and metric == 'mae'")
    assert_allclose(row["value"], np.mean(np.abs(fold0["y_true"] - fold0["y_pred"])))
    summary = res.summary()
    assert summary.loc[("mae", 1), "n_folds"] == 3


def test_backtest_predicts_once_per_fold_on_window_views():
    df = _series()
    X, y = make_supervised(df, "y", lookback=8, min_history="full")
    _Recorder.calls, _Recorder.full = [], X
    backtest(_Recorder(), X, y, cv=4)
    kinds = [c[0] for c in _Recorder.calls]
    assert kinds == ["fit", "predict"] * 4  # one batched predict per fold
    # every fold was a slice of the window view, never a copy
    assert all(shares for _, _, shares in _Recorder.calls)


def test_backtest_mase_is_scaled_by_the_training_fold():
    df = _series()
    X, y = make_supervised(df, "y", lookback=6, min_history="full")
    res = backtest(_model(), X, y, cv=3, scoring="mase", return_estimators=True)
    train, test = list(TimeSeriesWindowSplit(3).split(X))[1]
    pred = res.estimators[1].predict(X[test])
    expected = mase(y.iloc[test], pred, y_train=y.iloc[train])
    assert_allclose(res.metrics.query("fold == 1")["value"], expected)


def test_backtest_numpy_input_index_custom_metrics_and_direction():
    df = _series()
    X, y = make_supervised(df.to_numpy(), 0, horizon=1, lookback=5, min_history="full")
    stamps = pd.date_range("2020-01-01", periods=len(y), freq="h")
    res = backtest(
        _model(),
        X,
        y,
        cv=TimeSeriesWindowSplit(3),
        scoring={"medae": median_absolute_error, "da": "directional_accuracy"},
        index=stamps,
        y_last=X[:, -1, 0],
    )
    assert set(res.metrics["metric"]) == {"medae", "da"}
    assert res.predictions["origin"].isin(stamps).all()
    assert res.metrics["test_start"].iloc[0] in stamps
    da = res.metrics.query("metric == 'da'")["value"]
    assert ((da >= 0) & (da <= 1)).all()
    res = backtest(_model(), X, y, cv=3, return_predictions=False)
    assert res.predictions is None
    assert res.metrics["train_start"].iloc[0] == 0  # positions without an index


def test_backtest_classification_with_label_targets():
    df = _series()
    df["move"] = np.where(df["y"].diff().shift(-1) > 0, "up", "down")
    df = df.iloc[:-1]
    X, y = make_supervised(
        df, "move", features=["y", "x"], lookback=5, min_history="full"
    )
    # y at t is tomorrow's label of (y[t+2] - y[t+1]); a classifier on windows
    clf = make_pipeline(SequenceScaler(), FlattenWindows(), LogisticRegression())
    metrics, preds = backtest(clf, X, y, cv=3)
    assert set(metrics["metric"]) == {"accuracy"}
    assert set(preds["y_true"]) <= {"up", "down"}
    assert set(preds["y_pred"]) <= {"up", "down"}


def test_backtest_errors_and_warnings():
    df = _series()
    X, y = make_supervised(df, "y", horizon=3, lookback=5, min_history="full")
    with pytest.warns(UserWarning, match="horizon"):
        backtest(_model(), X, y, cv=TimeSeriesWindowSplit(3, horizon=1))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        backtest(_model(), X, y.iloc[:-1], cv=3)
    with pytest.raises(ValueError, match="Unknown metric"):
        backtest(_model(), X, y, cv=3, scoring="r2_adjusted")
    with pytest.raises(TypeError, match="metric functions"):
        backtest(_model(), X, y, cv=3, scoring={"mae": mae_scorer})
    with pytest.raises(TypeError, match="'cv' parameter of backtest"):
        backtest(_model(), X, y, cv="five")
    with pytest.raises(ValueError, match="'cv' parameter of backtest"):
        backtest(_model(), X, y, cv=1)
    with pytest.raises(ValueError, match="'season' parameter of backtest"):
        backtest(_model(), X, y, cv=3, season=0)
    with pytest.raises(TypeError, match="'estimator' parameter of backtest"):
        backtest("ridge", X, y, cv=3)


# --------------------------------------------------------------------------
# Leakage rules 2, 3 and 5 (stated in the module docstring)
# --------------------------------------------------------------------------


def test_rule2_scaler_sees_the_training_fold_only():
    df = _series()  # a trend: fold means differ from the whole series' mean
    X, y = make_supervised(df, "y", horizon=2, lookback=6, min_history="full")
    cv = TimeSeriesWindowSplit(3, horizon=2)
    whole_mean = SequenceScaler().fit(X).mean_
    res = backtest(_model(), X, y, cv=cv, return_estimators=True)
    out = cross_validate(_model(), X, y, cv=cv, return_estimator=True)
    for (train, _), fitted_bt, fitted_cv in zip(
        cv.split(X), res.estimators, out["estimator"], strict=True
    ):
        fold_mean = np.nanmean(X[train].reshape(-1, 2), axis=0)
        for fitted in (fitted_bt, fitted_cv):
            scaler = fitted[0]
            assert_allclose(scaler.mean_, fold_mean, rtol=1e-10)
            assert not np.allclose(scaler.mean_, whole_mean)


@pytest.mark.parametrize("horizon", [1, 3])
def test_rule3_future_data_cannot_change_a_training_fold(horizon):
    """Changing everything from the first test target on leaves each fold's
    fitted model unchanged: with the gap, training data (windows and targets)
    ends at or before the first test origin."""
    df = _series(n=150)
    X, y, origin = make_supervised(
        df, "y", horizon=horizon, lookback=5, min_history="full", return_index=True
    )
    cv = TimeSeriesWindowSplit(3, horizon=horizon)
    for train, test in cv.split(X):
        first_test_target = df.index.get_loc(origin[test[0]]) + 1
        changed = df.copy()
        changed.iloc[first_test_target:] = 1e6  # plant an absurd future
        X2, y2 = make_supervised(
            changed, "y", horizon=horizon, lookback=5, min_history="full"
        )
        a = _model().fit(X[train], y.iloc[train])
        b = _model().fit(X2[train], y2.iloc[train])
        assert_array_equal(a[-1].coef_, b[-1].coef_)
        assert_array_equal(a[0].mean_, b[0].mean_)


def test_rule3_without_the_gap_the_future_leaks_into_training():
    """Control for the test above: sklearn's TimeSeriesSplit without a gap lets
    the last training targets reach into the test targets."""
    horizon = 3
    df = _series(n=150)
    X, y, origin = make_supervised(
        df, "y", horizon=horizon, lookback=5, min_history="full", return_index=True
    )
    changed_any = False
    for train, test in TimeSeriesSplit(3, gap=0).split(X):
        first_test_target = df.index.get_loc(origin[test[0]]) + 1
        changed = df.copy()
        changed.iloc[first_test_target:] = 1e6
        X2, y2 = make_supervised(
            changed, "y", horizon=horizon, lookback=5, min_history="full"
        )
        a = _model().fit(X[train], y.iloc[train])
        b = _model().fit(X2[train], y2.iloc[train])
        changed_any |= not np.array_equal(a[-1].coef_, b[-1].coef_)
    assert changed_any


def test_rule5_a_planted_future_feature_cannot_help():
    """A white-noise target is unpredictable. A column that *echoes* it (equal
    to it, so its value for t+1 sits in row t+1) is in the frame, but window t
    ends at row t, so the echo cannot help: the error stays at the noise level.
    Control: the same echo moved one row earlier (the user's own leak, row t
    holds y[t+1]) is exploited at once, so the test would notice a leak."""
    rng = np.random.default_rng(0)
    n = 400
    noise = rng.normal(size=n)
    df = pd.DataFrame({"y": noise, "echo": noise})
    X, y = make_supervised(df, "y", lookback=4, min_history="full")
    honest = backtest(make_pipeline(FlattenWindows(), Ridge(alpha=1e-3)), X, y, cv=3)
    honest_mae = honest.metrics["value"][honest.metrics["metric"] == "mae"].mean()
    assert honest_mae > 0.6  # about E|N(0, 1)| = 0.8: no skill

    leaky = df.assign(echo=df["y"].shift(-1)).iloc[:-1]
    Xl, yl = make_supervised(leaky, "y", lookback=4, min_history="full")
    cheat = backtest(make_pipeline(FlattenWindows(), Ridge(alpha=1e-3)), Xl, yl, cv=3)
    cheat_mae = cheat.metrics["value"][cheat.metrics["metric"] == "mae"].mean()
    assert cheat_mae < 0.05
