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

import time

import pandas as pd

from .classification_runner import run_classification_task
from .cluster import scheduler_client
from .forecast_runner import run_forecast_task
from .results import BenchmarkConfig, BenchmarkResult, environment
from .search import Progress, torch_threads
from .tasks import TASKS, ForecastTask

__all__ = ["run_benchmark"]


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
    with scheduler_client(config.scheduler), torch_threads(config.threads):
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
