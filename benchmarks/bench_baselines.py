"""Fit and predict times of the classical baselines on sliding windows.

For each series (a 5,000-point random walk, and a sine with period 24 plus
noise) the windows of ``lookback`` steps are split in time: the models are
fitted on all windows but the last ``n_predict`` and then forecast those
``n_predict`` windows (``horizon`` steps each). The table shows the median
over ``repeat`` runs of the fit time, the predict time for the whole batch,
and the one-step MAE of the forecasts, next to what statsmodels' own
per-window conditioning (``results.apply(window, refit=False).forecast``)
costs for the same ARIMA.

Run::

    python benchmarks/bench_baselines.py
    python benchmarks/bench_baselines.py --n 5000 --lookback 64 --n-predict 1000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from statsmodels.tsa.arima.model import ARIMA
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir))

from skseq.baselines import (  # noqa: E402
    ARIMARegressor,
    DriftRegressor,
    ExponentialSmoothingRegressor,
    MeanRegressor,
    NaiveRegressor,
    SeasonalNaiveRegressor,
)
from skseq.windows import FlattenWindows, make_supervised  # noqa: E402


def make_series(kind: str, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "random_walk":
        return 100.0 + np.cumsum(rng.normal(size=n))
    t = np.arange(n)
    return 10.0 + 3.0 * np.sin(2 * np.pi * t / 24) + rng.normal(scale=0.5, size=n)


def models(kind: str) -> dict:
    common = {
        "Naive": NaiveRegressor(),
        "SeasonalNaive(season=24)": SeasonalNaiveRegressor(season=24),
        "Drift": DriftRegressor(),
        "Mean": MeanRegressor(),
    }
    if kind == "random_walk":
        specific = {
            "ARIMA(1,1,1)": ARIMARegressor(order=(1, 1, 1)),
            "ARIMA(0,1,0)+drift": ARIMARegressor(order=(0, 1, 0), trend="t"),
            "ETS(A,N,N)": ExponentialSmoothingRegressor(),
            "ETS(A,Ad,N)": ExponentialSmoothingRegressor(
                trend="add", damped_trend=True
            ),
        }
    else:
        specific = {
            "ARIMA(2,0,1)": ARIMARegressor(order=(2, 0, 1)),
            "SARIMA(1,0,0)(1,0,0,24)": ARIMARegressor(
                order=(1, 0, 0), seasonal_order=(1, 0, 0, 24)
            ),
            "ETS(A,N,A) m=24": ExponentialSmoothingRegressor(
                seasonal="add", seasonal_periods=24
            ),
            "ETS(A,Ad,A) m=24": ExponentialSmoothingRegressor(
                trend="add", damped_trend=True, seasonal="add", seasonal_periods=24
            ),
        }
    lags = {"FlattenWindows+Ridge": make_pipeline(FlattenWindows(), Ridge())}
    return {**common, **specific, **lags}


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def statsmodels_apply_time(series, X_test, order, seasonal_order, horizon, n_windows):
    """Seconds per window for statsmodels' own conditioning on a window.

    Single-threaded BLAS, as the skseq baselines use (faster for both).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        res = ARIMA(series, order=order, seasonal_order=seasonal_order).fit()
        t0 = time.perf_counter()
        for i in range(n_windows):
            res.apply(X_test[i, :, 0], refit=False).forecast(horizon)
    return (time.perf_counter() - t0) / n_windows


def run(kind: str, args) -> pd.DataFrame:
    series = make_series(kind, args.n)
    frame = pd.DataFrame({"y": series})
    X, y = make_supervised(
        frame, "y", horizon=args.horizon, lookback=args.lookback, min_history="full"
    )
    X_train, y_train = X[: -args.n_predict], y[: -args.n_predict]
    X_test, y_test = X[-args.n_predict :], y[-args.n_predict :]
    y_test = np.asarray(y_test).reshape(len(X_test), -1)
    rows = []
    for name, model in models(kind).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels convergence chatter
            fit_s, fitted = timed(
                lambda model=model: clone(model).fit(X_train, y_train), args.repeat
            )
            pred_s, pred = timed(lambda f=fitted: f.predict(X_test), args.repeat)
        pred = np.asarray(pred).reshape(len(X_test), -1)
        rows.append(
            {
                "series": kind,
                "model": name,
                "fit_s": fit_s,
                f"predict_{args.n_predict}_ms": 1e3 * pred_s,
                "mae_h1": float(np.mean(np.abs(pred[:, 0] - y_test[:, 0]))),
            }
        )
    if not args.skip_statsmodels:
        order, seasonal = (
            ((1, 1, 1), (0, 0, 0, 0))
            if kind == "random_walk"
            else ((2, 0, 1), (0,) * 4)
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            per = statsmodels_apply_time(
                series[: len(X_train) + args.lookback],
                X_test,
                order,
                seasonal,
                args.horizon,
                args.statsmodels_windows,
            )
        rows.append(
            {
                "series": kind,
                "model": f"statsmodels apply() loop, ARIMA{order} (extrapolated)",
                "fit_s": float("nan"),
                f"predict_{args.n_predict}_ms": 1e3 * per * len(X_test),
                "mae_h1": float("nan"),
            }
        )
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="series length")
    parser.add_argument("--lookback", type=int, default=64)
    parser.add_argument("--n-predict", type=int, default=1000)
    parser.add_argument("--horizon", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--statsmodels-windows",
        type=int,
        default=100,
        help="windows timed for the statsmodels apply() reference",
    )
    parser.add_argument("--skip-statsmodels", action="store_true")
    parser.add_argument("--series", nargs="+", default=["random_walk", "sine_noise"])
    args = parser.parse_args(argv)

    print(
        f"# skseq baselines: n={args.n}, lookback={args.lookback}, "
        f"n_predict={args.n_predict}, horizon={args.horizon}, "
        f"median of {args.repeat}; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}"
    )
    table = pd.concat([run(kind, args) for kind in args.series], ignore_index=True)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))


if __name__ == "__main__":
    main()
