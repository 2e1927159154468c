"""Forecast quality of the networks against ridge on the benchmark's weather tasks.

The data, horizon and train/test split are those of ``skseq benchmark``
(``nyc-hourly``: JFK, 24 hours ahead; ``seattle``: next day): forecast
origins in time order, the newest 20 % held out for the test, ``horizon - 1``
origins left out in between. Every model is fitted once on the training
origins (networks: early stopping on the newest 15 % of them) and scored on
the test origins; ridge's lookback and penalty are searched by time-series
cross-validation as in the report. The table gives the test MAE (mean over
the horizon), the number of horizon steps where the model beats ridge with
Diebold-Mariano significance (two-sided, 5 %, absolute errors) and the fit
time. Networks are listed per seed and as the mean over seeds (an average
of forecasts over seeds is *not* reported: it would cost one fit per seed).

Variants (``--variants``, comma-separated; each is one network or ridge row):

``gru``, ``lstm``, ``rnn``, ``seq2seq``
    The cell, with ``--lookback``, ``--hidden``, ``--normalize``.
``...@global``
    One network over the three NYC airports (JFK, LGA, EWR; the airport code
    is embedded), scored on the JFK test origins (nyc-hourly only).
``...@calendar``
    The hour of day (nyc-hourly) or the month (seattle) as a categorical
    code with an embedding instead of sin/cos of the hour or day of year;
    ridge gets the same code one-hot (``ridge@calendar``).
``...@future``
    The calendar of every forecast step as known-future lead columns
    (``make_supervised(known_future=...)``): the task's ``known_future``
    columns (sin/cos, as in the report) or, with ``@calendar``, the embedded
    code; seq2seq's decoder reads them.

Every variant reads the report's columns (``skseq/report/tasks.py``; NYC:
the wind vector and the day of the year, Seattle: the day's weather type).

Examples::

    python benchmarks/bench_forecast_quality.py nyc-hourly --variants ridge,gru
    python benchmarks/bench_forecast_quality.py nyc-hourly \\
        --variants ridge,gru,gru@global --seeds 0,1 --stride 2
    python benchmarks/bench_forecast_quality.py seattle --lookback 14 \\
        --variants ridge,lstm,lstm@calendar --seeds 0,1,2
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import skseq
from skseq import FlattenWindows, make_supervised
from skseq.metrics import diebold_mariano
from skseq.model_selection import TimeSeriesWindowSplit
from skseq.report.models import LastSteps
from skseq.report.tasks import TASKS
from skseq.report.tasks import _nyc_frame as _task_nyc_frame

AIRPORTS = ("JFK", "LGA", "EWR")


@dataclass
class Data:
    """Windows of one variant with the report's split."""

    X: np.ndarray
    y: np.ndarray
    train: np.ndarray  # indices of training origins
    test: np.ndarray  # indices of the scored (JFK / Seattle) test origins
    categorical: list[int]
    known_future: list[int]
    times: np.ndarray  # origin time of every sample


def _nyc_frame(airport: str, calendar: str) -> pd.DataFrame:
    """The report's columns (``tasks._nyc_frame``); ``"embed"``: the hour as
    an integer code instead of its sin/cos."""
    frame = _task_nyc_frame(airport, None)
    if calendar == "embed":
        frame = frame.drop(columns=["hour_sin", "hour_cos"])
        frame["hour"] = frame.index.hour.to_numpy()
    return frame


def _seattle_frame(calendar: str) -> pd.DataFrame:
    """The report's columns; ``"embed"``: the month as an integer code instead
    of sin/cos of the day of the year."""
    frame, _ = TASKS["seattle"].load({"rows": None})
    if calendar == "embed":
        frame = frame.drop(columns=["doy_sin", "doy_cos"])
        frame["month"] = frame.index.month.to_numpy() - 1
    return frame


