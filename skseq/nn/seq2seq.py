"""Encoder-decoder (seq2seq) recurrent network for multi-step forecasts."""

from __future__ import annotations

import torch
from torch import nn

from .cells import make_recurrent_layer
from .distributions import make_head
from .recurrent import RecurrentNet


class Seq2SeqNet(nn.Module):
    """Encoder-decoder network that emits a forecast horizon step by step.

    The encoder (any of skseq's cells) reads the input window; its final
    state starts the decoder, a recurrent network of the same kind whose
    input at step ``h`` is the value of step ``h - 1`` (zero, a "go" value,
    at the first step) and whose output layer gives the value of step ``h``.

    In training mode, with ``y_teacher`` given, the decoder is fed the true
    previous values (teacher forcing) with probability
    ``teacher_forcing``, else its own previous prediction (scheduled
    sampling). In evaluation mode it always feeds back its own predictions.

    Parameters
    ----------
    n_features : int
        Features per time step of the input window.
    horizon : int
        Steps to emit.
    cell : {"rnn", "lstm", "gru", "peephole", "cifg"}, default="lstm"
    hidden_size : int, default=64
    num_layers : int, default=1
        Layers of both the encoder and the decoder.
    dropout : float, default=0.0
        Dropout between stacked layers and before the output layer.
    teacher_forcing : float, default=1.0
        Probability of feeding the true previous value while training.
    distribution : {None, "quantile", "gaussian", "student_t"}, default=None
        None: one value per step. Otherwise the output layer is a
        :class:`~skseq.nn.distributions.DistributionHead` with ``n_params``
        outputs per step (``forward`` returns ``(batch, horizon * n_params)``)
        and output ``point_index`` of each step is fed back to the decoder.
    n_params : int, default=1
        Outputs per step of a distribution head.
    quantiles : tuple of float, optional
        Levels of a quantile head (they set its initial spread).
    point_index : int, default=0
        Which of a step's outputs is its point forecast.
    forget_bias, recurrent_init, layer_norm
        As for :class:`RecurrentNet`, for both the encoder and the decoder.
    future_positions : list of list of int or None, default=None
        Known-future covariates: for each horizon step ``h``, the feature
        positions of the input's *last* row that hold values for step
        ``h`` (see ``known_future`` in :func:`skseq.make_supervised`); the
        decoder reads them next to the previous value.
    """

    def __init__(
        self,
        n_features: int,
        horizon: int,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        dropout: float = 0.0,
        teacher_forcing: float = 1.0,
        distribution: str | None = None,
        n_params: int = 1,
        quantiles: tuple[float, ...] | None = None,
        point_index: int = 0,
        forget_bias: float | None = 1.0,
        recurrent_init: str = "default",
        layer_norm: bool = False,
        future_positions: list[list[int]] | None = None,
    ) -> None:
        super().__init__()
        # The encoder is a headless RecurrentNet, so that front padding is
        # packed exactly as in the seq2vec models.
        self.encoder = RecurrentNet(
            n_features,
            None,
            cell=cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout,
            forget_bias=forget_bias,
            recurrent_init=recurrent_init,
            layer_norm=layer_norm,
        )
        if future_positions is not None:
            self.register_buffer(
                "future_positions", torch.tensor(future_positions, dtype=torch.long)
            )
        else:
            self.future_positions = None
        n_known = 0 if future_positions is None else len(future_positions[0])
        self.decoder = make_recurrent_layer(
            cell,
            input_size=1 + n_known,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout,
            forget_bias=forget_bias,
            recurrent_init=recurrent_init,
            layer_norm=layer_norm,
        )
        self.dropout = nn.Dropout(dropout)
        self.out = make_head(hidden_size, 1, distribution, n_params, quantiles)
        self.point_index = point_index
        self.horizon = horizon
        self.teacher_forcing = teacher_forcing

    def forward(
        self,
        X: torch.Tensor,
        lengths: torch.Tensor | None = None,
        y_teacher: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Map windows ``(batch, time, features)`` to ``(batch, horizon * n_params)``."""
        state = self.encoder.rnn_state(X, lengths)
        batch = X.shape[0]
        go = X.new_zeros(batch, 1, 1)
        teaching = self.training and y_teacher is not None
        known = None
        if self.future_positions is not None:
            # (batch, horizon, n_known): step h's known values, from the origin row.
            known = X[:, -1, :][:, self.future_positions]
        if teaching and self.teacher_forcing >= 1.0:
            # Full teacher forcing: the whole shifted target in one call.
            inputs = torch.cat([go, y_teacher[:, :-1, None].to(X.dtype)], dim=1)
            if known is not None:
                inputs = torch.cat([inputs, known], dim=2)
            decoded, _ = self.decoder(inputs, state)
            return self.out(self.dropout(decoded)).flatten(1)
        step_input, outputs = go, []
        for h in range(self.horizon):
            if known is not None:
                step_input = torch.cat([step_input, known[:, h : h + 1]], dim=2)
            decoded, state = self.decoder(step_input, state)
            value = self.out(self.dropout(decoded))  # (batch, 1, n_params)
            outputs.append(value[:, 0, :])
            if teaching and torch.rand(()) < self.teacher_forcing:
                step_input = y_teacher[:, h, None, None].to(X.dtype)
            else:
                point = self.point_index
                step_input = value[:, :, point : point + 1]
        return torch.stack(outputs, dim=1).flatten(1)
