"""The small-input predict path gives exactly the general path's outputs."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skseq import (
    GRURegressor,
    LSTMClassifier,
    RecurrentRegressor,
    RNNRegressor,
    Seq2SeqRegressor,
    make_supervised,
)
from skseq.estimators import _base
from skseq.estimators._fast import forward_small

FAST = {"hidden_size": 8, "max_epochs": 2, "random_state": 0}


def _series(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(size=(n, 2)), axis=0).astype(np.float32)


def _general(est, X, monkeypatch, method="predict"):
    """Predict with the fast path switched off."""
    with monkeypatch.context() as m:
        m.setattr(_base, "forward_small", lambda *args: None)
        return getattr(est, method)(X)


@pytest.mark.parametrize(
    "make",
    [
        lambda: RecurrentRegressor("lstm", **FAST),
        lambda: GRURegressor(**FAST),
        lambda: RNNRegressor(num_layers=2, bidirectional=True, **FAST),
        lambda: Seq2SeqRegressor(**FAST),
        lambda: LSTMClassifier(**FAST),
    ],
)
def test_fast_path_identical_to_general_path(make, monkeypatch):
    X, y = make_supervised(_series(), 0, horizon=2, lookback=12, min_history="full")
    est = make()
    if isinstance(est, LSTMClassifier):
        y = (y[:, 0] > y[:, 0].mean()).astype(int)
    est.fit(X, y)
    for batch in (X[-1:], X[-5:], np.asarray(X[:300], dtype=np.float64)):
        assert forward_small(est, batch, _base.PREDICT_BATCH_SIZE) is not None
        np.testing.assert_array_equal(
            est.predict(batch), _general(est, batch, monkeypatch)
        )
    if isinstance(est, LSTMClassifier):
        np.testing.assert_array_equal(
            est.predict_proba(X[-2:]),
            _general(est, X[-2:], monkeypatch, "predict_proba"),
        )


def test_fast_path_univariate_2d_and_caller_array_untouched(monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 10))
    est = RecurrentRegressor(**FAST).fit(X, X[:, -1])
    x = X[:3].copy()
    before = x.copy()
    np.testing.assert_array_equal(est.predict(x), _general(est, x, monkeypatch))
    np.testing.assert_array_equal(x, before)


def test_inputs_the_fast_path_leaves_to_validation():
    X, y = make_supervised(_series(), 0, horizon=1, lookback=8)  # padded front
    est = RecurrentRegressor(**FAST).fit(X, y)
    limit = _base.PREDICT_BATCH_SIZE
    assert forward_small(est, X[:3], limit) is None  # front padding (NaN)
    assert forward_small(est, list(X[-3:]), limit) is None  # not an ndarray
    assert forward_small(est, X[-3:].astype(np.int64), limit) is None
    assert forward_small(est, X[-3:, :, :1], limit) is None  # wrong features
    assert forward_small(est, np.asarray(X[-limit - 1 :]), limit) is None  # large
    assert est.predict(X[:3]).shape == (3,)  # padded windows still predict
    bad = np.array(X[-2:])
    bad[0, 3, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        est.predict(bad)
    with pytest.raises(ValueError, match="features per time step"):
        est.predict(np.array(X[-2:, :, :1]))


def test_fast_path_unfitted_raises_not_fitted():
    with pytest.raises(NotFittedError):
        RecurrentRegressor().predict(np.zeros((1, 4, 1)))
