"""Probabilistic forecasts of the recurrent regressors: losses and predictions.

The mixin here turns the ``loss`` and ``quantiles`` parameters into a
distribution head (:mod:`skseq.nn.distributions`), its training criterion
and the methods ``predict_quantiles`` and ``predict_interval``. ``predict``
stays the point forecast: the median for ``loss="quantile"``, the mean (=
the median) for the Gaussian and Student-t heads.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import stats
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..intervals import check_quantiles, interpolate_quantiles, interval_levels
from ..nn.distributions import (
    GaussianNLLLoss,
    PinballLoss,
    StudentTNLLLoss,
    n_params,
    point_index,
)

#: Values of the ``loss`` parameter of the regressors.
LOSSES = ("squared_error", "absolute_error", "quantile", "gaussian", "student_t")

#: Losses of plain point forecasts (no distribution head, no quantile methods).
POINT_LOSSES = ("squared_error", "absolute_error")

PROBABILISTIC_CONSTRAINTS: dict = {
    "loss": [StrOptions(set(LOSSES))],
    "quantiles": ["array-like"],
}

PROBABILISTIC_DOC = """
    loss : {"squared_error", "absolute_error", "quantile", "gaussian", \
"student_t"}, default="squared_error"
        Training loss and output head. ``"squared_error"``: point forecasts
        (MSE), the conditional mean. ``"absolute_error"``: point forecasts
        trained on the mean absolute error (L1), the conditional median:
        the loss to use when forecasts are judged by MAE, and robust to
        outliers in ``y``. ``"quantile"``: one output per target column and level of
        ``quantiles``, trained with the pinball loss; the quantiles are a
        base value plus cumulative positive increments, so they never
        cross. ``"gaussian"``: mean and standard deviation per column,
        trained by maximum likelihood. ``"student_t"``: location and scale
        per column plus degrees of freedom (above 2) learned per column, for
        heavy-tailed targets such as returns (with ``early_stopping`` the
        network's best weights are restored, the degrees of freedom keep
        their last value). ``predict`` gives the median (quantile loss) or
        the mean; ``predict_quantiles`` and ``predict_interval`` give the
        distribution.
    quantiles : sequence of float, default=(0.1, 0.5, 0.9)
        Levels in (0, 1) learned with ``loss="quantile"`` (others are
        interpolated between them by ``predict_quantiles``); with the other
        probabilistic losses, the default levels of ``predict_quantiles``.
"""


def _is_probabilistic(estimator) -> bool:
    """Only models trained for a distribution have the quantile methods."""
    return estimator.loss not in POINT_LOSSES


class ProbabilisticRegressorMixin:
    """Distribution heads, their criteria and quantile/interval prediction.

    Used by ``_RegressorBase``; relies on its ``_forward`` (network outputs,
    standardised) and ``y_mean_``/``y_scale_``/``_y_is_1d``. With
    a point loss (``"squared_error"``, ``"absolute_error"``) the quantile
    methods are absent
    (``hasattr(model, "predict_interval")`` is False), as scikit-learn does
    for ``predict_proba`` of classifiers that cannot give one.
    """

    # -- training ---------------------------------------------------------
    @property
    def _distribution(self) -> str | None:
        return None if self.loss in POINT_LOSSES else self.loss

    def _levels(self) -> np.ndarray:
        return check_quantiles(self.quantiles)

    def _outputs_per_target(self) -> int:
        levels = self._levels() if self.loss == "quantile" else ()
        return n_params(self._distribution, len(levels))

    def _head_kwargs(self) -> dict:
        """Module keyword arguments of the output head (empty for point models)."""
        if self._distribution is None:
            return {}
        kwargs = {
            "distribution": self._distribution,
            "n_params": self._outputs_per_target(),
        }
        if self.loss == "quantile":
            kwargs["quantiles"] = tuple(self._levels().tolist())
        return kwargs

    @property
    def _criterion(self):
        if self.loss == "quantile":
            return functools.partial(PinballLoss, quantiles=self._levels().tolist())
        if self.loss == "gaussian":
            return GaussianNLLLoss
        if self.loss == "student_t":
            return functools.partial(StudentTNLLLoss, n_targets=len(self.y_mean_))
        if self.loss == "absolute_error":
            return nn.L1Loss
        return nn.MSELoss

    # -- prediction -------------------------------------------------------
    def _output_table(self, X) -> np.ndarray:
        """Network outputs in target units, shape (n_samples, n_targets, n_params)."""
        out = self._forward(X)  # a fresh float64 array: scaled in place
        table = out.reshape(out.shape[0], len(self.y_mean_), -1)
        table *= self.y_scale_[:, None]
        table += self.y_mean_[:, None]
        return table

    def _student_df(self) -> np.ndarray:
        return self.net_.criterion_.df.detach().cpu().double().numpy()

    def _quantile_table(self, X, levels: np.ndarray) -> np.ndarray:
        """Quantiles at ``levels``, shape (n_samples, n_targets, n_levels)."""
        table = self._output_table(X)
        if self.loss == "quantile":
            return interpolate_quantiles(table, self.quantiles_, levels)
        loc = table[..., 0:1]
        scale = table[..., 1:2] - table[..., 0:1]
        if self.loss == "gaussian":
            z = stats.norm.ppf(levels)[None, None, :]
        else:
            z = stats.t.ppf(levels[None, :], self._student_df()[:, None])[None]
        return loc + scale * z

    def _point(self, X) -> np.ndarray:
        """Point forecast in target units, shape (n_samples, n_targets)."""
        table = self._output_table(X)
        if self.loss != "quantile":
            return table[..., 0]
        levels = self.quantiles_
        if levels[0] <= 0.5 <= levels[-1]:
            return interpolate_quantiles(table, levels, np.array([0.5]))[..., 0]
        return table[..., point_index("quantile", levels.tolist())]

    def _check_probabilistic(self) -> None:
        check_is_fitted(self, "net_")

    def _shape(self, table: np.ndarray) -> np.ndarray:
        return table[:, 0] if self._y_is_1d else table

    @available_if(_is_probabilistic)
    def predict_quantiles(self, X, quantiles=None) -> np.ndarray:
        """Predict quantiles of the target of each sequence.

        Parameters
        ----------
        X : array-like, same layouts as in ``fit``
        quantiles : sequence of float, optional
            Levels in (0, 1); default: the ``quantiles`` parameter. With
            ``loss="quantile"``, levels between the learned ones are
            interpolated linearly and levels outside them raise ValueError.

        Returns
        -------
        ndarray of shape (n_samples, n_quantiles) if ``y`` was 1-D in ``fit``, \
else (n_samples, horizon, n_quantiles)
            Non-decreasing along the last axis.
        """
        self._check_probabilistic()
        levels = self.quantiles_ if quantiles is None else check_quantiles(quantiles)
        return self._shape(self._quantile_table(X, levels))

    @available_if(_is_probabilistic)
    def predict_interval(self, X, coverage=0.8):
        """Predict the central interval holding ``coverage`` of the distribution.

        Parameters
        ----------
        X : array-like, same layouts as in ``fit``
        coverage : float, default=0.8
            Nominal coverage in (0, 1): the interval runs from the
            ``(1 - coverage) / 2`` to the ``(1 + coverage) / 2`` quantile.

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,) or (n_samples, horizon)
            The shape ``predict`` returns.
        """
        self._check_probabilistic()
        table = self._quantile_table(X, np.array(interval_levels(coverage)))
        return self._shape(table[..., 0]), self._shape(table[..., 1])
