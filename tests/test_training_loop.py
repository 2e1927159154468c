"""SequenceNet: skorch's training loop without the unused per-batch hooks."""

from __future__ import annotations

import numpy as np
from skorch import NeuralNet
from skorch.callbacks import Callback

from skseq import LSTMRegressor
from skseq.estimators import _base
from skseq.estimators._net import SequenceNet


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
