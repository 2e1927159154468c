"""Classical forecasting baselines as scikit-learn regressors.

Every baseline takes the same windows ``X`` as the recurrent estimators
(3-D ``(n_samples, lookback, n_features)``, or 2-D univariate
``(n_samples, lookback)``, NaN front padding allowed) and the same ``y`` (1-D
next value, or one column per horizon step), and forecasts the feature column
``target_index`` of each window. ``predict`` returns the shape ``y`` had in
``fit``.

* :class:`NaiveRegressor`: last observed value (random walk).
* :class:`SeasonalNaiveRegressor`: value one season back.
* :class:`DriftRegressor`: last value plus the window's average change.
* :class:`MeanRegressor`: mean of the window.
* :class:`ARIMARegressor`: statsmodels' (seasonal) ARIMA, fitted once,
  conditioned on each window by a batched Kalman filter.
* :class:`ExponentialSmoothingRegressor`: statsmodels' Holt-Winters, fitted
  once, smoothing recursions run on all windows at once.

Lag regressions need no class of their own:
``make_pipeline(skseq.FlattenWindows(), Ridge())``.
"""

from ._arima import ARIMARegressor
from ._ets import ExponentialSmoothingRegressor
from ._simple import (
    DriftRegressor,
    MeanRegressor,
    NaiveRegressor,
    SeasonalNaiveRegressor,
)

__all__ = [
    "ARIMARegressor",
    "DriftRegressor",
    "ExponentialSmoothingRegressor",
    "MeanRegressor",
    "NaiveRegressor",
    "SeasonalNaiveRegressor",
]
