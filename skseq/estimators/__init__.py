"""scikit-learn estimators built on skorch."""

from .classifiers import (
    GRUClassifier,
    LSTMClassifier,
    RecurrentClassifier,
    RNNClassifier,
)
from .regressors import GRURegressor, LSTMRegressor, RecurrentRegressor, RNNRegressor
from .seq2seq import Seq2SeqRegressor

__all__ = [
    "GRUClassifier",
    "GRURegressor",
    "LSTMClassifier",
    "LSTMRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "RecurrentClassifier",
    "RecurrentRegressor",
    "Seq2SeqRegressor",
]
