"""Distribution heads and their losses: quantiles, Gaussian and Student-t.

Every head emits *location-like* values only: numbers in the units of the
target that stay valid when a positive affine map ``loc + scale * z`` is
applied to all of them (the estimators' target standardisation, or a
per-sample normalisation). So

* the quantile head emits ordered quantiles, built from a base value (the
  quantile nearest the median) and cumulative softplus increments on either
  side (they never cross, and a positive scale keeps them ordered);
* the Gaussian and Student-t heads emit two points, ``mu`` and
  ``mu + sigma``; ``sigma`` is their difference, positive by construction.

The degrees of freedom of the Student-t are not location-like: they are a
learned parameter of the loss, one per target column (horizon step), not a
per-sample output.

Outputs are laid out target-major: column ``t * n_params + k`` holds
parameter ``k`` of target ``t``, so ``out.reshape(batch, n_targets, n_params)``
separates them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

#: Names of the distribution heads.
DISTRIBUTIONS = ("quantile", "gaussian", "student_t")

# Smallest sigma (in the units the network sees, usually standardised).
MIN_SCALE = 1e-4
# Student-t degrees of freedom are kept above this (finite variance).
MIN_DF = 2.0
# Initial degrees of freedom of the Student-t loss.
INITIAL_DF = 5.0

_REDUCTIONS = ("mean", "sum", "none")


def n_params(distribution: str | None, n_quantiles: int = 3) -> int:
    """Outputs per target column for a head."""
    if distribution is None:
        return 1
    if distribution == "quantile":
        return int(n_quantiles)
    if distribution in ("gaussian", "student_t"):
        return 2
    raise ValueError(
        f"distribution must be None or one of {DISTRIBUTIONS}, got {distribution!r}."
    )


class DistributionHead(nn.Module):
    """Linear layer followed by the constraints of a distribution head.

    Parameters
    ----------
    in_features : int
        Size of the hidden representation.
    n_targets : int
        Target columns (horizon steps).
    distribution : {"quantile", "gaussian", "student_t"}
    n_params : int
        Outputs per target: the number of quantiles, or 2 (``mu`` and
        ``mu + sigma``) for the parametric heads.
    quantiles : sequence of float, optional
        Levels of the quantile head. The increments start at the gaps
        between the standard normal's quantiles at these levels (evenly
        spaced levels when None), and the parametric heads start with
        ``sigma = 1``: the right spread for a standardised target.

    Notes
    -----
    The weights of the increments and of ``sigma`` start at zero, so the
    initial spread is the same for every input and training starts from a
    calibrated standard-normal forecast instead of from arbitrary widths.
    """

    def __init__(
        self,
        in_features: int,
        n_targets: int,
        distribution: str,
        n_params: int,
        quantiles: Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        if distribution not in DISTRIBUTIONS:
            raise ValueError(
                f"distribution must be one of {DISTRIBUTIONS}, got {distribution!r}."
            )
        self.distribution = distribution
        self.n_targets = int(n_targets)
        self.n_params = int(n_params)
        self.linear = nn.Linear(in_features, self.n_targets * self.n_params)
        if distribution == "quantile":
            levels = (
                [(i + 1) / (self.n_params + 1) for i in range(self.n_params)]
                if quantiles is None
                else [float(q) for q in quantiles]
            )
            self.center = point_index("quantile", levels)
            normal = torch.distributions.Normal(0.0, 1.0)
            z = normal.icdf(torch.tensor(levels, dtype=torch.float64))
            gaps = (z[1:] - z[:-1]).clamp_min(1e-3)
        else:
            self.center = 0
            gaps = torch.tensor([1.0 - MIN_SCALE], dtype=torch.float64)
        self._init_spread(gaps)

    def _init_spread(self, gaps: torch.Tensor) -> None:
        """Zero weights and inverse-softplus biases for the spread outputs."""
        inverse_softplus = torch.log(torch.expm1(gaps)).float()
        with torch.no_grad():
            weight = self.linear.weight.view(self.n_targets, self.n_params, -1)
            bias = self.linear.bias.view(self.n_targets, self.n_params)
            weight[:, 1:] = 0.0
            bias[:, 1:] = inverse_softplus

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """Map ``(..., in_features)`` to ``(..., n_targets * n_params)``."""
        raw = self.linear(hidden).unflatten(-1, (self.n_targets, self.n_params))
        base, rest = raw[..., :1], raw[..., 1:]
        if self.distribution == "quantile":
            # Cumulative positive increments, shifted so that the quantile
            # nearest the median is ``base``: ordered quantiles.
            steps = torch.cumsum(F.softplus(rest), dim=-1)
            offsets = torch.cat([torch.zeros_like(base), steps], dim=-1)
            out = base + offsets - offsets[..., self.center : self.center + 1]
        else:
            out = torch.cat([base, base + F.softplus(rest) + MIN_SCALE], dim=-1)
        return out.flatten(-2)


def make_head(
    in_features: int,
    n_targets: int,
    distribution: str | None = None,
    n_params: int = 1,
    quantiles: Sequence[float] | None = None,
) -> nn.Module:
    """The output layer: plain ``nn.Linear`` for point forecasts, else a
    :class:`DistributionHead`."""
    if distribution is None:
        return nn.Linear(in_features, n_targets)
    return DistributionHead(in_features, n_targets, distribution, n_params, quantiles)


def point_index(distribution: str | None, quantiles: Sequence[float] = ()) -> int:
    """Which of a target's outputs is its point forecast (fed back by seq2seq).

    The quantile nearest to the median, or ``mu`` for the parametric heads.
    """
    if distribution == "quantile":
        return min(range(len(quantiles)), key=lambda i: abs(quantiles[i] - 0.5))
    return 0


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_reduction(reduction: str) -> str:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}.")
    return reduction


def _split(y_pred: torch.Tensor, y_true: torch.Tensor, k: int):
    """Reshape the flat outputs to (batch, n_targets, k) and y to (batch, n_targets)."""
    y_true = y_true.reshape(y_true.shape[0], -1)
    return y_pred.reshape(y_true.shape[0], y_true.shape[1], k), y_true


class PinballLoss(nn.Module):
    """Pinball (quantile) loss averaged over the quantile levels.

    ``rho_q(u) = max(q u, (q - 1) u)`` with ``u = y - y_q``.

    Parameters
    ----------
    quantiles : sequence of float
        Levels in (0, 1), in the order of the head's outputs (increasing).
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"none"`` returns one loss per sample and target column,
        shape ``(batch, n_targets)`` (like ``nn.MSELoss``).
    """

    def __init__(self, quantiles: Sequence[float], reduction: str = "mean") -> None:
        super().__init__()
        self.register_buffer(
            "quantiles",
            torch.tensor([float(q) for q in quantiles], dtype=torch.float32),
        )
        self.reduction = _check_reduction(reduction)

    def forward(self, y_pred: torch.Tensor, y_true: torch.Tensor) -> torch.Tensor:
        pred, y = _split(y_pred, y_true, len(self.quantiles))
        u = y[..., None].to(pred.dtype) - pred
        q = self.quantiles.to(pred.dtype)
        loss = torch.maximum(q * u, (q - 1) * u).mean(dim=-1)
        return _reduce(loss, self.reduction)


class GaussianNLLLoss(nn.Module):
    """Negative log-likelihood of a normal distribution given ``(mu, mu + sigma)``.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"none"`` returns shape ``(batch, n_targets)``.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _check_reduction(reduction)

    def forward(self, y_pred: torch.Tensor, y_true: torch.Tensor) -> torch.Tensor:
        pred, y = _split(y_pred, y_true, 2)
        mu, sigma = pred[..., 0], (pred[..., 1] - pred[..., 0]).clamp_min(MIN_SCALE)
        z = (y.to(mu.dtype) - mu) / sigma
        loss = 0.5 * z**2 + torch.log(sigma) + 0.5 * math.log(2 * math.pi)
        return _reduce(loss, self.reduction)


