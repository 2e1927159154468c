"""The one list of the benchmark's models: names, groups, tasks, colours.

Every model a task can run is registered here once, in report order. The
``--models`` names and groups, the ``--list`` output, the check that a
requested model exists for a task and the colour of a model in every figure
all read this table; the task modules build the estimators under these names.
"""

from __future__ import annotations

from dataclasses import dataclass

import skseq

__all__ = [
    "CELLS",
    "MODELS",
    "MODEL_GROUPS",
    "MODEL_NAMES",
    "RegisteredModel",
    "available_model_names",
    "network_names",
    "registered",
    "resolve_models",
]

#: Recurrent cells benchmarked, in report order.
CELLS: tuple[str, ...] = ("rnn", "lstm", "gru")


@dataclass(frozen=True)
class RegisteredModel:
    """One model name of the benchmark.

    Attributes
    ----------
    name : str
        The name in tables, ``results.csv`` and ``--models``.
    group : {"networks", "baselines", "references"}
        ``--models`` accepts the first two as groups; a reference (random
        walk, majority class) always runs.
    tasks : tuple of str
        Task kinds with a model of this name (``"forecast"``,
        ``"classification"``). On a classification task a cell name narrows
        the cells the ``network`` searches.
    colour : str
        Its colour in every figure (hex). The colours come from the Okabe-Ito
        and Paul Tol palettes, distinguishable with colour-blindness; they
        are distinct among the models of one task kind.
    """

    name: str
    group: str
    tasks: tuple[str, ...]
    colour: str


_F, _C, _FC = ("forecast",), ("classification",), ("forecast", "classification")

#: Every model, in the order of ``--list`` and error messages.
MODELS: tuple[RegisteredModel, ...] = (
    RegisteredModel("rnn", "networks", _FC, "#E69F00"),
    RegisteredModel("lstm", "networks", _FC, "#56B4E9"),
    RegisteredModel("gru", "networks", _FC, "#009E73"),
    RegisteredModel("seq2seq", "networks", _F, "#CC79A7"),
    RegisteredModel("network", "networks", _C, "#0072B2"),
    RegisteredModel("random-walk", "references", _F, "#000000"),
    RegisteredModel("naive", "baselines", _F, "#777777"),
    RegisteredModel("seasonal-naive", "baselines", _F, "#882255"),
    RegisteredModel("drift", "baselines", _F, "#44AA99"),
    RegisteredModel("mean", "baselines", _F, "#BBBBBB"),
    RegisteredModel("arima", "baselines", _F, "#0072B2"),
    RegisteredModel("ets", "baselines", _F, "#999933"),
    RegisteredModel("ridge", "baselines", _FC, "#D55E00"),
    RegisteredModel("majority", "references", _C, "#000000"),
    RegisteredModel("1nn", "baselines", _C, "#882255"),
    RegisteredModel("logistic", "baselines", _C, "#44AA99"),
)

#: Every model name (``--models``); the references always run.
MODEL_NAMES: tuple[str, ...] = tuple(m.name for m in MODELS)

#: Names accepted by ``--models`` that stand for several models.
MODEL_GROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(m.name for m in MODELS if m.group == group)
    for group in ("networks", "baselines")
}


def registered(name: str) -> RegisteredModel | None:
    """The registry entry of ``name`` (None for an unknown name).

    Parameters
    ----------
    name : str

    Returns
    -------
    RegisteredModel or None
    """
    return next((m for m in MODELS if m.name == name), None)


def network_names() -> list[str]:
    """Names of the recurrent forecasting models available in this installation.

    Returns
    -------
    list of str
        ``["rnn", "lstm", "gru"]``, plus ``"seq2seq"`` when
        ``skseq.Seq2SeqRegressor`` exists.
    """
    names = list(CELLS)
    if hasattr(skseq, "Seq2SeqRegressor"):
        names.append("seq2seq")
    return names


def available_model_names() -> list[str]:
    """Every registered name this installation can run (``--list``).

    Returns
    -------
    list of str
    """
    available = set(network_names())
    return [n for n in MODEL_NAMES if n != "seq2seq" or n in available]


def resolve_models(names: list[str] | None) -> list[str] | None:
    """Expand model and group names.

    Parameters
    ----------
    names : list of str or None
        Model names (:data:`MODEL_NAMES`) or groups (:data:`MODEL_GROUPS`);
        None means every model.

    Returns
    -------
    list of str or None

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if not names:
        return None
    out: list[str] = []
    for raw in names:
        name = raw.strip().lower()
        if name in MODEL_GROUPS:
            out += [n for n in MODEL_GROUPS[name] if n not in out]
        elif name in MODEL_NAMES:
            if name not in out:
                out.append(name)
        else:
            raise ValueError(
                f"unknown model {raw!r}; choose from {', '.join(MODEL_NAMES)} or "
                f"groups {', '.join(MODEL_GROUPS)}"
            )
    return out
