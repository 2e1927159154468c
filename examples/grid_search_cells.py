"""Choose the recurrent cell (RNN, LSTM or GRU) and its size with GridSearchCV.

``cell`` is an ordinary hyperparameter of ``RecurrentRegressor``, so
scikit-learn's ``GridSearchCV`` picks between a plain RNN, an LSTM and a GRU
together with ``hidden_size``. The 3-D windows ``(n_samples, n_timesteps,
n_features)`` go through the search unchanged, and ``TimeSeriesWindowSplit``
gives chronological folds (never shuffled, the newest data last). The task:
Seattle's next-day maximum temperature from 14 days of weather. Folds are cut
from 2012-2014; the best model, refitted on those years, is scored once on
2015 next to persistence (tomorrow = today).

Run: ``python examples/grid_search_cells.py`` (about a minute on 2 cores).
``SKSEQ_EXAMPLES_QUICK=1``: a few-second check, its numbers mean nothing.
The figure goes to ``$SKSEQ_EXAMPLES_OUT`` (default: ``examples-output``).
"""

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import GridSearchCV, cross_val_score

from skseq import RecurrentRegressor, make_supervised
from skseq.baselines import NaiveRegressor
from skseq.datasets import load_weather_daily
from skseq.metrics import mae, mae_scorer
from skseq.model_selection import TimeSeriesWindowSplit

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK", "0") != "0"
OUT = Path(os.environ.get("SKSEQ_EXAMPLES_OUT", "examples-output"))

# %% Windows of 14 days, the target (column 0) among the features.
weather = load_weather_daily()[["temp_max", "temp_min", "precipitation", "wind"]]
X, y, origins = make_supervised(
    weather, "temp_max", horizon=1, lookback=14, return_index=True
)
train = np.asarray(origins < pd.Timestamp("2015-01-01"))
X_train, y_train, X_test, y_test = X[train], y[train], X[~train], y[~train]

# %% The search: 3 cells x 2 sizes, each scored by its mean validation MAE over
# 3 chronological folds of 180 days. With n_jobs=2 the fits run in 2 processes
# of one torch thread each.
grid = {"cell": ["rnn", "lstm", "gru"], "hidden_size": [4, 8] if QUICK else [8, 32]}
cv = TimeSeriesWindowSplit(n_splits=2 if QUICK else 3, test_size=180)
model = RecurrentRegressor(max_epochs=1 if QUICK else 30, lr=3e-3, random_state=0)
search = GridSearchCV(model, grid, cv=cv, scoring=mae_scorer, n_jobs=1 if QUICK else 2)
search.fit(X_train, y_train)

# %% The cv_results_ table (the scorer is the negated MAE: sklearn maximises).
results = pd.DataFrame(search.cv_results_)
table = pd.DataFrame(
    {
        "cell": results["param_cell"],
        "hidden": results["param_hidden_size"],
        "val MAE": -results["mean_test_score"],
        "sd": results["std_test_score"],
        "fit s": results["mean_fit_time"],
        "rank": results["rank_test_score"],
    }
).sort_values("rank")
naive = NaiveRegressor()
naive_val = -cross_val_score(naive, X_train, y_train, cv=cv, scoring=mae_scorer).mean()
print(f"{len(X_train)} training windows, {cv.get_n_splits()} folds; degrees C")
print(table.round(3).to_string(index=False))
print(f"persistence on the same folds: val MAE {naive_val:.3f}")

# %% The winner, refitted on 2012-2014, scored once on 2015.
test_mae = mae(y_test, search.predict(X_test))
naive_mae = mae(y_test, naive.fit(X_train, y_train).predict(X_test))
print(f"\nbest: {search.best_params_}; test MAE on 2015: {test_mae:.3f}")
verdict = "beats" if test_mae < naive_mae else "does not beat"
print(f"it {verdict} persistence (test MAE {naive_mae:.3f})")

# %% The figure: validation MAE per cell and size, with the fold spread.
fig, ax = plt.subplots(figsize=(6, 4))
sizes = grid["hidden_size"]
for i, size in enumerate(sizes):
    rows = table[table["hidden"] == size].set_index("cell").loc[grid["cell"]]
    position = np.arange(len(grid["cell"])) + (i - 0.5) * 0.4
    ax.bar(position, rows["val MAE"], 0.4, yerr=rows["sd"], label=f"hidden {size}")
ax.axhline(naive_val, color="gray", ls="--", label="persistence")
ax.set_xticks(range(len(grid["cell"])), [c.upper() for c in grid["cell"]])
ax.set(ylabel="mean validation MAE, degrees C", title="GridSearchCV over the cell")
ax.legend()
OUT.mkdir(parents=True, exist_ok=True)
fig.savefig(OUT / "grid_search_cells.png", dpi=120, bbox_inches="tight")
print(f"figure written to {OUT / 'grid_search_cells.png'}")
