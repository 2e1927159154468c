"""LagsToSequence, and recipes for sktime and skforecast (skipped when absent)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from skseq import GRURegressor, make_supervised
from skseq.lags import LagsToSequence


def _windows(series, lookback):
    X, _ = make_supervised(series, 0, horizon=1, lookback=lookback, min_history="full")
    return np.asarray(X)


def test_newest_first_table_becomes_time_ordered_windows():
    series = np.random.default_rng(0).normal(size=(50, 2))
    windows = _windows(series, 4)  # (n, 4, 2), oldest first
    # skforecast layout: per variable lag_1 (newest) .. lag_4.
    table = np.concatenate([windows[:, ::-1, 0], windows[:, ::-1, 1]], axis=1)
    out = LagsToSequence(n_variables=2).fit_transform(table)
    assert np.array_equal(out, windows)
    # sktime layout: oldest first; time-major interleaving as well.
    oldest = np.concatenate([windows[:, :, 0], windows[:, :, 1]], axis=1)
    assert np.array_equal(
        LagsToSequence(n_variables=2, order="oldest_first").fit_transform(oldest),
        windows,
    )
    interleaved = windows.reshape(len(windows), -1)
    assert np.array_equal(
        LagsToSequence(n_variables=2, order="oldest_first", layout="time_major")
        .fit_transform(interleaved),
        windows,
    )


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="multiple of n_variables=2"):
        LagsToSequence(n_variables=2).fit(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="order"):
        LagsToSequence(order="backwards").fit(np.zeros((4, 5)))
    model = LagsToSequence().fit(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="features"):
        model.transform(np.zeros((4, 6)))


def _trending_series(n=160):
    rng = np.random.default_rng(1)
    t = np.arange(n)
    values = 10 + 0.2 * t + 2 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.3, n)
    return pd.Series(values, index=pd.period_range("2000-01", periods=n, freq="M"))


def _network():
    return GRURegressor(hidden_size=8, max_epochs=30, lr=1e-2, random_state=0)


def test_skforecast_recipe():
    recursive = pytest.importorskip("skforecast.recursive")
    y = _trending_series()
    y.index = pd.RangeIndex(len(y))
    train, test = y.iloc[:-12], y.iloc[-12:]
    forecaster = recursive.ForecasterRecursive(
        make_pipeline(LagsToSequence(order="newest_first"), _network()), lags=24
    )
    forecaster.fit(y=train)
    pred = forecaster.predict(steps=12)
    naive = np.abs(test.to_numpy() - train.iloc[-1]).mean()
    assert np.abs(test.to_numpy() - pred.to_numpy()).mean() < naive


def test_sktime_recipe():
    compose = pytest.importorskip("sktime.forecasting.compose")
    y = _trending_series()
    train, test = y.iloc[:-12], y.iloc[-12:]
    forecaster = compose.make_reduction(
        make_pipeline(LagsToSequence(order="oldest_first"), _network()),
        window_length=24,
        strategy="recursive",
    )
    forecaster.fit(train)
    pred = forecaster.predict(fh=np.arange(1, 13))
    naive = np.abs(test.to_numpy() - train.iloc[-1]).mean()
    assert np.abs(test.to_numpy() - pred.to_numpy()).mean() < naive


def _recorded_sequences(fit_table):
    """The sequences LagsToSequence makes of the table a library fits on."""
    from sklearn.base import BaseEstimator, RegressorMixin

    class Recorder(RegressorMixin, BaseEstimator):
        def fit(self, X, y):
            self.X_ = np.asarray(X)
            return self

        def predict(self, X):
            return np.zeros(len(X))

    return fit_table(Recorder)


def test_library_lag_orders_match_the_recipes():
    """On y = 0, 1, 2, ... the first training sequence must read 0, 1, 2, 3."""
    y = pd.Series(np.arange(20.0))
    found = 0
    try:
        from skforecast.recursive import ForecasterRecursive
        from sklearn.linear_model import Ridge

        table = ForecasterRecursive(Ridge(), lags=4).create_train_X_y(y)[0]
        seq = LagsToSequence(order="newest_first").fit_transform(table)
        assert seq[0, :, 0].tolist() == [0.0, 1.0, 2.0, 3.0]
        found += 1
    except ImportError:
        pass
    try:
        from sktime.forecasting.compose import make_reduction

        def fit(Recorder):
            forecaster = make_reduction(Recorder(), window_length=4,
                                        strategy="recursive").fit(y)
            return forecaster.estimator_.X_

        seq = LagsToSequence(order="oldest_first").fit_transform(
            _recorded_sequences(fit)
        )
        assert seq[0, :, 0].tolist() == [0.0, 1.0, 2.0, 3.0]
        found += 1
    except ImportError:
        pass
    if not found:
        pytest.skip("neither skforecast nor sktime is installed")
