"""``skseq benchmark --scheduler`` without dask.distributed installed."""

from __future__ import annotations

import sys

import pytest

from skseq.cli import main


def test_scheduler_without_distributed_is_a_clear_usage_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    code = main(["benchmark", "--smoke", "--scheduler", "tcp://127.0.0.1:8786"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--scheduler needs dask.distributed" in err and "skseq[dask]" in err


def test_unreachable_scheduler_names_the_address():
    pytest.importorskip("distributed")
    from skseq.report.cluster import scheduler_client

    with pytest.raises(OSError, match="Could not reach the Dask scheduler"):
        with scheduler_client("tcp://127.0.0.1:9", timeout=1):
            pass
