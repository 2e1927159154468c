"""Windows that stay views through cross-validation: :class:`LazyWindows`.

A window view from :func:`skseq.make_supervised` or
:class:`skseq.SlidingWindows` costs no memory, but scikit-learn's searches
and ``cross_validate`` index every fold with an index array, and NumPy's
fancy indexing copies: a fold of 500,000 windows of 256 x 8 float32 steps
becomes 4 GB. :class:`LazyWindows` wraps the view and answers indexing with
another :class:`LazyWindows` that only records which windows it holds. When
an estimator or transformer finally asks for an array (``np.asarray``), a
contiguous run of windows (every fold of :class:`TimeSeriesWindowSplit` or
``TimeSeriesSplit``) is returned as a view of the series, without a copy;
only scattered windows (e.g. shuffled ``KFold``) are gathered into a new
array. Pickling (process pools, Dask) sends the series the windows span, not
the windows.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

__all__ = ["LazyWindows"]


def _overlapping_series(windows: np.ndarray) -> np.ndarray | None:
    """The series behind one-step overlapping windows (a view), or None."""
    n, T, F = windows.shape
    s0, s1, s2 = windows.strides
    if n < 1 or s0 != s1 or s0 == 0:
        return None
    return as_strided(windows, shape=(n + T - 1, F), strides=(s0, s2), writeable=False)


class LazyWindows:
    """A set of windows of one series that indexing never copies.

    Parameters
    ----------
    windows : ndarray of shape (n_windows, lookback, n_features)
        The windows, typically the read-only view that
        :func:`skseq.make_supervised` or :class:`skseq.SlidingWindows`
        returns (any 3-D array works).
    positions : array-like of int, optional
        The windows of ``windows`` this object holds, in order; all of them
        when omitted.

    Attributes
    ----------
    shape : tuple of int
        ``(len(positions), lookback, n_features)``.
    dtype : numpy dtype
    ndim : int
        Always 3.

    Notes
    -----
    ``X[index_array]`` (what scikit-learn's ``_safe_indexing`` does for every
    fold), ``X[slice]`` and ``X[bool_mask]`` return a :class:`LazyWindows`;
    ``X[i]`` returns window ``i`` and any other key (``X[:, -1, 0]``) indexes
    the array form. ``np.asarray(X)`` is a view when the held windows are
    consecutive, a gathered copy otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import LazyWindows, make_supervised
    >>> series = np.arange(40, dtype=np.float32).reshape(20, 2)
    >>> X, y = make_supervised(series, 0, lookback=4, min_history="full")
    >>> lazy = LazyWindows(X)
    >>> fold = lazy[np.arange(3, 10)]            # what a CV splitter asks for
    >>> type(fold).__name__, fold.shape
    ('LazyWindows', (7, 4, 2))
    >>> np.shares_memory(np.asarray(fold), X)    # a view, not a copy
    True
    """

    __array_priority__ = 1.0

    def __init__(self, windows: Any, positions: Any = None):
        if isinstance(windows, LazyWindows):
            positions = (
                windows._positions()
                if positions is None
                else windows._positions()[np.asarray(positions)]
            )
            windows = windows.windows
        windows = np.asarray(windows)
        if windows.ndim != 3:
            raise ValueError(
                "LazyWindows needs 3-D windows (n_windows, lookback, n_features), "
                f"got an array of shape {windows.shape}. Make windows with "
                "skseq.make_supervised(..., lookback=...) or skseq.SlidingWindows."
            )
        self.windows = windows
        if positions is not None:
            positions = np.asarray(positions)
            if positions.dtype.kind not in "iu" or positions.ndim != 1:
                raise ValueError(
                    "positions must be a 1-D array of window indices, got "
                    f"dtype {positions.dtype} and shape {positions.shape}."
                )
            positions = positions.astype(np.intp, copy=False)
            n = len(windows)
            if len(positions) and (positions.min() < -n or positions.max() >= n):
                raise IndexError(
                    f"positions out of range for {n} windows "
                    f"(min {positions.min()}, max {positions.max()})."
                )
            positions = np.where(positions < 0, positions + n, positions)
        self.positions = positions

    # -- array protocol ---------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int, int]:
        n = len(self.windows) if self.positions is None else len(self.positions)
        return (n, *self.windows.shape[1:])

    @property
    def ndim(self) -> int:
        return 3

    @property
    def dtype(self) -> np.dtype:
        return self.windows.dtype

    def __len__(self) -> int:
        return self.shape[0]

    def _positions(self) -> np.ndarray:
        if self.positions is None:
            return np.arange(len(self.windows))
        return self.positions

    def _as_view(self) -> np.ndarray | None:
        """The held windows as a view of ``windows``, when they are consecutive."""
        if self.positions is None:
            return self.windows
        p = self.positions
        if len(p) == 0:
            return self.windows[:0]
        first = int(p[0])
        if int(p[-1]) - first == len(p) - 1 and (len(p) < 2 or (np.diff(p) == 1).all()):
            return self.windows[first : first + len(p)]
        return None

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        view = self._as_view()
        if view is None:
            out = self.windows[self.positions]  # scattered windows: gathered
            return out if dtype is None else out.astype(dtype, copy=False)
        if copy:
            return np.array(view, dtype=dtype)
        if dtype is not None and np.dtype(dtype) != view.dtype:
            if copy is False:
                raise ValueError("converting the dtype of LazyWindows needs a copy")
            return view.astype(dtype)
        return view

    def __getitem__(self, key: Any):
        if isinstance(key, tuple) and len(key) == 2 and key[1] is Ellipsis:
            key = key[0]  # scikit-learn's _array_indexing asks for X[key, ...]
        if isinstance(key, Integral) and not isinstance(key, bool):
            return self.windows[int(self._positions()[key])]
        if isinstance(key, slice):
            if self.positions is None:
                start, stop, step = key.indices(len(self.windows))
                return LazyWindows(self.windows, np.arange(start, stop, step))
            return LazyWindows(self.windows, self.positions[key])
        if isinstance(key, (list, np.ndarray)) or hasattr(key, "__array__"):
            index = np.asarray(key)
            if index.dtype == bool or index.dtype.kind in "iu" and index.ndim == 1:
                return LazyWindows(self.windows, self._positions()[index])
        return np.asarray(self)[key]

    def __iter__(self):
        windows = self.windows
        for p in self._positions():
            yield windows[p]

    def __repr__(self) -> str:
        n, T, F = self.shape
        return f"LazyWindows({n} windows of {T} steps x {F} features, {self.dtype})"

    # -- pickling ---------------------------------------------------------------
    def __reduce__(self):
        series = _overlapping_series(self.windows)
        if series is None:
            return (LazyWindows, (np.asarray(self.windows), self.positions))
        T = self.windows.shape[1]
        return (_from_series, (np.ascontiguousarray(series), T, self.positions))


def _from_series(series: np.ndarray, lookback: int, positions) -> LazyWindows:
    """Rebuild pickled :class:`LazyWindows` from the series their windows span."""
    series.flags.writeable = False
    view = sliding_window_view(series, lookback, axis=0).transpose(0, 2, 1)
    return LazyWindows(view, positions)
