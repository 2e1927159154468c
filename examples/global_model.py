"""One global GRU for three airports against one GRU per airport.

A panel: hourly temperature, dew point and humidity at JFK, LGA and EWR,
windowed per airport by ``make_supervised(panel, ...)`` from a dict of
frames. The airport's code becomes the last feature, embedded by
``categorical_features``; the hour of day is a known-future covariate
(``known_future=["hour"]``: the hours of the next 6 steps ride along as lead
columns), embedded too. One network learns from all airports (the default
window normalisation handles their levels); it meets one network per airport,
persistence and ridge regression on the lags, on the same test hours: the
newest 20 % of the origins, split by time across the airports by
``TimeSeriesWindowSplit``.

Run: ``python examples/global_model.py`` (a minute or two on 2 cores).
``SKSEQ_EXAMPLES_QUICK=1``: a few-second check, its numbers mean nothing.
The figure goes to ``$SKSEQ_EXAMPLES_OUT`` (default: ``examples-output``).
"""

# %%
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skseq import FlattenWindows, GRURegressor, make_supervised
from skseq.datasets import load_weather_hourly
from skseq.model_selection import TimeSeriesWindowSplit

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK", "0") != "0"
OUT = Path(os.environ.get("SKSEQ_EXAMPLES_OUT", "examples-output"))
AIRPORTS, HORIZON, LOOKBACK = ("EWR", "JFK", "LGA"), 6, 48
HOURS = 400 if QUICK else 3000  # the newest hours of each airport

# %% The panel and its windows. Features: temp, dewp, humid, hour, the 6 hour
# leads, then the airport code; y is indexed by (series, origin).
panel = {}
for airport in AIRPORTS:
    frame = load_weather_hourly(airport)[["temp", "dewp", "humid"]].iloc[-HOURS:]
    panel[airport] = frame.assign(hour=frame.index.hour)
X, y = make_supervised(
    panel, "temp", HORIZON, LOOKBACK, min_history="full", known_future=["hour"]
)
categorical = [3, *range(4, 4 + HORIZON), -1]  # hour, hour leads, airport
series = y.index.get_level_values("series").to_numpy()
n_times = y.index.get_level_values("origin").nunique()
cv = TimeSeriesWindowSplit(n_splits=2, horizon=HORIZON, test_size=n_times // 5)
train, test = list(cv.split(X, y))[-1]  # split by time across the airports
y = y.to_numpy()

# %% The global GRU, then per airport: a GRU, ridge on the lags, persistence.
settings = dict(
    hidden_size=8 if QUICK else 32,
    max_epochs=2 if QUICK else 15,
    lr=3e-3,
    early_stopping=True,
    validation_fraction=0.15,
    patience=4,
    random_state=0,
)
model = GRURegressor(categorical_features=categorical, **settings)
forecasts = {"global GRU": model.fit(X[train], y[train]).predict(X[test])}
for name in ("per-airport GRU", "ridge on lags", "persistence"):
    forecasts[name] = np.empty((len(test), HORIZON))
X_local = X[:, :, :-1]  # without the airport code
for airport in AIRPORTS:
    fit_on = train[series[train] == airport]
    rows = series[test] == airport
    X_pred = X_local[test][rows]
    local = GRURegressor(categorical_features=categorical[:-1], **settings)
    local.fit(X_local[fit_on], y[fit_on])
    forecasts["per-airport GRU"][rows] = local.predict(X_pred)
    ridge = make_pipeline(FlattenWindows(), StandardScaler(), Ridge(1.0))
    ridge.fit(X_local[fit_on], y[fit_on])
    forecasts["ridge on lags"][rows] = ridge.predict(X_pred)
    forecasts["persistence"][rows] = X_pred[:, -1, :1]  # the last temperature

# %% Test MAE (degrees F) over the 6 hours ahead, per airport and overall.
table = pd.DataFrame(
    {
        name: {a: np.abs(f - y[test])[series[test] == a].mean() for a in AIRPORTS}
        for name, f in forecasts.items()
    }
).T.assign(mean=lambda t: t.mean(axis=1))
print(f"MAE, deg F, 1-{HORIZON} h ahead, {len(test)} test windows:\n{table.round(3)}")
best = table["mean"].idxmin()
print(f"lowest MAE: {best}" + ("" if "GRU" in best else ": no network beats it"))

# %% The figure: MAE per airport.
ax = table[list(AIRPORTS)].T.plot.bar(figsize=(7, 4), rot=0)
ax.set(ylabel="test MAE, deg F", title=f"Temperature 1-{HORIZON} h ahead")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
OUT.mkdir(parents=True, exist_ok=True)
ax.figure.savefig(OUT / "global_model.png", dpi=120, bbox_inches="tight")
print(f"figure written to {OUT / 'global_model.png'}")
