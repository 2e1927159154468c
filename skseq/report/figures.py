"""Figures of the benchmark report: SVG, matplotlib's Agg backend.

Per forecasting task: forecast against truth over a short recent window,
test error by horizon step relative to the random walk, the networks'
loss curves, fan charts of the prediction intervals and a calibration plot.
Per classification task: the confusion matrices of the network and the best
baseline, and the network's loss curve.

Every model keeps one colour in every figure (:mod:`.registry`, colour-blind
safe palettes); the reference is black and dashed, the winner drawn thick.
SVG keeps the figures sharp at any zoom and is cheaper to write than a
high-resolution PNG; its text stays text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI event loop

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay  # noqa: E402

from .comparisons import best_baseline, best_network  # noqa: E402
from .registry import registered  # noqa: E402
from .results import ModelResult, TaskResult  # noqa: E402

__all__ = ["FORMAT", "Figure", "task_figures"]

#: File format of the figures.
FORMAT = "svg"

_STYLE = {
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.titley": 1.0,  # a fixed title position: no tick-label layout pass
    "svg.fonttype": "none",  # text stays text: sharp and small
    "svg.hashsalt": "skseq",  # the same figure gives the same file
}


@dataclass(frozen=True)
class Figure:
    """A figure file and its caption.

    Attributes
    ----------
    path : pathlib.Path
    caption : str
        What the figure shows, written from what was drawn.
    """

    path: Path
    caption: str


def _color(name: str) -> str:
    """The model's colour in every figure."""
    entry = registered(name)
    return entry.colour if entry is not None else "#555555"


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.savefig(path, format=FORMAT, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return path


def _mean_mae(result: ModelResult) -> float:
    return float(np.mean(result.test["mae"]))


def _winner(tr: TaskResult) -> ModelResult:
    return min(tr.models, key=_mean_mae)


def _recent_window(tr: TaskResult) -> int:
    """Test points shown against the truth: a few seasons, at most plot_points."""
    task = tr.task
    return int(min(task.plot_points, max(4 * task.season, 48), len(tr.y_test)))


def _forecast_plot(tr: TaskResult, path: Path) -> Figure:
    task = tr.task
    ref = tr.model(tr.reference)
    shown = [ref]
    net = best_network(tr)
    base = best_baseline(tr)
    for m in (base, net):
        if m is not None and m.name not in {s.name for s in shown}:
            shown.append(m)
    k = _recent_window(tr)
    fig, ax = plt.subplots(figsize=(8, 3.4))
    fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.2)
    # x is the time the forecast is for (origin + 1 step), not the origin.
    x = tr.target_times[-k:, 0]
    ax.plot(x, tr.y_test[-k:, 0], color="0.55", lw=2.4, label="actual")
    for m in shown:
        ax.plot(
            x,
            m.predictions[-k:, 0],
            lw=1.4,
            color=_color(m.name),
            ls="--" if m.kind == "reference" else "-",
            label=f"{m.name} (test MAE {m.test['mae'][0]:.3g})",
        )
    ax.set_title(f"{task.name}: 1-step-ahead forecasts, last {k} test points")
    ax.set_ylabel(task.unit)
    ax.legend(loc="upper left", ncol=2, framealpha=0.9)
    ax.grid(alpha=0.3)
    ax.tick_params(axis="x", labelrotation=20)
    names = ", ".join(m.name for m in shown)
    caption = (
        f"1-step-ahead forecasts against the truth over the last {k} test points "
        f"({names}: the random walk, the best baseline and the network chosen by "
        "cross-validation; the MAE in the legend is over the whole test period)."
    )
    return Figure(_save(fig, path), caption)


def _horizon_models(tr: TaskResult) -> list[ModelResult]:
    """Reference, the three best baselines, every network and the winner."""
    baselines = sorted((m for m in tr.models if m.kind == "baseline"), key=_mean_mae)
    nets = [m for m in tr.models if m.kind == "network"]
    return _unique([tr.model(tr.reference), *baselines[:3], *nets, _winner(tr)])


