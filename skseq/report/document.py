"""The report as a list of blocks (headings, paragraphs, tables, figures),
rendered to Markdown and HTML by :mod:`.render`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .results import BenchmarkResult
from .tables import (
    classification_summary,
    classification_tables,
    forecast_tables,
    interval_table,
)
from .tasks import CLASSIFICATION_BUDGETS
from .verdicts import classification_verdict, forecast_verdict, interval_verdict

__all__ = ["Block", "report_blocks"]


@dataclass
class Block:
    kind: str  # "h1", "h2", "h3", "p", "ul", "table", "img", "code"
    content: Any
    extra: str = ""


# ------------------------------------------------------------------- report


def settings_blocks(result: BenchmarkResult) -> list[Block]:
    """The Settings section: command, budget, machine and versions."""
    cfg = result.config
    budget = asdict(cfg.budget)
    env = result.environment
    items = [
        f"command: `{cfg.command}`" if cfg.command else "command: (called from Python)",
        f"mode: {cfg.mode}; seed: {cfg.seed}; n_jobs: {cfg.n_jobs}; torch threads: "
        f"{cfg.threads} in the main process"
        + ("; 1 per joblib worker" if cfg.n_jobs != 1 else ""),
        "models: "
        + (", ".join(cfg.models) if cfg.models else "all")
        + " (the reference forecast of each task always runs)",
        "network training: "
        + ", ".join(
            f"{k}={budget[k]}"
            for k in (
                "max_epochs",
                "patience",
                "batch_size",
                "lr",
                "hidden_sizes",
                "num_layers",
            )
        )
        + "; Adam, gradient clipping at norm 1, early stopping on the newest 15 % of "
        "each training set, standardised targets; inputs normalised inside the "
        "networks (each task's normalize; returns: a SequenceScaler in front)",
        "classifiers: "
        + ", ".join(
            f"{k}={v}"
            for k, v in asdict(CLASSIFICATION_BUDGETS[cfg.mode]).items()
            if k != "name"
        )
        + " (early stopping, when on, holds out the newest 20 % of each class)",
        "folds: " + str(budget["n_splits"]) + " expanding TimeSeriesWindowSplit folds "
        "(gap = horizon - 1) on the training period of each forecasting task, "
        + str(budget["network_splits"])
        + " for the networks",
        "ridge alphas: " + ", ".join(map(str, budget["ridge_alphas"])),
        f"started {result.started}; total time {result.elapsed:.1f} s",
        "machine: "
        + f"{env['platform']}, {env['processor']}, {env['cpu_count']} CPU(s) seen by joblib",
        "versions: "
        + ", ".join(
            f"{k} {env[k]}"
            for k in (
                "python",
                "skseq",
                "torch",
                "skorch",
                "scikit-learn",
                "numpy",
                "pandas",
                "statsmodels",
                "matplotlib",
            )
        ),
    ]
    return [Block("h2", "Settings"), Block("ul", items)]


_METHOD = [
    "Each forecasting task turns the series into forecast origins with "
    "`skseq.make_supervised` (full windows only). The newest 20 % of the origins "
    "are the test period; `horizon - 1` origins between training and test are "
    "left out so that no training target falls inside the test period.",
    "Every model, networks and baselines alike, is a `GridSearchCV` on the "
    "training period with the same `TimeSeriesWindowSplit` folds, scored by MAE "
    "averaged over the horizon steps, refitted on the whole training period, and "
    "then forecasts the test period once. Scalers and networks see only "
    "training data; the test period is never used for any choice.",
    "All models read the same windows. Networks and ridge search the lookback "
    "(the newest `lookback` steps of each window); the classical baselines use "
    "the whole window. Multi-step forecasts are direct: one output per step.",
    "Random walk: for price-like levels (temperatures) it is "
    "`NaiveRegressor` (repeat the last value); for returns it is a forecast of "
    "0 (tomorrow's price = today's), and `naive` then means 'repeat the last "
    "return', a different and usually worse model.",
    "MASE scales the test MAE by the in-sample one-step naive MAE of the "
    "training targets (per step). Directional accuracy: sign of the forecast "
    "move vs the actual one (against the last observed value for levels; the "
    "sign of the return for returns).",
    "Diebold-Mariano: absolute-error loss, Harvey-Leybourne-Newbold small-sample "
    "correction, autocovariances up to lag h-1 for step h, two-sided. A model "
    "'significantly better' has p < 0.05 and a lower mean absolute error. Many "
    "models and steps are tested: expect some p < 0.05 by chance.",
    "Classification: grid search with stratified folds of the official training "
    "split; accuracy on the official test split. The network (one "
    "`RecurrentClassifier`: cell, pooling head, size and convolutional front "
    "end searched) is then trained with several seeds and reported as mean ± "
    "sd; 1-NN, logistic regression and ridge read the flattened series "
    "(variable-length sets resampled to the longest training length).",
]


#: Keys of ``TaskResult.data`` shown in tables rather than in the data list.
_HIDDEN_DATA = ("published", "published_sources", "published_keys", "target")


def report_blocks(
    result: BenchmarkResult, figures: dict[str, dict[str, Path]]
) -> list[Block]:
    """The whole report as blocks, figures referenced by path."""
    blocks = [
        Block("h1", "skseq benchmark report"),
        Block(
            "p",
            f"Mode **{result.config.mode}**, seed {result.config.seed}, run on "
            f"{result.started} in {result.elapsed:.1f} s. Tasks: "
            + ", ".join(t.task.name for t in result.tasks)
            + ".",
        ),
        Block("h2", "Summary"),
    ]
    summary = []
    for tr in result.tasks:
        lines = (
            forecast_verdict(tr)
            if tr.task.kind == "forecast"
            else classification_verdict(tr)
        )
        summary.append(f"**{tr.task.name}**: " + " ".join(lines[:2]))
    blocks.append(Block("ul", summary))
    clf_summary = classification_summary(result)
    if clf_summary is not None:
        blocks.append(Block("h3", "Classification against the published results"))
        blocks.append(Block("table", clf_summary))
    if result.config.mode in ("smoke", "quick"):
        blocks.append(
            Block(
                "p",
                f"Note: a {result.config.mode} run trains tiny networks for a few "
                "epochs on part of the data; its numbers check that everything "
                "runs and say little about the models.",
            )
        )
    for tr in result.tasks:
        task = tr.task
        blocks.append(Block("h2", f"{task.name}: {task.title}"))
        blocks.append(
            Block(
                "ul",
                [f"{k}: {v}" for k, v in tr.data.items() if k not in _HIDDEN_DATA],
            )
        )
        lines = (
            forecast_verdict(tr)
            if task.kind == "forecast"
            else classification_verdict(tr)
        )
        blocks.append(Block("p", " ".join(lines)))
        tables = (
            forecast_tables(tr)
            if task.kind == "forecast"
            else classification_tables(tr)
        )
        for table in tables:
            blocks.append(Block("table", table))
        intervals = interval_table(tr) if task.kind == "forecast" else None
        if intervals is not None:
            blocks.append(Block("h3", "Prediction intervals"))
            blocks.append(Block("p", " ".join(interval_verdict(tr))))
            blocks.append(Block("table", intervals))
        captions = {
            "forecast": "Forecast vs actual on the test period: the random walk, "
            "the network chosen by cross-validation and the best baseline (shaded: "
            "80 % prediction interval, for the models that give one).",
            "horizon": "Test MAE by horizon step.",
            "loss": "Training and validation loss of each network's grid-search "
            "winner (refit on the training period).",
            "accuracy": "Test accuracy per model.",
            "fan": "Fan charts: the 50, 80 and 95 % central intervals of a "
            "network with intervals and of the random walk on the test period.",
            "calibration": "Calibration: empirical against nominal coverage of "
            "every model's central intervals on the test period (on the dotted "
            "line: calibrated; below: too narrow).",
            "confusion": "Confusion matrices on the test split: the network "
            "(first seed) and the most accurate baseline.",
        }
        for kind, path in figures.get(task.name, {}).items():
            blocks.append(Block("img", path, captions[kind]))
        blocks.append(Block("p", f"Task time: {tr.elapsed:.1f} s."))
    blocks.append(Block("h2", "Method"))
    blocks.append(Block("ul", _METHOD))
    blocks += settings_blocks(result)
    return blocks
