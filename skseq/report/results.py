"""Settings and results of a benchmark run: what the runners fill in and the
writers read."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

from .intervals import IntervalForecast
from .tasks import BUDGETS, Budget, ClassificationTask, ForecastTask

__all__ = [
    "BenchmarkConfig",
    "BenchmarkResult",
    "ModelResult",
    "TaskResult",
    "environment",
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
    loss : str
        A network's training loss in words (see
        :func:`skseq.report.search.loss_description`); "" for other models.
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
    loss: str = ""


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
