"""Tests of the ``skseq benchmark`` command line and its report.

The runs use the hidden ``--smoke`` mode (tiny networks, 2 epochs, a sliver
of each series): they check that the pipeline runs end to end and writes
what it promises, not the quality of the models.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from skseq.cli import main
from skseq.report.registry import (
    MODEL_GROUPS,
    MODEL_NAMES,
    MODELS,
    registered,
    resolve_models,
)
from skseq.report.task_models import task_model_names
from skseq.report.tasks import (
    CLASSIFICATION_TASKS,
    DEFAULT_TASKS,
    GROUPS,
    TASKS,
    resolve_tasks,
)

NETWORKS = {"rnn", "lstm", "gru"}
FORECAST_BASELINES = {
    "naive",
    "seasonal-naive",
    "drift",
    "mean",
    "arima",
    "ets",
    "ridge",
}


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    code = main(["benchmark", "--smoke", "--n-jobs", "1", "--out", str(out), "-qq"])
    assert code == 0
    return out


def test_smoke_run_writes_every_file(smoke_report: Path) -> None:
    for name in ("report.md", "report.html", "results.csv", "settings.json"):
        assert (smoke_report / name).is_file(), name
    svgs = {p.name for p in smoke_report.glob("*.svg")}
    for task in ("stock", "seattle", "nyc-hourly"):
        for kind in ("forecast", "error_by_step", "loss_curves"):
            assert f"{task}_{kind}.svg" in svgs
    for task in CLASSIFICATION_TASKS:
        for kind in ("confusion", "loss_curves"):
            assert f"{task}_{kind}.svg" in svgs
    for svg in smoke_report.glob("*.svg"):
        assert b"<svg" in svg.read_bytes()[:2000]
    assert not list(smoke_report.glob("*.png"))
    # The marker that lets a later run replace this folder lists every file.
    marker = json.loads((smoke_report / ".skseq-report.json").read_text())
    on_disk = {p.name for p in smoke_report.iterdir()} - {".skseq-report.json"}
    assert set(marker["files"]) == on_disk
    staging = f".{smoke_report.name}."  # the hidden folders beside it are gone
    assert not [p for p in smoke_report.parent.iterdir() if p.name.startswith(staging)]


def test_results_csv_is_tidy_and_complete(smoke_report: Path) -> None:
    results = pd.read_csv(smoke_report / "results.csv")
    assert list(results.columns) == [
        "task",
        "model",
        "kind",
        "split",
        "step",
        "fold",
        "metric",
        "value",
    ]
    assert set(results["task"]) == set(DEFAULT_TASKS)
    for task in ("stock", "seattle", "nyc-hourly"):
        models = set(results.loc[results["task"] == task, "model"])
        assert NETWORKS | FORECAST_BASELINES <= models, task
    assert "random-walk" in set(results.loc[results["task"] == "stock", "model"])
    for task in CLASSIFICATION_TASKS:
        clf = set(results.loc[results["task"] == task, "model"])
        assert clf == {"network", "majority", "1nn", "logistic", "ridge"}, task
    # The network's accuracy is a mean over seeds, each seed in the CSV.
    seeds = results[(results["metric"] == "accuracy_seed")]
    assert set(seeds["fold"]) == {"seed0", "seed1"}
    assert set(seeds["task"]) == set(CLASSIFICATION_TASKS)

    test = results[(results["split"] == "test") & (results["metric"] == "mae")]
    # One MAE per horizon step plus the mean over steps.
    nyc_lstm = test[(test["task"] == "nyc-hourly") & (test["model"] == "lstm")]
    assert len(nyc_lstm) == TASKS["nyc-hourly"].horizon + 1
    metrics = set(results["metric"])
    assert {
        "mae",
        "rmse",
        "mase",
        "directional_accuracy",
        "dm_pvalue",
        "cv_mae",
        "accuracy",
        "search_time_s",
        "refit_time_s",
    } <= metrics
    pvalues = results.loc[results["metric"] == "dm_pvalue", "value"].dropna()
    assert ((pvalues >= 0) & (pvalues <= 1)).all()


def test_report_text(smoke_report: Path) -> None:
    md = (smoke_report / "report.md").read_text()
    for task in DEFAULT_TASKS:
        assert f"## {task}:" in md
    for name in NETWORKS | FORECAST_BASELINES | {"random-walk", "1nn", "majority"}:
        assert f"| {name} |" in md, name
    assert "Lowest test MAE" in md and "**No network beats" in md
    assert "random walk" in md
    assert "Diebold-Mariano" in md
    assert "grid-search winner" in md
    assert "skseq benchmark --smoke" in md  # the command
    assert "seed: 0" in md
    assert "torch" in md and "scikit-learn" in md
    assert "![" in md and "stock_forecast.svg" in md
    # Navigation: a table of contents whose links all have an anchor.
    assert "**Contents**" in md
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', md))
    links = re.findall(r"\]\(#([^)]+)\)", md)
    assert links and set(links) <= anchors
    assert "[results.csv](results.csv)" in md and "Reproduce with skseq" in md
    # Classification: published figures with sources, targets, confusion.
    assert "Classification against the published results" in md
    assert "LSTM-FCN (published)" in md and "[karim2018]" in md
    assert "Target 0.99" in md
    assert "true \\ predicted" in md


def test_prediction_interval_section(smoke_report: Path) -> None:
    svgs = {p.name for p in smoke_report.glob("*.svg")}
    for task in ("stock", "seattle", "nyc-hourly"):
        assert f"{task}_fan_chart.svg" in svgs and f"{task}_calibration.svg" in svgs
    md = (smoke_report / "report.md").read_text()
    assert md.count("### Prediction intervals") == 3
    assert "The random walk's (random-walk) 80 % interval covers" in md
    assert "| gru-quantile | network |" in md
    results = pd.read_csv(smoke_report / "results.csv")
    rw = results[
        (results["task"] == "stock")
        & (results["model"] == "random-walk")
        & (results["metric"] == "coverage_80")
    ]
    # One coverage per horizon step plus the mean, each a share in [0, 1].
    assert len(rw) == TASKS["stock"].horizon + 1
    assert rw["value"].between(0, 1).all()
    widths = results[results["metric"] == "width_80"]["value"]
    assert (widths > 0).all()


def test_html_is_self_contained(smoke_report: Path) -> None:
    page = (smoke_report / "report.html").read_text()
    n_svg = len(list(smoke_report.glob("*.svg")))
    assert page.count("data:image/svg+xml;base64,") == n_svg
    assert 'src="http' not in page and '.svg"' not in page
    assert "<table>" in page and "</html>" in page
    assert '<meta name="viewport"' in page
    # Every table scrolls inside its own box; every internal link resolves.
    assert page.count("<table>") == page.count('<div class="scroll"><table>')
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert set(re.findall(r'href="#([^"]+)"', page)) <= ids


def _numbers(out: Path) -> pd.DataFrame:
    results = pd.read_csv(out / "results.csv")
    return results[results["split"] != "train"].reset_index(drop=True)


def test_same_seed_same_numbers(tmp_path: Path) -> None:
    args = ["benchmark", "--smoke", "--tasks", "seattle", "-qq", "--seed", "3"]
    args += ["--n-jobs", "1"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    pd.testing.assert_frame_equal(_numbers(tmp_path / "a"), _numbers(tmp_path / "b"))


def test_model_selection_keeps_the_reference(tmp_path: Path) -> None:
    out = tmp_path / "sel"
    code = main(
        [
            "benchmark",
            "--smoke",
            "--tasks",
            "stock,seattle",
            "--models",
            "gru",
            "ridge",
            "--n-jobs",
            "1",
            "--out",
            str(out),
            "-qq",
        ]
    )
    assert code == 0
    results = pd.read_csv(out / "results.csv")
    models = results.groupby("task")["model"].agg(set).to_dict()
    # gru-quantile: the GRU winner refitted with the pinball loss for the
    # prediction-interval section (only when the GRU runs).
    assert models == {
        "stock": {"gru", "gru-quantile", "ridge", "random-walk"},
        "seattle": {"gru", "gru-quantile", "ridge", "naive"},
    }


def test_parallel_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "par"
    code = main(
        [
            "benchmark",
            "--smoke",
            "--tasks",
            "seattle",
            "--models",
            "lstm",
            "--n-jobs",
            "2",
            "--out",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    assert "n_jobs 2" in capsys.readouterr().err
    assert "1 per joblib worker" in (out / "report.md").read_text()


def test_progress_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "benchmark",
            "--smoke",
            "--tasks",
            "italy-power",
            "--models",
            "rnn",
            "drift",
            "--n-jobs",
            "1",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert "task italy-power" in captured.err
    assert "candidate(s) x 2 folds" in captured.err
    assert "network fit (no grid)" in captured.err  # one line per fit
    assert "'cell': 'rnn'" in captured.err  # --models rnn narrows the cells
    assert "s]" in captured.err  # elapsed time
    assert "report:" in captured.out
    # drift is a forecasting model: said so, in the progress and the report.
    note = "not run: drift (not models of a classification task)"
    assert note in captured.err
    assert note in (tmp_path / "report.md").read_text()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["benchmark", "--tasks", "moon"], "unknown task 'moon'"),
        (["benchmark", "--datasets", "stock,moon"], "unknown task 'moon'"),
        (["benchmark", "--models", "transformer"], "unknown model 'transformer'"),
        (["benchmark", "--quick", "--full"], "not allowed with argument"),
        (["benchmark", "--n-jobs", "0"], "--n-jobs"),
        (["benchmark", "--threads", "0"], "--threads"),
        (["benchmark", "--ticker", "TSLA"], "unknown ticker 'TSLA'"),
        (["benchmark", "--bogus"], "unrecognized arguments"),
        (["benchmark", "--tasks", ","], "--tasks names nothing"),
        (["benchmark", "--models", " , "], "--models names nothing"),
        (
            ["benchmark", "--tasks", "italy-power", "--models", "arima", "drift"],
            "none of the models arima, drift runs on the task(s) italy-power",
        ),
        (["launch"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "usage:" in err
    assert not list(tmp_path.iterdir())  # nothing ran


def test_unknown_task_lists_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["benchmark", "--tasks", "moon"]) == 2
    err = capsys.readouterr().err
    for name in TASKS:
        assert name in err


def test_no_command_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "benchmark" in capsys.readouterr().err
    assert main(["benchmark", "--help"]) == 0
    help_text = capsys.readouterr().out
    for option in (
        "--tasks",
        "--models",
        "--out",
        "--quick",
        "--full",
        "--seed",
        "--n-jobs",
    ):
        assert option in help_text
    assert "--smoke" not in help_text


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["benchmark", "--list"]) == 0
    out = capsys.readouterr().out
    for name in TASKS:
        assert name in out
    for name in ("rnn", "lstm", "gru", "ridge", "arima"):
        assert name in out


def test_resolve_tasks_groups() -> None:
    assert resolve_tasks(None) == list(DEFAULT_TASKS)
    assert resolve_tasks(["weather"]) == ["seattle", "nyc-hourly"]
    assert resolve_tasks(["italy-power", "STOCK"]) == ["stock", "italy-power"]
    # A group gives the same tasks, in report order, as its members listed
    # in any order and repeated.
    for group, members in GROUPS.items():
        expected = [name for name in TASKS if name in members]
        assert resolve_tasks([group]) == expected, group
        assert resolve_tasks([*reversed(members), *members]) == expected, group
    # The names --models accepts are exactly the models the tasks run.
    run = {name for task in TASKS.values() for name in task_model_names(task)}
    assert run == set(MODEL_NAMES)
    for group, members in MODEL_GROUPS.items():
        assert resolve_models([group.upper()]) == list(members)
        assert set(members) <= run


def test_every_model_a_task_runs_is_registered_for_its_kind() -> None:
    for task in TASKS.values():
        for name in task_model_names(task):
            entry = registered(name)
            assert entry is not None and task.kind in entry.tasks, (task.name, name)
    # The help text lists every registered model and group.
    from skseq.cli import _EPILOG

    epilog = " ".join(_EPILOG.split())
    for name in [*MODEL_NAMES, *MODEL_GROUPS]:
        assert re.search(rf"(^|[ ,(]){re.escape(name)}([ ,):.]|$)", epilog), name
    # The models of one task kind have distinct colours in the figures.
    for kind in ("forecast", "classification"):
        colours = [m.colour for m in MODELS if kind in m.tasks]
        assert len(set(colours)) == len(colours), kind


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "skseq", "benchmark", "--list"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "nyc-hourly" in proc.stdout
