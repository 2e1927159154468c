"""ARIMA fitted with statsmodels, forecasting windows with a batched Kalman filter."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import InvalidParameterError, StrOptions

from ._base import TARGET_INDEX_CONSTRAINT, BaseWindowForecaster

__all__ = ["ARIMARegressor", "kalman_gains"]

# F_inf below this (relative to the state scale) ends the exact diffuse period.
_DIFFUSE_TOL = 1e-9


def kalman_gains(
    design: np.ndarray,
    obs_var: float,
    transition: np.ndarray,
    state_cov: np.ndarray,
    p_star0: np.ndarray,
    p_inf0: np.ndarray,
    n_steps: int,
    return_covariances: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Filtering gains of a univariate, time-invariant state-space model.

    The covariance recursion does not depend on the data, only on how many
    observations the filter has seen, so the gains are computed once and
    shared by every window. Exact diffuse initialisation (``p_inf0 != 0``)
    uses the univariate recursions of Durbin & Koopman (2012, sec. 5.2).

    Parameters
    ----------
    design : ndarray of shape (k,)
        ``Z`` in ``y_t = Z a_t + d_t + eps_t``.
    obs_var : float
        ``H = var(eps_t)``.
    transition : ndarray of shape (k, k)
        ``T`` in ``a_{t+1} = T a_t + c + R eta_t``.
    state_cov : ndarray of shape (k, k)
        ``R Q R'``.
    p_star0, p_inf0 : ndarray of shape (k, k)
        Initial (known part / diffuse part of the) state covariance.
    n_steps : int
        Number of observations.
    return_covariances : bool, default=False
        Also return the predicted state covariances.

    Returns
    -------
    gains : ndarray of shape (n_steps, k)
        ``K_j`` such that the filtered state after observation ``j`` is
        ``a_j + K_j (y_j - Z a_j - d_j)``.
    covariances : ndarray of shape (n_steps + 1, k, k)
        With ``return_covariances``: the predicted state covariance after
        ``j`` observations (``P_star``; the forecast-error variance of the
        next value is ``Z P Z' + H``).
    diffuse : ndarray of bool, shape (n_steps + 1,)
        With ``return_covariances``: whether a diffuse part remains after
        ``j`` observations (too few observations: infinite variance).
    """
    k = design.shape[0]
    gains = np.zeros((n_steps, k))
    p_star = np.array(p_star0, dtype=np.float64)
    p_inf = np.array(p_inf0, dtype=np.float64)
    diffuse = bool(np.any(p_inf != 0))
    scale = max(1.0, float(np.abs(p_star).max(initial=0.0)))
    covariances = np.empty((n_steps + 1, k, k)) if return_covariances else None
    still_diffuse = np.zeros(n_steps + 1, dtype=bool)
    for j in range(n_steps):
        if covariances is not None:
            covariances[j] = p_star
            still_diffuse[j] = diffuse and (
                float(design @ (p_inf @ design)) > _DIFFUSE_TOL * scale
            )
        m_star = p_star @ design
        f_star = float(design @ m_star) + obs_var
        f_inf = float(design @ (p_inf @ design)) if diffuse else 0.0
        if f_inf > _DIFFUSE_TOL * scale:
            m_inf = p_inf @ design
            gains[j] = m_inf / f_inf
            cross = np.outer(m_star, m_inf)
            p_star = (
                p_star
                + np.outer(m_inf, m_inf) * (f_star / f_inf**2)
                - (cross + cross.T) / f_inf
            )
            p_inf = p_inf - np.outer(m_inf, m_inf) / f_inf
        elif f_star > 0:
            gains[j] = m_star / f_star
            p_star = p_star - np.outer(m_star, m_star) / f_star
        p_star = transition @ p_star @ transition.T + state_cov
        p_star = 0.5 * (p_star + p_star.T)
        if diffuse:
            p_inf = transition @ p_inf @ transition.T
            diffuse = bool(np.any(np.abs(p_inf) > 0))
    if covariances is not None:
        covariances[n_steps] = p_star
        still_diffuse[n_steps] = diffuse and (
            float(design @ (p_inf @ design)) > _DIFFUSE_TOL * scale
        )
        return gains, covariances, still_diffuse
    return gains


