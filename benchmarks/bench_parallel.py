"""Parallel grid search: GridSearchCV(n_jobs=2) against n_jobs=1 on a small LSTM grid.

The estimators' ``torch_threads=None`` default keeps (workers x torch threads)
within the cores: in a joblib worker of ``GridSearchCV(n_jobs=2)`` on two
cores each fit runs with one torch thread, so the two workers do not fight
over the cores. This script times the same search (an ``LSTMRegressor``
pipeline, which normalises each window itself, on Seattle's daily weather, 4 candidates x 3
``TimeSeriesWindowSplit`` folds, no refit) side by side in one process:

``n_jobs=1``
    sequential, with the default thread policy (the cores of the machine);
``n_jobs=1, torch_threads=1``
    sequential with one torch thread (the fair floor on a busy machine);
``n_jobs=2``
    two loky worker processes, default policy (one thread each on 2 cores).

The loky workers are started and warmed up before timing (a first fit in a
fresh process pays about a second of imports); the repetitions are
interleaved in a rotating order and the ratios are medians of
per-repetition ratios. The machine's load average is printed before and
after: on a machine that other processes use, two workers cannot get two
free cores, and the ratio drops accordingly. The cross-validation scores of
the two one-thread-per-fit settings are compared (they must be identical; a
different torch thread count changes float rounding in the last digits).

Run::

    python benchmarks/bench_parallel.py              # ~2-4 min on 2 idle cores
    python benchmarks/bench_parallel.py --quick      # smaller grid, ~30 s
    python benchmarks/bench_parallel.py --repeat 5 --epochs 8
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from joblib import Parallel, cpu_count, delayed
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skseq  # noqa: E402
from skseq import LSTMRegressor, make_supervised  # noqa: E402
from skseq.datasets import load_weather_daily  # noqa: E402
from skseq.model_selection import TimeSeriesWindowSplit  # noqa: E402
from skseq.utils.threads import default_torch_threads  # noqa: E402


def make_search(cfg: argparse.Namespace, n_jobs: int, torch_threads=None):
    model = make_pipeline(
        LSTMRegressor(
            max_epochs=cfg.epochs,
            batch_size=32,
            random_state=0,
            torch_threads=torch_threads,
        ),
    )
    grid = {
        "lstmregressor__hidden_size": cfg.hidden,
        "lstmregressor__lr": [3e-3, 1e-2],
    }
    return GridSearchCV(
        model,
        grid,
        cv=TimeSeriesWindowSplit(n_splits=cfg.folds, horizon=1),
        scoring="neg_mean_absolute_error",
        refit=False,
        n_jobs=n_jobs,
    )


def _worker_warm_up() -> tuple[int, int]:
    """Import and fit once in a worker; report its pid and the thread policy."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 8, 4)).astype(np.float32)
    LSTMRegressor(hidden_size=4, max_epochs=1).fit(X, X[:, -1, 0])
    return os.getpid(), default_torch_threads()


def load(where: str) -> str:
    one, five, _ = os.getloadavg()
    return f"load average {where}: {one:.2f} (1 min), {five:.2f} (5 min)"


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--lookback", type=int, default=28)
    p.add_argument("--folds", type=int, default=3)
    p.add_argument("--repeat", type=int, default=3)
    cfg = p.parse_args(argv)
    cfg.hidden = [16, 32]
    if cfg.quick:
        cfg.epochs, cfg.folds, cfg.repeat, cfg.hidden = 2, 2, 2, [8, 16]

    weather = load_weather_daily()[["temp_max", "temp_min", "precipitation", "wind"]]
    X, y = make_supervised(weather, "temp_max", horizon=1, lookback=cfg.lookback)
    n_fits = 2 * len(cfg.hidden) * cfg.folds
    print(
        f"skseq {skseq.__version__}, torch {torch.__version__}, Python "
        f"{platform.python_version()}, {cpu_count()} CPU(s) for joblib, "
        f"main process: {torch.get_num_threads()} torch thread(s), default policy "
        f"{default_torch_threads()}"
    )
    print(
        f"Seattle daily weather: {len(X)} windows of {cfg.lookback} days x 4 "
        f"features; grid of {n_fits // cfg.folds} candidates x {cfg.folds} folds "
        f"= {n_fits} LSTM fits of {cfg.epochs} epochs per search"
    )
    print(load("before"))

    # Start the loky workers once (as a long-lived search would) and make
    # each pay its one-off imports before anything is timed.
    t0 = time.perf_counter()
    seen = Parallel(n_jobs=2)(delayed(_worker_warm_up)() for _ in range(4))
    workers = {pid: n for pid, n in seen}
    print(
        f"loky workers warmed up in {time.perf_counter() - t0:.1f} s; torch threads "
        f"per fit in each worker (default policy): {sorted(workers.values())}"
    )

    settings = {
        "n_jobs=1": lambda: make_search(cfg, 1),
        "n_jobs=1, torch_threads=1": lambda: make_search(cfg, 1, torch_threads=1),
        "n_jobs=2": lambda: make_search(cfg, 2),
    }
    times = {name: [] for name in settings}
    scores = {}
    names = list(settings)
    for rep in range(cfg.repeat):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for name in order:
            search = settings[name]()
            start = time.perf_counter()
            search.fit(X, y)
            times[name].append(time.perf_counter() - start)
            scores[name] = search.cv_results_["mean_test_score"]
        print(
            f"  rep {rep + 1}: "
            + ", ".join(f"{n} {times[n][-1]:.1f} s" for n in names),
            flush=True,
        )
    print(load("after"))

    base = times["n_jobs=2"]
    print(f"\n{'setting':28} {'search (s)':>10} {'n_jobs=2 is x faster [min-max]':>32}")
    for name in names:
        ratios = [t / b for t, b in zip(times[name], base, strict=True)]
        print(
            f"{name:28} {statistics.median(times[name]):10.2f} "
            f"{statistics.median(ratios):8.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"
        )
    one = scores["n_jobs=1, torch_threads=1"]
    print(
        "\ncross-validation scores, n_jobs=2 vs n_jobs=1 with torch_threads=1 "
        f"(one thread per fit in both): identical {np.array_equal(one, scores['n_jobs=2'])}"
    )
    diff = np.abs(scores["n_jobs=1"] - one).max()
    print(
        f"n_jobs=1 with the default threads vs one thread: largest difference {diff:.2g} "
        "(a different torch thread count changes float rounding, not the result)"
    )


if __name__ == "__main__":
    main()
