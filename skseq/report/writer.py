"""Write the benchmark report: ``report.md``, ``report.html``, ``results.csv``.

The report is built once as a list of blocks (headings, paragraphs, tables,
images) and rendered twice: to Markdown (figures referenced as files next to
it) and to a self-contained HTML page (figures embedded as base64 PNG).
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from .figures import best_network, task_figures
from .intervals import interval_summary
from .runner import BenchmarkResult, ModelResult, TaskResult
from .tasks import CLASSIFICATION_BUDGETS

__all__ = ["results_frame", "write_report"]

_ALPHA = 0.05


# --------------------------------------------------------------------- blocks


@dataclass
class _Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class _Block:
    kind: str  # "h1", "h2", "h3", "p", "ul", "table", "img", "code"
    content: Any
    extra: str = ""


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "n/a"
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
            return f"{value:.{digits - 1}e}"
        return f"{value:.{digits}g}"
    return str(value)


def _p(value: float) -> str:
    if value is None or np.isnan(value):
        return "n/a"
    if value < 1e-4:
        return "<1e-4"
    return f"{value:.3f}"


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "(none)"


def _mean(result: ModelResult, metric: str) -> float:
    values = np.asarray(result.test[metric], dtype=float)
    return float(np.nanmean(values)) if not np.all(np.isnan(values)) else np.nan


# ----------------------------------------------------------------- verdicts


def _significant_steps(result: ModelResult) -> list[int]:
    """Steps where the model is better than the reference with DM p < 0.05."""
    p, stat = result.dm["pvalue"], result.dm["statistic"]
    return [k + 1 for k in range(len(p)) if p[k] < _ALPHA and stat[k] < 0]


def _significantly_worse(result: ModelResult) -> list[int]:
    p, stat = result.dm["pvalue"], result.dm["statistic"]
    return [k + 1 for k in range(len(p)) if p[k] < _ALPHA and stat[k] > 0]


def _steps_text(steps: list[int], total: int) -> str:
    if not steps:
        return f"at none of the {total} step(s)"
    if len(steps) == total:
        return f"at all {total} step(s)" if total > 1 else "at the single step"
    return f"at {len(steps)} of {total} steps ({', '.join(map(str, steps))})"


def forecast_verdict(tr: TaskResult) -> list[str]:
    """Plain-language conclusions of a forecasting task.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    list of str
        Sentences: the winner, whether any network beats the random walk,
        and whether that is statistically significant.
    """
    task = tr.task
    ref = tr.model(tr.reference)
    ref_mae = _mean(ref, "mae")
    ranked = sorted(tr.models, key=lambda m: _mean(m, "mae"))
    winner = ranked[0]
    unit = task.unit
    if winner is ref:
        lines = [
            f"Winner on the test period (lowest MAE averaged over the {task.horizon} "
            f"step(s)): **the random walk itself** ({ref.name}), MAE "
            f"{_fmt(ref_mae)} {unit}."
        ]
    else:
        lines = [
            f"Winner on the test period (lowest MAE averaged over the "
            f"{task.horizon} step(s)): **{winner.name}** ({winner.kind}), MAE "
            f"{_fmt(_mean(winner, 'mae'))} {unit}, against {_fmt(ref_mae)} for the "
            f"random walk ({ref.name})."
        ]
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        lines.append("No network was run for this task (--models).")
    else:
        beating = [m for m in nets if _mean(m, "mae") < ref_mae]
        best_net = min(nets, key=lambda m: _mean(m, "mae"))
        chosen = best_network(tr)
        if not beating:
            lines.append(
                f"**No recurrent network beats the random walk here.** The best one, "
                f"{best_net.name}, has a test MAE of {_fmt(_mean(best_net, 'mae'))} "
                f"{unit} ({_fmt(100 * (_mean(best_net, 'mae') / ref_mae - 1), 3)} % "
                "worse than the random walk)."
            )
        else:
            for m in sorted(beating, key=lambda m: _mean(m, "mae")):
                gain = 100 * (1 - _mean(m, "mae") / ref_mae)
                sig = _significant_steps(m)
                lines.append(
                    f"{m.name} has a lower test MAE than the random walk "
                    f"({_fmt(_mean(m, 'mae'))} vs {_fmt(ref_mae)} {unit}, "
                    f"{_fmt(gain, 3)} % lower); the Diebold-Mariano test (absolute "
                    f"errors, 5 % level) finds it significantly better "
                    f"{_steps_text(sig, task.horizon)}."
                )
        if chosen is not None:
            lines.append(
                f"The network chosen on the training period alone (best "
                f"cross-validated MAE) is {chosen.name} ({_params(chosen.best_params)})."
            )
    base_beat = [
        m for m in tr.models if m.kind == "baseline" and _mean(m, "mae") < ref_mae
    ]
    if base_beat:
        lines.append(
            "Baselines with a lower test MAE than the random walk: "
            + ", ".join(
                f"{m.name} ({_fmt(_mean(m, 'mae'))}; significant "
                f"{_steps_text(_significant_steps(m), task.horizon)})"
                for m in sorted(base_beat, key=lambda m: _mean(m, "mae"))
            )
            + "."
        )
    else:
        lines.append("No classical baseline beats the random walk either.")
    if task.returns:
        any_sig = any(_significant_steps(m) for m in tr.models if m.kind != "reference")
        if not any_sig:
            lines.append(
                "In plain words: on these daily returns nothing tested forecasts "
                "better than \"tomorrow's price is today's price\" with any "
                "statistical significance. This is the expected result for a "
                "liquid stock (returns are close to unpredictable from their own "
                "past); a lower MAE without significance is noise, not skill. "
                "Directional accuracy near 0.5 is a coin flip."
            )
        else:
            lines.append(
                "Some model is significantly better than the random walk at some "
                "step. With many models and steps tested, a few p-values below "
                "0.05 are expected by chance alone: treat this as weak evidence, "
                "not as a trading signal."
            )
    return lines


def _accuracy_text(m: ModelResult) -> str:
    """Test accuracy, with the spread over seeds when there is one."""
    if "accuracy_sd" in m.test:
        return f"{m.test['accuracy']:.3f} ± {m.test['accuracy_sd']:.3f}"
    return f"{m.test['accuracy']:.3f}"


def target_verdict(tr: TaskResult) -> str | None:
    """Whether the network reached the task's target accuracy.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    str or None
        None when the task has no target or no network ran.
    """
    target = tr.data.get("target")
    nets = [m for m in tr.models if m.kind == "network"]
    if target is None or not nets:
        return None
    net = nets[0]
    accuracy = net.test["accuracy"]
    published = tr.data.get("published", {})
    best = max(published.items(), key=lambda item: item[1]) if published else None
    against = f"; best published: {best[0]} {best[1]:.3f}" if best else ""
    if accuracy >= target:
        return (
            f"Target {target:.2f} **met** by the network (mean test accuracy "
            f"{_accuracy_text(net)}{against})."
        )
    return (
        f"Target {target:.2f} **missed**: the network's mean test accuracy is "
        f"{_accuracy_text(net)}, {target - accuracy:.3f} short{against}."
    )


def classification_verdict(tr: TaskResult) -> list[str]:
    """Plain-language conclusions of a classification task.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    list of str
    """
    ranked = sorted(tr.models, key=lambda m: -m.test["accuracy"])
    winner = ranked[0]
    ref = tr.model(tr.reference)
    lines = [
        f"Winner on the official test split: **{winner.name}** ({winner.kind}), "
        f"accuracy {_accuracy_text(winner)}; the majority class scores "
        f"{ref.test['accuracy']:.3f}."
    ]
    nets = [m for m in tr.models if m.kind == "network"]
    others = [m for m in tr.models if m.kind == "baseline"]
    if nets:
        best = max(nets, key=lambda m: m.test["accuracy"])
        text = f"Network ({_params(best.best_params)}): {_accuracy_text(best)}"
        if others:
            best_other = max(others, key=lambda m: m.test["accuracy"])
            verb = (
                "beats"
                if best.test["accuracy"] > best_other.test["accuracy"]
                else (
                    "ties with"
                    if best.test["accuracy"] == best_other.test["accuracy"]
                    else "does not beat"
                )
            )
            text += (
                f"; it {verb} the best simple baseline ({best_other.name}, "
                f"{best_other.test['accuracy']:.3f})"
            )
        lines.append(text + ".")
    verdict = target_verdict(tr)
    if verdict is not None:
        lines.append(verdict)
    published = tr.data.get("published", {})
    if "1-NN Euclidean" in published:
        lines.append(
            f"Published 1-NN (Euclidean) accuracy on this split: "
            f"{published['1-NN Euclidean']:.4f} (UCR archive); the 1nn row here "
            "should match it."
        )
    return lines


# ------------------------------------------------------------------- tables


def _forecast_tables(tr: TaskResult) -> list[_Table]:
    task = tr.task
    ranked = sorted(tr.models, key=lambda m: _mean(m, "mae"))
    last = task.horizon
    dm_cols = ["DM p (step 1)"] + ([f"DM p (step {last})"] if last > 1 else [])
    summary = _Table(
        [
            "model",
            "kind",
            f"test MAE ({task.unit})",
            "test RMSE",
            "test MASE",
            "dir. acc.",
            *dm_cols,
            "CV MAE",
            "search s",
            "refit s",
        ],
        [],
        f"Test period, averaged over the {task.horizon} horizon step(s), sorted by "
        "MAE. DM p: Diebold-Mariano p-value (absolute errors, two-sided) against "
        f"the random walk ({tr.reference}). CV MAE: the grid-search winner's mean "
        "over the training-period folds. search s: wall time of the whole grid "
        "search (all candidates and folds, refit included); refit s: one fit of "
        "the winner on the whole training period. dir. acc. is n/a for a forecast "
        "of no change.",
    )
    for m in ranked:
        dms = [_p(m.dm["pvalue"][0])] + (
            [_p(m.dm["pvalue"][last - 1])] if last > 1 else []
        )
        summary.rows.append(
            [
                m.name,
                m.kind,
                _fmt(_mean(m, "mae")),
                _fmt(_mean(m, "rmse")),
                _fmt(_mean(m, "mase")),
                _fmt(_mean(m, "directional_accuracy"), 3),
                *dms,
                _fmt(m.cv_score),
                f"{m.search_time:.1f}",
                f"{m.refit_time:.2f}",
            ]
        )
    tables = [summary]
    if task.horizon > 1:
        steps = list(task.report_steps)
        per_step = _Table(
            ["model"]
            + [f"MAE h={s}" for s in steps]
            + [f"dir. acc. h={s}" for s in steps]
            + [f"DM p h={s}" for s in steps],
            [],
            "Test metrics per horizon step (all steps are in results.csv).",
        )
        for m in ranked:
            per_step.rows.append(
                [m.name]
                + [_fmt(m.test["mae"][s - 1]) for s in steps]
                + [_fmt(m.test["directional_accuracy"][s - 1], 3) for s in steps]
                + [_p(m.dm["pvalue"][s - 1]) for s in steps]
            )
        tables.append(per_step)
    tables.append(_winners_table(tr, "CV MAE"))
    return tables


def _pct(value: float) -> str:
    return "n/a" if value is None or np.isnan(value) else f"{100 * value:.1f} %"


def interval_verdict(tr: TaskResult) -> list[str]:
    """Sentences on the 80 % intervals: the random walk's against the networks'.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    list of str
    """
    if not tr.interval_forecasts:
        return []
    y = tr.y_test
    cover = {
        f.name: float(np.mean(interval_summary(f, y)["coverage"][0.8]))
        for f in tr.interval_forecasts
    }
    lines = []
    if tr.reference in cover:
        lines.append(
            f"The random walk's ({tr.reference}) 80 % interval covers "
            f"{_pct(cover[tr.reference])} of the test targets."
        )
    nets = [f.name for f in tr.interval_forecasts if f.kind == "network"]
    if nets:
        lines.append(
            "Network intervals: "
            + ", ".join(f"{n} covers {_pct(cover[n])}" for n in nets)
            + " (nominal 80 %)."
        )
    return lines


def _interval_table(tr: TaskResult) -> _Table | None:
    """Coverage and width of every model's prediction intervals."""
    if not tr.interval_forecasts:
        return None
    last = tr.task.horizon
    per_step = ["80 % cov. h=1"] + ([f"80 % cov. h={last}"] if last > 1 else [])
    table = _Table(
        [
            "model",
            "kind",
            "50 % cov.",
            "80 % cov.",
            "90 % cov.",
            "95 % cov.",
            *per_step,
            f"80 % width ({tr.task.unit})",
            "80 % Winkler",
            "fit s",
        ],
        [],
        "Prediction intervals on the test period: empirical coverage of the "
        "central intervals (averaged over the horizon steps unless a step is "
        "named), mean width and Winkler score of the 80 % interval (width plus "
        "2/0.2 times each miss; lower is better). Baselines: normal intervals "
        "with their analytic (naive, drift, seasonal naive, mean) or statsmodels' "
        "(ARIMA, ETS) variance; random walk on returns: zero plus or minus the "
        "training returns' spread; gru-quantile: the GRU winner refitted with the "
        "pinball loss. Models without a row give point forecasts only. fit s: "
        "extra fit for the intervals (0: the grid-search winner is reused).",
    )
    y = tr.y_test
    rows = []
    for f in tr.interval_forecasts:
        summary = interval_summary(f, y)
        cov = summary["coverage"]
        steps = [_pct(cov[0.8][0])] + ([_pct(cov[0.8][last - 1])] if last > 1 else [])
        rows.append(
            (
                abs(float(np.mean(cov[0.8])) - 0.8),
                [
                    f.name,
                    f.kind,
                    *(_pct(float(np.mean(cov[c]))) for c in (0.5, 0.8, 0.9, 0.95)),
                    *steps,
                    _fmt(float(np.mean(summary["width"][0.8]))),
                    _fmt(float(np.mean(summary["winkler"][0.8]))),
                    f"{f.fit_time:.1f}",
                ],
            )
        )
    table.rows = [row for _, row in sorted(rows, key=lambda r: r[0])]
    return table


