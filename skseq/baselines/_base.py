"""Shared plumbing of the baseline regressors: validation, shapes, series."""

from __future__ import annotations

import abc
import contextlib
import numbers
import warnings
from typing import Any

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_sample_weight, check_is_fitted
from threadpoolctl import threadpool_limits

from skseq.base import SequenceEstimatorMixin
from skseq.utils.validation import check_target

__all__ = ["BaseWindowForecaster", "series_from_windows"]

# Windows are handled in chunks of about this many values (16 MB of float64),
# so a strided SlidingWindows view is never materialised in full.
_CHUNK_ELEMENTS = 2_000_000

#: ``target_index`` of every baseline: a feature column, negatives allowed.
TARGET_INDEX_CONSTRAINT = [Interval(numbers.Integral, None, None, closed="neither")]


def _target_column(target_index: Any, n_features: int, owner: str) -> int:
    """Normalise ``target_index`` (Python indexing, negatives allowed)."""
    if not -n_features <= target_index < n_features:
        raise ValueError(
            f"{owner}: target_index={target_index} is out of range for X with "
            f"{n_features} feature(s) per time step."
        )
    return int(target_index) % n_features


def _one_blas_thread():
    """Single-threaded BLAS: statsmodels' fit and the filters multiply tiny
    matrices, where BLAS threads only add overhead (3-8x slower measured with
    OpenBLAS on 2 cores, far worse when the cores are busy)."""
    return threadpool_limits(limits=1, user_api="blas")


def series_from_windows(
    z: np.ndarray, lengths: np.ndarray
) -> tuple[list[np.ndarray], bool]:
    """Rebuild the series that consecutive sliding windows were cut from.

    Window ``i + 1`` continues window ``i`` when it equals window ``i``
    shifted by one step (the output of :class:`skseq.SlidingWindows` or
    :func:`skseq.make_supervised`, and any contiguous slice of it, such as a
    ``TimeSeriesSplit`` training fold). A run of such windows is turned back
    into its series: the observed part of the first window followed by the
    last value of every later window.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_timesteps)
        The target column of the windows, NaN for front padding.
    lengths : ndarray of shape (n_samples,)
        Observed length of each window.

    Returns
    -------
    stretches : list of ndarray
        One 1-D float64 series per run of consecutive windows, in order.
    consecutive : bool
        True when all windows form one run (a single series).
    """
    n, T = z.shape
    breaks = [np.empty(0, dtype=np.intp)]
    if T > 1:
        step = _chunk_rows(T)
        for a in range(0, n - 1, step):
            block = np.asarray(z[a : min(a + step, n - 1) + 1], dtype=np.float64)
            prev, nxt = block[:-1, 1:], block[1:, :-1]
            same = (prev == nxt) | (np.isnan(prev) & np.isnan(nxt))
            breaks.append(np.flatnonzero(~same.all(axis=1)) + a + 1)
    bounds = np.concatenate([[0], *breaks, [n]])
    last = np.asarray(z[:, -1], dtype=np.float64)
    stretches = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        first = np.asarray(z[a, T - lengths[a] :], dtype=np.float64)
        stretches.append(np.concatenate([first, last[a + 1 : b]]))
    return stretches, len(stretches) == 1


