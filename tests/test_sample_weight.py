"""sample_weight in fit: weighted losses for the networks, the baselines' rules."""

import numpy as np
import pytest
import torch
from torch import nn

from skseq import GRUClassifier, GRURegressor, LSTMRegressor, Seq2SeqRegressor
from skseq.estimators._net import SequenceNet

# One batch holds every sample (the shuffle then cannot differ between the
# weighted and the dropped fit) and the net has no dropout: the two fits see
# the same loss up to float32 summation order.
FULL_BATCH = dict(hidden_size=4, max_epochs=5, lr=0.01, batch_size=512, random_state=0)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5, 2))
    return X, X[:, -1, 0] - 0.5 * X[:, -2, 1]


@pytest.mark.parametrize("cls", [GRURegressor, Seq2SeqRegressor])
def test_zero_weights_equal_dropping_the_samples(data, cls):
    X, y = data
    Y = np.column_stack([y, 2 * y]) if cls is Seq2SeqRegressor else y
    weights = np.ones(len(X))
    weights[10:30] = 0.0
    keep = weights > 0
    weighted = cls(**FULL_BATCH).fit(X, Y, sample_weight=weights)
    dropped = cls(**FULL_BATCH).fit(X[keep], Y[keep])
    np.testing.assert_allclose(weighted.y_mean_, dropped.y_mean_)
    np.testing.assert_allclose(weighted.y_scale_, dropped.y_scale_)
    np.testing.assert_allclose(weighted.predict(X), dropped.predict(X), rtol=1e-4, atol=1e-5)
    # ... while the unweighted fit on all samples is a different model.
    assert not np.allclose(cls(**FULL_BATCH).fit(X, Y).predict(X), dropped.predict(X),
                           rtol=1e-4, atol=1e-5)


def test_integer_weights_equal_repeating_the_samples(data):
    X, y = data
    labels = y > 0
    counts = np.random.default_rng(1).integers(0, 4, size=len(X))
    weighted = GRUClassifier(**FULL_BATCH).fit(X, labels, sample_weight=counts)
    repeated = GRUClassifier(**FULL_BATCH).fit(X.repeat(counts, axis=0),
                                               labels.repeat(counts))
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X),
                               rtol=1e-4, atol=1e-5)


def test_uniform_weights_change_nothing(data):
    X, y = data
    a = LSTMRegressor(**FULL_BATCH).fit(X, y).predict(X)
    b = LSTMRegressor(**FULL_BATCH).fit(X, y, sample_weight=np.full(len(X), 3.0)).predict(X)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_time_decay_weights_favour_recent_regime():
    # The relation between x and y flips half-way: decaying weights make the
    # model follow the recent half.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3, 1))
    y = X[:, -1, 0] * np.where(np.arange(200) < 100, -1.0, 1.0)
    age = np.arange(200)[::-1]
    params = dict(hidden_size=8, max_epochs=15, lr=0.03, random_state=0)
    decayed = GRURegressor(**params).fit(X, y, sample_weight=0.5 ** (age / 10))
    plain = GRURegressor(**params).fit(X, y)
    recent = slice(150, 200)
    err_decayed = np.abs(decayed.predict(X[recent]) - y[recent]).mean()
    err_plain = np.abs(plain.predict(X[recent]) - y[recent]).mean()
    assert err_decayed < 0.5 * err_plain


@pytest.mark.parametrize(
    "weights, match",
    [
        (-np.ones(60), "(?i)negative"),
        (np.zeros(60), "non-zero"),
        (np.ones(59), r"\(60,\)"),
        (np.r_[np.nan, np.ones(59)], "NaN|infinity"),
    ],
)
def test_bad_weights_are_refused(data, weights, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        GRURegressor(hidden_size=4, max_epochs=1).fit(X, y, sample_weight=weights)


def test_weights_reach_the_loss_and_not_the_module():
    net = SequenceNet(nn.Linear, module__in_features=1, module__out_features=1,
                      criterion=nn.MSELoss, criterion__reduction="none").initialize()
    y_pred = torch.tensor([[1.0], [3.0]])
    y_true = torch.zeros(2, 1)
    X = {"X": torch.zeros(2, 1), "sample_weight": torch.tensor([1.0, 0.0])}
    assert float(net.get_loss(y_pred, y_true, X=X)) == 0.5  # mean(1 * 1, 0 * 9)
    assert float(net.get_loss(y_pred, y_true, X={"X": X["X"]})) == 5.0
    assert net.infer({"input": torch.ones(2, 1), "sample_weight": torch.ones(2)}).shape == (2, 1)
    scalar = SequenceNet(nn.Linear, module__in_features=1, module__out_features=1,
                         criterion=nn.MSELoss).initialize()
    with pytest.raises(ValueError, match="reduction='none'"):
        scalar.get_loss(y_pred, y_true)


# -- baselines ---------------------------------------------------------------


def _series_windows(n=160, lookback=24):
    from numpy.lib.stride_tricks import sliding_window_view

    t = np.arange(n + lookback)
    series = 10 + np.sin(2 * np.pi * t / 12) + 0.05 * np.random.default_rng(0).normal(size=t.size).cumsum()
    return sliding_window_view(series[:-1], lookback)[: n], series[lookback:][:n]


@pytest.mark.parametrize("name", ["ARIMARegressor", "ExponentialSmoothingRegressor"])
def test_baselines_drop_zero_weight_windows(name):
    from skseq import baselines

    X, y = _series_windows()
    model = getattr(baselines, name)()
    weights = np.ones(len(X))
    weights[:60] = 0.0
    weighted = model.fit(X, y, sample_weight=weights)
    dropped = getattr(baselines, name)().fit(X[60:], y[60:])
    np.testing.assert_array_equal(weighted.predict(X), dropped.predict(X))
    full = getattr(baselines, name)().fit(X, y)
    assert weighted.nobs_ == dropped.nobs_ == full.nobs_ - 60
    with pytest.raises(ValueError, match="cannot weight windows unequally.*newest"):
        model.fit(X, y, sample_weight=np.linspace(0.1, 1.0, len(X)))


def test_simple_baselines_validate_weights_without_effect():
    from skseq.baselines import DriftRegressor

    X, y = _series_windows()
    plain = DriftRegressor().fit(X, y).predict(X)
    weighted = DriftRegressor().fit(X, y, sample_weight=np.arange(len(X))).predict(X)
    np.testing.assert_array_equal(plain, weighted)
    with pytest.raises(ValueError, match="(?i)negative"):
        DriftRegressor().fit(X, y, sample_weight=-np.ones(len(X)))
