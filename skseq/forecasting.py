"""Recursive multi-step forecasting and dated forecasts from the end of a frame."""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.validation import check_is_fitted

from .base import SequenceEstimatorMixin
from .utils.time_index import check_time_index
from .utils.validation import check_target

_STEPS = Interval(Integral, 1, None, closed="left")
_FREQ = [str, pd.offsets.BaseOffset, datetime.timedelta, None]


class RecursiveRegressor(
    SequenceEstimatorMixin, MetaEstimatorMixin, RegressorMixin, BaseEstimator
):
    """Roll a one-step model forward, feeding its predictions back.

    The wrapped regressor learns the next value of the target from a window.
    To forecast ``horizon`` steps, each prediction is appended to the window
    as the newest time step (in feature ``target_index``) and the oldest step
    is dropped, ``horizon`` times. This suits autoregressive, univariate-
    target setups where the target is the same quantity as input feature
    ``target_index`` (e.g. a temperature predicted from its own past).

    Other features of the appended step are held at their last observed
    value: exact for univariate windows, an assumption ("no change") for
    exogenous features. Direct multi-output models avoid that assumption.

    Parameters
    ----------
    estimator : regressor
        One-step model taking 3-D windows, e.g. an :class:`LSTMRegressor`
        or a ``Pipeline(SequenceScaler(), LSTMRegressor())``. Scaling inside
        such a pipeline is fine: the windows fed back stay in raw units.
    horizon : int or None, default=None
        Steps to forecast. None uses the number of columns of ``y`` in
        ``fit`` (so it scores on the same multi-step ``y`` as a direct model).
    target_index : int, default=0
        Feature of the window that holds the target's past values.

    Attributes
    ----------
    estimator_ : regressor
        The fitted one-step model (trained on the first column of ``y``).
    horizon_ : int
        Steps predicted (the fitted value of ``horizon``).
    n_outputs_ : int
        Columns of ``y`` in ``fit`` (1 for 1-D ``y``).
    n_features_in_ : int
        Features per time step.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of those features, only when ``X`` was a panel (a list of
        DataFrames with the same string columns).
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "target_index": [Interval(Integral, None, None, closed="neither")],
    }

    def __init__(self, estimator, horizon=None, target_index=0):
        self.estimator = estimator
        self.horizon = horizon
        self.target_index = target_index

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # one column per horizon step
        return tags

    def fit(self, X, y):
        """Fit the one-step model on the first horizon step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features)
            Windows (2-D: univariate).
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            The next value of the target (only column 0 is used to fit).

        Returns
        -------
        self
        """
        self._validate_params()
        seqs = self._validate_sequences(X, reset=True)
        y = check_target(y, seqs.n_samples, estimator=self)
        if not 0 <= self.target_index < seqs.n_features:
            raise ValueError(
                f"target_index={self.target_index} is out of range for windows "
                f"with {seqs.n_features} feature(s)."
            )
        y2 = y.reshape(seqs.n_samples, -1)
        horizon = y2.shape[1] if self.horizon is None else self.horizon
        self.estimator_ = clone(self.estimator).fit(seqs.X, y2[:, 0])
        self.horizon_ = int(horizon)
        self.n_outputs_ = y2.shape[1]
        self._y_is_1d = y.ndim == 1 and self.horizon_ == 1
        return self

    def predict(self, X, horizon=None):
        """Forecast ``horizon`` steps after every window.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features)
        horizon : int or None
            Overrides the fitted ``horizon_``.

        Returns
        -------
        ndarray of shape (n_samples, horizon), or (n_samples,) when ``y`` was
        1-D and the horizon is one step.
        """
        check_is_fitted(self, "estimator_")
        seqs = self._validate_sequences(X, reset=False)
        steps = self.horizon_ if horizon is None else int(horizon)
        window = np.array(seqs.X, dtype=np.float64)  # one copy, rolled in place
        out = np.empty((seqs.n_samples, steps))
        for h in range(steps):
            out[:, h] = np.asarray(self.estimator_.predict(window)).reshape(-1)
            if h + 1 < steps:
                newest = window[:, -1, :].copy()
                newest[:, self.target_index] = out[:, h]
                window[:, :-1] = window[:, 1:]
                window[:, -1] = newest
        if self._y_is_1d and steps == 1:
            return out[:, 0]
        return out


@validate_params(
    {"index": [pd.Index], "steps": [_STEPS], "freq": _FREQ},
    prefer_skip_nested_validation=True,
)
def future_index(index: pd.Index, steps: int, freq=None) -> pd.Index:
    """Timestamps of the ``steps`` periods after the end of ``index``.

    Parameters
    ----------
    index : DatetimeIndex, PeriodIndex or integer Index
        Oldest first.
    steps : int
    freq : str, DateOffset or timedelta, optional
        Forced frequency. Otherwise the index's own frequency, or the one
        pandas infers, or business days when every date is a weekday and the
        usual spacing is a day (stock prices with holidays), or the median
        spacing.

    Returns
    -------
    Index
        A DatetimeIndex for datetime input, a PeriodIndex for periods;
        integers continuing the index otherwise.

    Raises
    ------
    ValueError
        For a single timestamp without ``freq`` (no spacing to infer a
        frequency from), or an index that is neither dates nor integers.
    """
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=steps, name=index.name)
    if not isinstance(index, pd.DatetimeIndex):
        if not pd.api.types.is_integer_dtype(index.dtype):
            raise ValueError(
                f"Cannot date a forecast after an index of {index.dtype} labels "
                f"(last: {index[-1]!r}). Give the frame a DatetimeIndex "
                "(frame.index = pd.to_datetime(frame.index), or read the CSV "
                "with parse_dates=True) or an integer index."
            )
        last = index[-1] if len(index) else -1
        return pd.Index(np.arange(last + 1, last + 1 + steps), name=index.name)
    if freq is None:
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
    if freq is None and len(index) < 2:
        raise ValueError(
            f"Cannot infer the frequency of the forecast dates from "
            f"{len(index)} timestamp(s); pass freq (e.g. freq='D' for days, "
            "'h' for hours, 'B' for business days) or a frame with at least "
            "two rows."
        )
    if freq is None:
        spacing = pd.Series(index).diff().median()
        weekdays_only = (index.day_of_week < 5).all()
        if weekdays_only and spacing == pd.Timedelta(days=1):
            freq = "B"
        else:
            return pd.DatetimeIndex(
                [index[-1] + spacing * (k + 1) for k in range(steps)], name=index.name
            )
    offset = pd.tseries.frequencies.to_offset(freq)
    return pd.date_range(
        index[-1] + offset, periods=steps, freq=offset, name=index.name
    )


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "frame": [pd.DataFrame, pd.Series, dict],
        "lookback": [_STEPS],
        "features": ["array-like", None],
        "steps": [_STEPS, None],
        "freq": _FREQ,
        "series": [Hashable, None],
        "known_future": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def forecast(
    estimator,
    frame,
    lookback,
    *,
    features=None,
    steps=None,
    freq=None,
    series=None,
    known_future=None,
):
    """Forecast the periods after the end of a frame, dated.

    Parameters
    ----------
    estimator : fitted regressor
        Trained on windows of ``lookback`` rows of ``features`` (direct
        multi-output, seq2seq, or a :class:`RecursiveRegressor`).
    frame : DataFrame or Series
        The history, oldest first; its last ``lookback`` rows form the window.
        The index must be strictly increasing (a newest-first, unsorted or
        duplicated index is refused: the window would not be the newest
        rows). A DatetimeIndex dates the forecast.
    lookback : int >= 1
        Window length used in training.
    features : list of str, optional
        Columns of ``frame`` in the order used in training (default: all).
    steps : int, optional
        Steps to return. A :class:`RecursiveRegressor` forecasts exactly this
        many; other models return at most their horizon.
    freq : str, DateOffset or timedelta, optional
        Frequency of the future timestamps (see :func:`future_index`).
        Needed for a one-row frame whose index has no frequency.
    series : column label or None, optional
        Many series, as in :func:`skseq.make_supervised`: a long frame with
        this series column, a ``(series, time)`` MultiIndex frame or a dict of
        frames. Each series is forecast from its own end, with its code (its
        position among the sorted series ids, as in training: pass the same
        set of series) appended as the last feature.
    known_future : list of column labels, optional
        The known-future columns given to :func:`skseq.make_supervised`. The
        frame then ends with the future rows: the forecast origin is the last
        row whose other columns are all observed, and the rows after it
        (one per horizon step, the other columns NaN) supply the known
        values.

    Returns
    -------
    Series
        The forecast, indexed by the future timestamps (by ``(series, time)``
        for many series).

    Raises
    ------
    InvalidParameterError
        A parameter of the wrong type or range (``lookback=0``, a float
        ``steps``...), naming it.
    ValueError
        An unsorted, newest-first or duplicated index, a frame shorter than
        ``lookback``, more ``steps`` than the model forecasts, or a
        frequency that cannot be inferred.
    """
    from .windows import _is_panel, _split_panel

    if _is_panel(frame, series):
        keys, frames = _split_panel(frame, series)
        parts = []
        for code, part in enumerate(frames):
            window, index = _forecast_window(part, lookback, features, known_future)
            window = np.concatenate(
                [window, np.full(window.shape[:2] + (1,), float(code))], axis=2
            )
            values = _forecast_values(estimator, window, steps)
            parts.append(
                pd.Series(values, index=future_index(index, len(values), freq))
            )
        return pd.concat(parts, keys=keys, names=["series", None])
    window, index = _forecast_window(frame, lookback, features, known_future)
    values = _forecast_values(estimator, window, steps)
    return pd.Series(values, index=future_index(index, len(values), freq))


def _forecast_window(frame, lookback, features, known_future):
    """The last window of one series (with its known-future leads) and the
    time index up to the forecast origin."""
    from .windows import _with_known_future

    check_time_index(frame.index)
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if known_future:
        known = list(known_future)
        others = [
            c for c in (frame.columns if features is None else features)
            if c not in known
        ]
        observed = frame[others].notna().all(axis=1).to_numpy()
        if not observed.any():
            raise ValueError("No row of the frame has all its non-known-future "
                             "columns observed.")
        origin = int(np.flatnonzero(observed)[-1])
        n_future = len(frame) - origin - 1
        if n_future < 1:
            raise ValueError(
                "With known_future, the frame must end with the future rows "
                "(known-future columns filled, the others NaN) after the last "
                "observed row; none was found."
            )
        extended, cols = _with_known_future(
            frame, others[0], n_future, features, known
        )
        data = extended[cols].iloc[: origin + 1]
        index = frame.index[: origin + 1]
    else:
        data = frame if features is None else frame[list(features)]
        index = frame.index
    if len(data) < lookback:
        raise ValueError(
            f"The frame has {len(data)} rows but the model needs a window of "
            f"lookback={lookback}; pass a longer history."
        )
    return data.to_numpy(dtype=np.float64)[None, -lookback:, :], index


def _forecast_values(estimator, window, steps):
    if isinstance(estimator, RecursiveRegressor) and steps is not None:
        values = estimator.predict(window, horizon=steps)
    else:
        values = estimator.predict(window)
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if steps is not None:
        if steps > len(values):
            raise ValueError(
                f"steps={steps} but the model forecasts {len(values)} step(s); "
                "fit it on a y with more horizon columns or wrap a one-step "
                "model in RecursiveRegressor."
            )
        values = values[:steps]
    return values
