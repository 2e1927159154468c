"""normalize="window"|"global"|None inside the recurrent estimators."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from skseq import (
    GRUClassifier,
    GRURegressor,
    LSTMRegressor,
    Seq2SeqRegressor,
    SequenceScaler,
    make_supervised,
)
from skseq.nn.normalization import NormalizedNet, window_statistics
from skseq.nn.recurrent import RecurrentNet

SMALL = dict(hidden_size=8, max_epochs=15, lr=1e-2, batch_size=32, random_state=0)


def _trend_split(seed=0, n=500, lookback=16, horizon=2):
    """Linear trend plus noise; the test period lies above the training range."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    series = 0.1 * t + rng.normal(0.0, 1.0, n)
    X, y = make_supervised(
        series[:, None], 0, horizon=horizon, lookback=lookback, min_history="full"
    )
    cut = int(0.6 * len(X))
    start = cut + 50  # noise of sd 1 stays below 5 trend steps of 0.1 * 50
    Xtr, ytr, Xte, yte = X[:cut], y[:cut], X[start:], y[start:]
    assert yte.min() > ytr.max()  # entirely above the training range
    return Xtr, ytr, Xte, yte


def _mae(a, b):
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))))


@pytest.mark.parametrize("cls", [GRURegressor, Seq2SeqRegressor])
def test_default_beats_naive_on_trend_above_training_range(cls):
    Xtr, ytr, Xte, yte = _trend_split()
    naive = _mae(Xte[:, -1, :], yte)  # last value for every step
    model = cls(**SMALL).fit(Xtr, ytr)
    assert model.normalize == "window"
    assert _mae(model.predict(Xte), yte) < naive
    # Without normalisation the network cannot reach the new levels.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        raw = cls(**SMALL, normalize=None).fit(Xtr, ytr)
    assert _mae(raw.predict(Xte), yte) > 2 * naive


def test_random_walk_shows_no_skill():
    """Normalising with the lookback's statistics must not leak the target."""
    rng = np.random.default_rng(1)
    walk = np.cumsum(rng.normal(size=1400))
    X, y = make_supervised(walk[:, None], 0, horizon=1, lookback=12, min_history="full")
    Xtr, ytr, Xte, yte = X[:1000], y[:1000], X[1000:], y[1000:]
    naive = _mae(Xte[:, -1, 0], yte)
    model = GRURegressor(**SMALL).fit(Xtr, ytr)
    mae = _mae(model.predict(Xte), yte)
    # No skill: within a few percent of the random walk, never clearly better.
    assert mae > 0.97 * naive
    assert mae < 1.2 * naive


@pytest.mark.parametrize("normalize", ["window", "global", None])
def test_constant_windows_give_finite_output(normalize):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(64, 10, 2))
    X[:16] = 3.0  # constant windows: zero scale
    y = X[:, -1, 0] + 0.1
    model = LSTMRegressor(**SMALL, normalize=normalize).fit(X, y)
    pred = model.predict(np.full((5, 10, 2), 7.0))
    assert np.isfinite(pred).all()
    if normalize == "window":
        # A constant window: the map's scale is (nearly) zero, the forecast
        # is its level.
        assert np.allclose(pred, 7.0, atol=0.05)


def test_window_statistics_ignore_padding_and_use_lookback_only():
    X = torch.tensor([[[0.0], [0.0], [1.0], [3.0]], [[5.0], [1.0], [2.0], [3.0]]])
    lengths = torch.tensor([2, 4])
    loc, std = window_statistics(X, lengths, "mean")
    assert torch.allclose(loc[:, 0, 0], torch.tensor([2.0, 2.75]))
    assert torch.allclose(std[0, 0, 0], torch.tensor(1.0))
    last, _ = window_statistics(X, lengths, "last")
    assert torch.equal(last[:, 0, 0], torch.tensor([3.0, 3.0]))


def test_window_statistics_without_padding_match_numpy():
    rng = np.random.default_rng(0)
    values = 100.0 + rng.normal(size=(5, 9, 3)) * np.array([1.0, 0.01, 30.0])
    loc, std = window_statistics(torch.tensor(values, dtype=torch.float32), None, "mean")
    assert np.allclose(loc.numpy(), values.mean(axis=1, keepdims=True), rtol=1e-6)
    assert np.allclose(std.numpy(), values.std(axis=1, keepdims=True), rtol=1e-3)


def test_one_affine_map_on_every_output_column():
    """loc + scale * z per sample, the same map for all outputs."""
    torch.manual_seed(0)
    net = NormalizedNet(
        RecurrentNet,
        {"n_outputs": 3, "hidden_size": 4},
        n_features=1,
        normalize="window",
        feature_mean=[0.0],
        feature_scale=[1.0],
        target_index=0,
        y_mean=0.0,
        y_scale=1.0,
    ).eval()
    X = torch.randn(4, 6, 1)
    shifted = net(X * 2.0 + 10.0)
    base = net(X)
    # Shifting and scaling the window shifts and scales every output alike.
    assert torch.allclose(shifted, base * 2.0 + 10.0, atol=1e-4)


def test_global_normalisation_is_a_built_in_scaler():
    rng = np.random.default_rng(3)
    X = rng.normal(loc=500.0, scale=40.0, size=(80, 8, 2))
    y = (X[:, -1, 1] - 500.0) / 40.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = GRURegressor(**SMALL, normalize="global").fit(X, y)
    assert np.allclose(model.input_mean_, X.reshape(-1, 2).mean(axis=0))
    assert np.corrcoef(model.predict(X), y)[0, 1] > 0.8