def _winners_table(tr: TaskResult, score: str) -> _Table:
    table = _Table(
        [
            "model",
            "description",
            "grid-search winner",
            "candidates",
            score + " per fold",
            "epochs",
            "warnings",
        ],
        [],
        "Grid-search winners (chosen on the training period only) and their "
        "per-fold scores. epochs: epochs trained in the refit (early stopping "
        "keeps the best). warnings: raised during the search (for networks "
        "searched in parallel, --n-jobs > 1, they are not counted).",
    )
    for m in tr.models:
        epochs = str(len(m.history)) if m.history else ""
        warn = ", ".join(f"{k} x{v}" for k, v in sorted(m.warnings.items()))
        table.rows.append(
            [
                m.name,
                m.description,
                _params(m.best_params),
                str(m.n_candidates),
                " / ".join(_fmt(s) for s in m.cv_fold_scores),
                epochs,
                warn,
            ]
        )
    return table


def _classification_tables(tr: TaskResult) -> list[_Table]:
    ranked = sorted(tr.models, key=lambda m: -m.test["accuracy"])
    table = _Table(
        [
            "model",
            "kind",
            "test accuracy",
            "balanced acc.",
            "macro F1",
            "CV accuracy",
            "search s",
            "refit s",
        ],
        [],
        "Official test split, sorted by accuracy. The network's scores are "
        "means over its seeds (± standard deviation of the accuracy); the "
        "baselines are deterministic. CV accuracy: the grid-search winner's "
        "mean over stratified folds of the training split. search s includes "
        "the network's refits with further seeds.",
    )
    for m in ranked:
        table.rows.append(
            [
                m.name,
                m.kind,
                _accuracy_text(m),
                f"{m.test['balanced_accuracy']:.3f}",
                f"{m.test['macro_f1']:.3f}",
                f"{m.cv_score:.3f}",
                f"{m.search_time:.1f}",
                f"{m.refit_time:.2f}",
            ]
        )
    tables = [table, _published_table(tr)]
    confusion = _confusion_table(tr)
    if confusion is not None:
        tables.append(confusion)
    tables.append(_winners_table(tr, "CV accuracy"))
    return tables


