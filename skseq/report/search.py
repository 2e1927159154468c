"""Grid searches of the benchmark: the search itself, its scorer with progress
lines, the worker pool and what is read back from a fitted search."""

from __future__ import annotations

import contextlib
import signal
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV

from skseq.metrics import mae

from .models import ModelSpec
from .results import BenchmarkConfig, ModelResult

__all__ = [
    "Progress",
    "grid_search",
    "loss_description",
    "seed_predictions",
    "torch_threads",
    "search_result",
    "worker_pool",
]


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


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with ``n`` torch threads, then restore the previous count."""
    previous = torch.get_num_threads()
    torch.set_num_threads(max(1, int(n)))
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# ---------------------------------------------------------------- searching


def as_2d(a: Any) -> np.ndarray:
    """A 1-D array as one column; 2-D arrays unchanged."""
    a = np.asarray(a)
    return a[:, None] if a.ndim == 1 else a


def grid_search(
    spec: ModelSpec,
    X: Any,
    y: Any,
    cv: Any,
    metric: str,
    label: str,
    config: BenchmarkConfig,
    progress: Progress,
    extra_seeds: tuple[Any, list[int]] | None = None,
) -> tuple[GridSearchCV, float, dict[str, int]]:
    """Grid-search ``spec`` on (X, y); returns the fitted search, its seconds and
    the warnings raised (category -> count).

    ``extra_seeds``, ``(X_pred, seeds)``, asks for the winner to be trained
    with further seeds as well. In a local worker pool the refit and those
    seeds' fits then run side by side in the pool (the refit would otherwise
    leave all but one worker idle), and their predictions of ``X_pred`` are
    kept as ``search.seed_predictions_`` (seed -> array); elsewhere that
    attribute is not set and the caller trains the seeds itself.
    """
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
    pooled_refit = extra_seeds is not None and n_jobs not in (1, -1)
    search = GridSearchCV(
        spec.estimator,
        grid,
        scoring=scorer,
        cv=cv,
        refit=not pooled_refit,
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
                if pooled_refit:
                    assert extra_seeds is not None
                    _refit_with_seeds(search, X, y, *extra_seeds, n_jobs)
    seconds = time.perf_counter() - t0
    counts = Counter(w.category.__name__ for w in caught)
    return search, seconds, dict(counts)


def _fit_seed(
    model: Any, X: Any, y: Any, X_pred: Any, keep: bool
) -> tuple[Any, np.ndarray, float]:
    """Fit ``model``, predict ``X_pred``; return the model only when ``keep``."""
    t0 = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - t0
    return (model if keep else None), np.asarray(model.predict(X_pred)), seconds


def _refit_with_seeds(
    search: GridSearchCV, X: Any, y: Any, X_pred: Any, seeds: list[int], n_jobs: int
) -> None:
    """Refit a ``refit=False`` search's winner beside its other seeds' fits.

    The winner, trained with the search's own seed, becomes
    ``search.best_estimator_`` (with ``refit_time_``), exactly as scikit-learn's
    refit would make it; the other seeds' predictions of ``X_pred`` go to
    ``search.seed_predictions_``.
    """
    winner = clone(search.estimator).set_params(**search.best_params_)
    models = [winner] + [
        clone(winner).set_params(model__random_state=seed) for seed in seeds
    ]
    fits = Parallel(n_jobs=n_jobs)(
        delayed(_fit_seed)(model, X, y, X_pred, i == 0)
        for i, model in enumerate(models)
    )
    search.refit = True
    search.best_estimator_ = fits[0][0]
    search.refit_time_ = fits[0][2]
    search.seed_predictions_ = {
        seed: pred for seed, (_, pred, _) in zip(seeds, fits[1:], strict=True)
    }


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


def _network(search: GridSearchCV) -> Any | None:
    """The fitted network inside the search's winner (None for other models)."""
    best = getattr(search.best_estimator_, "regressor_", search.best_estimator_)
    model = best.named_steps.get("model") if hasattr(best, "named_steps") else best
    return model if model is not None and hasattr(model, "net_") else None


