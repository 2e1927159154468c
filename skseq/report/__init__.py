"""Benchmark runner and report writer behind ``skseq benchmark``.

Running:

* :mod:`~skseq.report.tasks`: the tasks (stock returns, Seattle and NYC
  temperatures, UCR/UEA classification) and the run modes (budgets).
* :mod:`~skseq.report.registry`: the one list of model names, groups and
  colours; :mod:`~skseq.report.models` and
  :mod:`~skseq.report.classification` build the estimators and grids;
  :mod:`~skseq.report.task_models` says which of them a task runs.
* :mod:`~skseq.report.search`: grid searches, progress, the worker pool.
* :mod:`~skseq.report.forecast_runner`,
  :mod:`~skseq.report.classification_runner`: one task each;
  :mod:`~skseq.report.runner` drives the whole run. Results and settings are
  the dataclasses of :mod:`~skseq.report.results`.

Writing:

* :mod:`~skseq.report.verdicts`: the plain-language conclusions;
  :mod:`~skseq.report.formatting`: number formats;
  :mod:`~skseq.report.tables`: the tables;
  :mod:`~skseq.report.document`: the report as blocks;
  :mod:`~skseq.report.render`: Markdown and HTML;
  :mod:`~skseq.report.figures`: the figures;
  :mod:`~skseq.report.writer`: the files (``report.md``, ``report.html``,
  ``results.csv``, ``settings.json``); :mod:`~skseq.report.output`: the
  output folder, replaced only once the new report is complete.
"""

from .results import BenchmarkConfig, BenchmarkResult
from .runner import run_benchmark
from .tasks import BUDGETS, TASKS, resolve_tasks

__all__ = [
    "BUDGETS",
    "TASKS",
    "BenchmarkConfig",
    "BenchmarkResult",
    "run_benchmark",
    "resolve_tasks",
]
