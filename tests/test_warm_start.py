"""warm_start: changed training settings apply, architecture changes are refused;
training stops with a clear error on a non-finite loss."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback, GradientNormClipping

from skseq import GRURegressor, LSTMClassifier, RecurrentRegressor, Seq2SeqRegressor

FAST = dict(hidden_size=4, max_epochs=2, lr=0.01, random_state=0, warm_start=True)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6, 2))
    return X, X[:, -1, 0] + 0.5 * X[:, -2, 1]


def test_training_parameters_take_effect(data):
    X, y = data
    reg = RecurrentRegressor("gru", **FAST).fit(X, y)
    weights = reg.net_.module_.head.weight.detach().clone()
    reg.set_params(lr=0.05, max_epochs=3, batch_size=8, weight_decay=0.01)
    reg.fit(X, y)
    assert len(reg.history_) == 5  # 2 + 3 epochs: the new max_epochs applies
    assert len(reg.history_[-1, "batches"]) == 5  # 40 samples / batch_size 8
    group = reg.net_.optimizer_.param_groups[0]
    assert group["lr"] == 0.05 and group["weight_decay"] == 0.01
    # The trained weights carried over (continued, not re-initialised) ...
    cold = RecurrentRegressor("gru", **{**FAST, "warm_start": False})
    cold.set_params(lr=0.05, max_epochs=3, batch_size=8, weight_decay=0.01)
    assert not np.allclose(reg.predict(X), cold.fit(X, y).predict(X))
    assert not torch.equal(weights, reg.net_.module_.head.weight)


def test_optimizer_state_carries_over_and_class_change_applies(data):
    X, y = data
    reg = GRURegressor(**FAST).fit(X, y)
    steps = float(reg.net_.optimizer_.state_dict()["state"][0]["step"])
    reg.fit(X, y)
    assert reg.net_.optimizer_.state_dict()["state"][0]["step"] == 2 * steps
    reg.set_params(optimizer="sgd").fit(X, y)
    assert isinstance(reg.net_.optimizer_, torch.optim.SGD)
    assert reg.net_.optimizer_.param_groups[0]["lr"] == 0.01


def test_clipping_and_callbacks_take_effect(data):
    X, y = data

    class Count(Callback):
        def initialize(self):
            self.epochs = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    reg = GRURegressor(**FAST).fit(X, y)
    reg.set_params(clip_grad_norm=None, callbacks=[("count", Count())]).fit(X, y)
    callbacks = dict(reg.net_.callbacks_)
    assert not any(isinstance(cb, GradientNormClipping) for cb in callbacks.values())
    assert callbacks["count"].epochs == 2
    reg.set_params(clip_grad_norm=0.5).fit(X, y)
    clip = [cb for cb in dict(reg.net_.callbacks_).values()
            if isinstance(cb, GradientNormClipping)]
    assert clip[0].gradient_clip_value == 0.5


def test_dropout_and_teacher_forcing_changes_continue(data):
    X, y = data
    Y = np.column_stack([y, y])
    s2s = Seq2SeqRegressor(**FAST).fit(X, Y)
    s2s.set_params(teacher_forcing=0.5).fit(X, Y)
    assert s2s.net_.module_.teacher_forcing == 0.5
    assert len(s2s.history_) == 4


@pytest.mark.parametrize(
    "change", [{"hidden_size": 8}, {"cell": "lstm"}, {"num_layers": 2},
               {"bidirectional": True}]
)
def test_architecture_change_is_refused(data, change):
    X, y = data
    reg = RecurrentRegressor("gru", **FAST).fit(X, y)
    before = reg.predict(X)
    name = next(iter(change))
    reg.set_params(**change)
    with pytest.raises(ValueError, match=rf"{name} .*warm_start=False"):
        reg.fit(X, y)
    reg.set_params(warm_start=False).fit(X, y)  # the advertised fix works
    assert reg.predict(X).shape == before.shape


def test_feature_count_change_is_refused(data):
    X, y = data
    reg = GRURegressor(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="3 features per time step.*has 2.*warm_start=False"):
        reg.fit(np.concatenate([X, X[:, :, :1]], axis=2), y)
    clf = LSTMClassifier(**FAST).fit(X, y > 0)
    with pytest.raises(ValueError, match="1 features per time step"):
        clf.fit(X[:, :, 0], y > 0)


def test_non_finite_loss_stops_with_the_fixes_named(data):
    X, y = data
    reg = GRURegressor(
        hidden_size=4, max_epochs=5, optimizer="sgd", lr=1e25,
        clip_grad_norm=None, random_state=0,
    )
    with pytest.raises(FloatingPointError, match="lower learning rate.*clip_grad_norm"):
        reg.fit(X, y)


def test_values_beyond_float32_are_refused(data):
    X, y = data
    X = X.copy()
    X[3, 2, 1] = 1e39
    with pytest.raises(ValueError, match=r"1e\+39 \(sample 3.*float32.*Scale the data"):
        GRURegressor(hidden_size=4, max_epochs=1).fit(X, y)
    X[3, 2, 1] = 3e38  # still representable
    reg = GRURegressor(hidden_size=4, max_epochs=1).fit(X[:, :, :1], y)
    X[0, :2] = np.nan  # front padding does not hide the check
    X[5, 4, 0] = -1e300
    with pytest.raises(ValueError, match="sample 5, time step 4"):
        reg.predict(X[:, :, :1])
