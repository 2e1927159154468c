"""LazyWindows: folds of a window view stay views through cross-validation."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils import _safe_indexing

from skseq import LazyWindows, LSTMRegressor, SequenceScaler, make_supervised
from skseq.baselines import NaiveRegressor
from skseq.model_selection import TimeSeriesWindowSplit


@pytest.fixture
def windows():
    series = np.random.default_rng(0).normal(size=(400, 3)).astype(np.float32)
    X, y = make_supervised(series, 0, horizon=1, lookback=8)
    return X, y


def test_indexing_returns_lazy_windows_with_the_right_content(windows):
    X, _ = windows
    lazy = LazyWindows(X)
    assert lazy.shape == X.shape and lazy.ndim == 3 and lazy.dtype == X.dtype
    cases = [
        np.arange(10, 50),
        np.array([5, 1, 300, -1]),
        slice(20, 200, 3),
        np.arange(len(X)) % 3 == 0,
        [7, 8, 9],
    ]
    for key in cases:
        part = lazy[key]
        assert isinstance(part, LazyWindows)
        np.testing.assert_array_equal(np.asarray(part), X[key])
    nested = lazy[np.arange(100, 300)][np.arange(50, 60)]
    np.testing.assert_array_equal(np.asarray(nested), X[150:160])
    np.testing.assert_array_equal(lazy[3], X[3])
    np.testing.assert_array_equal(lazy[:, -1, 0], X[:, -1, 0])
    assert len(list(lazy[np.arange(4)])) == 4


def test_consecutive_windows_are_views_scattered_ones_are_gathered(windows):
    X, _ = windows
    lazy = LazyWindows(X)
    fold = _safe_indexing(lazy, np.arange(100, 250))  # what sklearn does per fold
    assert isinstance(fold, LazyWindows)
    assert np.shares_memory(np.asarray(fold), X)
    scattered = np.asarray(lazy[np.array([1, 5, 9])])
    assert not np.shares_memory(scattered, X)
    np.testing.assert_array_equal(np.asarray(lazy, dtype=np.float64), X)


def test_pickle_sends_the_series_not_the_windows(windows):
    X, _ = windows
    fold = LazyWindows(X)[np.arange(30, 330)]
    payload = pickle.dumps(fold)
    window_bytes = fold.shape[0] * fold.shape[1] * fold.shape[2] * 4
    assert len(payload) < window_bytes / 3
    back = pickle.loads(payload)
    np.testing.assert_array_equal(np.asarray(back), np.asarray(fold))
    other = LazyWindows(np.ascontiguousarray(X[:20]))  # not overlapping windows
    np.testing.assert_array_equal(np.asarray(pickle.loads(pickle.dumps(other))), X[:20])


class _SeesViews(RegressorMixin, BaseEstimator):
    """Records whether every array it gets shares memory with ``BASE``."""

    BASE = None
    seen: list = []

    def fit(self, X, y):
        _SeesViews.seen.append(np.shares_memory(np.asarray(X), _SeesViews.BASE))
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        _SeesViews.seen.append(np.shares_memory(np.asarray(X), _SeesViews.BASE))
        return np.full(len(X), self.mean_)


def test_grid_search_folds_reach_the_estimator_as_views(windows):
    X, y = windows
    _SeesViews.BASE, _SeesViews.seen = X, []
    cv = TimeSeriesWindowSplit(n_splits=3, horizon=1)
    cross_val_score(_SeesViews(), LazyWindows(X), y, cv=cv)
    assert _SeesViews.seen == [True] * 6
    _SeesViews.seen = []
    cross_val_score(_SeesViews(), X, y, cv=cv)  # a plain view is copied per fold
    assert _SeesViews.seen == [False] * 6


def test_grid_search_on_lazy_windows_equals_the_array(windows):
    X, y = windows
    pipe = make_pipeline(
        SequenceScaler(), LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0)
    )
    grid = {"lstmregressor__lr": [1e-2, 3e-3]}
    cv = TimeSeriesWindowSplit(n_splits=2, horizon=1)
    lazy = GridSearchCV(pipe, grid, cv=cv).fit(LazyWindows(X), y)
    eager = GridSearchCV(pipe, grid, cv=cv).fit(X, y)
    np.testing.assert_array_equal(
        lazy.cv_results_["mean_test_score"], eager.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(
        lazy.predict(LazyWindows(X)[-3:]), eager.predict(X[-3:])
    )
    scores = cross_val_score(NaiveRegressor(), LazyWindows(X), y, cv=KFold(3))
    np.testing.assert_array_equal(
        scores, cross_val_score(NaiveRegressor(), X, y, cv=KFold(3))
    )


def test_bad_input_is_explained(windows):
    X, _ = windows
    with pytest.raises(ValueError, match="3-D windows"):
        LazyWindows(X[:, :, 0])
    with pytest.raises(IndexError, match="out of range"):
        LazyWindows(X, positions=[0, len(X)])
    with pytest.raises(ValueError, match="1-D array of window indices"):
        LazyWindows(X, positions=[0.5])
