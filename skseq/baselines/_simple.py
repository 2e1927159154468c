"""Naive, seasonal naive, drift and mean forecasts of each window."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import (
    TARGET_INDEX_CONSTRAINT,
    BaseWindowForecaster,
    first_observed,
    last_observed,
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

    Notes
    -----
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
