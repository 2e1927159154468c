"""Holt-Winters exponential smoothing fitted with statsmodels, run on windows in numpy."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions

from ._base import TARGET_INDEX_CONSTRAINT, BaseWindowForecaster, left_align

__all__ = ["ExponentialSmoothingRegressor"]

_KINDS = {
    None: None,
    "add": "add",
    "additive": "add",
    "mul": "mul",
    "multiplicative": "mul",
}
# Relative singular-value cut-off when solving for a window's initial state.
_PINV_RTOL = 1e-10


def _kind(value: Any) -> str | None:
    return _KINDS[value]


def additive_system(
    alpha: float, beta: float, gamma: float, phi: float, has_trend: bool, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Single-source-of-error form of additive Holt-Winters.

    The state before observing ``y_t`` is ``x = [l, b, s_{t-1}, ..., s_{t-m}]``
    (trend and seasonal parts only when present). Then ``y_hat_t = w @ x``,
    ``e_t = y_t - y_hat_t`` and the next state is ``F @ x + g * e_t``, which is
    statsmodels' component form::

        l_t = alpha (y_t - s_{t-m}) + (1 - alpha) (l + phi b)
        b_t = beta (l_t - l) + (1 - beta) phi b
        s_t = gamma (y_t - l - phi b) + (1 - gamma) s_{t-m}

    Returns
    -------
    w : ndarray of shape (k,)
    F : ndarray of shape (k, k)
    g : ndarray of shape (k,)
    """
    nt = int(has_trend)
    k = 1 + nt + m
    w, F, g = np.zeros(k), np.zeros((k, k)), np.zeros(k)
    w[0], F[0, 0], g[0] = 1.0, 1.0, alpha
    if has_trend:
        w[1] = phi
        F[0, 1] = F[1, 1] = phi
        g[1] = alpha * beta
    if m:
        s0 = 1 + nt
        w[s0 + m - 1] = 1.0
        F[s0, s0 + m - 1] = 1.0
        for i in range(1, m):
            F[s0 + i, s0 + i - 1] = 1.0
        g[s0] = gamma
    return w, F, g


