"""Run the benchmark: grid searches on the training period, scores on the test period.

For a forecasting task:

1. The frame becomes forecast origins with :func:`skseq.make_supervised`:
   one window of the longest lookback per origin (full windows only) and one
   target column per horizon step.
2. The newest ``test_fraction`` of the origins is the test period. Between
   the last training origin and the first test origin ``horizon - 1``
   origins are left out, so that no training target lies in the test period.
3. Every model is a :class:`~sklearn.model_selection.GridSearchCV` over its
   grid on the training period, with the same
   :class:`skseq.model_selection.TimeSeriesWindowSplit` folds for all models
   (scored by MAE averaged over the steps), then refitted on the whole
   training period.
4. The refitted models forecast the test period once; MAE, RMSE, MASE and
   directional accuracy are computed per step, and every model's absolute
   errors are compared with the random walk's by a Diebold-Mariano test.

For a classification task the grid search uses stratified folds of the
official training split and the scores are those of the official test split;
the network's winner is trained again with further seeds, and its test
accuracy is reported as mean and standard deviation over the seeds.
"""

from __future__ import annotations

import contextlib
import platform
import signal
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skseq.datasets import load_classification
from skseq.metrics import diebold_mariano, directional_accuracy, mae, mase, rmse
from skseq.model_selection import TimeSeriesWindowSplit
from skseq.windows import make_supervised

from .classification import PUBLISHED_ACCURACIES, SOURCES, classification_models
from .cluster import scheduler_client
from .intervals import IntervalForecast, interval_bounds, quantile_network
from .models import CELLS, ModelSpec, forecast_models
from .tasks import (
    BUDGETS,
    CLASSIFICATION_BUDGETS,
    TASKS,
    Budget,
    ClassificationTask,
    ForecastTask,
)

__all__ = [
    "BenchmarkConfig",
    "BenchmarkResult",
    "ModelResult",
    "Progress",
    "TaskResult",
    "environment",
    "run_benchmark",
]


# --------------------------------------------------------------------- config


@dataclass
class BenchmarkConfig:
    """Settings of one benchmark run.

    Attributes
    ----------
    tasks : list of str
        Task names (see :data:`skseq.report.tasks.TASKS`).
    models : list of str or None
        Model names or groups to run (None: all). The reference forecast of
        each task (random walk, majority class) always runs.
    mode : str
        Budget name: ``"smoke"``, ``"quick"``, ``"default"`` or ``"full"``.
    seed : int
        Seed of the networks and of the classification folds.
    n_jobs : int
        Parallel fits inside each network grid search (joblib, loky
        processes); the fast baselines are always searched sequentially.
    threads : int
        Torch threads of the main process; workers use 1 thread each.
    scheduler : str or None
        Address of a dask.distributed scheduler: the network searches run
        on its workers (joblib's Dask backend) instead of local processes.
    ticker : str
        Ticker of the stock task (bundled snapshot).
    verbose : int
        0: silent; 1: one line per model; 2: also one line per fit.
    command : str
        The command line, for the report.
    """

    tasks: list[str]
    models: list[str] | None = None
    mode: str = "default"
    seed: int = 0
    n_jobs: int = 1
    threads: int = 1
    scheduler: str | None = None
    ticker: str = "AAPL"
    verbose: int = 2
    command: str = ""

    @property
    def budget(self) -> Budget:
        """The :class:`Budget` of :attr:`mode`."""
        return BUDGETS[self.mode]


# -------------------------------------------------------------------- results