def _unique(models: list[ModelResult]) -> list[ModelResult]:
    """``models`` in order, each name once."""
    seen: dict[str, ModelResult] = {}
    for m in models:
        seen.setdefault(m.name, m)
    return list(seen.values())


def _horizon_plot(tr: TaskResult, path: Path) -> Figure:
    task = tr.task
    ref = tr.model(tr.reference)
    winner = _winner(tr)
    ref_mae = np.asarray(ref.test["mae"], dtype=float)
    if task.horizon == 1:
        models = sorted(tr.models, key=_mean_mae)
        fig, ax = plt.subplots(figsize=(7, 0.9 + 0.32 * len(models)))
        fig.subplots_adjust(left=0.2, right=0.97, top=0.9, bottom=0.16)
        ratios = [_mean_mae(m) / ref_mae[0] for m in models]
        names = [m.name + (" (winner)" if m is winner else "") for m in models]
        ax.barh(
            names[::-1],
            ratios[::-1],
            color=[_color(m.name) for m in models][::-1],
            edgecolor=["black" if m is winner or m is ref else "none" for m in models][
                ::-1
            ],
            linewidth=1.5,
        )
        ax.axvline(1.0, color="black", ls="--", lw=1)
        low = min(ratios)
        ax.set_xlim(
            max(0.0, low - 0.1 * (max(ratios) - low + 0.01)), max(ratios) * 1.02
        )
        ax.set_xlabel(
            f"test MAE / random walk's ({ref.name}: {ref_mae[0]:.3g} {task.unit})"
        )
        ax.set_title(f"{task.name}: test MAE per model, relative to the random walk")
        ax.grid(alpha=0.3, axis="x")
        caption = (
            "Test MAE of every model relative to the random walk (single-step "
            "task: one bar per model; below 1 beats the random walk; outlined: "
            "the winner and the random walk)."
        )
        return Figure(_save(fig, path), caption)
    fig, ax = plt.subplots(figsize=(8, 4))
    # Room on the right for the legend's longest name, "ridge-global (winner)".
    fig.subplots_adjust(left=0.1, right=0.72, top=0.9, bottom=0.13)
    steps = np.arange(1, task.horizon + 1)
    shown = _horizon_models(tr)
    for m in shown:
        ratio = np.asarray(m.test["mae"], dtype=float) / ref_mae
        top = m is winner
        ax.plot(
            steps,
            ratio,
            color=_color(m.name),
            lw=3.2 if top else 1.4,
            ls="--" if m.kind == "reference" else "-",
            marker="o" if m.kind == "network" else None,
            ms=3.5,
            zorder=3 if top else 2,
            label=m.name + (" (winner)" if top else ""),
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("horizon step")
    ax.set_ylabel(f"test MAE / {ref.name}'s")
    ax.set_title(
        f"{task.name}: test error by horizon step, relative to the random walk"
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(alpha=0.3)
    caption = (
        "Test MAE at each horizon step divided by the random walk's "
        f"({ref.name}, dashed at 1; below 1 beats it). Shown: the random walk, "
        "the three best baselines and every network; the winner is drawn thick."
    )
    return Figure(_save(fig, path), caption)


def _best_epoch(history: list[dict[str, float]]) -> int | None:
    """The epoch early stopping keeps: the lowest validation loss."""
    valid = np.array([h["valid_loss"] for h in history], dtype=float)
    if np.all(np.isnan(valid)):
        return None
    return int(history[int(np.nanargmin(valid))]["epoch"])


def _loss_plot(tr: TaskResult, path: Path) -> Figure | None:
    nets = [m for m in tr.models if m.history]
    if not nets:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.6))
    fig.subplots_adjust(left=0.1, right=0.72, top=0.9, bottom=0.14)
    any_valid = False
    for m in nets:
        epochs = [h["epoch"] for h in m.history]
        color = _color(m.name)
        ax.plot(
            epochs,
            [h["train_loss"] for h in m.history],
            color=color,
            lw=1.4,
            label=f"{m.name} training"
            + (" (teacher-forced)" if "teacher-forced" in m.loss else ""),
        )
        valid = [h["valid_loss"] for h in m.history]
        best = _best_epoch(m.history)
        if best is not None:
            any_valid = True
            ax.plot(
                epochs,
                valid,
                color=color,
                lw=1.4,
                ls="--",
                label=f"{m.name} validation",
            )
            ax.plot(
                best,
                valid[epochs.index(best)],
                marker="o",
                ms=7,
                mfc="white",
                mec=color,
                mew=2,
                ls="none",
            )
    if any_valid:
        ax.plot(
            [],
            [],
            marker="o",
            ms=7,
            mfc="white",
            mec="black",
            mew=2,
            ls="none",
            label="early-stopping epoch",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(f"{tr.task.name}: loss of each network's refit")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(alpha=0.3)
    losses = sorted({m.loss for m in nets if m.loss})
    named = "; ".join(
        f"{', '.join(n.name for n in nets if n.loss == loss)}: {loss}"
        for loss in losses
    )
    if any_valid:
        what = (
            "Training (solid) and validation (dashed, the newest part of the "
            "training period) loss of each network's grid-search winner, "
            "refitted on the training period; circles: the epoch early "
            "stopping keeps (lowest validation loss)."
        )
    else:
        what = (
            "Training loss of each network's grid-search winner, refitted on "
            "the training period. Early stopping is off in this run, so there "
            "is no validation split and no validation loss."
        )
    caption = what + (f" Loss: {named}." if named else "")
    return Figure(_save(fig, path), caption)


def _interval_models(tr: TaskResult) -> list:
    """The fan chart's models: a network with intervals, then the reference."""
    shown = []
    nets = [f for f in tr.interval_forecasts if f.kind == "network"]
    if nets:
        shown.append(nets[0])
    shown += [f for f in tr.interval_forecasts if f.name == tr.reference]
    return shown


def _fan_chart(tr: TaskResult, path: Path) -> Figure | None:
    shown = _interval_models(tr)
    if not shown:
        return None
    task = tr.task
    k = _recent_window(tr)
    fig, axes = plt.subplots(
        1, len(shown), figsize=(4.6 * len(shown), 3.4), squeeze=False, sharey="row"
    )
    fig.subplots_adjust(left=0.08, right=0.95, top=0.88, bottom=0.2, wspace=0.08)
    x = tr.target_times[-k:, 0]
    for ax, fc in zip(axes[0], shown, strict=True):
        color = "#555555" if fc.kind == "reference" else "#0072B2"
        for nominal, alpha in ((0.95, 0.15), (0.8, 0.25), (0.5, 0.35)):
            if nominal not in fc.bounds:
                continue
            lower, upper = fc.bounds[nominal]
            ax.fill_between(
                x,
                lower[-k:, 0],
                upper[-k:, 0],
                color=color,
                alpha=alpha,
                lw=0,
                label=f"{int(nominal * 100)} % interval",
            )
        ax.plot(x, fc.point[-k:, 0], color=color, lw=1.2, label="forecast")
        ax.plot(x, tr.y_test[-k:, 0], color="black", lw=1.0, label="actual")
        ax.set_title(f"{fc.name}: 1-step-ahead")
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelrotation=20)
    axes[0, 0].set_ylabel(task.unit)
    axes[0, 0].legend(loc="upper left", ncol=2, framealpha=0.9)
    names = " and ".join(fc.name for fc in shown)
    caption = (
        f"Fan charts over the last {k} test points: the 50, 80 and 95 % central "
        f"1-step-ahead intervals of {names}."
    )
    return Figure(_save(fig, path), caption)


