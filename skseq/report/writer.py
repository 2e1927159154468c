"""Write the benchmark report: ``report.md``, ``report.html``, ``results.csv``.

The report is built once as a list of blocks (headings, paragraphs, tables,
images) and rendered twice: to Markdown (figures referenced as files next to
it) and to a self-contained HTML page (figures embedded as base64 PNG).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .document import report_blocks
from .figures import task_figures
from .formatting import mean_score
from .intervals import interval_summary
from .render import render_html, render_markdown
from .results import BenchmarkResult, TaskResult
from .tasks import CLASSIFICATION_BUDGETS

__all__ = ["results_frame", "write_report"]


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
        ``dm_statistic`` (against the task's random walk), ``mae_sd`` and
        one ``mae_seed`` per seed (``fold`` = ``seed<k>``) for forecasting
        networks trained with several seeds, ``accuracy``,
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
                    add("test", "mean", "", metric, mean_score(m, metric))
                for key in ("pvalue", "statistic"):
                    for k, v in enumerate(m.dm[key], 1):
                        add("test", k, "", f"dm_{key}", v)
                if "mae_sd" in m.test:
                    add("test", "mean", "", "mae_sd", m.test["mae_sd"])
                    for seed, value in m.test["mae_seeds"].items():
                        add("test", "mean", f"seed{seed}", "mae_seed", value)
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
        rows.extend(interval_rows(tr))
    return pd.DataFrame(
        rows,
        columns=["task", "model", "kind", "split", "step", "fold", "metric", "value"],
    )


def interval_rows(tr: TaskResult) -> list[dict[str, Any]]:
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
    """Write figures (SVG), ``report.md``, ``report.html``, ``results.csv`` and
    ``settings.json``.

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
    blocks = report_blocks(result, figures)
    paths: dict[str, Path] = {}
    paths["markdown"] = out / "report.md"
    paths["markdown"].write_text(render_markdown(blocks, out), encoding="utf-8")
    paths["html"] = out / "report.html"
    paths["html"].write_text(render_html(blocks), encoding="utf-8")
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
        for kind, figure in figs.items():
            paths[f"{task}_{kind}"] = figure.path
    return paths
