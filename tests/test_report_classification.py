"""The classification part of the benchmark report (models, grids, published
figures); the end-to-end run is in test_cli.py."""

import pandas as pd
import pytest

from skseq.cli import main
from skseq.datasets import REFERENCE_ACCURACIES, load_classification
from skseq.report.classification import (
    PUBLISHED_ACCURACIES,
    SOURCES,
    classification_models,
    conv_strides,
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


def test_first_convolution_downsamples_series_longer_than_the_budget_says():
    budget = CLASSIFICATION_BUDGETS["default"]
    task = TASKS["arrowhead"]
    limit = budget.conv_max_steps
    assert conv_strides(task, budget, 3, limit) == 1
    assert conv_strides(task, budget, 3, limit + 1) == (2, 1, 1)
    assert conv_strides(task, budget, 3, 2 * limit + 1) == (3, 1, 1)
    assert conv_strides(task, budget, 3, None) == 1
    specs = classification_models(task, budget, 0, n_timesteps=limit + 1)
    model = specs[0].estimator.named_steps["model"]
    assert model.conv_strides == (2, 1, 1)
    assert model.lr_schedule == budget.lr_schedule


def test_shared_worker_pool_gives_the_sequential_numbers(tmp_path):
    # A one-configuration network cross-validates, refits and trains its other
    # seeds in one pool when n_jobs > 1; the scores equal a sequential run's.
    frames = {}
    for n_jobs in ("1", "2"):
        out = tmp_path / n_jobs
        args = ["benchmark", "--smoke", "--tasks", "italy-power", "--models"]
        args += ["network", "--n-jobs", n_jobs, "--out", str(out), "-qq"]
        assert main(args) == 0
        results = pd.read_csv(out / "results.csv")
        keep = results["metric"].str.contains("accuracy") & (
            results["model"] == "network"
        )
        frames[n_jobs] = results[keep].reset_index(drop=True)
    assert not frames["1"].empty
    pd.testing.assert_frame_equal(frames["1"], frames["2"])