def _chunk_rows(n_timesteps: int) -> int:
    """Windows per chunk, so that a float64 chunk stays near 16 MB."""
    return max(1, _CHUNK_ELEMENTS // max(1, n_timesteps))


class BaseWindowForecaster(
    SequenceEstimatorMixin, RegressorMixin, BaseEstimator, abc.ABC
):
    """Base class: forecast the target column of each window.

    Subclasses implement ``_forecast(z, lengths, horizon) -> ndarray
    (n_samples, horizon)``, where ``z`` is a float64 chunk of the target
    column ``(n_samples, n_timesteps)`` with NaN front padding and ``lengths``
    the observed length of every window; baselines with ``_learns = True``
    also implement ``_fit_series(z, lengths)``, which gets the whole target
    column as a view (read it in chunks, e.g. with ``_training_series``).
    Parameters are declared in ``_parameter_constraints`` and validated once
    at the start of ``fit`` (an ``InvalidParameterError`` naming the
    parameter); checks that need the data go in
    ``_validate_hyperparameters``.
    """

    _parameter_constraints: dict = {"target_index": TARGET_INDEX_CONSTRAINT}

    #: whether the baseline estimates anything from the training data
    _learns = False

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BaseWindowForecaster:
        """Validate the windows and the target; fit the model if it has one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
            Windows, oldest time step first; 2-D input is univariate. Rows of
            NaN at the start of a window are front padding.
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            The next value, or one column per horizon step ``t+1 .. t+h``.
            Only its shape is used by the simple baselines: ``predict``
            returns the same shape.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative window weights. The naive, seasonal naive, drift and
            mean forecasts estimate nothing from the training windows (each
            forecast uses its own window only), so weights are validated and
            have no effect. ARIMA and exponential smoothing drop the windows
            of weight 0 before rebuilding the training series; statsmodels'
            likelihoods have no observation weights, so unequal positive
            weights raise ``ValueError`` (for time-decay weighting, fit on
            the newest windows instead).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        seqs = self._validate_sequences(X, reset=True)
        y_arr = check_target(y, seqs.n_samples, estimator=self)
        col = _target_column(self.target_index, seqs.n_features, type(self).__name__)
        self._validate_hyperparameters(seqs.n_timesteps)
        self._y_is_1d = y_arr.ndim == 1
        self.n_outputs_ = 1 if y_arr.ndim == 1 else int(y_arr.shape[1])
        rows = (
            self._weighted_rows(sample_weight, seqs) if self._learns else slice(None)
        )
        if self._learns:
            with _one_blas_thread():
                self._fit_series(seqs.X[rows, :, col], seqs.lengths[rows])
        elif sample_weight is not None:
            _check_sample_weight(sample_weight, seqs.X, ensure_non_negative=True)
        self._fit_residual_scale(seqs.X[rows, :, col], seqs.lengths[rows])
        return self

    def _weighted_rows(self, sample_weight: Any, seqs) -> Any:
        """The training windows kept by ``sample_weight`` (a slice if possible)."""
        if sample_weight is None:
            return slice(None)
        weights = _check_sample_weight(
            sample_weight, seqs.X, dtype=np.float64, ensure_non_negative=True
        )
        positive = weights[weights > 0]
        if np.ptp(positive) > 1e-12 * positive.max():
            raise ValueError(
                f"{type(self).__name__} cannot weight windows unequally: "
                "statsmodels' likelihood has no observation weights. Only weights "
                "of 0 (drop a window) and equal positive weights are accepted; "
                "for time-decay weighting fit on the newest windows instead "
                "(e.g. X[-n:], y[-n:])."
            )
        kept = np.flatnonzero(weights > 0)
        if kept[-1] - kept[0] == len(kept) - 1:
            return slice(int(kept[0]), int(kept[-1]) + 1)  # keeps a view
        return kept

    def predict(self, X: Any) -> np.ndarray:
        """Forecast the target column of every window.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
            Windows, as in :meth:`fit` (the length may differ from fit).

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, horizon)
            The forecasts, in the shape ``y`` had in :meth:`fit`.
        """
        pred = self._per_window(X, self._forecast)
        return pred[:, 0] if self._y_is_1d else pred

    def _per_window(self, X: Any, compute) -> np.ndarray:
        """Validate X and run ``compute(z, lengths, horizon)`` chunk by chunk."""
        check_is_fitted(self)
        seqs = self._validate_sequences(X, reset=False)
        col = _target_column(self.target_index, seqs.n_features, type(self).__name__)
        self._validate_hyperparameters(seqs.n_timesteps)
        view = seqs.X[:, :, col]
        n, T = view.shape
        pred = np.empty((n, self.n_outputs_))
        step = _chunk_rows(T)
        with _one_blas_thread() if self._learns else contextlib.nullcontext():
            for a in range(0, n, step):
                z = np.asarray(view[a : a + step], dtype=np.float64)
                pred[a : a + step] = compute(
                    z, seqs.lengths[a : a + step], self.n_outputs_
                )
        return pred

    # -- intervals -----------------------------------------------------------
    def _quantile_table(self, X: Any, levels: np.ndarray) -> np.ndarray:
        """Gaussian quantiles around the forecast, (n_samples, horizon, n_levels)."""
        point = self._per_window(X, self._forecast)
        std = self._per_window(X, self._forecast_std)
        return point[:, :, None] + std[:, :, None] * stats.norm.ppf(levels)

    def predict_quantiles(self, X: Any, quantiles: Any = (0.1, 0.5, 0.9)) -> np.ndarray:
        """Quantiles of the forecast distribution of every window.

        The forecast errors are taken as normal with the standard deviation
        of the method (see the class's Notes), centred on ``predict``.

        Parameters
        ----------
        X : array-like, as in :meth:`predict`
        quantiles : sequence of float, default=(0.1, 0.5, 0.9)
            Levels in (0, 1); None means the default.

        Returns
        -------
        ndarray of shape (n_samples, n_quantiles) if ``y`` was 1-D in \
:meth:`fit`, else (n_samples, horizon, n_quantiles)
        """
        from skseq.intervals import check_quantiles

        levels = check_quantiles((0.1, 0.5, 0.9) if quantiles is None else quantiles)
        table = self._quantile_table(X, levels)
        return table[:, 0] if self._y_is_1d else table

    def predict_interval(
        self, X: Any, coverage: float = 0.8
    ) -> tuple[np.ndarray, np.ndarray]:
        """Central prediction interval of every window's forecast.

        Parameters
        ----------
        X : array-like, as in :meth:`predict`
        coverage : float, default=0.8
            Nominal coverage in (0, 1).

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,) or (n_samples, horizon)
        """
        from skseq.intervals import interval_levels

        table = self._quantile_table(X, np.array(interval_levels(coverage)))
        lower, upper = table[..., 0], table[..., 1]
        if self._y_is_1d:
            return lower[:, 0], upper[:, 0]
        return lower, upper

    # -- hooks ---------------------------------------------------------------
    def _validate_hyperparameters(self, n_timesteps: int) -> None:
        """Raise for parameters that do not suit the data (fit and predict)."""

    def _fit_series(self, z: np.ndarray, lengths: np.ndarray) -> None:
        """Estimate parameters on the training windows' target column.

        Called only when ``_learns`` is true; baselines that learn nothing
        keep this default, which does nothing.
        """

    def _fit_residual_scale(self, z: np.ndarray, lengths: np.ndarray) -> None:
        """Estimate what ``_forecast_std`` needs (simple baselines: the
        in-sample one-step residual standard deviation); a no-op by default."""

    @abc.abstractmethod
    def _forecast_std(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        """Standard deviations of the forecast errors, (n_windows, horizon)."""

    @abc.abstractmethod
    def _forecast(self, z: np.ndarray, lengths: np.ndarray, horizon: int) -> np.ndarray:
        """Forecasts of shape (n_windows, horizon) for target columns ``z``."""

    def _training_series(self, z: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The training series rebuilt from the windows (warns if not one run)."""
        stretches, consecutive = series_from_windows(z, lengths)
        if not consecutive:
            warnings.warn(
                f"{type(self).__name__}: the {z.shape[0]} training windows do not "
                f"form one series (found {len(stretches)} runs of consecutive "
                "windows, each shifted by one step from the previous one). The "
                "model is fitted on the runs joined end to end. Pass windows in "
                "time order from one series, e.g. skseq.SlidingWindows output "
                "split with TimeSeriesSplit.",
                UserWarning,
                stacklevel=3,
            )
        return np.concatenate(stretches)

    def __sklearn_tags__(self):
        # 3-D input and NaN only as front padding: skseq.base's conventions.
        tags = super().__sklearn_tags__()
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = True
        # Forecasts of the target column: no mapping from arbitrary features
        # to y is learnt, so sklearn's score > 0.5 sanity check does not apply.
        tags.regressor_tags.poor_score = True
        return tags


