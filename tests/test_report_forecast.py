"""Global models and strided training in the forecasting part of the report."""

import numpy as np
import pandas as pd
import pytest

from skseq.report.forecast_runner import panel_windows, strided, task_windows
from skseq.report.models import forecast_models, without_series_code
from skseq.report.tasks import BUDGETS, TASKS


def test_strided_keeps_the_newest_origin():
    X = np.arange(10)[:, None, None].astype(float)
    y = np.arange(10.0)
    Xs, ys = strided(X, y, 3)
    assert ys.tolist() == [0.0, 3.0, 6.0, 9.0]
    assert Xs[:, 0, 0].tolist() == ys.tolist()
    assert strided(X, y, 1)[1] is y


def test_strided_panel_keeps_every_series_at_the_kept_times():
    times = pd.date_range("2024-01-01", periods=5, freq="h")
    index = pd.MultiIndex.from_product([times, ["a", "b"]]).swaplevel()
    y = pd.DataFrame({"y": np.arange(10.0)}, index=index)
    X = np.zeros((10, 2, 1))
    _, ys = strided(X, y, 2)
    kept = ys.index.get_level_values(1)
    assert sorted(set(kept)) == [times[0], times[2], times[4]]
    assert (ys.index.get_level_values(0).value_counts() == 3).all()


@pytest.mark.parametrize("name", ["nyc-hourly", "stock"])
def test_panel_windows_split_by_time_and_match_the_task(name):
    task = TASKS[name]
    budget = BUDGETS["smoke"]
    options = {"rows": task.rows["smoke"], "ticker": "AAPL"}
    frame, _ = task.load(options)
    lookback = task.max_lookback(budget)
    X, _, origins = task_windows(task, frame, lookback)
    last_train, X_test = origins[200], np.asarray(X[-50:])
    panel = panel_windows(task, options, lookback, last_train, X_test)
    assert panel.n_series == 3
    times = panel.y_train.index.get_level_values(1)
    assert times.max() == last_train
    assert panel.y_train.index.get_level_values(0).nunique() == 3
    # The task's own test windows, plus the series code as the last feature.
    np.testing.assert_array_equal(panel.X_test[:, :, :-1], X_test)
    assert without_series_code(panel.X_test).shape == X_test.shape


def test_global_models_only_for_tasks_with_a_panel():
    budget = BUDGETS["smoke"]
    for name, has_panel in [("nyc-hourly", True), ("stock", True), ("seattle", False)]:
        specs = {s.name: s for s in forecast_models(TASKS[name], budget, 0)}
        assert ("gru-global" in specs) is has_panel
        assert ("ridge-global" in specs) is has_panel
        if has_panel:
            assert specs["gru-global"].panel and specs["ridge-global"].panel
            assert not specs["gru"].panel
    nyc = {s.name: s for s in forecast_models(TASKS["nyc-hourly"], budget, 0)}
    assert nyc["gru"].train_stride == TASKS["nyc-hourly"].train_stride > 1
    assert nyc["gru-global"].train_stride == TASKS["nyc-hourly"].panel_train_stride
    assert nyc["ridge"].train_stride == 1


def test_network_chosen_by_cv_skips_global_models():
    """A global model's CV MAE averages over other series: not comparable."""
    from skseq.report.comparisons import best_network
    from skseq.report.results import ModelResult, TaskResult

    def result(name: str, cv: float, panel: bool) -> ModelResult:
        return ModelResult(
            name=name,
            kind="network",
            description=name,
            best_params={},
            cv_score=cv,
            cv_fold_scores=[cv],
            n_candidates=1,
            search_time=0.0,
            refit_time=0.0,
            test={},
            predictions=np.zeros((2, 1)),
            panel=panel,
        )

    task = TASKS["stock"]
    both = [result("gru", 1.9, False), result("gru-global", 1.4, True)]
    tr = TaskResult(
        task=task,
        models=both,
        reference="random-walk",
        data={},
        y_test=np.zeros((2, 1)),
    )
    assert best_network(tr).name == "gru"
    only = TaskResult(
        task=task,
        models=both[1:],
        reference="random-walk",
        data={},
        y_test=np.zeros((2, 1)),
    )
    assert best_network(only).name == "gru-global"


def test_weather_frames_carry_wind_vector_calendar_and_weather_type():
    from skseq.report.tasks import SEATTLE_WEATHER_TYPES

    nyc, _ = TASKS["nyc-hourly"].load({"rows": 500})
    assert {"wind_u", "wind_v", "hour_sin", "doy_sin", "doy_cos"} <= set(nyc.columns)
    # The vector has the speed as its length.
    np.testing.assert_allclose(
        np.hypot(nyc["wind_u"], nyc["wind_v"]), nyc["wind_speed"]
    )
    seattle, _ = TASKS["seattle"].load({"rows": None})
    types = seattle[[f"wx_{kind}" for kind in SEATTLE_WEATHER_TYPES]]
    assert (types.sum(axis=1) == 1).all()  # one weather type a day
    for frame in (nyc, seattle):
        assert frame.columns[0] == "temp" or frame.columns[0] == "temp_max"
        assert np.isfinite(frame.to_numpy()).all()


@pytest.mark.parametrize("name", ["nyc-hourly", "seattle"])
def test_known_future_leads_reach_the_networks_only(name):
    """The calendar of every forecast step is in the networks' windows; every
    other model's pipeline drops those lead columns first; seq2seq's decoder
    reads them."""
    task = TASKS[name]
    budget = BUDGETS["smoke"]
    frame, _ = task.load({"rows": 400})
    n_lead = task.n_known_future
    assert n_lead == len(task.known_future) * task.horizon > 0
    lookback = task.max_lookback(budget)
    X, _, _ = task_windows(task, frame, lookback)
    n_base = frame.shape[1]
    assert X.shape[2] == n_base + n_lead
    specs = {s.name: s for s in forecast_models(task, budget, 0)}
    for spec in specs.values():
        steps = dict(spec.estimator.steps)
        if spec.kind == "network":
            assert "past" not in steps
        else:
            assert "past" in steps
            if spec.panel:  # its windows end with the series code: tested above
                continue
            seen = spec.estimator[: list(steps).index("past") + 1].fit_transform(X)
            np.testing.assert_array_equal(
                seen, np.asarray(X)[:, -seen.shape[1] :, :n_base]
            )
    seq2seq = specs["seq2seq"].estimator[-1]
    assert list(seq2seq.known_future) == list(range(-n_lead, 0))
    # The networks train on the absolute error where the task says so.
    assert specs["gru"].estimator[-1].loss == task.network_loss
