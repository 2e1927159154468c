"""Forecast AAPL one and five trading days ahead with an LSTM, against the naive forecast.

What it shows
-------------
* Framing a price series for a recurrent network: the LSTM reads 30-day
  windows of scale-free features (daily log return and the log of the
  high/low range) built with :func:`skseq.make_supervised`, and learns the
  *cumulative log return* to each of the next days. Its forecasts are turned
  back into prices, ``P_t * exp(r_hat)``.
* A :class:`~sklearn.pipeline.Pipeline` of :class:`skseq.SequenceScaler` and
  :class:`skseq.LSTMRegressor`: the scaler is fitted on the training period
  only, and early stopping validates on the newest training windows.
* Two models: next-day (one output) and a direct 5-day multi-output model
  (one output column per day ahead, one network).
* A fair comparison on a held-out test period (the last year of the bundled
  snapshot): :class:`skseq.baselines.NaiveRegressor` (tomorrow's price =
  today's, the random walk) and :class:`skseq.baselines.DriftRegressor` on
  the very same forecast origins; MAE, RMSE and MASE in dollars, directional
  accuracy, and a Diebold-Mariano test of LSTM vs naive.
* A gap of ``horizon - 1`` days between training and test origins, so that no
  training target lies inside the test period.

Expect the LSTM *not* to beat the naive forecast: daily stock returns are
close to unpredictable. On the bundled data (at the time of writing) the
LSTM's next-day MAE is $1.07 against the naive $1.06, early stopping keeps
the first epochs, and the Diebold-Mariano test finds no significant
difference. That is the honest result, and the reason to always print the
naive baseline next to a network.

Data: the bundled Quandl WIKI snapshot (``skseq.datasets.load_stock_snapshot``,
split- and dividend-adjusted close), offline.

Run::

    python examples/stock_forecasting.py                  # about 10 seconds
    python examples/stock_forecasting.py --quick          # a few seconds
    python examples/stock_forecasting.py --out my-folder  # where the PNG goes

``--quick`` (or ``SKSEQ_EXAMPLES_QUICK=1``) trains tiny networks for two
epochs on the last two years of training data: the numbers are then
meaningless, it only checks that everything runs. The figure is written to
``<out>/stock_forecasting.png`` (default ``./examples-output``).
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
from sklearn.pipeline import make_pipeline  # noqa: E402

from skseq import LSTMRegressor, SequenceScaler, make_supervised  # noqa: E402
from skseq.baselines import DriftRegressor, NaiveRegressor  # noqa: E402
from skseq.datasets import load_stock_snapshot  # noqa: E402
from skseq.metrics import diebold_mariano, directional_accuracy, mae, mase, rmse  # noqa: E402

TICKER = "AAPL"
TEST_START = "2012-03-01"  # the last year of the snapshot is the test period


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
    """Log price, daily log return and log high/low range of the ticker."""
    prices = load_stock_snapshot(TICKER)
    frame = pd.DataFrame(index=prices.index)
    frame["log_price"] = np.log(prices["Adj Close"])
    frame["ret"] = frame["log_price"].diff()
    # High and Low are not split-adjusted, but their ratio is scale-free.
    frame["range"] = np.log(prices["High"] / prices["Low"])
    return frame.dropna()


def split(origins: pd.DatetimeIndex, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of training and test origins, with a gap of horizon - 1."""
    test = origins >= pd.Timestamp(TEST_START)
    n_train = int(np.argmax(test)) - (horizon - 1)
    train = np.zeros(len(origins), dtype=bool)
    train[:n_train] = True
    return train, test