def last_observed(z: np.ndarray) -> np.ndarray:
    """Last value of every window (always observed: padding is at the front)."""
    return z[:, -1]


def pooled_residual_std(
    z: np.ndarray, lengths: np.ndarray, residuals, dof: int = 0
) -> float:
    """Root mean square of in-window residuals pooled over all windows.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_timesteps)
        Target column of the training windows (may be a view; read in chunks).
    lengths : ndarray of shape (n_samples,)
    residuals : callable
        ``residuals(chunk) -> ndarray`` of residuals, NaN where undefined
        (padding, too little history).
    dof : int, default=0
        Parameters estimated per window, subtracted from each window's
        number of residuals (1 for the drift's slope, the mean's mean).

    Returns
    -------
    float
        The pooled residual standard deviation (0.0 when there are none).
    """
    total, count = 0.0, 0
    step = _chunk_rows(z.shape[1])
    for a in range(0, z.shape[0], step):
        r = residuals(np.asarray(z[a : a + step], dtype=np.float64))
        ok = ~np.isnan(r)
        total += float(np.sum(np.where(ok, r, 0.0) ** 2))
        count += int(np.sum(np.maximum(ok.sum(axis=1) - dof, 0)))
    return float(np.sqrt(total / count)) if count > 0 else 0.0


def first_observed(z: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """First observed value of every window."""
    return z[np.arange(z.shape[0]), z.shape[1] - lengths]


def left_align(z: np.ndarray, lengths: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """Move each window's observed values to the start, pad the end with ``fill``."""
    n, T = z.shape
    start = T - lengths
    idx = start[:, None] + np.arange(T)[None, :]
    out = np.take_along_axis(z, np.minimum(idx, T - 1), axis=1)
    out[idx >= T] = fill
    return out
