"""PyTorch modules behind skseq's estimators."""

from .cells import GATES, EngineRNN, gate_trace, make_recurrent_layer
from .recurrent import CELLS, RecurrentNet
from .seq2seq import Seq2SeqNet

__all__ = [
    "CELLS",
    "GATES",
    "EngineRNN",
    "RecurrentNet",
    "Seq2SeqNet",
    "gate_trace",
    "make_recurrent_layer",
]
