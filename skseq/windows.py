"""Windowing transformers and supervised framing for time series.

Three transformers and one function turn a time series (a 2-D frame, one row
per time step) into what the estimators and the classical regressors learn
from:

* :class:`SlidingWindows`: frame ``(n_timesteps, n_features)`` -> windows
  ``(n_timesteps, lookback, n_features)``, one window per row, causal.
* :class:`FlattenWindows`: windows -> 2-D ``(n, lookback * n_features)`` so any
  scikit-learn regressor runs on the very same windows.
* :class:`SequenceScaler`: per-feature standard scaling of windows that ignores
  the NaN front padding.
* :func:`make_supervised`: aligned ``(X, y)`` for h-step-ahead forecasting.

Memory
------
Windows are never materialised. :class:`SlidingWindows` makes one padded float
copy of the series (``O(n_timesteps * n_features)``) and returns a strided,
**read-only** view of it (:func:`numpy.lib.stride_tricks.sliding_window_view`):
all 256-step windows of a 1,000,000 x 8 float32 series cost 32 MB instead of
the 8 GB of a copy. Contiguous slices (``X[a:b]``) keep it a view; fancy
indexing (``X[[0, 5, 9]]``, boolean masks) copies the selected windows.

Leakage rule
------------
The window at row ``t`` holds rows ``t - lookback + 1 .. t`` of the frame and
nothing later. :func:`make_supervised` pairs it with targets at
``t + 1 .. t + horizon``, strictly after ``t``.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Sequence
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import as_strided, sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted, validate_data

from skseq.base import SequenceEstimatorMixin
from skseq.utils.time_index import check_time_index
from skseq.utils.validation import _is_ragged_list

__all__ = ["FlattenWindows", "SequenceScaler", "SlidingWindows", "make_supervised"]

# About 1M elements (8 MB of float64) per chunk when computing statistics.
_CHUNK_ELEMENTS = 1_000_000

_SET_OUTPUT_CHOICES = (None, "default", "pandas", "polars")


def _float_dtype(dtype: np.dtype) -> np.dtype:
    """float32 stays float32, float64 stays float64, integers become float."""
    return np.result_type(dtype, np.float32)


def _window_view(series: np.ndarray, lookback: int) -> np.ndarray:
    """Read-only windows ``(n, lookback, f)`` over a front-padded copy of ``series``.

    ``series`` is 2-D ``(n, f)``. Row ``t`` of the result holds rows
    ``t - lookback + 1 .. t``; missing early rows are NaN.
    """
    n, n_features = series.shape
    padded = np.full(
        (n + lookback - 1, n_features), np.nan, dtype=_float_dtype(series.dtype)
    )
    padded[lookback - 1 :] = series
    # sliding_window_view puts the window axis last: (n, f, lookback).
    return sliding_window_view(padded, lookback, axis=0).transpose(0, 2, 1)


def _no_pandas_output(self, *, transform: str | None = None):
    """Accept ``set_output`` for Pipeline compatibility; the output stays NumPy.

    A pandas (or polars) DataFrame cannot hold 3-D windows, so this
    transformer always returns a NumPy array. The call is accepted so that
    ``Pipeline.set_output(transform="pandas")`` works for the 2-D steps after
    it (e.g. :class:`FlattenWindows`).

    Parameters
    ----------
    transform : {"default", "pandas", "polars"} or None
        Recorded, but the output is always a NumPy array.

    Returns
    -------
    self : estimator instance
    """
    if transform not in _SET_OUTPUT_CHOICES:
        raise ValueError(
            f"transform must be one of 'default', 'pandas', 'polars' or None, "
            f"got {transform!r}."
        )
    if transform is not None:
        self._sklearn_output_config = {"transform": transform}
    return self


def _as_series(X: Any) -> Any:
    """A pandas Series is a single feature: make it a one-column frame."""
    if isinstance(X, pd.Series):
        return X.to_frame()
    return X


def _array_like(X: Any) -> Any:
    """Turn array-likes without ``ndim`` (but not lists of sequences) into arrays."""
    if isinstance(X, (list, tuple, pd.DataFrame)) or hasattr(X, "ndim"):
        return X
    return np.asarray(X)


class SlidingWindows(
    SequenceEstimatorMixin,
    TransformerMixin,
    BaseEstimator,
    auto_wrap_output_keys=None,
):
    """Turn a time series into one causal window per time step.

    Row ``t`` of the output holds rows ``t - lookback + 1 .. t`` of the input
    (oldest first). The first ``lookback - 1`` windows reach before the start
    of the series: their missing rows are NaN (front padding), which the
    skseq estimators read as a shorter sequence. The number of rows is
    preserved, so a target ``y`` stays aligned inside a
    :class:`~sklearn.pipeline.Pipeline`.

    The transformer is stateless: ``fit`` only records the number (and names)
    of the features.

    Parameters
    ----------
    lookback : int
        Number of time steps per window (>= 1).

    Attributes
    ----------
    n_features_in_ : int
        Number of features (columns) seen in fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen in fit; only when they are all strings.

    See Also
    --------
    make_supervised : Windows aligned with h-step-ahead targets.
    FlattenWindows : Windows -> 2-D for any scikit-learn regressor.

    Notes
    -----
    **Memory.** ``transform`` copies the series once into a NaN-padded float
    array (float32 input stays float32, integers become float) and returns a
    strided view of it made with
    :func:`numpy.lib.stride_tricks.sliding_window_view`. The view is
    **read-only** (``result.flags.writeable`` is False) and costs
    ``O(n_timesteps * n_features)`` memory, not
    ``O(n_timesteps * lookback * n_features)``. Slicing it with a slice keeps a
    view; fancy indexing copies the selected windows. Call ``.copy()`` if you
    need a writeable array (and have the memory).

    **Output container.** The output is 3-D, which a pandas DataFrame cannot
    hold: it is always a NumPy array. ``set_output(transform="pandas")`` is
    accepted (so that ``Pipeline.set_output`` works for the 2-D steps that
    follow) but does not change it.

    **Causality.** Window ``t`` never depends on rows after ``t``: changing the
    future leaves it unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.windows import SlidingWindows
    >>> X = np.arange(5.0).reshape(-1, 1)
    >>> W = SlidingWindows(lookback=3).fit_transform(X)
    >>> W.shape
    (5, 3, 1)
    >>> W[:, :, 0]
    array([[nan, nan,  0.],
           [nan,  0.,  1.],
           [ 0.,  1.,  2.],
           [ 1.,  2.,  3.],
           [ 2.,  3.,  4.]])
    """

    # It takes one series (n_timesteps, n_features), not windows; NaN in the
    # series passes into the windows.
    _sequence_input = False
    _nan_passthrough = True
    _parameter_constraints: dict = {
        "lookback": [Interval(numbers.Integral, 1, None, closed="left")]
    }

    def __init__(self, lookback: int):
        self.lookback = lookback

    def _validate(self, X: Any, *, reset: bool) -> np.ndarray:
        X = _array_like(_as_series(X))
        ndim = X.ndim if hasattr(X, "ndim") else np.ndim(X)
        if ndim != 2:
            raise ValueError(
                f"SlidingWindows expects a 2-D frame (n_timesteps, n_features), "
                f"got {ndim}-D input of shape {np.shape(X)}. Pass one series: a "
                "DataFrame, a Series or a 2-D array. Reshape your data with "
                "X.reshape(-1, 1) if it is a single feature. Data that is already "
                "windowed does not need SlidingWindows."
            )
        return validate_data(
            self,
            X,
            reset=reset,
            dtype="numeric",
            ensure_all_finite="allow-nan",
            copy=False,
        )

    def fit(self, X: Any, y: Any = None) -> SlidingWindows:
        """Record the number and names of the features.

        Parameters
        ----------
        X : DataFrame, Series or array-like of shape (n_timesteps, n_features)
            The time series, one row per time step, oldest first.
        y : None
            Ignored.

        Returns
        -------
        self : SlidingWindows
        """
        self._validate_params()
        self._validate(X, reset=True)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Return one window per row, as a read-only strided view.

        Parameters
        ----------
        X : DataFrame, Series or array-like of shape (n_timesteps, n_features)
            The time series, one row per time step, oldest first.

        Returns
        -------
        windows : ndarray of shape (n_timesteps, lookback, n_features)
            Read-only view; ``windows[t]`` holds rows ``t - lookback + 1 .. t``
            with NaN for rows before the start of ``X``.
        """
        self._validate_params()  # stateless: transform may come without fit
        X = self._validate(X, reset=False)
        return _window_view(X, int(self.lookback))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the features along the last axis of the windows.

        The output is 3-D; these are the per-time-step feature names (the
        input's), which :class:`FlattenWindows` turns into lag names.

        Parameters
        ----------
        input_features : array-like of str or None
            Input feature names; defaults to ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self, "n_features_in_")
        return _feature_names(self, input_features, self.n_features_in_)

    set_output = _no_pandas_output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


