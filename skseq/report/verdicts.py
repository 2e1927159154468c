"""Plain-language verdicts of the report: winners, significance, targets."""

from __future__ import annotations

import numpy as np

from .comparisons import (
    ALPHA,
    Comparison,
    best_baseline,
    best_network,
    compare,
    dm_per_step,
    network_best_on_test,
)
from .formatting import (
    accuracy_text,
    fmt_accuracy,
    fmt_number,
    fmt_params,
    fmt_percent,
    fmt_pvalue,
    mean_score,
)
from .intervals import interval_summary
from .results import ModelResult, TaskResult

__all__ = [
    "classification_verdict",
    "forecast_target_verdict",
    "forecast_verdict",
    "steps_against",
    "interval_verdict",
    "no_network_beats",
    "outcome_text",
    "p_text",
    "significant_steps",
    "target_verdict",
]


def significant_steps(result: ModelResult) -> list[int]:
    """Steps where the model is better than the reference with DM p < 0.05."""
    p, stat = result.dm["pvalue"], result.dm["statistic"]
    return [k + 1 for k in range(len(p)) if p[k] < ALPHA and stat[k] < 0]


def _steps_text(steps: list[int], total: int) -> str:
    if not steps:
        return f"at none of the {total} step(s)"
    if len(steps) == total:
        return f"at all {total} step(s)" if total > 1 else "at the single step"
    return f"at {len(steps)} of {total} steps ({', '.join(map(str, steps))})"


def p_text(pvalue: float) -> str:
    """A p-value in running text: ``p < 0.001`` or ``p = 0.012``."""
    shown = fmt_pvalue(pvalue)
    return f"p {shown[0]} {shown[1:]}" if shown.startswith("<") else f"p = {shown}"


def outcome_text(c: Comparison) -> str:
    """``c`` in words: better / worse / a tie, with the p-value."""
    if c.outcome == "tie":
        return (
            f"a **tie** with {c.against} (the difference is not significant at "
            f"the 5 % level, {p_text(c.pvalue)})"
        )
    word = "better" if c.outcome == "better" else "worse"
    return f"significantly **{word}** than {c.against} ({p_text(c.pvalue)})"


def _mae_text(m: ModelResult, unit: str) -> str:
    text = f"{fmt_number(mean_score(m, 'mae'))} {unit}"
    if "mae_sd" in m.test:
        n = len(m.test["mae_seeds"])
        text += f" (± {fmt_number(m.test['mae_sd'], 2)} over {n} seeds)"
    return text


def no_network_beats(tr: TaskResult) -> str | None:
    """The "no network beats X" sentence, when it is true.

    X is the best baseline; when that is not the reference and no network
    beats the reference either, the sentence says so too.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    str or None
        None when no network ran or some network beats the best baseline.
    """
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        return None
    base = best_baseline(tr)
    ref = tr.model(tr.reference)
    if tr.task.kind == "classification":
        beats = [m for m in nets if m.test["accuracy"] > base.test["accuracy"]]
        if beats:
            return None
        return (
            f"**No network beats {base.name}** ({fmt_accuracy(base.test['accuracy'])} "
            "test accuracy)."
        )
    base_mae = mean_score(base, "mae")
    if any(mean_score(m, "mae") < base_mae for m in nets):
        return None
    text = f"**No network beats {base.name}** (test MAE {fmt_number(base_mae)} {tr.task.unit})"
    if base is not ref:
        ref_mae = mean_score(ref, "mae")
        if not any(mean_score(m, "mae") < ref_mae for m in nets):
            return (
                text + f", **nor the random walk** ({ref.name}, {fmt_number(ref_mae)})."
            )
    return text + "."


