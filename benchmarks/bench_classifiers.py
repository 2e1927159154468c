"""Candidate recipes of the recurrent classifier on the five bundled sets.

Every recipe is one :class:`skseq.RecurrentClassifier` configuration, the same
for all sets, trained on the official training split with several seeds and
scored on the official test split. Prints, per set and recipe, the test
accuracy as mean +- sd over the seeds and the seconds of one fit (median over
the seeds), so that the figures behind the benchmark report's settings can be
reproduced::

    python benchmarks/bench_classifiers.py                       # every recipe
    python benchmarks/bench_classifiers.py --recipes report,fcn64 --seeds 3
    python benchmarks/bench_classifiers.py --sets GunPoint,ArrowHead --cv

``--cv`` also prints the mean accuracy of stratified 3-fold cross-validation
on the training split (what an honest choice between recipes may look at);
the test accuracy is printed to show what the choice gives, not to make it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from sklearn.model_selection import StratifiedKFold
from skorch.callbacks import LRScheduler
from torch.optim.lr_scheduler import CosineAnnealingLR

from skseq import RecurrentClassifier
from skseq.datasets import load_classification

SETS = ("ItalyPowerDemand", "GunPoint", "ArrowHead", "BasicMotions", "JapaneseVowels")


def _recipe(
    cosine: bool = False, **params: Any
) -> Callable[[int, int], RecurrentClassifier]:
    """A recipe: a function of (n_train, seed) giving a fresh classifier.

    ``cosine=True`` anneals the learning rate to zero over ``max_epochs``
    (skorch's ``LRScheduler`` with torch's ``CosineAnnealingLR``).
    """

    def build(n_train: int, seed: int) -> RecurrentClassifier:
        values = dict(params)
        if values.get("batch_size") == "full":
            values["batch_size"] = n_train
        if cosine:
            schedule = LRScheduler(CosineAnnealingLR, T_max=values["max_epochs"])
            values["callbacks"] = [("cosine", schedule)]
        return RecurrentClassifier(random_state=seed, **values)

    return build


#: The recipes compared. ``batch_size="full"``: one batch holds the whole
#: training split.
RECIPES: dict[str, Callable[[int, int], RecurrentClassifier]] = {
    # The report's default settings before this comparison.
    "report": _recipe(
        hidden_size=32, head="attention", conv_channels=(16, 32, 16),
        max_epochs=60, lr=1e-2, batch_size=16,
    ),
    "fcn32-full": _recipe(
        hidden_size=8, head="mean", conv_channels=(32, 64, 32),
        max_epochs=200, lr=1e-2, batch_size="full",
    ),
    "fcn64-full": _recipe(
        hidden_size=8, head="mean", conv_channels=(64, 128, 64),
        max_epochs=200, lr=1e-2, batch_size="full",
    ),
    "fcn32-cos100": _recipe(
        cosine=True, hidden_size=8, head="mean", conv_channels=(32, 64, 32),
        max_epochs=100, lr=1e-2, batch_size="full",
    ),
    "fcn32-cos150": _recipe(
        cosine=True, hidden_size=8, head="mean", conv_channels=(32, 64, 32),
        max_epochs=150, lr=1e-2, batch_size="full",
    ),
    "fcn32-last-cos100": _recipe(
        cosine=True, hidden_size=8, head="last", conv_channels=(32, 64, 32),
        max_epochs=100, lr=1e-2, batch_size="full",
    ),
    "fcn32-b16": _recipe(
        hidden_size=8, head="mean", conv_channels=(32, 64, 32),
        max_epochs=60, lr=1e-2, batch_size=16,
    ),
}


def _fit_score(
    build: Callable[[int, int], RecurrentClassifier],
    X: Any, y: np.ndarray, X_test: Any, y_test: np.ndarray, seed: int,
) -> tuple[float, float]:
    model = build(len(y), seed)
    t0 = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - t0
    return float(np.mean(model.predict(X_test) == y_test)), seconds


def _subset(X: Any, index: np.ndarray) -> Any:
    return [X[i] for i in index] if isinstance(X, list) else X[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cv", action="store_true", help="also 3-fold CV accuracy")
    args = parser.parse_args()
    torch.set_num_threads(1)
    recipes = args.recipes.split(",")
    print(f"{'set':<17} {'recipe':<14} {'test accuracy':>15} {'s/fit':>6}"
          + (f" {'CV accuracy':>12}" if args.cv else ""))
    for name in args.sets.split(","):
        X, y = load_classification(name, split="train")
        X_test, y_test = load_classification(name, split="test")
        y, y_test = np.asarray(y), np.asarray(y_test)
        for recipe in recipes:
            build = RECIPES[recipe]
            runs = [
                _fit_score(build, X, y, X_test, y_test, seed)
                for seed in range(args.seeds)
            ]
            acc = np.array([a for a, _ in runs])
            sd = acc.std(ddof=1) if len(acc) > 1 else 0.0
            line = (f"{name:<17} {recipe:<14} {acc.mean():>7.3f} +- {sd:.3f} "
                    f"{np.median([s for _, s in runs]):>6.2f}")
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