def _calibration_plot(tr: TaskResult, path: Path) -> Figure | None:
    if not tr.interval_forecasts:
        return None
    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    fig.subplots_adjust(left=0.14, right=0.97, top=0.9, bottom=0.13)
    ax.plot([0, 1], [0, 1], color="0.6", ls=":", lw=1, label="perfect calibration")
    for fc in tr.interval_forecasts:
        nominal = sorted(fc.bounds)
        empirical = []
        for c in nominal:
            lower, upper = fc.bounds[c]
            empirical.append(
                float(np.mean((tr.y_test >= lower) & (tr.y_test <= upper)))
            )
        ax.plot(
            nominal,
            empirical,
            marker="o",
            ms=4,
            lw=2.0 if fc.kind == "network" else 1.2,
            ls="--" if fc.kind == "reference" else "-",
            color="#CC79A7" if fc.name.endswith("-quantile") else _color(fc.name),
            label=fc.name,
        )
    ax.set_xlim(0.4, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("nominal coverage")
    ax.set_ylabel("empirical coverage (test, all steps)")
    ax.set_title(f"{tr.task.name}: calibration of the prediction intervals")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    caption = (
        "Calibration: empirical against nominal coverage of every model's central "
        "intervals on the test period (on the dotted line: calibrated; below: "
        "too narrow)."
    )
    return Figure(_save(fig, path), caption)


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
    chosen.append(best_baseline(tr))
    return _unique(chosen)


def _confusion_plot(tr: TaskResult, path: Path) -> Figure | None:
    models = confusion_models(tr)
    labels = np.unique(tr.y_test)
    side = 2.8 + 0.3 * len(labels)
    fig, axes = plt.subplots(
        1, len(models), figsize=(side * len(models), side + 0.5), squeeze=False
    )
    fig.subplots_adjust(left=0.1, right=0.98, top=0.84, bottom=0.18, wspace=0.35)
    for ax, m in zip(axes[0], models, strict=True):
        ConfusionMatrixDisplay.from_predictions(
            tr.y_test,
            m.predictions,
            labels=labels,
            ax=ax,
            colorbar=False,
            cmap="Blues",
        )
        seed = " (first seed)" if m.kind == "network" else ""
        ax.set_title(
            f"{m.name}{seed}: accuracy {np.mean(m.predictions == tr.y_test):.3f}"
        )
        ax.tick_params(axis="x", labelrotation=45)
    caption = (
        "Confusion matrices on the test split (rows: true class, columns: "
        "predicted): "
        + " and ".join(m.name for m in models)
        + " (the network's first seed; its accuracy here is that seed's)."
    )
    return Figure(_save(fig, path), caption)


def task_figures(tr: TaskResult, out: Path) -> dict[str, Figure]:
    """Draw the figures of one task into ``out``.

    Parameters
    ----------
    tr : TaskResult
    out : pathlib.Path
        Existing folder.

    Returns
    -------
    dict
        Figure kind (``"forecast"``, ``"horizon"``, ``"loss"``, ``"fan"``,
        ``"calibration"``, ``"confusion"``) -> :class:`Figure`.
    """
    name = tr.task.name
    ext = f".{FORMAT}"
    drawn: dict[str, Figure | None] = {}
    with plt.rc_context(_STYLE):
        if tr.task.kind == "forecast":
            drawn["forecast"] = _forecast_plot(tr, out / f"{name}_forecast{ext}")
            drawn["horizon"] = _horizon_plot(tr, out / f"{name}_error_by_step{ext}")
            drawn["loss"] = _loss_plot(tr, out / f"{name}_loss_curves{ext}")
            drawn["fan"] = _fan_chart(tr, out / f"{name}_fan_chart{ext}")
            drawn["calibration"] = _calibration_plot(
                tr, out / f"{name}_calibration{ext}"
            )
        else:
            drawn["confusion"] = _confusion_plot(tr, out / f"{name}_confusion{ext}")
            drawn["loss"] = _loss_plot(tr, out / f"{name}_loss_curves{ext}")
    return {kind: fig for kind, fig in drawn.items() if fig is not None}
