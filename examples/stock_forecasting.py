"""A network against the random walk: AAPL 1 to 5 trading days ahead.

An LSTM reads 30 days of daily log returns and high/low ranges and forecasts
the cumulative log return to each of the next 5 days (one network, one output
per day: a *direct* multi-step forecast). On the last year of the bundled
snapshot it meets the random walk (no change) and the drift forecast on the
same origins, and a Diebold-Mariano test says whether the difference is
significant. Daily returns are close to unpredictable: expect the random walk
to win or tie, which is why it is always printed next to a network.

Run: ``python examples/stock_forecasting.py`` (under a minute on 2 cores).
``SKSEQ_EXAMPLES_QUICK=1``: a few-second check, its numbers mean nothing.
The figure goes to ``$SKSEQ_EXAMPLES_OUT`` (default: ``examples-output``).
"""

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline

from skseq import LSTMRegressor, SequenceScaler, make_supervised
from skseq.baselines import DriftRegressor, NaiveRegressor
from skseq.datasets import load_stock_snapshot
from skseq.metrics import diebold_mariano

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK", "0") != "0"
OUT = Path(os.environ.get("SKSEQ_EXAMPLES_OUT", "examples-output"))
HORIZON, LOOKBACK = 5, 30

# %% Scale-free inputs (no price level) and the target: the log return, in %,
# from the origin's close to each of the next 5 closes.
prices = load_stock_snapshot("AAPL")
frame = pd.DataFrame({"log_price": np.log(prices["Adj Close"])})
frame["ret"] = frame["log_price"].diff()
frame["range"] = np.log(prices["High"] / prices["Low"])  # a ratio: splits cancel
frame = frame.dropna()
windows = dict(horizon=HORIZON, lookback=LOOKBACK, min_history="full")
X, future, origins = make_supervised(
    frame, "log_price", features=["ret", "range"], return_index=True, **windows
)
X_price, _ = make_supervised(frame, "log_price", features=["log_price"], **windows)
future = np.asarray(future).reshape(-1, HORIZON)
now = frame["log_price"].loc[origins].to_numpy()[:, None]
y = 100 * (future - now)

# %% The last year is the test period. A gap of HORIZON - 1 origins keeps every
# training target before it.
test = np.asarray(origins >= pd.Timestamp("2012-03-01"))
train = np.arange(len(y)) < test.argmax() - (HORIZON - 1)
if QUICK:  # the newest 400 training windows only
    train &= np.arange(len(y)) >= test.argmax() - 400

# %% The LSTM in a Pipeline: the scaler learns the scales on the training years
# only; early stopping validates on the newest training windows.
lstm = LSTMRegressor(
    normalize=None,  # the inputs are returns, scaled by the SequenceScaler
    hidden_size=8 if QUICK else 32,
    max_epochs=2 if QUICK else 60,
    early_stopping=not QUICK,
    patience=8,
    random_state=0,
)
model = make_pipeline(SequenceScaler(), lstm).fit(X[train], y[train])
print(f"LSTM trained {len(lstm.history_)} epochs on {train.sum()} windows")

# %% Baselines on the same origins, read from windows of log prices.
forecasts = {"LSTM": model.predict(X[test])}
for name, baseline in [("random walk", NaiveRegressor()), ("drift", DriftRegressor())]:
    baseline.fit(X_price[train], future[train])
    forecasts[name] = 100 * (baseline.predict(X_price[test]) - now[test])

# %% Test MAE per day ahead, and Diebold-Mariano tests against the random walk.
errors = {name: y[test] - f for name, f in forecasts.items()}
steps = [f"t+{h}" for h in range(1, HORIZON + 1)]
table = pd.DataFrame({n: np.abs(e).mean(axis=0) for n, e in errors.items()})
table = table.set_axis(steps).T.assign(mean=lambda t: t.mean(axis=1))
print(f"\ntest MAE, % log return, {test.sum()} origins:\n{table.round(3)}")
for h in (1, HORIZON):
    e_lstm, e_rw = errors["LSTM"][:, h - 1], errors["random walk"][:, h - 1]
    dm = diebold_mariano(e_lstm, e_rw, horizon=h)
    print(f"LSTM vs random walk at t+{h}: DM {dm.statistic:+.2f}, p = {dm.pvalue:.3f}")
best = table["mean"].idxmin()
verdict = "" if best == "LSTM" else ": the LSTM does not beat it"
print(f"lowest mean MAE: {best}{verdict}")

# %% The figure: error by day ahead, relative to the random walk.
fig, ax = plt.subplots(figsize=(6, 4))
for name in forecasts:
    ratio = table.loc[name, steps] / table.loc["random walk", steps]
    ax.plot(range(1, HORIZON + 1), ratio, "o-", label=name)
ax.set(xlabel="trading days ahead", ylabel="test MAE / random walk's MAE")
ax.set(xticks=range(1, HORIZON + 1), title="AAPL, test year: error by step")
ax.legend()
OUT.mkdir(parents=True, exist_ok=True)
fig.savefig(OUT / "stock_forecasting.png", dpi=120, bbox_inches="tight")
print(f"figure written to {OUT / 'stock_forecasting.png'}")
