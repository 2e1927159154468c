"""Compare the networks' ``normalize`` options on the benchmark's weather data.

One GRU per option (hidden 32, early stopping on the newest 15 %, one seed),
trained on the first 80 % of the forecast origins and scored (MAE, mean over
the horizon) on the rest, next to the naive forecast and ridge on the lags::

    python benchmarks/bench_normalization.py seattle --lookback 14
    python benchmarks/bench_normalization.py nyc-hourly --lookback 48 --epochs 30
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skseq import FlattenWindows, GRURegressor, make_supervised
from skseq.report.tasks import TASKS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["seattle", "nyc-hourly"])
    parser.add_argument("--lookback", type=int, default=14)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument(
        "--modes", default="window,window-mean,delta,global",
        help="comma-separated normalize values; window-mean uses the window "
        "mean as location",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    task = TASKS[args.task]
    frame, _ = task.load({"rows": None})
    X, y = make_supervised(
        frame, task.target, horizon=task.horizon, lookback=args.lookback,
        min_history="full",
    )
    y = np.asarray(y, dtype=float).reshape(len(X), -1)
    cut = int(len(X) * 0.8)
    start = cut + task.horizon - 1
    Xtr, ytr, Xte, yte = X[:cut], y[:cut], X[start:], y[start:]
    naive = np.asarray(Xte[:, -1, task.target_position], dtype=float)[:, None]
    print(f"naive  MAE {np.abs(yte - naive).mean():.4f}")
    ridge = make_pipeline(FlattenWindows(), StandardScaler(), Ridge(1.0)).fit(Xtr, ytr)
    print(f"ridge  MAE {np.abs(yte - ridge.predict(Xte)).mean():.4f}")
    common = dict(
        hidden_size=32, max_epochs=args.epochs, lr=3e-3, batch_size=64,
        early_stopping=True, validation_fraction=0.15, patience=5, random_state=0,
        target_index=task.target_position,
    )
    for mode in args.modes.split(","):
        normalize, _, variant = mode.partition("-")
        cls = GRURegressor
        if variant == "mean":
            cls = type("MeanLocationGRU", (GRURegressor,), {"_window_location": "mean"})
        t0 = time.perf_counter()
        model = cls(normalize=None if normalize == "none" else normalize, **common)
        pred = model.fit(Xtr, ytr).predict(Xte).reshape(len(yte), -1)
        err = np.abs(yte - pred).mean(axis=0)
        print(
            f"{mode:12s} MAE {err.mean():.4f}  step 1 {err[0]:.3f}  "
            f"last step {err[-1]:.3f}  ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