class ExponentialSmoothingRegressor(BaseWindowForecaster):
    """Holt-Winters exponential smoothing forecast of each window.

    ``fit`` estimates the smoothing parameters (alpha, beta, gamma, phi) with
    :class:`statsmodels.tsa.holtwinters.ExponentialSmoothing` on the training
    series. ``predict`` runs the smoothing recursions with those parameters
    over every window at once (numpy, no refit) and forecasts ``horizon``
    steps ahead.

    Parameters
    ----------
    trend : {None, 'add', 'mul'}, default=None
        Trend component.
    damped_trend : bool, default=False
        Damp the trend (parameter phi).
    seasonal : {None, 'add', 'mul'}, default=None
        Seasonal component.
    seasonal_periods : int, default=None
        Season length in time steps; required with ``seasonal``.
    initialization_method : str, default='estimated'
        How statsmodels initialises the state of the *training* series
        (``'estimated'``, ``'heuristic'``, ``'legacy-heuristic'``).
    target_index : int, default=0
        Feature column of ``X`` that holds the series to forecast; the other
        features are ignored.

    Attributes
    ----------
    smoothing_level_, smoothing_trend_, smoothing_seasonal_ : float
        Fitted alpha, beta and gamma (0.0 for a component that is absent).
    damping_trend_ : float
        Fitted phi (1.0 without damping).
    initial_level_, initial_trend_ : float
        Initial state of the training series as statsmodels reports it
        (``initial_trend_`` is 0.0 without trend). Informative only: windows
        get their own initial state (see Notes).
    initial_seasons_ : ndarray of shape (seasonal_periods,)
        Initial seasonal state of the training series (empty without season).
    sse_ : float
        Sum of squared one-step errors on the training series; ``sse_ /
        nobs_`` is the error variance of the intervals.
    nobs_ : int
        Length of the training series rebuilt from the windows.
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
    **Training series.** Rebuilt from the windows as for
    :class:`ARIMARegressor`: consecutive windows give the first window plus
    the last value of each later window. ``y`` only sets the horizon.

    **Initial state of a window.** A window has no absolute position, so its
    initial level, trend and seasonal state come from the window itself. For
    additive models (no ``'mul'`` component) they are estimated by least
    squares on the window's one-step errors, with the smoothing parameters
    fixed: the criterion statsmodels' ``'estimated'`` initialisation uses in
    ``fit``. All additive recursions are linear, so each window's forecast is a
    fixed linear map of its values, computed once per observed window length.
    Multiplicative models start from the heuristic values (mean of the first
    season; seasonal indices of the first season; trend from the first two
    seasons, or from the first two values without a season) and use
    neutral trend/seasonal values where the window is too short for them.

    **Intervals** (``predict_quantiles``, ``predict_interval``, additive
    models only): normal forecast errors with the analytic variance of the
    additive-error ETS model that statsmodels' ``ETSModel`` uses,
    ``sigma2 * (1 + sum_{j=1}^{h-1} c_j^2)`` with ``c_j = w F^(j-1) g`` of the
    state-space form and ``sigma2 = sse_ / nobs_``. Multiplicative models
    raise ``ValueError`` (wrap them in
    :class:`skseq.conformal.ConformalRegressor`).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.baselines import ExponentialSmoothingRegressor
    >>> t = np.arange(400)
    >>> series = 10 + np.sin(2 * np.pi * t / 12) + 0.01 * t
    >>> X = np.lib.stride_tricks.sliding_window_view(series[:-1], 36)
    >>> y = series[36:]
    >>> model = ExponentialSmoothingRegressor(
    ...     trend="add", seasonal="add", seasonal_periods=12
    ... ).fit(X, y)
    >>> bool(np.abs(model.predict(X) - y).max() < 0.05)
    True
    """

    _learns = True

    _parameter_constraints: dict = {
        "trend": [None, StrOptions({k for k in _KINDS if k})],
        "damped_trend": ["boolean"],
        "seasonal": [None, StrOptions({k for k in _KINDS if k})],
        "seasonal_periods": [None, Interval(Integral, 2, None, closed="left")],
        "initialization_method": [
            StrOptions({"estimated", "heuristic", "legacy-heuristic"})
        ],
        "target_index": TARGET_INDEX_CONSTRAINT,
    }

    def __init__(
        self,
        trend: str | None = None,
        damped_trend: bool = False,
        seasonal: str | None = None,
        seasonal_periods: int | None = None,
        *,
        initialization_method: str = "estimated",
        target_index: int = 0,
    ) -> None:
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.seasonal_periods = seasonal_periods
        self.initialization_method = initialization_method
        self.target_index = target_index

    def _spec(self) -> tuple[str | None, str | None, int, bool]:
        trend = _kind(self.trend)
        seasonal = _kind(self.seasonal)
        damped = bool(self.damped_trend)
        if damped and trend is None:
            raise InvalidParameterError(
                "The 'damped_trend' parameter of ExponentialSmoothingRegressor "
                "can be True only with a trend ('add' or 'mul'). Got "
                f"damped_trend=True with trend={self.trend!r} instead."
            )
        m = 0
        if seasonal is not None:
            if self.seasonal_periods is None:
                raise InvalidParameterError(
                    "The 'seasonal_periods' parameter of "
                    "ExponentialSmoothingRegressor is required with "
                    f"seasonal={self.seasonal!r} (e.g. 7 for daily data with a "
                    "weekly cycle, 24 for hourly data). Got None instead."
                )
            m = int(self.seasonal_periods)
        return trend, seasonal, m, damped

    def _validate_hyperparameters(self, n_timesteps: int) -> None:
        self._spec()

    def _fit_series(self, z: np.ndarray, lengths: np.ndarray) -> None:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        trend, seasonal, m, damped = self._spec()
        series = self._training_series(z, lengths)
        model = ExponentialSmoothing(
            series,
            trend=trend,
            damped_trend=damped,
            seasonal=seasonal,
            seasonal_periods=m or None,
            initialization_method=self.initialization_method,
        )
        res = model.fit()
        p = res.params

        def value(key: str, default: float) -> float:
            v = p.get(key)
            if v is None or not np.isfinite(v):
                return default
            return float(v)

        self.smoothing_level_ = value("smoothing_level", 0.0)
        self.smoothing_trend_ = value("smoothing_trend", 0.0) if trend else 0.0
        self.smoothing_seasonal_ = value("smoothing_seasonal", 0.0) if m else 0.0
        self.damping_trend_ = value("damping_trend", 1.0) if damped else 1.0
        self.initial_level_ = value("initial_level", 0.0)
        neutral_trend = 1.0 if trend == "mul" else 0.0
        self.initial_trend_ = value("initial_trend", neutral_trend) if trend else 0.0
        seasons = np.asarray(p.get("initial_seasons", []), dtype=np.float64)
        self.initial_seasons_ = seasons.ravel() if m else np.empty(0)
        self.sse_ = float(res.sse)
        self.nobs_ = int(series.shape[0])

    # -- prediction ------------------------------------------------------------
    def _forecast(self, z: np.ndarray, lengths: np.ndarray, horizon: int) -> np.ndarray:
        trend, seasonal, m, _ = self._spec()
        if trend == "mul" or seasonal == "mul":
            return self._forecast_recursive(z, lengths, horizon)
        return self._forecast_additive(z, lengths, horizon)

    def _forecast_std(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        trend, seasonal, m, _ = self._spec()
        if trend == "mul" or seasonal == "mul":
            raise ValueError(
                "ExponentialSmoothingRegressor: analytic intervals exist for "
                "additive trend and season only (statsmodels' ETSModel simulates "
                "the others). Use trend/seasonal 'add' or None, or wrap the model "
                "in skseq.conformal.ConformalRegressor for calibrated intervals."
            )
        w, F, g = additive_system(
            self.smoothing_level_,
            self.smoothing_trend_,
            self.smoothing_seasonal_,
            self.damping_trend_,
            trend is not None,
            m,
        )
        # sigma^2 (1 + sum_{j<h} c_j^2), c_j = w F^(j-1) g: the variance of
        # the additive-error ETS forecast (statsmodels' ETSModel), with
        # statsmodels' scale sse / nobs.
        sigma2 = self.sse_ / max(self.nobs_, 1)
        rel = np.empty(horizon)
        total, row = 1.0, w.copy()
        for h in range(horizon):
            rel[h] = total
            total += float(row @ g) ** 2
            row = row @ F
        return np.broadcast_to(np.sqrt(sigma2 * rel), (z.shape[0], horizon)).copy()

    def _forecast_additive(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        """Least-squares initial state per window, then the linear recursion."""
        trend, _, m, _ = self._spec()
        w, F, g = additive_system(
            self.smoothing_level_,
            self.smoothing_trend_,
            self.smoothing_seasonal_,
            self.damping_trend_,
            trend is not None,
            m,
        )
        n, T = z.shape
        k = w.shape[0]
        D = F - np.outer(g, w)
        y = np.nan_to_num(z, nan=0.0)  # zero state stays zero over the padding
        x = np.zeros((n, k))
        err = np.empty((n, T))
        for t in range(T):
            err[:, t] = y[:, t] - x @ w
            x = x @ F.T + err[:, t, None] * g
        # Phi[t] = w D^t maps the initial state to the one-step prediction t;
        # powers[l] = D^l carries it to the end of a window of length l.
        phi = np.empty((T, k))
        powers = np.empty((T + 1, k, k))
        powers[0] = np.eye(k)
        for t in range(T):
            phi[t] = w @ powers[t]
            powers[t + 1] = D @ powers[t]
        for length in np.unique(lengths):
            rows = np.flatnonzero(lengths == length)
            solve = np.linalg.pinv(phi[:length], _PINV_RTOL)
            x0 = err[rows, T - length :] @ solve.T
            x[rows] += x0 @ powers[length].T
        pred = np.empty((n, horizon))
        for h in range(horizon):
            pred[:, h] = x @ w
            x = x @ F.T
        return pred

    def _forecast_recursive(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        """Heuristic initial state per window, then the component recursions."""
        trend, seasonal, m, _ = self._spec()
        observed = ~np.isnan(z)
        if (z[observed] <= 0).any():
            raise ValueError(
                "ExponentialSmoothingRegressor with a multiplicative component "
                "needs strictly positive values in every window."
            )
        level, slope, seasons = self._heuristic_state(z, lengths, trend, seasonal, m)
        Y = left_align(z, lengths, fill=np.nan)
        level, slope, seasons = run_components(
            Y,
            lengths,
            level,
            slope,
            seasons,
            alpha=self.smoothing_level_,
            beta=self.smoothing_trend_,
            gamma=self.smoothing_seasonal_,
            phi=self.damping_trend_,
            trend=trend,
            seasonal=seasonal,
        )
        return component_forecast(
            level, slope, seasons, horizon, self.damping_trend_, trend, seasonal
        )

    @staticmethod
    def _heuristic_state(z, lengths, trend, seasonal, m):
        n, _ = z.shape
        Y = left_align(z, lengths, fill=np.nan)
        mul_t, mul_s = trend == "mul", seasonal == "mul"
        slope = np.full(n, 1.0 if mul_t else 0.0)
        seasons = np.full((n, m), 1.0 if mul_s else 0.0)
        if m:
            mean_obs = np.nanmean(Y, axis=1)
            full = lengths >= m
            first = np.where(full, np.nanmean(Y[:, :m], axis=1), mean_obs)
            level = first
            idx = np.flatnonzero(full)
            seas = (
                Y[idx, :m] / level[idx, None]
                if mul_s
                else Y[idx, :m] - level[idx, None]
            )
            seasons[idx] = seas[:, ::-1]  # state holds the most recent first
            if trend is not None:
                two = np.flatnonzero(lengths >= 2 * m)
                second = Y[two, m : 2 * m].mean(axis=1)
                if mul_t:
                    slope[two] = (second / first[two]) ** (1.0 / m)
                else:
                    slope[two] = (second - first[two]) / m
        else:
            level = Y[:, 0].copy()
            if trend is not None:
                two = np.flatnonzero(lengths >= 2)
                slope[two] = Y[two, 1] / Y[two, 0] if mul_t else Y[two, 1] - Y[two, 0]
        return level, slope, seasons


def run_components(
    Y: np.ndarray,
    lengths: np.ndarray,
    level: np.ndarray,
    slope: np.ndarray,
    seasons: np.ndarray,
    *,
    alpha: float,
    beta: float,
    gamma: float,
    phi: float,
    trend: str | None,
    seasonal: str | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run statsmodels' Holt-Winters component recursions over many windows.

    Parameters
    ----------
    Y : ndarray of shape (n, T)
        Left-aligned windows: window ``i`` is ``Y[i, :lengths[i]]``.
    lengths : ndarray of shape (n,)
    level, slope : ndarray of shape (n,)
        State before the first value (``slope`` is ignored without trend).
    seasons : ndarray of shape (n, m)
        Seasonal state before the first value, most recent first:
        ``seasons[:, m - 1]`` is the index used for the first value.

    Returns
    -------
    level, slope, seasons
        The state after each window's last value.
    """
    level, slope, seasons = level.copy(), slope.copy(), seasons.copy()
    m = seasons.shape[1]
    for t in range(Y.shape[1]):
        act = lengths > t
        if not act.any():
            break
        y = np.where(act, Y[:, t], 0.0)
        if trend == "mul":
            damped = slope**phi
            trended = level * damped
        elif trend == "add":
            damped = phi * slope
            trended = level + damped
        else:
            trended = level
        if m:
            s_old = seasons[:, m - 1]
            base = y / s_old if seasonal == "mul" else y - s_old
        else:
            base = y
        new_level = alpha * base + (1 - alpha) * trended
        if trend == "mul":
            new_slope = beta * (new_level / level) + (1 - beta) * damped
        elif trend == "add":
            new_slope = beta * (new_level - level) + (1 - beta) * damped
        else:
            new_slope = slope
        if m:
            if seasonal == "mul":
                s_new = gamma * y / trended + (1 - gamma) * s_old
            else:
                s_new = gamma * (y - trended) + (1 - gamma) * s_old
            rolled = np.concatenate([s_new[:, None], seasons[:, : m - 1]], axis=1)
            seasons = np.where(act[:, None], rolled, seasons)
        level = np.where(act, new_level, level)
        slope = np.where(act, new_slope, slope)
    return level, slope, seasons


def component_forecast(
    level: np.ndarray,
    slope: np.ndarray,
    seasons: np.ndarray,
    horizon: int,
    phi: float,
    trend: str | None,
    seasonal: str | None,
) -> np.ndarray:
    """Point forecasts ``(n, horizon)`` from the state after the last value."""
    m = seasons.shape[1]
    h = np.arange(1, horizon + 1)
    cum_phi = np.cumsum(phi**h)
    if trend == "mul":
        out = level[:, None] * slope[:, None] ** cum_phi[None, :]
    elif trend == "add":
        out = level[:, None] + slope[:, None] * cum_phi[None, :]
    else:
        out = np.repeat(level[:, None], horizon, axis=1)
    if m:
        idx = m * -(-h // m) - h  # seasons[:, 0] is the latest index
        s = seasons[:, idx]
        out = out * s if seasonal == "mul" else out + s
    return out