def run_horizon(frame: pd.DataFrame, horizon: int, args) -> dict:
    """Fit the LSTM and the baselines for one horizon; return test forecasts."""
    lookback = 20 if args.quick else 30
    # Network input: scale-free features only (no price level).
    X, y_logp, origins = make_supervised(
        frame,
        "log_price",
        horizon=horizon,
        lookback=lookback,
        features=["ret", "range"],
        min_history="full",
        return_index=True,
    )
    # Baseline input: the same origins, windows of log prices.
    X_price, _ = make_supervised(
        frame,
        "log_price",
        horizon=horizon,
        lookback=lookback,
        features=["log_price"],
        min_history="full",
    )
    y_logp = np.asarray(y_logp, dtype=float).reshape(len(origins), horizon)
    last_logp = frame["log_price"].loc[origins].to_numpy()
    y_ret = y_logp - last_logp[:, None]  # cumulative log return to t+1..t+h

    train, test = split(origins, horizon)
    if args.quick:
        train &= np.cumsum(train) > train.sum() - 500
    model = make_pipeline(
        SequenceScaler(),
        LSTMRegressor(
            normalize=None,  # the SequenceScaler in front scales the inputs
            hidden_size=8 if args.quick else 32,
            max_epochs=2 if args.quick else 60,
            batch_size=64,
            lr=1e-3,
            early_stopping=not args.quick,
            validation_fraction=0.15,
            patience=8,
            random_state=0,
        ),
    )
    model.fit(X[train], y_ret[train])
    r_hat = model.predict(X[test]).reshape(-1, horizon)

    price_now = np.exp(last_logp[test])
    actual = np.exp(y_logp[test])
    forecasts = {"LSTM": price_now[:, None] * np.exp(r_hat)}
    for name, baseline in (("naive", NaiveRegressor()), ("drift", DriftRegressor())):
        baseline.fit(X_price[train], y_logp[train])
        forecasts[name] = np.exp(baseline.predict(X_price[test]).reshape(-1, horizon))
    positions = frame.index.get_indexer(origins[test])
    return {
        "target_dates": frame.index[positions + 1],  # the date of t+1
        "actual": actual,
        "price_now": price_now,
        "train_prices": np.exp(y_logp[train][:, 0]),
        "forecasts": forecasts,
        "epochs": len(model[-1].history_),
        "n_train": int(train.sum()),
    }


def report(result: dict, horizon: int) -> pd.DataFrame:
    """Metrics per model (averaged over the horizon steps)."""
    actual, now = result["actual"], result["price_now"]
    rows = {}
    for name, pred in result["forecasts"].items():
        rows[name] = {
            "MAE $": mae(actual, pred),
            "RMSE $": rmse(actual, pred),
            "MASE": mase(actual, pred, y_train=result["train_prices"]),
            "direction": directional_accuracy(actual, pred, y_last=now),
        }
    table = pd.DataFrame(rows).T
    # The naive forecast predicts "no change", which is never a direction.
    table.loc["naive", "direction"] = np.nan
    print(
        f"\n{TICKER}, horizon {horizon} day(s): {result['n_train']} training "
        f"windows (LSTM trained {result['epochs']} epochs), "
        f"{len(actual)} test origins from {TEST_START}"
    )
    print(table.round(4).to_string())
    # MASE is scaled by the naive error on the training years, when prices (and
    # dollar moves) were smaller: even the naive forecast scores above 1 here.
    up = (actual[:, -1] > now).mean()
    print(f"share of up moves at t+{horizon} in the test period: {up:.3f}")
    err_lstm = actual[:, -1] - result["forecasts"]["LSTM"][:, -1]
    err_naive = actual[:, -1] - result["forecasts"]["naive"][:, -1]
    dm = diebold_mariano(err_lstm, err_naive, horizon=horizon)
    print(
        f"Diebold-Mariano, LSTM vs naive at t+{horizon}: statistic "
        f"{dm.statistic:.2f}, p-value {dm.pvalue:.3f} (negative: LSTM better)"
    )
    return table


def plot(results: dict, path: Path) -> None:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.5))
    one = results[1]
    last = slice(-80, None)  # the last 80 test days, readable
    dates = one["target_dates"][last]
    ax1.plot(dates, one["actual"][last, 0], color="black", lw=1.5, label="actual")
    for name in ("LSTM", "naive"):
        ax1.plot(dates, one["forecasts"][name][last, 0], lw=1, marker=".", label=name)
    ax1.set_title(f"{TICKER}: next-day forecasts, end of the test period")
    ax1.set_ylabel("adjusted close, $")
    ax1.legend()
    ax1.tick_params(axis="x", rotation=30)

    five = results[max(results)]
    steps = np.arange(1, five["actual"].shape[1] + 1)
    width = 0.27
    for i, (name, pred) in enumerate(five["forecasts"].items()):
        per_step = mae(five["actual"], pred, multioutput="raw_values")
        ax2.bar(steps + (i - 1) * width, per_step, width, label=name)
    ax2.set_xlabel("days ahead (direct multi-output model)")
    ax2.set_ylabel("test MAE, $")
    ax2.set_title("Error by horizon step")
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
    for horizon in (1, 5):
        results[horizon] = run_horizon(frame, horizon, args)
        report(results[horizon], horizon)
    path = out / "stock_forecasting.png"
    plot(results, path)
    print(f"\nfigure written to {path}")


if __name__ == "__main__":
    main()