def _trend_spec(trend: Any, integrated: bool) -> np.ndarray:
    """Degrees of the deterministic trend terms, as statsmodels' ARIMA reads them."""
    from statsmodels.tsa.statespace.tools import prepare_trend_spec

    if trend is None:
        trend = "n" if integrated else "c"
    poly, _ = prepare_trend_spec(trend)
    return np.flatnonzero(np.asarray(poly))


def _int_tuple(value: Any, name: str, form: str, size: int) -> tuple[int, ...]:
    """``value`` as a tuple of ``size`` non-negative ints, or the parameter error."""
    if (
        len(value) != size
        or any(isinstance(v, bool) or not isinstance(v, Integral) for v in value)
        or min(value) < 0
    ):
        raise InvalidParameterError(
            f"The '{name}' parameter of ARIMARegressor must be a tuple {form} of "
            f"{size} non-negative ints. Got {value!r} instead."
        )
    return tuple(int(v) for v in value)


class ARIMARegressor(BaseWindowForecaster):
    """Seasonal ARIMA forecast of each window (statsmodels, no refit per window).

    ``fit`` estimates the parameters with :class:`statsmodels.tsa.arima.model.ARIMA`
    on the training series. ``predict`` conditions that fitted model on each
    window's history, exactly as ``results.apply(window, refit=False)`` would,
    and forecasts ``horizon`` steps ahead. All windows are filtered at once
    by a vectorised Kalman filter: the gains depend only on the number of
    observations, so they are computed once.

    Parameters
    ----------
    order : tuple of int (p, d, q), default=(1, 0, 0)
        Non-seasonal AR order, differences and MA order.
    seasonal_order : tuple of int (P, D, Q, s), default=(0, 0, 0, 0)
        Seasonal AR order, differences, MA order and period.
    trend : {None, 'n', 'c', 't', 'ct'} or list of int, default=None
        Deterministic trend, as in statsmodels' ``ARIMA`` (None: a constant
        mean when ``d + D == 0``, no trend otherwise). Windows carry no
        absolute time, so a trend of degree ``k`` needs ``k <= d + D`` (then
        its forecast does not depend on the window's position; e.g. ``'t'``
        with ``d=1`` is a random walk with drift).
    enforce_stationarity : bool, default=True
        Restrict the AR parameters to a stationary region.
    enforce_invertibility : bool, default=True
        Restrict the MA parameters to an invertible region.
    concentrate_scale : bool, default=False
        Concentrate the innovation variance out of the likelihood.
    method : str, default=None
        Estimation method passed to ``ARIMA.fit`` (None: statsmodels' choice,
        state-space maximum likelihood).
    method_kwargs : dict, default=None
        Extra arguments for the estimation method (e.g. ``{"maxiter": 100}``).
    target_index : int, default=0
        Feature column of ``X`` that holds the series to forecast; the other
        features are ignored.

    Attributes
    ----------
    params_ : pandas.Series
        Fitted parameters (trend, AR, MA, seasonal, ``sigma2``) by name.
    aic_ : float
        Akaike information criterion of the fit.
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
    **Training series.** ``fit`` takes the same windows as every skseq
    estimator and rebuilds the series from them: consecutive windows (each the
    previous one shifted by one step, as made by :class:`skseq.SlidingWindows`
    and kept by ``TimeSeriesSplit``) give the first window plus the last value
    of each later window. Windows that do not chain up are joined end to end,
    with a ``UserWarning``. ``y`` only sets the forecast horizon.

    **Windows.** Front padding counts as missing history: the forecast uses
    the observed part of the window only. The state is initialised as
    statsmodels does (stationary ARMA part, (approximately) diffuse
    integrated part).

    **Intervals** (``predict_quantiles``, ``predict_interval``): normal
    forecast errors with the variance of statsmodels' state-space forecast
    (``results.apply(window, refit=False).get_forecast(h).se_mean``): the
    filter's covariance after the window's observations, carried ``h``
    steps ahead. A window too short to resolve the integrated (diffuse)
    part of the state gets an infinite interval.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.baselines import ARIMARegressor
    >>> rng = np.random.default_rng(0)
    >>> series = np.zeros(300)
    >>> for t in range(1, 300):
    ...     series[t] = 0.7 * series[t - 1] + rng.normal()
    >>> X = np.lib.stride_tricks.sliding_window_view(series[:-1], 20)
    >>> y = series[20:]
    >>> model = ARIMARegressor(order=(1, 0, 0)).fit(X, y)
    >>> round(float(model.params_["ar.L1"]), 1)
    0.7
    """

    _learns = True

    _parameter_constraints: dict = {
        # tuples of non-negative ints: lengths and values checked in _orders
        "order": ["array-like"],
        "seasonal_order": ["array-like"],
        "trend": [None, StrOptions({"n", "c", "t", "ct"}), list, tuple],
        "enforce_stationarity": ["boolean"],
        "enforce_invertibility": ["boolean"],
        "concentrate_scale": ["boolean"],
        "method": [None, str],
        "method_kwargs": [None, dict],
        "target_index": TARGET_INDEX_CONSTRAINT,
    }

    def __init__(
        self,
        order: tuple[int, int, int] = (1, 0, 0),
        seasonal_order: tuple[int, int, int, int] = (0, 0, 0, 0),
        trend: Any = None,
        *,
        enforce_stationarity: bool = True,
        enforce_invertibility: bool = True,
        concentrate_scale: bool = False,
        method: str | None = None,
        method_kwargs: dict | None = None,
        target_index: int = 0,
    ) -> None:
        self.order = order
        self.seasonal_order = seasonal_order
        self.trend = trend
        self.enforce_stationarity = enforce_stationarity
        self.enforce_invertibility = enforce_invertibility
        self.concentrate_scale = concentrate_scale
        self.method = method
        self.method_kwargs = method_kwargs
        self.target_index = target_index

    def _orders(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        order = _int_tuple(self.order, "order", "(p, d, q)", 3)
        seasonal = _int_tuple(self.seasonal_order, "seasonal_order", "(P, D, Q, s)", 4)
        return order, seasonal

    def _validate_hyperparameters(self, n_timesteps: int) -> None:
        self._orders()

    def _fit_series(self, z: np.ndarray, lengths: np.ndarray) -> None:
        from statsmodels.tsa.arima.model import ARIMA

        order, seasonal = self._orders()
        n_diff = order[1] + seasonal[1]
        terms = _trend_spec(self.trend, n_diff > 0)
        if terms.size and terms.max() > n_diff:
            raise ValueError(
                f"ARIMARegressor: trend={self.trend!r} has a term of degree "
                f"{terms.max()} but d + D = {n_diff}. Windows carry no absolute "
                "time, so a time trend can only be forecast when the "
                "differencing absorbs its position (degree <= d + D): e.g. use "
                "order=(p, 1, q) with trend='t' for a drift, or trend='c' / None "
                "for a constant mean."
            )
        series = self._training_series(z, lengths)
        model = ARIMA(
            series,
            order=order,
            seasonal_order=seasonal,
            trend=self.trend,
            enforce_stationarity=self.enforce_stationarity,
            enforce_invertibility=self.enforce_invertibility,
            concentrate_scale=self.concentrate_scale,
        )
        res = model.fit(
            method=self.method, method_kwargs=self.method_kwargs, cov_type="none"
        )
        ssm = res.filter_results
        k_states = ssm.transition.shape[0]
        p_inf = getattr(ssm, "initial_diffuse_state_cov", None)
        if p_inf is None:
            p_inf = np.zeros((k_states, k_states))
        selection = ssm.selection[:, :, 0]
        k_trend = int(model.k_trend)
        self.params_ = pd.Series(np.asarray(res.params), index=res.param_names)
        self.aic_ = float(res.aic)
        self.nobs_ = int(series.shape[0])
        # The fitted state-space system (time invariant apart from the trend).
        self.state_space_ = {
            "design": np.array(ssm.design[0, :, 0]),
            "obs_var": float(ssm.obs_cov[0, 0, 0]),
            "transition": np.array(ssm.transition[:, :, 0]),
            "state_intercept": np.array(ssm.state_intercept[:, 0]),
            "state_cov": selection @ ssm.state_cov[:, :, 0] @ selection.T,
            "initial_state": np.array(ssm.initial_state, dtype=np.float64),
            "initial_cov": np.array(ssm.initial_state_cov, dtype=np.float64),
            "initial_diffuse_cov": np.array(p_inf, dtype=np.float64),
            "trend_degrees": terms,
            "trend_params": np.asarray(res.params[:k_trend], dtype=np.float64),
        }

    def _trend(self, tau: np.ndarray) -> np.ndarray:
        """Deterministic trend at relative times ``tau`` (1 = first observation)."""
        ss = self.state_space_
        out = np.zeros(tau.shape)
        for deg, beta in zip(ss["trend_degrees"], ss["trend_params"], strict=True):
            out += beta * tau.astype(np.float64) ** int(deg)
        return out

    def _forecast(self, z: np.ndarray, lengths: np.ndarray, horizon: int) -> np.ndarray:
        ss = self.state_space_
        n, T = z.shape
        Z, Tm, c = ss["design"], ss["transition"], ss["state_intercept"]
        gains = kalman_gains(
            Z,
            ss["obs_var"],
            Tm,
            ss["state_cov"],
            ss["initial_cov"],
            ss["initial_diffuse_cov"],
            T,
        )
        start = T - lengths
        a = np.repeat(ss["initial_state"][None, :], n, axis=0)
        has_trend = ss["trend_degrees"].size > 0
        for t in range(T):
            j = t - start  # observations seen before this one
            active = j >= 0
            if not active.any():
                continue
            obs = z[:, t]
            if has_trend:
                obs = obs - self._trend(j + 1)
            v = np.where(active, obs - a @ Z, 0.0)
            filt = a + gains[np.maximum(j, 0)] * v[:, None]
            a = np.where(active[:, None], filt @ Tm.T + c, a)
        pred = np.empty((n, horizon))
        for h in range(horizon):
            pred[:, h] = a @ Z
            if has_trend:
                pred[:, h] += self._trend(lengths + h + 1)
            a = a @ Tm.T + c
        return pred

    def _forecast_std(
        self, z: np.ndarray, lengths: np.ndarray, horizon: int
    ) -> np.ndarray:
        ss = self.state_space_
        Z, Tm = ss["design"], ss["transition"]
        _, covs, diffuse = kalman_gains(
            Z,
            ss["obs_var"],
            Tm,
            ss["state_cov"],
            ss["initial_cov"],
            ss["initial_diffuse_cov"],
            z.shape[1],
            return_covariances=True,
        )
        std = np.empty((z.shape[0], horizon))
        for length in np.unique(lengths):
            P = covs[length]
            var = np.empty(horizon)
            for h in range(horizon):
                var[h] = float(Z @ P @ Z) + ss["obs_var"]
                P = Tm @ P @ Tm.T + ss["state_cov"]
            rows = lengths == length
            std[rows] = np.inf if diffuse[length] else np.sqrt(np.maximum(var, 0.0))
        return std
