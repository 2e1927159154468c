"""Checks of a series' time index: oldest first, each time once.

``make_supervised`` and ``forecast`` read "after t" as "in a later row". A
newest-first or unsorted index turns that into look-ahead (targets from the
past, windows from the future), and a duplicated time puts the same moment
on both sides of a forecast origin. Both are refused here, with the fix.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["check_time_index"]


def _as_times(index: pd.Index) -> tuple[pd.Index | None, bool]:
    """The index as comparable times, and whether it was parsed from text.

    Datetime, period, timedelta and numeric indexes are used as they are. An
    index of strings is parsed as dates (a CSV read without ``parse_dates``
    gives one); labels that are not dates are not a time axis: None.
    """
    if isinstance(index, pd.MultiIndex):
        return None, False
    if isinstance(
        index, (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex)
    ) or pd.api.types.is_numeric_dtype(index.dtype):
        return index, False
    if not (
        pd.api.types.is_string_dtype(index.dtype) or index.dtype == np.dtype(object)
    ):
        return None, False
    if not all(isinstance(v, str) for v in index[:5]):
        return None, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' "could not infer format"
            return pd.DatetimeIndex(pd.to_datetime(index)), True
    except (ValueError, TypeError, OverflowError):
        return None, False


def check_time_index(index: pd.Index, *, what: str = "frame") -> None:
    """Refuse a time index that is not strictly increasing (oldest row first).

    Parameters
    ----------
    index : pandas.Index
        The index of one series. Datetime, period, timedelta and numeric
        indexes are checked, and so is an index of date strings (parsed for
        the check only). Other labels, and MultiIndexes, are not a time axis
        and pass.
    what : str, default="frame"
        How the messages name the data.

    Raises
    ------
    ValueError
        For missing times (NaT/NaN), a duplicated time, or an index that is
        newest first or unsorted; the message names the first offending
        label and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.utils.time_index import check_time_index
    >>> check_time_index(pd.date_range("2024-01-01", periods=3))  # passes
    >>> try:
    ...     check_time_index(pd.Index(["2024-01-03", "2024-01-02", "2024-01-01"]))
    ... except ValueError as exc:
    ...     print(str(exc)[:40])
    The frame's index runs newest first ('20
    """
    times, from_text = _as_times(index)
    if times is None or len(times) < 2:
        return
    text_hint = (
        " The index holds date strings (a CSV read without parse_dates): read it "
        "with pd.read_csv(..., index_col=0, parse_dates=True) or convert it with "
        "frame.index = pd.to_datetime(frame.index)."
        if from_text
        else ""
    )
    missing = pd.isna(times)
    if missing.any():
        raise ValueError(
            f"The {what}'s index has {int(missing.sum())} missing time(s) (NaT/NaN) "
            f"at position {int(np.argmax(missing))}; drop or fill them first."
        )
    if times.is_monotonic_increasing:
        if times.is_unique:
            return
        duplicated = index[times.duplicated()]
        raise ValueError(
            f"The {what}'s index repeats {len(duplicated)} time(s), e.g. "
            f"{duplicated[0]!r}: two rows for one time step put the same moment on "
            "both sides of a forecast origin. Aggregate them "
            "(frame.groupby(level=0).mean()) or keep one row per time "
            "(frame[~frame.index.duplicated(keep='last')])." + text_hint
        )
    if times.is_monotonic_decreasing:
        raise ValueError(
            f"The {what}'s index runs newest first ({index[0]!r} ... {index[-1]!r}): "
            "windows would hold the future and targets the past. Sort it oldest "
            "first with frame.sort_index()." + text_hint
        )
    values = (
        times.asi8
        if isinstance(times, (pd.DatetimeIndex, pd.PeriodIndex, pd.TimedeltaIndex))
        else np.asarray(times)
    )
    position = int(np.flatnonzero(np.diff(values) < 0)[0]) + 1
    raise ValueError(
        f"The {what}'s index is not sorted: {index[position]!r} (position "
        f"{position}) comes after {index[position - 1]!r}. Sort it oldest first "
        "with frame.sort_index() so that 'after t' means later rows." + text_hint
    )