class StudentTNLLLoss(nn.Module):
    """Negative log-likelihood of a Student-t given ``(mu, mu + sigma)``.

    The degrees of freedom ``df = 2 + softplus(raw_df)`` (finite variance)
    are learned with the network, one per target column; :attr:`df` gives
    their current values.

    Parameters
    ----------
    n_targets : int
        Target columns (horizon steps).
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"none"`` returns shape ``(batch, n_targets)``.
    """

    def __init__(self, n_targets: int, reduction: str = "mean") -> None:
        super().__init__()
        start = math.log(math.expm1(INITIAL_DF - MIN_DF))
        self.raw_df = nn.Parameter(torch.full((int(n_targets),), start))
        self.reduction = _check_reduction(reduction)

    @property
    def df(self) -> torch.Tensor:
        """Degrees of freedom per target column."""
        return MIN_DF + F.softplus(self.raw_df)

    def forward(self, y_pred: torch.Tensor, y_true: torch.Tensor) -> torch.Tensor:
        pred, y = _split(y_pred, y_true, 2)
        mu, sigma = pred[..., 0], (pred[..., 1] - pred[..., 0]).clamp_min(MIN_SCALE)
        df = self.df.to(mu.dtype)
        z = (y.to(mu.dtype) - mu) / sigma
        loss = (
            torch.lgamma(df / 2)
            - torch.lgamma((df + 1) / 2)
            + 0.5 * torch.log(df * math.pi)
            + torch.log(sigma)
            + (df + 1) / 2 * torch.log1p(z**2 / df)
        )
        return _reduce(loss, self.reduction)