@dataclass
class ModelResult:
    """Everything measured for one model on one task.

    Attributes
    ----------
    name, kind, description : str
        As in :class:`skseq.report.models.ModelSpec`.
    best_params : dict
        Grid-search winner (``{}`` for a single candidate).
    cv_score : float
        Mean cross-validated score of the winner: MAE (forecasting) or
        accuracy (classification).
    cv_fold_scores : list of float
        The winner's score on each fold.
    n_candidates : int
        Candidates in the grid.
    search_time : float
        Seconds for the whole grid search, refit included.
    refit_time : float
        Seconds to refit the winner on the whole training period.
    test : dict
        Metric name -> ndarray of one value per horizon step (forecasting) or
        a float (classification). A classification network's scores are
        means over seeds, with ``accuracy_sd`` and ``accuracy_seeds`` (seed
        -> accuracy) besides.
    dm : dict
        ``{"pvalue": ndarray, "statistic": ndarray}`` per step against the
        reference (NaN for the reference itself).
    predictions : ndarray
        Test-period predictions, shape (n_test, horizon) or (n_test,).
    history : list of dict or None
        Per-epoch ``train_loss`` / ``valid_loss`` of a network's refit.
    warnings : dict
        Warning category name -> count, raised during the search (not
        counted for networks searched with ``n_jobs > 1``).
    """

    name: str
    kind: str
    description: str
    best_params: dict[str, Any]
    cv_score: float
    cv_fold_scores: list[float]
    n_candidates: int
    search_time: float
    refit_time: float
    test: dict[str, Any]
    predictions: np.ndarray
    dm: dict[str, np.ndarray] = field(default_factory=dict)
    history: list[dict[str, float]] | None = None
    warnings: dict[str, int] = field(default_factory=dict)


@dataclass
class TaskResult:
    """Results of one task.

    Attributes
    ----------
    task : ForecastTask or ClassificationTask
    models : list of ModelResult
    reference : str
        Name of the reference model (random walk / majority class).
    data : dict
        Description of the data: source, ranges, sizes, folds.
    y_test : ndarray
        Test targets, (n_test, horizon) for forecasting, (n_test,) labels for
        classification.
    origins_test : Index or None
        Forecast origins of the test period.
    y_last_test : ndarray or None
        Last observed target at each test origin.
    target_times : ndarray or None
        Time of each test target, shape (n_test, horizon): step ``h`` of
        origin ``t`` belongs to the row ``h`` steps after ``t``.
    elapsed : float
        Seconds spent on the task.
    interval_forecasts : list of IntervalForecast
        Test-period prediction intervals of the models that give them
        (forecasting tasks; see :mod:`skseq.report.intervals`).
    """

    task: ForecastTask | ClassificationTask
    models: list[ModelResult]
    reference: str
    data: dict[str, Any]
    y_test: np.ndarray
    origins_test: Any = None
    y_last_test: np.ndarray | None = None
    target_times: np.ndarray | None = None
    elapsed: float = 0.0
    interval_forecasts: list[IntervalForecast] = field(default_factory=list)

    def model(self, name: str) -> ModelResult:
        """The result of the model called ``name``.

        Parameters
        ----------
        name : str

        Returns
        -------
        ModelResult
        """
        for result in self.models:
            if result.name == name:
                return result
        raise KeyError(name)


@dataclass
class BenchmarkResult:
    """Results of a whole run.

    Attributes
    ----------
    config : BenchmarkConfig
    tasks : list of TaskResult
    elapsed : float
        Seconds for the whole run.
    started : str
        Start time (local, ISO format).
    environment : dict
        Versions, machine and thread settings.
    """

    config: BenchmarkConfig
    tasks: list[TaskResult]
    elapsed: float
    started: str
    environment: dict[str, Any]


# ------------------------------------------------------------------- progress


class Progress:
    """Progress lines on stderr, each with the elapsed time.

    Parameters
    ----------
    verbose : int
        0 prints nothing.
    start : float or None
        ``time.time()`` of the start of the run (default: now).
    """

    def __init__(self, verbose: int = 1, start: float | None = None):
        self.verbose = verbose
        self.start = time.time() if start is None else start

    def elapsed(self) -> float:
        """Seconds since the start of the run."""
        return time.time() - self.start

    def __call__(self, message: str, level: int = 1) -> None:
        """Print ``message`` if ``verbose >= level``.

        Parameters
        ----------
        message : str
        level : int, default=1
        """
        if self.verbose >= level:
            print(f"[{self.elapsed():7.1f}s] {message}", file=sys.stderr, flush=True)


