"""skseq: scikit-learn-compatible recurrent networks for time series."""

from .estimators import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    RecurrentClassifier,
    RecurrentRegressor,
    RNNClassifier,
    RNNRegressor,
    Seq2SeqRegressor,
)
from .forecasting import RecursiveRegressor, forecast
from .lags import LagsToSequence
from .lazy import LazyWindows
from .time_axis import LastSteps, ResampleSequences
from .windows import FlattenWindows, SequenceScaler, SlidingWindows, make_supervised

__version__ = "0.1.0"

__all__ = [
    "FlattenWindows",
    "GRUClassifier",
    "GRURegressor",
    "LSTMClassifier",
    "LagsToSequence",
    "LSTMRegressor",
    "LastSteps",
    "LazyWindows",
    "RNNClassifier",
    "RNNRegressor",
    "RecurrentClassifier",
    "RecurrentRegressor",
    "RecursiveRegressor",
    "ResampleSequences",
    "Seq2SeqRegressor",
    "SequenceScaler",
    "SlidingWindows",
    "__version__",
    "forecast",
    "make_supervised",
]
