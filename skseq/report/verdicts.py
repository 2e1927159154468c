"""Plain-language verdicts of the report: winners, significance, targets."""

from __future__ import annotations

import numpy as np

from .figures import best_network
from .formatting import accuracy_text, fmt_number, fmt_params, fmt_percent, mean_score
from .intervals import interval_summary
from .results import ModelResult, TaskResult

__all__ = [
    "ALPHA",
    "classification_verdict",
    "forecast_verdict",
    "interval_verdict",
    "significant_steps",
    "target_verdict",
]

ALPHA = 0.05


# ----------------------------------------------------------------- verdicts


def significant_steps(result: ModelResult) -> list[int]:
    """Steps where the model is better than the reference with DM p < 0.05."""
    p, stat = result.dm["pvalue"], result.dm["statistic"]
    return [k + 1 for k in range(len(p)) if p[k] < ALPHA and stat[k] < 0]


def _significantly_worse(result: ModelResult) -> list[int]:
    p, stat = result.dm["pvalue"], result.dm["statistic"]
    return [k + 1 for k in range(len(p)) if p[k] < ALPHA and stat[k] > 0]


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
    ref_mae = mean_score(ref, "mae")
    ranked = sorted(tr.models, key=lambda m: mean_score(m, "mae"))
    winner = ranked[0]
    unit = task.unit
    if winner is ref:
        lines = [
            f"Winner on the test period (lowest MAE averaged over the {task.horizon} "
            f"step(s)): **the random walk itself** ({ref.name}), MAE "
            f"{fmt_number(ref_mae)} {unit}."
        ]
    else:
        lines = [
            f"Winner on the test period (lowest MAE averaged over the "
            f"{task.horizon} step(s)): **{winner.name}** ({winner.kind}), MAE "
            f"{fmt_number(mean_score(winner, 'mae'))} {unit}, against {fmt_number(ref_mae)} for the "
            f"random walk ({ref.name})."
        ]
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        lines.append("No network was run for this task (--models).")
    else:
        beating = [m for m in nets if mean_score(m, "mae") < ref_mae]
        best_net = min(nets, key=lambda m: mean_score(m, "mae"))
        chosen = best_network(tr)
        if not beating:
            lines.append(
                f"**No recurrent network beats the random walk here.** The best one, "
                f"{best_net.name}, has a test MAE of {fmt_number(mean_score(best_net, 'mae'))} "
                f"{unit} ({fmt_number(100 * (mean_score(best_net, 'mae') / ref_mae - 1), 3)} % "
                "worse than the random walk)."
            )
        else:
            for m in sorted(beating, key=lambda m: mean_score(m, "mae")):
                gain = 100 * (1 - mean_score(m, "mae") / ref_mae)
                sig = significant_steps(m)
                lines.append(
                    f"{m.name} has a lower test MAE than the random walk "
                    f"({fmt_number(mean_score(m, 'mae'))} vs {fmt_number(ref_mae)} {unit}, "
                    f"{fmt_number(gain, 3)} % lower); the Diebold-Mariano test (absolute "
                    f"errors, 5 % level) finds it significantly better "
                    f"{_steps_text(sig, task.horizon)}."
                )
        if chosen is not None:
            lines.append(
                f"The network chosen on the training period alone (best "
                f"cross-validated MAE) is {chosen.name} ({fmt_params(chosen.best_params)})."
            )
    base_beat = [
        m for m in tr.models if m.kind == "baseline" and mean_score(m, "mae") < ref_mae
    ]
    if base_beat:
        lines.append(
            "Baselines with a lower test MAE than the random walk: "
            + ", ".join(
                f"{m.name} ({fmt_number(mean_score(m, 'mae'))}; significant "
                f"{_steps_text(significant_steps(m), task.horizon)})"
                for m in sorted(base_beat, key=lambda m: mean_score(m, "mae"))
            )
            + "."
        )
    else:
        lines.append("No classical baseline beats the random walk either.")
    if task.returns:
        any_sig = any(significant_steps(m) for m in tr.models if m.kind != "reference")
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
            f"{accuracy_text(net)}{against})."
        )
    return (
        f"Target {target:.2f} **missed**: the network's mean test accuracy is "
        f"{accuracy_text(net)}, {target - accuracy:.3f} short{against}."
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
        f"accuracy {accuracy_text(winner)}; the majority class scores "
        f"{ref.test['accuracy']:.3f}."
    ]
    nets = [m for m in tr.models if m.kind == "network"]
    others = [m for m in tr.models if m.kind == "baseline"]
    if nets:
        best = max(nets, key=lambda m: m.test["accuracy"])
        text = f"Network ({fmt_params(best.best_params)}): {accuracy_text(best)}"
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
            f"{fmt_percent(cover[tr.reference])} of the test targets."
        )
    nets = [f.name for f in tr.interval_forecasts if f.kind == "network"]
    if nets:
        lines.append(
            "Network intervals: "
            + ", ".join(f"{n} covers {fmt_percent(cover[n])}" for n in nets)
            + " (nominal 80 %)."
        )
    return lines
