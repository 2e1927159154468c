"""Command line of skseq: ``skseq benchmark`` (also ``python -m skseq benchmark``).

``skseq benchmark`` runs the recurrent networks (RNN, LSTM, GRU) against the
classical baselines on the bundled data (a stock, Seattle and New York
weather, five UCR/UEA classification sets), with grid searches on folds
of a training period and scores on a held-out test period, and writes a
report (``report.md``, ``report.html``, ``results.csv``, PNG figures).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence

__all__ = ["build_parser", "main"]

_EPILOG = """\
examples:
  skseq benchmark                         # default run, a few minutes on 2 cores
  skseq benchmark --quick                 # smoke run of a minute or two
  skseq benchmark --tasks weather --models lstm gru ridge --out weather-report
  skseq benchmark --full --n-jobs 2       # bigger grids, more epochs
  skseq benchmark --list                  # tasks and models
  skseq benchmark --scheduler tcp://10.0.0.5:8786   # searches on a Dask cluster

tasks: stock, seattle, nyc-hourly, italy-power, gunpoint, arrowhead,
basic-motions, japanese-vowels; groups: stock, weather, classification,
default, all (default: all of them).
models: rnn, lstm, gru, naive, seasonal-naive, drift, mean, arima, ets,
ridge, 1nn, logistic (and seq2seq when installed), network (the searched
classifier; naming rnn/lstm/gru narrows its cells); groups: networks,
baselines. The reference of each task (random-walk: the random walk,
majority: the majority class) always runs.
"""


def _split_names(values: Sequence[str] | None, option: str) -> list[str] | None:
    """Accept ``--tasks a b`` as well as ``--tasks a,b``; None when not given.

    Raises
    ------
    ValueError
        When the option was given but names nothing (``--tasks ,``): running
        everything instead would hide the mistake.
    """
    if values is None:
        return None
    names = [part for value in values for part in value.split(",") if part.strip()]
    if not names:
        raise ValueError(f"{option} names nothing; give at least one name (see --list)")
    return names


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _n_jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value == 0 or value < -1:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 1, or -1 for all CPUs, got {value}"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``skseq`` command.

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="skseq",
        description="scikit-learn-compatible recurrent networks for time series.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench = sub.add_parser(
        "benchmark",
        help="benchmark RNN/LSTM/GRU against baselines on the bundled data",
        description=(
            "Grid-search recurrent networks and classical baselines on the same "
            "time-series folds of a training period, score them on a held-out "
            "test period, and write report.md, report.html, results.csv and PNG "
            "figures."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bench.add_argument(
        "--tasks",
        "--datasets",
        dest="tasks",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="tasks or groups to run (space- or comma-separated; see below)",
    )
    bench.add_argument(
        "--models",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="models or groups to run (default: all)",
    )
    bench.add_argument(
        "--out",
        default="skseq-report",
        metavar="DIR",
        help="output folder (default: skseq-report): new, empty, or one skseq "
        "wrote; checked before the run, replaced in one step at the end",
    )
    mode = bench.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick",
        dest="mode",
        action="store_const",
        const="quick",
        help="smoke run: tiny grids, few epochs, less data, 2 folds",
    )
    mode.add_argument(
        "--full",
        dest="mode",
        action="store_const",
        const="full",
        help="bigger grids (3 lookbacks, 3 sizes, 1-2 layers), up to 100 epochs, 5 folds",
    )
    # Test-only: a run of seconds on a sliver of the data.
    mode.add_argument(
        "--smoke",
        dest="mode",
        action="store_const",
        const="smoke",
        help=argparse.SUPPRESS,
    )
    bench.set_defaults(mode="default", subparser=bench)
    bench.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    bench.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=None,
        metavar="N",
        help="parallel fits per network grid search (joblib processes), each worker with "
        "1 torch thread; -1: all CPUs (default: 2, or 1 on a single CPU). The "
        "numbers do not depend on it",
    )
    bench.add_argument(
        "--threads",
        type=_positive_int,
        default=None,
        metavar="N",
        help="torch threads of the main process (default: 1; more threads make "
        "these small networks slower, and much slower on a busy machine)",
    )
    bench.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the network grid searches on a dask.distributed cluster, e.g. "
        "tcp://10.0.0.5:8786 (needs skseq[dask]; workers need skseq and torch "
        "installed); same seed, same numbers as a local run",
    )
    bench.add_argument(
        "--ticker",
        default="AAPL",
        help="ticker of the stock task, from the bundled snapshot: AAPL, IBM, "
        "MSFT, GOOG (default: AAPL)",
    )
    bench.add_argument(
        "-q",
        "--quiet",
        action="count",
        default=0,
        help="less progress: -q one line per model, -qq nothing",
    )
    bench.add_argument(
        "--list", action="store_true", help="list the tasks and models, then exit"
    )
    return parser


def _list() -> None:
    from skseq.report.registry import MODEL_GROUPS, available_model_names
    from skseq.report.tasks import DEFAULT_TASKS, GROUPS, TASKS

    print("tasks:")
    for name, task in TASKS.items():
        mark = "*" if name in DEFAULT_TASKS else " "
        print(f"  {mark} {name:12s} {task.title}")
    print("  (* = run by default)")
    print(
        "task groups: " + ", ".join(f"{k} ({' '.join(v)})" for k, v in GROUPS.items())
    )
    print("models: " + ", ".join(available_model_names()))
    print("model groups: " + ", ".join(f"{k}" for k in MODEL_GROUPS))


def _benchmark(args: argparse.Namespace, argv: list[str]) -> int:
    from joblib import cpu_count

    from skseq.datasets import SNAPSHOT_TICKERS
    from skseq.report import BenchmarkConfig, resolve_tasks, run_benchmark
    from skseq.report.output import (
        OutputFolderError,
        check_output_folder,
        publish_report,
    )
    from skseq.report.registry import resolve_models
    from skseq.report.task_models import not_run
    from skseq.report.tasks import TASKS
    from skseq.report.verdicts import forecast_verdict

    sub: argparse.ArgumentParser = args.subparser
    try:
        tasks = resolve_tasks(_split_names(args.tasks, "--tasks"))
        models = resolve_models(_split_names(args.models, "--models"))
    except ValueError as exc:
        sub.error(str(exc))
    if models is not None and all(
        len(not_run(TASKS[name], models)) == len(models) for name in tasks
    ):
        sub.error(
            f"none of the models {', '.join(models)} runs on the task(s) "
            f"{', '.join(tasks)} (forecasting and classification have different "
            "models; see --list)"
        )
    try:
        out = check_output_folder(args.out)
    except OutputFolderError as exc:
        sub.error(f"--out {args.out!r}: {exc}")
    ticker = args.ticker.upper()
    if ticker not in SNAPSHOT_TICKERS or ticker == "FB":
        sub.error(
            f"unknown ticker {args.ticker!r}; choose from AAPL, IBM, MSFT, GOOG "
            "(the bundled snapshot; FB has too short a history)"
        )
    if args.scheduler is not None:
        from skseq.report.cluster import DASK_MISSING

        try:
            import distributed  # noqa: F401
        except ImportError:
            sub.error(DASK_MISSING)
    config = BenchmarkConfig(
        tasks=tasks,
        models=models,
        mode=args.mode,
        seed=args.seed,
        n_jobs=args.n_jobs if args.n_jobs is not None else min(2, cpu_count()),
        threads=args.threads or 1,
        scheduler=args.scheduler,
        ticker=ticker,
        verbose=max(0, 2 - args.quiet),
        command="skseq " + shlex.join(argv),
    )
    t0 = time.perf_counter()
    result = run_benchmark(config)
    t_write = time.perf_counter()
    try:
        paths = publish_report(result, out)
    except (OSError, OutputFolderError) as exc:
        print(f"skseq benchmark: the report was not written: {exc}", file=sys.stderr)
        return 1
    if args.quiet < 2:
        now = time.perf_counter()
        print(
            f"\nskseq benchmark finished in {now - t0:.1f} s (writing the report "
            f"and its figures: {now - t_write:.1f} s)."
        )
        for tr in result.tasks:
            if tr.task.kind == "forecast":
                print(
                    f"  {tr.task.name}: "
                    + " ".join(forecast_verdict(tr)[:2]).replace("**", "")
                )
            else:
                best = max(tr.models, key=lambda m: m.test["accuracy"])
                print(
                    f"  {tr.task.name}: best {best.name}, test accuracy {best.test['accuracy']:.3f}"
                )
        print(
            f"report: {paths['markdown']} and {paths['html']}; numbers: {paths['csv']}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``skseq`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 2 for a usage error (unknown task, model
        or option), 130 when interrupted.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        if args.list:
            _list()
            return 0
        return _benchmark(args, argv)
    except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except KeyboardInterrupt:
        # One line, no traceback; an unfinished report is never left behind
        # (see skseq.report.output), an earlier report stays as it was.
        print("skseq: interrupted, no report written", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
