"""Accelerator support: batches gathered on the device, mixed precision.

On a GPU the CPU-side data path (gather a batch from the window view,
convert, copy to the device) becomes the bottleneck of small recurrent
networks. :class:`DeviceSequenceDataset` uploads the data once instead and
gathers every batch on the device: for overlapping windows (the views of
:func:`skseq.make_supervised` and :class:`skseq.SlidingWindows`) only the
series they span travels, ``lookback`` times less than the windows, and a
batch is one indexing kernel. Data that does not fit in half the free device
memory keeps the CPU path.

``precision="bfloat16"`` runs the forward pass under ``torch.autocast`` with
bfloat16 (matrix products in bfloat16, losses and weights in float32) on
CUDA devices; bfloat16 keeps float32's exponent range, so no loss scaling is
needed. On the CPU it is refused: torch's CPU autocast has no bfloat16 GRU
or plain RNN (they would silently stay float32) and its LSTM kernel needs
processor support that most CPUs lack (it fails to start).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
import torch

from ..lazy import _overlapping_series
from ._data import SequenceDataset

#: Values of the estimators' ``precision`` parameter.
PRECISIONS = ("float32", "bfloat16")

# Share of the free device memory the uploaded data may take.
_DEVICE_MEMORY_SHARE = 0.5


def precision_context(device: str | torch.device, precision: str | None):
    """``torch.autocast`` for ``precision`` on ``device`` (a no-op for float32).

    Parameters
    ----------
    device : str or torch.device
    precision : {"float32", "bfloat16"} or None

    Returns
    -------
    context manager
    """
    if precision in (None, "float32"):
        return contextlib.nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=torch.bfloat16)


@dataclass
class _DeviceData:
    """The tensors a :class:`DeviceSequenceDataset` gathers from."""

    series: torch.Tensor | None  # (n + T - 1, F) for overlapping windows
    windows: torch.Tensor | None  # (n, T, F) otherwise
    steps: torch.Tensor  # arange(T)
    lengths: torch.Tensor
    y: torch.Tensor | None
    padded: bool  # whether any sequence is shorter than the windows


def _upload(X: np.ndarray, lengths: np.ndarray, y, device) -> _DeviceData:
    series = _overlapping_series(X) if X.ndim == 3 and len(X) > 1 else None
    source = series if series is not None else X
    # Front padding is NaN; the CPU path zeroes it per batch, here once.
    values = torch.from_numpy(np.nan_to_num(np.asarray(source, dtype=np.float32)))
    values = values.to(device)
    return _DeviceData(
        series=values if series is not None else None,
        windows=None if series is not None else values,
        steps=torch.arange(X.shape[1], device=device),
        lengths=torch.from_numpy(np.asarray(lengths)).to(device),
        y=None if y is None else torch.from_numpy(np.ascontiguousarray(y)).to(device),
        padded=bool(np.any(np.asarray(lengths) < X.shape[1])),
    )


def upload_bytes(X: np.ndarray) -> int:
    """Bytes a :class:`DeviceSequenceDataset` puts on the device for ``X``."""
    series = _overlapping_series(X) if X.ndim == 3 and len(X) > 1 else None
    shape = series.shape if series is not None else X.shape
    return int(np.prod(shape)) * 4


class DeviceSequenceDataset(SequenceDataset):
    """A :class:`SequenceDataset` whose batches are gathered on ``device``.

    Gives the same batches as :class:`SequenceDataset` (same values, same
    dtypes), as tensors already on ``device``; ``"lengths"`` is left out when
    no sequence of the dataset is padded (and given for every batch otherwise).

    Parameters
    ----------
    X, lengths, y, indices, teacher, sample_weight
        As for :class:`SequenceDataset`.
    device : str or torch.device
        Where the data is uploaded and the batches are gathered.
    """

    def __init__(
        self,
        X,
        lengths,
        y=None,
        indices=None,
        teacher=False,
        sample_weight=None,
        *,
        device="cuda",
        _data: _DeviceData | None = None,
    ):
        super().__init__(X, lengths, y, indices, teacher, sample_weight)
        self.device = device
        self._data = _data if _data is not None else _upload(X, lengths, y, device)
        self._weights = (
            None
            if sample_weight is None
            else torch.from_numpy(np.asarray(sample_weight, np.float32)).to(device)
        )

    def subset(self, positions) -> DeviceSequenceDataset:
        return DeviceSequenceDataset(
            self.X,
            self.lengths,
            self.y,
            self.indices[positions],
            self.teacher,
            self.sample_weight,
            device=self.device,
            _data=self._data,
        )

    def get_batch(self, positions):
        data = self._data
        rows = torch.as_tensor(self.indices[positions], device=self.device)
        if data.series is not None:
            block = data.series[rows[:, None] + data.steps]
        else:
            block = data.windows[rows]
        Xb = {"X": block}
        if data.padded:
            # Left out without any padding: that spares the module a check
            # that would copy the lengths to the host (a device sync).
            Xb["lengths"] = data.lengths[rows]
        if self._weights is not None:
            Xb["sample_weight"] = self._weights[rows]
        if data.y is None:
            return Xb, torch.zeros(len(rows), device=self.device)
        yb = data.y[rows]
        if self.teacher:
            Xb["y_teacher"] = yb
        return Xb, yb


def check_precision(precision: str | None, device: str | torch.device) -> None:
    """Refuse mixed precision where it does not run as asked (the CPU).

    Raises
    ------
    ValueError
        For ``precision="bfloat16"`` on a device that is not CUDA.
    """
    if precision not in (None, "float32") and torch.device(device).type != "cuda":
        raise ValueError(
            f"precision={precision!r} needs a CUDA device, but the estimator runs "
            f"on {str(device)!r}. On the CPU, torch has no bfloat16 GRU or plain "
            "RNN kernels and its LSTM one needs special processor support; use "
            "precision='float32' there, or device='cuda'."
        )


def to_device_dataset(
    dataset: SequenceDataset, device: str, precision: str | None = None
) -> SequenceDataset:
    """Move ``dataset`` to a CUDA device when it pays and fits; else unchanged.

    Parameters
    ----------
    dataset : SequenceDataset
    device : str
        The resolved device of the estimator.
    precision : str or None
        The estimator's ``precision``, checked with :func:`check_precision`.

    Returns
    -------
    SequenceDataset
        A :class:`DeviceSequenceDataset` on ``device`` when ``device`` is a
        CUDA device and the data takes at most half its free memory.
    """
    check_precision(precision, device)
    if torch.device(device).type != "cuda" or type(dataset) is not SequenceDataset:
        return dataset
    free, _ = torch.cuda.mem_get_info(torch.device(device))
    if upload_bytes(dataset.X) > _DEVICE_MEMORY_SHARE * free:
        return dataset  # too large: gather on the CPU, batch by batch
    return DeviceSequenceDataset(
        dataset.X,
        dataset.lengths,
        dataset.y,
        dataset.indices,
        dataset.teacher,
        dataset.sample_weight,
        device=device,
    )
