"""Search the recurrent cell (RNN, LSTM, GRU) and the hidden size with GridSearchCV.

What it shows
-------------
* ``cell`` is an ordinary hyperparameter of :class:`skseq.RecurrentRegressor`,
  so scikit-learn's :class:`~sklearn.model_selection.GridSearchCV` can pick
  between a plain RNN, an LSTM and a GRU, together with ``hidden_size``,
  inside a :class:`~sklearn.pipeline.Pipeline` with
  :class:`skseq.SequenceScaler` (re-fitted on every training fold).
* 3-D windows ``(n_samples, n_timesteps, n_features)`` go through the search
  tools unchanged.
* :class:`skseq.model_selection.TimeSeriesWindowSplit`: chronological,
  expanding-window folds with a gap of ``horizon - 1`` samples (no training
  target inside a test fold), never shuffled.
* The ``cv_results_`` table (mean and spread of the fold scores, fit times,
  rank), and the best model refitted on all training years and scored once
  on the held-out test year.

Task: next-day maximum temperature in Seattle from 14-day windows of the
daily weather (bundled, offline). Folds are taken from 2012-2014; 2015 is
kept for the final test.

Run::

    python examples/grid_search_cells.py                  # about 30 seconds
    python examples/grid_search_cells.py --quick          # a few seconds
    python examples/grid_search_cells.py --n-jobs 2       # folds in parallel
    python examples/grid_search_cells.py --out my-folder  # where the PNG goes

``--quick`` (or ``SKSEQ_EXAMPLES_QUICK=1``) searches tiny networks trained
for one epoch on two folds: it only checks that everything runs. The figure
(mean validation MAE per cell and hidden size) goes to
``<out>/grid_search_cells.png`` (default ``./examples-output``).
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
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

from skseq import RecurrentRegressor, SequenceScaler, make_supervised  # noqa: E402
from skseq.datasets import load_weather_daily  # noqa: E402
from skseq.metrics import mae, mae_scorer  # noqa: E402
from skseq.model_selection import TimeSeriesWindowSplit  # noqa: E402

TEST_START = "2015-01-01"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("SKSEQ_EXAMPLES_QUICK", "") not in ("", "0"),
        help="tiny run that finishes in seconds (also SKSEQ_EXAMPLES_QUICK=1)",
    )
    parser.add_argument("--out", default="examples-output", help="output folder")
    parser.add_argument("--n-jobs", type=int, default=1, help="GridSearchCV n_jobs")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    frame = load_weather_daily().drop(columns="weather")
    X, y, origins = make_supervised(
        frame, "temp_max", horizon=1, lookback=14, return_index=True
    )
    y = np.asarray(y, dtype=float)
    train = np.asarray(origins < pd.Timestamp(TEST_START))
    X_train, y_train, X_test, y_test = X[train], y[train], X[~train], y[~train]

    pipe = Pipeline(
        [
            ("scale", SequenceScaler()),
            (
                "net",
                RecurrentRegressor(
                    normalize=None,  # the SequenceScaler scales the inputs
                    max_epochs=1 if args.quick else 30,
                    lr=3e-3,
                    batch_size=32,
                    random_state=0,
                ),
            ),
        ]
    )
    grid = {
        "net__cell": ["rnn", "lstm", "gru"],
        "net__hidden_size": [4, 8] if args.quick else [8, 32],
    }
    cv = TimeSeriesWindowSplit(
        n_splits=2 if args.quick else 3, horizon=1, test_size=180
    )
    search = GridSearchCV(
        pipe, grid, cv=cv, scoring=mae_scorer, n_jobs=args.n_jobs, refit=True
    )
    search.fit(X_train, y_train)

    results = pd.DataFrame(search.cv_results_)
    table = pd.DataFrame(
        {
            "cell": results["param_net__cell"],
            "hidden": results["param_net__hidden_size"],
            # The scorer returns the negated MAE (sklearn maximises scores).
            "val MAE": -results["mean_test_score"],
            "std": results["std_test_score"],
            "fit s": results["mean_fit_time"],
            "rank": results["rank_test_score"],
        }
    ).sort_values("rank")
    print(
        f"{len(X_train)} training windows (2012-2014), {cv.get_n_splits()} "
        f"chronological folds of {cv.test_size} days; MAE in degrees C\n"
    )
    print(table.round(3).to_string(index=False))
    print(f"\nbest: {search.best_params_}")
    test_mae = mae(y_test, search.predict(X_test))
    last = X_test[:, -1, list(frame.columns).index("temp_max")]
    print(
        f"best model refitted on 2012-2014, test MAE on 2015: {test_mae:.3f} "
        f"(persistence: {mae(y_test, last):.3f})"
    )

    fig, ax = plt.subplots(figsize=(6.5, 4))
    hidden = sorted(table["hidden"].unique())
    width = 0.8 / len(hidden)
    cells = grid["net__cell"]
    for i, h in enumerate(hidden):
        rows = table[table["hidden"] == h].set_index("cell").loc[cells]
        ax.bar(
            np.arange(len(cells)) + (i - (len(hidden) - 1) / 2) * width,
            rows["val MAE"],
            width,
            yerr=rows["std"],
            capsize=3,
            label=f"hidden {h}",
        )
    ax.set_xticks(np.arange(len(cells)), [c.upper() for c in cells])
    ax.set_ylabel("mean validation MAE, degrees C")
    ax.set_title("GridSearchCV over cell and hidden size")
    ax.legend()
    fig.tight_layout()
    path = out / "grid_search_cells.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"\nfigure written to {path}")


if __name__ == "__main__":
    main()
