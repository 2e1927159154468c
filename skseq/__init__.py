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
)
from .windows import FlattenWindows, SequenceScaler, SlidingWindows, make_supervised

__version__ = "0.1.0"

__all__ = [
    "FlattenWindows",
    "GRUClassifier",
    "GRURegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "RecurrentClassifier",
    "RecurrentRegressor",
    "SequenceScaler",
    "SlidingWindows",
    "__version__",
    "make_supervised",
]
