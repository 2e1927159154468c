"""Which models a task runs: its names, those ``--models`` asks for and lacks."""

from __future__ import annotations

from typing import Any

from .classification import classification_models
from .models import forecast_models
from .registry import CELLS
from .search import Progress
from .tasks import BUDGETS, CLASSIFICATION_BUDGETS, ClassificationTask, ForecastTask

__all__ = ["not_run", "note_not_run", "select_specs", "task_model_names"]


def select_specs(specs: list[Any], models: list[str] | None) -> list[Any]:
    """The specs ``--models`` asks for, and the reference always."""
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


def not_run(
    task: ForecastTask | ClassificationTask, models: list[str] | None
) -> list[str]:
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


def note_not_run(
    task: ForecastTask | ClassificationTask,
    config: Any,
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
