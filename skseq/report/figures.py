"""PNG figures of the benchmark report (matplotlib, Agg backend).

Per forecasting task: forecast vs actual on the test period, test error by
horizon step, fan charts of the prediction intervals, a calibration plot
(nominal against empirical coverage), and the training/validation loss
curves of the recurrent winners. Per classification task: test accuracy per
model, loss curves and the confusion matrices of the network and the best
baseline.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI event loop

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay  # noqa: E402

from .registry import MODELS, registered  # noqa: E402
from .results import ModelResult, TaskResult  # noqa: E402

__all__ = ["task_figures"]

_DPI = 90
_COLORS = {
    "reference": "0.35",
    "actual": "black",
}


def _color(model: ModelResult) -> tuple[float, ...]:
    """A fixed colour per model name, the same in every figure."""
    entry = registered(model.name)
    i = entry.colour if entry is not None else len(MODELS)
    # The ten strong colours of tab20 first, then the light ones.
    return plt.get_cmap("tab20")(2 * i if i < 10 else (2 * (i - 10) + 1) % 20)


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=_DPI, metadata={"Software": None})
    plt.close(fig)
    return path


def _mean_mae(result: ModelResult) -> float:
    return float(np.mean(result.test["mae"]))


def best_network(task_result: TaskResult) -> ModelResult | None:
    """The network with the best cross-validated score (chosen on the training
    period only, never on the test period).

    Parameters
    ----------
    task_result : TaskResult

    Returns
    -------
    ModelResult or None
        None when no network ran.
    """
    nets = [m for m in task_result.models if m.kind == "network"]
    if not nets:
        return None
    if task_result.task.kind == "classification":
        return max(nets, key=lambda m: m.cv_score)
    return min(nets, key=lambda m: m.cv_score)


def _forecast_plot(tr: TaskResult, path: Path) -> Path:
    task = tr.task
    steps = sorted({1, task.horizon})
    ref = tr.model(tr.reference)
    shown: list[ModelResult] = [ref]
    net = best_network(tr)
    if net is not None:
        shown.append(net)
    others = [m for m in tr.models if m.kind == "baseline"]
    if others:
        best_base = min(others, key=_mean_mae)
        if best_base not in shown:
            shown.append(best_base)
    k = min(task.plot_points, len(tr.y_test))
    fig, axes = plt.subplots(
        len(steps), 1, figsize=(10, 3.2 * len(steps)), squeeze=False
    )
    for ax, step in zip(axes[:, 0], steps, strict=True):
        # x is the time the forecast is for (origin + step), not the origin.
        x = tr.target_times[-k:, step - 1]
        ax.plot(x, tr.y_test[-k:, step - 1], color="black", lw=1.0, label="actual")
        for m in shown:
            ax.plot(
                x,
                m.predictions[-k:, step - 1],
                lw=1.0,
                alpha=0.85,
                color=_COLORS["reference"] if m.kind == "reference" else _color(m),
                ls="--" if m.kind == "reference" else "-",
                label=f"{m.name} (test MAE {m.test['mae'][step - 1]:.3g})",
            )
        _band(ax, tr, shown, x, k, step)
        ax.set_title(
            f"{task.name}: {step}-step-ahead forecasts, last {k} of the test period "
            "(x = time forecast)"
        )
        ax.set_ylabel(task.unit)
        ax.legend(loc="upper left", fontsize=8, ncol=2)
        ax.grid(alpha=0.3)
    return _save(fig, path)


def _band(ax, tr: TaskResult, shown: list, x, k: int, step: int) -> None:
    """Shade the 80 % interval of the plotted models that have one."""
    bands = {f.name: f for f in tr.interval_forecasts if 0.8 in f.bounds}
    for m in shown:
        if m.name in bands:
            lower, upper = bands[m.name].bounds[0.8]
            ax.fill_between(
                x,
                lower[-k:, step - 1],
                upper[-k:, step - 1],
                color=_COLORS["reference"] if m.kind == "reference" else _color(m),
                alpha=0.12,
                lw=0,
                label=f"{m.name} 80 % interval",
            )


def _horizon_plot(tr: TaskResult, path: Path) -> Path:
    task = tr.task
    fig, ax = plt.subplots(figsize=(8, 4))
    models = sorted(tr.models, key=_mean_mae)
    if task.horizon == 1:
        names = [m.name for m in models]
        values = [m.test["mae"][0] for m in models]
        colors = [
            "tab:blue"
            if m.kind == "network"
            else "0.6"
            if m.kind == "baseline"
            else "0.3"
            for m in models
        ]
        ax.barh(names[::-1], values[::-1], color=colors[::-1])
        ax.set_xlabel(f"test MAE ({task.unit})")
        ax.set_title(f"{task.name}: test MAE per model (blue: networks)")
    else:
        steps = np.arange(1, task.horizon + 1)
        for m in models:
            ax.plot(
                steps,
                m.test["mae"],
                marker="o" if m.kind == "network" else None,
                ms=3,
                lw=2.0 if m.kind != "baseline" else 1.0,
                ls="--" if m.kind == "reference" else "-",
                color=_color(m),
                label=m.name,
            )
        ax.set_xlabel("horizon step")
        ax.set_ylabel(f"test MAE ({task.unit})")
        ax.set_title(f"{task.name}: test error by horizon step")
        ax.legend(fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def _loss_plot(tr: TaskResult, path: Path) -> Path | None:
    nets = [m for m in tr.models if m.history]
    if not nets:
        return None
    fig, axes = plt.subplots(
        1, len(nets), figsize=(3.6 * len(nets), 3.2), squeeze=False
    )
    for ax, m in zip(axes[0], nets, strict=True):
        epochs = [h["epoch"] for h in m.history]
        ax.plot(epochs, [h["train_loss"] for h in m.history], label="train")
        valid = [h["valid_loss"] for h in m.history]
        if not np.all(np.isnan(valid)):
            ax.plot(epochs, valid, label="validation (newest 15 %)")
        params = ", ".join(f"{k}={v}" for k, v in m.best_params.items())
        ax.set_title(f"{m.name}: {params}", fontsize=8)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (scaled target)" if tr.task.kind == "forecast" else "loss")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(
        f"{tr.task.name}: training curves of the grid-search winners", fontsize=9
    )
    return _save(fig, path)


def _accuracy_plot(tr: TaskResult, path: Path) -> Path:
    models = sorted(tr.models, key=lambda m: m.test["accuracy"])
    fig, ax = plt.subplots(figsize=(7, 3.5))
    colors = ["tab:blue" if m.kind == "network" else "0.6" for m in models]
    ax.barh(
        [m.name for m in models], [m.test["accuracy"] for m in models], color=colors
    )
    published = tr.data.get("published", {})
    if published:
        name, best = max(published.items(), key=lambda item: item[1])
        ax.axvline(
            best, color="tab:red", ls="--", lw=1, label=f"best published ({name})"
        )
    target = tr.data.get("target")
    if target is not None:
        ax.axvline(target, color="k", ls=":", lw=1, label="target")
    if published or target is not None:
        ax.legend(fontsize=8, loc="lower right")
    ax.set_xlim(0, 1)
    ax.set_xlabel("test accuracy (official split)")
    ax.set_title(f"{tr.task.name}: test accuracy (blue: networks)")
    ax.grid(alpha=0.3, axis="x")
    return _save(fig, path)


def _interval_models(tr: TaskResult) -> list:
    """The fan chart's models: a network with intervals, then the reference."""
    shown = []
    nets = [f for f in tr.interval_forecasts if f.kind == "network"]
    if nets:
        shown.append(nets[0])
    shown += [f for f in tr.interval_forecasts if f.name == tr.reference]
    return shown