def _published_table(tr: TaskResult) -> _Table:
    """Published accuracies next to this run's, with the target."""
    table = _Table(
        ["classifier", "test accuracy", "source"],
        [],
        "Published test accuracies on the same official split, and this run's. "
        "target: what the default run aims at (a report figure, not a test).",
    )
    sources = tr.data.get("published_sources", {})
    keys = tr.data.get("published_keys", {})
    for name, accuracy in tr.data.get("published", {}).items():
        table.rows.append([f"{name} (published)", f"{accuracy:.4f}", keys[name]])
    cited = {keys[name]: sources[name] for name in keys}
    if cited:
        table.caption += " Sources: " + "; ".join(
            f"[{key}] {text}" for key, text in cited.items()
        )
    for m in tr.models:
        if m.kind != "reference":
            table.rows.append([f"{m.name} (this run)", _accuracy_text(m), ""])
    target = tr.data.get("target")
    if target is not None:
        table.rows.append(["target", f"{target:.2f}", target_verdict(tr) or ""])
    return table


def _confusion_table(tr: TaskResult) -> _Table | None:
    """The network's confusion matrix (its first seed) as a table."""
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        return None
    labels = np.unique(tr.y_test)
    matrix = confusion_matrix(tr.y_test, nets[0].predictions, labels=labels)
    table = _Table(
        ["true \\ predicted", *[str(c) for c in labels]],
        [],
        "Confusion matrix of the network on the test split (first seed; rows: "
        "true class, columns: predicted class).",
    )
    for label, row in zip(labels, matrix, strict=True):
        table.rows.append([str(label), *[str(int(v)) for v in row]])
    return table


