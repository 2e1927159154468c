"""Prediction intervals for AAPL's next-day return: distribution heads and conformal.

A forecast of a stock return is mostly an interval. Two ways to get one from a
GRU: train it for the interval (``loss="student_t"`` learns a location, a scale
and heavy tails; ``loss="quantile"`` learns the quantiles with the pinball
loss), or wrap a point GRU in ``ConformalRegressor``: split conformal widens
the point forecast by the errors of a held-out slice, adaptive conformal also
recalibrates as each test return is observed. The reference is the random
walk's interval: a return drawn like the training returns. On the last year
of the bundled snapshot each 80 % interval gets its coverage (close to 80 %
is calibrated), its mean width and its Winkler score (width plus a penalty
for misses; lower is better).

Run: ``python examples/probabilistic_forecasting.py`` (about a minute on 2
cores). ``SKSEQ_EXAMPLES_QUICK=1``: a few-second check, its numbers mean
nothing. The figure goes to ``$SKSEQ_EXAMPLES_OUT`` (default:
``examples-output``).
"""

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skseq import GRURegressor, make_supervised
from skseq.conformal import ConformalRegressor
from skseq.datasets import load_stock_snapshot
from skseq.metrics import interval_coverage, interval_width, winkler_score

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK", "0") != "0"
OUT = Path(os.environ.get("SKSEQ_EXAMPLES_OUT", "examples-output"))

# %% Daily log returns in %, and their size (the recent volatility), 20 days
# per window; the last 252 trading days are the test period.
prices = load_stock_snapshot("AAPL")["Adj Close"]
returns = 100 * np.log(prices).diff()
frame = pd.DataFrame({"ret": returns, "abs_ret": returns.abs()}).dropna()
X, y = make_supervised(frame, "ret", lookback=20, min_history="full")
y = np.asarray(y)
X_train, y_train, X_test, y_test = X[:-252], y[:-252], X[-252:], y[-252:]
if QUICK:
    X_train, y_train = X_train[-500:], y_train[-500:]

# %% The models. Returns are centred on zero: no window normalisation.
settings = dict(
    normalize="global",
    hidden_size=4 if QUICK else 16,
    max_epochs=2 if QUICK else 30,
    lr=3e-3,
    early_stopping=not QUICK,
    random_state=0,
)
rw = np.quantile(y_train, [[0.1], [0.9]]).repeat(len(y_test), axis=1)
intervals = {"random walk": tuple(rw)}
for loss in ("student_t", "quantile"):
    model = GRURegressor(loss=loss, quantiles=(0.1, 0.5, 0.9), **settings)
    model.fit(X_train, y_train)
    intervals[f"GRU {loss}"] = model.predict_interval(X_test, coverage=0.8)
split = ConformalRegressor(GRURegressor(**settings), coverage=0.8)
intervals["GRU + split conformal"] = split.fit(X_train, y_train).predict_interval(
    X_test
)
adaptive = ConformalRegressor(GRURegressor(**settings), method="adaptive")
adaptive.fit(X_train, y_train)
intervals["GRU + adaptive conformal"] = adaptive.predict_interval_online(X_test, y_test)

# %% Coverage, width and Winkler score of each 80 % interval on the test year.
rows = {}
for name, (lower, upper) in intervals.items():
    rows[name] = {
        "coverage": interval_coverage(y_test, lower, upper),
        "width": interval_width(lower, upper),
        "Winkler": winkler_score(y_test, lower, upper, 0.8),
    }
table = pd.DataFrame(rows).T
print(f"AAPL next-day log return (%), {len(y_test)} test days, 80 % intervals:")
print(table.round(3))
best = table["Winkler"].idxmin()
print(
    f"best Winkler score: {best}" + (" (no network)" if best == "random walk" else "")
)

# %% The figure: the quantile GRU's and the random walk's intervals.
fig, ax = plt.subplots(figsize=(11, 4))
days = np.arange(len(y_test))
lower, upper = intervals["GRU quantile"]
ax.fill_between(days, lower, upper, color="C0", alpha=0.4, label="GRU quantile, 80 %")
ax.plot(days, intervals["random walk"][0], "C3--", label="random walk, 80 %")
ax.plot(days, intervals["random walk"][1], "C3--")
ax.plot(days, y_test, color="black", lw=0.7, label="actual return")
ax.set(xlabel="test day", ylabel="log return, %", title="80 % intervals, test year")
ax.legend(loc="lower left", ncols=3)
OUT.mkdir(parents=True, exist_ok=True)
fig.savefig(OUT / "probabilistic_forecasting.png", dpi=120, bbox_inches="tight")
print(f"figure written to {OUT / 'probabilistic_forecasting.png'}")
