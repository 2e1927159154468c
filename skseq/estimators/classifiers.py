"""Recurrent sequence classifiers (binary and multiclass, any label type)."""

from __future__ import annotations

import numpy as np
import torch
from scipy.special import log_softmax, softmax
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d
from torch import nn

from ..utils.validation import check_target
from ._base import (
    ATTRIBUTES_DOC,
    CLASSIFIER_NORMALIZE,
    HEAD_PARAMETERS_DOC,
    INPUTS_DOC,
    PARAMETERS_DOC,
    RecurrentEstimatorMixin,
    _ParamsMixin,
)
from ._data import ClassChronologicalSplit

CLASS_WEIGHT_DOC = """
    class_weight : "balanced", dict or None, default=None
        Weights of the classes in the cross-entropy loss, as in
        scikit-learn: ``"balanced"`` weighs each class by
        ``n_samples / (n_classes * n_c)``, a dict maps labels to weights
        (missing labels weigh 1), None weighs all classes equally.
"""


class _ClassifierBase(RecurrentEstimatorMixin, ClassifierMixin, _ParamsMixin):
    _criterion = nn.CrossEntropyLoss
    _parameter_constraints = {
        **RecurrentEstimatorMixin._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, None],
        # "delta" maps outputs to departures from the last value: regressors only.
        "normalize": [StrOptions({"window", "global"}), None],
    }

    def _train_split(self):
        # Validate on the newest samples of each class, so that a training
        # set sorted by class still validates every class.
        if not self.early_stopping:
            return None
        return ClassChronologicalSplit(float(self.validation_fraction))

    def _criterion_params(self) -> dict:
        if self.class_weight is None:
            return {}
        return {"weight": torch.tensor(self.class_weight_, dtype=torch.float32)}

    def _encode_target(self, y, n_samples, continuing, sample_weight=None):
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
        if self.class_weight is not None:
            self.class_weight_ = compute_class_weight(
                self.class_weight, classes=classes, y=y
            ).astype(np.float64)
        elif hasattr(self, "class_weight_"):
            del self.class_weight_  # from an earlier fit with class weights
        return codes.astype(np.int64), len(classes)

    def fit(self, X, y, sample_weight=None):
        """Train a fresh network (or continue, with ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
(n_samples, n_timesteps), DataFrame, or list of 2-D arrays
            Input sequences; leading all-NaN rows are front padding.
        y : array-like of shape (n_samples,)
            Class labels of any type (strings too).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the training (and early
            stopping validation) cross-entropy; a weight of 0 drops a sample.
            Only the ratios matter (normalised to mean 1); e.g.
            ``0.5 ** (age / half_life)`` for time-decay weighting.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight=sample_weight)

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

    A seq2vec model: the last hidden state of the top layer (or the outputs
    of all steps pooled by ``head``, and an optional convolutional branch)
    goes through a linear layer to one logit per class, trained with
    cross-entropy.

    Parameters
    ----------
    cell : {{"rnn", "lstm", "gru", "peephole", "cifg"}}, default="lstm"
        The recurrent cell (see :class:`RecurrentRegressor`); searchable
        with ``GridSearchCV``.
{PARAMETERS_DOC}{HEAD_PARAMETERS_DOC}{CLASS_WEIGHT_DOC}{CLASSIFIER_NORMALIZE}{INPUTS_DOC}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    class_weight_ : ndarray of shape (n_classes,)
        Weight of each class in the loss (only when ``class_weight`` is set).
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
        forget_bias=1.0,
        recurrent_init="default",
        layer_norm=False,
        torch_threads=None,
        precision="float32",
        head="last",
        conv_channels=None,
        conv_kernel_sizes=None,
        conv_strides=1,
        conv_mode="parallel",
        class_weight=None,
        normalize="global",
        categorical_features=None,
        embedding_dim=None,
        lr_schedule="constant",
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
        forget_bias=1.0,
        recurrent_init="default",
        layer_norm=False,
        torch_threads=None,
        precision="float32",
        head="last",
        conv_channels=None,
        conv_kernel_sizes=None,
        conv_strides=1,
        conv_mode="parallel",
        class_weight=None,
        normalize="global",
        categorical_features=None,
        embedding_dim=None,
        lr_schedule="constant",
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
