"""Prediction intervals in the benchmark: which models give them, and how well.

Every forecasting model whose fitted pipeline has ``predict_interval`` (the
baselines, the random walk, a network trained with a quantile loss) is asked
for central intervals of several nominal coverages on the test period. One
extra network is trained per task where it is cheap: the GRU grid-search
winner's settings with ``loss="quantile"``, fitted once (no search) on the
training period.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone

from skseq.intervals import predict_interval
from skseq.metrics import interval_coverage, interval_width, winkler_score

__all__ = [
    "NOMINAL_COVERAGES",
    "QUANTILE_LEVELS",
    "IntervalForecast",
    "interval_bounds",
    "interval_summary",
    "quantile_network",
]

#: Nominal coverages evaluated (the calibration plot's x axis).
NOMINAL_COVERAGES: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95)
#: Levels learned by the quantile network: every interval above is inside.
QUANTILE_LEVELS: tuple[float, ...] = (
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    0.75,
    0.9,
    0.95,
    0.975,
)


@dataclass
class IntervalForecast:
    """Interval forecasts of one model on the test period.

    Attributes
    ----------
    name, kind, description : str
        As for the model results (``kind``: "network", "baseline",
        "reference").
    point : ndarray of shape (n_test, horizon)
        Point forecasts (the median for the quantile network).
    bounds : dict
        Nominal coverage -> ``(lower, upper)``, each (n_test, horizon).
    fit_time : float
        Seconds to fit the extra quantile network (0 for models reused from
        the grid search).
    """

    name: str
    kind: str
    description: str
    point: np.ndarray
    bounds: dict[float, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    fit_time: float = 0.0


def _as_2d(a: Any) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a[:, None] if a.ndim == 1 else a


def interval_bounds(
    estimator: Any, X: Any
) -> dict[float, tuple[np.ndarray, np.ndarray]] | None:
    """Intervals of every nominal coverage, or None if the model has none.

    Parameters
    ----------
    estimator : fitted estimator or Pipeline
    X : array-like
        Test windows.

    Returns
    -------
    dict or None
        Coverage -> ``(lower, upper)`` of shape (n_samples, horizon).
    """
    out = {}
    for coverage in NOMINAL_COVERAGES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lower, upper = predict_interval(estimator, X, coverage=coverage)
        except (TypeError, ValueError, AttributeError):
            # Point forecasts only, or no analytic interval (multiplicative ETS).
            return None
        lower, upper = _as_2d(lower), _as_2d(upper)
        if np.isnan(lower).any() or np.isnan(upper).any():
            return None  # e.g. a seasonal naive whose windows hold no season
        out[coverage] = (lower, upper)
    return out


def _loss_keys(estimator: Any) -> tuple[str, str] | None:
    params = estimator.get_params()
    for key in params:
        if key.endswith("model__loss"):
            return key, key[: -len("loss")] + "quantiles"
    return None


def quantile_network(
    best_estimator: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    name: str = "gru-quantile",
) -> IntervalForecast | None:
    """Refit a network winner with a quantile loss and forecast intervals.

    Parameters
    ----------
    best_estimator : fitted Pipeline
        A network grid-search winner (its settings are reused as they are).
    X_train, y_train, X_test : array-like
        Training period and test windows.
    name : str, default="gru-quantile"

    Returns
    -------
    IntervalForecast or None
        None when the pipeline holds no skseq network with a ``loss``.
    """
    keys = _loss_keys(best_estimator)
    if keys is None:
        return None
    loss_key, quantiles_key = keys
    model = clone(best_estimator).set_params(
        **{loss_key: "quantile", quantiles_key: QUANTILE_LEVELS}
    )
    t0 = time.perf_counter()
    model.fit(X_train, y_train)
    fit_time = time.perf_counter() - t0
    bounds = interval_bounds(model, X_test)
    if bounds is None:
        return None
    return IntervalForecast(
        name=name,
        kind="network",
        description="the GRU winner's settings trained with the pinball loss on "
        f"{len(QUANTILE_LEVELS)} quantiles (fitted once, no search)",
        point=_as_2d(model.predict(X_test)),
        bounds=bounds,
        fit_time=fit_time,
    )


def interval_summary(forecast: IntervalForecast, y_test: np.ndarray) -> dict[str, Any]:
    """Coverage, width and Winkler score of one model's intervals.

    Parameters
    ----------
    forecast : IntervalForecast
    y_test : ndarray of shape (n_test, horizon)

    Returns
    -------
    dict
        ``coverage`` (nominal -> per-step ndarray), ``width`` and ``winkler``
        (nominal -> per-step ndarray).
    """
    raw = "raw_values"
    out: dict[str, Any] = {"coverage": {}, "width": {}, "winkler": {}}
    for nominal, (lower, upper) in forecast.bounds.items():
        finite = np.isfinite(lower) & np.isfinite(upper)
        out["coverage"][nominal] = np.atleast_1d(
            interval_coverage(y_test, lower, upper, multioutput=raw)
        )
        if finite.all():
            out["width"][nominal] = np.atleast_1d(
                interval_width(lower, upper, multioutput=raw)
            )
            out["winkler"][nominal] = np.atleast_1d(
                winkler_score(y_test, lower, upper, nominal, multioutput=raw)
            )
        else:
            nan = np.full(y_test.shape[1], np.nan)
            out["width"][nominal], out["winkler"][nominal] = nan, nan.copy()
    return out