def classification_summary(result: BenchmarkResult) -> _Table | None:
    """One row per classification task: this run against the published
    figures and the target.

    Parameters
    ----------
    result : BenchmarkResult

    Returns
    -------
    _Table or None
        None when the run has no classification task.
    """
    rows = []
    for tr in result.tasks:
        if tr.task.kind != "classification":
            continue
        scores = {m.name: _accuracy_text(m) for m in tr.models}
        published = tr.data.get("published", {})
        best = max(published.items(), key=lambda item: item[1]) if published else None
        target = tr.data.get("target")
        nets = [m for m in tr.models if m.kind == "network"]
        status = ""
        if target is not None and nets:
            status = "met" if nets[0].test["accuracy"] >= target else "missed"
        rows.append(
            [
                tr.task.name,
                scores.get("network", ""),
                scores.get("1nn", ""),
                scores.get("logistic", ""),
                scores.get("ridge", ""),
                f"{best[1]:.3f} ({best[0]})" if best else "",
                "" if target is None else f"{target:.2f}",
                status,
                f"{tr.elapsed:.0f}",
            ]
        )
    if not rows:
        return None
    return _Table(
        [
            "set",
            "network",
            "1nn",
            "logistic",
            "ridge",
            "best published",
            "target",
            "network vs target",
            "task s",
        ],
        rows,
        "Test accuracy on the official splits (network: mean ± sd over seeds). "
        "Sources of the published figures are in each task's section.",
    )


