"""Input validation for sequence data.

The estimators accept

* 3-D arrays ``(n_samples, n_timesteps, n_features)``,
* 2-D arrays ``(n_samples, n_timesteps)``, read as univariate sequences,
* lists of 2-D arrays ``(n_timesteps_i, n_features)`` of different lengths,
* pandas DataFrames (2-D, univariate sequences in rows).

Rows of a sequence that are entirely NaN *at its start* are front padding: the
sequence is shorter than the array. NaN anywhere else, and inf anywhere, is an
error. Validation works through the data in chunks, so a strided window view
(see :class:`skseq.SlidingWindows`) is never materialised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils import check_array
from sklearn.utils.validation import check_consistent_length

# About 4 MB of float32 per validation chunk: the NaN bookkeeping of a padded
# chunk needs a few boolean masks of its size.
_CHUNK_ELEMENTS = 1_000_000


@dataclass(frozen=True)
class Sequences:
    """Validated sequence data.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
        The data, a view of the input wherever possible (never a copy of a
        numeric 2-D or 3-D array). Front padding rows are NaN.
    lengths : ndarray of shape (n_samples,), dtype int64
        The number of observed time steps of each sequence (its length
        without the front padding).
    """

    X: np.ndarray
    lengths: np.ndarray

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_timesteps(self) -> int:
        return self.X.shape[1]

    @property
    def n_features(self) -> int:
        return self.X.shape[2]

    @property
    def is_padded(self) -> bool:
        return bool((self.lengths < self.n_timesteps).any())


def _name(estimator) -> str:
    if estimator is None:
        return "this estimator"
    return estimator if isinstance(estimator, str) else type(estimator).__name__


def _pad_list(X: list | tuple, estimator) -> np.ndarray:
    """Front-pad a list of sequences of different lengths into one 3-D array."""
    seqs = []
    for i, item in enumerate(X):
        arr = np.asarray(item)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(
                f"Sequence {i} of the list passed to {_name(estimator)} has "
                f"{arr.ndim} dimensions; each sequence must be 2-D "
                "(n_timesteps, n_features) or 1-D (n_timesteps,)."
            )
        if arr.dtype.kind not in "biuf":
            raise ValueError(
                f"Sequence {i} has dtype {arr.dtype}; sequences must be numeric."
            )
        seqs.append(arr)
    if not seqs:
        raise ValueError(
            "Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is "
            "required: pass at least one sequence."
        )
    n_features = {s.shape[1] for s in seqs}
    if len(n_features) > 1:
        raise ValueError(
            f"The sequences passed to {_name(estimator)} have different numbers "
            f"of features {sorted(n_features)}; every sequence needs the same "
            "features (columns)."
        )
    (n_feat,) = n_features
    max_len = max(s.shape[0] for s in seqs)
    if max_len == 0:
        raise ValueError("Every sequence is empty: each needs at least one time step.")
    out = np.full((len(seqs), max_len, n_feat), np.nan, dtype=np.float32)
    for i, s in enumerate(seqs):
        if s.shape[0] == 0:
            raise ValueError(
                f"Sequence {i} is empty: each sequence needs at least one time step."
            )
        out[i, max_len - s.shape[0] :] = s
    return out


def _is_ragged_list(X) -> bool:
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    shapes = set()
    for item in X:
        shape = getattr(item, "shape", None)
        if shape is None:
            try:
                shape = np.shape(item)
            except ValueError:  # nested ragged lists
                return True
        shapes.add(tuple(shape))
        if len(shapes) > 1:
            return True
    return False


def as_3d(X, *, estimator=None) -> np.ndarray:
    """Convert supported input to a 3-D array without copying numeric arrays.

    Parameters
    ----------
    X : array-like, DataFrame or list of 2-D arrays
        See the module docstring for the accepted layouts.
    estimator : estimator instance or str, optional
        Used in error messages.

    Returns
    -------
    ndarray of shape (n_samples, n_timesteps, n_features)
    """
    if sp.issparse(X):
        raise TypeError(
            f"Sparse data was passed to {_name(estimator)}, but dense data is "
            "required: convert it with X.toarray()."
        )
    if isinstance(X, pd.Series):
        raise ValueError(
            f"{_name(estimator)} got a pandas Series (1-D). Sequences are 2-D "
            "(n_samples, n_timesteps) or 3-D (n_samples, n_timesteps, n_features); "
            "turn a single series into windows with skseq.SlidingWindows or "
            "skseq.make_supervised."
        )
    if _is_ragged_list(X):
        return _pad_list(X, estimator)
    if isinstance(X, pd.DataFrame):
        X = X.to_numpy()
    elif not isinstance(X, np.ndarray):
        X = np.asarray(X)  # lists, memmaps' wrappers, objects with __array__
    ndim = X.ndim
    if ndim == 1 and X.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 "
            f"is required by {_name(estimator)}."
        )
    if ndim == 1:
        raise ValueError(
            f"Expected 2-D (n_samples, n_timesteps) or 3-D (n_samples, "
            f"n_timesteps, n_features) input for {_name(estimator)}, got a 1-D "
            "array. Reshape your data: X.reshape(1, -1) for one univariate "
            "sequence, or "
            "make windows from a series with skseq.SlidingWindows."
        )
    if ndim not in (2, 3):
        raise ValueError(
            f"Expected 2-D or 3-D input for {_name(estimator)}, got {ndim}-D "
            f"input of shape {np.shape(X)}. The layout is (n_samples, "
            "n_timesteps, n_features)."
        )
    if not (
        type(X) is np.ndarray
        and X.dtype.kind == "f"
        and X.shape[0] > 0
        and X.shape[1] > 0
    ):
        # A non-empty float ndarray is what check_array would return as is;
        # everything else goes through it (conversion and its errors).
        X = check_array(
            X,
            accept_sparse=False,
            dtype="numeric",
            ensure_all_finite=False,
            allow_nd=True,
            copy=False,
            estimator=estimator if not isinstance(estimator, str) else None,
        )
    if X.ndim == 2:
        X = X[:, :, None]
    if X.shape[2] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of "
            "1 is required."
        )
    return X


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _check_float32_range(block: np.ndarray, offset: int, estimator) -> None:
    """Reject finite values that overflow float32 (they would become inf)."""
    if block.dtype.kind != "f" or block.dtype.itemsize <= 4:
        return
    with np.errstate(invalid="ignore"):
        high, low = np.nanmax(block), np.nanmin(block)
    if not (high > _FLOAT32_MAX or low < -_FLOAT32_MAX):
        return
    with np.errstate(invalid="ignore"):
        i, t, f = np.argwhere(np.abs(block) > _FLOAT32_MAX)[0]
    raise ValueError(
        f"Input X holds {block[i, t, f]:.3g} (sample {offset + i}, time step {t}, "
        f"feature {f}), beyond the float32 range (+-{_FLOAT32_MAX:.3g}) that "
        f"{_name(estimator)} computes in. Scale the data first, e.g. with "
        "skseq.SequenceScaler in a Pipeline, or divide by a constant or take "
        "logarithms."
    )


def _check_chunk(
    block: np.ndarray, offset: int, lengths: np.ndarray, estimator, float32: bool
):
    """Fill ``lengths`` for one chunk and reject misplaced NaN and inf."""
    n, T, _ = block.shape
    if block.dtype.kind not in "fc":
        lengths[offset : offset + n] = T
        return
    # min and max are NaN or inf exactly when some value is: two reductions
    # without a temporary the size of the chunk.
    if np.isfinite(block.min()) and np.isfinite(block.max()):
        if float32:
            _check_float32_range(block, offset, estimator)
        lengths[offset : offset + n] = T
        return
    finite = np.isfinite(block)
    if np.isinf(block).any():
        i, t, f = np.argwhere(np.isinf(block))[0]
        raise ValueError(
            f"Input X contains infinity (sample {offset + i}, time step {t}, "
            f"feature {f}) for {_name(estimator)}. Replace or clip infinite "
            "values before fitting or predicting."
        )
    nan_row = ~finite.any(axis=2)  # time steps where every feature is NaN
    lead = np.argmin(nan_row, axis=1)  # first observed time step
    empty = nan_row.all(axis=1)
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise ValueError(
            f"Input X sample {offset + i} is all NaN for {_name(estimator)}: a "
            "sequence needs at least one observed time step. Drop such samples "
            "(for SlidingWindows output, windows are never empty)."
        )
    missing = ~finite.all(axis=2)
    missing &= np.arange(T)[None, :] >= lead[:, None]
    if missing.any():
        i, t = np.argwhere(missing)[0]
        raise ValueError(
            f"Input X contains NaN for {_name(estimator)} at sample {offset + i}, "
            f"time step {t}, which is not front padding. NaN is only allowed as "
            "whole rows (all features) at the start of a sequence, where it marks "
            "a shorter sequence. Impute missing values first, e.g. with "
            "pandas' ffill() on the series or sklearn.impute.SimpleImputer."
        )
    if float32:
        _check_float32_range(block, offset, estimator)
    lengths[offset : offset + n] = T - lead


def check_sequences(X, *, estimator=None, float32: bool = False) -> Sequences:
    """Validate sequence input and find the length of every sequence.

    Parameters
    ----------
    X : array-like, DataFrame or list of 2-D arrays
        3-D ``(n_samples, n_timesteps, n_features)``, 2-D univariate
        ``(n_samples, n_timesteps)``, or a list of 2-D sequences.
    estimator : estimator instance or str, optional
        Used in error messages.
    float32 : bool, default=False
        Also refuse values beyond the float32 range (about +-3.4e38), which
        would turn into inf for an estimator computing in float32. Checked
        chunk by chunk, like everything else: a window view is never copied.

    Returns
    -------
    Sequences
        The 3-D data (a view of ``X`` where possible) and the lengths.

    Raises
    ------
    ValueError
        For empty input, a wrong number of dimensions, inf anywhere, NaN that
        is not front padding, a sequence without any observed step, or (with
        ``float32``) a value that overflows float32.
    """
    X = as_3d(X, estimator=estimator)
    n, T, F = X.shape
    if T == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape[:2]}) while a "
            "minimum of 1 is required: each sequence needs at least one time step."
        )
    lengths = np.empty(n, dtype=np.int64)
    chunk = max(1, _CHUNK_ELEMENTS // max(1, T * F))
    for start in range(0, n, chunk):
        _check_chunk(X[start : start + chunk], start, lengths, estimator, float32)
    return Sequences(X=X, lengths=lengths)


def check_n_features(seqs: Sequences, n_features_in: int, estimator) -> None:
    """Raise if the number of features per time step differs from fit."""
    if seqs.n_features != n_features_in:
        raise ValueError(
            f"X has {seqs.n_features} features per time step, but "
            f"{_name(estimator)} is expecting {n_features_in} features as input "
            "(the count seen in fit). Pass the same columns, in the same order, "
            "as when fitting."
        )


def check_target(y, n_samples: int, *, estimator=None, numeric: bool = True):
    """Validate a target against the number of samples.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    n_samples : int
        Number of samples in X.
    estimator : estimator instance or str, optional
        Used in error messages.
    numeric : bool, default=True
        Require a finite numeric target (regression).

    Returns
    -------
    ndarray
        ``y`` as an array (1-D or 2-D).
    """
    if y is None:
        raise ValueError(
            f"{_name(estimator)} requires y to be passed, but the target y is None."
        )
    if sp.issparse(y):
        raise TypeError("A sparse target y is not supported; pass a dense array.")
    y_arr = np.asarray(y.to_numpy() if isinstance(y, (pd.Series, pd.DataFrame)) else y)
    if y_arr.ndim == 0 or y_arr.ndim > 2:
        raise ValueError(
            f"y must be 1-D (n_samples,) or 2-D (n_samples, n_outputs), got shape "
            f"{y_arr.shape}."
        )
    if y_arr.shape[0] != n_samples:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: X has {n_samples} "
            f"and y has {y_arr.shape[0]}. Align them, e.g. with "
            "skseq.make_supervised, which drops rows without a full target."
        )
    check_consistent_length(np.empty(n_samples), y_arr)
    if numeric:
        if y_arr.dtype.kind not in "biuf":
            try:
                y_arr = y_arr.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"y must be numeric for {_name(estimator)}, got dtype "
                    f"{y_arr.dtype}."
                ) from exc
        if y_arr.ndim == 2 and y_arr.shape[1] == 0:
            raise ValueError("y has 0 output columns; it needs at least one.")
        if not np.isfinite(y_arr).all():
            kind = "NaN" if np.isnan(y_arr).any() else "infinity"
            raise ValueError(
                f"Input y contains {kind} for {_name(estimator)}. Drop those "
                "samples or fill the target first; make_supervised drops rows "
                "whose future target is missing."
            )
    return y_arr