class _ProgressScorer:
    """GridSearchCV scorer: MAE (negated) or accuracy, printing one line per fit.

    Runs inside joblib workers too (their stderr is the parent's), so it
    carries the start time of the run instead of a shared counter.
    """

    def __init__(
        self, metric: str, label: str, keys: list[str], start: float, verbose: int
    ):
        self.metric = metric
        self.label = label
        self.keys = keys
        self.start = start
        self.verbose = verbose

    def __call__(self, estimator: Any, X: Any, y: Any) -> float:
        pred = estimator.predict(X)
        if self.metric == "accuracy":
            score = float(accuracy_score(y, pred))
            shown = f"accuracy {score:.3f}"
        else:
            score = -float(mae(y, pred))
            shown = f"MAE {-score:.4g}"
        if self.verbose >= 2:
            params = estimator.get_params()
            text = " ".join(f"{key.split('__')[-1]}={params[key]}" for key in self.keys)
            elapsed = time.time() - self.start
            print(
                f"[{elapsed:7.1f}s]     {self.label} fit {text or '(no grid)'}: "
                f"fold of {len(y)} -> {shown}",
                file=sys.stderr,
                flush=True,
            )
        return score


# ---------------------------------------------------------------- environment


def environment(config: BenchmarkConfig) -> dict[str, Any]:
    """Versions, machine and thread settings, for the report.

    Parameters
    ----------
    config : BenchmarkConfig

    Returns
    -------
    dict
    """
    import joblib
    import matplotlib
    import sklearn
    import skorch
    import statsmodels

    import skseq

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": joblib.cpu_count(),
        "torch_threads_main": config.threads,
        "torch_threads_workers": 1 if config.n_jobs != 1 else None,
        "n_jobs": config.n_jobs,
        "scheduler": config.scheduler,
        "skseq": skseq.__version__,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "statsmodels": statsmodels.__version__,
        "matplotlib": matplotlib.__version__,
    }


@contextlib.contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    previous = torch.get_num_threads()
    torch.set_num_threads(max(1, int(n)))
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# ------------------------------------------------------------- model filters

#: Names accepted by ``--models`` that stand for several models.
MODEL_GROUPS: dict[str, tuple[str, ...]] = {
    "networks": ("rnn", "lstm", "gru", "seq2seq", "network"),
    "baselines": (
        "naive",
        "seasonal-naive",
        "drift",
        "mean",
        "arima",
        "ets",
        "ridge",
        "1nn",
        "logistic",
    ),
}

#: Every model name (``--models``); the references always run.
MODEL_NAMES: tuple[str, ...] = (
    "rnn",
    "lstm",
    "gru",
    "seq2seq",
    "network",
    "random-walk",
    "naive",
    "seasonal-naive",
    "drift",
    "mean",
    "arima",
    "ets",
    "ridge",
    "majority",
    "1nn",
    "logistic",
)


