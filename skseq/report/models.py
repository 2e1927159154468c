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
from sklearn.preprocessing import FunctionTransformer, StandardScaler
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
    panel : bool
        A global model: trained on the windows of every series of the task's
        panel (:attr:`ForecastTask.panel`, the series code as the last
        feature) and scored on the task's own series.
    train_stride : int
        Trained (and cross-validated) on every ``train_stride``-th training
        origin, the newest included.
    """

    name: str
    kind: str
    estimator: Any
    param_grid: dict[str, list[Any]] = field(default_factory=dict)
    description: str = ""
    panel: bool = False
    train_stride: int = 1


def _network_params(budget: Any, seed: int, task: Any) -> dict[str, Any]:
    params = {
        "loss": task.network_loss,
        "max_epochs": budget.max_epochs,
        "batch_size": budget.batch_size,
        "lr": budget.lr,
        "early_stopping": True,
        "validation_fraction": 0.15,
        "patience": budget.patience,
        "random_state": seed,
    }
    if task.network_epochs is not None:
        params.update(
            max_epochs=min(budget.max_epochs, task.network_epochs),
            early_stopping=False,
            lr_schedule="cosine",
        )
    return params


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
    net_lookbacks = budget.network_lookbacks(task)
    longest = task.max_lookback(budget)
    net_grid: dict[str, list[Any]] = {
        "last__lookback": net_lookbacks,
        "model__hidden_size": list(budget.hidden_sizes),
    }
    if len(budget.num_layers) > 1:
        net_grid["model__num_layers"] = list(budget.num_layers)
    specs: list[ModelSpec] = []
    for cell in CELLS:
        est = _network_pipeline(
            skseq.RecurrentRegressor(
                cell=cell,
                **_network_params(budget, seed, task),
                **_normalisation(task, skseq.RecurrentRegressor),
            ),
            net_lookbacks,
            task,
        )
        specs.append(
            ModelSpec(
                cell,
                "network",
                est,
                dict(net_grid),
                f"{cell.upper()} seq2vec network, direct multi-step head"
                + _known_future_note(task)
                + _normalisation_note(task),
                train_stride=task.train_stride,
            )
        )
    if hasattr(skseq, "Seq2SeqRegressor"):
        specs.append(_seq2seq_spec(net_lookbacks, budget, seed, task))
    if task.panel is not None:
        specs.append(_global_network_spec(net_lookbacks, budget, seed, task, net_grid))

    def full(est: Any) -> Pipeline:
        return Pipeline(
            [("last", LastSteps(longest)), *_past_only(task), ("model", est)]
        )

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
                    *_past_only(task),
                    ("flat", FlattenWindows()),
                    ("scale", StandardScaler()),
                    ("model", Ridge()),
                ]
            ),
            {"last__lookback": lookbacks, "model__alpha": list(budget.ridge_alphas)},
            "ridge regression on the flattened windows (all features, all lags)",
        ),
    ]
    if task.panel is not None:
        specs.append(
            ModelSpec(
                "ridge-global",
                "baseline",
                Pipeline(
                    [
                        ("last", LastSteps(lookbacks[0])),
                        ("values", FunctionTransformer(without_series_code)),
                        *_past_only(task),
                        ("flat", FlattenWindows()),
                        ("scale", StandardScaler()),
                        ("model", Ridge()),
                    ]
                ),
                # The penalty only: three times the data makes every fit three
                # times dearer, and ridge's CV chose the first lookback on both
                # panel tasks in the default and quick runs.
                {"model__alpha": list(budget.ridge_alphas)},
                f"ridge on the flattened windows of the last {lookbacks[0]} steps, "
                "one regression pooled over the series of gru-global, without "
                "the series code; CV MAE over all those series",
                panel=True,
            )
        )
    return specs


def without_last_features(X: Any, n: int) -> np.ndarray:
    """Windows without their last ``n`` features.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)
    n : int

    Returns
    -------
    ndarray of shape (n_samples, n_timesteps, n_features - n)
    """
    return np.asarray(X)[:, :, : X.shape[2] - n]


def _past_only(task: Any) -> list[tuple[str, Any]]:
    """The pipeline step that drops a task's known-future lead columns (none
    when the task has none): the models other than the networks read the
    observed past only."""
    if not task.n_known_future:
        return []
    drop = FunctionTransformer(
        without_last_features, kw_args={"n": task.n_known_future}
    )
    return [("past", drop)]


def without_series_code(X: Any) -> np.ndarray:
    """Windows without their last feature (the series code of panel windows).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_timesteps, n_features)

    Returns
    -------
    ndarray of shape (n_samples, n_timesteps, n_features - 1)
    """
    return np.asarray(X)[:, :, :-1]


def _global_network_spec(
    lookbacks: list[int], budget: Any, seed: int, task: Any, grid: dict[str, list[Any]]
) -> ModelSpec:
    """One GRU over every series of the task's panel, the series code embedded."""
    # Returns: the built-in global scaler (a SequenceScaler in front would
    # scale the series code too).
    norm = (
        {"normalize": "global"}
        if task.returns
        else _normalisation(task, skseq.RecurrentRegressor)
    )
    model = skseq.RecurrentRegressor(
        cell="gru",
        categorical_features=[-1],
        **_network_params(budget, seed, task),
        **norm,
    )
    est = Pipeline([("last", LastSteps(lookbacks[0])), ("model", model)])
    return ModelSpec(
        "gru-global",
        "network",
        est,
        dict(grid),
        f"one GRU trained on {task.panel_description}; scored on this task's "
        "series (CV MAE over all series)"
        + _known_future_note(task)
        + _normalisation_note(task),
        panel=True,
        train_stride=task.panel_train_stride,
    )


