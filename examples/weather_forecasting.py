"""Seattle's maximum temperature 1 to 7 days ahead: a GRU against the usual baselines.

The GRU reads multivariate windows: 21 days of maximum and minimum
temperature, precipitation, wind and the day of the year (sine and cosine),
cut by ``make_supervised``. One network forecasts all 7 days (a *direct*
multi-step forecast) and normalises its windows itself (``normalize="window"``,
the default): no scaler in front. On 2015 it meets the baselines a forecaster
tries first, on the same origins: persistence (tomorrow = today), the same day
last year (``SeasonalNaiveRegressor(season=365)``) and ridge regression on the
flattened lags, the strong linear baseline.

Run: ``python examples/weather_forecasting.py`` (under a minute on 2 cores).
``SKSEQ_EXAMPLES_QUICK=1``: a few-second check, its numbers mean nothing.
The figure goes to ``$SKSEQ_EXAMPLES_OUT`` (default: ``examples-output``).
"""

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skseq import FlattenWindows, GRURegressor, make_supervised
from skseq.baselines import NaiveRegressor, SeasonalNaiveRegressor
from skseq.datasets import load_weather_daily

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK", "0") != "0"
OUT = Path(os.environ.get("SKSEQ_EXAMPLES_OUT", "examples-output"))
HORIZON, LOOKBACK = 7, 21

# %% The features, the target first (the baselines read column 0), the day of
# the year, and the windows. The first windows of the series are padded with
# NaN at the front (shorter sequences).
weather = load_weather_daily()
frame = weather[["temp_max", "temp_min", "precipitation", "wind"]].copy()
day = frame.index.day_of_year.to_numpy()
frame["doy_sin"] = np.sin(2 * np.pi * day / 365.25)
frame["doy_cos"] = np.cos(2 * np.pi * day / 365.25)
X, y, origins = make_supervised(
    frame, "temp_max", horizon=HORIZON, lookback=LOOKBACK, return_index=True
)
X_year, _ = make_supervised(
    frame, "temp_max", horizon=HORIZON, lookback=365, features=["temp_max"]
)
y = np.asarray(y)

# %% Train on 2012-2014, test on 2015, with a gap of HORIZON - 1 origins so
# that no training target falls in 2015.
test = np.asarray(origins >= pd.Timestamp("2015-01-01"))
train = np.arange(len(y)) < test.argmax() - (HORIZON - 1)
full = ~np.isnan(X).any(axis=(1, 2))  # ridge takes complete windows only

# %% The GRU, and the baselines on the same test origins.
gru = GRURegressor(
    hidden_size=8 if QUICK else 32,
    max_epochs=2 if QUICK else 60,
    lr=3e-3,
    early_stopping=not QUICK,
    patience=8,
    random_state=0,
).fit(X[train], y[train])
print(f"GRU trained {len(gru.history_)} epochs on {train.sum()} windows")
ridge = make_pipeline(FlattenWindows(), StandardScaler(), RidgeCV(np.logspace(-2, 3)))
ridge.fit(X[train & full], y[train & full])
seasonal = SeasonalNaiveRegressor(season=365).fit(X_year[train], y[train])
forecasts = {
    "GRU": gru.predict(X[test]),
    "ridge on lags": ridge.predict(X[test]),
    "persistence": NaiveRegressor().fit(X[train], y[train]).predict(X[test]),
    "same day last year": seasonal.predict(X_year[test]),
}

# %% Test MAE per day ahead (degrees C), and the GRU against the best baseline.
steps = [f"t+{h}" for h in range(1, HORIZON + 1)]
mae = {name: np.abs(y[test] - f).mean(axis=0) for name, f in forecasts.items()}
table = pd.DataFrame(mae, index=steps).T.assign(mean=lambda t: t.mean(axis=1))
print(f"\ntest MAE in 2015, degrees C, {test.sum()} origins:\n{table.round(2)}")
best = table["mean"].drop("GRU").idxmin()
ratio = table.loc["GRU", "mean"] / table.loc[best, "mean"]
verdict = "beats" if ratio < 1 else "does not beat"
print(f"the GRU {verdict} the best baseline, {best}: {ratio:.3f} x its MAE")

# %% The figure: error by day ahead.
fig, ax = plt.subplots(figsize=(6, 4))
for name in forecasts:
    ax.plot(range(1, HORIZON + 1), table.loc[name, steps], "o-", label=name)
ax.set(xlabel="days ahead", ylabel="test MAE, degrees C", xticks=range(1, 8))
ax.set(title="Seattle, maximum temperature, 2015")
ax.legend()
OUT.mkdir(parents=True, exist_ok=True)
fig.savefig(OUT / "weather_forecasting.png", dpi=120, bbox_inches="tight")
print(f"figure written to {OUT / 'weather_forecasting.png'}")
