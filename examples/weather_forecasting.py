"""Forecast Seattle's daily maximum temperature with a GRU: next day and the next 7 days.

What it shows
-------------
* Multivariate windows: the GRU reads the last 21 days of maximum and minimum
  temperature, precipitation, wind, and the day of the year (as sine and
  cosine, known at the forecast origin), built with
  :func:`skseq.make_supervised`.
* Next-day forecasting (one output) and direct 7-day forecasting (one output
  column per day ahead, one network), each in a
  :class:`~sklearn.pipeline.Pipeline` with :class:`skseq.SequenceScaler`.
* Baselines a forecaster tries first, on the same test origins:
  persistence (:class:`skseq.baselines.NaiveRegressor`, tomorrow = today),
  the same day last year (:class:`skseq.baselines.SeasonalNaiveRegressor`
  with ``season=365`` on 365-day windows), and a ridge regression on the
  flattened 21-day lags (:class:`skseq.FlattenWindows` + ``RidgeCV``), the
  strong linear baseline.
* Training on 2012-2014 and testing on 2015, with a gap of ``horizon - 1``
  days so that no training target falls in 2015.

Persistence is hard to beat one day ahead and the ridge model is a strong
competitor: on the bundled data (at the time of writing) the GRU has the
lowest next-day MAE (about 2.0 degrees against 2.2 for ridge and
persistence), while over 7 days ridge is slightly ahead of it (2.84 against
2.93). Same-day-last-year wins nothing at these horizons, but its (large)
error stays flat as the horizon grows.

Data: NOAA daily weather for Seattle 2012-2015, bundled
(``skseq.datasets.load_weather_daily``), offline.

Run::

    python examples/weather_forecasting.py                  # about 10 seconds
    python examples/weather_forecasting.py --quick          # a few seconds
    python examples/weather_forecasting.py --out my-folder  # where the PNG goes

``--quick`` (or ``SKSEQ_EXAMPLES_QUICK=1``) trains tiny networks for two
epochs: the numbers are then meaningless, it only checks that everything
runs. The figure goes to ``<out>/weather_forecasting.png`` (default
``./examples-output``).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.linear_model import RidgeCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skseq import (  # noqa: E402
    FlattenWindows,
    GRURegressor,
    SequenceScaler,
    make_supervised,
)
from skseq.baselines import NaiveRegressor, SeasonalNaiveRegressor  # noqa: E402
from skseq.datasets import load_weather_daily  # noqa: E402
from skseq.metrics import mae, rmse  # noqa: E402

TARGET = "temp_max"
FEATURES = ["temp_max", "temp_min", "precipitation", "wind", "doy_sin", "doy_cos"]
TEST_START = "2015-01-01"
SEASON = 365


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("SKSEQ_EXAMPLES_QUICK", "") not in ("", "0"),
        help="tiny run that finishes in seconds (also SKSEQ_EXAMPLES_QUICK=1)",
    )
    parser.add_argument("--out", default="examples-output", help="output folder")
    return parser.parse_args(argv)


def build_frame() -> pd.DataFrame:
    frame = load_weather_daily().drop(columns="weather")
    day = frame.index.dayofyear.to_numpy()
    frame["doy_sin"] = np.sin(2 * np.pi * day / 365.25)
    frame["doy_cos"] = np.cos(2 * np.pi * day / 365.25)
    return frame


def masks(origins: pd.Index, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and test origins; the last horizon - 1 training origins are a gap."""
    test = np.asarray(origins >= pd.Timestamp(TEST_START))
    n_train = int(np.argmax(test)) - (horizon - 1)
    train = np.arange(len(origins)) < n_train
    return train, test


def windows(frame, horizon, lookback, features):
    X, y, origins = make_supervised(
        frame,
        TARGET,
        horizon=horizon,
        lookback=lookback,
        features=features,
        return_index=True,
    )
    return X, np.asarray(y, dtype=float).reshape(len(origins), horizon), origins


