"""Input encoding around a sequence network: normalisation and embeddings.

:class:`NormalizedNet` wraps :class:`~skseq.nn.RecurrentNet` or
:class:`~skseq.nn.Seq2SeqNet`. Before the recurrence it embeds the columns
that hold integer category codes and normalises the others; after the head
it maps every output back with one positive affine map per sample. This is
the only place where skseq's estimators normalise inside the network.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import torch
from torch import nn

#: Values of ``normalize``.
NORMALIZE_MODES = ("window", "delta", "global")

#: Window location: the last observed value or the mean of the window.
LOCATIONS = ("last", "mean")


def default_embedding_dim(n_categories: int) -> int:
    """Embedding width used when ``embedding_dim`` is None: ``min(16, (n + 1) // 2)``."""
    return max(1, min(16, (n_categories + 1) // 2))


def window_statistics(
    X: torch.Tensor, lengths: torch.Tensor | None, location: str = "last"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Location and standard deviation of every window and feature.

    Parameters
    ----------
    X : Tensor of shape (batch, time, features)
        Windows, front padding (any value) in the first ``time - lengths``
        steps of each row.
    lengths : Tensor of shape (batch,) or None
        Observed steps per window; None when nothing is padded.
    location : {"last", "mean"}, default="last"
        The last observed value (the origin of a forecast) or the mean of the
        observed steps.

    Returns
    -------
    loc, std : Tensors of shape (batch, 1, features)
        Computed over the observed steps only; ``std`` is the population
        standard deviation (0 for a constant or one-step window).
    """
    n_steps = X.shape[1]
    if lengths is None or bool((lengths >= n_steps).all()):
        var, mean = torch.var_mean(X, dim=1, keepdim=True, correction=0)
    else:
        lengths = lengths.to(X.device)
        steps = torch.arange(n_steps, device=X.device)
        observed = (steps[None, :] >= (n_steps - lengths)[:, None]).to(X.dtype)
        observed = observed[:, :, None]
        count = lengths.to(X.dtype)[:, None, None]
        mean = (X * observed).sum(dim=1, keepdim=True) / count
        var = ((X - mean).square() * observed).sum(dim=1, keepdim=True) / count
    loc = X[:, -1:, :] if location == "last" else mean
    return loc, var.sqrt()


class NormalizedNet(nn.Module):
    """A sequence network behind input normalisation and embeddings.

    Parameters
    ----------
    inner : type of nn.Module
        The network class (:class:`RecurrentNet` or :class:`Seq2SeqNet`); it is
        built with ``n_features`` set to the width of the encoded input.
    inner_kwargs : dict
        Its other arguments.
    n_features : int
        Features per time step of the raw input.
    normalize : {"window", "global"} or None
        ``"window"``: every window and continuous feature is centred on its
        own location (see ``location``) and divided by its own standard
        deviation, computed from the lookback only (RevIN-style); with
        ``target_index`` set, outputs ``z`` are mapped back to
        ``loc + scale * z`` with the window statistics of the target column.
        ``"global"``: the training mean and standard deviation of each
        feature (``feature_mean``, ``feature_scale``). ``"delta"``: inputs
        as ``"global"``; outputs are departures from the last observed
        value of the target column, ``last + delta_scale * z`` (in
        standardised target units). None: the raw values.
    feature_mean, feature_scale : sequence of float
        Training statistics of every raw feature (used by ``"global"``;
        ``feature_scale`` also sets the floor of window scales).
    categorical : sequence of int, default=()
        Raw feature columns holding integer category codes; they are embedded
        and never normalised.
    n_categories : sequence of int, default=()
        Size of each categorical column's code range (``max code + 1``).
    embedding_dims : sequence of int, default=()
        Width of each categorical column's embedding.
    target_index : int or None, default=None
        Raw feature column holding the target series, in the target's units;
        None leaves outputs unmapped.
    y_mean, y_scale : float, default=0.0, 1.0
        The target's global standardisation: outputs are returned (and the
        decoder's teacher values taken) in those standardised units.
    location : {"last", "mean"}, default="last"
        Window location.
    delta_scale : float, default=1.0
        Unit of the ``"delta"`` outputs in standardised target units (the
        estimators pass the spread of the target's one-step changes divided
        by ``y_scale``).
    scale_floor : float, default=1e-2
        Window scales below ``scale_floor * feature_scale`` are raised to it,
        so constant windows give finite, location-valued output.
    """

    def __init__(
        self,
        inner: type[nn.Module],
        inner_kwargs: dict,
        n_features: int,
        normalize: str | None,
        feature_mean: Sequence[float],
        feature_scale: Sequence[float],
        categorical: Sequence[int] = (),
        n_categories: Sequence[int] = (),
        embedding_dims: Sequence[int] = (),
        target_index: int | None = None,
        y_mean: float = 0.0,
        y_scale: float = 1.0,
        location: str = "last",
        scale_floor: float = 1e-2,
        delta_scale: float = 1.0,
    ) -> None:
        super().__init__()
        if normalize is not None and normalize not in NORMALIZE_MODES:
            raise ValueError(
                f"normalize must be one of {NORMALIZE_MODES} or None, got {normalize!r}."
            )
        if location not in LOCATIONS:
            raise ValueError(f"location must be one of {LOCATIONS}, got {location!r}.")
        categorical = [int(c) for c in categorical]
        continuous = [f for f in range(n_features) if f not in set(categorical)]
        if target_index is not None and target_index not in continuous:
            raise ValueError(
                f"target_index={target_index} must be a continuous feature column "
                f"(one of {continuous})."
            )
        self.normalize = normalize
        self.location = location
        self.register_buffer("continuous", torch.tensor(continuous, dtype=torch.long))
        # The continuous columns as one (start, length) block when they are
        # contiguous (codes first or last, the usual layout): a view instead of
        # an index_select copy per batch.
        contiguous = bool(continuous) and continuous == list(
            range(continuous[0], continuous[-1] + 1)
        )
        self._continuous_block = (
            (continuous[0], len(continuous)) if contiguous else None
        )
        self.categorical = categorical
        mean = torch.tensor(feature_mean, dtype=torch.float32)[continuous]
        scale = torch.tensor(feature_scale, dtype=torch.float32)[continuous]
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        self.register_buffer("feature_mean", mean)
        self.register_buffer("feature_scale", scale)
        self.register_buffer("scale_floor", float(scale_floor) * scale)
        # Position of the target among the continuous columns.
        self.target = None if target_index is None else continuous.index(target_index)
        self.y_mean = float(y_mean)
        self.y_scale = float(y_scale)
        if not delta_scale > 0:
            raise ValueError(f"delta_scale must be > 0, got {delta_scale!r}.")
        self.delta_scale = float(delta_scale)
        self.embeddings = nn.ModuleList(
            nn.Embedding(int(n), int(d))
            for n, d in zip(n_categories, embedding_dims, strict=True)
        )
        width = len(continuous) + sum(int(d) for d in embedding_dims)
        self.inner = inner(n_features=width, **inner_kwargs)

    def attention_weights(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The inner network's attention weights, computed on encoded inputs.

        Parameters
        ----------
        X : Tensor of shape (batch, time, features)
            Raw inputs, as the estimator passes them to ``forward``.
        lengths : Tensor of shape (batch,) or None

        Returns
        -------
        Tensor of shape (batch, time)
        """
        encoded, _, _ = self.encode_inputs(X, lengths)
        return self.inner.attention_weights(encoded, lengths)

    def __getattr__(self, name: str):
        # The inner network's parts (``rnn``, ``head``, ``encode``...) stay
        # reachable as attributes of the wrapper.
        try:
            return super().__getattr__(name)
        except AttributeError:
            inner = super().__getattr__("inner")
            return getattr(inner, name)

    def encode_inputs(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """Normalised continuous features followed by the embeddings.

        Returns
        -------
        encoded : Tensor of shape (batch, time, width)
        loc, scale : Tensors of shape (batch, 1) or None
            The output map in standardised target units (window mode with a
            target column), else None.
        """
        values = self._continuous_values(X)
        loc = scale = None
        if self.normalize == "window":
            # Inputs without gradients (training, predict): the statistics
            # and the scaling run outside autograd, which saves a few
            # microseconds per operation; a gradient w.r.t. X still flows.
            with contextlib.nullcontext() if X.requires_grad else torch.no_grad():
                win_loc, win_std = window_statistics(values, lengths, self.location)
                win_std = torch.maximum(win_std, self.scale_floor)
                values = (values - win_loc).div_(win_std)
                if self.target is not None:
                    # (batch, 1): the target column's statistics, in the
                    # standardised target units of the outputs.
                    loc = (win_loc[:, :, self.target] - self.y_mean).div_(self.y_scale)
                    scale = win_std[:, :, self.target] / self.y_scale
        else:
            if self.normalize == "delta" and self.target is not None:
                last = values[:, -1, self.target, None]
                loc = (last - self.y_mean) / self.y_scale
                scale = torch.full_like(loc, self.delta_scale)
            if self.normalize in ("global", "delta"):
                values = (values - self.feature_mean) / self.feature_scale
        if self.categorical:
            values = torch.cat([values] + self.embed_codes(X), dim=2)
        return values, loc, scale

    def _continuous_values(self, X: torch.Tensor) -> torch.Tensor:
        if not self.categorical:
            return X
        block = getattr(self, "_continuous_block", None)  # absent in old pickles
        if block is not None:
            return X.narrow(2, *block)
        return X.index_select(2, self.continuous)

    def embed_codes(self, X: torch.Tensor) -> list[torch.Tensor]:
        """The embedding of every categorical column of ``X``.

        Parameters
        ----------
        X : Tensor of shape (batch, time, features)
            Raw inputs; the ``categorical`` columns hold integer codes.

        Returns
        -------
        list of Tensors of shape (batch, time, embedding width)
            One per column of ``categorical``, in that order.

        Notes
        -----
        On the CPU the rows are gathered with ``index_select`` on each
        table's weight: the same lookup as ``nn.Embedding`` with the same
        gradient, but its backward (``index_add_``) costs about a fifth of
        ``nn.Embedding``'s CPU backward, which walks the codes one at a time
        (0.24 against 0.05 ms for a batch of 64 windows of 64 steps, about
        2 % of a training step of a 64-unit LSTM). Other devices call the
        ``nn.Embedding`` modules.
        """
        out = []
        for column, emb in zip(self.categorical, self.embeddings, strict=True):
            codes = X[:, :, column].long()  # (batch, time)
            if codes.device.type == "cpu":
                rows = emb.weight.index_select(0, codes.reshape(-1))
                out.append(rows.view(*codes.shape, emb.embedding_dim))
            else:
                out.append(emb(codes))
        return out

    def forward(
        self,
        X: torch.Tensor,
        lengths: torch.Tensor | None = None,
        y_teacher: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Encode ``X``, run the inner network and map its outputs back.

        Every output column of a sample goes through the same positive affine
        map ``loc + scale * z``, so outputs that are all locations of the
        target (horizon steps, quantiles) stay consistent.
        """
        encoded, loc, scale = self.encode_inputs(X, lengths)
        if y_teacher is None:
            out = self.inner(encoded, lengths)
        else:
            if loc is not None:
                y_teacher = (y_teacher - loc) / scale
            out = self.inner(encoded, lengths, y_teacher=y_teacher)
        if loc is None:
            return out
        if out.ndim > 2:  # (batch, horizon, parameters): one map per sample
            shape = (-1,) + (1,) * (out.ndim - 1)
            loc, scale = loc.view(shape), scale.view(shape)
        return loc + scale * out