def test_large_unscaled_input_warns_only_without_normalisation():
    rng = np.random.default_rng(4)
    X = rng.normal(loc=1000.0, size=(40, 6, 1))
    y = X[:, -1, 0]
    with pytest.warns(UserWarning, match="normalize=None"):
        GRURegressor(**SMALL, normalize=None).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GRURegressor(**SMALL).fit(X, y)


def test_scaler_in_front_of_window_normalisation_warns():
    Xtr, ytr, _, _ = _trend_split()
    with pytest.warns(UserWarning, match="target_index"):
        make_pipeline(SequenceScaler(), GRURegressor(**SMALL)).fit(Xtr, ytr)


def test_target_index_must_name_a_continuous_column():
    X = np.random.default_rng(5).normal(size=(30, 5, 2))
    with pytest.raises(ValueError, match="target_index=2"):
        GRURegressor(**SMALL, target_index=2).fit(X, X[:, -1, 0])
    with pytest.raises(ValueError, match="normalize"):
        GRURegressor(normalize="robust").fit(X, X[:, -1, 0])


def test_target_index_none_normalises_inputs_only():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(60, 6, 2))
    y = 100 + 10 * X[:, -1, 1]
    model = GRURegressor(**SMALL, target_index=None).fit(X, y)
    assert abs(model.predict(X).mean() - 100) < 3


def test_classifier_default_global_and_window_option():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 8, 1)) + np.repeat([0.0, 50.0], 30)[:, None, None]
    y = np.repeat(["low", "high"], 30)
    assert GRUClassifier().normalize == "global"
    clf = GRUClassifier(**SMALL).fit(X, y)
    assert (clf.predict(X) == y).mean() == 1.0
    # "window" hides the level, which is all that tells these classes apart.
    blind = GRUClassifier(**SMALL, normalize="window").fit(X, y)
    assert (blind.predict(X) == y).mean() < 0.8


def test_clone_pickle_keep_predictions():
    Xtr, ytr, Xte, _ = _trend_split()
    model = GRURegressor(**SMALL).fit(Xtr, ytr)
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(model.predict(Xte), again.predict(Xte))
    refit = clone(model).fit(Xtr, ytr)
    assert np.array_equal(model.predict(Xte), refit.predict(Xte))


def test_delta_outputs_are_in_units_of_the_target_changes():
    """normalize="delta": last + s * z, s the spread of one-step changes."""
    Xtr, ytr, _, _ = _trend_split()
    model = GRURegressor(**{**SMALL, "max_epochs": 1}, normalize="delta").fit(Xtr, ytr)
    changes = np.diff(Xtr[:, :, 0], axis=1)
    assert model.target_change_scale_ == pytest.approx(changes.std(), rel=1e-6)
    # The level's spread (trend) is many times the changes' spread.
    assert model.y_scale_[0] > 5 * model.target_change_scale_
    module = model.net_.module_
    assert module.delta_scale == pytest.approx(
        model.target_change_scale_ / model.y_scale_[0]
    )
    X = torch.tensor(np.array(Xtr[:8]), dtype=torch.float32)
    with torch.no_grad():
        z = module.inner(module.encode_inputs(X)[0])
        out = module(X)
    last = (X[:, -1, 0, None] - model.y_mean_[0]) / model.y_scale_[0]
    assert torch.allclose(out, last + module.delta_scale * z, atol=1e-5)


def test_change_scale_skips_padding_and_weights_like_repeats():
    from skseq.estimators._inputs import change_scale

    X = np.array(
        [[[np.nan], [1.0], [3.0], [4.0]], [[0.0], [2.0], [2.0], [5.0]]],
        dtype=np.float32,
    )
    expected = np.std([2.0, 1.0, 2.0, 0.0, 3.0])  # padding gives no change
    assert change_scale(X, 0) == pytest.approx(expected)
    repeated = np.concatenate([X, X[1:]])
    assert change_scale(X, 0, np.array([1.0, 2.0])) == pytest.approx(
        change_scale(repeated, 0)
    )
    assert change_scale(X[:, :1], 0) == 0.0  # one step: no change at all
def test_window_normalisation_keeps_input_gradients():
    """Statistics run outside autograd only for inputs without gradients."""
    from skseq.nn import RecurrentNet
    from skseq.nn.normalization import NormalizedNet, window_statistics

    torch.manual_seed(0)
    net = NormalizedNet(
        RecurrentNet, {"n_outputs": 2, "cell": "gru", "hidden_size": 4}, 2,
        "window", [0.0, 0.0], [1.0, 1.0], target_index=0, y_mean=0.5, y_scale=2.0,
    )
    X = torch.randn(5, 7, 2, requires_grad=True)
    net(X).sum().backward()

    def reference(X):  # the map written out, all of it under autograd
        loc, std = window_statistics(X, None)
        std = torch.maximum(std, net.scale_floor)
        out = net.inner((X - loc) / std, None)
        return (loc[:, :, 0] - 0.5) / 2.0 + std[:, :, 0] / 2.0 * out

    X2 = X.detach().clone().requires_grad_(True)
    expected = reference(X2)
    expected.sum().backward()
    assert X.grad is not None and torch.allclose(X.grad, X2.grad)
    with torch.no_grad():
        assert torch.equal(net(X.detach()), expected)
