"""Forecasting metrics, as functions and as scikit-learn scorers.

Every metric takes ``y_true`` and ``y_pred`` of shape ``(n_samples,)`` or
``(n_samples, horizon)`` (one column per forecast step, as returned by
:func:`skseq.make_supervised`) and a ``multioutput`` argument:
``"uniform_average"`` (default) averages over the steps, ``"raw_values"``
returns one value per step, an array of weights averages with those weights.

Every metric refuses what :func:`mae` refuses (NaN or inf in ``y_true`` or
``y_pred``, different shapes, no sample) with a ValueError instead of
returning NaN, and names a wrong parameter (``multioutput="mean"``,
``season=0``) with scikit-learn's ``InvalidParameterError``. Zero
denominators: :func:`smape` counts 0/0 as a perfect forecast (0), and
:func:`mase` returns ``inf`` (``nan`` for 0/0) with an
``UndefinedMetricWarning`` when the naive error that scales it is 0.

The ``*_scorer`` objects plug into ``scoring=`` of
:class:`~sklearn.model_selection.GridSearchCV`, ``cross_validate`` and
friends. Error scorers are made with ``greater_is_better=False``, so they
return the *negated* error (scikit-learn maximises scores).

Summary
-------
=========================  ===========================================  ==========================
function                   what                                         scorer
=========================  ===========================================  ==========================
``mae``                    mean absolute error                          ``mae_scorer``
``rmse``                   root mean squared error                      ``rmse_scorer``
``smape``                  symmetric MAPE, in percent (0..200)          ``smape_scorer``
``mase``                   MAE scaled by the naive forecast's MAE       ``mase_scorer`` (see note)
``directional_accuracy``   share of correctly predicted directions      ``directional_accuracy_scorer``,
                                                                        ``make_directional_accuracy_scorer``
``diebold_mariano``        test of equal accuracy of two forecasts      (not a scorer)
``pinball_loss``           quantile loss of quantile forecasts          ``pinball_loss_scorer``,
                                                                        ``make_quantile_scorer``
``crps``                   CRPS approximated from quantiles             ``crps_scorer``
``interval_coverage``      share of observations inside the interval    ``make_interval_scorer``
``interval_width``         mean interval width                          ``make_interval_scorer``
``winkler_score``          width plus penalty for misses                ``winkler_scorer``,
                                                                        ``make_interval_scorer``
=========================  ===========================================  ==========================

The probabilistic metrics take the output of ``predict_quantiles`` (shape
``(n_samples, n_quantiles)`` or ``(n_samples, horizon, n_quantiles)``) or of
``predict_interval`` (``lower, upper``); their scorers call those methods
through :mod:`skseq.intervals`, so they work on Pipelines too.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable
from numbers import Integral
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import make_scorer
from sklearn.metrics import mean_absolute_error as _sk_mae
from sklearn.metrics import root_mean_squared_error as _sk_rmse
from sklearn.utils import assert_all_finite
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = [
    "DieboldMarianoResult",
    "crps",
    "crps_scorer",
    "interval_coverage",
    "interval_width",
    "make_interval_scorer",
    "make_quantile_scorer",
    "pinball_loss",
    "pinball_loss_scorer",
    "winkler_score",
    "winkler_scorer",
    "diebold_mariano",
    "directional_accuracy",
    "directional_accuracy_scorer",
    "forecast_scorers",
    "mae",
    "mae_scorer",
    "make_directional_accuracy_scorer",
    "mase",
    "mase_scorer",
    "rmse",
    "rmse_scorer",
    "smape",
    "smape_scorer",
]

Multioutput = Literal["raw_values", "uniform_average"] | np.ndarray | list


_MULTIOUTPUT = [StrOptions({"raw_values", "uniform_average"}), "array-like"]
_PAIR = {"y_true": ["array-like"], "y_pred": ["array-like"], "multioutput": _MULTIOUTPUT}


def _as_array(
    a: Any, name: str, allow_nan: bool = False, allow_inf: bool = False
) -> np.ndarray:
    """Float array; NaN (unless ``allow_nan``) and inf refused as in :func:`mae`.

    ``allow_inf`` admits infinite values (not NaN): interval bounds may be
    infinite, e.g. adaptive conformal intervals that give up on a step.
    """
    if isinstance(a, (pd.Series, pd.DataFrame)):
        a = a.to_numpy()
    arr = np.asarray(a)
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}.") from exc
    arr = arr.astype(np.float64, copy=False)
    if allow_inf:
        if not allow_nan and np.isnan(arr).any():
            raise ValueError(f"Input {name} contains NaN.")
        return arr
    assert_all_finite(arr, allow_nan=allow_nan, input_name=name)
    return arr


def _check_pair(
    y_true: Any, y_pred: Any, allow_inf: tuple[bool, bool] = (False, False)
) -> tuple[np.ndarray, np.ndarray]:
    """Both as float 2-D ``(n_samples, n_outputs)`` of equal shape.

    Values must be finite unless ``allow_inf`` admits infinities for that
    argument.
    """
    yt = _as_array(y_true, "y_true", allow_inf=allow_inf[0])
    yp = _as_array(y_pred, "y_pred", allow_inf=allow_inf[1])
    if yt.ndim == 1:
        yt = yt[:, None]
    if yp.ndim == 1:
        yp = yp[:, None]
    if yt.ndim != 2 or yp.ndim != 2:
        raise ValueError(
            "y_true and y_pred must be 1-D (n_samples,) or 2-D (n_samples, "
            f"horizon), got shapes {np.shape(y_true)} and {np.shape(y_pred)}."
        )
    if yt.shape != yp.shape:
        raise ValueError(
            f"y_true and y_pred have different shapes {np.shape(y_true)} and "
            f"{np.shape(y_pred)}."
        )
    if yt.shape[0] == 0:
        raise ValueError("y_true and y_pred are empty: need at least one sample.")
    return yt, yp


def _aggregate(values: np.ndarray, multioutput: Multioutput) -> float | np.ndarray:
    # The string choices are checked by validate_params.
    if isinstance(multioutput, str):
        return values if multioutput == "raw_values" else float(np.mean(values))
    weights = np.asarray(multioutput, dtype=np.float64)
    if weights.shape != values.shape:
        raise ValueError(
            f"multioutput weights have shape {weights.shape}, but there are "
            f"{values.shape[0]} outputs."
        )
    return float(np.average(values, weights=weights))


@validate_params(
    {**_PAIR, "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def mae(
    y_true: Any,
    y_pred: Any,
    *,
    sample_weight: Any = None,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Mean absolute error, per horizon step or averaged.

    The same as :func:`sklearn.metrics.mean_absolute_error`.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, horizon)
    sample_weight : array-like of shape (n_samples,), optional
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)
    """
    return _sk_mae(y_true, y_pred, sample_weight=sample_weight, multioutput=multioutput)


