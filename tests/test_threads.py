"""torch_threads: thread counts during fit/predict, the default policy, restoring."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from joblib import cpu_count
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback

from skseq import (
    GRUClassifier,
    LSTMRegressor,
    RecurrentClassifier,
    RecurrentRegressor,
    Seq2SeqRegressor,
)
from skseq.utils.threads import default_torch_threads, torch_threads


class RecordThreads(Callback):
    """Record torch's thread count at the start of every epoch."""

    def __init__(self):
        self.seen = []

    def on_epoch_begin(self, net, **kwargs):
        self.seen.append(torch.get_num_threads())


def _data(n=40, seed=0):
    X = np.random.default_rng(seed).normal(size=(n, 6, 2)).astype(np.float32)
    return X, X[:, -1, 0]


@pytest.fixture
def two_threads():
    """Give the test process 2 torch threads, and put its count back after."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize(
    "Est", [RecurrentRegressor, RecurrentClassifier, GRUClassifier, Seq2SeqRegressor]
)
def test_torch_threads_applies_during_fit_and_is_restored(Est, two_threads):
    X, y = _data()
    if Est in (RecurrentClassifier, GRUClassifier):
        y = (y > 0).astype(int)
    elif Est is Seq2SeqRegressor:
        y = np.stack([y, y], axis=1)
    recorder = RecordThreads()
    est = Est(hidden_size=4, max_epochs=2, torch_threads=1, callbacks=[recorder])
    est.fit(X, y)
    assert recorder.seen == [1, 1]
    assert torch.get_num_threads() == 2
    est.predict(X)
    assert torch.get_num_threads() == 2


def test_torch_threads_restored_after_an_error(two_threads):
    X, _ = _data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LSTMRegressor(hidden_size=4, max_epochs=1, torch_threads=1).fit(X, X[:5, 0, 0])
    assert torch.get_num_threads() == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_torch_threads_validated(bad):
    X, y = _data()
    with pytest.raises(InvalidParameterError, match="torch_threads"):
        LSTMRegressor(hidden_size=4, max_epochs=1, torch_threads=bad).fit(X, y)


def test_numpy_integer_torch_threads_accepted(two_threads):
    X, y = _data()
    recorder = RecordThreads()
    LSTMRegressor(
        hidden_size=4, max_epochs=1, torch_threads=np.int64(1), callbacks=[recorder]
    ).fit(X, y)
    assert recorder.seen == [1]


def test_default_policy_main_thread_never_exceeds_cores_or_current(two_threads):
    n = default_torch_threads()
    assert 1 <= n <= min(2, cpu_count())
    torch.set_num_threads(1)
    assert default_torch_threads() == 1  # a lower count set by the user is kept


def test_default_policy_is_one_thread_off_the_main_thread(two_threads):
    seen = []
    worker = threading.Thread(target=lambda: seen.append(default_torch_threads()))
    worker.start()
    worker.join()
    assert seen == [1]


def test_concurrent_fits_in_threads_restore_the_count(two_threads):
    X, y = _data()
    recorders = [RecordThreads() for _ in range(3)]

    def fit(recorder):
        LSTMRegressor(hidden_size=4, max_epochs=3, callbacks=[recorder]).fit(X, y)

    workers = [threading.Thread(target=fit, args=(r,)) for r in recorders]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert all(r.seen == [1, 1, 1] for r in recorders)
    assert torch.get_num_threads() == 2


def test_nested_context_managers_restore_in_order(two_threads):
    with torch_threads(1):
        with torch_threads(1):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2


def test_default_policy_in_joblib_process_workers(two_threads, monkeypatch):
    # What a loky worker of GridSearchCV(n_jobs=2) on 2 cores sees: joblib
    # sets OMP_NUM_THREADS to cores // n_jobs in the workers' environment.
    from joblib.externals.loky import process_executor

    monkeypatch.setattr(process_executor, "_CURRENT_DEPTH", 1)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert default_torch_threads() == 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert default_torch_threads() == 1  # a worker without the variable: 1


def test_omp_num_threads_caps_the_main_process(two_threads, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert default_torch_threads() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert default_torch_threads() == min(2, cpu_count())
