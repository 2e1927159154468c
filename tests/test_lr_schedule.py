"""The ``lr_schedule`` parameter of the recurrent estimators."""

import math

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skseq import RecurrentClassifier, RecurrentRegressor, Seq2SeqRegressor

FAST = dict(hidden_size=4, max_epochs=4, lr=0.01, random_state=0)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 6, 1))
    return X, (X[:, :, 0].mean(axis=1) > 0).astype(int)


def _epoch_lrs(model):
    return [row["event_lr"] for row in model.history_]


def test_cosine_anneals_from_lr_to_zero_over_max_epochs():
    X, y = _data()
    model = RecurrentClassifier(lr_schedule="cosine", **FAST).fit(X, y)
    expected = [0.005 * (1 + math.cos(math.pi * e / 4)) for e in range(4)]
    np.testing.assert_allclose(_epoch_lrs(model), expected, rtol=1e-6)
    assert model.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)


def test_constant_schedule_leaves_the_rate_alone():
    X, y = _data()
    model = RecurrentClassifier(**FAST).fit(X, y)
    assert "event_lr" not in model.history_[-1]
    assert model.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.01)


def test_warm_start_restarts_the_schedule_from_lr():
    X, y = _data()
    model = RecurrentClassifier(lr_schedule="cosine", **FAST).fit(X, y)
    model.set_params(warm_start=True, max_epochs=2).fit(X, y)
    np.testing.assert_allclose(_epoch_lrs(model)[4:], [0.01, 0.005], rtol=1e-6)


@pytest.mark.parametrize("cls", [RecurrentRegressor, Seq2SeqRegressor])
def test_regressors_accept_the_schedule(cls):
    X, y = _data()
    target = X[:, -1, 0] if cls is RecurrentRegressor else X[:, -2:, 0]
    model = cls(lr_schedule="cosine", **FAST).fit(X, target)
    assert _epoch_lrs(model)[0] == pytest.approx(0.01)


def test_unknown_schedule_is_refused_with_the_options():
    X, y = _data()
    with pytest.raises(InvalidParameterError, match="lr_schedule.*cosine"):
        RecurrentClassifier(lr_schedule="step", **FAST).fit(X, y)
