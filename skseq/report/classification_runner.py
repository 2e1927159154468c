"""Run one classification task: grid searches on the official training split,
scores on its test split, the network refitted with several seeds."""

from __future__ import annotations

import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
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
    grid_search,
    search_result,
    short_params,
    torch_threads,
    worker_pool,
)
from .task_models import note_not_run
from .tasks import CLASSIFICATION_BUDGETS, ClassificationTask

__all__ = ["classification_cells", "run_classification_task"]


#: Parameters of the classification network shown in the report.
_NETWORK_KEYS = (
    "cell",
    "head",
    "hidden_size",
    "conv_channels",
    "conv_strides",
    "conv_mode",
    "lr_schedule",
)


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


def _quiet_fit_predict(
    model: Any, X_train: Any, y_train: Any, X_test: Any
) -> np.ndarray:
    """:func:`_fit_predict` with warnings silenced (a worker cannot send them
    back, as in :func:`~skseq.report.search.grid_search`'s process pool)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _fit_predict(model, X_train, y_train, X_test)


def _seed_test_scores(
    y_test: Any, preds: list[np.ndarray], seeds: list[int]
) -> dict[str, Any]:
    """Mean test scores over the seeds' predictions, with ``accuracy_sd`` and
    the per-seed accuracies under ``accuracy_seeds``."""
    runs = [classification_scores(y_test, p) for p in preds]
    accuracies = [r["accuracy"] for r in runs]
    test: dict[str, Any] = {
        key: float(np.mean([r[key] for r in runs])) for key in runs[0]
    }
    test["accuracy_sd"] = float(np.std(accuracies, ddof=1)) if len(runs) > 1 else 0.0
    test["accuracy_seeds"] = dict(zip(seeds, accuracies, strict=True))
    return test


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
    return _seed_test_scores(y_test, [first, *preds], seeds), first


def _search_predict(
    spec: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    cv: Any,
    label: str,
    config: BenchmarkConfig,
    progress: Progress,
) -> tuple[GridSearchCV, float, dict[str, int], np.ndarray]:
    """Cross-validate and refit ``spec`` in one process, then predict the test
    split (a joblib task)."""
    search, seconds, caught = grid_search(
        spec, X_train, y_train, cv, "accuracy", label, config, progress
    )
    return search, seconds, caught, np.asarray(search.predict(X_test))


def fixed_network_scores(
    spec: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    cv: Any,
    seeds: list[int],
    label: str,
    config: BenchmarkConfig,
    progress: Progress,
) -> tuple[GridSearchCV, float, dict[str, int], dict[str, Any], np.ndarray]:
    """A network with one configuration: its cross-validation, its refit and
    the other seeds' fits share one pool of ``config.n_jobs`` workers.

    With nothing to choose, the refit does not wait for the folds: one
    worker cross-validates and refits with the first seed (about two fits'
    time with two folds on half the data), the others train the remaining
    seeds meanwhile. The results equal those of :func:`grid_search` followed
    by :func:`seed_scores`.

    Returns
    -------
    search : GridSearchCV
        Fitted (in a worker) with the first seed.
    seconds : float
        Wall time of the whole pool.
    caught : dict
        Warnings raised by the search (category -> count).
    test : dict
        Mean test scores over the seeds (see :func:`seed_scores`).
    first : ndarray
        The first seed's test predictions.
    """
    serial = replace(config, n_jobs=1)
    others = [
        clone(spec.estimator).set_params(model__random_state=seed) for seed in seeds[1:]
    ]
    t0 = time.perf_counter()
    with worker_pool():
        search_run, *preds = Parallel(n_jobs=config.n_jobs)(
            [
                delayed(_search_predict)(
                    spec, X_train, y_train, X_test, cv, label, serial, progress
                )
            ]
            + [delayed(_quiet_fit_predict)(m, X_train, y_train, X_test) for m in others]
        )
    seconds = time.perf_counter() - t0
    search, _, caught, first = search_run
    return (
        search,
        seconds,
        caught,
        _seed_test_scores(y_test, [first, *preds], seeds),
        first,
    )


def _search_and_score(
    spec: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    cv: Any,
    seeds: list[int],
    label: str,
    config: BenchmarkConfig,
    progress: Progress,
) -> tuple[GridSearchCV, float, dict[str, int], dict[str, Any], np.ndarray]:
    """Grid-search one model, then its test scores (a network's over the seeds)."""
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
    outcome = (search, seconds, caught, test, pred)
    _report_done(label, spec, outcome, progress)
    return outcome


def _network_params(spec: Any, search: GridSearchCV) -> dict[str, Any]:
    if spec.kind != "network":
        return short_params(search.best_params_)
    # The whole configuration, searched or fixed.
    chosen = search.best_estimator_.named_steps["model"].get_params()
    return {key: chosen[key] for key in _NETWORK_KEYS}


def _report_done(label: str, spec: Any, outcome: tuple, progress: Progress) -> None:
    search, seconds, _, test, _ = outcome
    best = _network_params(spec, search)
    spread = f" +- {test['accuracy_sd']:.3f}" if "accuracy_sd" in test else ""
    progress(
        f"  {label}: done in {seconds:.1f}s; CV accuracy {search.best_score_:.3f}, "
        f"test accuracy {test['accuracy']:.3f}{spread}"
        + (f"; best {best}" if best else "")
    )


def _model_result(
    spec: Any,
    search: GridSearchCV,
    seconds: float,
    caught: dict[str, int],
    test: dict[str, Any],
    pred: np.ndarray,
) -> ModelResult:
    return search_result(
        spec,
        search,
        sign=1.0,
        best_params=_network_params(spec, search),
        seconds=seconds,
        caught=caught,
        test=test,
        pred=pred,
    )


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
        for s in classification_models(
            task, budget, config.seed, cells, n_timesteps=lengths[-1]
        )
        if s.kind in ("reference", "network")
        or config.models is None
        or s.name in config.models
    ]
    labels = [
        f"{task.name} [{i}/{len(specs)}] {s.name}" for i, s in enumerate(specs, 1)
    ]

    def in_shared_pool(spec: Any) -> bool:
        return (
            spec.kind == "network"
            and not spec.param_grid
            and config.n_jobs != 1
            and config.scheduler is None
        )

    # A one-configuration network trains in the worker pool (a background
    # thread waits on it) while this process fits the baselines.
    outcomes: dict[int, tuple] = {}
    with ThreadPoolExecutor(max_workers=1) as background:
        pending = {
            i: background.submit(
                fixed_network_scores,
                spec,
                X_train,
                y_train,
                X_test,
                y_test,
                cv,
                seeds,
                labels[i],
                config,
                progress,
            )
            for i, spec in enumerate(specs)
            if in_shared_pool(spec)
        }
        for i, spec in enumerate(specs):
            if i not in pending:
                outcomes[i] = _search_and_score(
                    spec,
                    X_train,
                    y_train,
                    X_test,
                    y_test,
                    cv,
                    seeds,
                    labels[i],
                    config,
                    progress,
                )
        for i, future in pending.items():
            outcomes[i] = future.result()
            _report_done(
                labels[i], spec=specs[i], outcome=outcomes[i], progress=progress
            )
    results = [_model_result(spec, *outcomes[i]) for i, spec in enumerate(specs)]
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
