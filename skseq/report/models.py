"""Model specifications of the benchmark: pipelines and their search grids.

Every model of a task is a :class:`ModelSpec`: a name, a kind (``"network"``,
``"baseline"`` or ``"reference"``), a scikit-learn estimator (usually a
:class:`~sklearn.pipeline.Pipeline`) and a parameter grid for
:class:`~sklearn.model_selection.GridSearchCV`.

All forecasting models receive the *same* windows: the task builds windows of
the longest lookback it needs, and :class:`skseq.LastSteps` (the first step
of every pipeline) keeps the newest ``lookback`` time steps of each window. The
lookback is then an ordinary hyperparameter (``last__lookback``) of the grid
search, and every lookback is evaluated on exactly the same forecast origins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

import skseq
from skseq.baselines import (
    ARIMARegressor,
    DriftRegressor,
    ExponentialSmoothingRegressor,
    MeanRegressor,
    NaiveRegressor,
    SeasonalNaiveRegressor,
)
from skseq.intervals import (
    check_quantiles,
    interval_levels,
)
from skseq.time_axis import LastSteps
from skseq.windows import FlattenWindows, SequenceScaler

from .registry import CELLS

__all__ = [
    "ModelSpec",
    "ZeroForecastRegressor",
    "forecast_models",
]

class ZeroForecastRegressor(RegressorMixin, BaseEstimator):
    """Forecast zero for every step: the random walk, for return targets.

    When the target is a return (the change of a log price), the random walk
    on the price, "tomorrow's price is today's", forecasts a return of 0.
    :class:`skseq.baselines.NaiveRegressor` on return windows forecasts
    *yesterday's return* instead, which is a different (and worse) model.

    Attributes
    ----------
    n_outputs_ : int
        Number of columns of ``y`` (0 for 1-D ``y``).
    residual_std_ : ndarray of shape (max(n_outputs_, 1),)
        Root mean square of the training targets per column: the standard
        deviation of the zero forecast's errors, which scales its normal
        prediction intervals (``predict_interval``).
    """

    def fit(self, X: Any, y: Any) -> ZeroForecastRegressor:
        """Record the shape of ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Ignored except for its length.
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            Targets.

        Returns
        -------
        self : ZeroForecastRegressor
        """
        y = np.asarray(y)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
        self.n_outputs_ = 0 if y.ndim == 1 else int(y.shape[1])
        y2 = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        self.residual_std_ = np.sqrt(np.mean(y2**2, axis=0))
        return self

    def predict_quantiles(self, X: Any, quantiles: Any = (0.1, 0.5, 0.9)) -> np.ndarray:
        """Normal quantiles around zero with the training returns' spread.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
        quantiles : sequence of float, default=(0.1, 0.5, 0.9)

        Returns
        -------
        ndarray of shape (n_samples, n_quantiles) or (n_samples, horizon, n_quantiles)
        """
        check_is_fitted(self, "residual_std_")
        levels = check_quantiles((0.1, 0.5, 0.9) if quantiles is None else quantiles)
        table = self.residual_std_[:, None] * stats.norm.ppf(levels)[None, :]
        table = np.broadcast_to(table, (len(X),) + table.shape).copy()
        return table[:, 0] if self.n_outputs_ == 0 else table

    def predict_interval(self, X: Any, coverage: float = 0.8):
        """Central normal interval around zero.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
        coverage : float, default=0.8

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,) or (n_samples, horizon)
        """
        table = self.predict_quantiles(X, interval_levels(coverage))
        return table[..., 0], table[..., 1]

    def predict(self, X: Any) -> np.ndarray:
        """Zeros, in the shape of ``y`` seen in ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Only its length is used.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, horizon)
        """
        check_is_fitted(self, "n_outputs_")
        n = len(X)
        return np.zeros(n) if self.n_outputs_ == 0 else np.zeros((n, self.n_outputs_))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        return tags


@dataclass
class ModelSpec:
    """One model of a benchmark task.

    Attributes
    ----------
    name : str
        Short name used in tables, the CSV and ``--models``.
    kind : {"network", "baseline", "reference"}
        ``"reference"`` is the forecast the others are tested against
        (the random walk), and is always run.
    estimator : estimator
        Unfitted scikit-learn estimator or pipeline.
    param_grid : dict
        Grid for ``GridSearchCV`` (``{}``: a single candidate).
    description : str
        One line for the report.
    """

    name: str
    kind: str
    estimator: Any
    param_grid: dict[str, list[Any]] = field(default_factory=dict)
    description: str = ""


def _network_params(budget: Any, seed: int) -> dict[str, Any]:
    return {
        "max_epochs": budget.max_epochs,
        "batch_size": budget.batch_size,
        "lr": budget.lr,
        "early_stopping": True,
        "validation_fraction": 0.15,
        "patience": budget.patience,
        "random_state": seed,
    }


def forecast_models(task: Any, budget: Any, seed: int) -> list[ModelSpec]:
    """All models of a forecasting task, networks first.

    Parameters
    ----------
    task : ForecastTask
        The task (lookbacks, season, ARIMA order, target kind...).
    budget : Budget
        Epochs, grid sizes and folds of the run mode.
    seed : int
        Seed of every network.

    Returns
    -------
    list of ModelSpec
    """
    lookbacks = budget.lookbacks(task)
    longest = task.max_lookback(budget)
    net_grid: dict[str, list[Any]] = {
        "last__lookback": lookbacks,
        "model__hidden_size": list(budget.hidden_sizes),
    }
    if len(budget.num_layers) > 1:
        net_grid["model__num_layers"] = list(budget.num_layers)
    specs: list[ModelSpec] = []
    for cell in CELLS:
        est = _network_pipeline(
            skseq.RecurrentRegressor(
                cell=cell,
                **_network_params(budget, seed),
                **_normalisation(task, skseq.RecurrentRegressor),
            ),
            lookbacks,
            task,
        )
        specs.append(
            ModelSpec(
                cell,
                "network",
                est,
                dict(net_grid),
                f"{cell.upper()} seq2vec network, direct multi-step head"
                + _normalisation_note(task),
            )
        )
    if hasattr(skseq, "Seq2SeqRegressor"):
        specs.append(_seq2seq_spec(lookbacks, budget, seed, task))

    def full(est: Any) -> Pipeline:
        return Pipeline([("last", LastSteps(longest)), ("model", est)])

    t = task.target_position
    if task.returns:
        specs.append(
            ModelSpec(
                "random-walk",
                "reference",
                full(ZeroForecastRegressor()),
                {},
                "random walk on the price: every future return is 0",
            )
        )
        naive_kind, naive_desc = "baseline", "repeat the last return"
    else:
        naive_kind, naive_desc = "reference", "random walk: repeat the last value"
    specs += [
        ModelSpec(
            "naive", naive_kind, full(NaiveRegressor(target_index=t)), {}, naive_desc
        ),
        ModelSpec(
            "seasonal-naive",
            "baseline",
            full(SeasonalNaiveRegressor(season=task.season, target_index=t)),
            {},
            f"value one season ({task.season} steps) back",
        ),
        ModelSpec(
            "drift",
            "baseline",
            full(DriftRegressor(target_index=t)),
            {},
            "last value plus the window's average change",
        ),
        ModelSpec(
            "mean", "baseline", full(MeanRegressor(target_index=t)), {}, "window mean"
        ),
        ModelSpec(
            "arima",
            "baseline",
            full(ARIMARegressor(order=task.arima_order, target_index=t)),
            {},
            f"ARIMA{task.arima_order} fitted on the training series",
        ),
        ModelSpec(
            "ets",
            "baseline",
            full(ExponentialSmoothingRegressor(target_index=t, **task.ets_params)),
            {},
            "exponential smoothing "
            + (", ".join(f"{k}={v}" for k, v in task.ets_params.items()) or "(simple)"),
        ),
        ModelSpec(
            "ridge",
            "baseline",
            Pipeline(
                [
                    ("last", LastSteps(lookbacks[0])),
                    ("flat", FlattenWindows()),
                    ("scale", StandardScaler()),
                    ("model", Ridge()),
                ]
            ),
            {"last__lookback": lookbacks, "model__alpha": list(budget.ridge_alphas)},
            "ridge regression on the flattened windows (all features, all lags)",
        ),
    ]
    return specs


def _normalisation(task: Any, cls: type) -> dict[str, Any]:
    """Normalisation of the networks: departures from the last value
    (``normalize="delta"``) for level targets, the pipeline's scaler for
    returns."""
    accepted = cls().get_params()
    if "normalize" not in accepted:
        return {}
    if task.returns:
        return {"normalize": None}
    return {"normalize": "delta", "target_index": task.target_position}


def _normalisation_note(task: Any) -> str:
    return "" if task.returns else "; learns the change from the last observed value"


def _network_pipeline(model: Any, lookbacks: list[int], task: Any) -> Pipeline:
    """LastSteps, then a SequenceScaler unless the network normalises itself."""
    steps: list[tuple[str, Any]] = [("last", LastSteps(lookbacks[0]))]
    if getattr(model, "normalize", None) is None:
        steps.append(("scale", SequenceScaler()))
    steps.append(("model", model))
    return Pipeline(steps)


def _seq2seq_spec(lookbacks: list[int], budget: Any, seed: int, task: Any) -> ModelSpec:
    """The encoder-decoder regressor, when the installed skseq has one."""
    cls = skseq.Seq2SeqRegressor
    params = _network_params(budget, seed)
    accepted = cls().get_params()
    params = {k: v for k, v in params.items() if k in accepted}
    est = _network_pipeline(cls(**params, **_normalisation(task, cls)), lookbacks, task)
    grid: dict[str, list[Any]] = {"last__lookback": lookbacks}
    if "hidden_size" in accepted:
        grid["model__hidden_size"] = list(budget.hidden_sizes)
    return ModelSpec(
        "seq2seq",
        "network",
        est,
        grid,
        "encoder-decoder (seq2seq) network, LSTM cells" + _normalisation_note(task),
    )