# ------------------------------------------------------------------- report


def _settings_blocks(result: BenchmarkResult) -> list[_Block]:
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
        "each training set, standardised inputs (SequenceScaler) and targets",
        "classifiers: "
        + ", ".join(
            f"{k}={v}"
            for k, v in asdict(CLASSIFICATION_BUDGETS[cfg.mode]).items()
            if k != "name"
        )
        + " (early stopping, when on, holds out the newest 20 % of each class)",
        "folds: " + str(budget["n_splits"]) + " expanding TimeSeriesWindowSplit folds "
        "(gap = horizon - 1) on the training period of each forecasting task",
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
    return [_Block("h2", "Settings"), _Block("ul", items)]


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


def _blocks(
    result: BenchmarkResult, figures: dict[str, dict[str, Path]]
) -> list[_Block]:
    blocks = [
        _Block("h1", "skseq benchmark report"),
        _Block(
            "p",
            f"Mode **{result.config.mode}**, seed {result.config.seed}, run on "
            f"{result.started} in {result.elapsed:.1f} s. Tasks: "
            + ", ".join(t.task.name for t in result.tasks)
            + ".",
        ),
        _Block("h2", "Summary"),
    ]
    summary = []
    for tr in result.tasks:
        lines = (
            forecast_verdict(tr)
            if tr.task.kind == "forecast"
            else classification_verdict(tr)
        )
        summary.append(f"**{tr.task.name}**: " + " ".join(lines[:2]))
    blocks.append(_Block("ul", summary))
    clf_summary = classification_summary(result)
    if clf_summary is not None:
        blocks.append(_Block("h3", "Classification against the published results"))
        blocks.append(_Block("table", clf_summary))
    if result.config.mode in ("smoke", "quick"):
        blocks.append(
            _Block(
                "p",
                f"Note: a {result.config.mode} run trains tiny networks for a few "
                "epochs on part of the data; its numbers check that everything "
                "runs and say little about the models.",
            )
        )
    for tr in result.tasks:
        task = tr.task
        blocks.append(_Block("h2", f"{task.name}: {task.title}"))
        blocks.append(
            _Block(
                "ul",
                [
                    f"{k}: {v}"
                    for k, v in tr.data.items()
                    if k not in _HIDDEN_DATA
                ],
            )
        )
        lines = (
            forecast_verdict(tr)
            if task.kind == "forecast"
            else classification_verdict(tr)
        )
        blocks.append(_Block("p", " ".join(lines)))
        tables = (
            _forecast_tables(tr)
            if task.kind == "forecast"
            else _classification_tables(tr)
        )
        for table in tables:
            blocks.append(_Block("table", table))
        interval_table = _interval_table(tr) if task.kind == "forecast" else None
        if interval_table is not None:
            blocks.append(_Block("h3", "Prediction intervals"))
            blocks.append(_Block("p", " ".join(interval_verdict(tr))))
            blocks.append(_Block("table", interval_table))
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
            blocks.append(_Block("img", path, captions[kind]))
        blocks.append(_Block("p", f"Task time: {tr.elapsed:.1f} s."))
    blocks.append(_Block("h2", "Method"))
    blocks.append(_Block("ul", _METHOD))
    blocks += _settings_blocks(result)
    return blocks


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _render_md(blocks: Sequence[_Block], out: Path) -> str:
    parts: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append("#" * int(b.kind[1]) + " " + b.content)
        elif b.kind == "p":
            parts.append(b.content)
        elif b.kind == "ul":
            parts.append("\n".join(f"- {item}" for item in b.content))
        elif b.kind == "table":
            t: _Table = b.content
            lines = [
                "| " + " | ".join(_md_cell(h) for h in t.headers) + " |",
                "|" + "|".join("---" for _ in t.headers) + "|",
            ]
            lines += [
                "| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows
            ]
            if t.caption:
                lines.append("")
                lines.append(f"*{t.caption}*")
            parts.append("\n".join(lines))
        elif b.kind == "img":
            rel = Path(b.content).relative_to(out).as_posix()
            parts.append(f"![{b.extra}]({rel})\n\n*{b.extra}*")
        elif b.kind == "code":
            parts.append(f"```\n{b.content}\n```")
    return "\n\n".join(parts) + "\n"