_LOSS_NAMES = {
    "squared_error": "mean squared error",
    "quantile": "pinball (quantile) loss",
    "gaussian": "Gaussian negative log-likelihood",
    "student_t": "Student-t negative log-likelihood",
}

_SCALES = {
    "window": "on window-normalised targets",
    "delta": "on changes from the last value, normalised",
    "global": "on standardised targets",
}


def loss_description(search: GridSearchCV) -> str:
    """The training loss of a network's winner, in words ("" for other models).

    Names the loss, the scale it is computed on and, for an encoder-decoder
    trained with teacher forcing, says that its training loss is
    teacher-forced (the validation loss is not).
    """
    model = _network(search)
    if model is None:
        return ""
    params = model.get_params()
    if "loss" in params:
        text = _LOSS_NAMES.get(params["loss"], str(params["loss"]))
        text += " " + _SCALES.get(params.get("normalize"), "on the scaled targets")
    else:
        text = "cross-entropy"
    if params.get("teacher_forcing", 0) > 0:
        text += "; the training loss is teacher-forced (the decoder reads the true "
        text += "previous values), the validation loss is not"
    return text


def refit_history(search: GridSearchCV) -> list[dict[str, float]] | None:
    """Per-epoch losses of a network's refit (None for other models)."""
    model = _network(search)
    if model is None:
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


def fold_scores(search: GridSearchCV, sign: float) -> list[float]:
    """The winner's score on each fold, multiplied by ``sign``."""
    i = search.best_index_
    n = search.n_splits_
    return [
        sign * float(search.cv_results_[f"split{k}_test_score"][i]) for k in range(n)
    ]


def search_result(
    spec: ModelSpec,
    search: GridSearchCV,
    *,
    sign: float,
    best_params: dict[str, Any],
    seconds: float,
    caught: dict[str, int],
    test: dict[str, Any],
    pred: np.ndarray,
) -> ModelResult:
    """The :class:`ModelResult` of a fitted search.

    ``sign`` turns the scorer's value into the reported CV score (-1 for
    errors, which scikit-learn maximises negated; 1 for accuracies).
    """
    return ModelResult(
        name=spec.name,
        kind=spec.kind,
        description=spec.description,
        best_params=best_params,
        cv_score=sign * float(search.best_score_),
        cv_fold_scores=fold_scores(search, sign),
        n_candidates=len(search.cv_results_["params"]),
        search_time=seconds,
        refit_time=float(search.refit_time_),
        test=test,
        predictions=pred,
        history=refit_history(search),
        warnings=caught,
        loss=loss_description(search),
        panel=spec.panel,
    )


def _fit_predict(model: Any, X_train: Any, y_train: Any, X_test: Any) -> np.ndarray:
    """Fit ``model`` and predict the test period (a joblib task)."""
    return np.asarray(model.fit(X_train, y_train).predict(X_test))


def seed_predictions(
    search: GridSearchCV,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    seeds: list[int],
    config: BenchmarkConfig,
) -> list[np.ndarray]:
    """Test predictions of the search winner refitted once per seed.

    Each seed trains a clone of the winner with ``model__random_state``
    changed, in the worker pool when ``config.n_jobs > 1``.

    Parameters
    ----------
    search : GridSearchCV
        Fitted search whose best estimator is a pipeline with a ``model`` step.
    X_train, y_train, X_test : array-like
    seeds : list of int
    config : BenchmarkConfig

    Returns
    -------
    list of ndarray
        One prediction array per seed, in the order of ``seeds``.
    """
    models = [
        clone(search.best_estimator_).set_params(model__random_state=seed)
        for seed in seeds
    ]
    if config.n_jobs == 1 or len(models) < 2:
        with torch_threads(config.threads):
            return [_fit_predict(m, X_train, y_train, X_test) for m in models]
    with parallel_config(backend="loky", inner_max_num_threads=1):
        return Parallel(n_jobs=config.n_jobs)(
            delayed(_fit_predict)(m, X_train, y_train, X_test) for m in models
        )


def short_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameter names without their pipeline step prefix."""
    return {key.split("__")[-1]: value for key, value in params.items()}
