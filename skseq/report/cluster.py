"""Run the benchmark's network searches on a dask.distributed cluster.

``skseq benchmark --scheduler ADDRESS`` connects a ``distributed.Client`` to
a running scheduler and sends the fits of every network grid search there
through joblib's Dask backend; the fast baselines stay in this process. The
workers need the same Python packages as this machine (skseq, torch,
scikit-learn, skorch); each fit in a worker runs with one torch thread (the
estimators' default ``torch_threads`` policy), as the local process pool
does, so the numbers are identical to a local run with the same seed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["DASK_MISSING", "scheduler_client"]

#: Message for a missing optional dependency.
DASK_MISSING = (
    "--scheduler needs dask.distributed, which is not installed: "
    'pip install "skseq[dask]" (or: pip install dask distributed)'
)


def _client_class() -> Any:
    try:
        from distributed import Client
    except ImportError as exc:  # optional dependency
        raise ImportError(DASK_MISSING) from exc
    return Client


@contextlib.contextmanager
def scheduler_client(address: str | None, timeout: float = 30.0) -> Iterator[Any]:
    """Connect to a Dask scheduler for the duration of a block.

    Parameters
    ----------
    address : str or None
        Scheduler address, e.g. ``"tcp://10.0.0.5:8786"``; None yields None
        and connects to nothing.
    timeout : float, default=30.0
        Seconds to wait for the scheduler.

    Yields
    ------
    distributed.Client or None
        The client, which joblib's ``"dask"`` backend uses while it is open.

    Raises
    ------
    ImportError
        When dask.distributed is not installed.
    OSError
        When the scheduler cannot be reached within ``timeout``.
    """
    if address is None:
        yield None
        return
    Client = _client_class()
    try:
        client = Client(address, timeout=timeout, set_as_default=True)
    except (OSError, TimeoutError) as exc:
        raise OSError(
            f"Could not reach the Dask scheduler at {address!r} within "
            f"{timeout:.0f} s: {exc}. Start one with `dask scheduler` and "
            "workers with `dask worker ADDRESS --nthreads 1`, or check the address."
        ) from exc
    try:
        yield client
    finally:
        client.close()
