"""Leak-proof time-series splitting and backtesting.

* :class:`TimeSeriesWindowSplit`: chronological folds for h-step-ahead
  samples, with a gap (default ``horizon - 1``) so that no training target
  lies inside a test target; expanding or sliding training windows.
* :func:`backtest`: refit a clone of an estimator per fold, predict each test
  fold in one batch, and return tidy per-fold, per-step metrics and the dated
  out-of-fold predictions.

Samples are forecast origins in time order, as made by
:func:`skseq.make_supervised`: sample ``t`` holds data up to ``t`` and targets
at ``t + 1 .. t + horizon``.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    validate_parameter_constraints,
    validate_params,
)

from skseq.intervals import (
    check_coverage,
    check_quantiles,
    predict_interval,
    predict_quantiles,
)
from skseq.metrics import (
    crps,
    directional_accuracy,
    interval_coverage,
    interval_width,
    mae,
    mase,
    pinball_loss,
    rmse,
    smape,
    winkler_score,
)

__all__ = ["BacktestResult", "TimeSeriesWindowSplit", "backtest"]


def _at_least(minimum: int) -> Interval:
    return Interval(Integral, minimum, None, closed="left")


class TimeSeriesWindowSplit:
    """Chronological train/test folds for h-step-ahead forecasting samples.

    Built on :class:`sklearn.model_selection.TimeSeriesSplit`: the test folds
    are consecutive blocks at the end of the data, each training set ends
    before its test fold, and ``gap`` samples between them are left out.

    A sample at time ``t`` has targets up to ``t + horizon``. With
    ``gap = horizon - 1`` (the default), the last training sample ``a`` and
    the first test sample ``b`` satisfy ``a + horizon <= b``: the last
    training target is observed no later than the first test *origin*, so it
    is never one of the test targets (``b + 1 .. b + horizon``).

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (>= 2).
    horizon : int, default=1
        Number of target steps per sample (the ``horizon`` given to
        :func:`skseq.make_supervised`).
    gap : int or None, default=None
        Samples left out between each training set and its test fold. None
        means ``horizon - 1``; a smaller value raises a ValueError (it would
        let training targets overlap test targets).
    test_size : int or None, default=None
        Samples per test fold; default ``n_samples // (n_splits + 1)``.
    max_train_size : int or None, default=None
        Cap on the training size (the newest samples are kept).
    expanding : bool, default=True
        True: each training set starts at the first sample (expanding
        window). False: a sliding window of fixed size, ``max_train_size`` or,
        if None, the size of the first fold's training set (early folds are
        shorter where fewer samples exist).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.model_selection import TimeSeriesWindowSplit
    >>> cv = TimeSeriesWindowSplit(n_splits=2, horizon=3, test_size=2)
    >>> for train, test in cv.split(np.zeros(10)):
    ...     print(train, test)
    [0 1 2 3] [6 7]
    [0 1 2 3 4 5] [8 9]
    """

    _parameter_constraints: dict[str, list[Any]] = {
        "n_splits": [_at_least(2)],
        "horizon": [_at_least(1)],
        "gap": [_at_least(0), None],
        "test_size": [_at_least(1), None],
        "max_train_size": [_at_least(1), None],
        "expanding": ["boolean"],
    }

    def __init__(
        self,
        n_splits: int = 5,
        *,
        horizon: int = 1,
        gap: int | None = None,
        test_size: int | None = None,
        max_train_size: int | None = None,
        expanding: bool = True,
    ):
        self.n_splits = n_splits
        self.horizon = horizon
        self.gap = gap
        self.test_size = test_size
        self.max_train_size = max_train_size
        self.expanding = expanding

    def __repr__(self) -> str:
        params = ", ".join(
            f"{k}={getattr(self, k)!r}"
            for k in (
                "n_splits",
                "horizon",
                "gap",
                "test_size",
                "max_train_size",
                "expanding",
            )
        )
        return f"{type(self).__name__}({params})"

    def _check_params(self) -> None:
        """Check every parameter against ``_parameter_constraints``.

        Raises
        ------
        InvalidParameterError
            Naming the parameter (a subclass of ValueError and TypeError).
        """
        validate_parameter_constraints(
            self._parameter_constraints,
            {name: getattr(self, name) for name in self._parameter_constraints},
            caller_name=type(self).__name__,
        )

    def _gap(self) -> int:
        horizon = int(self.horizon)
        if self.gap is None:
            return horizon - 1
        gap = int(self.gap)
        if gap < horizon - 1:
            raise ValueError(
                f"gap={gap} is smaller than horizon - 1 = {horizon - 1}: training "
                "samples near the end of a training set would have targets inside "
                "the test fold's targets (look-ahead leakage). Use gap >= "
                f"{horizon - 1} or leave gap=None."
            )
        return gap

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds.

        Parameters
        ----------
        X, y, groups : ignored

        Returns
        -------
        int
        """
        self._check_params()
        return int(self.n_splits)

    def split(
        self, X: Any, y: Any = None, groups: Any = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Generate chronological (train, test) index pairs.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples in time order; only their number is used (a window view is
            not touched).
        y : Series, DataFrame or None
            Ignored unless it (or ``X``) is indexed by a ``(series, origin)``
            MultiIndex, as :func:`skseq.make_supervised` returns for many
            series: then the folds are built on the distinct origin times
            (``test_size``, ``gap`` and ``max_train_size`` count time steps),
            and each holds every series' samples at those times, so no
            training sample of any series lies inside the test block's times
            or its gap.
        groups : ignored

        Yields
        ------
        train : ndarray of int
            Contiguous training positions.
        test : ndarray of int
            Contiguous test positions.
        """
        n_splits = self.get_n_splits()
        gap = self._gap()
        test_size = None if self.test_size is None else int(self.test_size)
        max_train = None if self.max_train_size is None else int(self.max_train_size)
        times = _panel_times(X, y)
        if times is not None:
            yield from self._split_panel(times)
            return
        n = _num_samples(X)
        base = TimeSeriesSplit(
            n_splits=n_splits,
            max_train_size=max_train if self.expanding else None,
            test_size=test_size,
            gap=gap,
        )
        width = max_train
        for train, test in base.split(np.empty((n, 0))):
            if not self.expanding:
                if width is None:
                    width = len(train)
                train = train[-width:]
            if len(train) == 0:
                raise ValueError(
                    f"A training set is empty: {n} samples are too few for "
                    f"n_splits={n_splits}, test_size={test_size} and gap={gap}."
                )
            yield train, test


    def _split_panel(self, times: pd.Index) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Split many series by time: folds of distinct origins, all series."""
        distinct, inverse = np.unique(np.asarray(times), return_inverse=True)
        for train_t, test_t in self.split(np.empty((len(distinct), 0))):
            train = np.flatnonzero(np.isin(inverse, train_t))
            test = np.flatnonzero(np.isin(inverse, test_t))
            yield train, test


def _panel_times(X: Any, y: Any) -> pd.Index | None:
    """Origin times of panel samples (a ``(series, origin)`` MultiIndex)."""
    for data in (y, X):
        index = getattr(data, "index", None)
        if isinstance(index, pd.MultiIndex) and index.nlevels == 2:
            level = "origin" if "origin" in index.names else 1
            return index.get_level_values(level)
    return None


@dataclass
class BacktestResult:
    """Output of :func:`backtest`; unpacks as ``metrics, predictions``.

    Attributes
    ----------
    metrics : DataFrame
        One row per fold, horizon step and metric: columns ``fold``, ``step``
        (1-based), ``metric``, ``value``, ``train_size``, ``test_size``,
        ``train_start``, ``train_end``, ``test_start``, ``test_end`` (origin
        labels), ``fit_time``, ``predict_time`` (seconds).
    predictions : DataFrame or None
        Out-of-fold predictions, one row per test sample and step: ``origin``
        (the index label of the sample, i.e. the forecast origin ``t``; step
        ``h`` forecasts time ``t + h``), ``fold``, ``step``, ``y_true``,
        ``y_pred`` (and ``lower``, ``upper`` when interval metrics were
        asked for). None with ``return_predictions=False``.
    estimators : list or None
        The fitted estimator of each fold, with ``return_estimators=True``.
    """

    metrics: pd.DataFrame
    predictions: pd.DataFrame | None
    estimators: list | None = None

    def __iter__(self) -> Iterator[Any]:
        yield self.metrics
        yield self.predictions

    def summary(self) -> pd.DataFrame:
        """Mean and standard deviation over folds, per metric and step.

        Returns
        -------
        DataFrame
            Indexed by (metric, step), columns ``mean``, ``std``, ``n_folds``.
        """
        grouped = self.metrics.groupby(["metric", "step"], sort=True)["value"]
        return grouped.agg(mean="mean", std="std", n_folds="count")


_BUILTIN = (
    "mae",
    "rmse",
    "smape",
    "mase",
    "directional_accuracy",
    "accuracy",
    "pinball",
    "crps",
    "coverage",
    "width",
    "winkler",
)
# Metrics of probabilistic forecasts: computed from predict_interval or
# predict_quantiles (see skseq.intervals), not from predict.
_INTERVAL_METRICS = ("coverage", "width", "winkler")
_QUANTILE_METRICS = ("pinball", "crps")
#: Quantile levels of backtest's "pinball" and "crps" when none are given.
DEFAULT_BACKTEST_QUANTILES = tuple(np.round(np.arange(1, 10) / 10, 2).tolist())


def _resolve_scoring(
    scoring: Any, classifier: bool
) -> dict[str, str | Callable[[Any, Any], float]]:
    if scoring is None:
        scoring = ["accuracy"] if classifier else ["mae", "rmse"]
    if isinstance(scoring, str) or callable(scoring):
        scoring = [scoring]
    if isinstance(scoring, dict):
        items = list(scoring.items())
    else:
        items = []
        for s in scoring:
            if isinstance(s, str):
                items.append((s, s))
            elif callable(s):
                items.append((getattr(s, "__name__", repr(s)), s))
            else:
                raise TypeError(f"Unknown scoring entry {s!r}.")
    out: dict[str, str | Callable[[Any, Any], float]] = {}
    for name, s in items:
        if isinstance(s, str) and s not in _BUILTIN:
            raise ValueError(
                f"Unknown metric {s!r}; built-in names are {list(_BUILTIN)}, or "
                "pass a dict {name: callable(y_true, y_pred) -> float}."
            )
        if not (isinstance(s, str) or callable(s)):
            raise TypeError(f"Metric {name!r} must be a name or a callable.")
        if hasattr(s, "_score_func"):
            raise TypeError(
                f"Metric {name!r} is a scorer (estimator, X, y); backtest needs "
                "metric functions f(y_true, y_pred), computed per horizon step: "
                "pass e.g. 'mae' or skseq.metrics.mae instead of mae_scorer."
            )
        out[str(name)] = s
    return out


def _num_samples(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return len(X)


def _is_contiguous(idx: np.ndarray) -> bool:
    return (
        len(idx) > 0
        and int(idx[-1]) - int(idx[0]) + 1 == len(idx)
        and bool(np.all(np.diff(idx) == 1))
    )


def _take(data: Any, idx: np.ndarray) -> Any:
    """Rows ``idx`` of ``data``; a slice (no copy of a view) when contiguous."""
    if data is None:
        return None
    if _is_contiguous(idx):
        sl = slice(int(idx[0]), int(idx[-1]) + 1)
        if isinstance(data, (pd.DataFrame, pd.Series)):
            return data.iloc[sl]
        if hasattr(data, "shape") and hasattr(data, "__getitem__"):
            return data[sl]
    return _safe_indexing(data, idx)


def _as_2d_values(y: Any) -> np.ndarray:
    if isinstance(y, (pd.Series, pd.DataFrame)):
        y = y.to_numpy()
    arr = np.asarray(y)
    return arr[:, None] if arr.ndim == 1 else arr


def _metric_value(
    name: str,
    metric: str | Callable[[Any, Any], float],
    yt: np.ndarray,
    yp: np.ndarray,
    y_train_step: np.ndarray,
    y_last: np.ndarray | None,
    season: int,
) -> float:
    if metric == "mae":
        return float(mae(yt, yp))
    if metric == "rmse":
        return float(rmse(yt, yp))
    if metric == "smape":
        return float(smape(yt, yp))
    if metric == "mase":
        return float(mase(yt, yp, y_train=y_train_step, season=season))
    if metric == "directional_accuracy":
        return float(directional_accuracy(yt, yp, y_last))
    if metric == "accuracy":
        return float(accuracy_score(yt, yp))
    return float(metric(yt, yp))


def _probabilistic_scores(
    est: Any,
    X_test: Any,
    yt: np.ndarray,
    metrics: dict,
    coverage: float,
    levels: np.ndarray,
    info: dict,
    fold: int,
    metric_rows: list,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Score intervals and quantiles per step; return the (lower, upper) bounds."""
    wanted = [(n, m) for n, m in metrics.items() if isinstance(m, str)]
    interval = [(n, m) for n, m in wanted if m in _INTERVAL_METRICS]
    quantile = [(n, m) for n, m in wanted if m in _QUANTILE_METRICS]
    bounds = None
    per_step: dict[str, np.ndarray] = {}
    if interval:
        lower, upper = predict_interval(est, X_test, coverage=coverage)
        bounds = (_as_2d_values(lower), _as_2d_values(upper))
        for name, m in interval:
            if m == "coverage":
                values = interval_coverage(yt, *bounds, multioutput="raw_values")
            elif m == "width":
                values = interval_width(*bounds, multioutput="raw_values")
            else:
                values = winkler_score(
                    yt, *bounds, coverage=coverage, multioutput="raw_values"
                )
            per_step[name] = np.asarray(values)
    if quantile:
        yq = np.asarray(predict_quantiles(est, X_test, quantiles=levels))
        if yq.ndim == 2:
            yq = yq[:, None, :]
        for name, m in quantile:
            fn = pinball_loss if m == "pinball" else crps
            per_step[name] = np.asarray(fn(yt, yq, levels, multioutput="raw_values"))
    for name, values in per_step.items():
        for step, value in enumerate(values):
            metric_rows.append(
                {
                    "fold": fold,
                    "step": step + 1,
                    "metric": name,
                    "value": float(value),
                    **info,
                }
            )
    return bounds


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict"])],
        "X": ["array-like"],
        "y": ["array-like"],
        "cv": [_at_least(2), HasMethods(["split", "get_n_splits"])],
        "scoring": [str, callable, list, tuple, dict, None],
        "index": ["array-like", None],
        "y_last": ["array-like", None],
        "season": [_at_least(1)],
        "return_predictions": ["boolean"],
        "return_estimators": ["boolean"],
        "coverage": [Interval(Real, 0.0, 1.0, closed="neither")],
        "quantiles": ["array-like", None],
    },
    prefer_skip_nested_validation=False,
)
def backtest(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    cv: int | Any = 5,
    scoring: str | Sequence[str] | dict[str, Any] | None = None,
    index: Any = None,
    y_last: Any = None,
    season: int = 1,
    return_predictions: bool = True,
    return_estimators: bool = False,
    coverage: float = 0.8,
    quantiles: Any = None,
) -> BacktestResult:
    """Evaluate an estimator on chronological folds, per horizon step.

    For each fold, a fresh :func:`~sklearn.base.clone` is fitted on the
    training samples only (so every scaler or imputer in a Pipeline sees the
    training fold only) and predicts the whole test fold in **one**
    ``predict`` call. Contiguous folds are taken as slices (``X[a:b]``), so a
    window view from :class:`skseq.SlidingWindows` is not copied.

    Parameters
    ----------
    estimator : estimator
        A scikit-learn regressor or classifier (or Pipeline).
    X : array-like, 3-D windows or DataFrame
        Samples in time order (e.g. from :func:`skseq.make_supervised`).
    y : array-like, Series or DataFrame of shape (n_samples,) or (n_samples, horizon)
        Targets; column ``h - 1`` is step ``h``.
    cv : int or splitter, default=5
        An int is the number of folds of a :class:`TimeSeriesWindowSplit`
        whose horizon is the number of columns of ``y``. Any splitter with
        ``split(X, y)`` is accepted; a :class:`TimeSeriesWindowSplit` whose
        horizon is smaller than ``y``'s columns triggers a warning.
    scoring : str, list of str, dict or None
        Metrics computed per fold and step. Names: ``"mae"``, ``"rmse"``,
        ``"smape"``, ``"mase"`` (scaled by the naive error of the *training
        fold's* ``y``, the proper MASE), ``"directional_accuracy"`` (against
        ``y_last`` if given, else ``sign(y)`` for return targets),
        ``"accuracy"``; for probabilistic estimators (see
        :mod:`skseq.intervals`) also ``"coverage"``, ``"width"`` and
        ``"winkler"`` of the ``coverage`` interval, and ``"pinball"`` and
        ``"crps"`` of the ``quantiles``. A dict maps names to callables ``f(y_true, y_pred)``
        on one step's 1-D arrays (e.g. ``sklearn.metrics.f1_score``). Default:
        ``["mae", "rmse"]``, or ``["accuracy"]`` for a classifier.
    index : array-like of shape (n_samples,), optional
        Timestamps of the samples (their forecast origins). Default: the
        index of ``y`` if pandas, else of ``X`` if a DataFrame, else
        ``0 .. n_samples - 1``.
    y_last : array-like of shape (n_samples,), optional
        Last observed target value at each origin, for
        ``"directional_accuracy"`` on level targets.
    season : int, default=1
        Season of the naive forecast that scales ``"mase"``.
    return_predictions : bool, default=True
        Build the tidy predictions table.
    return_estimators : bool, default=False
        Keep the fitted estimator of each fold.
    coverage : float, default=0.8
        Nominal coverage of the intervals scored by ``"coverage"``,
        ``"width"`` and ``"winkler"``; the predictions table then gets
        ``lower`` and ``upper`` columns.
    quantiles : sequence of float, optional
        Levels scored by ``"pinball"`` and ``"crps"``; default 0.1, 0.2, ...,
        0.9.

    Returns
    -------
    BacktestResult
        ``metrics`` and ``predictions`` DataFrames (see
        :class:`BacktestResult`); ``metrics, preds = backtest(...)`` works.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from skseq.windows import FlattenWindows, make_supervised
    >>> from skseq.model_selection import backtest
    >>> s = pd.DataFrame({"y": np.sin(np.arange(300) / 10)},
    ...                  index=pd.date_range("2024-01-01", periods=300))
    >>> X, y = make_supervised(s, "y", horizon=2, lookback=8, min_history="full")
    >>> res = backtest(make_pipeline(FlattenWindows(), Ridge()), X, y, cv=3)
    >>> res.metrics["step"].unique().tolist()
    [1, 2]
    >>> list(res.predictions.columns)
    ['origin', 'fold', 'step', 'y_true', 'y_pred']
    """
    n = _num_samples(X)
    y_values = _as_2d_values(y)
    if y_values.ndim != 2 or y_values.shape[0] != n:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: X has {n} and y has "
            f"shape {np.shape(y)}. Align them, e.g. with skseq.make_supervised."
        )
    n_steps = y_values.shape[1]
    if isinstance(cv, Integral):
        cv = TimeSeriesWindowSplit(n_splits=int(cv), horizon=n_steps)
    elif isinstance(cv, TimeSeriesWindowSplit) and cv.horizon < n_steps:
        warnings.warn(
            f"y has {n_steps} columns but the splitter's horizon is {cv.horizon}: "
            "if the columns are forecast steps, the gap is too small and training "
            f"targets may overlap test targets. Use horizon={n_steps}.",
            UserWarning,
            stacklevel=2,
        )
    metrics = _resolve_scoring(scoring, is_classifier(estimator))
    coverage = check_coverage(coverage)
    levels = check_quantiles(
        DEFAULT_BACKTEST_QUANTILES if quantiles is None else quantiles
    )

    if index is not None:
        origins = np.asarray(index)
        if origins.shape[0] != n:
            raise ValueError(f"index has {origins.shape[0]} entries, X has {n}.")
    elif isinstance(y, (pd.Series, pd.DataFrame)):
        origins = y.index
    elif isinstance(X, pd.DataFrame):
        origins = X.index
    else:
        origins = np.arange(n)
    last = None
    if y_last is not None:
        last = _as_2d_values(y_last)[:, 0]
        if last.shape[0] != n:
            raise ValueError(f"y_last has {last.shape[0]} entries, X has {n}.")

    metric_rows: list[dict[str, Any]] = []
    pred_frames: list[pd.DataFrame] = []
    fitted: list[Any] = []
    for fold, (train, test) in enumerate(cv.split(X, y)):
        train, test = np.asarray(train), np.asarray(test)
        X_train, y_train = _take(X, train), _take(y, train)
        X_test = _take(X, test)
        est = clone(estimator)
        t0 = time.perf_counter()
        est.fit(X_train, y_train)
        fit_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        y_pred = np.asarray(est.predict(X_test))
        predict_time = time.perf_counter() - t0
        if y_pred.ndim == 1:
            y_pred = y_pred[:, None]
        yt = _take(y_values, test)
        if y_pred.shape != yt.shape:
            raise ValueError(
                f"The estimator predicted shape {y_pred.shape} for a test fold "
                f"whose y has shape {yt.shape}."
            )
        yt_train = _take(y_values, train)
        last_test = None if last is None else _take(last, test)
        info = {
            "train_size": len(train),
            "test_size": len(test),
            "train_start": origins[train[0]],
            "train_end": origins[train[-1]],
            "test_start": origins[test[0]],
            "test_end": origins[test[-1]],
            "fit_time": fit_time,
            "predict_time": predict_time,
        }
        for step in range(n_steps):
            for name, metric in metrics.items():
                if metric in _INTERVAL_METRICS + _QUANTILE_METRICS:
                    continue
                value = _metric_value(
                    name,
                    metric,
                    yt[:, step],
                    y_pred[:, step],
                    yt_train[:, step],
                    last_test,
                    season,
                )
                metric_rows.append(
                    {
                        "fold": fold,
                        "step": step + 1,
                        "metric": name,
                        "value": value,
                        **info,
                    }
                )
        bounds = _probabilistic_scores(
            est, X_test, yt, metrics, coverage, levels, info, fold, metric_rows
        )
        if return_predictions:
            test_origins = _take(origins, test)
            for step in range(n_steps):
                frame = {
                    "origin": test_origins,
                    "fold": fold,
                    "step": step + 1,
                    "y_true": yt[:, step],
                    "y_pred": y_pred[:, step],
                }
                if bounds is not None:
                    frame["lower"] = bounds[0][:, step]
                    frame["upper"] = bounds[1][:, step]
                pred_frames.append(pd.DataFrame(frame))
        if return_estimators:
            fitted.append(est)

    columns = [
        "fold",
        "step",
        "metric",
        "value",
        "train_size",
        "test_size",
        "train_start",
        "train_end",
        "test_start",
        "test_end",
        "fit_time",
        "predict_time",
    ]
    metrics_df = pd.DataFrame(metric_rows, columns=columns)
    preds = (
        pd.concat(pred_frames, ignore_index=True)
        if return_predictions and pred_frames
        else None
    )
    return BacktestResult(
        metrics=metrics_df,
        predictions=preds,
        estimators=fitted if return_estimators else None,
    )
