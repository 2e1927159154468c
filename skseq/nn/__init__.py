"""PyTorch modules behind skseq's estimators."""

from .recurrent import CELLS, RecurrentNet
from .seq2seq import Seq2SeqNet

__all__ = ["CELLS", "RecurrentNet", "Seq2SeqNet"]