def run_horizon(frame: pd.DataFrame, horizon: int, args) -> dict:
    lookback = 21
    X, y, origins = windows(frame, horizon, lookback, FEATURES)
    train, test = masks(origins, horizon)
    # The first lookback - 1 windows are NaN front-padded: fine for the GRU
    # (a shorter sequence), not for ridge, which trains on full windows only.
    full = np.arange(len(X)) >= lookback - 1

    gru = make_pipeline(
        SequenceScaler(),
        GRURegressor(
            normalize=None,  # the SequenceScaler in front scales the inputs
            hidden_size=8 if args.quick else 32,
            max_epochs=2 if args.quick else 60,
            lr=3e-3,
            early_stopping=not args.quick,
            validation_fraction=0.15,
            patience=8,
            random_state=0,
        ),
    ).fit(X[train], y[train])
    ridge = make_pipeline(
        FlattenWindows(), StandardScaler(), RidgeCV(alphas=np.logspace(-2, 3, 12))
    ).fit(X[train & full], y[train & full])
    target_col = FEATURES.index(TARGET)
    naive = NaiveRegressor(target_index=target_col).fit(X[train], y[train])

    # Same day last year needs a year of history: 365-day windows of the target.
    X_year, _, origins_year = windows(frame, horizon, SEASON, [TARGET])
    assert origins_year.equals(origins)
    seasonal = SeasonalNaiveRegressor(season=SEASON).fit(X_year[train], y[train])

    forecasts = {
        "GRU": gru.predict(X[test]),
        "ridge on lags": ridge.predict(X[test]),
        "persistence": naive.predict(X[test]),
        "same day last year": seasonal.predict(X_year[test]),
    }
    forecasts = {k: np.asarray(v).reshape(-1, horizon) for k, v in forecasts.items()}
    return {
        "origins": origins[test],
        "actual": y[test],
        "forecasts": forecasts,
        "n_train": int(train.sum()),
        "epochs": len(gru[-1].history_),
    }


def report(result: dict, horizon: int) -> None:
    actual = result["actual"]
    print(
        f"\n{TARGET}, horizon {horizon} day(s): {result['n_train']} training "
        f"windows (GRU trained {result['epochs']} epochs), {len(actual)} test "
        f"origins in 2015; degrees C"
    )
    rows = {}
    for name, pred in result["forecasts"].items():
        row = {"MAE": mae(actual, pred), "RMSE": rmse(actual, pred)}
        if horizon > 1:
            per_step = mae(actual, pred, multioutput="raw_values")
            row.update({f"MAE t+{h + 1}": v for h, v in enumerate(per_step)})
        rows[name] = row
    print(pd.DataFrame(rows).T.round(2).to_string())


def plot(results: dict, path: Path) -> None:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.5))
    one = results[1]
    dates = one["origins"] + pd.Timedelta(days=1)
    window = slice(0, 120)  # January to April 2015
    ax1.plot(
        dates[window], one["actual"][window, 0], color="black", lw=1.5, label="actual"
    )
    for name in ("GRU", "persistence", "ridge on lags"):
        ax1.plot(dates[window], one["forecasts"][name][window, 0], lw=1, label=name)
    ax1.set_ylabel("max temperature, degrees C")
    ax1.set_title("Seattle: next-day forecasts, early 2015")
    ax1.legend()
    ax1.tick_params(axis="x", rotation=30)

    multi = results[max(results)]
    steps = np.arange(1, multi["actual"].shape[1] + 1)
    for name, pred in multi["forecasts"].items():
        ax2.plot(
            steps,
            mae(multi["actual"], pred, multioutput="raw_values"),
            "o-",
            label=name,
        )
    ax2.set_xlabel("days ahead (direct multi-output models)")
    ax2.set_ylabel("test MAE, degrees C")
    ax2.set_title("Error by horizon step, 2015")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> None:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    frame = build_frame()
    results = {}
    for horizon in (1, 7):
        results[horizon] = run_horizon(frame, horizon, args)
        report(results[horizon], horizon)
    path = out / "weather_forecasting.png"
    plot(results, path)
    print(f"\nfigure written to {path}")


if __name__ == "__main__":
    main()
