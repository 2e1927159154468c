"""Data loaders: stock prices (yfinance with a cache, or a bundled snapshot),
bundled weather series, and small sequence-classification sets.

Frames have a :class:`pandas.DatetimeIndex`; classification arrays use skseq's
layout ``(n_samples, n_timesteps, n_features)``. Bundled files need only numpy
and pandas; their sources and licences are in ``skseq/datasets/data/README.md``.
"""

from ._base import get_cache_dir
from ._cache import CorruptCacheWarning
from ._classification import (
    CLASSIFICATION_DATASETS,
    REFERENCE_ACCURACIES,
    load_classification,
)
from ._stocks import (
    SNAPSHOT_TICKERS,
    StockDownloadError,
    load_stock,
    load_stock_snapshot,
)
from ._weather import WEATHER_ORIGINS, load_weather_daily, load_weather_hourly

__all__ = [
    "CLASSIFICATION_DATASETS",
    "REFERENCE_ACCURACIES",
    "SNAPSHOT_TICKERS",
    "WEATHER_ORIGINS",
    "CorruptCacheWarning",
    "StockDownloadError",
    "get_cache_dir",
    "load_classification",
    "load_stock",
    "load_stock_snapshot",
    "load_weather_daily",
    "load_weather_hourly",
]
