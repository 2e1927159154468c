"""Run one classification task: grid searches on the official training split,
scores on its test split, the network refitted with several seeds."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skseq.datasets import load_classification

from .classification import PUBLISHED_ACCURACIES, SOURCES, classification_models
from .registry import CELLS
from .results import BenchmarkConfig, ModelResult, TaskResult
from .search import (
    Progress,
    fold_scores,
    grid_search,
    loss_description,
    refit_history,
    short_params,
    torch_threads,
)
from .task_models import note_not_run
from .tasks import CLASSIFICATION_BUDGETS, ClassificationTask

__all__ = ["classification_cells", "run_classification_task"]


#: Parameters of the classification network shown in the report.
_NETWORK_KEYS = ("cell", "head", "hidden_size", "conv_channels", "conv_mode")


def classification_cells(budget: Any, models: list[str] | None) -> tuple[str, ...]:
    """Cells the classification network searches, narrowed by ``--models``.

    All of the budget's cells when no model is named or ``network`` is;
    the named cells (``lstm``, ``gru``, ``rnn``) otherwise; none (no network)
    when only baselines are named.
    """
    if models is None or "network" in models:
        return tuple(budget.cells)
    return tuple(cell for cell in CELLS if cell in models)


def classification_scores(y_true: Any, pred: Any) -> dict[str, float]:
    """Accuracy, balanced accuracy and macro F1."""
    return {
        "accuracy": float(accuracy_score(y_true, pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, pred)),
        "macro_f1": float(f1_score(y_true, pred, average="macro")),
    }


def _fit_predict(model: Any, X_train: Any, y_train: Any, X_test: Any) -> np.ndarray:
    """Fit ``model`` and predict the test split (a joblib task)."""
    return np.asarray(model.fit(X_train, y_train).predict(X_test))


def seed_scores(
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
    with torch_threads(config.threads):
        first = np.asarray(search.predict(X_test))
    models = [
        clone(search.best_estimator_).set_params(model__random_state=seed)
        for seed in seeds[1:]
    ]
    if config.n_jobs == 1 or len(models) < 2:
        with torch_threads(config.threads):
            preds = [_fit_predict(m, X_train, y_train, X_test) for m in models]
    else:
        with parallel_config(backend="loky", inner_max_num_threads=1):
            preds = Parallel(n_jobs=config.n_jobs)(
                delayed(_fit_predict)(m, X_train, y_train, X_test) for m in models
            )
    runs = [classification_scores(y_test, p) for p in [first, *preds]]
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
    note_not_run(task, config, data, progress)
    cells = classification_cells(budget, config.models)
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
        search, seconds, caught = grid_search(
            spec, X_train, y_train, cv, "accuracy", label, config, progress
        )
        if spec.kind == "network":
            t0 = time.perf_counter()
            test, pred = seed_scores(
                search, X_train, y_train, X_test, y_test, seeds, config
            )
            seconds += time.perf_counter() - t0
        else:
            with torch_threads(config.threads):
                pred = np.asarray(search.predict(X_test))
            test = classification_scores(y_test, pred)
        best_params = short_params(search.best_params_)
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
            cv_fold_scores=fold_scores(search, 1.0),
            n_candidates=len(search.cv_results_["params"]),
            search_time=seconds,
            refit_time=float(search.refit_time_),
            test=test,
            predictions=pred,
            history=refit_history(search),
            warnings=caught,
            loss=loss_description(search),
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
