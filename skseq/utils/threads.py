"""Torch thread counts for fit and predict that never oversubscribe the cores.

PyTorch starts one intra-op thread per core in every process. A grid search
with ``n_jobs=2`` on two cores then runs four threads on two cores, and small
recurrent networks, which synchronise their threads at every time step, run
several times slower. The estimators' ``torch_threads`` parameter picks the
thread count for the duration of one ``fit`` or ``predict`` and restores the
previous count afterwards; :func:`default_torch_threads` is the policy behind
its default (None).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from numbers import Integral
from typing import TypeVar

import torch
from joblib import cpu_count
from sklearn.utils._param_validation import Interval, validate_parameter_constraints

__all__ = [
    "TORCH_THREADS_CONSTRAINT",
    "default_torch_threads",
    "in_dask_worker",
    "limit_torch_threads",
    "torch_threads",
]

#: ``_parameter_constraints`` entry of the estimators' ``torch_threads``.
TORCH_THREADS_CONSTRAINT = [Interval(Integral, 1, None, closed="left"), None]

# torch's thread count is global to the process. Estimators fitted at the
# same time in several threads of one process (joblib's threading backend, a
# Dask worker running several tasks) share it: the first one in saves the
# count, the last one out restores it, so the count is never left changed.
_lock = threading.Lock()
_active = 0
_saved: int | None = None


def in_dask_worker() -> bool:
    """Whether this code runs inside a ``dask.distributed`` worker."""
    if "distributed" not in sys.modules:  # never import dask just to ask
        return False
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=1)
def _cores() -> int:
    # joblib reads the cgroup quota from files: about 1 ms, too slow to ask
    # at every predict call, and fixed for the life of a process.
    return cpu_count()


def _in_loky_worker() -> bool:
    from joblib.externals.loky import process_executor

    return process_executor._CURRENT_DEPTH > 0


def _env_thread_limit() -> int | None:
    """``OMP_NUM_THREADS``, which joblib sets to ``cores // n_jobs`` in workers."""
    value = os.environ.get("OMP_NUM_THREADS", "")
    try:
        return max(1, int(value))
    except ValueError:
        return None


def default_torch_threads() -> int:
    """Torch threads for one fit or predict when ``torch_threads=None``.

    The policy keeps (parallel workers) x (threads per worker) within the
    cores:

    * inside a Dask worker, or in any thread other than the main one
      (joblib's threading backend, a thread pool): 1, since the tasks running
      beside it share the process' thread count and the cores;
    * inside a joblib (loky) process worker: the ``OMP_NUM_THREADS`` joblib
      gives its workers, ``cores // n_jobs`` (or ``inner_max_num_threads``);
    * otherwise: the cores available to this process (CPU affinity and
      container quotas counted, as :func:`joblib.cpu_count` sees them),
      capped by ``OMP_NUM_THREADS`` when set.

    It never exceeds torch's current count, so a lower
    ``torch.set_num_threads`` set by the user is kept.

    Returns
    -------
    int
        At least 1.
    """
    current = torch.get_num_threads()
    if current == 1:  # nothing to lower (and predict asks at every call)
        return 1
    if in_dask_worker() or threading.current_thread() is not threading.main_thread():
        return 1
    limit = _cores()
    env = _env_thread_limit()
    if env is not None:
        limit = min(limit, env)
    elif _in_loky_worker():  # a worker started without the variable
        limit = 1
    return max(1, min(current, limit))


def _enter(n: int) -> None:
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = torch.get_num_threads()
        _active += 1
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)


def _exit() -> None:
    global _active, _saved
    with _lock:
        _active -= 1
        if _active == 0 and _saved is not None:
            if torch.get_num_threads() != _saved:
                torch.set_num_threads(_saved)
            _saved = None


@contextlib.contextmanager
def torch_threads(n: int | None = None) -> Iterator[int]:
    """Run a block with ``n`` torch threads, then restore the previous count.

    Parameters
    ----------
    n : int or None, default=None
        Threads for the block; None applies :func:`default_torch_threads`.

    Yields
    ------
    int
        The thread count in effect inside the block.

    Examples
    --------
    >>> import torch
    >>> from skseq.utils.threads import torch_threads
    >>> before = torch.get_num_threads()
    >>> with torch_threads(1) as n:
    ...     torch.get_num_threads() == n == 1
    True
    >>> torch.get_num_threads() == before
    True
    """
    n = default_torch_threads() if n is None else int(n)
    _enter(n)
    try:
        yield n
    finally:
        _exit()


Method = TypeVar("Method", bound=Callable)


def limit_torch_threads(method: Method) -> Method:
    """Decorate an estimator method to run under its ``torch_threads``.

    The parameter is validated first (scikit-learn's
    ``InvalidParameterError`` naming it), so a bad value never reaches torch.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        value = getattr(self, "torch_threads", None)
        if value is not None:  # None, the default, needs no check (fast predict)
            validate_parameter_constraints(
                {"torch_threads": TORCH_THREADS_CONSTRAINT},
                {"torch_threads": value},
                caller_name=type(self).__name__,
            )
        # torch_threads() without the context manager's overhead: predict on
        # one window passes here at every call.
        _enter(default_torch_threads() if value is None else int(value))
        try:
            return method(self, *args, **kwargs)
        finally:
            _exit()

    return wrapper
