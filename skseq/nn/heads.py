"""Pooling heads: one vector per sequence from the recurrent outputs of every step.

A seq2vec network summarises a sequence by the last hidden state of its top
layer (``head="last"``). For long series the last state forgets what happened
early on; pooling over all steps keeps it. The functions here pool a batch of
per-step outputs in skseq's front-padded layout: a boolean mask marks the real
(observed) steps, and the padding never enters the result, so a sequence
alone and the same sequence padded inside a batch pool to the same vector.
"""

from __future__ import annotations

import torch
from torch import nn

#: Values of the ``head`` parameter.
HEADS: tuple[str, ...] = ("last", "mean", "max", "attention")


def masked_mean(outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over the real steps.

    Parameters
    ----------
    outputs : Tensor of shape (batch, time, size)
        Per-step outputs.
    mask : Tensor of shape (batch, time), bool
        True at the real steps; every row has at least one.

    Returns
    -------
    Tensor of shape (batch, size)
    """
    weights = mask.to(outputs.dtype).unsqueeze(-1)
    return (outputs * weights).sum(dim=1) / weights.sum(dim=1)


def masked_max(outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Maximum over the real steps, feature by feature.

    Parameters
    ----------
    outputs : Tensor of shape (batch, time, size)
    mask : Tensor of shape (batch, time), bool

    Returns
    -------
    Tensor of shape (batch, size)
    """
    filled = outputs.masked_fill(~mask.unsqueeze(-1), float("-inf"))
    return filled.amax(dim=1)


class AttentionPooling(nn.Module):
    """Additive (Bahdanau-style) attention pooling over time.

    Each step's output ``h_t`` gets a score ``v . tanh(W h_t + b)``; a softmax
    over the real steps turns the scores into weights summing to one, and the
    result is the weighted sum of the outputs. Padding gets weight zero.

    Parameters
    ----------
    size : int
        Size of each step's output.
    attention_size : int or None, default=None
        Width of the scoring layer (``size`` when None).
    """

    def __init__(self, size: int, attention_size: int | None = None) -> None:
        super().__init__()
        width = size if attention_size is None else attention_size
        self.project = nn.Linear(size, width)
        self.score = nn.Linear(width, 1, bias=False)

    def weights(self, outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Attention weights, shape (batch, time): zero on padding, rows sum to 1.

        Parameters
        ----------
        outputs : Tensor of shape (batch, time, size)
        mask : Tensor of shape (batch, time), bool

        Returns
        -------
        Tensor of shape (batch, time)
        """
        scores = self.score(torch.tanh(self.project(outputs))).squeeze(-1)
        scores = scores.masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, dim=1)

    def forward(self, outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Weighted sum of the outputs over the real steps, shape (batch, size)."""
        weights = self.weights(outputs, mask)
        return torch.bmm(weights.unsqueeze(1), outputs).squeeze(1)


class SequencePooling(nn.Module):
    """Pool per-step outputs into one vector with a ``"mean"``, ``"max"`` or
    ``"attention"`` head.

    Parameters
    ----------
    head : {"mean", "max", "attention"}
        How the steps are combined. (``"last"`` needs the recurrent state, not
        the outputs, and is handled by the network itself.)
    size : int
        Size of each step's output.
    """

    def __init__(self, head: str, size: int) -> None:
        super().__init__()
        if head not in HEADS or head == "last":
            raise ValueError(
                f"SequencePooling head must be 'mean', 'max' or 'attention', got "
                f"{head!r}."
            )
        self.head = head
        self.attention = AttentionPooling(size) if head == "attention" else None

    def forward(self, outputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Pool ``outputs`` (batch, time, size) over the steps where ``mask`` is
        True; returns (batch, size)."""
        if self.head == "mean":
            return masked_mean(outputs, mask)
        if self.head == "max":
            return masked_max(outputs, mask)
        return self.attention(outputs, mask)