def _normalisation(task: Any, cls: type) -> dict[str, Any]:
    """Normalisation of the networks: the task's ``normalize`` (departures from
    the last value, in units of the changes' or the window's spread) for
    level targets, the pipeline's scaler for returns."""
    accepted = cls().get_params()
    if "normalize" not in accepted:
        return {}
    if task.returns:
        return {"normalize": None}
    return {"normalize": task.normalize, "target_index": task.target_position}


def _known_future_note(task: Any) -> str:
    note = ""
    if task.n_known_future:
        note += f"; reads {', '.join(task.known_future)} of every forecast step"
    if task.network_epochs is not None:
        note += (
            f"; up to {task.network_epochs} epochs on every training origin, the rate "
            "annealed to 0 (no early stopping)"
        )
    return note


def _normalisation_note(task: Any) -> str:
    if task.returns:
        return ""
    unit = "the window's spread" if task.normalize == "window" else "typical changes"
    loss = (
        "; trained on the absolute error"
        if task.network_loss == "absolute_error"
        else ""
    )
    return f"{loss}; learns the change from the last observed value, in units of {unit}"


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
    params = _network_params(budget, seed, task)
    accepted = cls().get_params()
    params = {k: v for k, v in params.items() if k in accepted}
    if task.n_known_future and "known_future" in accepted:
        # The lead columns are the windows' last ones (no series code here).
        params["known_future"] = list(range(-task.n_known_future, 0))
    est = _network_pipeline(cls(**params, **_normalisation(task, cls)), lookbacks, task)
    grid: dict[str, list[Any]] = {"last__lookback": lookbacks}
    if "hidden_size" in accepted:
        grid["model__hidden_size"] = list(budget.hidden_sizes)
    return ModelSpec(
        "seq2seq",
        "network",
        est,
        grid,
        "encoder-decoder (seq2seq) network, LSTM cells"
        + (
            f"; the decoder reads {', '.join(task.known_future)} of each step"
            if task.n_known_future
            else ""
        )
        + _normalisation_note(task),
        train_stride=task.train_stride,
    )