def forecast_verdict(tr: TaskResult) -> list[str]:
    """Plain-language conclusions of a forecasting task.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    list of str
        Sentences: the winner, the best baseline, the networks tested against
        it (Diebold-Mariano; a tie when not significant), "no network beats
        X" when true, and the baselines against the random walk.
    """
    task = tr.task
    unit = task.unit
    ref = tr.model(tr.reference)
    ref_mae = mean_score(ref, "mae")
    winner = min(tr.models, key=lambda m: mean_score(m, "mae"))
    steps = (
        f"averaged over the {task.horizon} steps" if task.horizon > 1 else "one step"
    )
    if winner is ref:
        lines = [
            f"Lowest test MAE ({steps}): **the random walk itself** ({ref.name}), "
            f"{fmt_number(ref_mae)} {unit}."
        ]
    else:
        lines = [
            f"Lowest test MAE ({steps}): **{winner.name}** ({winner.kind}), "
            f"{_mae_text(winner, unit)}, against {fmt_number(ref_mae)} for the "
            f"random walk ({ref.name})."
        ]
    base = best_baseline(tr)
    if base is ref:
        lines.append("The best baseline is the random walk itself.")
    else:
        lines.append(
            f"Best baseline: **{base.name}**, {fmt_number(mean_score(base, 'mae'))} {unit}."
        )
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        lines.append("No network was run for this task (--models).")
    else:
        chosen = best_network(tr)
        top = network_best_on_test(tr)
        assert chosen is not None and top is not None
        lines.append(
            f"The network chosen by cross-validation on the training period, "
            f"**{chosen.name}** ({fmt_params(chosen.best_params)}), has a test MAE "
            f"of {_mae_text(chosen, unit)}: {outcome_text(compare(tr, chosen, base))}."
        )
        if top is not chosen:
            lines.append(
                f"The network with the lowest test MAE, {top.name} "
                f"({_mae_text(top, unit)}), is {outcome_text(compare(tr, top, base))}; "
                "picked on the test period, it is the optimistic view."
            )
        if task.horizon > 1:
            lines.append(
                f"Step by step (first seed's forecasts): {_by_step_text(tr, chosen, base)}."
            )
        sentence = no_network_beats(tr)
        if sentence is not None:
            lines.append(sentence)
        else:
            better = [m for m in nets if compare(tr, m, base).outcome == "better"]
            if not better:
                lines.append(
                    f"Some network has a lower test MAE than {base.name}, but none "
                    f"significantly: **a tie with {base.name}**."
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
    lines += forecast_target_verdict(tr)
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


def steps_against(
    tr: TaskResult, model: ModelResult, against: ModelResult
) -> tuple[list[int], list[int]]:
    """Horizon steps where ``model`` is significantly better, and worse, than
    ``against`` (Diebold-Mariano per step on the absolute errors, 5 %).

    Parameters
    ----------
    tr : TaskResult
    model, against : ModelResult

    Returns
    -------
    better, worse : list of int
        1-based steps.
    """
    dm = dm_per_step(tr.y_test - model.predictions, tr.y_test - against.predictions)
    p, stat = dm["pvalue"], dm["statistic"]
    better = [k + 1 for k in range(len(p)) if p[k] < ALPHA and stat[k] < 0]
    worse = [k + 1 for k in range(len(p)) if p[k] < ALPHA and stat[k] > 0]
    return better, worse


def _ranges(steps: list[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    parts: list[str] = []
    for step in steps:
        if parts and step == int(parts[-1].split("-")[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{step}"
        else:
            parts.append(str(step))
    return ", ".join(parts)


def _by_step_text(tr: TaskResult, model: ModelResult, against: ModelResult) -> str:
    better, worse = steps_against(tr, model, against)
    total = tr.task.horizon
    text = f"{model.name} is significantly better than {against.name} at {len(better)}"
    text += f" of {total} steps" + (f" ({_ranges(better)})" if better else "")
    text += f", worse at {len(worse)}" + (f" ({_ranges(worse)})" if worse else "")
    return text + f", a tie at {total - len(better) - len(worse)}"


def forecast_target_verdict(tr: TaskResult) -> list[str]:
    """The task's default-run targets (report figures, not tests), met or missed.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    list of str
        One sentence per target of the task (none without targets or
        networks).
    """
    task = tr.task
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        return []
    has_targets = task.target_ratio is not None or task.target_beats_by_step
    mode = tr.data.get("run_mode", "default")
    if has_targets and mode not in ("default", "full"):
        return [f"This task's targets are set for the default run, not a {mode} run."]
    lines: list[str] = []
    if task.target_ratio is not None:
        base = best_baseline(tr)
        base_mae = mean_score(base, "mae")
        top = min(nets, key=lambda m: mean_score(m, "mae"))
        chosen = best_network(tr)
        ratio = mean_score(top, "mae") / base_mae
        word = "met" if ratio <= task.target_ratio else "missed"
        text = (
            f"Target: the best network's test MAE at most {task.target_ratio:.2f} "
            f"times the best baseline's: **{word}**, {top.name} "
            f"{_mae_text(top, task.unit)} is {ratio:.3f} times {base.name}'s "
            f"{fmt_number(base_mae)}"
        )
        if chosen is not None and chosen is not top:
            text += (
                f" (the network chosen by cross-validation, {chosen.name}: "
                f"{mean_score(chosen, 'mae') / base_mae:.3f} times)"
            )
        lines.append(text + ".")
    if task.target_beats_by_step is not None and task.horizon > 1:
        names = [m.name for m in tr.models]
        if task.target_beats_by_step in names:
            against = tr.model(task.target_beats_by_step)
            counts = {m.name: len(steps_against(tr, m, against)[0]) for m in nets}
            top = max(nets, key=lambda m: counts[m.name])
            word = "met" if counts[top.name] > task.horizon / 2 else "missed"
            lines.append(
                f"Target: a network beats {against.name} with Diebold-Mariano "
                f"significance at most of the {task.horizon} steps: **{word}**; "
                f"step by step, {_by_step_text(tr, top, against)} (first seed's "
                "forecasts)."
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
        The winner, the network against the best baseline (McNemar's test; a
        tie when not significant), "no network beats X" when true, the
        target and the published 1-NN figure.
    """
    ranked = sorted(tr.models, key=lambda m: -m.test["accuracy"])
    winner = ranked[0]
    ref = tr.model(tr.reference)
    lines = [
        f"Winner on the official test split: **{winner.name}** ({winner.kind}), "
        f"accuracy {accuracy_text(winner)}; the majority class scores "
        f"{fmt_accuracy(ref.test['accuracy'])}."
    ]
    nets = [m for m in tr.models if m.kind == "network"]
    if nets:
        net = nets[0]
        base = best_baseline(tr)
        lines.append(
            f"Network ({fmt_params(net.best_params)}): {accuracy_text(net)} "
            f"against the best baseline {base.name} "
            f"({fmt_accuracy(base.test['accuracy'])}); McNemar's test on the first "
            f"seed's predictions: {outcome_text(compare(tr, net, base))}."
        )
        sentence = no_network_beats(tr)
        if sentence is not None:
            lines.append(sentence)
    verdict = target_verdict(tr)
    if verdict is not None:
        lines.append(verdict)
    published = tr.data.get("published", {})
    if "1-NN Euclidean" in published:
        lines.append(
            f"Published 1-NN (Euclidean) accuracy on this split: "
            f"{published['1-NN Euclidean']:.3f} (UCR archive); the 1nn row here "
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
