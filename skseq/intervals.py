"""Quantile and interval forecasts from any skseq regressor (or a Pipeline).

Probabilistic estimators in skseq (the recurrent regressors with
``loss="quantile"``, ``"gaussian"`` or ``"student_t"``, the baselines, and
:class:`skseq.conformal.ConformalRegressor`) have two methods besides
``predict``:

* ``predict_quantiles(X, quantiles=None)``: shape ``(n_samples, n_quantiles)``
  when ``y`` was 1-D in ``fit``, ``(n_samples, horizon, n_quantiles)`` when it
  was 2-D (one column per horizon step);
* ``predict_interval(X, coverage=0.8)``: ``(lower, upper)``, each of the shape
  ``predict`` returns, the central interval between the quantiles
  ``(1 - coverage) / 2`` and ``(1 + coverage) / 2``.

scikit-learn's ``Pipeline`` does not pass these methods on, so the functions
:func:`predict_quantiles` and :func:`predict_interval` here take an estimator
*or a Pipeline ending in one*, run ``X`` through the pipeline's transformers
and ask its last step.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

__all__ = [
    "check_coverage",
    "check_quantiles",
    "interpolate_quantiles",
    "interval_levels",
    "predict_interval",
    "predict_quantiles",
]


def check_quantiles(quantiles: Any, name: str = "quantiles") -> np.ndarray:
    """Validate quantile levels: a non-empty 1-D sequence of distinct floats in (0, 1).

    Returns
    -------
    ndarray of float64
        The levels sorted increasingly (the input is not modified).
    """
    try:
        levels = np.array(quantiles, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a sequence of floats in (0, 1), got {quantiles!r}."
        ) from exc
    if np.ndim(quantiles) > 1 or levels.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of levels in (0, 1), e.g. "
            f"(0.1, 0.5, 0.9); got {quantiles!r}."
        )
    if not np.all((levels > 0) & (levels < 1)):
        raise ValueError(
            f"{name} must lie strictly between 0 and 1 (e.g. 0.1 for the 10 % "
            f"quantile, not 10); got {quantiles!r}."
        )
    levels = np.sort(levels)
    if np.any(np.diff(levels) == 0):
        raise ValueError(f"{name} must be distinct, got {quantiles!r}.")
    return levels


def check_coverage(coverage: Any) -> float:
    """Validate a nominal coverage in (0, 1), e.g. 0.8 for an 80 % interval."""
    if isinstance(coverage, bool) or not isinstance(coverage, (int, float, np.number)):
        raise TypeError(f"coverage must be a float in (0, 1), got {coverage!r}.")
    coverage = float(coverage)
    if not 0 < coverage < 1:
        raise ValueError(
            f"coverage must lie strictly between 0 and 1 (0.8 for an 80 % "
            f"interval), got {coverage!r}."
        )
    return coverage


def interval_levels(coverage: float) -> tuple[float, float]:
    """Quantile levels of the central interval: ``((1 - c) / 2, (1 + c) / 2)``."""
    coverage = check_coverage(coverage)
    return (1 - coverage) / 2, (1 + coverage) / 2


def interpolate_quantiles(
    values: np.ndarray, levels: np.ndarray, targets: np.ndarray
) -> np.ndarray:
    """Quantiles at ``targets`` by linear interpolation between known levels.

    Parameters
    ----------
    values : ndarray of shape (..., n_levels)
        Non-decreasing quantiles at ``levels`` along the last axis.
    levels : ndarray of shape (n_levels,)
        Increasing levels.
    targets : ndarray of shape (n_targets,)
        Levels wanted; each must lie in ``[levels[0], levels[-1]]``.

    Returns
    -------
    ndarray of shape (..., n_targets)
    """
    levels, targets = np.asarray(levels), np.asarray(targets)
    tol = 1e-12
    outside = (targets < levels[0] - tol) | (targets > levels[-1] + tol)
    if outside.any():
        raise ValueError(
            f"Quantile levels {targets[outside].tolist()} lie outside the levels "
            f"the model learned ({levels.tolist()}); it cannot extrapolate its "
            "tails. Train with quantiles that include them (e.g. "
            "quantiles=(0.05, 0.1, 0.5, 0.9, 0.95)), or use a parametric loss "
            "('gaussian', 'student_t') or skseq.conformal.ConformalRegressor."
        )
    if len(levels) == 1:
        return np.repeat(values, len(targets), axis=-1)
    upper = np.clip(np.searchsorted(levels, targets, side="left"), 1, len(levels) - 1)
    lower = upper - 1
    weight = (targets - levels[lower]) / (levels[upper] - levels[lower])
    weight = np.clip(weight, 0.0, 1.0)
    return values[..., lower] * (1 - weight) + values[..., upper] * weight


def _final_step(estimator: Any, X: Any, method: str) -> tuple[Any, Any]:
    """The estimator that has ``method`` and the X it should see."""
    while isinstance(estimator, Pipeline) and not hasattr(estimator, method):
        if len(estimator.steps) > 1:
            X = estimator[:-1].transform(X)
        estimator = estimator.steps[-1][1]
    if not hasattr(estimator, method):
        raise TypeError(
            f"{type(estimator).__name__} has no {method}(): it gives point "
            "forecasts only. Train a recurrent regressor with loss='quantile', "
            "'gaussian' or 'student_t', use a baseline from skseq.baselines, or "
            "wrap any regressor in skseq.conformal.ConformalRegressor."
        )
    return estimator, X


def predict_quantiles(estimator: Any, X: Any, quantiles: Any = None) -> np.ndarray:
    """Quantile forecasts from an estimator or a Pipeline ending in one.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
        Must have (or end in a step that has) ``predict_quantiles``.
    X : array-like
        Input of ``estimator.predict``.
    quantiles : sequence of float, optional
        Levels in (0, 1); the estimator's default levels when None.

    Returns
    -------
    ndarray of shape (n_samples, n_quantiles) or (n_samples, horizon, n_quantiles)
    """
    final, Xt = _final_step(estimator, X, "predict_quantiles")
    return final.predict_quantiles(Xt, quantiles=quantiles)


def predict_interval(
    estimator: Any, X: Any, coverage: float = 0.8
) -> tuple[np.ndarray, np.ndarray]:
    """Central prediction interval from an estimator or a Pipeline ending in one.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
        Must have (or end in a step that has) ``predict_interval``.
    X : array-like
        Input of ``estimator.predict``.
    coverage : float, default=0.8
        Nominal coverage in (0, 1).

    Returns
    -------
    lower, upper : ndarray, each of the shape ``predict`` returns
    """
    final, Xt = _final_step(estimator, X, "predict_interval")
    return final.predict_interval(Xt, coverage=coverage)
