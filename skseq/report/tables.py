"""The report's tables, built from the results (rendered by :mod:`.render`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import confusion_matrix

from .formatting import (
    accuracy_text,
    fmt_number,
    fmt_params,
    fmt_percent,
    fmt_pvalue,
    mean_score,
)
from .intervals import interval_summary
from .results import BenchmarkResult, TaskResult
from .verdicts import target_verdict

__all__ = [
    "Table",
    "classification_summary",
    "classification_tables",
    "forecast_tables",
    "interval_table",
]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


# ------------------------------------------------------------------- tables


def forecast_tables(tr: TaskResult) -> list[Table]:
    """Summary, per-step and grid-search tables of a forecasting task."""
    task = tr.task
    ranked = sorted(tr.models, key=lambda m: mean_score(m, "mae"))
    last = task.horizon
    dm_cols = ["DM p (step 1)"] + ([f"DM p (step {last})"] if last > 1 else [])
    summary = Table(
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
        dms = [fmt_pvalue(m.dm["pvalue"][0])] + (
            [fmt_pvalue(m.dm["pvalue"][last - 1])] if last > 1 else []
        )
        summary.rows.append(
            [
                m.name,
                m.kind,
                fmt_number(mean_score(m, "mae")),
                fmt_number(mean_score(m, "rmse")),
                fmt_number(mean_score(m, "mase")),
                fmt_number(mean_score(m, "directional_accuracy"), 3),
                *dms,
                fmt_number(m.cv_score),
                f"{m.search_time:.1f}",
                f"{m.refit_time:.2f}",
            ]
        )
    tables = [summary]
    if task.horizon > 1:
        steps = list(task.report_steps)
        per_step = Table(
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
                + [fmt_number(m.test["mae"][s - 1]) for s in steps]
                + [fmt_number(m.test["directional_accuracy"][s - 1], 3) for s in steps]
                + [fmt_pvalue(m.dm["pvalue"][s - 1]) for s in steps]
            )
        tables.append(per_step)
    tables.append(winners_table(tr, "CV MAE"))
    return tables


def interval_table(tr: TaskResult) -> Table | None:
    """Coverage and width of every model's prediction intervals."""
    if not tr.interval_forecasts:
        return None
    last = tr.task.horizon
    per_step = ["80 % cov. h=1"] + ([f"80 % cov. h={last}"] if last > 1 else [])
    table = Table(
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
        steps = [fmt_percent(cov[0.8][0])] + (
            [fmt_percent(cov[0.8][last - 1])] if last > 1 else []
        )
        rows.append(
            (
                abs(float(np.mean(cov[0.8])) - 0.8),
                [
                    f.name,
                    f.kind,
                    *(
                        fmt_percent(float(np.mean(cov[c])))
                        for c in (0.5, 0.8, 0.9, 0.95)
                    ),
                    *steps,
                    fmt_number(float(np.mean(summary["width"][0.8]))),
                    fmt_number(float(np.mean(summary["winkler"][0.8]))),
                    f"{f.fit_time:.1f}",
                ],
            )
        )
    table.rows = [row for _, row in sorted(rows, key=lambda r: r[0])]
    return table


def winners_table(tr: TaskResult, score: str) -> Table:
    """Grid-search winners with their per-fold ``score``."""
    table = Table(
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
                fmt_params(m.best_params),
                str(m.n_candidates),
                " / ".join(fmt_number(s) for s in m.cv_fold_scores),
                epochs,
                warn,
            ]
        )
    return table


def classification_tables(tr: TaskResult) -> list[Table]:
    """Scores, published figures, confusion matrix and winners of a classification
    task."""
    ranked = sorted(tr.models, key=lambda m: -m.test["accuracy"])
    table = Table(
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
                accuracy_text(m),
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
    tables.append(winners_table(tr, "CV accuracy"))
    return tables


def _published_table(tr: TaskResult) -> Table:
    """Published accuracies next to this run's, with the target."""
    table = Table(
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
            table.rows.append([f"{m.name} (this run)", accuracy_text(m), ""])
    target = tr.data.get("target")
    if target is not None:
        table.rows.append(["target", f"{target:.2f}", target_verdict(tr) or ""])
    return table


def _confusion_table(tr: TaskResult) -> Table | None:
    """The network's confusion matrix (its first seed) as a table."""
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        return None
    labels = np.unique(tr.y_test)
    matrix = confusion_matrix(tr.y_test, nets[0].predictions, labels=labels)
    table = Table(
        ["true \\ predicted", *[str(c) for c in labels]],
        [],
        "Confusion matrix of the network on the test split (first seed; rows: "
        "true class, columns: predicted class).",
    )
    for label, row in zip(labels, matrix, strict=True):
        table.rows.append([str(label), *[str(int(v)) for v in row]])
    return table


def classification_summary(result: BenchmarkResult) -> Table | None:
    """One row per classification task: this run against the published
    figures and the target.

    Parameters
    ----------
    result : BenchmarkResult

    Returns
    -------
    Table or None
        None when the run has no classification task.
    """
    rows = []
    for tr in result.tasks:
        if tr.task.kind != "classification":
            continue
        scores = {m.name: accuracy_text(m) for m in tr.models}
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
    return Table(
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
