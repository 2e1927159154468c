"""Read wide lag tables from other libraries as sequences.

Reduction tools tabularise a series into one column per lag (and per
variable): skforecast puts the newest lag first (``lag_1, lag_2, ...``),
sktime's ``make_reduction`` the oldest first. A recurrent network must read
time forwards and one variable per feature, so :class:`LagsToSequence` turns
such a table into skseq's ``(n_samples, n_timesteps, n_features)`` layout.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["LagsToSequence"]


class LagsToSequence(TransformerMixin, BaseEstimator):
    """Turn a 2-D table of lags into time-ordered sequences.

    Parameters
    ----------
    n_variables : int, default=1
        Variables side by side in the table; the number of lags is
        ``n_columns // n_variables``.
    order : {"newest_first", "oldest_first"}, default="newest_first"
        Order of the lags within a variable's block: ``"newest_first"``
        (``lag_1, lag_2, ...`` as skforecast's ``create_train_X_y``) or
        ``"oldest_first"`` (as sktime's ``make_reduction``).
    layout : {"variable_major", "time_major"}, default="variable_major"
        ``"variable_major"``: all lags of the first variable, then all lags
        of the next (skforecast, one block per series). ``"time_major"``:
        all variables at the first lag, then at the next.

    Attributes
    ----------
    n_features_in_ : int
        Columns of the table seen in ``fit``.
    n_lags_ : int
        Time steps of each output sequence.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.lags import LagsToSequence
    >>> table = np.array([[3.0, 2.0, 1.0]])          # lag_1, lag_2, lag_3
    >>> LagsToSequence().fit_transform(table)[0, :, 0]
    array([1., 2., 3.])
    """

    _parameter_constraints: dict = {
        "n_variables": [Interval(Integral, 1, None, closed="left")],
        "order": [StrOptions({"newest_first", "oldest_first"})],
        "layout": [StrOptions({"variable_major", "time_major"})],
    }

    def __init__(
        self,
        n_variables: int = 1,
        order: str = "newest_first",
        layout: str = "variable_major",
    ):
        self.n_variables = n_variables
        self.order = order
        self.layout = layout

    def fit(self, X: Any, y: Any = None) -> LagsToSequence:
        """Check that the table splits into ``n_variables`` equal blocks.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_lags * n_variables)
        y : None
            Ignored.

        Returns
        -------
        self : LagsToSequence
        """
        self._validate_params()
        X = validate_data(self, X, reset=True, ensure_all_finite="allow-nan")
        n_columns = X.shape[1]
        if n_columns % int(self.n_variables):
            raise ValueError(
                f"The table has {n_columns} columns, not a multiple of "
                f"n_variables={self.n_variables}: pass the number of variables "
                "side by side, and drop columns that are not lags (e.g. "
                "exogenous values at the forecast time) first."
            )
        self.n_lags_ = n_columns // int(self.n_variables)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Reshape to ``(n_samples, n_lags, n_variables)``, oldest step first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_lags * n_variables)

        Returns
        -------
        ndarray of shape (n_samples, n_lags, n_variables)
        """
        check_is_fitted(self, "n_lags_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        n, k, v = X.shape[0], self.n_lags_, int(self.n_variables)
        if self.layout == "variable_major":
            seq = X.reshape(n, v, k).transpose(0, 2, 1)
        else:
            seq = X.reshape(n, k, v)
        if self.order == "newest_first":
            seq = seq[:, ::-1, :]
        return np.ascontiguousarray(seq, dtype=np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