def _fan_chart(tr: TaskResult, path: Path) -> Path | None:
    shown = _interval_models(tr)
    if not shown:
        return None
    task = tr.task
    steps = sorted({1, task.horizon})
    k = min(task.plot_points, len(tr.y_test))
    fig, axes = plt.subplots(
        len(steps),
        len(shown),
        figsize=(5.5 * len(shown), 3.0 * len(steps)),
        squeeze=False,
        sharey="row",
    )
    for row, step in enumerate(steps):
        x = tr.target_times[-k:, step - 1]
        for col, fc in enumerate(shown):
            ax = axes[row, col]
            color = "0.4" if fc.kind == "reference" else "tab:blue"
            for nominal, alpha in ((0.95, 0.15), (0.8, 0.25), (0.5, 0.35)):
                if nominal not in fc.bounds:
                    continue
                lower, upper = fc.bounds[nominal]
                ax.fill_between(
                    x,
                    lower[-k:, step - 1],
                    upper[-k:, step - 1],
                    color=color,
                    alpha=alpha,
                    lw=0,
                    label=f"{int(nominal * 100)} % interval",
                )
            ax.plot(x, fc.point[-k:, step - 1], color=color, lw=1.0, label="forecast")
            ax.plot(x, tr.y_test[-k:, step - 1], color="black", lw=0.8, label="actual")
            ax.set_title(f"{fc.name}: {step}-step-ahead, last {k} test points", fontsize=9)
            ax.set_ylabel(task.unit)
            ax.grid(alpha=0.3)
            ax.tick_params(axis="x", labelsize=7)
            if row == 0 and col == 0:
                ax.legend(fontsize=7, loc="upper left", ncol=2)
    fig.suptitle(f"{task.name}: fan charts (central prediction intervals)", fontsize=10)
    return _save(fig, path)


