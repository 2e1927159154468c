"""Models of the sequence-classification tasks and the published figures.

Every classification task runs the same models on the official split of a
bundled UCR/UEA set:

* ``network``: one :class:`skseq.RecurrentClassifier` whose cell, pooling
  head, hidden size and convolutional front end are chosen by
  cross-validation (:class:`~skseq.report.tasks.ClassificationBudget`).
* ``1nn``: 1-nearest neighbour, Euclidean distance (the archive's own
  reference classifier).
* ``logistic`` and ``ridge``: logistic regression and a ridge classifier on
  the flattened, standardised series.
* ``majority``: the most frequent training class (the reference).

The linear models and 1-NN need one fixed length: variable-length sets
(JapaneseVowels) are resampled to the longest training length first
(:class:`skseq.ResampleSequences`); the network reads the sequences as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import skseq
from skseq.time_axis import ResampleSequences
from skseq.windows import FlattenWindows, SequenceScaler

from .models import ModelSpec

__all__ = [
    "PUBLISHED_ACCURACIES",
    "PublishedAccuracy",
    "SOURCES",
    "classification_models",
]


@dataclass(frozen=True)
class PublishedAccuracy:
    """One published test accuracy on the official split.

    Attributes
    ----------
    model : str
        The published classifier.
    accuracy : float
    source : str
        Key of :data:`SOURCES`.
    """

    model: str
    accuracy: float
    source: str


#: Where the published figures come from.
SOURCES: dict[str, str] = {
    "ucr2018": "UCR Time Series Classification Archive 2018, DataSummary.csv "
    "(Dau et al., IEEE/CAA J. Autom. Sinica 6(6), 2019): 1 - published error "
    "of 1-NN Euclidean",
    "fawaz2019": "Ismail Fawaz et al., 'Deep learning for time series "
    "classification: a review', Data Min. Knowl. Disc. 33, 2019; mean test "
    "accuracy of 10 runs from the authors' result files (github.com/hfawaz/"
    "dl-4-tsc, results/results-uea.csv for the UCR 2015 sets, "
    "results/results-mts.csv for JapaneseVowels)",
    "karim2018": "Karim et al., 'LSTM Fully Convolutional Networks for Time "
    "Series Classification', IEEE Access 6, 2018; the authors' result table "
    "(github.com/titu1994/LSTM-FCN, Results/train_loss_old_datasets.csv)",
    "ruiz2021": "Ruiz et al., 'The great multivariate time series "
    "classification bake off', Data Min. Knowl. Disc. 35, 2021 (figure as "
    "quoted in skseq's issue tracker; not re-checked against the paper "
    "offline)",
}

#: Published test accuracies on the official splits of the bundled sets.
PUBLISHED_ACCURACIES: dict[str, tuple[PublishedAccuracy, ...]] = {
    "ArrowHead": (
        PublishedAccuracy("1-NN Euclidean", 0.8000, "ucr2018"),
        PublishedAccuracy("MLP", 0.7783, "fawaz2019"),
        PublishedAccuracy("FCN", 0.8429, "fawaz2019"),
        PublishedAccuracy("ResNet", 0.8446, "fawaz2019"),
        PublishedAccuracy("LSTM-FCN", 0.8971, "karim2018"),
    ),
    "GunPoint": (
        PublishedAccuracy("1-NN Euclidean", 0.9133, "ucr2018"),
        PublishedAccuracy("MLP", 0.9273, "fawaz2019"),
        PublishedAccuracy("FCN", 1.0000, "fawaz2019"),
        PublishedAccuracy("ResNet", 0.9907, "fawaz2019"),
        PublishedAccuracy("LSTM-FCN", 1.0000, "karim2018"),
    ),
    "ItalyPowerDemand": (
        PublishedAccuracy("1-NN Euclidean", 0.9553, "ucr2018"),
        PublishedAccuracy("MLP", 0.9540, "fawaz2019"),
        PublishedAccuracy("FCN", 0.9610, "fawaz2019"),
        PublishedAccuracy("ResNet", 0.9630, "fawaz2019"),
        PublishedAccuracy("LSTM-FCN", 0.9621, "karim2018"),
    ),
    "JapaneseVowels": (
        PublishedAccuracy("MLP", 0.9757, "fawaz2019"),
        PublishedAccuracy("FCN", 0.9930, "fawaz2019"),
        PublishedAccuracy("ResNet", 0.9916, "fawaz2019"),
    ),
    "BasicMotions": (PublishedAccuracy("ResNet", 1.0000, "ruiz2021"),),
}


def network_grid(task: Any, budget: Any, cells: tuple[str, ...]) -> dict[str, list]:
    """The network's search grid for a task (keys of the ``model`` step).

    Parameters
    ----------
    task : ClassificationTask
    budget : ClassificationBudget
    cells : tuple of str
        Cells to search (the budget's, possibly narrowed by ``--models``).

    Returns
    -------
    dict
    """
    grid: dict[str, list] = {
        "model__cell": list(cells),
        "model__head": list(budget.heads),
        "model__hidden_size": list(budget.hidden_sizes),
        "model__conv_channels": list(budget.conv_channels),
    }
    return {k: v for k, v in grid.items() if len(v) > 1}


def classification_models(
    task: Any, budget: Any, seed: int, cells: tuple[str, ...] | None = None
) -> list[ModelSpec]:
    """Models of a classification task: the searched network, then baselines.

    Parameters
    ----------
    task : ClassificationTask
        Gives the placement and stride of the network's convolutions.
    budget : ClassificationBudget
        Grids, epochs and seeds of the run mode.
    seed : int
        Seed of the network (the other seeds follow it).
    cells : tuple of str or None
        Cells searched (default: the budget's); an empty tuple leaves the
        network out.

    Returns
    -------
    list of ModelSpec
    """
    cells = budget.cells if cells is None else cells
    specs = []
    if cells:
        first = {
            "cell": cells[0],
            "head": budget.heads[0],
            "hidden_size": budget.hidden_sizes[0],
            "conv_channels": budget.conv_channels[0],
        }
        model = skseq.RecurrentClassifier(
            **first,
            conv_mode=task.conv_mode,
            conv_strides=task.conv_stride,
            max_epochs=budget.max_epochs,
            batch_size=task.batch_size or budget.batch_size,
            lr=budget.lr,
            early_stopping=budget.early_stopping,
            validation_fraction=0.2,
            patience=budget.patience,
            random_state=seed,
        )
        specs.append(
            ModelSpec(
                "network",
                "network",
                Pipeline([("scale", SequenceScaler()), ("model", model)]),
                network_grid(task, budget, cells),
                "recurrent classifier; cell, head, size and convolutions chosen "
                "by cross-validation",
            )
        )

    def flat(*steps: Any) -> Pipeline:
        return Pipeline(
            [("resample", ResampleSequences()), ("flat", FlattenWindows()), *steps]
        )

    specs += [
        ModelSpec(
            "majority",
            "reference",
            flat(("model", DummyClassifier(strategy="most_frequent"))),
            {},
            "always the most frequent training class",
        ),
        ModelSpec(
            "1nn",
            "baseline",
            flat(("model", KNeighborsClassifier(n_neighbors=1))),
            {},
            "1-nearest neighbour, Euclidean distance on the raw series",
        ),
        ModelSpec(
            "logistic",
            "baseline",
            flat(
                ("scale", StandardScaler()),
                ("model", LogisticRegression(max_iter=2000)),
            ),
            {"model__C": list(budget.logistic_cs)},
            "logistic regression on the flattened, standardised series",
        ),
        ModelSpec(
            "ridge",
            "baseline",
            flat(("scale", StandardScaler()), ("model", RidgeClassifier())),
            {"model__alpha": list(budget.ridge_alphas)},
            "ridge classifier on the flattened, standardised series",
        ),
    ]
    return specs
