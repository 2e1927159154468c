"""Run one forecasting task: windows, train/test periods, grid searches, test
scores and Diebold-Mariano tests against the reference."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from skseq.metrics import directional_accuracy, mae, rmse
from skseq.model_selection import TimeSeriesWindowSplit
from skseq.windows import make_supervised

from .comparisons import dm_per_step
from .intervals import IntervalForecast, interval_bounds, quantile_network
from .models import forecast_models
from .results import BenchmarkConfig, ModelResult, TaskResult
from .search import (
    Progress,
    as_2d,
    grid_search,
    search_result,
    seed_predictions,
    short_params,
    torch_threads,
)
from .task_models import note_not_run, select_specs
from .tasks import ForecastTask

__all__ = ["run_forecast_task", "task_windows"]


def naive_scale(task: ForecastTask, y_train: np.ndarray, y_last_train: np.ndarray):
    """MASE scale per horizon step: the random walk's in-sample MAE at that step.

    Step ``h`` of origin ``t`` is forecast by the random walk as the last
    observed value ``y[t]`` (levels) or as a return of 0 (returns: the
    random walk on the price), so the scale is the mean of
    ``|y[t + h] - y[t]|`` (levels) or of ``|r[t + h]|`` (returns) over the
    training origins. A MASE of 1 is then the random walk's own in-sample
    accuracy at that horizon: below 1 beats it.

    Parameters
    ----------
    task : ForecastTask
    y_train : ndarray of shape (n_train, horizon)
        Training targets.
    y_last_train : ndarray of shape (n_train,)
        Last observed target at each training origin.

    Returns
    -------
    ndarray of shape (horizon,)
    """
    reference = np.zeros_like(y_train) if task.returns else y_last_train[:, None]
    return np.mean(np.abs(y_train - reference), axis=0)


def forecast_metrics(
    task: ForecastTask,
    yt: np.ndarray,
    yp: np.ndarray,
    scale: np.ndarray,
    y_last: np.ndarray,
) -> dict[str, np.ndarray]:
    """MAE, RMSE, MASE (MAE over ``scale``, see :func:`naive_scale`) and
    directional accuracy per horizon step."""
    raw = "raw_values"
    errors = np.atleast_1d(mae(yt, yp, multioutput=raw))
    out = {
        "mae": errors,
        "rmse": np.atleast_1d(rmse(yt, yp, multioutput=raw)),
        "mase": errors / scale,
    }
    if task.returns:
        da = np.atleast_1d(directional_accuracy(yt, yp, multioutput=raw))
        moves = yp != 0
    else:
        da = np.atleast_1d(directional_accuracy(yt, yp, y_last, multioutput=raw))
        moves = yp != y_last[:, None]
    # A forecast of "no change" has no direction: the accuracy is undefined.
    out["directional_accuracy"] = np.where(moves.any(axis=0), da, np.nan)
    return out


def task_windows(
    task: ForecastTask, source: Any, lookback: int
) -> tuple[Any, Any, Any]:
    """Full windows of a task's frame (or of its panel), with its horizon and
    known-future lead columns.

    Parameters
    ----------
    task : ForecastTask
    source : DataFrame or dict of DataFrame
        The task's frame, or its panel ``{series_id: frame}``.
    lookback : int

    Returns
    -------
    X, y, origins
        As :func:`skseq.make_supervised` with ``return_index=True``.
    """
    return make_supervised(
        source,
        task.target,
        horizon=task.horizon,
        lookback=lookback,
        min_history="full",
        known_future=list(task.known_future) or None,
        return_index=True,
    )


@dataclass
class PanelWindows:
    """Windows of every series of a task's panel, for the global models.

    Attributes
    ----------
    X_train : ndarray of shape (n, lookback, n_features + 1)
        Training windows of all series (origins up to the task's last
        training origin), the series code as the last feature.
    y_train : DataFrame
        Their targets, indexed by ``(series, origin)``, so that
        :class:`~skseq.model_selection.TimeSeriesWindowSplit` splits them by
        time across series.
    X_test : ndarray
        The task series' test windows with its series code.
    n_series : int
    """

    X_train: np.ndarray
    y_train: pd.DataFrame
    X_test: np.ndarray
    n_series: int


def panel_windows(
    task: ForecastTask,
    options: dict[str, Any],
    lookback: int,
    last_train_origin: Any,
    X_test: np.ndarray,
) -> PanelWindows:
    """Cut the panel's windows and split them by time like the task's.

    The task's series is the panel's first entry; its test windows must be
    the task's own (plus the code), which is checked.
    """
    panel = task.panel(options)
    X, y, index = task_windows(task, panel, lookback)
    y = y if isinstance(y, pd.DataFrame) else y.to_frame()
    series = index.get_level_values(0)
    times = index.get_level_values(1)
    own = next(iter(panel))
    train = np.flatnonzero(times <= last_train_origin)
    test = np.flatnonzero(series == own)[-len(X_test) :]
    X_own_test = np.asarray(X[test])
    if X_own_test.shape[:2] != X_test.shape[:2] or not np.allclose(
        X_own_test[:, :, :-1], X_test, equal_nan=True
    ):
        raise RuntimeError(
            f"the panel's {own} windows differ from task {task.name}'s test windows"
        )
    return PanelWindows(
        X_train=np.asarray(X[train]),
        y_train=y.iloc[train],
        X_test=X_own_test,
        n_series=len(panel),
    )


def strided(X: Any, y: Any, stride: int) -> tuple[Any, Any]:
    """Every ``stride``-th origin counted back from the newest (by time for
    panel targets indexed by ``(series, origin)``)."""
    if stride == 1:
        return X, y
    if isinstance(y, pd.DataFrame) and isinstance(y.index, pd.MultiIndex):
        times = y.index.get_level_values(-1)
        distinct = np.unique(times)
        rank = len(distinct) - 1 - np.searchsorted(distinct, times)
        keep = np.flatnonzero(rank % stride == 0)
        return X[keep], y.iloc[keep]
    keep = np.arange(len(X) - 1, -1, -stride)[::-1]
    return X[keep], y[keep]


def span(index: Any) -> str:
    """First and last entry of an index, as text."""
    first, last = index[0], index[-1]
    if isinstance(first, pd.Timestamp):
        fmt = "%Y-%m-%d %H:%M" if (first.hour or last.hour) else "%Y-%m-%d"
        return f"{first.strftime(fmt)} to {last.strftime(fmt)}"
    return f"{first} to {last}"


def _extra_seeds(config: BenchmarkConfig) -> list[int]:
    """Seeds of a network's winner beyond the run's own seed."""
    return [config.seed + k for k in range(1, config.budget.n_seeds)]


def _seed_metrics(
    search: Any,
    first: dict[str, np.ndarray],
    data: tuple[Any, Any, Any],
    truth: tuple[np.ndarray, np.ndarray, np.ndarray],
    task: ForecastTask,
    config: BenchmarkConfig,
) -> dict[str, Any]:
    """Test metrics of a network's winner, refitted with further seeds.

    The first seed is the search's own refit (``first``: its metrics); the
    others train a clone with ``random_state`` changed. Returns the metrics
    averaged over the seeds, with ``mae_sd`` (standard deviation over the
    seeds of the MAE averaged over the steps) and ``mae_seeds`` (seed ->
    that MAE).
    """
    X_train, y_train, X_test = data
    y_test, scale, y_last = truth
    seeds = [config.seed, *_extra_seeds(config)]
    pooled = getattr(search, "seed_predictions_", None)
    if pooled is not None:
        preds = [pooled[seed] for seed in seeds[1:]]
    else:
        preds = seed_predictions(search, X_train, y_train, X_test, seeds[1:], config)
    runs = [first] + [
        forecast_metrics(task, y_test, as_2d(p), scale, y_last) for p in preds
    ]
    test: dict[str, Any] = {
        key: np.mean([run[key] for run in runs], axis=0) for key in first
    }
    per_seed = [float(np.mean(run["mae"])) for run in runs]
    test["mae_sd"] = float(np.std(per_seed, ddof=1))
    test["mae_seeds"] = dict(zip(seeds, per_seed, strict=True))
    return test


def run_forecast_task(
    task: ForecastTask, config: BenchmarkConfig, progress: Progress
) -> TaskResult:
    """Grid-search and test every model of a forecasting task.

    Parameters
    ----------
    task : ForecastTask
    config : BenchmarkConfig
    progress : Progress

    Returns
    -------
    TaskResult
    """
    t_start = time.perf_counter()
    budget = config.budget
    options = {"rows": task.rows.get(budget.rows), "ticker": config.ticker}
    frame, info = task.load(options)
    lookback = task.max_lookback(budget)
    X, y, origins = task_windows(task, frame, lookback)
    y = y.to_numpy()
    y2 = as_2d(y)
    n = len(y2)
    n_test = int(round(n * task.test_fraction))
    gap = task.horizon - 1
    n_train = n - n_test - gap
    X_train, y_train = X[:n_train], y[:n_train]
    X_test, y_test = X[n - n_test :], y2[n - n_test :]
    y_last = np.asarray(X_test[:, -1, task.target_position], dtype=np.float64)
    y_last_train = np.asarray(X_train[:, -1, task.target_position], dtype=np.float64)
    scale = naive_scale(task, as_2d(y_train).astype(np.float64), y_last_train)
    # The time each test target belongs to: origin + step rows of the frame.
    positions = frame.index.get_indexer(origins[n - n_test :])
    target_times = np.stack(
        [frame.index[positions + h].to_numpy() for h in range(1, task.horizon + 1)],
        axis=1,
    )
    cv = TimeSeriesWindowSplit(n_splits=budget.n_splits, horizon=task.horizon)
    net_cv = TimeSeriesWindowSplit(n_splits=budget.network_splits, horizon=task.horizon)
    folds = [
        (origins[tr[0]], origins[tr[-1]], origins[te[0]], origins[te[-1]])
        for tr, te in cv.split(X_train)
    ]
    data = {
        **info,
        "rows": f"{len(frame)} rows, {span(frame.index)}",
        "window": f"{lookback} steps for the baselines; ridge searches lookbacks "
        f"{budget.lookbacks(task)}, the networks {budget.network_lookbacks(task)}",
        "horizon": task.horizon,
        "run_mode": budget.name,
        **(
            {
                "known future": f"{', '.join(task.known_future)} at every forecast "
                f"step ({task.n_known_future} lead columns), read by the networks "
                "only"
            }
            if task.known_future
            else {}
        ),
        "train": f"{n_train} origins, {span(origins[:n_train])}",
        "gap": f"{gap} origin(s) left out between training and test",
        "test": f"{n_test} origins, {span(origins[n - n_test :])}",
        "folds": f"{budget.n_splits} expanding TimeSeriesWindowSplit folds on the "
        f"training period ({budget.network_splits} for the networks); test folds: "
        + "; ".join(f"{span([a, b])}" for _, _, a, b in folds),
    }
    progress(
        f"task {task.name}: {task.title} | train {n_train}, test {n_test} origins, "
        f"horizon {task.horizon}"
    )
    note_not_run(task, config, data, progress)
    specs = select_specs(forecast_models(task, budget, config.seed), config.models)
    panel: PanelWindows | None = None
    if any(spec.panel for spec in specs):
        panel = panel_windows(task, options, lookback, origins[n_train - 1], X_test)
        data["global models"] = (
            f"trained on {task.panel_description}: {len(panel.X_train)} training "
            f"windows of {panel.n_series} series up to the same last training "
            "origin, cross-validated by time across series; scored on this "
            "task's test origins"
        )
    strides = sorted({spec.train_stride for spec in specs} - {1})
    if strides:
        data["strided training"] = (
            "networks trained and cross-validated on one training origin in "
            + " or ".join(map(str, strides))
            + " (the newest included): neighbouring windows differ by one step"
        )
    results: list[ModelResult] = []
    intervals: list[IntervalForecast] = []
    for i, spec in enumerate(specs, 1):
        label = f"{task.name} [{i}/{len(specs)}] {spec.name}"
        if spec.panel:
            assert panel is not None
            X_fit, y_fit, X_pred = panel.X_train, panel.y_train, panel.X_test
        else:
            X_fit, y_fit, X_pred = X_train, y_train, X_test
        X_fit, y_fit = strided(X_fit, y_fit, spec.train_stride)
        search, seconds, caught = grid_search(
            spec,
            X_fit,
            y_fit,
            net_cv if spec.kind == "network" else cv,
            "mae",
            label,
            config,
            progress,
            extra_seeds=(X_pred, _extra_seeds(config))
            if spec.kind == "network" and budget.n_seeds > 1
            else None,
        )
        with torch_threads(config.threads):
            pred = as_2d(search.predict(X_pred))
            bounds = interval_bounds(search.best_estimator_, X_pred)
        if bounds is not None:
            intervals.append(
                IntervalForecast(spec.name, spec.kind, spec.description, pred, bounds)
            )
        if spec.name == "gru":
            with torch_threads(config.threads):
                extra = quantile_network(search.best_estimator_, X_fit, y_fit, X_test)
            if extra is not None:
                intervals.append(extra)
                progress(
                    f"  {label}: quantile version fitted in {extra.fit_time:.1f}s "
                    "for the prediction intervals"
                )
        test = forecast_metrics(task, y_test, pred, scale, y_last)
        if spec.kind == "network" and budget.n_seeds > 1:
            t0 = time.perf_counter()
            test = _seed_metrics(
                search,
                test,
                (X_fit, y_fit, X_pred),
                (y_test, scale, y_last),
                task,
                config,
            )
            seconds += time.perf_counter() - t0
        result = search_result(
            spec,
            search,
            sign=-1.0,
            best_params=short_params(search.best_params_),
            seconds=seconds,
            caught=caught,
            test=test,
            pred=pred,
        )
        results.append(result)
        progress(
            f"  {label}: done in {seconds:.1f}s; CV MAE {result.cv_score:.4g}, "
            f"test MAE {np.mean(test['mae']):.4g}"
            + (f"; best {result.best_params}" if result.best_params else "")
        )
    reference = next(r.name for r in results if r.kind == "reference")
    ref_errors = (
        y_test - results[[r.name for r in results].index(reference)].predictions
    )
    for result in results:
        if result.name == reference:
            nan = np.full(task.horizon, np.nan)
            result.dm = {"pvalue": nan, "statistic": nan.copy()}
        else:
            result.dm = dm_per_step(y_test - result.predictions, ref_errors)
    elapsed = time.perf_counter() - t_start
    progress(f"task {task.name}: finished in {elapsed:.1f}s")
    return TaskResult(
        task=task,
        models=results,
        reference=reference,
        data=data,
        y_test=y_test,
        origins_test=origins[n - n_test :],
        y_last_test=y_last,
        target_times=target_times,
        elapsed=elapsed,
        interval_forecasts=intervals,
    )
