"""SequenceNet: skorch's training loop without the unused per-batch hooks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import InvalidParameterError
from skorch import NeuralNet
from skorch.callbacks import Callback, PrintLog

from skseq import GRURegressor, LSTMRegressor, make_supervised
from skseq.estimators import _base
from skseq.estimators._data import SequenceDataset
from skseq.estimators._net import SequenceNet
from skseq.utils.validation import check_sequences


class CountHooks(Callback):
    def initialize(self):
        self.counts = {"begin": 0, "end": 0, "grad": 0, "params": set()}
        return self

    def on_batch_begin(self, net, batch=None, training=None, **kwargs):
        self.counts["begin"] += 1

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        self.counts["end"] += 1

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.counts["grad"] += 1
        # iterable more than once, like skorch's TeeGenerator
        assert [n for n, _ in named_parameters] == [n for n, _ in named_parameters]
        self.counts["params"].update(n for n, _ in named_parameters)


def _data():
    X = np.random.default_rng(0).normal(size=(100, 6, 2)).astype(np.float32)
    return X, X[:, -1, 0] + X[:, 0, 1]


def test_sequence_net_calls_implemented_hooks_like_skorch():
    X, y = _data()
    counter = CountHooks()
    est = LSTMRegressor(
        hidden_size=4,
        max_epochs=2,
        batch_size=32,
        early_stopping=True,
        validation_fraction=0.2,
        callbacks=[counter],
        random_state=0,
    ).fit(X, y)
    assert isinstance(est.net_, SequenceNet)
    counts = dict(est.net_.callbacks_)["user_0"].counts
    # 80 training samples: 3 batches, 20 validation samples: 1 batch, x 2 epochs
    assert counts["begin"] == counts["end"] == 8
    assert counts["grad"] == 6
    assert counts["params"] == {n for n, _ in est.net_.module_.named_parameters()}
    assert [h["train_batch_count"] for h in est.history_] == [3, 3]
    assert [len(h["batches"]) for h in est.history_] == [4, 4]


class _PlainLoopNet(SequenceNet):
    """skorch's own batch loop, with SequenceNet's weighted loss and precision."""

    run_single_epoch = NeuralNet.run_single_epoch
    train_step = NeuralNet.train_step


def test_sequence_net_trains_exactly_as_neural_net(monkeypatch):
    X, y = _data()
    params = {"hidden_size": 4, "max_epochs": 3, "batch_size": 16, "random_state": 0}
    lean = LSTMRegressor(**params).fit(X, y)
    monkeypatch.setattr(_base, "SequenceNet", _PlainLoopNet)
    plain = LSTMRegressor(**params).fit(X, y)
    assert type(plain.net_) is _PlainLoopNet
    np.testing.assert_array_equal(lean.predict(X), plain.predict(X))
    for a, b in zip(lean.history_, plain.history_, strict=True):
        assert a["train_loss"] == b["train_loss"]
        assert [r["train_batch_size"] for r in a["batches"]] == [
            r["train_batch_size"] for r in b["batches"]
        ]


# -- the cheap defaults of the training step (issue 14) -------------------------
def _padded_windows():
    series = np.random.default_rng(1).normal(size=(90, 2)).astype(np.float32)
    return make_supervised(series, 0, horizon=2, lookback=8)  # first windows padded


def _fit_pair(monkeypatch, patch, make):
    """Fit twice with the same seed: as shipped, then with ``patch`` applied."""
    X, y = _padded_windows()
    fast = make().fit(X, y)
    patch(monkeypatch)
    slow = make().fit(X, y)
    return fast, slow, X


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", "rmsprop"])
def test_foreach_optimizers_train_bit_for_bit_as_the_default(monkeypatch, optimizer):
    def make():
        return GRURegressor(
            hidden_size=4, max_epochs=2, batch_size=16, optimizer=optimizer,
            weight_decay=0.01, random_state=0,
        )

    def per_parameter_updates(mp):
        mp.setattr(_base.RecurrentEstimatorMixin, "_optimizer_options", lambda s: {})

    fast, slow, X = _fit_pair(monkeypatch, per_parameter_updates, make)
    assert fast.net_.optimizer_.defaults["foreach"] is True
    assert slow.net_.optimizer_.defaults["foreach"] is None
    np.testing.assert_array_equal(fast.predict(X), slow.predict(X))
    pairs = zip(
        fast.net_.module_.parameters(), slow.net_.module_.parameters(), strict=True
    )
    assert all(torch.equal(a, b) for a, b in pairs)
    # An optimizer class is passed on untouched.
    assert _base.RecurrentEstimatorMixin._optimizer_options(
        GRURegressor(optimizer=torch.optim.Adam)
    ) == {}


def test_unpadded_batches_leave_out_lengths_with_the_same_results(monkeypatch):
    X, y = _padded_windows()
    seqs = check_sequences(X)
    dataset = SequenceDataset(seqs.X, seqs.lengths, y.astype(np.float32))
    assert "lengths" in dataset.get_batch(np.arange(0, 4))[0]  # padded rows
    full, _ = dataset.get_batch(np.arange(40, 48))
    assert "lengths" not in full and full["X"].shape == (8, 8, 2)
    # Sample access (map-style dataset) still gives each sample its length.
    assert int(dataset[45][0]["lengths"]) == 8

    def always_lengths(mp):
        original = SequenceDataset.get_batch

        def get_batch(self, positions):
            Xb, yb = original(self, positions)
            Xb.setdefault("lengths", torch.from_numpy(self.lengths[self.indices[positions]]))
            return Xb, yb

        mp.setattr(SequenceDataset, "get_batch", get_batch)

    fast, slow, X = _fit_pair(
        monkeypatch,
        always_lengths,
        lambda: LSTMRegressor(hidden_size=4, max_epochs=2, batch_size=16, random_state=0),
    )
    np.testing.assert_array_equal(fast.predict(X), slow.predict(X))
    assert [h["train_loss"] for h in fast.history_] == [
        h["train_loss"] for h in slow.history_
    ]


def test_print_log_only_when_verbose():
    X, y = _data()
    quiet = LSTMRegressor(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    loud = LSTMRegressor(hidden_size=4, max_epochs=1, random_state=0, verbose=1)
    loud.fit(X, y)
    assert "print_log" not in dict(quiet.net_.callbacks_)
    assert isinstance(dict(loud.net_.callbacks_)["print_log"], PrintLog)
    np.testing.assert_array_equal(quiet.predict(X), loud.predict(X))


def test_training_mode_is_set_once_per_epoch_and_kept():
    X, y = _data()

    class ModeSeen(Callback):
        def initialize(self):
            self.modes = []
            return self

        def on_batch_end(self, net, batch=None, training=None, **kwargs):
            self.modes.append((training, net.module_.training))

    seen = ModeSeen()
    LSTMRegressor(
        hidden_size=4, max_epochs=2, batch_size=32, dropout=0.5, num_layers=2,
        early_stopping=True, validation_fraction=0.2, callbacks=[seen],
        random_state=0,
    ).fit(X, y)
    # training batches in training mode, validation batches in eval mode
    assert {m for m in seen.modes} == {(True, True), (False, False)}


def test_parameter_check_cache_raises_scikit_learns_errors():
    X, y = _data()
    for bad in ({"hidden_size": 0}, {"lr": float("nan")}, {"optimizer": "adamax"}):
        with pytest.raises(InvalidParameterError) as cached:
            LSTMRegressor(**bad).fit(X, y)
        with pytest.raises(InvalidParameterError) as plain:
            BaseEstimator._validate_params(LSTMRegressor(**bad))
        assert str(cached.value) == str(plain.value)
    # Fixed-cell classes validate their own signature (no 'cell' parameter).
    names = {name for name, _ in _base._compiled_constraints(LSTMRegressor)}
    assert "hidden_size" in names and "cell" not in names