def resolve_models(names: list[str] | None) -> list[str] | None:
    """Expand model and group names.

    Parameters
    ----------
    names : list of str or None
        Model names (:data:`MODEL_NAMES`) or groups (:data:`MODEL_GROUPS`);
        None means every model.

    Returns
    -------
    list of str or None

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if not names:
        return None
    out: list[str] = []
    for raw in names:
        name = raw.strip().lower()
        if name in MODEL_GROUPS:
            out += [n for n in MODEL_GROUPS[name] if n not in out]
        elif name in MODEL_NAMES:
            if name not in out:
                out.append(name)
        else:
            raise ValueError(
                f"unknown model {raw!r}; choose from {', '.join(MODEL_NAMES)} or "
                f"groups {', '.join(MODEL_GROUPS)}"
            )
    return out


def _select(specs: list[ModelSpec], models: list[str] | None) -> list[ModelSpec]:
    if models is None:
        return specs
    return [s for s in specs if s.kind == "reference" or s.name in models]


def task_model_names(task: ForecastTask | ClassificationTask) -> list[str]:
    """Names of the models that a task runs (its reference included).

    Parameters
    ----------
    task : ForecastTask or ClassificationTask

    Returns
    -------
    list of str
    """
    budget = BUDGETS["smoke"]  # the names do not depend on the budget
    if isinstance(task, ForecastTask):
        return [s.name for s in forecast_models(task, budget, 0)]
    clf_budget = CLASSIFICATION_BUDGETS["smoke"]
    names = [s.name for s in classification_models(task, clf_budget, 0)]
    # A cell name (``--models lstm``) narrows the searched network's cells.
    return names + [cell for cell in CELLS if "network" in names]


def not_run(task: ForecastTask | ClassificationTask, models: list[str] | None) -> list[str]:
    """Requested models that ``task`` has no version of (e.g. ARIMA on a UCR set).

    Parameters
    ----------
    task : ForecastTask or ClassificationTask
    models : list of str or None
        Requested model names (None: all, so nothing is left out).

    Returns
    -------
    list of str
    """
    if models is None:
        return []
    available = set(task_model_names(task))
    return [name for name in models if name not in available]


def _note_not_run(
    task: ForecastTask | ClassificationTask,
    config: BenchmarkConfig,
    data: dict[str, Any],
    progress: Progress,
) -> None:
    """Say which requested models the task cannot run, in the progress and report."""
    missing = not_run(task, config.models)
    if missing:
        kind = "forecasting" if isinstance(task, ForecastTask) else "classification"
        note = f"{', '.join(missing)} (not models of a {kind} task)"
        data["models not run"] = note
        progress(f"task {task.name}: not run: {note}")


# ---------------------------------------------------------------- searching


def _as_2d(a: Any) -> np.ndarray:
    a = np.asarray(a)
    return a[:, None] if a.ndim == 1 else a


def _search(
    spec: ModelSpec,
    X: Any,
    y: Any,
    cv: Any,
    metric: str,
    label: str,
    config: BenchmarkConfig,
    progress: Progress,
) -> tuple[GridSearchCV, float, dict[str, int]]:
    grid = spec.param_grid
    n_candidates = int(np.prod([len(v) for v in grid.values()])) if grid else 1
    n_folds = cv.get_n_splits()
    progress(
        f"  {label}: grid of {n_candidates} candidate(s) x {n_folds} folds = "
        f"{n_candidates * n_folds} fits, then a refit"
    )
    # Only the networks are worth a process pool: the baselines fit in well
    # under a second, and statsmodels' warnings cannot be counted (or
    # silenced: it resets the filters when first imported) in a worker.
    n_jobs = config.n_jobs if spec.kind == "network" else 1
    on_cluster = spec.kind == "network" and config.scheduler is not None
    if on_cluster:
        n_jobs = -1  # every worker of the cluster
    scorer = _ProgressScorer(
        metric, label, sorted(grid), progress.start, progress.verbose
    )
    search = GridSearchCV(
        spec.estimator,
        grid,
        scoring=scorer,
        cv=cv,
        refit=True,
        n_jobs=n_jobs,
        error_score="raise",
    )
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if on_cluster:
            warnings.simplefilter("ignore")  # workers keep their warnings
            with parallel_config(backend="dask"):
                search.fit(X, y)
        elif n_jobs == 1:
            search.fit(X, y)
        else:
            # scikit-learn hands the warning filters to its workers, which
            # cannot send their warnings back: keep them quiet instead.
            warnings.simplefilter("ignore")
            with worker_pool():
                search.fit(X, y)
    seconds = time.perf_counter() - t0
    counts = Counter(w.category.__name__ for w in caught)
    return search, seconds, dict(counts)


def worker_pool() -> contextlib.AbstractContextManager[Any]:
    """joblib settings of the network searches: loky processes, 1 thread each.

    The workers ignore Ctrl-C (SIGINT): a terminal sends it to every process
    of the job, and each idle or busy worker would print its own
    KeyboardInterrupt traceback. The main process stops the workers itself
    when it is interrupted. (``signal.signal`` as the initializer runs in a
    fresh worker without importing skseq.)
    """
    return parallel_config(
        backend="loky",
        inner_max_num_threads=1,
        initializer=signal.signal,
        initargs=(signal.SIGINT, signal.SIG_IGN),
    )


def _history(search: GridSearchCV) -> list[dict[str, float]] | None:
    best = getattr(search.best_estimator_, "regressor_", search.best_estimator_)
    model = best.named_steps.get("model") if hasattr(best, "named_steps") else best
    if model is None or not hasattr(model, "net_"):
        return None
    rows = []
    for epoch in model.history_:
        rows.append(
            {
                "epoch": int(epoch["epoch"]),
                "train_loss": float(epoch.get("train_loss", np.nan)),
                "valid_loss": float(epoch.get("valid_loss", np.nan)),
                "dur": float(epoch.get("dur", np.nan)),
            }
        )
    return rows


def _fold_scores(search: GridSearchCV, sign: float) -> list[float]:
    i = search.best_index_
    n = search.n_splits_
    return [
        sign * float(search.cv_results_[f"split{k}_test_score"][i]) for k in range(n)
    ]


# --------------------------------------------------------------- forecasting


def _forecast_metrics(
    task: ForecastTask,
    yt: np.ndarray,
    yp: np.ndarray,
    y_train: np.ndarray,
    y_last: np.ndarray,
) -> dict[str, np.ndarray]:
    raw = "raw_values"
    out = {
        "mae": np.atleast_1d(mae(yt, yp, multioutput=raw)),
        "rmse": np.atleast_1d(rmse(yt, yp, multioutput=raw)),
        "mase": np.atleast_1d(mase(yt, yp, y_train=y_train, multioutput=raw)),
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


def _dm(errors: np.ndarray, ref_errors: np.ndarray) -> dict[str, np.ndarray]:
    n_steps = errors.shape[1]
    pvalue = np.full(n_steps, np.nan)
    statistic = np.full(n_steps, np.nan)
    for k in range(n_steps):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = diebold_mariano(
                    errors[:, k], ref_errors[:, k], horizon=k + 1, loss="absolute"
                )
        except ValueError:
            continue
        pvalue[k], statistic[k] = res.pvalue, res.statistic
    return {"pvalue": pvalue, "statistic": statistic}


def _span(index: Any) -> str:
    first, last = index[0], index[-1]
    if isinstance(first, pd.Timestamp):
        fmt = "%Y-%m-%d %H:%M" if (first.hour or last.hour) else "%Y-%m-%d"
        return f"{first.strftime(fmt)} to {last.strftime(fmt)}"
    return f"{first} to {last}"


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
    frame, info = task.load(
        {"rows": task.rows.get(budget.rows), "ticker": config.ticker}
    )
    lookback = task.max_lookback(budget)
    X, y, origins = make_supervised(
        frame,
        task.target,
        horizon=task.horizon,
        lookback=lookback,
        min_history="full",
        return_index=True,
    )
    y = y.to_numpy()
    y2 = _as_2d(y)
    n = len(y2)
    n_test = int(round(n * task.test_fraction))
    gap = task.horizon - 1
    n_train = n - n_test - gap
    X_train, y_train = X[:n_train], y[:n_train]
    X_test, y_test = X[n - n_test :], y2[n - n_test :]
    y_last = np.asarray(X_test[:, -1, task.target_position], dtype=np.float64)
    # The time each test target belongs to: origin + step rows of the frame.
    positions = frame.index.get_indexer(origins[n - n_test :])
    target_times = np.stack(
        [frame.index[positions + h].to_numpy() for h in range(1, task.horizon + 1)],
        axis=1,
    )
    cv = TimeSeriesWindowSplit(n_splits=budget.n_splits, horizon=task.horizon)
    folds = [
        (origins[tr[0]], origins[tr[-1]], origins[te[0]], origins[te[-1]])
        for tr, te in cv.split(X_train)
    ]
    data = {
        **info,
        "rows": f"{len(frame)} rows, {_span(frame.index)}",
        "window": f"{lookback} steps for the baselines; networks and ridge search "
        f"lookbacks {budget.lookbacks(task)}",
        "horizon": task.horizon,
        "train": f"{n_train} origins, {_span(origins[:n_train])}",
        "gap": f"{gap} origin(s) left out between training and test",
        "test": f"{n_test} origins, {_span(origins[n - n_test :])}",
        "folds": f"{budget.n_splits} expanding TimeSeriesWindowSplit folds on the "
        "training period; test folds: "
        + "; ".join(f"{_span([a, b])}" for _, _, a, b in folds),
    }
    progress(
        f"task {task.name}: {task.title} | train {n_train}, test {n_test} origins, "
        f"horizon {task.horizon}"
    )
    _note_not_run(task, config, data, progress)
    specs = _select(forecast_models(task, budget, config.seed), config.models)
    results: list[ModelResult] = []
    intervals: list[IntervalForecast] = []
    for i, spec in enumerate(specs, 1):
        label = f"{task.name} [{i}/{len(specs)}] {spec.name}"
        search, seconds, caught = _search(
            spec, X_train, y_train, cv, "mae", label, config, progress
        )
        with _torch_threads(config.threads):
            pred = _as_2d(search.predict(X_test))
            bounds = interval_bounds(search.best_estimator_, X_test)
        if bounds is not None:
            intervals.append(
                IntervalForecast(spec.name, spec.kind, spec.description, pred, bounds)
            )
        if spec.name == "gru":
            with _torch_threads(config.threads):
                extra = quantile_network(search.best_estimator_, X_train, y_train, X_test)
            if extra is not None:
                intervals.append(extra)
                progress(
                    f"  {label}: quantile version fitted in {extra.fit_time:.1f}s "
                    "for the prediction intervals"
                )
        test = _forecast_metrics(task, y_test, pred, _as_2d(y_train), y_last)
        result = ModelResult(
            name=spec.name,
            kind=spec.kind,
            description=spec.description,
            best_params=_short_params(search.best_params_),
            cv_score=-float(search.best_score_),
            cv_fold_scores=_fold_scores(search, -1.0),
            n_candidates=len(search.cv_results_["params"]),
            search_time=seconds,
            refit_time=float(search.refit_time_),
            test=test,
            predictions=pred,
            history=_history(search),
            warnings=caught,
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
            result.dm = _dm(y_test - result.predictions, ref_errors)
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


def _short_params(params: dict[str, Any]) -> dict[str, Any]:
    return {key.split("__")[-1]: value for key, value in params.items()}


# ------------------------------------------------------------ classification


#: Parameters of the classification network shown in the report.
_NETWORK_KEYS = ("cell", "head", "hidden_size", "conv_channels", "conv_mode")


def _classification_cells(budget: Any, models: list[str] | None) -> tuple[str, ...]:
    """Cells the classification network searches, narrowed by ``--models``.

    All of the budget's cells when no model is named or ``network`` is;
    the named cells (``lstm``, ``gru``, ``rnn``) otherwise; none (no network)
    when only baselines are named.
    """
    if models is None or "network" in models:
        return tuple(budget.cells)
    return tuple(cell for cell in CELLS if cell in models)


def _classification_scores(y_true: Any, pred: Any) -> dict[str, float]:
    return {
        "accuracy": float(accuracy_score(y_true, pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, pred)),
        "macro_f1": float(f1_score(y_true, pred, average="macro")),
    }


def _fit_predict(model: Any, X_train: Any, y_train: Any, X_test: Any) -> np.ndarray:
    """Fit ``model`` and predict the test split (a joblib task)."""
    return np.asarray(model.fit(X_train, y_train).predict(X_test))


def _seed_scores(
    search: GridSearchCV,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    seeds: list[int],
    config: BenchmarkConfig,
) -> tuple[dict[str, Any], np.ndarray]:
    """Test scores of the search winner, refitted once per seed.

    The first seed is the search's own refit; the others train a clone of
    the winner with ``random_state`` changed. Returns the mean scores (with
    ``accuracy_sd`` and the per-seed accuracies under ``accuracy_seeds``) and
    the first seed's predictions.
    """
    with _torch_threads(config.threads):
        first = np.asarray(search.predict(X_test))
    models = [
        clone(search.best_estimator_).set_params(model__random_state=seed)
        for seed in seeds[1:]
    ]
    if config.n_jobs == 1 or len(models) < 2:
        with _torch_threads(config.threads):
            preds = [_fit_predict(m, X_train, y_train, X_test) for m in models]
    else:
        with parallel_config(backend="loky", inner_max_num_threads=1):
            preds = Parallel(n_jobs=config.n_jobs)(
                delayed(_fit_predict)(m, X_train, y_train, X_test) for m in models
            )
    runs = [_classification_scores(y_test, p) for p in [first, *preds]]
    accuracies = [r["accuracy"] for r in runs]
    test: dict[str, Any] = {
        key: float(np.mean([r[key] for r in runs])) for key in runs[0]
    }
    test["accuracy_sd"] = float(np.std(accuracies, ddof=1)) if len(runs) > 1 else 0.0
    test["accuracy_seeds"] = dict(zip(seeds, accuracies, strict=True))
    return test, first


def run_classification_task(
    task: ClassificationTask, config: BenchmarkConfig, progress: Progress
) -> TaskResult:
    """Grid-search on the official training split, score on the test split.

    The network's winner is trained with ``n_seeds`` seeds (the run's seed
    and the following ones) and scored on the test split each time; its
    accuracy is the mean over the seeds (``accuracy_sd``: their standard
    deviation). The baselines are deterministic and fitted once.

    Parameters
    ----------
    task : ClassificationTask
    config : BenchmarkConfig
    progress : Progress

    Returns
    -------
    TaskResult
    """
    t_start = time.perf_counter()
    budget = CLASSIFICATION_BUDGETS[config.mode]
    X_train, y_train = load_classification(task.dataset, split="train")
    X_test, y_test = load_classification(task.dataset, split="test")
    if budget.name == "smoke":
        # Every k-th test series: the sets are sorted by class, a prefix
        # would leave classes out.
        step = -(-len(y_test) // 200)
        X_test, y_test = X_test[::step], y_test[::step]
    smallest = int(np.unique(y_train, return_counts=True)[1].min())
    n_folds = max(2, min(budget.folds, smallest))
    cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=config.seed)
    classes, counts = np.unique(y_train, return_counts=True)
    lengths = sorted({len(x) for x in X_train})
    steps = (
        f"{lengths[0]} steps"
        if len(lengths) == 1
        else f"{lengths[0]} to {lengths[-1]} steps"
    )
    seeds = [config.seed + k for k in range(budget.n_seeds)]
    published = PUBLISHED_ACCURACIES.get(task.dataset, ())
    multivariate = task.dataset in ("BasicMotions", "JapaneseVowels")
    archive = "UEA" if multivariate else "UCR"
    data = {
        "source": f"bundled {archive} archive set {task.dataset} "
        "(load_classification), official train/test split",
        "train": f"{len(y_train)} series of {steps} x {np.shape(X_train[0])[-1]} "
        "feature(s), classes "
        + ", ".join(f"{c}: {k}" for c, k in zip(classes, counts, strict=True)),
        "test": f"{len(y_test)} series",
        "folds": f"{n_folds} stratified shuffled folds of the training split "
        f"(seed {config.seed})",
        "network seeds": f"the network's winner is trained with seeds "
        f"{', '.join(map(str, seeds))}; its test scores are the mean over them",
        "published": {p.model: p.accuracy for p in published},
        "published_sources": {p.model: SOURCES[p.source] for p in published},
        "published_keys": {p.model: p.source for p in published},
        "target": task.target,
    }
    progress(
        f"task {task.name}: {task.title} | train {len(y_train)}, test {len(y_test)}"
    )
    _note_not_run(task, config, data, progress)
    cells = _classification_cells(budget, config.models)
    specs = [
        s
        for s in classification_models(task, budget, config.seed, cells)
        if s.kind in ("reference", "network")
        or config.models is None
        or s.name in config.models
    ]
    results: list[ModelResult] = []
    for i, spec in enumerate(specs, 1):
        label = f"{task.name} [{i}/{len(specs)}] {spec.name}"
        search, seconds, caught = _search(
            spec, X_train, y_train, cv, "accuracy", label, config, progress
        )
        if spec.kind == "network":
            t0 = time.perf_counter()
            test, pred = _seed_scores(
                search, X_train, y_train, X_test, y_test, seeds, config
            )
            seconds += time.perf_counter() - t0
        else:
            with _torch_threads(config.threads):
                pred = np.asarray(search.predict(X_test))
            test = _classification_scores(y_test, pred)
        best_params = _short_params(search.best_params_)
        if spec.kind == "network":
            # The whole configuration, searched or fixed.
            chosen = search.best_estimator_.named_steps["model"].get_params()
            best_params = {key: chosen[key] for key in _NETWORK_KEYS}
        result = ModelResult(
            name=spec.name,
            kind=spec.kind,
            description=spec.description,
            best_params=best_params,
            cv_score=float(search.best_score_),
            cv_fold_scores=_fold_scores(search, 1.0),
            n_candidates=len(search.cv_results_["params"]),
            search_time=seconds,
            refit_time=float(search.refit_time_),
            test=test,
            predictions=pred,
            history=_history(search),
            warnings=caught,
        )
        results.append(result)
        spread = f" +- {test['accuracy_sd']:.3f}" if "accuracy_sd" in test else ""
        progress(
            f"  {label}: done in {seconds:.1f}s; CV accuracy {result.cv_score:.3f}, "
            f"test accuracy {test['accuracy']:.3f}{spread}"
            + (f"; best {result.best_params}" if result.best_params else "")
        )
    reference = next(r.name for r in results if r.kind == "reference")
    elapsed = time.perf_counter() - t_start
    progress(f"task {task.name}: finished in {elapsed:.1f}s")
    return TaskResult(
        task=task,
        models=results,
        reference=reference,
        data=data,
        y_test=np.asarray(y_test),
        elapsed=elapsed,
    )


# ----------------------------------------------------------------------- run


def run_benchmark(
    config: BenchmarkConfig, progress: Progress | None = None
) -> BenchmarkResult:
    """Run every task of ``config``.

    Parameters
    ----------
    config : BenchmarkConfig
    progress : Progress, optional
        Where progress goes (default: stderr, at ``config.verbose``).

    Returns
    -------
    BenchmarkResult
    """
    progress = progress or Progress(config.verbose)
    started = pd.Timestamp.now().strftime("%Y-%m-%d %H:%M:%S")
    t0 = time.perf_counter()
    progress(
        f"skseq benchmark ({config.mode} mode): tasks {', '.join(config.tasks)}; "
        f"seed {config.seed}, n_jobs {config.n_jobs}, torch threads {config.threads}"
    )
    results = []
    with scheduler_client(config.scheduler), _torch_threads(config.threads):
        for name in config.tasks:
            task = TASKS[name]
            if isinstance(task, ForecastTask):
                results.append(run_forecast_task(task, config, progress))
            else:
                results.append(run_classification_task(task, config, progress))
    return BenchmarkResult(
        config=config,
        tasks=results,
        elapsed=time.perf_counter() - t0,
        started=started,
        environment=environment(config),
    )
