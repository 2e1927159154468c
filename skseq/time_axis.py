"""Transformers along the time axis of windows and sequences.

* :class:`LastSteps`: keep the newest ``lookback`` steps of every window, so
  that a grid search can tune the lookback while every candidate sees the
  same samples.
* :class:`ResampleSequences`: stretch every sequence to one length by linear
  interpolation, so that estimators needing a fixed number of columns (1-NN,
  linear models on :class:`~skseq.FlattenWindows`) read variable-length sets.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from skseq.base import SequenceEstimatorMixin

__all__ = ["LastSteps", "ResampleSequences"]


class LastSteps(SequenceEstimatorMixin, TransformerMixin, BaseEstimator):
    """Keep the newest ``lookback`` time steps of every window.

    Put first in a pipeline, it turns the lookback into a hyperparameter
    (``last__lookback``) that :class:`~sklearn.model_selection.GridSearchCV`
    searches while every candidate is scored on exactly the same forecast
    origins: build the windows once with the longest lookback (for example
    with :func:`skseq.make_supervised`) and let each candidate keep the part
    it wants. Slicing keeps a view: nothing is copied.

    Parameters
    ----------
    lookback : int >= 1 or None, default=None
        Time steps to keep; None keeps the whole window. It must not exceed
        the window length.

    Attributes
    ----------
    n_features_in_ : int
        Features per time step seen in ``fit``.
    n_timesteps_in_ : int
        Length of the windows seen in ``fit``.

    See Also
    --------
    skseq.make_supervised : windows and targets of a forecasting problem.

    Notes
    -----
    NaN (front padding) is passed through as it is. A 2-D array or
    DataFrame ``(n_samples, n_timesteps)`` is read as univariate windows and
    stays 2-D; a list of sequences comes back 3-D.
    Windows at ``transform`` may be longer than those seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from skseq import FlattenWindows, LastSteps
    >>> X = np.random.default_rng(0).normal(size=(60, 12, 2))
    >>> y = X[:, -1, 0]
    >>> LastSteps(lookback=3).fit_transform(X).shape
    (60, 3, 2)
    >>> pipe = make_pipeline(LastSteps(), FlattenWindows(), Ridge())
    >>> search = GridSearchCV(pipe, {"laststeps__lookback": [1, 6, 12]}, cv=3)
    >>> search.fit(X, y).best_params_
    {'laststeps__lookback': 1}
    """

    _nan_passthrough = True
    _parameter_constraints: dict = {
        "lookback": [Interval(Integral, 1, None, closed="left"), None]
    }

    def __init__(self, lookback: int | None = None):
        self.lookback = lookback

    def _steps(self, n_timesteps: int) -> int:
        if self.lookback is None:
            return n_timesteps
        if self.lookback > n_timesteps:
            raise ValueError(
                f"lookback={self.lookback} is longer than the windows "
                f"({n_timesteps} time steps): build longer windows or lower "
                "the lookback."
            )
        return int(self.lookback)

    def fit(self, X: Any, y: Any = None) -> LastSteps:
        """Check the lookback against the window length.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Windows, oldest time step first.
        y : None
            Ignored.

        Returns
        -------
        self : LastSteps
        """
        self._validate_params()
        X3 = self._validate_windows(X, reset=True)
        self._steps(X3.shape[1])
        self.n_timesteps_in_ = int(X3.shape[1])
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Return the newest ``lookback`` steps of every window (a view).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Windows with the features seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, lookback, n_features) or (n_samples, lookback)
        """
        check_is_fitted(self, "n_timesteps_in_")
        X3 = self._validate_windows(X, reset=False)
        two_d = not isinstance(X, (list, tuple)) and np.asarray(X).ndim == 2
        kept = X3[:, X3.shape[1] - self._steps(X3.shape[1]) :]
        return kept[:, :, 0] if two_d else kept


class ResampleSequences(SequenceEstimatorMixin, TransformerMixin, BaseEstimator):
    """Linearly interpolate every sequence to the longest training length.

    Equal-length input of the training length passes through unchanged.
    Front padding (leading NaN rows) is dropped before resampling, so each
    sequence is stretched from its first to its last real step. A one-step
    sequence becomes a constant.

    Attributes
    ----------
    n_features_in_ : int
        Features per time step seen in ``fit``.
    n_timesteps_ : int
        The longest training sequence: the length of every output.

    See Also
    --------
    skseq.FlattenWindows : the fixed-length sequences as 2-D rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import ResampleSequences
    >>> seqs = [np.array([[0.0], [2.0]]), np.array([[0.0], [1.0], [2.0]])]
    >>> ResampleSequences().fit_transform(seqs)[:, :, 0]
    array([[0., 1., 2.],
           [0., 1., 2.]])
    """

    # Front padding is read (and dropped), not passed through: NaN elsewhere
    # is an error, as for the estimators.
    _nan_passthrough = False
    _parameter_constraints: dict = {}

    def fit(self, X: Any, y: Any = None) -> ResampleSequences:
        """Learn the output length (the longest training sequence).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list
            Sequences in skseq's layout; a list may hold different lengths.
        y : None
            Ignored.

        Returns
        -------
        self : ResampleSequences
        """
        seqs = self._validate_sequences(X, reset=True)
        self.n_timesteps_ = int(seqs.lengths.max())
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Resample every sequence to ``n_timesteps_`` steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or list

        Returns
        -------
        ndarray of shape (n_samples, n_timesteps_, n_features)
        """
        check_is_fitted(self, "n_timesteps_")
        seqs = self._validate_sequences(X, reset=False)
        data = np.asarray(seqs.X, dtype=np.float64)
        n, T, F = data.shape
        out = np.empty((n, self.n_timesteps_, F))
        target = np.linspace(0.0, 1.0, self.n_timesteps_)
        for i, length in enumerate(seqs.lengths):
            real = data[i, T - length :]
            if length == self.n_timesteps_:
                out[i] = real
                continue
            source = np.linspace(0.0, 1.0, length) if length > 1 else np.zeros(1)
            for f in range(F):
                out[i, :, f] = np.interp(target, source, real[:, f])
        return out
