"""Device data path and mixed precision, checked on the CPU.

No GPU here: the CUDA branches are exercised by running the device dataset
on the CPU (same code, other device) and by the autocast plumbing of the
training net; ``test_estimators.py`` checks that a GPU-pickled model loads
on a CPU-only machine.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError
from torch import nn

from skseq import GRUClassifier, LSTMRegressor, Seq2SeqRegressor, make_supervised
from skseq.estimators import _base
from skseq.estimators._data import SequenceDataset
from skseq.estimators._device import (
    DeviceSequenceDataset,
    to_device_dataset,
    upload_bytes,
)
from skseq.estimators._net import SequenceNet
from skseq.utils.validation import check_sequences


def _windows(min_history=1):
    series = np.random.default_rng(0).normal(size=(120, 2)).astype(np.float32)
    return make_supervised(series, 0, horizon=2, lookback=6, min_history=min_history)


def _assert_same_batches(a, b, positions):
    (Xa, ya), (Xb, yb) = a.get_batch(positions), b.get_batch(positions)
    for X in (Xa, Xb):  # no "lengths": no sequence of the batch is padded
        X.setdefault("lengths", torch.from_numpy(a.lengths[a.indices[positions]]))
    assert Xa.keys() == Xb.keys()
    for key in Xa:
        assert Xa[key].dtype == Xb[key].dtype
        torch.testing.assert_close(Xa[key], Xb[key], rtol=0, atol=0)
    torch.testing.assert_close(ya, yb, rtol=0, atol=0)


@pytest.mark.parametrize("overlapping", [True, False])
def test_device_dataset_gives_the_cpu_batches(overlapping):
    X, y = _windows()  # front-padded windows (NaN) included
    if not overlapping:
        X = np.ascontiguousarray(X)
    seqs = check_sequences(X)
    y = y.astype(np.float32)
    cpu = SequenceDataset(seqs.X, seqs.lengths, y, teacher=True)
    dev = DeviceSequenceDataset(seqs.X, seqs.lengths, y, teacher=True, device="cpu")
    assert (dev._data.series is not None) == overlapping
    for positions in (np.arange(0, 16), np.array([3, 50, 51, 90]), slice(100, 112)):
        _assert_same_batches(cpu, dev, positions)
    sub_cpu, sub_dev = cpu.subset(slice(20, 80)), dev.subset(slice(20, 80))
    assert isinstance(sub_dev, DeviceSequenceDataset) and sub_dev._data is dev._data
    _assert_same_batches(sub_cpu, sub_dev, np.arange(10, 30))
    plain = DeviceSequenceDataset(seqs.X, seqs.lengths, device="cpu")
    Xb, yb = plain.get_batch(np.arange(4))
    assert yb.shape == (4,) and Xb["X"].shape == (4, 6, 2)


def test_overlapping_windows_upload_the_series_only():
    X, _ = _windows(min_history="full")
    assert upload_bytes(X) == (len(X) + X.shape[1] - 1) * X.shape[2] * 4
    assert upload_bytes(np.ascontiguousarray(X)) == X.size * 4


@pytest.mark.parametrize(
    "make",
    [lambda: LSTMRegressor(hidden_size=4), lambda: Seq2SeqRegressor(hidden_size=4)],
)
def test_training_on_device_batches_matches_the_cpu_path(make, monkeypatch):
    X, y = _windows()
    params = {"max_epochs": 2, "random_state": 0, "early_stopping": True}
    plain = make().set_params(**params).fit(X, y)
    with monkeypatch.context() as m:
        m.setattr(
            _base,
            "to_device_dataset",
            lambda ds, device, precision=None: DeviceSequenceDataset(
                ds.X, ds.lengths, ds.y, ds.indices, ds.teacher, device=device
            ),
        )
        on_device = make().set_params(**params).fit(X, y)
        np.testing.assert_array_equal(on_device.predict(X), plain.predict(X))


def test_cpu_datasets_stay_as_they_are():
    X, _ = _windows()
    seqs = check_sequences(X)
    ds = SequenceDataset(seqs.X, seqs.lengths)
    assert to_device_dataset(ds, "cpu") is ds


def test_bfloat16_is_refused_on_the_cpu_with_the_reason():
    X, y = _windows()
    with pytest.raises(ValueError, match="needs a CUDA device"):
        LSTMRegressor(hidden_size=4, max_epochs=1, precision="bfloat16").fit(X, y)
    with pytest.raises(InvalidParameterError, match="precision"):
        GRUClassifier(max_epochs=1, precision="float16").fit(X, y[:, 0] > 0)
    model = LSTMRegressor(hidden_size=4, max_epochs=1).fit(X, y)
    model.set_params(precision="bfloat16")  # changed after fit: refused too
    for batch in (X[-1:], X):
        with pytest.raises(ValueError, match="needs a CUDA device"):
            model.predict(batch)


class _RecordAutocast(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 1)
        self.seen = []

    def forward(self, X):
        self.seen.append(torch.is_autocast_enabled("cpu"))
        return self.linear(X)


@pytest.mark.parametrize("dtype, autocast", [("float32", False), ("bfloat16", True)])
def test_sequence_net_runs_the_forward_pass_under_autocast(dtype, autocast):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 3)).astype(np.float32)
    y = X[:, :1].copy()
    net = SequenceNet(
        _RecordAutocast,
        criterion=nn.MSELoss,
        criterion__reduction="none",
        max_epochs=1,
        batch_size=16,
        train_split=None,
        precision__dtype=dtype,
    ).fit(X, y)
    assert net.module_.seen == [autocast, autocast]
    assert net.infer(torch.from_numpy(X)).dtype == torch.float32