def _feature_names(est: Any, input_features: Any, n_features: int) -> np.ndarray:
    if input_features is not None:
        names = np.asarray(input_features, dtype=object)
        if names.ndim != 1 or len(names) != n_features:
            raise ValueError(
                f"input_features should have length {n_features} (the number of "
                f"features per time step), got {len(np.atleast_1d(names))}."
            )
        known = getattr(est, "feature_names_in_", None)
        if known is not None and not np.array_equal(known, names):
            raise ValueError("input_features is not equal to feature_names_in_.")
        return names.astype(str).astype(object)
    known = getattr(est, "feature_names_in_", None)
    if known is not None:
        return np.asarray(known, dtype=object)
    return np.asarray([f"x{i}" for i in range(n_features)], dtype=object)


class FlattenWindows(SequenceEstimatorMixin, TransformerMixin, BaseEstimator):
    """Flatten 3-D windows into 2-D rows for any scikit-learn estimator.

    ``(n, lookback, n_features)`` becomes ``(n, lookback * n_features)`` with
    the time steps in order (oldest first) and, within a time step, the
    features in order. Column ``feature_lag{k}`` is the feature ``k`` steps
    before the end of the window (``lag0`` is the newest row, time ``t``).

    With it, a Ridge or gradient-boosting regressor learns from exactly the
    windows a recurrent network sees, on the same folds.

    Parameters
    ----------
    feature_names : sequence of str or None, default=None
        Names of the features per time step, used for the output column names
        (``f"{name}_lag{k}"``). 3-D NumPy windows carry no names, so pass the
        frame's columns here; defaults to ``x0, x1, ...``.

    Attributes
    ----------
    n_features_in_ : int
        Number of features per time step seen in fit.
    n_timesteps_in_ : int
        Number of time steps per window seen in fit.

    Notes
    -----
    * The NaN front padding of early windows stays NaN.
      :class:`~sklearn.ensemble.HistGradientBoostingRegressor` handles it;
      :class:`~sklearn.linear_model.Ridge` and most other estimators do not:
      give them only full windows (``make_supervised(...,
      min_history="full")``) or put an imputer after this step.
    * On a :class:`SlidingWindows` view the flattened result is again a view
      (no copy): the time and feature axes of a window are adjacent in memory.
      The estimator that follows may still copy it.
    * 2-D input ``(n, n_timesteps)`` is read as univariate windows and is
      returned unchanged in shape.
    * Supports ``set_output(transform="pandas")``. A DataFrame cannot be a
      view of overlapping windows: pandas output materialises all
      ``n * lookback * n_features`` values.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.windows import FlattenWindows
    >>> W = np.arange(12.0).reshape(2, 3, 2)
    >>> ft = FlattenWindows(feature_names=["a", "b"]).fit(W)
    >>> ft.transform(W).shape
    (2, 6)
    >>> list(ft.get_feature_names_out())
    ['a_lag2', 'b_lag2', 'a_lag1', 'b_lag1', 'a_lag0', 'b_lag0']
    """

    # NaN (front padding or not) is flattened as it is.
    _nan_passthrough = True
    _parameter_constraints: dict = {"feature_names": ["array-like", None]}

    def __init__(self, feature_names: Sequence[str] | None = None):
        self.feature_names = feature_names

    def fit(self, X: Any, y: Any = None) -> FlattenWindows:
        """Record the window shape.

        Parameters
        ----------
        X : array-like of shape (n_samples, lookback, n_features) or (n_samples, lookback)
            Windows, e.g. from :class:`SlidingWindows`.
        y : None
            Ignored.

        Returns
        -------
        self : FlattenWindows
        """
        self._validate_params()
        X = self._validate_windows(_array_like(X), reset=True)
        self.n_timesteps_in_ = X.shape[1]
        if self.feature_names is not None and len(self.feature_names) != X.shape[2]:
            raise ValueError(
                f"feature_names has {len(self.feature_names)} names but the "
                f"windows have {X.shape[2]} features per time step."
            )
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Flatten the windows.

        Parameters
        ----------
        X : array-like of shape (n_samples, lookback, n_features) or (n_samples, lookback)
            Windows with the shape seen in fit.

        Returns
        -------
        ndarray of shape (n_samples, lookback * n_features)
            A view of ``X`` where NumPy can reshape without copying.
        """
        check_is_fitted(self, "n_features_in_")
        X = self._validate_windows(_array_like(X), reset=False)
        n, n_timesteps, n_features = X.shape
        if (n_timesteps, n_features) != (self.n_timesteps_in_, self.n_features_in_):
            raise ValueError(
                f"X has windows of shape ({n_timesteps}, {n_features}) (time steps, "
                f"features), but FlattenWindows was fitted on windows of shape "
                f"({self.n_timesteps_in_}, {self.n_features_in_})."
            )
        return X.reshape(n, n_timesteps * n_features)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Output names ``f"{feature}_lag{k}"``, oldest step first.

        Parameters
        ----------
        input_features : array-like of str or None
            Per-time-step feature names (``n_features_in_`` of them); defaults
            to ``feature_names`` or ``x0, x1, ...``.

        Returns
        -------
        ndarray of str of shape (n_timesteps_in_ * n_features_in_,)
        """
        check_is_fitted(self, "n_features_in_")
        if input_features is None and self.feature_names is not None:
            input_features = list(self.feature_names)
        base = _feature_names(self, input_features, self.n_features_in_)
        T = self.n_timesteps_in_
        return np.asarray(
            [f"{name}_lag{T - 1 - j}" for j in range(T) for name in base],
            dtype=object,
        )


