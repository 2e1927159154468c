"""Which models the report compares, and the significance tests between them.

The headline comparison of every task is the network against the *best
baseline* (the most accurate non-network model on the test period, the
reference included), not only against the reference:

* forecasting: a Diebold-Mariano test on the absolute errors averaged over
  the horizon steps of each forecast origin (autocovariances up to lag
  ``horizon - 1``, Harvey-Leybourne-Newbold correction), and per step;
* classification: McNemar's test on the test series that exactly one of the
  two classifiers gets right (exact binomial test below 25 such series).

A difference that is not significant at the 5 % level is a **tie**.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.stats.contingency_tables import mcnemar

from skseq.metrics import diebold_mariano

from .formatting import mean_score
from .results import ModelResult, TaskResult

__all__ = [
    "ALPHA",
    "Comparison",
    "best_baseline",
    "best_network",
    "compare",
    "dm_per_step",
    "mcnemar_test",
    "network_best_on_test",
]

#: Significance level of every test in the report.
ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    """One model tested against another on the test period.

    Attributes
    ----------
    model, against : str
        The two model names.
    score, against_score : float
        Their test scores (MAE: lower is better; accuracy: higher is better).
    pvalue : float
        Two-sided p-value (NaN when the test is undefined, e.g. identical
        forecasts).
    outcome : {"better", "worse", "tie"}
        ``model`` against ``against``: a tie unless ``pvalue < ALPHA``.
    test : str
        The test, in words.
    """

    model: str
    against: str
    score: float
    against_score: float
    pvalue: float
    outcome: str
    test: str


def _score(tr: TaskResult, m: ModelResult) -> float:
    if tr.task.kind == "classification":
        return float(m.test["accuracy"])
    return mean_score(m, "mae")


def _higher_is_better(tr: TaskResult) -> bool:
    return tr.task.kind == "classification"


def _rank_key(tr: TaskResult):
    sign = -1.0 if _higher_is_better(tr) else 1.0
    return lambda m: sign * _score(tr, m)


def best_baseline(tr: TaskResult) -> ModelResult:
    """The most accurate non-network model on the test period (the reference
    counts: it may be the best baseline).

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    ModelResult
    """
    others = [m for m in tr.models if m.kind != "network"]
    return min(others, key=_rank_key(tr))


def network_best_on_test(tr: TaskResult) -> ModelResult | None:
    """The network with the best test score (None when no network ran).

    Picking it on the test period flatters it; :func:`best_network` is the
    honest choice, made on the training period alone.

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    ModelResult or None
    """
    nets = [m for m in tr.models if m.kind == "network"]
    return min(nets, key=_rank_key(tr)) if nets else None


def best_network(tr: TaskResult) -> ModelResult | None:
    """The network with the best cross-validated score (chosen on the training
    period only, never on the test period).

    Parameters
    ----------
    tr : TaskResult

    Returns
    -------
    ModelResult or None
        None when no network ran.
    """
    nets = [m for m in tr.models if m.kind == "network"]
    if not nets:
        return None
    if tr.task.kind == "classification":
        return max(nets, key=lambda m: m.cv_score)
    return min(nets, key=lambda m: m.cv_score)


def _dm_pvalue(losses_a: np.ndarray, losses_b: np.ndarray, horizon: int) -> float:
    """Two-sided DM p-value of two non-negative loss series (NaN if undefined)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The losses are >= 0, so the absolute loss leaves them unchanged.
            result = diebold_mariano(
                losses_a, losses_b, horizon=horizon, loss="absolute"
            )
    except ValueError:
        return float("nan")
    return float(result.pvalue)


def dm_per_step(errors: np.ndarray, ref_errors: np.ndarray) -> dict[str, np.ndarray]:
    """Diebold-Mariano p-value and statistic per horizon step (absolute errors).

    Parameters
    ----------
    errors, ref_errors : ndarray of shape (n_origins, horizon)
        Test errors of a model and of the model it is compared with.

    Returns
    -------
    dict
        ``{"pvalue": ndarray, "statistic": ndarray}`` of shape (horizon,);
        NaN where the test is undefined.
    """
    n_steps = errors.shape[1]
    pvalue = np.full(n_steps, np.nan)
    statistic = np.full(n_steps, np.nan)
    for k in range(n_steps):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = diebold_mariano(
                    errors[:, k], ref_errors[:, k], horizon=k + 1, loss="absolute"
                )
        except ValueError:
            continue
        pvalue[k], statistic[k] = res.pvalue, res.statistic
    return {"pvalue": pvalue, "statistic": statistic}


def mcnemar_test(y_true: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray) -> float:
    """McNemar's test of two classifiers on the same test series.

    Parameters
    ----------
    y_true, pred_a, pred_b : ndarray of shape (n,)

    Returns
    -------
    float
        Two-sided p-value: exact (binomial) when fewer than 25 series are
        classified right by exactly one of the two, the chi-square test with
        continuity correction otherwise; 1.0 when no series is.
    """
    right_a = np.asarray(pred_a) == np.asarray(y_true)
    right_b = np.asarray(pred_b) == np.asarray(y_true)
    only_a = int(np.sum(right_a & ~right_b))
    only_b = int(np.sum(~right_a & right_b))
    if only_a + only_b == 0:
        return 1.0
    table = [
        [int(np.sum(right_a & right_b)), only_a],
        [only_b, int(np.sum(~right_a & ~right_b))],
    ]
    exact = only_a + only_b < 25
    return float(mcnemar(table, exact=exact, correction=True).pvalue)


def compare(tr: TaskResult, model: ModelResult, against: ModelResult) -> Comparison:
    """Test ``model`` against ``against`` on the test period.

    Parameters
    ----------
    tr : TaskResult
    model, against : ModelResult

    Returns
    -------
    Comparison
        Forecasting: Diebold-Mariano on the absolute errors averaged over the
        horizon steps. Classification: McNemar's test on the predictions (a
        network's first seed). A tie unless ``p < ALPHA``; the direction is
        the sign of the score difference.
    """
    score, against_score = _score(tr, model), _score(tr, against)
    if tr.task.kind == "classification":
        pvalue = mcnemar_test(tr.y_test, model.predictions, against.predictions)
        test = "McNemar's test on the test series"
        # McNemar sees the predictions of one seed: its direction too.
        first = float(np.mean(np.asarray(model.predictions) == tr.y_test))
        other = float(np.mean(np.asarray(against.predictions) == tr.y_test))
        better = first > other
    else:
        y = np.asarray(tr.y_test, dtype=float).reshape(len(tr.y_test), -1)
        losses = [
            np.mean(np.abs(y - np.asarray(m.predictions).reshape(y.shape)), axis=1)
            for m in (model, against)
        ]
        pvalue = _dm_pvalue(losses[0], losses[1], horizon=y.shape[1])
        steps = y.shape[1]
        test = "Diebold-Mariano test on the absolute errors" + (
            f" averaged over the {steps} steps" if steps > 1 else ""
        )
        # The test sees one set of predictions (a network's first seed): so
        # does the direction.
        better = float(np.mean(losses[0])) < float(np.mean(losses[1]))
    if np.isnan(pvalue) or pvalue >= ALPHA or score == against_score:
        outcome = "tie"
    else:
        outcome = "better" if better else "worse"
    return Comparison(
        model.name, against.name, score, against_score, pvalue, outcome, test
    )
