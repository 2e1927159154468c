"""Naive, seasonal naive, drift and mean forecasts of each window."""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import (
    TARGET_INDEX_CONSTRAINT,
    BaseWindowForecaster,
    first_observed,
    last_observed,
    pooled_residual_std,
    series_from_windows,
)

__all__ = [
    "DriftRegressor",
    "MeanRegressor",
    "NaiveRegressor",
    "SeasonalNaiveRegressor",
]


class NaiveRegressor(BaseWindowForecaster):
    """Random-walk forecast: the last observed value, for every horizon step.

    ``y_hat[t + h] = y[t]`` for ``h = 1 .. horizon``.

    Parameters
    ----------
    target_index : int, default=0
        Feature column of ``X`` that holds the series to forecast.

    Attributes
    ----------
    n_features_in_ : int
        Number of features per time step seen in ``fit`` (``X.shape[2]``;
        1 for 2-D input).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features per time step, only when ``X`` was a panel (a
        list of DataFrames with the same string columns).
    n_outputs_ : int
        Number of horizon steps: columns of ``y`` (1 for 1-D ``y``);
        ``predict`` returns ``y``'s shape.
    residual_std_ : float
        Root mean square of the one-step changes of the training series
        (rebuilt from the windows); scales the intervals. NaN when no
        window has two observed values.

    Notes
    -----
    **Intervals** (``predict_quantiles``, ``predict_interval``): normal
    forecast errors with standard deviation ``sigma * sqrt(h)`` at step
    ``h`` (a random walk), ``sigma = residual_std_`` (Hyndman and
    Athanasopoulos, *Forecasting: Principles and Practice*, sec. 5.5).

    See Also
    --------
    SeasonalNaiveRegressor, DriftRegressor, MeanRegressor

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.baselines import NaiveRegressor
    >>> X = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 5.0]])
    >>> NaiveRegressor().fit(X, [5.0, 8.0]).predict(X)
    array([3., 5.])
    """

    def __init__(self, target_index: int = 0) -> None:
        self.target_index = target_index

    def _forecast(self, z: np.ndarray, lengths: np.ndarray, horizon: int) -> np.ndarray:
        return np.repeat(last_observed(z)[:, None], horizon, axis=1)

    def _fit_residual_scale(self, z: np.ndarray, lengths: np.ndarray) -> None:
        self.residual_std_ = _lag_residual_std(z, lengths, 1)

    def _forecast_std(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        h = np.arange(1, horizon + 1)
        return np.broadcast_to(self.residual_std_ * np.sqrt(h), (z.shape[0], horizon))


class SeasonalNaiveRegressor(BaseWindowForecaster):
    """Seasonal naive forecast: the value one season back.

    For horizon step ``h`` the forecast is the observed value at
    ``t + h - season * ceil(h / season)``, the latest value in the same phase
    of the season (``season=7`` for daily data with a weekly cycle, 24 for
    hourly data, 5 for business days).

    Parameters
    ----------
    season : int, default=1
        Season length in time steps. ``season=1`` is the naive forecast.
    target_index : int, default=0
        Feature column of ``X`` that holds the series to forecast.

    Attributes
    ----------
    n_features_in_ : int
        Number of features per time step seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features per time step, only when ``X`` was a panel (a
        list of DataFrames with the same string columns).
    n_outputs_ : int
        Number of horizon steps: columns of ``y`` (1 for 1-D ``y``);
        ``predict`` returns ``y``'s shape.

    residual_std_ : float
        Root mean square of the seasonal differences ``y[t] - y[t - season]``
        of the training series (rebuilt from the windows); scales the
        intervals. NaN when the series is not longer than ``season``.

    Notes
    -----
    **Intervals** (``predict_quantiles``, ``predict_interval``): normal
    forecast errors with standard deviation ``sigma * sqrt(k + 1)`` at step
    ``h``, ``k = (h - 1) // season`` complete seasons ahead, ``sigma =
    residual_std_`` (Hyndman and Athanasopoulos, *Forecasting: Principles
    and Practice*, sec. 5.5).

    Windows must be at least ``season`` steps long (a ``ValueError`` says so).
    A front-padded window whose *observed* part is shorter than ``season``
    (the first windows of a series) has no value one season back: it falls
    back to the last observed value (the naive forecast).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.baselines import SeasonalNaiveRegressor
    >>> X = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    >>> y = np.zeros((1, 4))  # horizon 4
    >>> SeasonalNaiveRegressor(season=3).fit(X, y).predict(X)
    array([[3., 4., 5., 3.]])
    """

    _parameter_constraints: dict = {
        "season": [Interval(Integral, 1, None, closed="left")],
        "target_index": TARGET_INDEX_CONSTRAINT,
    }

    def __init__(self, season: int = 1, target_index: int = 0) -> None:
        self.season = season
        self.target_index = target_index

    def _validate_hyperparameters(self, n_timesteps: int) -> None:
        season = int(self.season)
        if n_timesteps < season:
            raise ValueError(
                f"SeasonalNaiveRegressor(season={season}) needs windows of at "
                f"least {season} time steps, got windows of {n_timesteps}. Use a "
                f"lookback >= {season} (e.g. SlidingWindows(lookback={season}))."
            )

    def _forecast(self, z: np.ndarray, lengths: np.ndarray, horizon: int) -> np.ndarray:
        n, T = z.shape
        m = int(self.season)
        h = np.arange(1, horizon + 1)
        back = m * -(-h // m) - h  # steps before the last observation
        idx = T - 1 - back  # >= 0 because T >= m
        pred = z[:, idx]
        short = lengths < m
        if short.any():
            pred[short] = last_observed(z[short])[:, None]
        return pred

    def _fit_residual_scale(self, z: np.ndarray, lengths: np.ndarray) -> None:
        self.residual_std_ = _lag_residual_std(z, lengths, int(self.season))

    def _forecast_std(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        m = int(self.season)
        h = np.arange(1, horizon + 1)
        std = np.tile(self.residual_std_ * np.sqrt((h - 1) // m + 1), (z.shape[0], 1))
        short = lengths < m  # naive fallback: a random walk's spread
        std[short] = self.residual_std_ * np.sqrt(h)
        return std


class DriftRegressor(BaseWindowForecaster):
    """Drift forecast: last value plus the window's average change per step.

    ``y_hat[t + h] = y[t] + h * (y[t] - y[first]) / (n_observed - 1)``, the
    straight line through the first and last observed values of the window,
    extended. A window with a single observed value gives the naive forecast.

    Parameters
    ----------
    target_index : int, default=0
        Feature column of ``X`` that holds the series to forecast.

    Attributes
    ----------
    n_features_in_ : int
        Number of features per time step seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features per time step, only when ``X`` was a panel (a
        list of DataFrames with the same string columns).
    n_outputs_ : int
        Number of horizon steps: columns of ``y`` (1 for 1-D ``y``);
        ``predict`` returns ``y``'s shape.

    residual_std_ : float
        Standard deviation of the drift's one-step residuals (changes minus
        the window's average change) inside the training windows.

    Notes
    -----
    **Intervals** (``predict_quantiles``, ``predict_interval``): normal
    forecast errors with standard deviation
    ``sigma * sqrt(h * (1 + h / (n_observed - 1)))`` at step ``h``, which
    adds the uncertainty of the estimated slope, ``sigma = residual_std_``
    (Hyndman and Athanasopoulos, *Forecasting: Principles and Practice*,
    sec. 5.5).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.baselines import DriftRegressor
    >>> X = np.array([[1.0, 4.0, 3.0, 7.0]])  # average change 2 per step
    >>> DriftRegressor().fit(X, np.zeros((1, 2))).predict(X)
    array([[ 9., 11.]])
    """

    def __init__(self, target_index: int = 0) -> None:
        self.target_index = target_index

    def _forecast(self, z: np.ndarray, lengths: np.ndarray, horizon: int) -> np.ndarray:
        last = last_observed(z)
        steps = np.maximum(lengths - 1, 1)
        slope = (last - first_observed(z, lengths)) / steps
        h = np.arange(1, horizon + 1)
        return last[:, None] + slope[:, None] * h[None, :]

    def _fit_residual_scale(self, z: np.ndarray, lengths: np.ndarray) -> None:
        def residuals(chunk: np.ndarray) -> np.ndarray:
            changes = chunk[:, 1:] - chunk[:, :-1]
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return changes - np.nanmean(changes, axis=1, keepdims=True)

        self.residual_std_ = pooled_residual_std(z, lengths, residuals, dof=1)

    def _forecast_std(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        h = np.arange(1, horizon + 1)[None, :]
        n_changes = np.maximum(lengths - 1, 1)[:, None]
        return self.residual_std_ * np.sqrt(h * (1 + h / n_changes))


class MeanRegressor(BaseWindowForecaster):
    """Mean forecast: the mean of the window's observed values.

    Parameters
    ----------
    target_index : int, default=0
        Feature column of ``X`` that holds the series to forecast.

    Attributes
    ----------
    n_features_in_ : int
        Number of features per time step seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features per time step, only when ``X`` was a panel (a
        list of DataFrames with the same string columns).
    n_outputs_ : int
        Number of horizon steps: columns of ``y`` (1 for 1-D ``y``);
        ``predict`` returns ``y``'s shape.

    residual_std_ : float
        Standard deviation of the values around their window's mean, in the
        training windows.

    Notes
    -----
    **Intervals** (``predict_quantiles``, ``predict_interval``): normal
    forecast errors with standard deviation ``sigma * sqrt(1 + 1 / n_observed)``
    at every step (Hyndman and Athanasopoulos, *Forecasting: Principles and
    Practice*, sec. 5.5), ``sigma = residual_std_``.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.baselines import MeanRegressor
    >>> X = np.array([[np.nan, 2.0, 4.0], [1.0, 2.0, 6.0]])  # front padding
    >>> MeanRegressor().fit(X, [0.0, 0.0]).predict(X)
    array([3., 3.])
    """

    def __init__(self, target_index: int = 0) -> None:
        self.target_index = target_index

    def _forecast(self, z: np.ndarray, lengths: np.ndarray, horizon: int) -> np.ndarray:
        mean = np.nansum(z, axis=1) / lengths
        return np.repeat(mean[:, None], horizon, axis=1)

    def _fit_residual_scale(self, z: np.ndarray, lengths: np.ndarray) -> None:
        def residuals(chunk: np.ndarray) -> np.ndarray:
            mean = np.nansum(chunk, axis=1, keepdims=True) / np.maximum(
                (~np.isnan(chunk)).sum(axis=1, keepdims=True), 1
            )
            return chunk - mean

        self.residual_std_ = pooled_residual_std(z, lengths, residuals, dof=1)

    def _forecast_std(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        std = self.residual_std_ * np.sqrt(1 + 1 / lengths)
        return np.repeat(std[:, None], horizon, axis=1)


def _lag_residual_std(z: np.ndarray, lengths: np.ndarray, lag: int) -> float:
    """RMS of ``y[t] - y[t - lag]`` over the series rebuilt from the windows.

    Consecutive windows give back their series (see
    :func:`~skseq.baselines._base.series_from_windows`), so every change is
    counted once and seasonal lags longer than a window are still available.
    NaN when no series is longer than ``lag``.
    """
    stretches, _ = series_from_windows(z, lengths)
    changes = [s[lag:] - s[:-lag] for s in stretches if s.shape[0] > lag]
    if not changes:
        return float("nan")
    return float(np.sqrt(np.mean(np.concatenate(changes) ** 2)))
