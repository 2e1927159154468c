"""The classification part of the benchmark report (models, grids, published
figures); the end-to-end run is in test_cli.py."""

import pytest

from skseq.datasets import REFERENCE_ACCURACIES, load_classification
from skseq.report.classification import (
    PUBLISHED_ACCURACIES,
    SOURCES,
    classification_models,
)
from skseq.report.classification_runner import classification_cells
from skseq.report.tasks import CLASSIFICATION_BUDGETS, CLASSIFICATION_TASKS, TASKS


def test_every_set_has_cited_published_figures_and_a_target():
    for name in CLASSIFICATION_TASKS:
        task = TASKS[name]
        assert task.target is not None
        published = PUBLISHED_ACCURACIES[task.dataset]
        assert published
        for entry in published:
            assert entry.source in SOURCES
            assert 0 < entry.accuracy <= 1
    # The 1-NN figures agree with the dataset module's archive figures.
    for dataset, figures in REFERENCE_ACCURACIES.items():
        nn = {p.model: p.accuracy for p in PUBLISHED_ACCURACIES[dataset]}
        assert nn["1-NN Euclidean"] == figures["1nn_euclidean"]


def test_network_grid_and_cells_follow_budget_and_models():
    budget = CLASSIFICATION_BUDGETS["full"]
    assert classification_cells(budget, None) == budget.cells
    assert classification_cells(budget, ["network", "1nn"]) == budget.cells
    assert classification_cells(budget, ["gru", "lstm"]) == ("lstm", "gru")
    assert classification_cells(budget, ["1nn"]) == ()
    specs = classification_models(TASKS["arrowhead"], budget, seed=0)
    network = specs[0]
    assert network.name == "network"
    assert network.param_grid["model__cell"] == list(budget.cells)
    assert network.param_grid["model__head"] == list(budget.heads)
    names = [s.name for s in classification_models(TASKS["gunpoint"], budget, 0, ())]
    assert names == ["majority", "1nn", "logistic", "ridge"]


@pytest.mark.parametrize("name", ["JapaneseVowels", "BasicMotions"])
def test_flattened_baselines_run_on_multivariate_and_variable_length(name):
    X, y = load_classification(name, split="train")
    budget = CLASSIFICATION_BUDGETS["smoke"]
    specs = classification_models(TASKS["japanese-vowels"], budget, 0, ())
    nn = next(s for s in specs if s.name == "1nn").estimator
    # 1-NN on its own training set is perfect (each series is its neighbour).
    assert nn.fit(X, y).score(X, y) == 1.0
