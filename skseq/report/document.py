"""The report as a list of blocks (headings, paragraphs, tables, figures),
rendered to Markdown and HTML by :mod:`.render`."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .figures import Figure
from .results import BenchmarkResult, TaskResult
from .tables import (
    classification_head_to_head,
    classification_summary,
    classification_tables,
    forecast_summary,
    forecast_tables,
    interval_table,
)
from .tasks import CLASSIFICATION_BUDGETS
from .verdicts import (
    classification_verdict,
    forecast_verdict,
    interval_verdict,
    no_network_beats,
)

__all__ = [
    "Block",
    "report_blocks",
    "reproduce_command",
    "slug",
    "table_of_contents",
]


@dataclass
class Block:
    """One piece of the report.

    Attributes
    ----------
    kind : {"h1", "h2", "h3", "p", "ul", "table", "img", "code", "toc"}
    content : object
        Text (headings, ``p``, ``code``), a list of str (``ul``), a
        :class:`~skseq.report.tables.Table`, a figure's path (``img``) or the
        ``(level, text, anchor)`` entries of a table of contents.
    extra : str
        A heading's anchor (HTML id), or a figure's caption.
    """

    kind: str
    content: Any
    extra: str = ""


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
        "each training set (or, where a task's model descriptions say so, a fixed "
        "number of epochs with the rate annealed to 0 instead), standardised "
        "targets; inputs normalised inside the networks (each task's normalize; "
        "returns: a SequenceScaler in front)",
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
    return [_heading(2, "Settings"), Block("ul", items)]


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
    "MASE scales the test MAE at step h by the random walk's in-sample MAE at "
    "step h (the mean of |y[t+h] - y[t]| over the training origins for levels, "
    "of |r[t+h]| for returns): a MASE of 1 matches what the random walk achieved "
    "on the training period, below 1 beats it. Directional accuracy: sign of the forecast "
    "move vs the actual one (against the last observed value for levels; the "
    "sign of the return for returns).",
    "Diebold-Mariano: absolute-error loss, Harvey-Leybourne-Newbold small-sample "
    "correction, autocovariances up to lag h-1 for step h, two-sided. Against "
    "the best baseline (the most accurate non-network model on the test "
    "period) the loss is the absolute error averaged over the horizon steps of "
    "each origin (lags up to horizon - 1). A model 'significantly better' has "
    "p < 0.05 and a lower mean absolute error; otherwise the comparison is a "
    "tie. Many models and steps are tested: expect some p < 0.05 by chance.",
    "Networks trained with several seeds report the mean (± sd) of their test "
    "scores over the seeds; the significance tests use the first seed's "
    "forecasts (the grid search's own refit).",
    "Classification: grid search with stratified folds of the official training "
    "split; accuracy on the official test split. The network is one "
    "`RecurrentClassifier`: in the default and quick runs one recipe for every "
    "set, nothing tuned per set (its description in each task's table; the "
    "cross-validation only reports it), in --full the cell and pooling head "
    "searched. It is trained with several seeds and reported as mean ± "
    "sd; 1-NN, logistic regression and ridge read the flattened series "
    "(variable-length sets resampled to the longest training length). "
    "McNemar's test compares the network (first seed) with the best baseline "
    "on the test series that exactly one of them gets right (exact binomial "
    "test below 25 such series).",
]


#: Keys of ``TaskResult.data`` shown in tables rather than in the data list.
_HIDDEN_DATA = (
    "published",
    "published_sources",
    "published_keys",
    "target",
    "run_mode",
)


def slug(text: str) -> str:
    """An HTML id from a heading: lower case, runs of other characters -> ``-``.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> slug("nyc-hourly: NYC (JFK) hourly temperature")
    'nyc-hourly-nyc-jfk-hourly-temperature'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _heading(level: int, text: str, anchor: str | None = None) -> Block:
    return Block(f"h{level}", text, anchor or slug(text))


def table_of_contents(blocks: list[Block]) -> Block:
    """A ``toc`` block listing the level-2 and level-3 headings of ``blocks``.

    Parameters
    ----------
    blocks : list of Block

    Returns
    -------
    Block
        ``content``: list of ``(level, text, anchor)``.
    """
    entries = [
        (int(b.kind[1]), b.content, b.extra) for b in blocks if b.kind in ("h2", "h3")
    ]
    return Block("toc", entries)


