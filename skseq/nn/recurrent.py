"""Recurrent sequence-to-vector network: a recurrent layer stack plus a linear head."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .cells import CELLS, make_recurrent_layer  # noqa: F401 (CELLS re-exported)
from .conv import CONV_MODES, ConvFrontEnd, padding_mask
from .distributions import make_head
from .heads import HEADS, SequencePooling, masked_mean

# Above this many distinct sequence lengths in a batch, pack the batch
# instead of running the fused kernel once per length.
MAX_LENGTH_GROUPS = 8


def front_to_back_padding(X: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Move front padding to the end of each sequence.

    Parameters
    ----------
    X : Tensor of shape (batch, time, features)
        Sequences whose first ``time - lengths[i]`` steps are padding.
    lengths : Tensor of shape (batch,)
        Observed length of each sequence.

    Returns
    -------
    Tensor of shape (batch, time, features)
        Row ``i`` holds its ``lengths[i]`` observed steps first; what follows
        is filler that a packed sequence never reads.
    """
    n_steps = X.shape[1]
    shift = (n_steps - lengths).to(X.device)
    positions = torch.arange(n_steps, device=X.device)[None, :] + shift[:, None]
    positions = positions.clamp_(max=n_steps - 1)
    return X.gather(1, positions[:, :, None].expand(-1, -1, X.shape[2]))