def _split(origin_times: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """The report's split on the distinct origin times: train, then test."""
    times = np.unique(origin_times)
    n = len(times)
    n_test = int(round(n * 0.2))
    n_train = n - n_test - (horizon - 1)
    train = np.flatnonzero(origin_times <= times[n_train - 1])
    test = np.flatnonzero(origin_times >= times[n - n_test])
    return train, test


def load(
    task_name: str,
    lookback: int,
    calendar: str,
    future: bool,
    panel: bool,
    dropped: tuple[str, ...] = (),
) -> Data:
    """Windows of ``lookback`` steps for one variant of a task, without the
    report's columns named in ``dropped`` (``--drop``)."""
    task = TASKS[task_name]
    horizon = task.horizon
    code = "hour" if task_name == "nyc-hourly" else "month"
    # Known-future leads: the calendar code (embedded) or the task's own
    # known-future columns (sin/cos, as in the report).
    calendar_columns = [code] if calendar == "embed" else list(task.known_future)
    known = calendar_columns if future else None
    if task_name == "nyc-hourly":
        frames = {
            a: _nyc_frame(a, calendar).drop(columns=list(dropped)) for a in AIRPORTS
        }
        source = frames if panel else frames["JFK"]
    else:
        if panel:
            raise ValueError("@global needs the nyc-hourly task.")
        source = _seattle_frame(calendar).drop(columns=list(dropped))
    X, y, origins = make_supervised(
        source,
        task.target,
        horizon=horizon,
        lookback=lookback,
        min_history="full",
        known_future=known,
        return_index=True,
    )
    y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    if panel:
        series = np.asarray(origins.get_level_values(0))
        times = np.asarray(origins.get_level_values(1))
    else:
        series, times = None, np.asarray(origins)
    train, test = _split(times, horizon)
    if panel:
        test = test[series[test] == "JFK"]
    n_base = len(source["JFK"].columns if panel else source.columns)
    categorical: list[int] = []
    if calendar == "embed":
        categorical.append(n_base - 1)
    n_lead = len(known or ()) * horizon
    lead = list(range(n_base, n_base + n_lead))
    if future and calendar == "embed":
        categorical += lead
    if panel:
        categorical.append(X.shape[2] - 1)
    return Data(np.asarray(X), y, train, test, categorical, lead, times)


def ridge_forecast(
    data: Data, lookbacks: list[int], onehot: bool, seed: int
) -> np.ndarray:
    """Ridge on the flattened windows, lookback and penalty searched by CV."""
    del seed
    steps: list = [("last", LastSteps(lookbacks[0])), ("flat", FlattenWindows())]
    X = data.X
    if onehot and data.categorical:
        # The calendar code of the origin (and of every lead) one-hot, next
        # to the flattened continuous lags.
        cats = [c for c in data.categorical if c < X.shape[2]]
        continuous = [f for f in range(X.shape[2]) if f not in cats]
        codes = X[:, -1, cats].astype(int)
        Xc = X[:, :, continuous]
        enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        extra = enc.fit(codes[data.train]).transform(codes)
        model = _ridge_search(Xc, data, lookbacks, steps)
        flat = FlattenWindows()
        rows = []
        for part in (data.train, data.test):
            rows.append(
                np.hstack(
                    [
                        flat.fit_transform(
                            Xc[part][:, -model.best_params_["last__lookback"] :]
                        ),
                        extra[part],
                    ]
                )
            )
        scaler = StandardScaler().fit(rows[0])
        reg = Ridge(model.best_params_["model__alpha"]).fit(
            scaler.transform(rows[0]), data.y[data.train]
        )
        return reg.predict(scaler.transform(rows[1]))
    model = _ridge_search(X, data, lookbacks, steps)
    return model.predict(X[data.test])


def _ridge_search(X, data: Data, lookbacks, steps) -> GridSearchCV:
    pipe = Pipeline(steps + [("scale", StandardScaler()), ("model", Ridge())])
    grid = {"last__lookback": lookbacks, "model__alpha": [0.1, 10.0, 1000.0]}
    cv = TimeSeriesWindowSplit(n_splits=3, horizon=data.y.shape[1])
    search = GridSearchCV(pipe, grid, cv=cv, scoring="neg_mean_absolute_error")
    return search.fit(X[data.train], data.y[data.train])


def residual_forecast(
    cell: str, data: Data, args: argparse.Namespace, seed: int, lookbacks: list[int]
) -> np.ndarray:
    """Ridge plus a network fitted to ridge's training residuals."""
    ridge = _ridge_search(
        data.X,
        data,
        lookbacks,
        [("last", LastSteps(lookbacks[0])), ("flat", FlattenWindows())],
    )
    base_train = ridge.predict(data.X[data.train])
    resid = Data(
        data.X,
        data.y.copy(),
        data.train,
        data.test,
        data.categorical,
        data.known_future,
        data.times,
    )
    resid.y[data.train] = data.y[data.train] - base_train
    net = network_forecast(
        cell,
        resid,
        argparse.Namespace(**{**vars(args), "normalize": "global"}),
        seed,
        target_index=None,
    )
    return ridge.predict(data.X[data.test]) + net


def network_forecast(
    cell: str, data: Data, args: argparse.Namespace, seed: int, target_index=0
) -> np.ndarray:
    """One network fitted on (strided) training origins."""
    params = dict(
        target_index=target_index,
        hidden_size=args.hidden,
        max_epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        early_stopping=True,
        validation_fraction=0.15,
        patience=args.patience,
        random_state=seed,
        loss=args.loss,
        normalize=args.normalize or None,
        categorical_features=data.categorical or None,
    )
    params.update(json.loads(args.params))
    if cell == "seq2seq":
        model = skseq.Seq2SeqRegressor(**params, known_future=data.known_future or None)
    else:
        model = skseq.RecurrentRegressor(cell=cell, **params)
    # Strided origins: hourly windows one step apart are near duplicates.
    rank = np.searchsorted(np.unique(data.times), data.times[data.train])
    train = data.train[rank % args.stride == 0]
    X = data.X[:, -args.lookback :] if args.lookback < data.X.shape[1] else data.X
    model.fit(X[train], data.y[train])
    print(f"    ({len(model.history_)} epochs)", flush=True)
    return model.predict(X[data.test])


def dm_wins(errors: np.ndarray, ref: np.ndarray) -> int:
    """Horizon steps where ``errors`` beat ``ref`` at 5 % (two-sided DM)."""
    wins = 0
    for k in range(errors.shape[1]):
        if np.array_equal(errors[:, k], ref[:, k]):
            continue  # the reference itself
        res = diebold_mariano(errors[:, k], ref[:, k], horizon=k + 1, loss="absolute")
        wins += bool(res.pvalue < 0.05 and res.statistic < 0)
    return wins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["seattle", "nyc-hourly"])
    parser.add_argument("--variants", default="ridge,gru")
    parser.add_argument(
        "--lookback",
        type=int,
        default=None,
        help="network lookback (default: the task's first)",
    )
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument(
        "--normalize", default="delta", help="window, delta, global or '' (None)"
    )
    parser.add_argument(
        "--stride", type=int, default=1, help="train the networks on every k-th origin"
    )
    parser.add_argument("--seeds", default="0")
    parser.add_argument(
        "--drop",
        default="",
        help="columns of the report's frame to leave out, e.g. wind_u,wind_v",
    )
    parser.add_argument(
        "--loss", default="squared_error", help="the networks' loss (absolute_error...)"
    )
    parser.add_argument(
        "--params",
        default="{}",
        help='more network parameters as JSON, e.g. \'{"head": "mean"}\'',
    )
    args = parser.parse_args()
    dropped = tuple(c for c in args.drop.split(",") if c)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", category=UserWarning)
    task = TASKS[args.task]
    lookbacks = list(task.lookbacks[:2])
    args.lookback = args.lookback or lookbacks[0]
    window = max(max(lookbacks), args.lookback)
    seeds = [int(s) for s in args.seeds.split(",")]
    cache: dict[tuple, Data] = {}
    rows = []
    ref_errors = None
    print(
        f"{args.task}: lookback {args.lookback}, hidden {args.hidden}, loss {args.loss}, "
        "normalize "
        f"{args.normalize!r}, stride {args.stride}, epochs {args.epochs}, "
        f"patience {args.patience}, batch {args.batch_size}, params {args.params}"
        + (f", without {args.drop}" if args.drop else "")
    )
    for variant in args.variants.split(","):
        name, _, flags = variant.partition("@")
        flags_set = set(flags.split("+")) if flags else set()
        calendar = "embed" if "calendar" in flags_set else "cyclic"
        key = (calendar, "future" in flags_set, "global" in flags_set)
        if key not in cache:
            cache[key] = load(args.task, window, *key, dropped=dropped)
        data = cache[key]
        y_test = data.y[data.test]
        maes = []
        for seed in seeds if name != "ridge" else [0]:
            t0 = time.perf_counter()
            if "residual" in flags_set:
                pred = residual_forecast(name, data, args, seed, lookbacks)
            elif name == "ridge":
                pred = ridge_forecast(data, lookbacks, calendar == "embed", seed)
            else:
                pred = network_forecast(name, data, args, seed)
            seconds = time.perf_counter() - t0
            errors = y_test - np.asarray(pred).reshape(y_test.shape)
            if ref_errors is None and name == "ridge" and not flags:
                ref_errors = errors
            mae = float(np.abs(errors).mean())
            maes.append(mae)
            wins = dm_wins(errors, ref_errors) if ref_errors is not None else -1
            rows.append((variant, seed, mae, wins, seconds))
            steps = np.abs(errors).mean(axis=0)
            shown = sorted({0, len(steps) // 4, len(steps) // 2, len(steps) - 1})
            per_step = " ".join(f"h{k + 1}={steps[k]:.3f}" for k in shown)
            print(
                f"  {variant:22s} seed {seed}: MAE {mae:.4f}  DM wins vs ridge "
                f"{wins}/{y_test.shape[1]}  {seconds:6.1f}s  [{per_step}]",
                flush=True,
            )
        if len(maes) > 1:
            print(
                f"  {variant:22s} mean over {len(maes)} seeds: MAE "
                f"{np.mean(maes):.4f} +- {np.std(maes):.4f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
