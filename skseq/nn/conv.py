"""Convolutional front end for the seq2vec network, aware of front padding.

Two uses, both from the published recurrent classifiers that work on long
series:

* ``"parallel"`` (LSTM-FCN, Karim et al. 2018): a fully convolutional branch
  (convolution, batch normalisation, ReLU, three times) reads the series
  beside the recurrent layer; its output is averaged over time and joined to
  the recurrent summary before the linear head.
* ``"before"``: the convolutions turn the series into features that the
  recurrent layer reads instead of the raw values; a stride above 1
  downsamples a long series first, so the recurrence runs over fewer steps.

Padding is handled as everywhere in skseq: sequences are front-padded, and a
sequence alone gives the same output as the same sequence padded inside a
batch. The convolutions are causal and aligned on the *newest* step (which
all rows of a front-padded batch share): output ``j`` of a layer with stride
``s`` covers the inputs that end ``s`` steps after those of output ``j - 1``,
and the last output ends at the last step. Inputs before a sequence's first
step are zero, exactly as a convolution's own zero padding would be, outputs
that lie wholly before the first step are padding of the next layer (set to
zero), and batch normalisation computes its statistics over real steps only.
A sequence of ``L`` steps has ``ceil(L / s)`` steps after a layer of stride
``s``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

#: Values of ``conv_mode``.
CONV_MODES: tuple[str, ...] = ("parallel", "before")

#: Kernel sizes of the three convolutional blocks of FCN and LSTM-FCN.
FCN_KERNEL_SIZES: tuple[int, ...] = (8, 5, 3)


def padding_mask(lengths: torch.Tensor, n_steps: int) -> torch.Tensor:
    """Boolean mask (batch, time) of the real steps of front-padded sequences.

    Parameters
    ----------
    lengths : Tensor of shape (batch,)
        Real length of each sequence.
    n_steps : int
        Steps of the padded batch.

    Returns
    -------
    Tensor of shape (batch, n_steps), bool
        True at the last ``lengths[i]`` steps of row ``i``.
    """
    positions = torch.arange(n_steps, device=lengths.device)
    return positions[None, :] >= (n_steps - lengths)[:, None]


def resolve_kernel_sizes(
    channels: Sequence[int], kernel_sizes: int | Sequence[int] | None
) -> list[int]:
    """One kernel size per convolutional layer.

    Parameters
    ----------
    channels : sequence of int
        Output channels of each layer.
    kernel_sizes : int, sequence of int or None
        An int is used for every layer; a sequence must have one entry per
        layer; None takes FCN's 8, 5, 3 (and 3 for any further layer).

    Returns
    -------
    list of int
    """
    n = len(channels)
    if kernel_sizes is None:
        return [FCN_KERNEL_SIZES[i] if i < 3 else 3 for i in range(n)]
    if isinstance(kernel_sizes, int):
        return [int(kernel_sizes)] * n
    sizes = [int(k) for k in kernel_sizes]
    if len(sizes) != n:
        raise ValueError(
            f"conv_kernel_sizes has {len(sizes)} entries but conv_channels has {n} "
            "layers; give one kernel size per layer, a single int, or None."
        )
    return sizes


def resolve_strides(channels: Sequence[int], strides: int | Sequence[int]) -> list[int]:
    """One stride per convolutional layer (an int applies to every layer).

    Parameters
    ----------
    channels : sequence of int
    strides : int or sequence of int

    Returns
    -------
    list of int
    """
    n = len(channels)
    if isinstance(strides, int):
        return [int(strides)] * n
    values = [int(s) for s in strides]
    if len(values) != n:
        raise ValueError(
            f"conv_strides has {len(values)} entries but conv_channels has {n} "
            "layers; give one stride per layer or a single int."
        )
    return values


class MaskedBatchNorm(nn.Module):
    """Batch normalisation over the real steps only.

    Parameters
    ----------
    n_channels : int
    """

    def __init__(self, n_channels: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(n_channels)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Normalise ``x`` (batch, time, channels) where ``mask`` is True; the
        padded steps come back as zeros."""
        out = x.new_zeros(x.shape)
        out[mask] = self.norm(x[mask])
        return out


class ConvFrontEnd(nn.Module):
    """Stack of causal, end-aligned convolutions with batch norm and ReLU.

    Parameters
    ----------
    n_features : int
        Input features per step.
    channels : sequence of int
        Output channels of each layer.
    kernel_sizes : int, sequence of int or None, default=None
        See :func:`resolve_kernel_sizes`.
    strides : int or sequence of int, default=1
        Stride of each layer; above 1 downsamples the series.
    """

    def __init__(
        self,
        n_features: int,
        channels: Sequence[int],
        kernel_sizes: int | Sequence[int] | None = None,
        strides: int | Sequence[int] = 1,
    ) -> None:
        super().__init__()
        channels = [int(c) for c in channels]
        if not channels:
            raise ValueError("ConvFrontEnd needs at least one layer of channels.")
        self.kernel_sizes = resolve_kernel_sizes(channels, kernel_sizes)
        self.strides = resolve_strides(channels, strides)
        sizes = [n_features, *channels]
        self.convs = nn.ModuleList(
            nn.Conv1d(sizes[i], sizes[i + 1], k, stride=s)
            for i, (k, s) in enumerate(
                zip(self.kernel_sizes, self.strides, strict=True)
            )
        )
        self.norms = nn.ModuleList(MaskedBatchNorm(c) for c in channels)
        self.out_channels = channels[-1]

    def forward(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Convolve a front-padded batch.

        Parameters
        ----------
        X : Tensor of shape (batch, time, features)
        lengths : Tensor of shape (batch,) or None
            Real lengths (all ``time`` when None).

        Returns
        -------
        features : Tensor of shape (batch, time_out, channels)
            Zero at the padded steps.
        lengths : Tensor of shape (batch,)
            Real lengths after the strides.
        mask : Tensor of shape (batch, time_out), bool
            True at the real steps.
        """
        n_steps = X.shape[1]
        if lengths is None:
            lengths = torch.full((X.shape[0],), n_steps, dtype=torch.int64)
        lengths = lengths.to(X.device, torch.int64)
        mask = padding_mask(lengths, n_steps)
        # Channels first throughout, as the convolutions want it.
        x = X.transpose(1, 2)
        if not bool(mask.all()):
            x = x * mask.unsqueeze(1).to(X.dtype)
        for conv, norm, k, s in zip(
            self.convs, self.norms, self.kernel_sizes, self.strides, strict=True
        ):
            # Left padding so that the last window ends at the last step.
            extra = (-(n_steps - 1)) % s
            h = conv(F.pad(x, (k - 1 + extra, 0)))
            # With a stride, the first output can lie wholly before the first
            # step of every row (padding of all rows): drop it, so that an
            # unpadded batch stays unpadded.
            n_steps = -(-n_steps // s)
            h = h[..., h.shape[-1] - n_steps :]
            lengths = (lengths + s - 1) // s
            mask = padding_mask(lengths, n_steps)
            if bool(mask.all()):
                # No padding: plain batch norm over (batch, time), which is
                # what the masked one computes, without the gather/scatter.
                h = norm.norm(h)
            else:
                h = norm(h.transpose(1, 2), mask).transpose(1, 2)
            x = torch.relu(h)
        return x.transpose(1, 2), lengths, mask