def back_to_front_padding(X: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Move end padding to the front of each sequence (the inverse of
    :func:`front_to_back_padding`), filling the padding with zeros.

    Parameters
    ----------
    X : Tensor of shape (batch, time, features)
        Row ``i`` holds its ``lengths[i]`` real steps first.
    lengths : Tensor of shape (batch,)

    Returns
    -------
    Tensor of shape (batch, time, features)
        Row ``i`` holds its real steps last, zeros before them.
    """
    n_steps = X.shape[1]
    lengths = lengths.to(X.device)
    shift = n_steps - lengths
    positions = torch.arange(n_steps, device=X.device)[None, :] - shift[:, None]
    positions = positions.clamp_(min=0)
    out = X.gather(1, positions[:, :, None].expand(-1, -1, X.shape[2]))
    return out * padding_mask(lengths, n_steps).unsqueeze(-1).to(X.dtype)


class RecurrentNet(nn.Module):
    """Stacked (bi)directional recurrent layers with a linear head.

    The network reads a batch of sequences and maps the last hidden state of
    the top layer (both directions' states, concatenated, when
    ``bidirectional``) to ``n_outputs`` values: a seq2vec model for
    regression (one value per horizon step) or classification (one logit per
    class).

    Parameters
    ----------
    n_features : int
        Features per time step.
    n_outputs : int or None
        Size of the output vector; None builds the network without a head
        (an encoder for :class:`Seq2SeqNet`).
    cell : {"rnn", "lstm", "gru", "peephole", "cifg"}, default="lstm"
        ``"rnn"`` is the plain Elman network with tanh; ``"lstm"`` has input,
        forget and output gates and a cell state; ``"gru"`` has update and
        reset gates; ``"peephole"`` is an LSTM whose gates also see the cell
        state; ``"cifg"`` an LSTM whose input gate is one minus the forget
        gate (see :mod:`skseq.nn.cells`).
    hidden_size : int, default=64
        Hidden units per layer and direction.
    num_layers : int, default=1
        Number of stacked recurrent layers (a deep RNN).
    bidirectional : bool, default=False
        Also read every sequence backwards.
    dropout : float, default=0.0
        Dropout between stacked layers and before the head.
    distribution : {None, "quantile", "gaussian", "student_t"}, default=None
        None: a linear head with one output per target. Otherwise a
        :class:`~skseq.nn.distributions.DistributionHead` with ``n_params``
        ordered, location-like outputs per target (``n_outputs`` targets).
    n_params : int, default=1
        Outputs per target of a distribution head.
    quantiles : tuple of float, optional
        Levels of a quantile head (they set its initial spread).
    forget_bias : float or None, default=1.0
        Initial forget-gate bias of the LSTM-family cells; None keeps
        torch's random initialisation.
    recurrent_init : {"default", "orthogonal"}, default="default"
        Initialisation of the hidden-to-hidden weights.
    layer_norm : bool, default=False
        Layer-normalised gates (gated cells only).
    head : {"last", "mean", "max", "attention"}, default="last"
        How the sequence is summarised: the last hidden state of the top
        layer, or the mean, the maximum or an attention-weighted sum of the
        top layer's outputs over all real steps (see :mod:`skseq.nn.heads`).
    conv_channels : sequence of int or None, default=None
        Output channels of each layer of a convolutional front end
        (:class:`skseq.nn.conv.ConvFrontEnd`); None: no convolutions.
    conv_kernel_sizes : int, sequence of int or None, default=None
        Kernel size of each convolution (None: 8, 5, 3 as in FCN).
    conv_strides : int or sequence of int, default=1
        Stride of each convolution; above 1 downsamples.
    conv_mode : {"parallel", "before"}, default="parallel"
        ``"parallel"``: the convolutions form a branch beside the recurrent
        layer, averaged over time and joined to its summary (LSTM-FCN);
        ``"before"``: the recurrent layer reads the convolutions' output.

    Notes
    -----
    ``forward`` takes ``lengths`` for variable-length batches in skseq's
    front-padded layout. Padding never changes
    the result: a sequence alone and the same sequence padded inside a batch
    give the same output. See :meth:`rnn_state` for how padded batches stay
    on the fused (fast) path.
    """

    def __init__(
        self,
        n_features: int,
        n_outputs: int | None,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        distribution: str | None = None,
        n_params: int = 1,
        quantiles: tuple[float, ...] | None = None,
        forget_bias: float | None = 1.0,
        recurrent_init: str = "default",
        layer_norm: bool = False,
        head: str = "last",
        conv_channels: Sequence[int] | None = None,
        conv_kernel_sizes: int | Sequence[int] | None = None,
        conv_strides: int | Sequence[int] = 1,
        conv_mode: str = "parallel",
    ) -> None:
        super().__init__()
        if head not in HEADS:
            raise ValueError(f"head must be one of {list(HEADS)}, got {head!r}.")
        if conv_mode not in CONV_MODES:
            raise ValueError(
                f"conv_mode must be one of {list(CONV_MODES)}, got {conv_mode!r}."
            )
        self.cell = cell
        self.head_kind = head
        self.conv_mode = conv_mode
        self.conv = (
            None
            if not conv_channels
            else ConvFrontEnd(
                n_features, conv_channels, conv_kernel_sizes, conv_strides
            )
        )
        if self.conv is not None and conv_mode == "before":
            n_features = self.conv.out_channels
        self.rnn = make_recurrent_layer(
            cell,
            input_size=n_features,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            forget_bias=forget_bias,
            recurrent_init=recurrent_init,
            layer_norm=layer_norm,
        )
        self.n_directions = 2 if bidirectional else 1
        size = hidden_size * self.n_directions
        self.pooling = None if head == "last" else SequencePooling(head, size)
        if self.conv is not None and conv_mode == "parallel":
            size += self.conv.out_channels
        self.dropout = nn.Dropout(dropout)
        self.head = (
            None
            if n_outputs is None
            else make_head(size, n_outputs, distribution, n_params, quantiles)
        )

    def rnn_state(self, X: torch.Tensor, lengths: torch.Tensor | None = None):
        """Final state of every layer after reading the sequences.

        Returns ``h_n`` (and ``c_n`` for an LSTM, as a tuple), each of shape
        (layers * directions, batch, hidden), as the torch layer gives it.

        Sequences shorter than the batch (front padding) never see their
        padding. A batch with few distinct lengths (the usual case with
        :class:`skseq.SlidingWindows`, whose first windows are padded) runs
        the fused kernel once per length on the sliced rows; a batch with
        many lengths is packed. Packed sequences take a slow path on the CPU
        (measured 7-10x slower per batch than the fused kernel), so they are
        the fallback, not the default.
        """
        n_steps = X.shape[1]
        if lengths is None:
            return self.rnn(X)[1]
        lengths_cpu = lengths.to("cpu", torch.int64)
        if not bool((lengths_cpu < n_steps).any()):
            return self.rnn(X)[1]
        distinct = torch.unique(lengths_cpu)
        if len(distinct) > MAX_LENGTH_GROUPS:
            X = front_to_back_padding(X, lengths_cpu)
            packed = pack_padded_sequence(
                X, lengths_cpu, batch_first=True, enforce_sorted=False
            )
            return self.rnn(packed)[1]
        rows, parts = [], []
        for length in distinct.tolist():
            group = torch.nonzero(lengths_cpu == length).squeeze(1)
            rows.append(group)
            parts.append(self.rnn(X[group.to(X.device), n_steps - length :])[1])
        restore = torch.argsort(torch.cat(rows)).to(X.device)
        if isinstance(parts[0], tuple):  # LSTM: (h_n, c_n)
            return tuple(
                torch.cat([p[k] for p in parts], dim=1)[:, restore] for k in range(2)
            )
        return torch.cat(parts, dim=1)[:, restore]

    def rnn_outputs(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Top layer's output at every step, in the front-padded layout.

        Works with any recurrent layer called as ``self.rnn(x) -> (output,
        state)`` with a batch-first output of shape (batch, time,
        directions * hidden). Each sequence is read from its first real step,
        as in :meth:`rnn_state` (one fused call per distinct length, or a
        packed batch when there are many lengths).

        Parameters
        ----------
        X : Tensor of shape (batch, time, features)
        lengths : Tensor of shape (batch,) or None

        Returns
        -------
        outputs : Tensor of shape (batch, time, directions * hidden)
            Zero at the padded steps.
        mask : Tensor of shape (batch, time), bool
            True at the real steps.
        """
        n_batch, n_steps = X.shape[0], X.shape[1]
        if lengths is None:
            lengths = torch.full((n_batch,), n_steps, dtype=torch.int64)
        lengths_cpu = lengths.to("cpu", torch.int64)
        mask = padding_mask(lengths_cpu, n_steps).to(X.device)
        if not bool((lengths_cpu < n_steps).any()):
            return self.rnn(X)[0], mask
        distinct = torch.unique(lengths_cpu)
        if len(distinct) > MAX_LENGTH_GROUPS:
            packed = pack_padded_sequence(
                front_to_back_padding(X, lengths_cpu),
                lengths_cpu,
                batch_first=True,
                enforce_sorted=False,
            )
            out, _ = pad_packed_sequence(
                self.rnn(packed)[0], batch_first=True, total_length=n_steps
            )
            return back_to_front_padding(out, lengths_cpu), mask
        rows, parts = [], []
        for length in distinct.tolist():
            group = torch.nonzero(lengths_cpu == length).squeeze(1)
            rows.append(group)
            out = self.rnn(X[group.to(X.device), n_steps - length :])[0]
            parts.append(F.pad(out, (0, 0, n_steps - length, 0)))
        restore = torch.argsort(torch.cat(rows)).to(X.device)
        return torch.cat(parts, dim=0)[restore], mask

    def _front_end(
        self, X: torch.Tensor, lengths: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """Apply the convolutional front end: the recurrent layer's input and
        lengths, and the pooled convolutional branch (None unless
        ``conv_mode="parallel"``)."""
        if self.conv is None:
            return X, lengths, None
        features, conv_lengths, mask = self.conv(X, lengths)
        if self.conv_mode == "before":
            return features, conv_lengths, None
        return X, lengths, masked_mean(features, mask)

    def attention_weights(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Weight of every step in the attention head, shape (batch, time).

        Zero at the padded steps; each row sums to one. With
        ``conv_mode="before"`` the steps are those after the convolutions.

        Parameters
        ----------
        X : Tensor of shape (batch, time, features)
        lengths : Tensor of shape (batch,) or None

        Returns
        -------
        Tensor of shape (batch, time)
        """
        if self.head_kind != "attention":
            raise ValueError(
                f"attention_weights needs head='attention', this network has "
                f"head={self.head_kind!r}."
            )
        X, lengths, _ = self._front_end(X, lengths)
        outputs, mask = self.rnn_outputs(X, lengths)
        return self.pooling.attention.weights(outputs, mask)

    def encode(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Summary of each sequence, shape (batch, size of the head's input).

        The last hidden state of the top layer (``head="last"``) or the pooled
        outputs of all real steps, followed by the averaged convolutional
        branch when ``conv_mode="parallel"``.
        """
        X, lengths, branch = self._front_end(X, lengths)
        if self.pooling is not None:
            summary = self.pooling(*self.rnn_outputs(X, lengths))
        else:
            hidden = self.rnn_state(X, lengths)
            if isinstance(hidden, tuple):  # LSTM: (h_n, c_n)
                hidden = hidden[0]
            if self.n_directions == 1:
                summary = hidden[-1]  # (batch, hidden): what the lines below give
            else:
                top = hidden[-self.n_directions :]  # (directions, batch, hidden)
                summary = top.transpose(0, 1).reshape(top.shape[1], -1)
        if branch is not None:
            summary = torch.cat([summary, branch], dim=1)
        return summary

    def forward(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Map a batch ``(batch, time, features)`` to ``(batch, n_outputs)``."""
        summary = self.encode(X, lengths)
        if self.dropout.p > 0:  # dropout=0 returns its input: skip the call
            summary = self.dropout(summary)
        return self.head(summary)
