"""One base for skseq's sequence estimators and transformers.

The recurrent networks, the classical baselines, :class:`RecursiveRegressor`
and the window transformers share these conventions through
:class:`SequenceEstimatorMixin`:

* **Input** is windows or sequences ``(n_samples, n_timesteps, n_features)``
  (2-D input is univariate ``(n_samples, n_timesteps)``; lists hold sequences
  of different lengths): the ``three_d_array`` tag. :class:`SlidingWindows`,
  which takes one series ``(n_timesteps, n_features)``, is the exception.
* **NaN** is front padding only: whole rows of NaN at the start of a sequence
  mark a shorter sequence, NaN anywhere else is an error. The estimators
  therefore do not claim the ``allow_nan`` tag. Transformers that carry NaN
  through untouched (and ignore it in their statistics) do claim it.
* **n_features_in_** counts features per time step, never
  ``n_timesteps * n_features``; the number of time steps may change between
  ``fit`` and ``predict``.
* **feature_names_in_** holds the names of those features, and exists only
  when the input names them: a panel given as a list of DataFrames (one
  ``(n_timesteps_i, n_features)`` frame per sequence) with the same string
  columns. A 2-D DataFrame is univariate sequences whose columns are time
  steps, not features, so it sets no names. :class:`SlidingWindows` records
  the columns of the series it windows.
* **n_outputs_** is the number of columns of ``y`` of a regressor (1 for a
  1-D ``y``); ``predict`` returns ``y``'s shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .utils.validation import Sequences, as_3d, check_n_features, check_sequences

__all__ = ["SequenceEstimatorMixin", "panel_feature_names"]


def panel_feature_names(X: Any) -> np.ndarray | None:
    """Feature names of a panel (list of DataFrames with equal string columns).

    Parameters
    ----------
    X : object
        Input of an estimator.

    Returns
    -------
    ndarray of object or None
        The shared column names, or None when ``X`` does not name its
        features per time step (arrays, 2-D DataFrames, mixed lists).
    """
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return None
    if not all(isinstance(item, pd.DataFrame) for item in X):
        return None
    columns = list(X[0].columns)
    if not all(isinstance(c, str) for c in columns):
        return None
    if any(list(item.columns) != columns for item in X[1:]):
        raise ValueError(
            "The DataFrames of the panel have different columns; every "
            "sequence needs the same features in the same order."
        )
    return np.asarray(columns, dtype=object)


class SequenceEstimatorMixin:
    """Tags, ``n_features_in_`` and ``feature_names_in_`` of sequence models.

    Put it before :class:`sklearn.base.BaseEstimator` in the bases. See the
    module docstring for the conventions.
    """

    #: the input is windows/sequences (3-D); False for a series transformer
    _sequence_input = True
    #: NaN passes through untouched (transformers); estimators accept it only
    #: as front padding
    _nan_passthrough = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = self._sequence_input
        tags.input_tags.allow_nan = self._nan_passthrough
        return tags

    def _validate_sequences(
        self, X: Any, *, reset: bool, float32: bool = False
    ) -> Sequences:
        """Validate sequences (front padding only) and their features."""
        seqs = check_sequences(X, estimator=self, float32=float32)
        self._check_sequence_features(X, seqs.n_features, reset=reset)
        return seqs

    def _validate_windows(self, X: Any, *, reset: bool) -> np.ndarray:
        """3-D view of windows whose NaN passes through, features checked."""
        X3 = as_3d(X, estimator=self)
        self._check_sequence_features(X, X3.shape[2], reset=reset)
        return X3

    def _check_sequence_features(self, X: Any, n_features: int, *, reset: bool):
        """Record (``reset``) or check ``n_features_in_`` and the names."""
        names = panel_feature_names(X)
        if reset:
            self.n_features_in_ = int(n_features)
            if names is not None:
                self.feature_names_in_ = names
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return
        check_n_features(
            Sequences(np.empty((0, 1, n_features)), np.empty(0, np.int64)),
            self.n_features_in_,
            self,
        )
        fitted = getattr(self, "feature_names_in_", None)
        if fitted is not None and names is not None and not np.array_equal(
            fitted, names
        ):
            raise ValueError(
                f"The panel's columns {list(names)} differ from the features "
                f"{type(self).__name__} was fitted with {list(fitted)}: pass the "
                "same columns in the same order."
            )
