"""Conformal prediction intervals around any skseq regressor.

:class:`ConformalRegressor` fits a regressor on the older part of the
training windows and calibrates its absolute errors on the newest slice (a
gap of ``horizon - 1`` samples between them, so no training target lies in
the calibration period). The interval of step ``h`` is the forecast plus or
minus the conformal quantile of step ``h``'s calibration errors:

* ``method="split"``: split conformal prediction (Vovk et al., 2005; Lei et
  al., 2018). With exchangeable errors the interval covers at least the
  nominal share; with a rolling ``window`` of the newest errors it follows
  slow changes.
* ``method="adaptive"``: adaptive conformal inference (Gibbs and Candès,
  2021). As targets are observed (:meth:`ConformalRegressor.update`, or
  :meth:`ConformalRegressor.predict_interval_online` over a held-out period)
  the miscoverage level ``alpha_t`` moves by ``step_size * (alpha - miss)``,
  so the long-run coverage approaches the nominal one even when the error
  distribution drifts.

The wrapper works on skseq's window layout (3-D ``X``, NaN front padding,
multi-step ``y``) where MAPIE's estimators expect 2-D tables; for a univariate
series MAPIE's ``TimeSeriesRegressor`` can wrap a skseq regressor directly
(the README shows how).
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _num_samples, check_is_fitted

from .intervals import check_coverage, check_quantiles
from .model_selection import _take

__all__ = ["ConformalRegressor"]


def conformal_quantile(scores: np.ndarray, alpha: float) -> float:
    """The ``ceil((n + 1)(1 - alpha)) / n`` empirical quantile of ``scores``.

    Parameters
    ----------
    scores : ndarray of shape (n,)
        Calibration scores (absolute errors).
    alpha : float
        Miscoverage level; may leave (0, 1) under adaptive updates.

    Returns
    -------
    float
        ``inf`` when there are too few scores for that level (``alpha``
        below ``1 / (n + 1)``), 0 when ``alpha >= 1``.
    """
    n = scores.shape[0]
    if alpha >= 1:
        return 0.0
    rank = int(np.ceil((n + 1) * (1 - alpha)))
    if n == 0 or rank > n:
        return float("inf")
    return float(np.partition(scores, rank - 1)[rank - 1])


class ConformalRegressor(RegressorMixin, BaseEstimator):
    """Calibrated prediction intervals for any regressor, on the newest slice.

    Parameters
    ----------
    estimator : regressor
        Any scikit-learn regressor or Pipeline predicting ``y`` from the
        windows: a skseq network, a baseline, ``make_pipeline(FlattenWindows(),
        Ridge())``. It is cloned and fitted on the older part of the data.
    method : {"split", "adaptive"}, default="split"
        Split conformal, or adaptive conformal inference (the miscoverage
        level adapts as targets are observed; see the module docstring).
    coverage : float, default=0.8
        Nominal coverage, the default of :meth:`predict_interval` and the
        target of the adaptive updates.
    calibration_fraction : float, default=0.2
        Share of the (newest) samples that calibrate; the rest, minus the
        gap, trains.
    gap : int or None, default=None
        Samples left out between the training part and the calibration part;
        None: ``horizon - 1`` (the columns of ``y`` minus one), so no training
        target overlaps a calibration target.
    window : int or None, default=None
        Use only the newest ``window`` errors (calibration and later
        updates) per step; None keeps them all.
    step_size : float, default=0.005
        Learning rate ``gamma`` of the adaptive miscoverage level.

    Attributes
    ----------
    estimator_ : estimator
        The regressor fitted on the training part.
    scores_ : list of ndarray, one per horizon step
        Absolute errors used for calibration, oldest first (calibration
        errors, then those added by :meth:`update` or
        :meth:`predict_interval_online`).
    alpha_ : ndarray of shape (horizon,)
        Current miscoverage level per step (``1 - coverage`` for "split").
    n_calibration_ : int
        Samples in the calibration slice.
    horizon_ : int
        Columns of ``y``.

    Notes
    -----
    Symmetric intervals ``forecast -/+ q_h`` have the width of the forecast's
    typical error, not of the current noise level; to let the width follow
    the noise, use a probabilistic network (``loss="quantile"``) instead or
    as well. ``X`` must be in time order (forecast origins oldest first).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.baselines import NaiveRegressor
    >>> from skseq.conformal import ConformalRegressor
    >>> rng = np.random.default_rng(0)
    >>> series = np.cumsum(rng.normal(size=1200))
    >>> X = np.lib.stride_tricks.sliding_window_view(series[:-1], 10)
    >>> y = series[10:]
    >>> model = ConformalRegressor(NaiveRegressor(), coverage=0.8).fit(X[:800], y[:800])
    >>> lower, upper = model.predict_interval(X[800:])
    >>> bool(0.7 < np.mean((lower <= y[800:]) & (y[800:] <= upper)) < 0.9)
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "method": [StrOptions({"split", "adaptive"})],
        "coverage": [Interval(Real, 0, 1, closed="neither")],
        "calibration_fraction": [Interval(Real, 0, 1, closed="neither")],
        "gap": [Interval(Integral, 0, None, closed="left"), None],
        "window": [Interval(Integral, 1, None, closed="left"), None],
        "step_size": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        estimator,
        *,
        method="split",
        coverage=0.8,
        calibration_fraction=0.2,
        gap=None,
        window=None,
        step_size=0.005,
    ):
        self.estimator = estimator
        self.method = method
        self.coverage = coverage
        self.calibration_fraction = calibration_fraction
        self.gap = gap
        self.window = window
        self.step_size = step_size

    # -- fit -------------------------------------------------------------
    def fit(self, X: Any, y: Any) -> ConformalRegressor:
        """Fit the regressor on the older samples, calibrate on the newest.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Windows in time order (e.g. from :func:`skseq.make_supervised`).
        y : array-like of shape (n_samples,) or (n_samples, horizon)

        Returns
        -------
        self
        """
        self._validate_params()
        if y is None:
            raise ValueError(
                "ConformalRegressor requires y to be passed, but the target y is None."
            )
        y_values = _as_2d(y)
        n = y_values.shape[0]
        if _num_samples(X) != n:
            raise ValueError(
                f"X and y have inconsistent numbers of samples: {_num_samples(X)} "
                f"and {n}."
            )
        if issparse(X):
            raise TypeError(
                "ConformalRegressor does not accept sparse input: pass a dense "
                "array of windows (X.toarray())."
            )
        X, y = _indexable(X), _indexable(y)
        self.y_ndim_ = np.asarray(y).ndim
        self.horizon_ = y_values.shape[1]
        gap = self.horizon_ - 1 if self.gap is None else int(self.gap)
        n_cal = int(np.ceil(n * float(self.calibration_fraction)))
        n_train = n - n_cal - gap
        if n_cal < 2 or n_train < 1:
            raise ValueError(
                f"ConformalRegressor needs at least 2 calibration samples and 1 "
                f"training sample: {n} samples with calibration_fraction="
                f"{self.calibration_fraction} and gap={gap} leave {n_train} for "
                f"training and {n_cal} for calibration. Pass more samples or "
                "change calibration_fraction."
            )
        train, cal = np.arange(n_train), np.arange(n - n_cal, n)
        self.estimator_ = clone(self.estimator).fit(_take(X, train), _take(y, train))
        pred = _as_2d(self.estimator_.predict(_take(X, cal)))
        errors = np.abs(y_values[cal] - pred)
        self.scores_ = [self._trim(errors[:, k]) for k in range(self.horizon_)]
        self.n_calibration_ = n_cal
        self.alpha_ = np.full(self.horizon_, 1.0 - float(self.coverage))
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        return self

    def _trim(self, scores: np.ndarray) -> np.ndarray:
        return scores if self.window is None else scores[-int(self.window) :]

    # -- predict ---------------------------------------------------------
    def predict(self, X: Any) -> np.ndarray:
        """Point forecasts of the wrapped regressor.

        Parameters
        ----------
        X : array-like
            Windows, as in :meth:`fit`.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, horizon)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    def _half_widths(self, coverage: float | None) -> np.ndarray:
        """Conformal quantile of the errors per step, shape (horizon,)."""
        if coverage is None or (
            self.method == "adaptive" and check_coverage(coverage) == self.coverage
        ):
            alphas = (
                self.alpha_
                if self.method == "adaptive"
                else np.full(self.horizon_, 1.0 - float(self.coverage))
            )
        elif self.method == "adaptive":
            raise ValueError(
                f"This adaptive ConformalRegressor tracks coverage={self.coverage}; "
                f"it has no adapted level for coverage={coverage}. Pass "
                "coverage=None, or fit one per coverage (or use method='split')."
            )
        else:
            alphas = np.full(self.horizon_, 1.0 - check_coverage(coverage))
        return np.array(
            [
                conformal_quantile(self.scores_[k], float(alphas[k]))
                for k in range(self.horizon_)
            ]
        )

    def _shape(self, values: np.ndarray) -> np.ndarray:
        return values[:, 0] if self.y_ndim_ == 1 else values

    def predict_interval(
        self, X: Any, coverage: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Forecast minus and plus the conformal quantile of the errors.

        Parameters
        ----------
        X : array-like
        coverage : float or None, default=None
            Nominal coverage; None: the ``coverage`` parameter (with
            ``method="adaptive"``, at its current adapted level; other values
            are for ``method="split"`` only).

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,) or (n_samples, horizon)
        """
        check_is_fitted(self, "estimator_")
        point = _as_2d(self.estimator_.predict(X))
        half = self._half_widths(coverage)
        return self._shape(point - half), self._shape(point + half)

    def predict_quantiles(self, X: Any, quantiles: Any = None) -> np.ndarray:
        """Quantiles of the symmetric conformal predictive distribution.

        Level ``q`` is the forecast plus (``q > 0.5``) or minus (``q < 0.5``)
        the split-conformal quantile of the errors at coverage ``|2q - 1|``;
        0.5 is the forecast itself.

        Parameters
        ----------
        X : array-like
        quantiles : sequence of float, optional
            Levels in (0, 1); default ``((1 - coverage) / 2, 0.5,
            (1 + coverage) / 2)``.

        Returns
        -------
        ndarray of shape (n_samples, n_quantiles) or (n_samples, horizon, n_quantiles)
        """
        check_is_fitted(self, "estimator_")
        c = float(self.coverage)
        levels = check_quantiles(
            ((1 - c) / 2, 0.5, (1 + c) / 2) if quantiles is None else quantiles
        )
        point = _as_2d(self.estimator_.predict(X))
        out = np.empty(point.shape + (levels.size,))
        for j, q in enumerate(levels):
            alpha = 1.0 - abs(2 * q - 1)
            half = np.array(
                [
                    conformal_quantile(self.scores_[k], alpha) if q != 0.5 else 0.0
                    for k in range(self.horizon_)
                ]
            )
            out[..., j] = point + np.sign(q - 0.5) * half
        return out[:, 0] if self.y_ndim_ == 1 else out

    # -- online ----------------------------------------------------------
    def update(self, X: Any, y: Any) -> ConformalRegressor:
        """Add newly observed targets: their errors join the calibration set.

        With ``method="adaptive"``, each row (in time order) first updates
        the miscoverage level: ``alpha += step_size * (alpha_nominal -
        miss)``, ``miss`` being 1 when the row's target fell outside the
        interval the current level gives. The wrapped regressor is not
        refitted.

        Parameters
        ----------
        X : array-like
            Windows whose targets (all horizon steps) are now observed.
        y : array-like of shape (n_samples,) or (n_samples, horizon)

        Returns
        -------
        self
        """
        check_is_fitted(self, "estimator_")
        errors = np.abs(_as_2d(y) - _as_2d(self.estimator_.predict(X)))
        for row in errors:
            for k in range(self.horizon_):
                self._observe(float(row[k]), k)
        return self

    def _observe(self, error: float, k: int) -> None:
        """Add one error of step ``k`` (after the adaptive update)."""
        scores = self.scores_[k]
        if self.method == "adaptive":
            miss = float(error > conformal_quantile(scores, float(self.alpha_[k])))
            nominal = 1.0 - float(self.coverage)
            self.alpha_[k] += float(self.step_size) * (nominal - miss)
        self.scores_[k] = self._trim(np.append(scores, error))

    def predict_interval_online(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Intervals over a period, recalibrating as each target is observed.

        ``X`` holds consecutive forecast origins, one time step apart (as
        :func:`skseq.make_supervised` gives). The interval of origin ``t`` is
        computed from the errors known at ``t``: step ``h`` of origin ``s``
        is known once ``s + h <= t``. This is how the wrapper would have run
        live, so it is the honest way to measure the coverage of
        ``method="adaptive"`` (or of ``"split"`` with a rolling ``window``)
        on a held-out period. The fitted state (errors, adapted levels)
        moves on to the end of the period.

        Parameters
        ----------
        X : array-like
        y : array-like of shape (n_samples,) or (n_samples, horizon)

        Returns
        -------
        lower, upper : ndarray of shape (n_samples,) or (n_samples, horizon)
        """
        check_is_fitted(self, "estimator_")
        point = _as_2d(self.estimator_.predict(X))
        errors = np.abs(_as_2d(y) - point)
        n, H = point.shape
        half = np.empty((n, H))
        for t in range(n):
            for k in range(H):
                s = t - (k + 1)  # origin whose step k + 1 is observed by t
                if s >= 0:
                    self._observe(float(errors[s, k]), k)
            half[t] = self._half_widths(None)
        return self._shape(point - half), self._shape(point + half)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        return tags


def _indexable(a: Any) -> Any:
    """``a`` itself if rows can be taken from it, else as an array."""
    return a if hasattr(a, "__getitem__") else np.asarray(a)


def _as_2d(y: Any) -> np.ndarray:
    arr = np.asarray(y, dtype=np.float64)
    return arr[:, None] if arr.ndim == 1 else arr