class _Moments:
    """Weighted, NaN-ignoring per-column mean and variance, chunk by chunk.

    Chunks are merged with Chan et al.'s pairwise update, so one pass over the
    data suffices and each chunk is the only float64 temporary.
    """

    def __init__(self, n_columns: int):
        self.count = np.zeros(n_columns)
        self.mean = np.zeros(n_columns)
        self.m2 = np.zeros(n_columns)

    def update(self, block: np.ndarray, weights: np.ndarray | None = None) -> None:
        block = np.asarray(block, dtype=np.float64)
        if np.isinf(block).any():
            raise ValueError(
                "Input X contains infinity for SequenceScaler. Replace or clip "
                "infinite values first."
            )
        finite = ~np.isnan(block)
        w = finite.astype(np.float64)
        if weights is not None:
            w *= weights[:, None]
        values = np.where(finite, block, 0.0)
        count = w.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count > 0, (w * values).sum(axis=0) / count, 0.0)
        m2 = (w * (values - mean) ** 2).sum(axis=0)
        total = self.count + count
        with np.errstate(invalid="ignore", divide="ignore"):
            delta = mean - self.mean
            frac = np.where(total > 0, count / total, 0.0)
            self.mean = self.mean + delta * frac
            self.m2 = self.m2 + m2 + delta**2 * self.count * frac
        self.count = total

    @property
    def var(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 0, self.m2 / self.count, 0.0)


