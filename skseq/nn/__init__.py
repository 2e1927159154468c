"""PyTorch modules behind skseq's estimators."""

from .recurrent import CELLS, RecurrentNet

__all__ = ["CELLS", "RecurrentNet"]