def _unique_anchors(blocks: list[Block]) -> None:
    """Make every heading's anchor unique (``-2``, ``-3`` on repeats)."""
    seen: dict[str, int] = {}
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            count = seen.get(b.extra, 0) + 1
            seen[b.extra] = count
            if count > 1:
                b.extra = f"{b.extra}-{count}"


def reproduce_command(result: BenchmarkResult) -> str:
    """The command line that reproduces the run (``python -m skseq ...``)."""
    command = result.config.command
    if not command:
        cfg = result.config
        command = f"skseq benchmark --tasks {','.join(cfg.tasks)} --seed {cfg.seed}" + (
            "" if cfg.mode == "default" else f" --{cfg.mode}"
        )
    if command.startswith("skseq "):
        command = "python -m " + command
    return command


def report_blocks(
    result: BenchmarkResult, figures: dict[str, dict[str, Figure]]
) -> list[Block]:
    """The whole report as blocks, figures referenced by path."""
    version = result.environment.get("skseq", "")
    blocks = [
        Block("h1", "skseq benchmark report", "top"),
        Block(
            "p",
            f"Mode **{result.config.mode}**, seed {result.config.seed}, run on "
            f"{result.started} in {result.elapsed:.1f} s. Tasks: "
            + ", ".join(t.task.name for t in result.tasks)
            + ".",
        ),
        Block(
            "p",
            "Files: [results.csv](results.csv) (every number), "
            "[settings.json](settings.json) (settings, versions, chosen "
            "parameters), [report.md](report.md) and [report.html](report.html) "
            "(this report).",
        ),
        Block("p", f"Reproduce with skseq {version}:"),
        Block("code", reproduce_command(result)),
    ]
    body = [_heading(2, "Summary")]
    for table in (forecast_summary(result), classification_head_to_head(result)):
        if table is not None:
            body.append(Block("table", table))
    headlines = []
    for tr in result.tasks:
        sentence = no_network_beats(tr)
        if sentence is not None:
            headlines.append(f"{tr.task.name}: {sentence}")
    if headlines:
        body.append(Block("ul", headlines))
    clf_summary = classification_summary(result)
    if clf_summary is not None:
        body.append(_heading(3, "Classification against the published results"))
        body.append(Block("table", clf_summary))
    if result.config.mode in ("smoke", "quick"):
        body.append(
            Block(
                "p",
                f"Note: a {result.config.mode} run trains tiny networks for a few "
                "epochs on part of the data; its numbers check that everything "
                "runs and say little about the models.",
            )
        )
    for tr in result.tasks:
        body += _task_blocks(tr, figures.get(tr.task.name, {}))
    body.append(_heading(2, "Method"))
    body.append(Block("ul", _METHOD))
    body += settings_blocks(result)
    _unique_anchors(body)
    blocks.append(table_of_contents(body))
    return blocks + body


def _task_blocks(tr: TaskResult, figures: dict[str, Figure]) -> list[Block]:
    task = tr.task
    name = task.name
    forecast = task.kind == "forecast"
    blocks = [
        _heading(2, f"{name}: {task.title}", name),
        Block("ul", [f"{k}: {v}" for k, v in tr.data.items() if k not in _HIDDEN_DATA]),
        _heading(3, "Verdict", f"{name}-verdict"),
        Block(
            "p",
            " ".join(forecast_verdict(tr) if forecast else classification_verdict(tr)),
        ),
        _heading(3, "Scores", f"{name}-scores"),
    ]
    for table in forecast_tables(tr) if forecast else classification_tables(tr):
        blocks.append(Block("table", table))
    intervals = interval_table(tr) if forecast else None
    if intervals is not None:
        blocks.append(_heading(3, "Prediction intervals", f"{name}-intervals"))
        blocks.append(Block("p", " ".join(interval_verdict(tr))))
        blocks.append(Block("table", intervals))
    if figures:
        blocks.append(_heading(3, "Figures", f"{name}-figures"))
    for figure in figures.values():
        blocks.append(Block("img", figure.path, figure.caption))
    blocks.append(Block("p", f"Task time: {tr.elapsed:.1f} s."))
    return blocks
