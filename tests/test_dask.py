"""Searches on dask.distributed through joblib's Dask backend (optional extra).

A small in-process ``LocalCluster`` (one worker, one thread) stands in for a
real cluster; the tests are skipped when dask.distributed is not installed
(``pip install "skseq[dask]"``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline

from skseq import GRUClassifier, RecurrentRegressor, SequenceScaler, make_supervised
from skseq.cli import main
from skseq.datasets import load_weather_daily
from skseq.model_selection import TimeSeriesWindowSplit
from skseq.utils.threads import default_torch_threads

distributed = pytest.importorskip("distributed")

FAST = {"hidden_size": 4, "max_epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def client():
    # processes=False: the worker is a thread of this process, which starts
    # in a second instead of importing torch in a new process.
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


@pytest.fixture(scope="module")
def weather():
    frame = load_weather_daily()[["temp_max", "temp_min", "wind"]].iloc[:300]
    return make_supervised(frame, "temp_max", horizon=1, lookback=10)


def _fit(search, X, y, backend):
    if backend == "dask":
        with parallel_config(backend="dask"):
            return search.fit(X, y)
    return search.fit(X, y)


def test_grid_search_on_dask_equals_local(client, weather):
    X, y = weather
    results = {}
    for backend in ("local", "dask"):
        pipe = make_pipeline(SequenceScaler(), RecurrentRegressor(**FAST))
        search = GridSearchCV(
            pipe,
            {"recurrentregressor__cell": ["rnn", "gru"]},
            cv=TimeSeriesWindowSplit(n_splits=2, horizon=1),
            scoring="neg_mean_absolute_error",
            n_jobs=-1 if backend == "dask" else 1,
        )
        results[backend] = _fit(search, X, y, backend)
    local, dask = results["local"], results["dask"]
    np.testing.assert_array_equal(
        local.cv_results_["mean_test_score"], dask.cv_results_["mean_test_score"]
    )
    assert local.best_params_ == dask.best_params_
    np.testing.assert_array_equal(local.predict(X[-5:]), dask.predict(X[-5:]))


def test_randomized_search_classifier_on_dask_equals_local(client, weather):
    X, y = weather
    labels = np.where(y > np.median(y), "warm", "cold")
    scores = {}
    for backend in ("local", "dask"):
        search = RandomizedSearchCV(
            make_pipeline(SequenceScaler(), GRUClassifier(**FAST)),
            {
                "gruclassifier__hidden_size": [4, 6, 8],
                "gruclassifier__lr": [1e-2, 3e-3],
            },
            n_iter=2,
            cv=TimeSeriesWindowSplit(n_splits=2, horizon=1),
            random_state=0,
            n_jobs=-1 if backend == "dask" else 1,
        )
        scores[backend] = _fit(search, X, labels, backend).cv_results_[
            "mean_test_score"
        ]
    np.testing.assert_array_equal(scores["local"], scores["dask"])


def test_default_torch_threads_is_one_in_a_dask_worker(client):
    assert client.submit(default_torch_threads, pure=False).result() == 1


def test_benchmark_scheduler_gives_the_local_numbers(client, tmp_path: Path):
    args = ["benchmark", "--smoke", "--tasks", "seattle", "--models", "gru", "-qq"]
    assert main([*args, "--n-jobs", "1", "--out", str(tmp_path / "local")]) == 0
    address = client.scheduler.address
    assert main([*args, "--scheduler", address, "--out", str(tmp_path / "dask")]) == 0
    local = pd.read_csv(tmp_path / "local" / "results.csv")
    dask = pd.read_csv(tmp_path / "dask" / "results.csv")
    timing = local["metric"].str.endswith("_time_s")  # wall-clock seconds differ
    assert timing.any() and (local["metric"] == dask["metric"]).all()
    pd.testing.assert_frame_equal(local[~timing], dask[~timing])
    assert "seattle" in set(local["task"]) and "gru" in set(local["model"])
