"""Benchmark runner and report writer behind ``skseq benchmark``.

* :mod:`skseq.report.tasks`: the tasks (stock returns, Seattle and NYC
  temperatures, UCR classification) and the run modes.
* :mod:`skseq.report.models`: the models of each task and their grids.
* :mod:`skseq.report.runner`: grid searches on the training period, scores on
  the held-out test period, Diebold-Mariano tests.
* :mod:`skseq.report.figures`, :mod:`skseq.report.writer`: PNG figures,
  ``report.md``, ``report.html`` and ``results.csv``.
"""

from .runner import BenchmarkConfig, BenchmarkResult, run_benchmark
from .tasks import BUDGETS, TASKS, resolve_tasks

__all__ = [
    "BUDGETS",
    "TASKS",
    "BenchmarkConfig",
    "BenchmarkResult",
    "run_benchmark",
    "resolve_tasks",
]