def _calibration_plot(tr: TaskResult, path: Path) -> Path | None:
    if not tr.interval_forecasts:
        return None
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot([0, 1], [0, 1], color="0.6", ls=":", lw=1, label="perfect calibration")
    for i, fc in enumerate(tr.interval_forecasts):
        nominal = sorted(fc.bounds)
        empirical = []
        for c in nominal:
            lower, upper = fc.bounds[c]
            empirical.append(float(np.mean((tr.y_test >= lower) & (tr.y_test <= upper))))
        ax.plot(
            nominal,
            empirical,
            marker="o",
            ms=4,
            lw=2.0 if fc.kind == "network" else 1.0,
            ls="--" if fc.kind == "reference" else "-",
            color=plt.get_cmap("tab10")(i % 10),
            label=fc.name,
        )
    ax.set_xlim(0.4, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("nominal coverage")
    ax.set_ylabel("empirical coverage on the test period (all steps)")
    ax.set_title(f"{tr.task.name}: calibration of the prediction intervals", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def confusion_models(tr: TaskResult) -> list[ModelResult]:
    """Models whose confusion matrices are drawn: the network and the most
    accurate baseline on the test split.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    list of ModelResult
    """
    chosen = [m for m in tr.models if m.kind == "network"]
    baselines = [m for m in tr.models if m.kind == "baseline"]
    if baselines:
        chosen.append(max(baselines, key=lambda m: m.test["accuracy"]))
    return chosen


def _confusion_plot(tr: TaskResult, path: Path) -> Path | None:
    models = confusion_models(tr)
    if not models:
        return None
    labels = np.unique(tr.y_test)
    side = 2.6 + 0.3 * len(labels)
    fig, axes = plt.subplots(
        1, len(models), figsize=(side * len(models), side + 0.4), squeeze=False
    )
    for ax, m in zip(axes[0], models, strict=True):
        ConfusionMatrixDisplay.from_predictions(
            tr.y_test, m.predictions, labels=labels, ax=ax, colorbar=False
        )
        ax.set_title(f"{m.name}: accuracy {m.test['accuracy']:.3f}", fontsize=9)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(
        f"{tr.task.name}: confusion matrices on the test split (rows: true class)",
        fontsize=9,
    )
    return _save(fig, path)


def task_figures(tr: TaskResult, out: Path) -> dict[str, Path]:
    """Draw the figures of one task into ``out``.

    Parameters
    ----------
    tr : TaskResult
    out : pathlib.Path
        Existing folder.

    Returns
    -------
    dict
        Figure kind (``"forecast"``, ``"horizon"``, ``"fan"``,
        ``"calibration"``, ``"loss"``, ``"accuracy"``, ``"confusion"``) -> path
        of the PNG file.
    """
    name = tr.task.name
    figures: dict[str, Path] = {}
    if tr.task.kind == "forecast":
        figures["forecast"] = _forecast_plot(tr, out / f"{name}_forecast.png")
        figures["horizon"] = _horizon_plot(tr, out / f"{name}_error_by_step.png")
        fan = _fan_chart(tr, out / f"{name}_fan_chart.png")
        if fan is not None:
            figures["fan"] = fan
        calibration = _calibration_plot(tr, out / f"{name}_calibration.png")
        if calibration is not None:
            figures["calibration"] = calibration
    else:
        figures["accuracy"] = _accuracy_plot(tr, out / f"{name}_accuracy.png")
        confusion = _confusion_plot(tr, out / f"{name}_confusion.png")
        if confusion is not None:
            figures["confusion"] = confusion
    loss = _loss_plot(tr, out / f"{name}_loss_curves.png")
    if loss is not None:
        figures["loss"] = loss
    return figures
