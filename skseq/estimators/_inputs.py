"""What the estimators learn about their inputs before training a network.

Per-feature training statistics (for ``normalize="global"``, the floor of
window scales and the warning about large unscaled input), the category
codes of ``categorical_features`` and the checks made on them at predict.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..nn.normalization import default_embedding_dim
from ..windows import window_moments

# Largest magnitude (|mean| + std) of an input feature that a recurrent
# network is fed unnormalised without a warning.
LARGE_INPUT = 10.0


def resolve_columns(columns, n_features: int, name: str, estimator) -> list[int]:
    """Feature column indices (negative ones count from the end), checked."""
    if columns is None:
        return []
    values = np.atleast_1d(np.asarray(columns))
    if values.dtype.kind == "b":
        if len(values) != n_features:
            raise ValueError(
                f"{name} as a boolean mask must have one entry per feature "
                f"({n_features}), got {len(values)}."
            )
        return [int(i) for i in np.flatnonzero(values)]
    if values.dtype.kind not in "iu":
        raise ValueError(
            f"{name} must hold integer feature indices (or a boolean mask) of "
            f"{type(estimator).__name__}'s input, got {columns!r}."
        )
    out = []
    for v in values.tolist():
        if not -n_features <= v < n_features:
            raise ValueError(
                f"{name} index {v} is out of range for input with {n_features} "
                "features per time step."
            )
        out.append(v % n_features)
    if len(set(out)) != len(out):
        raise ValueError(f"{name} lists a feature twice: {columns!r}.")
    return sorted(out)


def _distinct_rows(X: np.ndarray) -> np.ndarray:
    """The rows of ``(n, T, F)`` windows as one 2-D array, without copies
    of overlapping windows when ``X`` is a sliding-window view."""
    n, T, F = X.shape
    if n >= 2 and T >= 2 and X.strides[0] == X.strides[1] and X.strides[0] != 0:
        return as_strided(
            X,
            shape=(n + T - 1, F),
            strides=(X.strides[0], X.strides[2]),
            writeable=False,
        )
    return X.reshape(-1, F)


def category_codes(X: np.ndarray, columns: list[int], estimator) -> list[np.ndarray]:
    """Sorted distinct codes of each categorical column (padding ignored).

    Raises a ValueError when a column holds anything but non-negative
    integer codes.
    """
    rows = _distinct_rows(X)
    codes = []
    for c in columns:
        values = np.asarray(rows[:, c], dtype=np.float64)
        values = values[~np.isnan(values)]
        distinct = np.unique(values)
        bad = distinct[(distinct < 0) | (distinct != np.round(distinct))]
        if len(bad):
            raise ValueError(
                f"categorical feature {c} of {type(estimator).__name__} must hold "
                f"non-negative integer codes, found {bad[:5].tolist()}. Encode "
                "the categories first (e.g. sklearn's OrdinalEncoder, or "
                "pandas' .cat.codes)."
            )
        codes.append(distinct.astype(np.int64))
    return codes


def check_known_codes(X: np.ndarray, columns: list[int], known: list, estimator):
    """Raise a ValueError naming any code not seen in ``fit``."""
    for c, seen, found in zip(
        columns, known, category_codes(X, columns, estimator), strict=True
    ):
        unseen = np.setdiff1d(found, seen)
        if len(unseen):
            raise ValueError(
                f"categorical feature {c} holds codes {unseen[:10].tolist()} that "
                f"{type(estimator).__name__} did not see in fit (it knows "
                f"{len(seen)} codes); an unseen category has no trained "
                "embedding. Refit with data that contains it, or map it to a "
                "known code."
            )


def embedding_widths(n_categories: list[int], embedding_dim) -> list[int]:
    """One embedding width per categorical column."""
    if embedding_dim is None:
        return [default_embedding_dim(n) for n in n_categories]
    return [int(embedding_dim)] * len(n_categories)


def feature_statistics(
    X: np.ndarray, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and standard deviation over observed steps.

    With ``sample_weight``, every observed step of a sequence counts with its
    sequence's weight (read in chunks, so a window view is never copied).
    """
    if sample_weight is None:
        # SequenceScaler's statistics, without validating X a second time.
        moments = window_moments(X)
        return moments.mean.astype(np.float64), np.sqrt(moments.var)
    n_features = X.shape[2]
    total = np.zeros(n_features)
    first = np.zeros(n_features)
    second = np.zeros(n_features)
    chunk = max(1, 2_000_000 // max(1, X.shape[1] * n_features))
    for start in range(0, len(X), chunk):
        block = np.asarray(X[start : start + chunk], dtype=np.float64)
        weights = np.asarray(sample_weight[start : start + chunk], np.float64)
        observed = ~np.isnan(block)
        w = np.where(observed, weights[:, None, None], 0.0)
        values = np.where(observed, block, 0.0)
        total += w.sum(axis=(0, 1))
        first += (w * values).sum(axis=(0, 1))
        second += (w * values**2).sum(axis=(0, 1))
    mean = first / np.maximum(total, np.finfo(float).tiny)
    var = np.maximum(second / np.maximum(total, np.finfo(float).tiny) - mean**2, 0.0)
    return mean, np.sqrt(var)


def change_scale(
    X: np.ndarray, column: int, sample_weight: np.ndarray | None = None
) -> float:
    """Standard deviation of one column's one-step changes within the windows.

    The changes ``X[:, s + 1, column] - X[:, s, column]`` over observed steps
    (front padding, NaN, is skipped), weighted by each window's
    ``sample_weight``; read in chunks, so a window view is never copied
    whole. 0.0 when no window has two observed steps.
    """
    total = first = second = 0.0
    chunk = max(1, 2_000_000 // max(1, X.shape[1]))
    for start in range(0, len(X), chunk):
        block = np.asarray(X[start : start + chunk, :, column], dtype=np.float64)
        change = np.diff(block, axis=1)
        observed = ~np.isnan(change)
        if sample_weight is None:
            w = observed.astype(np.float64)
        else:
            weights = np.asarray(sample_weight[start : start + chunk], np.float64)
            w = np.where(observed, weights[:, None], 0.0)
        values = np.where(observed, change, 0.0)
        total += float(w.sum())
        first += float((w * values).sum())
        second += float((w * values**2).sum())
    if total <= 0:
        return 0.0
    mean = first / total
    return float(np.sqrt(max(second / total - mean**2, 0.0)))


def warn_large_inputs(mean, std, continuous: list[int], estimator) -> None:
    """Warn when unnormalised continuous inputs are far from unit scale."""
    size = np.abs(mean) + std
    large = [c for c in continuous if size[c] > LARGE_INPUT]
    if large:
        warnings.warn(
            f"{type(estimator).__name__} has normalize=None but input features "
            f"{large} reach magnitudes around {size[large].max():.3g}; saturating "
            "units then learn slowly or not at all. Use normalize='window' or "
            "'global', or put a SequenceScaler in front.",
            UserWarning,
            stacklevel=5,
        )


def warn_target_units(x_mean, x_std, y_mean, y_std, target_index, estimator):
    """Warn when the target column of the windows is not in the units of y.

    ``normalize="window"`` maps the outputs back with the window statistics
    of that column, which is only right when it is the target series itself
    (e.g. not standardised by a scaler in front of the network).
    """
    spread = max(x_std, y_std, 1e-12)
    ratio = (y_std + 1e-12) / (x_std + 1e-12)
    if abs(x_mean - y_mean) > 3 * spread or not 0.25 <= ratio <= 4:
        warnings.warn(
            f"{type(estimator).__name__} has normalize='window': its outputs are "
            f"mapped back with the window statistics of feature "
            f"target_index={target_index}, but that feature (mean {x_mean:.3g}, "
            f"std {x_std:.3g}) does not look like y (mean {y_mean:.3g}, std "
            f"{y_std:.3g}). Set target_index to the target's column, feed it "
            "unscaled (the network normalises itself; drop a SequenceScaler in "
            "front), or use normalize='global'.",
            UserWarning,
            stacklevel=7,
        )