@validate_params(
    {**_PAIR, "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def rmse(
    y_true: Any,
    y_pred: Any,
    *,
    sample_weight: Any = None,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Root mean squared error, per horizon step or averaged.

    The same as :func:`sklearn.metrics.root_mean_squared_error` (the root is
    taken per step, then averaged).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, horizon)
    sample_weight : array-like of shape (n_samples,), optional
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)
    """
    return _sk_rmse(
        y_true, y_pred, sample_weight=sample_weight, multioutput=multioutput
    )


@validate_params(_PAIR, prefer_skip_nested_validation=True)
def smape(
    y_true: Any, y_pred: Any, *, multioutput: Multioutput = "uniform_average"
) -> float | np.ndarray:
    """Symmetric mean absolute percentage error, in percent.

    ``100 / n * sum(2 * |y_pred - y_true| / (|y_true| + |y_pred|))``, between
    0 (perfect) and 200. A term where both values are 0 counts as 0 (a
    perfect forecast of zero).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, horizon)
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)

    Raises
    ------
    ValueError
        As :func:`mae`: NaN or inf in ``y_true`` or ``y_pred``, different
        shapes, no sample.

    Examples
    --------
    >>> from skseq.metrics import smape
    >>> smape([100.0, 200.0], [110.0, 200.0])  # 200 * 10 / 210 / 2
    4.761904761904762
    """
    yt, yp = _check_pair(y_true, y_pred)
    denom = np.abs(yt) + np.abs(yp)
    num = 2.0 * np.abs(yp - yt)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(denom == 0, 0.0, num / denom)
    return _aggregate(100.0 * terms.mean(axis=0), multioutput)


def _naive_scale(series: np.ndarray, season: int, name: str) -> np.ndarray:
    """Mean absolute error of the seasonal naive forecast, per column."""
    if series.shape[0] <= season:
        raise ValueError(
            f"{name} has {series.shape[0]} values; the seasonal naive error with "
            f"season={season} needs more than {season}."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN: checked by mase
        return np.nanmean(np.abs(series[season:] - series[:-season]), axis=0)


@validate_params(
    {
        **_PAIR,
        "y_train": ["array-like", None],
        "season": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def mase(
    y_true: Any,
    y_pred: Any,
    *,
    y_train: Any = None,
    season: int = 1,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Mean absolute scaled error.

    ``MAE(y_true, y_pred) / scale`` where ``scale`` is the mean absolute error
    of the seasonal naive forecast ``y[t - season]`` **in sample**, i.e. on
    ``y_train`` (Hyndman and Koehler, 2006). Below 1: better than the naive
    forecast was on the training data.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, horizon)
    y_train : array-like of shape (n_train,) or (n_train, horizon), optional
        The training series, oldest first. 1-D: one scale for every step.
        2-D (the training ``y`` of :func:`skseq.make_supervised`): one scale
        per column. **If None**, the scale is the naive error *of y_true
        itself* (a test-scaled MASE): what a scorer, which only sees the test
        fold, can compute. It is not Hyndman's MASE and varies from fold to
        fold; prefer passing ``y_train`` (as
        :func:`skseq.model_selection.backtest` does).
    season : int, default=1
        Season length of the naive forecast (1: the last value).
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)
        ``inf`` (with an :class:`~sklearn.exceptions.UndefinedMetricWarning`)
        when the naive error is 0, e.g. for a constant training series, and
        ``nan`` (0/0, same warning) if the forecast error is 0 as well.

    Raises
    ------
    ValueError
        As :func:`mae` for NaN or inf in ``y_true``/``y_pred`` or different
        shapes; for inf in ``y_train`` (NaN there is skipped), or too short
        a scaling series.

    Examples
    --------
    >>> from skseq.metrics import mase
    >>> mase([3.0, 4.0], [3.5, 4.0], y_train=[1.0, 2.0, 4.0])  # 0.25 / 1.5
    0.16666666666666666
    """
    season = int(season)
    yt, yp = _check_pair(y_true, y_pred)
    if y_train is None:
        scale = _naive_scale(yt, season, "y_true (used for scaling, y_train=None)")
    else:
        train = _as_array(y_train, "y_train", allow_nan=True)
        if train.ndim == 2 and train.shape[1] == 1:
            train = train[:, 0]
        if train.ndim == 2 and train.shape[1] != yt.shape[1]:
            raise ValueError(
                f"y_train has {train.shape[1]} columns but y_true has "
                f"{yt.shape[1]}; pass a 1-D training series or the training y "
                "with the same horizon columns."
            )
        if train.ndim not in (1, 2):
            raise ValueError(f"y_train must be 1-D or 2-D, got shape {train.shape}.")
        scale = _naive_scale(train, season, "y_train")
        scale = np.broadcast_to(scale, (yt.shape[1],))
        if np.isnan(scale).any():
            raise ValueError(
                f"y_train has no pair of observed values {season} step(s) apart "
                "(too many NaN): the naive error that scales MASE is undefined."
            )
    err = np.abs(yp - yt).mean(axis=0)
    if np.any(scale == 0):
        warnings.warn(
            "The naive forecast's error used to scale MASE is 0 (a constant "
            "series); MASE is infinite, and NaN (0/0) where the forecast is "
            "perfect too.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(scale == 0, np.where(err == 0, np.nan, np.inf), err / scale)
    return _aggregate(values, multioutput)


@validate_params(
    {**_PAIR, "y_last": ["array-like", None]}, prefer_skip_nested_validation=True
)
def directional_accuracy(
    y_true: Any,
    y_pred: Any,
    y_last: Any = None,
    *,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Share of forecasts that get the direction of the move right.

    * **Level targets** (prices, temperatures): pass ``y_last``, the last
      observed value at the forecast origin ``t``. The direction is
      ``sign(y - y_last)`` for both the forecast and the actual value.
    * **Return / change targets** (``y_last=None``): the value itself is the
      move, the direction is ``sign(y)``.

    A forecast is correct when both signs are equal (so a predicted "no
    change" is correct only when nothing changed).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, horizon)
    y_last : array-like of shape (n_samples,), optional
        The last observed value before each forecast (the target at ``t``);
        every horizon step is compared with it.
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)
        Between 0 and 1; higher is better. 0.5 is a coin flip. No move
        (a value equal to ``y_last``, or a zero return) is a direction of
        its own: a forecast of "no change" is correct only when nothing
        changed.

    Raises
    ------
    ValueError
        As :func:`mae` for NaN or inf in ``y_true``/``y_pred`` (a NaN
        forecast is neither right nor wrong) or different shapes; for NaN or
        inf in ``y_last`` or a ``y_last`` of the wrong length.

    Examples
    --------
    >>> from skseq.metrics import directional_accuracy
    >>> directional_accuracy([11.0, 9.0, 12.0], [10.5, 10.5, 9.0], y_last=[10, 10, 10])
    0.3333333333333333
    >>> directional_accuracy([0.01, -0.02], [0.03, 0.01])  # returns
    0.5
    """
    yt, yp = _check_pair(y_true, y_pred)
    if y_last is not None:
        last = _as_array(y_last, "y_last")
        if last.ndim == 2 and last.shape[1] == 1:
            last = last[:, 0]
        if last.shape != (yt.shape[0],):
            raise ValueError(
                f"y_last must have shape ({yt.shape[0]},) (one last observed value "
                f"per sample), got {last.shape}."
            )
        yt = yt - last[:, None]
        yp = yp - last[:, None]
    hits = (np.sign(yt) == np.sign(yp)).mean(axis=0)
    return _aggregate(hits, multioutput)


class DieboldMarianoResult(NamedTuple):
    """Result of :func:`diebold_mariano`.

    Attributes
    ----------
    statistic : float
        The Harvey-Leybourne-Newbold corrected DM statistic. Positive: the
        first forecast has the larger loss (the second is more accurate).
    pvalue : float
        From Student's t with ``n - 1`` degrees of freedom.
    """

    statistic: float
    pvalue: float


@validate_params(
    {
        "errors_a": ["array-like"],
        "errors_b": ["array-like"],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions({"squared", "absolute"}), callable],
        "alternative": [StrOptions({"two-sided", "less", "greater"})],
    },
    prefer_skip_nested_validation=True,
)
def diebold_mariano(
    errors_a: Any,
    errors_b: Any,
    *,
    horizon: int = 1,
    loss: Literal["squared", "absolute"] | Callable[[np.ndarray], np.ndarray] = (
        "squared"
    ),
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
) -> DieboldMarianoResult:
    """Diebold-Mariano test of equal forecast accuracy, small-sample corrected.

    With the loss differential ``d_t = L(e_a,t) - L(e_b,t)``, the statistic is
    ``mean(d) / sqrt(V / n)`` where ``V = gamma_0 + 2 * sum_{k=1}^{h-1}
    gamma_k`` (autocovariances of ``d``, which an ``h``-step forecast's
    overlapping errors have up to lag ``h - 1``). It is multiplied by the
    Harvey, Leybourne and Newbold (1997) correction
    ``sqrt((n + 1 - 2h + h(h - 1) / n) / n)`` and compared with Student's t
    with ``n - 1`` degrees of freedom.

    Parameters
    ----------
    errors_a, errors_b : array-like of shape (n,)
        Forecast errors (``y_true - y_pred``) of two forecasts of the same
        targets, for one horizon step, in time order.
    horizon : int, default=1
        The forecast horizon ``h`` of these errors.
    loss : {"squared", "absolute"} or callable, default="squared"
        Loss applied to each error; a callable maps an error array to losses.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        ``"less"``: forecast a is more accurate (mean loss differential < 0);
        ``"greater"``: forecast b is more accurate.

    Returns
    -------
    DieboldMarianoResult
        ``(statistic, pvalue)``.

    Raises
    ------
    ValueError
        Different lengths, fewer than 3 errors, NaN or inf, ``horizon >= n``,
        or a loss differential that is identically zero (the two forecasts are
        equally accurate at every time step; the test is undefined).

    Notes
    -----
    If the long-run variance estimate ``V`` is not positive (possible for
    ``h > 1`` with negative autocorrelation), the test falls back to
    ``gamma_0`` alone, with a warning. If ``d`` is a non-zero constant
    (``V = 0``), the statistic is +-inf and the two-sided p-value 0, with a
    warning.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.metrics import diebold_mariano
    >>> rng = np.random.default_rng(0)
    >>> e_b = rng.normal(size=200)
    >>> e_a = e_b + rng.normal(scale=2.0, size=200)
    >>> res = diebold_mariano(e_a, e_b)
    >>> res.statistic > 0, res.pvalue < 0.01
    (True, True)
    """
    horizon = int(horizon)
    ea = _as_array(errors_a, "errors_a", allow_nan=True)
    eb = _as_array(errors_b, "errors_b", allow_nan=True)
    if ea.ndim != 1 or eb.ndim != 1:
        raise ValueError(
            "errors_a and errors_b must be 1-D (one horizon step); for several "
            "steps, test each step's column separately."
        )
    if ea.shape != eb.shape:
        raise ValueError(
            f"errors_a and errors_b have different lengths {ea.shape[0]} and "
            f"{eb.shape[0]}; they must be errors on the same targets."
        )
    n = ea.shape[0]
    if n < 3:
        raise ValueError(f"The Diebold-Mariano test needs at least 3 errors, got {n}.")
    if horizon >= n:
        raise ValueError(f"horizon={horizon} must be smaller than n={n}.")
    if not (np.isfinite(ea).all() and np.isfinite(eb).all()):
        raise ValueError(
            "errors_a and errors_b must be finite; drop NaN/inf errors (from both "
            "forecasts, keeping them paired) first."
        )
    if loss == "squared":
        loss_fn: Callable[[np.ndarray], np.ndarray] = np.square
    elif loss == "absolute":
        loss_fn = np.abs
    else:  # a callable (validate_params)
        loss_fn = loss
    d = np.asarray(loss_fn(ea), dtype=np.float64) - np.asarray(
        loss_fn(eb), dtype=np.float64
    )
    if d.shape != (n,):
        raise ValueError("loss must return one loss per error.")
    if np.all(d == 0):
        raise ValueError(
            "The loss differential is zero at every time step: the two forecasts "
            "are equally accurate and the Diebold-Mariano statistic is undefined "
            "(0/0). This happens for identical forecasts."
        )
    d_mean = d.mean()
    centred = d - d_mean
    gamma = [float(centred[k:] @ centred[: n - k]) / n for k in range(horizon)]
    long_run = gamma[0] + 2.0 * sum(gamma[1:])
    if long_run <= 0 and horizon > 1 and gamma[0] > 0:
        warnings.warn(
            "The long-run variance estimate of the loss differential is not "
            "positive; using its variance only (as for horizon=1).",
            RuntimeWarning,
            stacklevel=2,
        )
        long_run = gamma[0]
    correction = np.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    if long_run <= 0:
        warnings.warn(
            "The loss differential is constant and non-zero: one forecast is "
            "better by the same amount at every step; the statistic is infinite.",
            RuntimeWarning,
            stacklevel=2,
        )
        statistic = float(np.copysign(np.inf, d_mean))
    else:
        statistic = float(d_mean / np.sqrt(long_run / n) * correction)
    dist = stats.t(df=n - 1)
    if alternative == "two-sided":
        pvalue = float(2.0 * dist.sf(abs(statistic)))
    elif alternative == "less":
        pvalue = float(dist.cdf(statistic))
    else:
        pvalue = float(dist.sf(statistic))
    return DieboldMarianoResult(statistic, pvalue)


def _last_values(X: Any, last_feature: Hashable) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        if last_feature in X.columns:
            return X[last_feature].to_numpy()
        return X.iloc[:, last_feature].to_numpy()
    arr = np.asarray(X) if not hasattr(X, "ndim") else X
    if arr.ndim == 3:
        return np.asarray(arr[:, -1, last_feature])
    if arr.ndim == 2:
        return np.asarray(arr[:, last_feature])
    raise ValueError(
        f"Cannot find the last observed value in X of shape {np.shape(X)}; "
        "expected 3-D windows or a 2-D feature frame."
    )


class _DirectionalAccuracyScorer:
    """Scorer (estimator, X, y) -> directional accuracy against X's last value."""

    def __init__(self, last_feature: Hashable):
        self.last_feature = last_feature

    def __call__(self, estimator: Any, X: Any, y: Any, sample_weight: Any = None):
        y_last = _last_values(X, self.last_feature)
        return directional_accuracy(y, estimator.predict(X), y_last)

    def __repr__(self) -> str:
        return f"make_directional_accuracy_scorer(last_feature={self.last_feature!r})"


def make_directional_accuracy_scorer(
    last_feature: Hashable = 0,
) -> Callable[[Any, Any, Any], float]:
    """Directional-accuracy scorer for level targets, reading ``y_last`` from X.

    A scorer only sees ``(estimator, X, y)``. For level targets the direction
    is measured from the last observed value, which is in X: the newest row of
    each window (``X[:, -1, last_feature]`` for 3-D windows) or the feature
    column at ``t`` (``X[:, last_feature]`` / ``X[last_feature]`` for a 2-D
    feature frame). X is the raw input the search passes to the pipeline, so
    scaling inside the pipeline does not matter.

    Parameters
    ----------
    last_feature : int or column label, default=0
        Position (or DataFrame column) of the target among the features. For
        2-D univariate windows ``(n, lookback)`` pass ``-1`` (the newest step).

    Returns
    -------
    callable
        ``scorer(estimator, X, y) -> float``, higher is better; usable as
        ``scoring=`` in scikit-learn's model selection tools.
    """
    return _DirectionalAccuracyScorer(last_feature)


mae_scorer = make_scorer(mae, greater_is_better=False)
"""Negated MAE scorer (averaged over horizon steps)."""

rmse_scorer = make_scorer(rmse, greater_is_better=False)
"""Negated RMSE scorer (averaged over horizon steps)."""

smape_scorer = make_scorer(smape, greater_is_better=False)
"""Negated sMAPE scorer, in percent."""

mase_scorer = make_scorer(mase, greater_is_better=False)
"""Negated *test-scaled* MASE scorer.

A scorer sees only the test fold, so the scale is the naive forecast's error
on the test fold's own ``y`` (``mase(y_true, y_pred, y_train=None)``), not on
the training data as in Hyndman's MASE. Values are comparable between models
on the same fold; use :func:`skseq.model_selection.backtest` for the
training-scaled MASE.
"""

directional_accuracy_scorer = make_scorer(directional_accuracy)
"""Directional accuracy scorer for return/change targets (``sign(y)``).

For level targets use :func:`make_directional_accuracy_scorer`.
"""


def forecast_scorers() -> dict[str, Any]:
    """A fresh dict of the error scorers for ``scoring=`` in a search.

    Returns
    -------
    dict
        ``{"mae": mae_scorer, "rmse": rmse_scorer, "smape": smape_scorer,
        "mase": mase_scorer}``; pick one with ``refit="mae"``.
    """
    return {
        "mae": mae_scorer,
        "rmse": rmse_scorer,
        "smape": smape_scorer,
        "mase": mase_scorer,
    }


# -- probabilistic forecasts: quantiles and intervals -------------------------


def _check_quantile_forecast(
    y_true: Any, y_quantiles: Any, quantiles: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """y as (n, horizon), quantile forecasts as (n, horizon, n_levels), levels."""
    from .intervals import check_quantiles

    yt = _as_array(y_true, "y_true")
    yq = _as_array(y_quantiles, "y_quantiles")
    levels = np.array(quantiles, dtype=np.float64).reshape(-1)
    check_quantiles(levels)
    if yt.ndim == 1:
        yt = yt[:, None]
        if yq.ndim == 2:
            yq = yq[:, None, :]
    if yt.ndim != 2 or yq.ndim != 3 or yq.shape[:2] != yt.shape:
        raise ValueError(
            "y_quantiles must have shape (n_samples, n_quantiles) for a 1-D "
            "y_true and (n_samples, horizon, n_quantiles) for a 2-D one (as "
            f"predict_quantiles returns); got y_true {np.shape(y_true)} and "
            f"y_quantiles {np.shape(y_quantiles)}."
        )
    if yq.shape[2] != levels.size:
        raise ValueError(
            f"y_quantiles has {yq.shape[2]} quantiles per forecast but "
            f"quantiles lists {levels.size} levels."
        )
    if yt.shape[0] == 0:
        raise ValueError("y_true is empty: need at least one sample.")
    return yt, yq, levels


def _check_interval(
    lower: Any, upper: Any, y_true: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Bounds (and y) as float 2-D (n_samples, horizon) of equal shape.

    Bounds may be infinite (an interval that covers everything), never NaN.
    """
    lo, hi = _check_pair(lower, upper, allow_inf=(True, True))
    if np.any(lo > hi):
        raise ValueError(
            "lower exceeds upper for some forecasts; pass (lower, upper) in "
            "that order, e.g. from predict_interval."
        )
    if y_true is None:
        return lo, hi, None
    yt, _ = _check_pair(y_true, lower, allow_inf=(False, True))
    return lo, hi, yt


def pinball_loss(
    y_true: Any,
    y_quantiles: Any,
    quantiles: Any,
    *,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Pinball (quantile) loss, averaged over samples and quantile levels.

    ``rho_q(y - y_q) = max(q (y - y_q), (q - 1) (y - y_q))``: lower is better;
    a quantile forecast minimises it in expectation at the true quantile.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, horizon)
    y_quantiles : array-like of shape (n_samples, n_quantiles) or \
(n_samples, horizon, n_quantiles)
        Quantile forecasts, as ``predict_quantiles`` returns them.
    quantiles : sequence of float
        The levels of the last axis of ``y_quantiles``.
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)

    Examples
    --------
    >>> from skseq.metrics import pinball_loss
    >>> loss = pinball_loss([1.0, 3.0], [[0.0, 2.0], [2.0, 4.0]], quantiles=[0.1, 0.9])
    >>> round(loss, 6)
    0.1
    """
    yt, yq, levels = _check_quantile_forecast(y_true, y_quantiles, quantiles)
    u = yt[:, :, None] - yq
    loss = np.maximum(levels * u, (levels - 1) * u)
    return _aggregate(loss.mean(axis=(0, 2)), multioutput)


def crps(
    y_true: Any,
    y_quantiles: Any,
    quantiles: Any,
    *,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Continuous ranked probability score approximated from quantiles.

    The CRPS is twice the pinball loss integrated over all levels in
    (0, 1). With a grid of levels it is approximated by twice the pinball
    loss averaged over the grid (exact in the limit of a fine, evenly spaced
    grid such as ``np.arange(1, 20) / 20``). In the units of ``y``; lower is
    better; for a point forecast it reduces to the absolute error.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, horizon)
    y_quantiles : array-like of shape (n_samples, n_quantiles) or \
(n_samples, horizon, n_quantiles)
    quantiles : sequence of float
        The levels, ideally evenly spaced over (0, 1).
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)
    """
    return _aggregate(
        2.0
        * np.asarray(
            pinball_loss(y_true, y_quantiles, quantiles, multioutput="raw_values")
        ),
        multioutput,
    )


def interval_coverage(
    y_true: Any,
    lower: Any,
    upper: Any,
    *,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Share of observations inside their prediction interval (bounds included).

    Compare it with the nominal coverage: an 80 % interval should cover
    about 0.8; less is overconfident, more is too wide.

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (n_samples,) or (n_samples, horizon)
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)

    Examples
    --------
    >>> from skseq.metrics import interval_coverage
    >>> interval_coverage([1.0, 5.0], lower=[0.0, 0.0], upper=[2.0, 2.0])
    0.5
    """
    lo, hi, yt = _check_interval(lower, upper, y_true)
    inside = (yt >= lo) & (yt <= hi)
    return _aggregate(inside.mean(axis=0), multioutput)


def interval_width(
    lower: Any, upper: Any, *, multioutput: Multioutput = "uniform_average"
) -> float | np.ndarray:
    """Mean width ``upper - lower`` of prediction intervals (sharpness).

    Parameters
    ----------
    lower, upper : array-like of shape (n_samples,) or (n_samples, horizon)
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)
    """
    lo, hi, _ = _check_interval(lower, upper)
    return _aggregate((hi - lo).mean(axis=0), multioutput)


def winkler_score(
    y_true: Any,
    lower: Any,
    upper: Any,
    coverage: float = 0.8,
    *,
    multioutput: Multioutput = "uniform_average",
) -> float | np.ndarray:
    """Winkler (interval) score: width plus a penalty for misses; lower is better.

    For a central interval of nominal coverage ``1 - alpha``, each forecast
    scores ``(upper - lower) + 2 / alpha * (lower - y)`` when ``y < lower``,
    ``(upper - lower) + 2 / alpha * (y - upper)`` when ``y > upper``, and the
    width otherwise (Winkler, 1972; Gneiting and Raftery, 2007). It rewards
    narrow intervals that still cover, so it ranks interval forecasts of the
    same coverage.

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (n_samples,) or (n_samples, horizon)
    coverage : float, default=0.8
        Nominal coverage of the intervals, in (0, 1).
    multioutput : {"raw_values", "uniform_average"} or array of weights

    Returns
    -------
    float or ndarray of shape (horizon,)

    Examples
    --------
    >>> from skseq.metrics import winkler_score
    >>> score = winkler_score([1.0, 3.0], [0.0, 0.0], [2.0, 2.0], coverage=0.8)
    >>> round(score, 6)  # (2 + (2 + 2 / 0.2 * 1)) / 2
    7.0
    """
    from .intervals import check_coverage

    alpha = 1.0 - check_coverage(coverage)
    lo, hi, yt = _check_interval(lower, upper, y_true)
    score = (
        (hi - lo)
        + 2.0 / alpha * np.clip(lo - yt, 0.0, None)
        + 2.0 / alpha * np.clip(yt - hi, 0.0, None)
    )
    return _aggregate(score.mean(axis=0), multioutput)


_INTERVAL_METRICS = ("winkler", "coverage", "coverage_error", "width")
_QUANTILE_METRICS = ("pinball", "crps")


class _IntervalScorer:
    """Scorer (estimator, X, y) on ``predict_interval`` (Pipelines included)."""

    def __init__(self, metric: str, coverage: float):
        self.metric = metric
        self.coverage = coverage

    def __call__(self, estimator: Any, X: Any, y: Any, sample_weight: Any = None):
        from .intervals import predict_interval

        lower, upper = predict_interval(estimator, X, coverage=self.coverage)
        if self.metric == "winkler":
            return -winkler_score(y, lower, upper, self.coverage)
        if self.metric == "width":
            return -interval_width(lower, upper)
        covered = interval_coverage(y, lower, upper)
        if self.metric == "coverage":
            return covered
        return -abs(covered - self.coverage)

    def __repr__(self) -> str:
        return f"make_interval_scorer({self.metric!r}, coverage={self.coverage!r})"


class _QuantileScorer:
    """Scorer (estimator, X, y) on ``predict_quantiles`` (Pipelines included)."""

    def __init__(self, metric: str, quantiles: tuple[float, ...]):
        self.metric = metric
        self.quantiles = quantiles

    def __call__(self, estimator: Any, X: Any, y: Any, sample_weight: Any = None):
        from .intervals import predict_quantiles

        yq = predict_quantiles(estimator, X, quantiles=self.quantiles)
        metric = pinball_loss if self.metric == "pinball" else crps
        return -metric(y, yq, self.quantiles)

    def __repr__(self) -> str:
        return f"make_quantile_scorer({self.metric!r}, quantiles={self.quantiles!r})"


def make_interval_scorer(
    metric: str = "winkler", coverage: float = 0.8
) -> Callable[[Any, Any, Any], float]:
    """Scorer on the prediction intervals of a probabilistic estimator.

    The scorer calls :func:`skseq.intervals.predict_interval`, so it works
    with a Pipeline that ends in a probabilistic estimator.

    Parameters
    ----------
    metric : {"winkler", "width", "coverage_error", "coverage"}, default="winkler"
        ``"winkler"`` (negated :func:`winkler_score`), ``"width"`` (negated
        :func:`interval_width`) and ``"coverage_error"`` (negated
        ``|coverage - nominal|``) are "higher is better", for a search.
        ``"coverage"`` returns the raw :func:`interval_coverage`, to report
        (e.g. in ``cross_validate``), not to maximise.
    coverage : float, default=0.8
        Nominal coverage of the intervals.

    Returns
    -------
    callable
        ``scorer(estimator, X, y) -> float``.
    """
    from .intervals import check_coverage

    if metric not in _INTERVAL_METRICS:
        raise ValueError(f"metric must be one of {_INTERVAL_METRICS}, got {metric!r}.")
    return _IntervalScorer(metric, check_coverage(coverage))


def make_quantile_scorer(
    metric: str = "pinball", quantiles: Any = (0.1, 0.5, 0.9)
) -> Callable[[Any, Any, Any], float]:
    """Scorer on the quantile forecasts of a probabilistic estimator.

    Parameters
    ----------
    metric : {"pinball", "crps"}, default="pinball"
        Negated :func:`pinball_loss` or :func:`crps` (higher is better).
    quantiles : sequence of float, default=(0.1, 0.5, 0.9)
        Levels asked of ``predict_quantiles``.

    Returns
    -------
    callable
        ``scorer(estimator, X, y) -> float``.
    """
    from .intervals import check_quantiles

    if metric not in _QUANTILE_METRICS:
        raise ValueError(f"metric must be one of {_QUANTILE_METRICS}, got {metric!r}.")
    return _QuantileScorer(metric, tuple(check_quantiles(quantiles).tolist()))


pinball_loss_scorer = make_quantile_scorer("pinball")
"""Negated pinball loss of the (0.1, 0.5, 0.9) quantiles."""

crps_scorer = make_quantile_scorer("crps", quantiles=np.arange(1, 20) / 20)
"""Negated CRPS from the quantiles at levels 0.05, 0.10, ..., 0.95."""

winkler_scorer = make_interval_scorer("winkler", coverage=0.8)
"""Negated Winkler score of the 80 % interval."""
