"""The report's tables, built from the results (rendered by :mod:`.render`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import confusion_matrix

from .comparisons import (
    Comparison,
    best_baseline,
    best_network,
    compare,
    network_best_on_test,
)
from .formatting import (
    NA,
    accuracy_text,
    column_decimals,
    fixed_column,
    fmt_accuracy,
    fmt_change,
    fmt_fixed,
    fmt_params,
    fmt_percent,
    fmt_pvalue,
    fmt_seconds,
    mean_score,
)
from .intervals import interval_summary
from .results import BenchmarkResult, ModelResult, TaskResult
from .verdicts import target_verdict

__all__ = [
    "Table",
    "classification_head_to_head",
    "classification_summary",
    "forecast_summary",
    "classification_tables",
    "forecast_tables",
    "interval_table",
]


@dataclass
class Table:
    """A table of the report: header cells, rows of text cells, a caption.

    Every numeric column is formatted by one function of
    :mod:`.formatting`, so a column keeps one number of decimals.
    """

    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


def _with_sd(means: list[float], sds: list[float | None]) -> list[str]:
    """Means formatted as one column, ``± sd`` (same decimals) where known."""
    decimals = column_decimals(means)
    return [
        fmt_fixed(mean, decimals)
        + ("" if sd is None else f" ± {fmt_fixed(sd, decimals)}")
        for mean, sd in zip(means, sds, strict=True)
    ]


def forecast_tables(tr: TaskResult) -> list[Table]:
    """Summary, per-step and grid-search tables of a forecasting task."""
    task = tr.task
    ranked = sorted(tr.models, key=lambda m: mean_score(m, "mae"))
    last = task.horizon
    base = best_baseline(tr)
    dm_cols = ["DM p vs ref. (step 1)"] + (
        [f"DM p vs ref. (step {last})"] if last > 1 else []
    )
    summary = Table(
        [
            "model",
            "kind",
            f"test MAE ({task.unit})",
            "test RMSE",
            "test MASE",
            "dir. acc.",
            f"vs {base.name} (DM p)",
            *dm_cols,
            "CV MAE",
            "search s",
            "refit s",
        ],
        [],
        f"Test period, averaged over the {task.horizon} horizon step(s), sorted by "
        "MAE; networks trained with several seeds show mean ± sd over the seeds. "
        f"vs {base.name}: each model against the best baseline, Diebold-Mariano "
        "test on the absolute errors averaged over the steps (two-sided; tie: "
        "p >= 0.05). DM p vs ref.: per step against the random walk "
        f"({tr.reference}). MASE: test MAE over the random walk's in-sample MAE "
        "at the same step (1: as good as the random walk was on the training "
        "period). CV MAE: the grid-search winner's mean over the "
        "training-period folds. search s: wall time of the whole grid search "
        "(all candidates and folds, refit and further seeds included); refit s: "
        "one fit of the winner on the whole training period. dir. acc. is n/a "
        "for a forecast of no change.",
    )
    sds = [m.test.get("mae_sd") for m in ranked]
    mae_col = _with_sd([mean_score(m, "mae") for m in ranked], sds)
    rmse_col = fixed_column([mean_score(m, "rmse") for m in ranked])
    mase_col = fixed_column([mean_score(m, "mase") for m in ranked], 3)
    cv_col = fixed_column([m.cv_score for m in ranked])
    for i, m in enumerate(ranked):
        dms = [fmt_pvalue(m.dm["pvalue"][0])] + (
            [fmt_pvalue(m.dm["pvalue"][last - 1])] if last > 1 else []
        )
        against = "" if m is base else _outcome_cell(compare(tr, m, base))
        summary.rows.append(
            [
                m.name,
                m.kind,
                mae_col[i],
                rmse_col[i],
                mase_col[i],
                fmt_accuracy(mean_score(m, "directional_accuracy")),
                against,
                *dms,
                cv_col[i],
                fmt_seconds(m.search_time),
                fmt_seconds(m.refit_time),
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
            "Test metrics per horizon step (all steps are in results.csv); DM p: "
            f"against the random walk ({tr.reference}).",
        )
        mae_steps = {
            s: fixed_column([m.test["mae"][s - 1] for m in ranked]) for s in steps
        }
        for i, m in enumerate(ranked):
            per_step.rows.append(
                [m.name]
                + [mae_steps[s][i] for s in steps]
                + [fmt_accuracy(m.test["directional_accuracy"][s - 1]) for s in steps]
                + [fmt_pvalue(m.dm["pvalue"][s - 1]) for s in steps]
            )
        tables.append(per_step)
    tables.append(winners_table(tr, "CV MAE"))
    return tables


def _outcome_cell(c: Comparison) -> str:
    """``better (p <0.001)``, ``tie (0.412)``: one comparison in a table cell."""
    return f"{c.outcome} ({fmt_pvalue(c.pvalue)})"


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
    summaries = [interval_summary(f, y) for f in tr.interval_forecasts]
    widths = fixed_column([float(np.mean(s["width"][0.8])) for s in summaries])
    winklers = fixed_column([float(np.mean(s["winkler"][0.8])) for s in summaries])
    for i, (f, summary) in enumerate(
        zip(tr.interval_forecasts, summaries, strict=True)
    ):
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
                    widths[i],
                    winklers[i],
                    fmt_seconds(f.fit_time),
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
    decimals = column_decimals([s for m in tr.models for s in m.cv_fold_scores])
    for m in tr.models:
        epochs = str(len(m.history)) if m.history else ""
        warn = ", ".join(f"{k} x{v}" for k, v in sorted(m.warnings.items()))
        table.rows.append(
            [
                m.name,
                m.description,
                fmt_params(m.best_params),
                str(m.n_candidates),
                " / ".join(fmt_fixed(s, decimals) for s in m.cv_fold_scores),
                epochs,
                warn,
            ]
        )
    return table


def classification_tables(tr: TaskResult) -> list[Table]:
    """Scores, published figures, confusion matrix and winners of a classification
    task."""
    ranked = sorted(tr.models, key=lambda m: -m.test["accuracy"])
    base = best_baseline(tr)
    table = Table(
        [
            "model",
            "kind",
            "test accuracy",
            "balanced acc.",
            "macro F1",
            f"vs {base.name} (McNemar p)",
            "CV accuracy",
            "search s",
            "refit s",
        ],
        [],
        "Official test split, sorted by accuracy. The network's scores are "
        "means over its seeds (± standard deviation of the accuracy); the "
        f"baselines are deterministic. vs {base.name}: each model against the "
        "best baseline, McNemar's test on the test series (the network's first "
        "seed; tie: p >= 0.05). CV accuracy: the grid-search winner's "
        "mean over stratified folds of the training split. search s includes "
        "the network's refits with further seeds.",
    )
    for m in ranked:
        table.rows.append(
            [
                m.name,
                m.kind,
                accuracy_text(m),
                fmt_accuracy(m.test["balanced_accuracy"]),
                fmt_accuracy(m.test["macro_f1"]),
                "" if m is base else _outcome_cell(compare(tr, m, base)),
                fmt_accuracy(m.cv_score),
                fmt_seconds(m.search_time),
                fmt_seconds(m.refit_time),
            ]
        )
    tables = [table, _published_table(tr), *_confusion_tables(tr)]
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
        table.rows.append([f"{name} (published)", fmt_accuracy(accuracy), keys[name]])
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
        table.rows.append(["target", fmt_accuracy(target), target_verdict(tr) or ""])
    return table


def _confusion_tables(tr: TaskResult) -> list[Table]:
    """Confusion matrices of the network (first seed) and the best baseline."""
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        return []
    labels = np.unique(tr.y_test)
    tables = []
    for m, what in ((nets[0], "the network (first seed)"), (best_baseline(tr), "")):
        what = what or f"the best baseline, {m.name}"
        matrix = confusion_matrix(tr.y_test, m.predictions, labels=labels)
        table = Table(
            ["true \\ predicted", *[str(c) for c in labels]],
            [],
            f"Confusion matrix of {what} on the test split (rows: true class, "
            "columns: predicted class).",
        )
        for label, row in zip(labels, matrix, strict=True):
            table.rows.append([str(label), *[str(int(v)) for v in row]])
        tables.append(table)
    return tables


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
                f"{fmt_accuracy(best[1])} ({best[0]})" if best else "",
                "" if target is None else fmt_accuracy(target),
                status,
                fmt_seconds(tr.elapsed),
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


def _named(m: ModelResult | None, score: str) -> str:
    return "" if m is None else f"{m.name} {score}"


def _mae_text(m: ModelResult, decimals: int) -> str:
    """Mean test MAE, with ``± sd`` over seeds when there is one."""
    sd = m.test.get("mae_sd")
    text = fmt_fixed(mean_score(m, "mae"), decimals)
    return text + ("" if sd is None else f" ± {fmt_fixed(sd, decimals)}")


def forecast_summary(result: BenchmarkResult) -> Table | None:
    """One row per forecasting task: reference, best baseline, networks and
    the verdict against the best baseline.

    Parameters
    ----------
    result : BenchmarkResult

    Returns
    -------
    Table or None
        None when the run has no forecasting task.
    """
    tasks = [tr for tr in result.tasks if tr.task.kind == "forecast"]
    if not tasks:
        return None
    table = Table(
        [
            "task",
            "reference",
            "best baseline",
            "network chosen by CV",
            "test-best network",
            "change vs reference",
            "test-best vs best baseline",
        ],
        [],
        "Test MAE averaged over the horizon steps, in each task's unit (networks "
        "trained with several seeds: mean ± sd). Network chosen by CV: the "
        "network with the best cross-validated MAE on the training period (the "
        "honest choice); test-best network: the lowest test MAE (picked on the "
        "test period, the optimistic view). Change vs reference: the test-best "
        "network's MAE against the random walk's (negative: better). Last "
        "column: Diebold-Mariano test of the test-best network against the "
        "best baseline (absolute errors averaged over the steps, two-sided; "
        "tie: p >= 0.05).",
    )
    scores = [
        mean_score(m, "mae") for tr in tasks for m in tr.models if m.kind != "reference"
    ]
    decimals = column_decimals(scores)
    for tr in tasks:
        ref = tr.model(tr.reference)
        base = best_baseline(tr)
        chosen, top = best_network(tr), network_best_on_test(tr)

        table.rows.append(
            [
                tr.task.name,
                _named(ref, _mae_text(ref, decimals)),
                _named(base, _mae_text(base, decimals)),
                _named(chosen, _mae_text(chosen, decimals)) if chosen else NA,
                _named(top, _mae_text(top, decimals)) if top else NA,
                fmt_change(mean_score(top, "mae") / mean_score(ref, "mae"))
                if top
                else NA,
                _outcome_cell(compare(tr, top, base)) if top else NA,
            ]
        )
    return table


def classification_head_to_head(result: BenchmarkResult) -> Table | None:
    """One row per classification task: reference, best baseline, the network
    and McNemar's test against the best baseline.

    Parameters
    ----------
    result : BenchmarkResult

    Returns
    -------
    Table or None
        None when the run has no classification task.
    """
    tasks = [tr for tr in result.tasks if tr.task.kind == "classification"]
    if not tasks:
        return None
    table = Table(
        [
            "set",
            "reference",
            "best baseline",
            "network",
            "change in error vs reference",
            "network vs best baseline",
        ],
        [],
        "Test accuracy on the official splits. The network (one model, its "
        "cell, head and size chosen by cross-validation) shows mean ± sd over "
        "its seeds. Change in error: the network's error rate (1 - accuracy) "
        "against the majority class's (negative: fewer errors). Last column: "
        "McNemar's test on the test series (the network's first seed; tie: "
        "p >= 0.05).",
    )
    for tr in tasks:
        ref = tr.model(tr.reference)
        base = best_baseline(tr)
        net = network_best_on_test(tr)
        change = NA
        if net is not None and ref.test["accuracy"] < 1:
            change = fmt_change((1 - net.test["accuracy"]) / (1 - ref.test["accuracy"]))
        table.rows.append(
            [
                tr.task.name,
                _named(ref, fmt_accuracy(ref.test["accuracy"])),
                _named(base, fmt_accuracy(base.test["accuracy"])),
                _named(net, accuracy_text(net)) if net else NA,
                change,
                _outcome_cell(compare(tr, net, base)) if net else NA,
            ]
        )
    return table