def _inline_md(text: str) -> str:
    """Escape HTML, then render **bold** and `code` spans."""
    out = html.escape(text)
    pieces = out.split("**")
    out = "".join(
        p if i % 2 == 0 else f"<strong>{p}</strong>" for i, p in enumerate(pieces)
    )
    pieces = out.split("`")
    return "".join(
        p if i % 2 == 0 else f"<code>{p}</code>" for i, p in enumerate(pieces)
    )


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;
max-width:1150px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.8em 0;font-size:.86em}
th,td{border:1px solid #ccc;padding:.25em .55em;text-align:right}
th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}
caption{caption-side:bottom;text-align:left;font-size:.85em;color:#555;padding-top:.3em}
img{max-width:100%;border:1px solid #ddd}figure{margin:1em 0}
figcaption{font-size:.85em;color:#555}code{background:#f4f4f4;padding:0 .2em}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
"""


def _render_html(blocks: Sequence[_Block]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>skseq benchmark report</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append(f"<{b.kind}>{_inline_md(b.content)}</{b.kind}>")
        elif b.kind == "p":
            parts.append(f"<p>{_inline_md(b.content)}</p>")
        elif b.kind == "ul":
            items = "".join(f"<li>{_inline_md(i)}</li>" for i in b.content)
            parts.append(f"<ul>{items}</ul>")
        elif b.kind == "table":
            t: _Table = b.content
            head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
            body = "".join(
                "<tr>"
                + "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
                + "</tr>"
                for row in t.rows
            )
            caption = f"<caption>{_inline_md(t.caption)}</caption>" if t.caption else ""
            parts.append(
                f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
        elif b.kind == "img":
            data = base64.b64encode(Path(b.content).read_bytes()).decode("ascii")
            alt = html.escape(b.extra)
            parts.append(
                f'<figure><img alt="{alt}" src="data:image/png;base64,{data}">'
                f"<figcaption>{alt}</figcaption></figure>"
            )
        elif b.kind == "code":
            parts.append(f"<pre><code>{html.escape(b.content)}</code></pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def results_frame(result: BenchmarkResult) -> pd.DataFrame:
    """Tidy table of every number of the run.

    Parameters
    ----------
    result : BenchmarkResult

    Returns
    -------
    DataFrame
        Columns ``task, model, kind, split, step, fold, metric, value``.
        ``split`` is ``"test"`` (held-out period / official test split),
        ``"cv"`` (grid-search folds of the training period) or ``"train"``
        (timings). ``step`` is the horizon step (1-based), ``"mean"`` for the
        average over steps, empty for classification. Metrics: ``mae``,
        ``rmse``, ``mase``, ``directional_accuracy``, ``dm_pvalue`` and
        ``dm_statistic`` (against the task's random walk), ``accuracy``,
        ``balanced_accuracy``, ``macro_f1`` (means over seeds for the
        classification network, with ``accuracy_sd`` and one
        ``accuracy_seed`` per seed, ``fold`` = ``seed<k>``), ``cv_mae`` /
        ``cv_accuracy``, ``search_time_s``, ``refit_time_s``, and for models
        with prediction intervals ``coverage_<p>``, ``width_<p>``,
        ``winkler_<p>`` of the central ``p`` % interval (p = 50, 80, 90, 95).
    """
    rows: list[dict[str, Any]] = []
    for tr in result.tasks:
        task = tr.task
        for m in tr.models:
            base = {"task": task.name, "model": m.name, "kind": m.kind}

            def add(
                split: str, step: Any, fold: Any, metric: str, value: float
            ) -> None:
                rows.append(
                    {
                        **base,  # noqa: B023 - used immediately, inside the loop
                        "split": split,
                        "step": step,
                        "fold": fold,
                        "metric": metric,
                        "value": float(value),
                    }
                )

            if task.kind == "forecast":
                for metric in ("mae", "rmse", "mase", "directional_accuracy"):
                    values = np.asarray(m.test[metric], dtype=float)
                    for k, v in enumerate(values, 1):
                        add("test", k, "", metric, v)
                    add("test", "mean", "", metric, _mean(m, metric))
                for key in ("pvalue", "statistic"):
                    for k, v in enumerate(m.dm[key], 1):
                        add("test", k, "", f"dm_{key}", v)
                cv_metric = "cv_mae"
            else:
                for metric in ("accuracy", "balanced_accuracy", "macro_f1"):
                    add("test", "", "", metric, m.test[metric])
                if "accuracy_sd" in m.test:
                    add("test", "", "", "accuracy_sd", m.test["accuracy_sd"])
                    for seed, value in m.test["accuracy_seeds"].items():
                        add("test", "", f"seed{seed}", "accuracy_seed", value)
                cv_metric = "cv_accuracy"
            add("cv", "mean", "mean", cv_metric, m.cv_score)
            for fold, score in enumerate(m.cv_fold_scores):
                add("cv", "mean", fold, cv_metric, score)
            add("train", "", "", "search_time_s", m.search_time)
            add("train", "", "", "refit_time_s", m.refit_time)
        rows.extend(_interval_rows(tr))
    return pd.DataFrame(
        rows,
        columns=["task", "model", "kind", "split", "step", "fold", "metric", "value"],
    )


def _interval_rows(tr: TaskResult) -> list[dict[str, Any]]:
    """results.csv rows of the prediction intervals: coverage_<pct>,
    width_<pct>, winkler_<pct> per step and averaged."""
    rows = []
    for f in tr.interval_forecasts:
        summary = interval_summary(f, tr.y_test)
        for metric, by_nominal in summary.items():
            for nominal, values in by_nominal.items():
                name = f"{metric}_{int(round(nominal * 100))}"
                steps = [*enumerate(values, 1), ("mean", float(np.mean(values)))]
                for step, value in steps:
                    rows.append(
                        {
                            "task": tr.task.name,
                            "model": f.name,
                            "kind": f.kind,
                            "split": "test",
                            "step": step,
                            "fold": "",
                            "metric": name,
                            "value": float(value),
                        }
                    )
    return rows


def write_report(result: BenchmarkResult, out: str | Path) -> dict[str, Path]:
    """Write figures, ``report.md``, ``report.html`` and ``results.csv``.

    Parameters
    ----------
    result : BenchmarkResult
    out : str or pathlib.Path
        Output folder (created if needed; files of the same names are
        overwritten).

    Returns
    -------
    dict
        ``"markdown"``, ``"html"``, ``"csv"``, ``"settings"`` and one entry
        per figure (``"<task>_<kind>"``) -> path.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    figures = {tr.task.name: task_figures(tr, out) for tr in result.tasks}
    blocks = _blocks(result, figures)
    paths: dict[str, Path] = {}
    paths["markdown"] = out / "report.md"
    paths["markdown"].write_text(_render_md(blocks, out), encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(_render_html(blocks), encoding="utf-8")
    paths["csv"] = out / "results.csv"
    results_frame(result).to_csv(paths["csv"], index=False)
    paths["settings"] = out / "settings.json"
    settings = {
        "command": result.config.command,
        "mode": result.config.mode,
        "seed": result.config.seed,
        "n_jobs": result.config.n_jobs,
        "threads": result.config.threads,
        "tasks": result.config.tasks,
        "models": result.config.models,
        "ticker": result.config.ticker,
        "budget": asdict(result.config.budget),
        "classification_budget": asdict(CLASSIFICATION_BUDGETS[result.config.mode]),
        "environment": result.environment,
        "started": result.started,
        "elapsed_s": round(result.elapsed, 1),
        "best_params": {
            tr.task.name: {m.name: m.best_params for m in tr.models}
            for tr in result.tasks
        },
    }
    paths["settings"].write_text(json.dumps(settings, indent=2, default=str) + "\n")
    for task, figs in figures.items():
        for kind, path in figs.items():
            paths[f"{task}_{kind}"] = path
    return paths
