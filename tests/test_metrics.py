"""Tests for skseq.metrics, against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from skseq.metrics import (
    diebold_mariano,
    directional_accuracy,
    directional_accuracy_scorer,
    forecast_scorers,
    mae,
    mae_scorer,
    make_directional_accuracy_scorer,
    mase,
    mase_scorer,
    rmse,
    rmse_scorer,
    smape,
    smape_scorer,
)
from skseq.model_selection import TimeSeriesWindowSplit
from skseq.windows import FlattenWindows, make_supervised

Y_TRUE = np.array([[1.0, 2.0], [3.0, 5.0], [2.0, 2.0]])
Y_PRED = np.array([[2.0, 2.0], [3.0, 3.0], [0.0, 4.0]])


def test_mae_rmse_hand_values_per_step():
    # step 1 errors: 1, 0, 2 ; step 2 errors: 0, 2, 2
    assert_allclose(mae(Y_TRUE, Y_PRED, multioutput="raw_values"), [1.0, 4 / 3])
    assert_allclose(mae(Y_TRUE, Y_PRED), (1.0 + 4 / 3) / 2)
    assert_allclose(
        rmse(Y_TRUE, Y_PRED, multioutput="raw_values"),
        [np.sqrt(5 / 3), np.sqrt(8 / 3)],
    )
    assert_allclose(
        mae(Y_TRUE, Y_PRED, multioutput=[1.0, 0.0]), 1.0
    )  # weights pick step 1


def test_smape_hand_values():
    # 2|F-A|/(|A|+|F|): step 1 -> 2/3, 0, 2 ; step 2 -> 0, 4/8, 4/6
    expected = 100 * np.array([(2 / 3 + 0 + 2) / 3, (0 + 0.5 + 2 / 3) / 3])
    assert_allclose(smape(Y_TRUE, Y_PRED, multioutput="raw_values"), expected)
    assert smape([0.0, 1.0], [0.0, 1.0]) == 0.0  # 0/0 counts as perfect
    assert smape([1.0], [-1.0]) == 200.0
    assert_allclose(smape(pd.Series([100.0, 200.0]), [110.0, 200.0]), 100 / 21)


def test_mase_with_training_series():
    y_train = [1.0, 2.0, 4.0, 7.0]  # naive errors 1, 2, 3 -> scale 2
    assert_allclose(mase([8.0, 10.0], [9.0, 7.0], y_train=y_train), 2.0 / 2.0)
    # season 2: |4-1|, |7-2| -> scale 4
    assert_allclose(mase([8.0, 10.0], [9.0, 7.0], y_train=y_train, season=2), 0.5)
    # one training series scales every step
    assert_allclose(
        mase(Y_TRUE, Y_PRED, y_train=y_train, multioutput="raw_values"),
        [1.0 / 2, (4 / 3) / 2],
    )
    # a 2-D training y: one scale per column
    y_train_2d = np.array([[1.0, 0.0], [2.0, 4.0], [4.0, 0.0]])  # scales 1.5, 4
    assert_allclose(
        mase(Y_TRUE, Y_PRED, y_train=y_train_2d, multioutput="raw_values"),
        [1.0 / 1.5, (4 / 3) / 4],
    )


def test_mase_without_training_series_scales_by_test_naive_error():
    y_true = np.array([1.0, 3.0, 2.0, 6.0])  # naive errors 2, 1, 4 -> 7/3
    y_pred = np.array([1.0, 2.0, 2.0, 4.0])  # MAE 3/4
    assert_allclose(mase(y_true, y_pred), (3 / 4) / (7 / 3))
    # the scorer is that, negated
    est = _Fixed(y_pred)
    assert_allclose(mase_scorer(est, np.zeros((4, 1)), y_true), -(3 / 4) / (7 / 3))


def test_mase_zero_scale_and_errors():
    with pytest.warns(UndefinedMetricWarning, match="constant"):
        assert mase([1.0, 2.0], [1.5, 2.0], y_train=[3.0, 3.0, 3.0]) == np.inf
    with pytest.raises(ValueError, match="needs more than 2"):
        mase([1.0], [1.0], y_train=[1.0, 2.0], season=2)
    with pytest.raises(ValueError, match="'season' parameter of mase"):
        mase([1.0], [1.0], y_train=[1.0, 2.0], season=0)
    with pytest.raises(ValueError, match="columns"):
        mase(Y_TRUE, Y_PRED, y_train=np.zeros((5, 3)))


def test_directional_accuracy_levels_and_returns():
    y_last = np.array([10.0, 10.0, 10.0, 10.0])
    y_true = np.array([11.0, 9.0, 12.0, 10.0])  # up, down, up, flat
    y_pred = np.array([10.5, 10.5, 9.0, 10.0])  # up, up, down, flat
    assert directional_accuracy(y_true, y_pred, y_last) == 0.5
    # returns: the sign of the value is the direction
    assert directional_accuracy([0.01, -0.02, 0.03], [0.02, 0.01, 0.001]) == 2 / 3
    # per step, against the same last value
    yt2 = np.column_stack([y_true, [12.0, 8.0, 8.0, 8.0]])
    yp2 = np.column_stack([y_pred, [11.0, 9.0, 11.0, 9.0]])
    assert_allclose(
        directional_accuracy(yt2, yp2, y_last, multioutput="raw_values"),
        [0.5, 0.75],
    )
    with pytest.raises(ValueError, match="one last observed value per sample"):
        directional_accuracy(y_true, y_pred, y_last[:2])


def test_directional_scorers():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 5, 2))
    y = X[:, -1, 1] + rng.normal(size=20)
    est = _Fixed(X[:, -1, 1] + 0.3)
    scorer = make_directional_accuracy_scorer(last_feature=1)
    assert scorer(est, X, y) == directional_accuracy(y, est.predict(X), X[:, -1, 1])
    frame = pd.DataFrame({"a": X[:, -1, 0], "level": X[:, -1, 1]})
    assert make_directional_accuracy_scorer("level")(est, frame, y) == scorer(est, X, y)
    returns = rng.normal(size=20)
    assert directional_accuracy_scorer(_Fixed(returns), X, returns) == 1.0
    assert "last_feature=1" in repr(scorer)


def test_error_scorers_are_negated_errors():
    est = _Fixed(Y_PRED[:, 0])
    X = np.zeros((3, 1))
    assert mae_scorer(est, X, Y_TRUE[:, 0]) == -mae(Y_TRUE[:, 0], Y_PRED[:, 0])
    assert rmse_scorer(est, X, Y_TRUE[:, 0]) == -rmse(Y_TRUE[:, 0], Y_PRED[:, 0])
    assert smape_scorer(est, X, Y_TRUE[:, 0]) == -smape(Y_TRUE[:, 0], Y_PRED[:, 0])
    assert set(forecast_scorers()) == {"mae", "rmse", "smape", "mase"}


def test_scorers_in_grid_search_with_time_series_folds():
    rng = np.random.default_rng(1)
    t = np.arange(300)
    df = pd.DataFrame({"y": np.sin(t / 8) + 0.1 * rng.normal(size=300)})
    X, y = make_supervised(df, "y", horizon=2, lookback=10, min_history="full")
    search = GridSearchCV(
        make_pipeline(FlattenWindows(), Ridge()),
        {"ridge__alpha": [0.1, 100.0]},
        cv=TimeSeriesWindowSplit(n_splits=3, horizon=2),
        scoring={**forecast_scorers(), "da": make_directional_accuracy_scorer(-1)},
        refit="mase",
    ).fit(X, y)
    res = search.cv_results_
    for name in ("mae", "rmse", "smape", "mase"):
        assert (res[f"mean_test_{name}"] < 0).all()
    assert ((res["mean_test_da"] >= 0) & (res["mean_test_da"] <= 1)).all()
    scores = cross_val_score(
        make_pipeline(FlattenWindows(), Ridge()),
        X,
        y,
        cv=TimeSeriesWindowSplit(3, horizon=2),
        scoring=mae_scorer,
    )
    assert scores.shape == (3,)


def test_metric_input_errors():
    with pytest.raises(ValueError, match="different shapes"):
        smape([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="multioutput"):
        smape(Y_TRUE, Y_PRED, multioutput="mean")
    with pytest.raises(ValueError, match="numeric"):
        smape(["a"], ["b"])


# --------------------------------------------------------------------------
# Diebold-Mariano
# --------------------------------------------------------------------------

E_A = np.array([1.0, -2.0, 3.0, -1.0, 2.0])
E_B = np.array([0.5, -1.0, 1.0, -1.0, 1.0])
# squared losses: a = 1, 4, 9, 1, 4 ; b = 0.25, 1, 1, 1, 1
# d = 0.75, 3, 8, 0, 3 ; mean 2.95 ; centred -2.2, 0.05, 5.05, -2.95, 0.05
GAMMA0 = (2.2**2 + 0.05**2 + 5.05**2 + 2.95**2 + 0.05**2) / 5  # 7.81
GAMMA1 = (0.05 * -2.2 + 5.05 * 0.05 + -2.95 * 5.05 + 0.05 * -2.95) / 5  # -2.9805


def test_diebold_mariano_hand_value_horizon_1():
    assert_allclose(GAMMA0, 7.81)
    expected = 2.95 / np.sqrt(GAMMA0 / 5) * np.sqrt((5 + 1 - 2) / 5)
    res = diebold_mariano(E_A, E_B)
    assert_allclose(res.statistic, expected)
    assert_allclose(res.pvalue, 2 * stats.t(df=4).sf(expected))
    stat, p = res  # a named tuple
    assert stat > 0  # a has the larger loss


def test_diebold_mariano_hand_value_horizon_2():
    long_run = GAMMA0 + 2 * GAMMA1  # 1.849
    assert_allclose(long_run, 1.849)
    expected = 2.95 / np.sqrt(long_run / 5) * np.sqrt((5 + 1 - 4 + 2 / 5) / 5)
    res = diebold_mariano(E_A, E_B, horizon=2)
    assert_allclose(res.statistic, expected)
    assert_allclose(res.pvalue, 2 * stats.t(df=4).sf(expected))


def test_diebold_mariano_absolute_loss_and_alternatives():
    d = np.abs(E_A) - np.abs(E_B)  # 0.5, 1, 2, 0, 1
    c = d - d.mean()
    expected = d.mean() / np.sqrt((c @ c / 5) / 5) * np.sqrt(4 / 5)
    res = diebold_mariano(E_A, E_B, loss="absolute", alternative="greater")
    assert_allclose(res.statistic, expected)
    assert_allclose(res.pvalue, stats.t(df=4).sf(expected))
    less = diebold_mariano(E_A, E_B, loss="absolute", alternative="less")
    assert_allclose(less.pvalue, 1 - res.pvalue)
    custom = diebold_mariano(E_A, E_B, loss=np.abs)
    assert_allclose(custom.statistic, expected)


def test_diebold_mariano_clearly_better_and_equal_forecasts():
    rng = np.random.default_rng(0)
    e_good = rng.normal(scale=1.0, size=300)
    e_bad = rng.normal(scale=2.0, size=300)
    res = diebold_mariano(e_bad, e_good)
    assert res.statistic > 0 and res.pvalue < 1e-6
    swapped = diebold_mariano(e_good, e_bad)
    assert_allclose(swapped.statistic, -res.statistic)
    same_quality = diebold_mariano(rng.normal(size=300), rng.normal(size=300))
    assert same_quality.pvalue > 0.01


def test_diebold_mariano_degenerate_inputs():
    e = np.array([1.0, -1.0, 0.5, 2.0])
    with pytest.raises(ValueError, match="equally accurate"):
        diebold_mariano(e, e.copy())
    with pytest.raises(ValueError, match="equally accurate"):
        diebold_mariano(e, -e)  # equal squared losses
    with pytest.raises(ValueError, match="finite"):
        diebold_mariano(np.array([1.0, np.nan, 1.0]), np.ones(3))
    with pytest.raises(ValueError, match="different lengths"):
        diebold_mariano(np.ones(4), np.ones(5))
    with pytest.raises(ValueError, match="at least 3"):
        diebold_mariano(np.ones(2), np.zeros(2))
    with pytest.raises(ValueError, match="smaller than n"):
        diebold_mariano(np.ones(4), np.zeros(4) + 0.5, horizon=4)
    with pytest.raises(ValueError, match="1-D"):
        diebold_mariano(np.ones((4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="'loss' parameter of diebold_mariano"):
        diebold_mariano(E_A, E_B, loss="huber")
    # a constant, non-zero loss differential: infinitely significant
    with pytest.warns(RuntimeWarning, match="constant and non-zero"):
        res = diebold_mariano(np.full(5, 2.0), np.full(5, 1.0))
    assert res.statistic == np.inf and res.pvalue == 0.0


class _Fixed(RegressorMixin, BaseEstimator):
    """A fitted 'estimator' returning fixed predictions."""

    def __init__(self, pred=None):
        self.pred = pred

    def fit(self, X, y):
        return self

    def predict(self, X):
        return np.asarray(self.pred)
