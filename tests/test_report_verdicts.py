"""The report's verdicts, comparisons, number formats, summary tables and
table of contents, on small hand-made results (no training: fast).

The end-to-end run is in test_cli.py and test_report_browser.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import mcnemar

from skseq.report.comparisons import best_baseline, compare, mcnemar_test
from skseq.report.document import report_blocks, slug
from skseq.report.formatting import column_decimals, fixed_column, fmt_pvalue
from skseq.report.render import render_html, render_markdown
from skseq.report.results import (
    BenchmarkConfig,
    BenchmarkResult,
    ModelResult,
    TaskResult,
    environment,
)
from skseq.report.tables import classification_head_to_head, forecast_summary
from skseq.report.tasks import TASKS
from skseq.report.verdicts import (
    classification_verdict,
    forecast_target_verdict,
    forecast_verdict,
    no_network_beats,
    steps_against,
)

N = 300


def _model(
    name: str, kind: str, y: np.ndarray, pred: np.ndarray, cv: float
) -> ModelResult:
    err = np.abs(y - pred)
    steps = y.shape[1]
    return ModelResult(
        name=name,
        kind=kind,
        description=name,
        best_params={},
        cv_score=cv,
        cv_fold_scores=[cv, cv],
        n_candidates=1,
        search_time=0.1,
        refit_time=0.01,
        test={
            "mae": err.mean(axis=0),
            "rmse": np.sqrt((err**2).mean(axis=0)),
            "mase": err.mean(axis=0),
            "directional_accuracy": np.full(steps, 0.5),
        },
        predictions=pred,
        dm={"pvalue": np.full(steps, np.nan), "statistic": np.full(steps, np.nan)},
    )


def forecast_task(network_noise: float, ridge_noise: float = 1.0, seed: int = 0):
    """Seattle (one step): truth, a random walk with noise 1.5, ridge and one
    network whose errors are scaled copies of shared noise (so that their
    difference is clear or nil, as asked)."""
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(N, 1)) * 5
    shared = rng.normal(size=(N, 1))
    own = rng.normal(size=(N, 1))
    models = [
        _model("naive", "reference", y, y + 1.5 * rng.normal(size=(N, 1)), 1.5),
        _model("ridge", "baseline", y, y + ridge_noise * shared, 1.0),
        _model("lstm", "network", y, y + network_noise * shared + 0.01 * own, 1.1),
    ]
    return TaskResult(
        task=TASKS["seattle"], models=models, reference="naive", data={}, y_test=y
    )


def classification_task(net_right: int, base_right: int, n: int = 100):
    """Two classes; the first ``k`` series are classified right by each model."""
    y = np.tile([0, 1], n // 2)
    wrong = 1 - y

    def predictions(k: int) -> np.ndarray:
        return np.where(np.arange(n) < k, y, wrong)

    def result(name: str, kind: str, pred: np.ndarray) -> ModelResult:
        accuracy = float(np.mean(pred == y))
        return ModelResult(
            name=name,
            kind=kind,
            description=name,
            best_params={},
            cv_score=accuracy,
            cv_fold_scores=[accuracy],
            n_candidates=1,
            search_time=0.1,
            refit_time=0.01,
            test={
                "accuracy": accuracy,
                "balanced_accuracy": accuracy,
                "macro_f1": accuracy,
            },
            predictions=pred,
        )

    models = [
        result("network", "network", predictions(net_right)),
        result("majority", "reference", np.zeros(n, dtype=int)),
        result("1nn", "baseline", predictions(base_right)),
    ]
    return TaskResult(
        task=TASKS["italy-power"],
        models=models,
        reference="majority",
        data={},
        y_test=y,
    )


def test_a_clearly_better_network_is_significant_against_the_best_baseline():
    tr = forecast_task(network_noise=0.5)
    base = best_baseline(tr)
    assert base.name == "ridge"  # the best baseline, not the reference
    c = compare(tr, tr.model("lstm"), base)
    assert c.outcome == "better" and c.pvalue < 0.001 and c.against == "ridge"
    assert no_network_beats(tr) is None
    text = " ".join(forecast_verdict(tr))
    assert "significantly **better** than ridge" in text


def test_a_small_difference_is_called_a_tie():
    tr = forecast_task(network_noise=0.999)
    c = compare(tr, tr.model("lstm"), tr.model("ridge"))
    assert c.outcome == "tie" and c.pvalue >= 0.05
    text = " ".join(forecast_verdict(tr))
    assert "a **tie** with ridge" in text


def test_no_network_beats_the_best_baseline_nor_the_random_walk():
    tr = forecast_task(network_noise=3.0, ridge_noise=1.0)
    sentence = no_network_beats(tr)
    assert sentence is not None
    assert (
        "**No network beats ridge**" in sentence
        and "**nor the random walk**" in sentence
    )
    assert compare(tr, tr.model("lstm"), tr.model("ridge")).outcome == "worse"
    # Worse than ridge but better than the random walk: only ridge is named.
    between = forecast_task(network_noise=1.2)
    sentence = no_network_beats(between)
    assert (
        "No network beats ridge" in sentence and "nor the random walk" not in sentence
    )
    assert sentence in " ".join(forecast_verdict(between))


def test_mcnemar_matches_statsmodels_and_calls_ties():
    tr = classification_task(net_right=60, base_right=90)
    net, base = tr.model("network"), tr.model("1nn")
    assert best_baseline(tr) is base
    c = compare(tr, net, base)
    # 30 series only the baseline gets right, none only the network: chi-square.
    expected = mcnemar([[60, 0], [30, 10]], exact=False, correction=True).pvalue
    assert c.pvalue == pytest.approx(expected) and c.outcome == "worse"
    assert "**No network beats 1nn**" in " ".join(classification_verdict(tr))
    # Few discordant series: the exact test; the same predictions: a tie, p = 1.
    y = tr.y_test
    small = mcnemar_test(y, np.where(np.arange(100) < 95, y, 1 - y), y)
    assert small == pytest.approx(mcnemar([[95, 0], [5, 0]], exact=True).pvalue)
    assert mcnemar_test(y, y, y) == 1.0
    tie = classification_task(net_right=91, base_right=90)
    assert compare(tie, tie.model("network"), tie.model("1nn")).outcome == "tie"
    assert no_network_beats(tie) is None


def test_one_number_format_per_column():
    assert fixed_column([1.2734, 0.5, float("nan")]) == ["1.273", "0.500", "n/a"]
    assert fixed_column([123.456, 7.0]) == ["123.5", "7.0"]
    assert column_decimals([0.0123, 0.0456]) == 5  # 0.04560: four digits
    assert column_decimals([]) == 2
    assert [fmt_pvalue(p) for p in (0.0004, 0.05, 0.12345, float("nan"))] == [
        "<0.001",
        "0.050",
        "0.123",
        "n/a",
    ]


def _benchmark(*tasks: TaskResult) -> BenchmarkResult:
    config = BenchmarkConfig(
        tasks=[tr.task.name for tr in tasks],
        mode="quick",
        command="skseq benchmark --quick",
    )
    return BenchmarkResult(
        config, list(tasks), 1.0, "2026-01-01 00:00:00", environment(config)
    )


def test_summary_tables_across_tasks():
    result = _benchmark(forecast_task(0.5), classification_task(60, 90))
    forecast = forecast_summary(result)
    assert forecast.headers[:5] == [
        "task",
        "reference",
        "best baseline",
        "network chosen by CV",
        "test-best network",
    ]
    (row,) = forecast.rows
    assert row[0] == "seattle" and row[1].startswith("naive ")
    assert row[2].startswith("ridge ") and row[3].startswith("lstm ")
    assert row[5].startswith("-") and row[5].endswith(" %")  # beats the reference
    assert row[6] == "better (<0.001)"
    (clf,) = classification_head_to_head(result).rows
    assert clf[:3] == ["italy-power", "majority 0.500", "1nn 0.900"]
    assert clf[3] == "network 0.600" and clf[5].startswith("worse (")


def test_table_of_contents_anchors_resolve(tmp_path):
    result = _benchmark(forecast_task(0.5), classification_task(60, 90))
    blocks = report_blocks(result, {})
    (toc,) = [b for b in blocks if b.kind == "toc"]
    headings = [b.extra for b in blocks if b.kind in ("h2", "h3")]
    assert [anchor for _, _, anchor in toc.content] == headings
    assert len(set(headings)) == len(headings) and all(headings)
    page = render_html(blocks)
    ids = re.findall(r' id="([^"]+)"', page)
    assert set(re.findall(r'href="#([^"]+)"', page)) <= set(ids)
    markdown = render_markdown(blocks, tmp_path)
    assert set(re.findall(r"\]\(#([^)]+)\)", markdown)) <= set(
        re.findall(r'<a id="([^"]+)"></a>', markdown)
    )
    assert "python -m skseq benchmark --quick" in markdown
    assert slug("nyc-hourly: JFK (hourly)") == "nyc-hourly-jfk-hourly"


def test_forecasting_networks_over_several_seeds(monkeypatch):
    from dataclasses import replace

    from skseq.report import tasks
    from skseq.report.forecast_runner import run_forecast_task
    from skseq.report.search import Progress
    from skseq.report.writer import results_frame

    monkeypatch.setitem(
        tasks.BUDGETS, "smoke", replace(tasks.BUDGETS["smoke"], n_seeds=2)
    )
    config = BenchmarkConfig(
        tasks=["seattle"], models=["lstm"], mode="smoke", verbose=0
    )
    tr = run_forecast_task(TASKS["seattle"], config, Progress(0))
    lstm = tr.model("lstm")
    per_seed = lstm.test["mae_seeds"]
    assert list(per_seed) == [0, 1] and per_seed[0] != per_seed[1]
    assert np.mean(lstm.test["mae"]) == pytest.approx(np.mean(list(per_seed.values())))
    assert lstm.test["mae_sd"] == pytest.approx(np.std(list(per_seed.values()), ddof=1))
    assert "mae_sd" not in tr.model("naive").test  # baselines are deterministic
    frame = results_frame(_benchmark(tr))
    seeds = frame[frame["metric"] == "mae_seed"]
    assert list(seeds["fold"]) == ["seed0", "seed1"]
    (row,) = forecast_summary(_benchmark(tr)).rows
    assert " ± " in row[3]


def test_pooled_refit_with_seeds_equals_the_sequential_run(monkeypatch):
    # With a worker pool, the winner's refit and its other seeds' fits run side
    # by side in the pool; the numbers equal the one-process run's.
    from dataclasses import replace

    from skseq.report import tasks
    from skseq.report.forecast_runner import run_forecast_task
    from skseq.report.search import Progress

    monkeypatch.setitem(
        tasks.BUDGETS, "smoke", replace(tasks.BUDGETS["smoke"], n_seeds=2)
    )
    runs = {}
    for n_jobs in (1, 2):
        config = BenchmarkConfig(
            tasks=["seattle"], models=["lstm"], mode="smoke", n_jobs=n_jobs, verbose=0
        )
        runs[n_jobs] = run_forecast_task(TASKS["seattle"], config, Progress(0))
    sequential, pooled = (runs[n].model("lstm") for n in (1, 2))
    assert pooled.test["mae_seeds"] == sequential.test["mae_seeds"]
    np.testing.assert_array_equal(pooled.predictions, sequential.predictions)
    assert pooled.refit_time > 0
    assert [e["train_loss"] for e in pooled.history] == [
        e["train_loss"] for e in sequential.history
    ]


def _multi_step_task(network_scale: np.ndarray, run_mode: str = "default"):
    """NYC-like (24 steps): ridge's errors are shared noise, the network's the
    same noise scaled per step (below 1: better at that step)."""
    rng = np.random.default_rng(1)
    y = rng.normal(size=(N, 24)) * 5
    shared = rng.normal(size=(N, 24))
    models = [
        _model("naive", "reference", y, y + 3 * rng.normal(size=(N, 24)), 3.0),
        _model("ridge", "baseline", y, y + shared, 1.0),
        _model("gru", "network", y, y + network_scale * shared, 1.1),
    ]
    return TaskResult(
        task=TASKS["nyc-hourly"],
        models=models,
        reference="naive",
        data={"run_mode": run_mode},
        y_test=y,
    )


def test_steps_against_counts_better_and_worse_steps():
    scale = np.r_[np.full(10, 0.5), np.full(4, 1.0), np.full(10, 1.5)]
    tr = _multi_step_task(scale)
    better, worse = steps_against(tr, tr.model("gru"), tr.model("ridge"))
    assert better == list(range(1, 11))
    assert worse == list(range(15, 25))
    text = " ".join(forecast_verdict(tr))
    assert "significantly better than ridge at 10 of 24 steps (1-10)" in text
    assert "worse at 10 (15-24), a tie at 4" in text


def test_step_target_is_met_only_at_most_steps():
    missed = forecast_target_verdict(
        _multi_step_task(np.r_[np.full(12, 0.5), np.ones(12)])
    )
    assert len(missed) == 1 and "**missed**" in missed[0] and "at 12 of 24" in missed[0]
    met = forecast_target_verdict(
        _multi_step_task(np.r_[np.full(13, 0.5), np.ones(11)])
    )
    assert "**met**" in met[0] and "at 13 of 24" in met[0]


def test_ratio_target_against_the_best_baseline():
    met = forecast_target_verdict(forecast_task(network_noise=0.9))
    assert "**met**" in met[0] and "0.901 times ridge's" in met[0]
    missed = forecast_target_verdict(forecast_task(network_noise=0.97))
    assert "**missed**" in missed[0]


def test_targets_are_not_judged_outside_the_default_run():
    tr = _multi_step_task(np.full(24, 0.5), run_mode="quick")
    assert forecast_target_verdict(tr) == [
        "This task's targets are set for the default run, not a quick run."
    ]
