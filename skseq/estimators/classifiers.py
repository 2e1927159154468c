"""Recurrent sequence classifiers (binary and multiclass, any label type)."""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d
from torch import nn

from ..utils.validation import check_target
from ._base import (
    ATTRIBUTES_DOC,
    CLASSIFIER_NORMALIZE,
    INPUTS_DOC,
    PARAMETERS_DOC,
    RecurrentEstimatorMixin,
    _ParamsMixin,
)


class _ClassifierBase(RecurrentEstimatorMixin, ClassifierMixin, _ParamsMixin):
    _criterion = nn.CrossEntropyLoss
    # "delta" maps outputs to departures from the last value: regressors only.
    _parameter_constraints = {
        **RecurrentEstimatorMixin._parameter_constraints,
        "normalize": [StrOptions({"window", "global"}), None],
    }

    def _encode_target(self, y, n_samples, continuing):
        y = check_target(y, n_samples, estimator=self, numeric=False)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if continuing:
            unseen = np.setdiff1d(y, self.classes_)
            if len(unseen):
                raise ValueError(
                    f"y has classes {unseen.tolist()} that the fitted classifier "
                    "has not seen; set warm_start=False to refit."
                )
            return np.searchsorted(self.classes_, y).astype(np.int64), len(
                self.classes_
            )
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in y, "
                f"but only one class is present ({classes[0]!r}). Check the target "
                "(e.g. a label column that is constant over the training period)."
            )
        self.classes_ = classes
        return codes.astype(np.int64), len(classes)

    def fit(self, X, y):
        """Train a fresh network (or continue, with ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
(n_samples, n_timesteps), DataFrame, or list of 2-D arrays
            Input sequences; leading all-NaN rows are front padding.
        y : array-like of shape (n_samples,)
            Class labels of any type (strings too).

        Returns
        -------
        self
        """
        return self._fit(X, y)

    def predict_proba(self, X):
        """Class probabilities, columns ordered as ``classes_``.

        Parameters
        ----------
        X : array-like, same layouts as in ``fit``

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return softmax(self._forward(X), axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`."""
        return log_softmax(self._forward(X), axis=1)

    def predict(self, X):
        """Most probable class of each sequence.

        Parameters
        ----------
        X : array-like, same layouts as in ``fit``

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        codes = np.argmax(self._forward(X), axis=1)
        return self.classes_[codes]


class RecurrentClassifier(_ClassifierBase):
    __doc__ = f"""Recurrent network classifier (RNN, LSTM or GRU), trained with skorch.

    A seq2vec model: the last hidden state of the top layer goes through a
    linear layer to one logit per class, trained with cross-entropy.

    Parameters
    ----------
    cell : {{"rnn", "lstm", "gru"}}, default="lstm"
        The recurrent cell; searchable with ``GridSearchCV``.
{PARAMETERS_DOC}{CLASSIFIER_NORMALIZE}{INPUTS_DOC}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
{ATTRIBUTES_DOC}
    Examples
    --------
    >>> import numpy as np
    >>> from skseq import RecurrentClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 12, 1))
    >>> y = np.where(X[:, :, 0].mean(axis=1) > 0, "up", "down")
    >>> clf = RecurrentClassifier(hidden_size=8, max_epochs=2,
    ...                           random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    def __init__(
        self,
        cell="lstm",
        *,
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        max_epochs=50,
        batch_size=64,
        lr=1e-3,
        optimizer="adam",
        weight_decay=0.0,
        clip_grad_norm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=5,
        random_state=None,
        device="cpu",
        verbose=0,
        callbacks=None,
        warm_start=False,
        normalize="global",
        categorical_features=None,
        embedding_dim=None,
    ):
        self._set_init_params(locals())


class _FixedCellClassifier(_ClassifierBase):
    def __init__(
        self,
        *,
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        max_epochs=50,
        batch_size=64,
        lr=1e-3,
        optimizer="adam",
        weight_decay=0.0,
        clip_grad_norm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=5,
        random_state=None,
        device="cpu",
        verbose=0,
        callbacks=None,
        warm_start=False,
        normalize="global",
        categorical_features=None,
        embedding_dim=None,
    ):
        self._set_init_params(locals())


_FIXED_DOC = """{title}

    :class:`RecurrentClassifier` with ``cell="{cell}"`` fixed; see it for
    the parameters, attributes and the input layouts.
"""


class RNNClassifier(_FixedCellClassifier):
    __doc__ = _FIXED_DOC.format(
        title="Plain (Elman, tanh) recurrent network classifier.", cell="rnn"
    )
    _fixed_cell = "rnn"


class LSTMClassifier(_FixedCellClassifier):
    __doc__ = _FIXED_DOC.format(title="LSTM sequence classifier.", cell="lstm")
    _fixed_cell = "lstm"


class GRUClassifier(_FixedCellClassifier):
    __doc__ = _FIXED_DOC.format(title="GRU sequence classifier.", cell="gru")
    _fixed_cell = "gru"