def _underlying_series(X: np.ndarray) -> np.ndarray | None:
    """The series behind overlapping one-step windows, or None.

    If consecutive windows start one row apart in memory
    (``X.strides[0] == X.strides[1]``, as for :class:`SlidingWindows` output
    and contiguous slices of it), then ``X[i, j] == S[i + j]`` for the series
    ``S`` of shape ``(n + T - 1, F)`` that the windows span, and every row of
    ``S`` lies inside ``X``'s memory. Returns that read-only ``S``.
    """
    n, T, F = X.shape
    if n < 2 or T < 2 or X.strides[0] != X.strides[1] or X.strides[0] == 0:
        return None
    return as_strided(
        X, shape=(n + T - 1, F), strides=(X.strides[0], X.strides[2]), writeable=False
    )


def window_moments(X3: np.ndarray) -> _Moments:
    """Per-feature NaN-ignoring moments of validated 3-D windows.

    Every window's copy of a row counts (see :class:`SequenceScaler`); the
    overlapping windows of a series are read through the series itself, so a
    window view is never copied.
    """
    n, T, F = X3.shape
    moments = _Moments(F)
    series = _underlying_series(X3)
    if series is not None:
        rows = max(1, _CHUNK_ELEMENTS // F)
        for a in range(0, series.shape[0], rows):
            b = min(a + rows, series.shape[0])
            moments.update(series[a:b], _window_weights(a, b, n, T))
    else:
        per = max(1, _CHUNK_ELEMENTS // max(1, T * F))
        for a in range(0, n, per):
            moments.update(X3[a : a + per].reshape(-1, F))
    return moments


def _window_weights(start: int, stop: int, n: int, T: int) -> np.ndarray:
    """How many of ``n`` windows of length ``T`` contain series rows start..stop-1."""
    r = np.arange(start, stop)
    return np.minimum.reduce(
        [r + 1, np.full_like(r, T), np.full_like(r, n), n + T - 1 - r]
    ).astype(np.float64)


class SequenceScaler(SequenceEstimatorMixin, TransformerMixin, BaseEstimator):
    """Standardise windows per feature, ignoring the NaN front padding.

    Each feature is scaled with the mean and standard deviation over all
    observed (non-NaN) values of that feature in the training windows. Padding
    stays NaN. Fit it on training data only; inside a
    :class:`~sklearn.pipeline.Pipeline` that is automatic under
    cross-validation and :func:`skseq.model_selection.backtest`.

    Parameters
    ----------
    with_mean : bool, default=True
        Centre the data.
    with_std : bool, default=True
        Scale the data to unit variance.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features_in_,)
        Per-feature mean (0 when ``with_mean=False``).
    var_ : ndarray of shape (n_features_in_,)
        Per-feature variance.
    scale_ : ndarray of shape (n_features_in_,)
        Per-feature scale (the standard deviation; 1 for constant features
        and when ``with_std=False``).
    n_features_in_ : int
        Number of features per time step seen in fit.

    Notes
    -----
    * 3-D input ``(n, T, F)`` is scaled per feature; 2-D input ``(n, T)`` is
      univariate windows (one feature) and keeps its 2-D shape.
    * Statistics are computed in chunks of about a million values, so no
      float64 copy of a large window view is ever made.
    * **Overlapping windows.** When consecutive windows start one row apart in
      memory (a :class:`SlidingWindows` view or a contiguous slice of it), the
      windows are read as the series they span: ``fit`` computes the same
      statistics from that series with each row weighted by the number of
      windows containing it, and ``transform`` / ``inverse_transform`` scale
      the series once and return a read-only window view of the result. Both
      are ``O(n_timesteps)`` instead of ``O(n_timesteps * lookback)`` in time
      and memory. Other input is scaled into a new array of the same shape.
    * The output is NumPy (3-D cannot be a DataFrame); ``set_output`` is
      accepted for Pipeline compatibility but does not change it.
    * The mean and variance include every window's copy of a row: a row that
      appears in ``lookback`` windows counts ``lookback`` times, the first
      rows of the series fewer times. For long series this is the series'
      mean and variance up to edge effects.
    """

    # NaN is ignored by the statistics and stays NaN.
    _nan_passthrough = True
    _parameter_constraints: dict = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, with_mean: bool = True, with_std: bool = True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X: Any, y: Any = None) -> SequenceScaler:
        """Compute per-feature mean and standard deviation, ignoring NaN.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Training windows.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
        """
        self._validate_params()
        X3 = self._validate_windows(_array_like(X), reset=True)
        n, T, F = X3.shape
        moments = window_moments(X3)
        self.n_samples_seen_ = n
        self.var_ = moments.var
        self.mean_ = moments.mean if self.with_mean else np.zeros(F)
        if self.with_std:
            scale = np.sqrt(self.var_)
            # Constant (or unobserved) features: leave them unscaled.
            eps = 10 * np.finfo(np.float64).eps
            scale[(scale == 0) | (scale < eps * np.abs(moments.mean))] = 1.0
            self.scale_ = scale
        else:
            self.scale_ = np.ones(F)
        return self

    def _apply(self, X: Any, inverse: bool) -> np.ndarray:
        check_is_fitted(self, "mean_")
        X = _array_like(X)
        was_2d = not _is_ragged_list(X) and np.ndim(X) == 2
        X3 = self._validate_windows(X, reset=False)
        n, T, F = X3.shape
        dtype = _float_dtype(X3.dtype)
        mean, scale = self.mean_, self.scale_

        def scaled(block: np.ndarray) -> np.ndarray:
            block = np.asarray(block, dtype=np.float64)
            res = block * scale + mean if inverse else (block - mean) / scale
            return res.astype(dtype, copy=False)

        series = _underlying_series(X3)
        if series is not None:
            out_series = np.empty(series.shape, dtype=dtype)
            rows = max(1, _CHUNK_ELEMENTS // F)
            for a in range(0, series.shape[0], rows):
                out_series[a : a + rows] = scaled(series[a : a + rows])
            out = sliding_window_view(out_series, T, axis=0).transpose(0, 2, 1)
        else:
            out = np.empty(X3.shape, dtype=dtype)
            per = max(1, _CHUNK_ELEMENTS // max(1, T * F))
            for a in range(0, n, per):
                out[a : a + per] = scaled(X3[a : a + per])
        return out[:, :, 0] if was_2d else out

    def transform(self, X: Any) -> np.ndarray:
        """Scale windows: ``(X - mean_) / scale_`` per feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Windows.

        Returns
        -------
        ndarray of the same shape
            float32 input stays float32. A read-only view for overlapping
            window input (see Notes), a new array otherwise.
        """
        return self._apply(X, inverse=False)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Undo the scaling: ``X * scale_ + mean_`` per feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Scaled windows.

        Returns
        -------
        ndarray of the same shape
        """
        return self._apply(X, inverse=True)

    set_output = _no_pandas_output


def _positions(n: int, horizon: int, start: int, dropna_tail: bool) -> np.ndarray:
    stop = n - horizon if dropna_tail else n
    return np.arange(start, max(start, stop))


_STEPS = Interval(Integral, 1, None, closed="left")


@validate_params(
    {
        "frame": ["array-like"],
        "target": [Hashable],
        "horizon": [_STEPS],
        "lookback": [_STEPS, None],
        "features": ["array-like", None],
        "dropna": ["boolean"],
        "min_history": [_STEPS, StrOptions({"full"})],
        "return_index": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_supervised(
    frame: pd.DataFrame | pd.Series | np.ndarray,
    target: Hashable,
    horizon: int = 1,
    lookback: int | None = None,
    *,
    features: Sequence[Hashable] | None = None,
    dropna: bool = True,
    min_history: int | Literal["full"] = 1,
    return_index: bool = False,
    series: Hashable | None = None,
    known_future: Sequence[Hashable] | None = None,
) -> tuple[Any, Any] | tuple[Any, Any, Any]:
    """Align features at time ``t`` with the target at ``t+1 .. t+horizon``.

    Sample ``i`` is a forecast origin: a time step ``t`` of ``frame``.

    * ``X[i]`` holds the features at ``t`` (2-D, ``lookback=None``) or the
      window of rows ``t - lookback + 1 .. t`` (3-D, a :class:`SlidingWindows`
      view). Never a row after ``t``.
    * ``y[i]`` holds the target at ``t + 1 .. t + horizon``: strictly after
      ``t``. With ``horizon=1`` it is 1-D.

    Rows ``t`` whose targets run past the end of the series (the last
    ``horizon`` rows) or are missing are dropped (``dropna=True``).

    Parameters
    ----------
    frame : DataFrame, Series or ndarray of shape (n_timesteps, n_features)
        The time series, one row per time step, oldest first. A pandas time
        index (datetime, period, numeric, or date strings from a CSV read
        without ``parse_dates``) must be strictly increasing: a newest-first,
        unsorted or duplicated index is refused (it would create look-ahead).
    target : column label, or int column position for an ndarray
        The column to forecast. Numeric (regression) or labels
        (classification, e.g. tomorrow's weather type); ``y`` keeps its dtype.
    horizon : int, default=1
        Number of steps ahead; ``y`` has one column per step.
    lookback : int or None, default=None
        If given, ``X`` is 3-D windows ``(n_samples, lookback, n_features)``;
        otherwise ``X`` is the 2-D feature frame at ``t``.
    features : sequence of column labels (or int positions) or None
        The feature columns. Defaults to all columns, the target included (its
        own past is usually the best feature). Their order is the feature
        order in ``X``.
    dropna : bool, default=True
        Drop rows whose targets are missing (past the end of the series or
        NaN). With ``False`` every row is kept and missing targets are NaN
        (integer targets then become float). NaN in the *features* is never
        dropped here: impute it, or rely on front padding.
    min_history : int or "full", default=1
        With ``lookback``, keep only windows holding at least this many
        observed rows: ``1`` keeps the early, NaN-padded windows (for the
        skseq estimators and HistGradientBoosting); ``"full"`` (=
        ``lookback``) keeps full windows only (for Ridge and other estimators
        that reject NaN), dropping the first ``lookback - 1`` rows.
    return_index : bool, default=False
        Also return the forecast origins (the time ``t`` of each sample): the
        frame's index labels for pandas input, integer positions otherwise.
    series : column label or None, default=None
        Many series (a panel): the column of a long frame that names the
        series of each row. A frame with a two-level ``(series, time)``
        MultiIndex, or a dict ``{series_id: frame}``, is a panel without it.
        Windows are cut from each series alone (never mixing two series),
        the series' integer code (its position in ``y.index.levels[0]``) is
        appended as the *last* feature column (declare it in
        ``categorical_features=[-1]`` of the estimators), samples are sorted
        by origin time and then series, and ``y`` is indexed by
        ``(series, origin)``. Requires ``lookback``.
    known_future : sequence of column labels (or int positions) or None
        Columns whose values are known in advance over the horizon (calendar
        features, planned events, weather forecasts). For each such column
        ``c`` and step ``h``, a feature ``f"{c}_t+{h}"`` holding ``c`` shifted
        ``h`` steps back is appended after ``features`` (column-major: all
        steps of the first column, then the next), so the row at the origin
        ``t`` carries ``c`` at ``t + 1 .. t + horizon``. No other column
        reaches past ``t``.

    Returns
    -------
    X : DataFrame, ndarray of shape (n_samples, n_features) or ndarray of shape (n_samples, lookback, n_features)
        A DataFrame (indexed by ``t``) for pandas input without ``lookback``;
        a read-only window view with ``lookback`` (a view as long as the kept
        rows are contiguous, i.e. no NaN target in the middle of the series).
    y : Series, DataFrame or ndarray
        For pandas input a Series (``horizon=1``) or DataFrame named
        ``f"{target}_t+{h}"``, indexed by the origin ``t`` (so forecasts can
        be dated); the target of step ``h`` belongs to ``t + h``. For ndarray
        input an ndarray of shape (n_samples,) or (n_samples, horizon).
    index : Index or ndarray of int, only if ``return_index``
        The forecast origin of each sample.

    Raises
    ------
    InvalidParameterError
        A parameter of the wrong type or range (``horizon < 1``,
        ``lookback=0``...), naming it; a subclass of ValueError and TypeError.
    ValueError
        Unknown target/feature columns, a newest-first, unsorted or
        duplicated time index (see :func:`skseq.utils.time_index.check_time_index`),
        or no sample left.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.windows import make_supervised
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0]},
    ...                   index=pd.date_range("2024-01-01", periods=5))
    >>> X, y = make_supervised(df, "y", horizon=2)
    >>> y
                y_t+1  y_t+2
    2024-01-01    2.0    3.0
    2024-01-02    3.0    4.0
    2024-01-03    4.0    5.0
    """
    horizon = int(horizon)
    lookback = None if lookback is None else int(lookback)
    if _is_panel(frame, series):
        return _make_supervised_panel(
            frame,
            target,
            horizon,
            lookback,
            features=features,
            dropna=dropna,
            min_history=min_history,
            return_index=return_index,
            series=series,
            known_future=known_future,
        )
    if known_future is not None:
        frame, features = _with_known_future(
            frame, target, horizon, features, known_future
        )
    is_pandas = isinstance(frame, (pd.DataFrame, pd.Series))
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if is_pandas:
        check_time_index(frame.index)
        if target not in frame.columns:
            raise ValueError(
                f"target {target!r} is not a column of the frame; columns are "
                f"{list(frame.columns)}."
            )
        cols = list(frame.columns) if features is None else list(features)
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"features {missing} are not columns of the frame.")
        target_col = frame[target]
        if isinstance(target_col, pd.DataFrame):
            raise ValueError(f"target {target!r} names more than one column.")
        feat = frame[cols]
    else:
        arr = np.asarray(frame)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise ValueError(
                f"frame must be 2-D (n_timesteps, n_features), got {arr.ndim}-D "
                f"input of shape {arr.shape}."
            )
        if not isinstance(target, (int, np.integer)) or not (
            -arr.shape[1] <= target < arr.shape[1]
        ):
            raise ValueError(
                f"For an ndarray frame, target must be an int column position in "
                f"[0, {arr.shape[1]}), got {target!r}."
            )
        target_col = arr[:, target]
        feat = arr if features is None else arr[:, list(features)]
    n = len(target_col)

    if min_history == "full":
        min_hist = lookback if lookback is not None else 1
    else:
        min_hist = int(min_history)
        if lookback is not None and min_hist > lookback:
            raise ValueError(
                f"min_history={min_hist} exceeds lookback={lookback}; use "
                "min_history='full' for full windows only."
            )
        if lookback is None:
            min_hist = 1
    pos = _positions(n, horizon, min_hist - 1, dropna_tail=dropna)

    # Target matrix: column h-1 is the target at t + h, by position (keeps dtype).
    steps = range(1, horizon + 1)
    if is_pandas:
        if dropna:
            cols_y = [target_col.iloc[pos + h].array for h in steps]
        else:
            cols_y = [target_col.shift(-h).iloc[pos].array for h in steps]
        names = [f"{target}_t+{h}" for h in steps]
        origin = frame.index[pos]
        y = pd.DataFrame(
            {
                name: pd.Series(c, index=origin)
                for name, c in zip(names, cols_y, strict=True)
            },
            index=origin,
        )
        missing_y = y.isna().any(axis=1).to_numpy()
    else:
        if dropna:
            ymat = np.stack([target_col[pos + h] for h in steps], axis=1)
        else:
            ymat = np.full(
                (len(pos), horizon),
                np.nan,
                dtype=np.result_type(target_col.dtype, np.float64)
                if target_col.dtype.kind in "biuf"
                else object,
            )
            for h in steps:
                ok = pos + h < n
                ymat[ok, h - 1] = target_col[pos[ok] + h]
        missing_y = pd.isna(ymat).any(axis=1)
        y = ymat
        origin = pos

    if dropna and missing_y.any():
        keep = ~missing_y
        pos = pos[keep]
        y = y.iloc[keep] if is_pandas else y[keep]
        origin = origin[keep]
    if len(pos) == 0:
        raise ValueError(
            f"No sample left: the series has {n} rows, and horizon={horizon}"
            + (f" with min_history={min_hist}" if lookback is not None else "")
            + " leaves none with a full target."
        )

    contiguous = len(pos) > 0 and pos[-1] - pos[0] + 1 == len(pos)
    if lookback is None:
        if is_pandas:
            X = feat.iloc[pos[0] : pos[-1] + 1] if contiguous else feat.iloc[pos]
        else:
            X = feat[pos[0] : pos[-1] + 1] if contiguous else feat[pos]
    else:
        windows = SlidingWindows(lookback).fit_transform(feat)
        X = windows[pos[0] : pos[-1] + 1] if contiguous else windows[pos]

    if horizon == 1:
        y = y.iloc[:, 0] if is_pandas else y[:, 0]
    if return_index:
        return X, y, origin
    return X, y


# -- known-future covariates and panels -----------------------------------


def _with_known_future(frame, target, horizon, features, known_future):
    """The frame with one lead column per known-future column and step."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    known = list(known_future)
    if isinstance(frame, pd.DataFrame):
        missing = [c for c in known if c not in frame.columns]
        if missing:
            raise ValueError(
                f"known_future columns {missing} are not columns of the frame."
            )
        if target in known:
            raise ValueError(
                f"known_future lists the target {target!r}: its future is what "
                "is being forecast."
            )
        cols = list(frame.columns) if features is None else list(features)
        leads = {
            f"{c}_t+{h}": frame[c].shift(-h)
            for c in known
            for h in range(1, horizon + 1)
        }
        extended = pd.concat([frame, pd.DataFrame(leads, index=frame.index)], axis=1)
        return extended, cols + list(leads)
    arr = np.asarray(frame)
    if arr.ndim == 1:
        arr = arr[:, None]
    n_cols = arr.shape[1]
    if any(
        not isinstance(c, (int, np.integer)) or not -n_cols <= c < n_cols for c in known
    ):
        raise ValueError(
            f"For an ndarray frame, known_future must be int column positions in "
            f"[0, {n_cols}), got {known!r}."
        )
    if isinstance(target, (int, np.integer)) and target % n_cols in [
        c % n_cols for c in known
    ]:
        raise ValueError("known_future lists the target column.")
    lead_values = np.full((arr.shape[0], len(known) * horizon), np.nan)
    for j, c in enumerate(known):
        for h in range(1, horizon + 1):
            lead_values[: arr.shape[0] - h, j * horizon + h - 1] = arr[h:, c]
    extended = np.concatenate([arr.astype(np.float64), lead_values], axis=1)
    cols = list(range(n_cols)) if features is None else list(features)
    return extended, cols + list(range(n_cols, extended.shape[1]))


def _is_panel(frame: Any, series: Hashable | None) -> bool:
    if series is not None or isinstance(frame, dict):
        return True
    return isinstance(frame, pd.DataFrame) and isinstance(frame.index, pd.MultiIndex)


def _split_panel(frame: Any, series: Hashable | None) -> tuple[list, list]:
    """Series ids (sorted) and one time-indexed frame per series."""
    if isinstance(frame, dict):
        if not frame:
            raise ValueError("The dict of series frames is empty.")
        keys = sorted(frame)
        return keys, [
            f.to_frame() if isinstance(f, pd.Series) else f
            for f in (frame[k] for k in keys)
        ]
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(
            "A panel (series=...) must be a long DataFrame with a series column, "
            "a DataFrame with a (series, time) MultiIndex, or a dict of frames; "
            f"got {type(frame).__name__}."
        )
    if series is not None and series in frame.columns:
        groups = frame.groupby(series, sort=True)
        return [k for k, _ in groups], [
            g.drop(columns=series) for _, g in groups
        ]
    if isinstance(frame.index, pd.MultiIndex) and frame.index.nlevels == 2:
        level = 0 if series is None else series
        if level not in (0, frame.index.names[0]):
            raise ValueError(
                f"series={series!r} is neither a column nor the first level of "
                f"the (series, time) MultiIndex {list(frame.index.names)}."
            )
        groups = frame.groupby(level=0, sort=True)
        return [k for k, _ in groups], [g.droplevel(0) for _, g in groups]
    raise ValueError(
        f"series={series!r} is not a column of the frame (columns: "
        f"{list(frame.columns)}), and the frame has no (series, time) MultiIndex."
    )


def _make_supervised_panel(
    frame, target, horizon, lookback, *, features, dropna, min_history,
    return_index, series, known_future,
):
    """:func:`make_supervised` over many series: windows per series, stacked."""
    if lookback is None:
        raise ValueError(
            "A panel (many series) needs lookback: windows are cut from each "
            "series separately."
        )
    keys, frames = _split_panel(frame, series)
    X_parts, y_parts, code_parts, origin_parts = [], [], [], []
    for code, (key, part) in enumerate(zip(keys, frames, strict=True)):
        try:
            Xs, ys, origin = make_supervised(
                part, target, horizon, lookback, features=features, dropna=dropna,
                min_history=min_history, return_index=True,
                known_future=known_future,
            )
        except ValueError as exc:
            raise ValueError(f"series {key!r}: {exc}") from exc
        X_parts.append(np.asarray(Xs, dtype=np.float64))
        y_parts.append(ys.to_frame() if isinstance(ys, pd.Series) else ys)
        code_parts.append(np.full(len(Xs), code))
        origin_parts.append(np.asarray(origin))
    codes = np.concatenate(code_parts)
    origins = np.concatenate(origin_parts)
    order = np.lexsort((codes, origins))  # by time, then series
    X = np.concatenate(X_parts)[order]
    code_column = np.broadcast_to(codes[order, None, None], X.shape[:2] + (1,))
    # Front padding stays whole rows of NaN, the code column included.
    padding = np.isnan(X).all(axis=2, keepdims=True)
    X = np.concatenate([X, np.where(padding, np.nan, code_column)], axis=2)
    X.flags.writeable = False
    index = pd.MultiIndex.from_arrays(
        [np.asarray(keys, dtype=object)[codes[order]], origins[order]],
        names=["series", "origin"],
    )
    y = pd.concat(y_parts, axis=0).iloc[order]
    y.index = index
    if horizon == 1:
        y = y.iloc[:, 0]
    if return_index:
        return X, y, index
    return X, y
