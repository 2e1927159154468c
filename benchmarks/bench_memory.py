"""Memory of windowing a long series: SlidingWindows views vs a materialised copy.

Run::

    python benchmarks/bench_memory.py                 # 1,000,000 x 8, lookback 256
    python benchmarks/bench_memory.py --n 100000      # quicker
    python benchmarks/bench_memory.py --grid-train 500000   # bigger CV folds

The grid search step runs ``GridSearchCV`` (2 candidates x 2
``TimeSeriesWindowSplit`` folds of a scaler + LSTM pipeline, 1 epoch) on
:class:`skseq.LazyWindows` over all the windows: folds stay views, so its peak
stays within a few times the raw series instead of a copy per fold.

Two measurements per step, and why both:

* ``traced peak``: :mod:`tracemalloc`'s peak of memory allocated *during the
  step* (reset before each step). NumPy reports its data buffers to
  tracemalloc, so this is the exact peak of new array memory a step needs,
  independent of what the process held before. This is the number to read.
* ``RSS high-water +``: the growth of the process' peak resident set size
  (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) over the step. It counts
  everything (C buffers, the allocator), but only *above the previous peak*
  of the process: a step that needs less than an earlier one shows +0. It is
  a cross-check that nothing outside tracemalloc's sight allocated gigabytes.

The materialised copy of all windows is never made in full (it would be
8 GB): a copy of a slice of windows is timed and measured, and scaled up.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skseq.utils.validation import check_sequences  # noqa: E402
from skseq.windows import (  # noqa: E402
    FlattenWindows,
    SequenceScaler,
    SlidingWindows,
    make_supervised,
)

MB = 1e6


def _maxrss_bytes() -> int:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def measure(label: str, fn: Callable[[], Any], note: str = "") -> tuple[dict, Any]:
    """Run ``fn`` once; return its peak traced memory, RSS growth and time."""
    rss_before = _maxrss_bytes()
    tracemalloc.reset_peak()
    start_current, _ = tracemalloc.get_traced_memory()
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    row = {
        "step": label,
        "traced peak MB": (peak - start_current) / MB,
        "RSS high-water + MB": (_maxrss_bytes() - rss_before) / MB,
        "time s": seconds,
        "note": note,
    }
    return row, result


# ---------------------------------------------------------------------------
# The recurrent estimators' fit and predict on the same windows.
# ---------------------------------------------------------------------------
def measure_fit(
    windows: np.ndarray, series: np.ndarray, fit_samples: int
) -> list[dict]:
    """Measure validation, ``fit`` and ``predict`` of an LSTM on the windows.

    The network is tiny (8 hidden units, batches of 4,096, one epoch): the
    point is the memory of the data path, not the model. torch allocates
    outside tracemalloc's sight, so for these rows read the RSS column; the
    traced column shows what NumPy allocated (the per-batch copies).

    Parameters
    ----------
    windows : ndarray of shape (n_samples, lookback, n_features)
        The read-only window view from :class:`skseq.SlidingWindows`.
    series : ndarray of shape (n_samples, n_features)
        The series; the target is its first column one step ahead.
    fit_samples : int
        Train on the first ``fit_samples`` windows (all by default).

    Returns
    -------
    list of dict
        One row per measured step (see :func:`measure`).
    """
    from skseq import LSTMRegressor

    rows = []
    row, seqs = measure(
        "check_sequences(windows)",
        lambda: check_sequences(windows),
        "chunked validation, X stays a view",
    )
    assert np.shares_memory(seqs.X, windows), "validation copied the windows"
    rows.append(row)
    row, _ = measure(
        "SequenceScaler().fit(windows)",
        lambda: SequenceScaler().fit(windows),
        "overlapping-window path, O(n)",
    )
    rows.append(row)

    m = min(fit_samples, len(windows) - 1)
    X, y = windows[:m], series[1 : m + 1, 0]  # a slice of the view: no copy
    model = LSTMRegressor(hidden_size=8, batch_size=4096, max_epochs=1, random_state=0)
    row, model = measure(
        f"LSTMRegressor.fit({m:,} windows, 1 epoch)",
        lambda: model.fit(X, y),
        "batches gathered from the view",
    )
    rows.append(row)
    row, pred = measure(
        f"LSTMRegressor.predict({m:,} windows)",
        lambda: model.predict(X),
        "batches of 1,024 under inference_mode",
    )
    rows.append(row)
    assert pred.shape == (m,)
    return rows


# ---------------------------------------------------------------------------
# A grid search through cross-validation on the whole series (LazyWindows).
# ---------------------------------------------------------------------------
def measure_grid_search(windows: np.ndarray, series: np.ndarray, args) -> list[dict]:
    """Measure ``GridSearchCV`` over a scaler + LSTM pipeline on all windows.

    scikit-learn indexes every fold with an index array; on a plain window
    view that copies each fold's windows (``n_fold * lookback * features``
    values). Wrapped in :class:`skseq.LazyWindows`, the folds of
    :class:`~skseq.model_selection.TimeSeriesWindowSplit` reach the pipeline
    as views of the series. The network is tiny and trains one epoch: the
    figure is memory, not speed.

    Parameters
    ----------
    windows : ndarray of shape (n, lookback, n_features)
        The read-only window view of the whole series.
    series : ndarray of shape (n, n_features)
        The series; the target is its first column one step ahead.
    args : argparse.Namespace
        ``grid_train``, ``grid_test`` (fold sizes), ``grid_batch``.

    Returns
    -------
    list of dict
        One row (see :func:`measure`), with the size a copied fold would take.
    """
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from skseq import LazyWindows, LSTMRegressor
    from skseq.model_selection import TimeSeriesWindowSplit

    X, y = LazyWindows(windows)[:-1], series[1:, 0]
    model = make_pipeline(
        SequenceScaler(),
        LSTMRegressor(
            hidden_size=4,
            batch_size=args.grid_batch,
            max_epochs=1,
            random_state=0,
            torch_threads=1,
        ),
    )
    # One-off costs of the process (torch's first optimizer imports
    # torch._dynamo, ~100 MB of modules) are paid before measuring.
    LSTMRegressor(hidden_size=2, max_epochs=1).fit(windows[:64], series[1:65, 0])
    cv = TimeSeriesWindowSplit(
        n_splits=2, horizon=1, test_size=args.grid_test, max_train_size=args.grid_train
    )
    search = GridSearchCV(
        model,
        {"lstmregressor__hidden_size": [2, 4]},
        cv=cv,
        scoring="neg_mean_absolute_error",
        refit=False,
    )
    row, search = measure(
        f"GridSearchCV(LazyWindows(windows)) 2 x {cv.get_n_splits()} fits",
        lambda: search.fit(X, y),
        f"folds of {args.grid_train:,} / {args.grid_test:,} windows stay views",
    )
    _, T, F = windows.shape
    row["copied fold MB"] = args.grid_train * T * F * windows.itemsize / MB
    row["cv MAE"] = -float(search.cv_results_["mean_test_score"].max())
    return [row]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="time steps")
    parser.add_argument("--features", type=int, default=8)
    parser.add_argument("--lookback", type=int, default=256)
    parser.add_argument(
        "--copy-sample",
        type=int,
        default=20_000,
        help="windows copied to estimate the cost of a full copy",
    )
    parser.add_argument(
        "--fit-samples",
        type=int,
        default=1_000_000,
        help="windows the LSTM trains on (one epoch)",
    )
    parser.add_argument(
        "--grid-train",
        type=int,
        default=50_000,
        help="training windows per fold of the grid search (max_train_size)",
    )
    parser.add_argument(
        "--grid-test", type=int, default=10_000, help="test windows per fold"
    )
    parser.add_argument("--grid-batch", type=int, default=256)
    parser.add_argument(
        "--no-grid", action="store_true", help="skip the grid search step"
    )
    args = parser.parse_args(argv)
    n, f, lookback = args.n, args.features, args.lookback

    rng = np.random.default_rng(0)
    series = rng.standard_normal((n, f), dtype=np.float32)
    frame = pd.DataFrame(series, columns=[f"f{i}" for i in range(f)])
    copy_bytes = n * lookback * f * series.itemsize

    tracemalloc.start()
    rows = []
    row, windows = measure(
        "SlidingWindows(lookback).fit_transform(series)",
        lambda: SlidingWindows(lookback).fit_transform(series),
        "one padded float32 copy + a view",
    )
    rows.append(row)
    assert windows.shape == (n, lookback, f) and not windows.flags.writeable

    row, flat = measure(
        "FlattenWindows().fit_transform(windows)",
        lambda: FlattenWindows().fit_transform(windows),
        "reshape of the view: no copy",
    )
    assert np.shares_memory(flat, windows)
    rows.append(row)

    row, _ = measure(
        "make_supervised(frame, 'f0', horizon=1, lookback)",
        lambda: make_supervised(frame, "f0", horizon=1, lookback=lookback),
        "windows sliced to the kept rows",
    )
    rows.append(row)

    if not args.no_grid:  # first: RSS growth only shows above earlier peaks
        grid_rows = measure_grid_search(windows, series, args)
        rows.extend(grid_rows)
    rows.extend(measure_fit(windows, series, args.fit_samples))

    scaler = SequenceScaler().fit(windows)
    row, scaled = measure(
        "SequenceScaler.transform(windows)",
        lambda: scaler.transform(windows),
        "scales the series once, returns a view",
    )
    rows.append(row)
    del scaled

    k = min(args.copy_sample, n)
    row, sample = measure(
        f"np.ascontiguousarray(windows[:{k}])",
        lambda: np.ascontiguousarray(windows[:k]),
        f"copy of {k:,} windows (what fancy indexing does)",
    )
    rows.append(row)
    del sample
    tracemalloc.stop()

    scale = n / k
    table = pd.DataFrame(rows)
    print(
        f"Series: {n:,} steps x {f} features, float32, lookback {lookback}\n"
        f"  raw series:                       {series.nbytes / MB:10.1f} MB\n"
        f"  materialised copy of all windows: {copy_bytes / MB:10.1f} MB "
        f"(n * lookback * features * 4 bytes; not made)\n"
        f"  estimated time to materialise: >= "
        f"{rows[-1]['time s'] * scale:10.1f} s "
        f"(copy of {k:,} windows x {scale:.0f})\n"
    )
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    if not args.no_grid:
        grid = grid_rows[0]
        peak = max(grid["traced peak MB"], grid["RSS high-water + MB"])
        print(
            f"\nGrid search through cross-validation: peak {peak:.1f} MB = "
            f"{peak * MB / series.nbytes:.2f} x the raw series (goal <= 3 x, model "
            f"included); one copied training fold would take "
            f"{grid['copied fold MB']:.0f} MB. Best CV MAE {grid['cv MAE']:.3f}."
        )
    sw = rows[0]["traced peak MB"]
    print(
        f"\nSlidingWindows peak: {sw:.1f} MB = {sw * MB / series.nbytes:.2f} x the "
        f"raw series, {copy_bytes / (sw * MB):.0f} x less than a copy."
    )


if __name__ == "__main__":
    main()
