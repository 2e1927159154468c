"""Candidate recipes of the recurrent classifier on the five bundled sets.

Every recipe is one :class:`skseq.RecurrentClassifier` configuration, the same
for all sets, trained on the official training split with several seeds and
scored on the official test split. Prints, per set and recipe, the test
accuracy as mean +- sd over the seeds and the CPU seconds of one fit (median
over the seeds; with one torch thread that is about the wall time on an idle
machine, and far less disturbed by other load than the wall time)::

    python benchmarks/bench_classifiers.py                # old report vs default
    python benchmarks/bench_classifiers.py --recipes default,c32-m128-e150-const
    python benchmarks/bench_classifiers.py --sets GunPoint,ArrowHead --cv

``default`` and ``quick`` are the benchmark report's recipes (see
``CLASSIFICATION_BUDGETS`` in ``skseq/report/tasks.py``); others are spelled
as tokens (:func:`parse_recipe`). ``--cv`` also prints the mean accuracy of
stratified 3-fold cross-validation on the training split (what an honest
choice between recipes may look at); the test accuracy shows what a choice
gives, it must not make it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from sklearn.model_selection import StratifiedKFold

from skseq import RecurrentClassifier
from skseq.datasets import load_classification

SETS = ("ItalyPowerDemand", "GunPoint", "ArrowHead", "BasicMotions", "JapaneseVowels")


def _recipe(
    cosine: bool = False, max_steps: int | None = None, **params: Any
) -> Callable[[int, int, int], RecurrentClassifier]:
    """A recipe: a function of (n_train, n_timesteps, seed) giving a fresh
    classifier.

    ``cosine=True`` anneals the learning rate to zero over ``max_epochs``
    (``lr_schedule="cosine"``); ``max_steps`` sets the first convolution's
    stride to ``ceil(n_timesteps / max_steps)`` (the benchmark report's
    ``conv_max_steps``).
    """

    def build(n_train: int, n_timesteps: int, seed: int) -> RecurrentClassifier:
        values = dict(params)
        if values.get("batch_size") == "full":
            values["batch_size"] = n_train
        stride = -(-n_timesteps // max_steps) if max_steps else 1
        if stride > 1 and values.get("conv_channels"):
            layers = len(values["conv_channels"])
            values["conv_strides"] = (stride,) + (1,) * (layers - 1)
        if cosine:
            values["lr_schedule"] = "cosine"
        return RecurrentClassifier(random_state=seed, **values)

    return build


#: Named recipes. ``batch_size="full"``: one batch holds the whole training split.
RECIPES: dict[str, Callable[[int, int, int], RecurrentClassifier]] = {
    # The report's default settings before this comparison.
    "old-report": _recipe(
        hidden_size=32, head="attention", conv_channels=(16, 32, 16),
        max_epochs=60, lr=1e-2, batch_size=16,
    ),
}

#: The benchmark report's recipes, spelled as tokens.
_ALIASES = {"default": "c32-m128-e150", "quick": "c8-m64-e60"}

_HEADS = ("last", "mean", "max", "attention")
_CELLS = ("rnn", "lstm", "gru")


def parse_recipe(name: str) -> Callable[[int, int, int], RecurrentClassifier]:
    """A named recipe, or one spelled as dash-separated tokens.

    Defaults: LSTM of 8 units, mean head, conv branch (32, 64, 32) beside it,
    full batch, 100 epochs, learning rate 1e-2 annealed to 0 (cosine).
    Tokens: ``c<N>`` conv channels (N, 2N, N); ``s<k>`` stride of the first
    convolution; ``m<N>`` first stride ``ceil(series length / N)``; ``e<N>`` epochs; ``const`` no annealing; ``lr<x>``;
    ``d<x>`` dropout; ``wd<x>`` weight decay; ``h<N>`` hidden size;
    ``b<N>`` batch size; a head (``last``, ``mean``, ``max``,
    ``attention``); a cell (``rnn``, ``lstm``, ``gru``); ``before``
    (``conv_mode="before"``); ``noconv`` (no convolutions); ``win``
    (``normalize="window"``).
    Example: ``c64-s2-e150-d0.2``.
    """
    if name in RECIPES:
        return RECIPES[name]
    if name in _ALIASES:
        return parse_recipe(_ALIASES[name])
    params: dict[str, Any] = dict(
        hidden_size=8, head="mean", conv_channels=(32, 64, 32), max_epochs=100,
        lr=1e-2, batch_size="full",
    )
    cosine, stride, max_steps = True, 1, None
    for token in name.split("-"):
        if token in _HEADS:
            params["head"] = token
        elif token in _CELLS:
            params["cell"] = token
        elif token == "const":
            cosine = False
        elif token == "before":
            params["conv_mode"] = "before"
        elif token == "noconv":
            params["conv_channels"] = None
        elif token == "win":
            params["normalize"] = "window"
        elif token.startswith("lr"):
            params["lr"] = float(token[2:])
        elif token.startswith("wd"):
            params["weight_decay"] = float(token[2:])
        elif token[0] == "c":
            n = int(token[1:])
            params["conv_channels"] = (n, 2 * n, n)
        elif token[0] == "m":
            max_steps = int(token[1:])
        elif token[0] == "s":
            stride = int(token[1:])
        elif token[0] == "e":
            params["max_epochs"] = int(token[1:])
        elif token[0] == "d":
            params["dropout"] = float(token[1:])
        elif token[0] == "h":
            params["hidden_size"] = int(token[1:])
        elif token[0] == "b":
            params["batch_size"] = int(token[1:])
        else:
            raise ValueError(f"unknown recipe token {token!r} in {name!r}")
    if stride > 1 and params["conv_channels"]:
        params["conv_strides"] = (stride,) + (1,) * (len(params["conv_channels"]) - 1)
    return _recipe(cosine=cosine, max_steps=max_steps, **params)


def _fit_score(
    build: Callable[[int, int, int], RecurrentClassifier],
    X: Any, y: np.ndarray, X_test: Any, y_test: np.ndarray, seed: int,
) -> tuple[float, float]:
    n_timesteps = max(len(x) for x in X)
    model = build(len(y), n_timesteps, seed)
    t0 = time.process_time()
    model.fit(X, y)
    seconds = time.process_time() - t0
    return float(np.mean(model.predict(X_test) == y_test)), seconds


def _subset(X: Any, index: np.ndarray) -> Any:
    return [X[i] for i in index] if isinstance(X, list) else X[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--recipes", default="old-report,default", help="comma-separated, see parse_recipe"
    )
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cv", action="store_true", help="also 3-fold CV accuracy")
    args = parser.parse_args()
    torch.set_num_threads(1)
    recipes = args.recipes.split(",")
    print(f"{'set':<17} {'recipe':<14} {'test accuracy':>15} {'cpu s/fit':>9}"
          + (f" {'CV accuracy':>12}" if args.cv else ""))
    for name in args.sets.split(","):
        X, y = load_classification(name, split="train")
        X_test, y_test = load_classification(name, split="test")
        y, y_test = np.asarray(y), np.asarray(y_test)
        for recipe in recipes:
            build = parse_recipe(recipe)
            runs = [
                _fit_score(build, X, y, X_test, y_test, seed)
                for seed in range(args.seeds)
            ]
            acc = np.array([a for a, _ in runs])
            sd = acc.std(ddof=1) if len(acc) > 1 else 0.0
            line = (f"{name:<17} {recipe:<14} {acc.mean():>7.3f} +- {sd:.3f} "
                    f"{np.median([s for _, s in runs]):>9.2f}")
            if args.cv:
                folds = StratifiedKFold(3, shuffle=True, random_state=0).split(y, y)
                cv = [
                    _fit_score(build, _subset(X, tr), y[tr], _subset(X, te), y[te], 0)[0]
                    for tr, te in folds
                ]
                line += f" {np.mean(cv):>12.3f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
