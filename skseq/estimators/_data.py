"""Serve validated sequences to skorch batch by batch, without per-sample work.

skorch's default data path fetches samples one at a time and collates them,
and it converts the whole of ``X`` to a tensor up front. Both hurt with
windowed time series: per-sample fetching is most of skorch's overhead, and a
window view (see :class:`skseq.SlidingWindows`) would be materialised
``lookback`` times over. Here a batch is gathered from the (possibly strided)
array in one indexing operation and converted to float32 only then.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import Dataset


class SequenceDataset(Dataset):
    """Sequences, their lengths and an optional target, indexed by batches.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        Validated data; may be a read-only strided view.
    lengths : ndarray of shape (n_samples,)
        Observed length of each sequence.
    y : ndarray of shape (n_samples, ...) or None
        Encoded target (float32 for regression, int64 class codes).
    indices : ndarray of int or None
        The samples of ``X`` this dataset covers (a subset for validation
        splits); all of them when None.
    teacher : bool, default=False
        Also pass the target to the module as ``y_teacher`` (teacher forcing
        in encoder-decoder models).
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Per-sample loss weights (float32). They travel with every batch as
        ``X["sample_weight"]``, which :class:`skseq.estimators._net.SequenceNet`
        applies in its loss and keeps away from the module.
    """

    def __init__(
        self, X, lengths, y=None, indices=None, teacher=False, sample_weight=None
    ):
        self.X = X
        self.lengths = lengths
        self.y = y
        self.indices = np.arange(len(X)) if indices is None else np.asarray(indices)
        self.teacher = teacher
        self.sample_weight = sample_weight

    def __len__(self) -> int:
        return len(self.indices)

    def subset(self, positions) -> SequenceDataset:
        """The dataset restricted to ``positions`` (relative to this one)."""
        return SequenceDataset(
            self.X,
            self.lengths,
            self.y,
            self.indices[positions],
            self.teacher,
            self.sample_weight,
        )

    def get_batch(self, positions):
        """Gather one batch as ``({"X": ..., "lengths": ...}, y)`` tensors.

        ``"lengths"`` is left out when no sequence of the batch is padded.
        """
        rows = self.indices[positions]
        contiguous = len(rows) > 0 and rows[-1] - rows[0] == len(rows) - 1
        if contiguous and np.all(np.diff(rows) == 1):
            # A slice of the caller's array: copy so nothing writes into it.
            block = np.array(self.X[rows[0] : rows[-1] + 1], dtype=np.float32)
        else:
            # Fancy indexing already returns a fresh array.
            block = self.X[rows].astype(np.float32, copy=False)
        lengths = self.lengths[rows]
        padded = lengths.min(initial=block.shape[1]) < block.shape[1]
        if padded:
            np.nan_to_num(block, copy=False, nan=0.0)
        Xb = {"X": torch.from_numpy(block)}
        if padded:
            # Without it the modules take every sequence as full length and
            # skip their padding checks (lengths=None, their default).
            Xb["lengths"] = torch.from_numpy(lengths)
        if self.sample_weight is not None:
            Xb["sample_weight"] = torch.from_numpy(self.sample_weight[rows])
        if self.y is None:
            return Xb, torch.zeros(len(rows))
        yb = torch.from_numpy(np.ascontiguousarray(self.y[rows]))
        if self.teacher:
            Xb["y_teacher"] = yb
        return Xb, yb

    def __getitem__(self, position):
        # Only used by tools that expect a map-style dataset; training uses
        # get_batch through BatchLoader.
        Xb, yb = self.get_batch(np.atleast_1d(position))
        if "lengths" not in Xb:
            Xb["lengths"] = torch.from_numpy(self.lengths[self.indices[[position]]])
        return {k: v[0] for k, v in Xb.items()}, yb[0]


class BatchLoader:
    """Iterate over a :class:`SequenceDataset` in mini-batches.

    Used as skorch's ``iterator_train`` and ``iterator_valid``. With
    ``shuffle=True`` every epoch draws a new permutation from a generator
    seeded once, so a fit is reproducible; indices inside a batch are sorted
    so that gathering from a window view walks memory forwards.

    Parameters
    ----------
    dataset : SequenceDataset
    batch_size : int, default=64
    shuffle : bool, default=False
    seed : int or None, default=None
    """

    def __init__(self, dataset, batch_size=64, shuffle=False, seed=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            positions = order[start : start + self.batch_size]
            if self.shuffle:
                positions = np.sort(positions)
            yield self.dataset.get_batch(positions)


class ChronologicalSplit:
    """skorch ``train_split`` that validates on the newest samples.

    The last ``validation_fraction`` of the samples, in the order given, is
    the validation set; everything before it trains. Never random and never
    the oldest part, so early stopping does not peek into the past-of-the-
    future.

    Parameters
    ----------
    validation_fraction : float
        Share of samples held out, in (0, 1).
    """

    def __init__(self, validation_fraction: float):
        self.validation_fraction = validation_fraction

    def __call__(self, dataset, y=None, **fit_params):
        n = len(dataset)
        n_valid = int(np.ceil(n * self.validation_fraction))
        if n_valid < 1 or n - n_valid < 1:
            raise ValueError(
                f"Cannot hold out a validation_fraction={self.validation_fraction} "
                f"of {n} samples for early stopping: both the training and the "
                "validation part need at least one sample. Pass more samples, "
                "change validation_fraction, or set early_stopping=False."
            )
        split = n - n_valid
        return dataset.subset(slice(0, split)), dataset.subset(slice(split, n))


class ClassChronologicalSplit:
    """skorch ``train_split`` for classifiers: the newest samples of each class.

    For every class, the last ``ceil(n_c * validation_fraction)`` of its
    samples, in the order given, validate (at most ``n_c - 1``, so each class
    keeps a training sample; a class with a single sample only trains).
    Every class is thus validated in proportion to its size even when the
    samples are sorted by class, and windows cut from one series still
    validate on their newest part.

    Parameters
    ----------
    validation_fraction : float
        Share of each class held out, in (0, 1).
    """

    def __init__(self, validation_fraction: float):
        self.validation_fraction = validation_fraction

    def __call__(self, dataset, y=None, **fit_params):
        codes = np.asarray(dataset.y)[dataset.indices]
        parts = []
        for code in np.unique(codes):
            positions = np.flatnonzero(codes == code)
            n_class = len(positions)
            k = min(int(np.ceil(n_class * self.validation_fraction)), n_class - 1)
            if k > 0:
                parts.append(positions[n_class - k :])
        valid = np.sort(np.concatenate(parts)) if parts else np.empty(0, np.int64)
        if len(valid) == 0:
            raise ValueError(
                f"Cannot hold out a validation_fraction={self.validation_fraction} "
                f"of each class of {len(codes)} samples for early stopping: no class "
                "has two samples. Pass more samples or set early_stopping=False."
            )
        train = np.setdiff1d(np.arange(len(codes)), valid)
        return dataset.subset(train), dataset.subset(valid)
