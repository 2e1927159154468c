"""Recurrent regressors: one value or one value per horizon step per sequence."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from ..utils.validation import check_target
from . import _inputs
from ._base import (
    ATTRIBUTES_DOC,
    HEAD_PARAMETERS_DOC,
    INPUTS_DOC,
    PARAMETERS_DOC,
    REGRESSOR_NORMALIZE,
    RecurrentEstimatorMixin,
    _ParamsMixin,
)
from ._probabilistic import (
    PROBABILISTIC_CONSTRAINTS,
    PROBABILISTIC_DOC,
    ProbabilisticRegressorMixin,
)


class _RegressorBase(
    ProbabilisticRegressorMixin, RecurrentEstimatorMixin, RegressorMixin, _ParamsMixin
):
    # The criterion (MSE or a distribution's loss) comes from
    # ProbabilisticRegressorMixin._criterion.
    _parameter_constraints = {
        **RecurrentEstimatorMixin._parameter_constraints,
        **PROBABILISTIC_CONSTRAINTS,
    }
    # One mean and scale for all target columns (they are one quantity at
    # several horizons) instead of one per column.
    _shared_target_scale = False

    def _encode_target(self, y, n_samples, continuing, sample_weight=None):
        y = check_target(y, n_samples, estimator=self)
        y2 = y.reshape(n_samples, -1).astype(np.float64)
        if not continuing:
            self._y_is_1d = y.ndim == 1
            self._y_stats = (float(y2.mean()), float(y2.std()))
            if self.scale_target:
                axis = None if self._shared_target_scale or self._maps_outputs else 0
                # Weighted like the loss: a zero weight drops the sample.
                w = None
                if sample_weight is not None:
                    w = np.broadcast_to(sample_weight[:, None], y2.shape)
                mean = np.average(y2, axis=axis, weights=w)
                std = np.sqrt(np.average((y2 - mean) ** 2, axis=axis, weights=w))
                self.y_mean_ = np.broadcast_to(mean, y2.shape[1]).copy()
                scale = np.broadcast_to(std, y2.shape[1])
                self.y_scale_ = np.where(scale > 0, scale, 1.0)
            else:
                self.y_mean_ = np.zeros(y2.shape[1])
                self.y_scale_ = np.ones(y2.shape[1])
        # One network output per target column and distribution parameter.
        n_outputs = y2.shape[1] * self._outputs_per_target()
        if continuing and y2.shape[1] != len(self.y_mean_):
            return y2, n_outputs  # the caller reports the mismatch
        return ((y2 - self.y_mean_) / self.y_scale_).astype(np.float32), n_outputs

    def _check_params(self) -> None:
        super()._check_params()
        self.quantiles_ = self._levels()

    def _module_spec(self, n_features: int, n_outputs: int):
        module, kwargs = super()._module_spec(
            n_features, n_outputs // self._outputs_per_target()
        )
        return module, {**kwargs, **self._head_kwargs()}

    def _fit_inputs(self, seqs, sample_weight=None) -> None:
        super()._fit_inputs(seqs, sample_weight)
        t = self.target_index
        if self.normalize == "delta" and t is not None:
            n_features = seqs.n_features
            if -n_features <= int(t) < n_features:
                # The output map's unit: the spread of the target's one-step
                # changes (not of its level, which a trend inflates).
                self.target_change_scale_ = _inputs.change_scale(
                    seqs.X, int(t) % n_features, sample_weight
                )

    @property
    def _maps_outputs(self) -> bool:
        """Whether outputs go through the window map (one scale for all columns)."""
        return self.normalize in ("window", "delta") and self.target_index is not None

    def _output_map(self, n_features: int) -> dict:
        if not self._maps_outputs:
            return {}
        t = int(self.target_index)
        if not -n_features <= t < n_features or (
            t % n_features in self.categorical_features_
        ):
            raise ValueError(
                f"target_index={t} must name a continuous feature column of the "
                f"input ({n_features} features per time step, categorical "
                f"{self.categorical_features_}); it is the target series whose "
                "window statistics map the outputs back. Set target_index=None "
                "when the target is not among the inputs."
            )
        t %= n_features
        _inputs.warn_target_units(
            self.input_mean_[t], self.input_scale_[t], *self._y_stats, t, self
        )
        out = {
            "target_index": t,
            "y_mean": float(self.y_mean_[0]),
            "y_scale": float(self.y_scale_[0]),
        }
        if self.normalize == "delta":
            change = getattr(self, "target_change_scale_", 0.0)
            # A constant target (no change) keeps the global scale.
            out["delta_scale"] = float(change / self.y_scale_[0]) if change > 0 else 1.0
        return out

    def fit(self, X, y, sample_weight=None):
        """Train a fresh network (or continue, with ``warm_start``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), \
(n_samples, n_timesteps), DataFrame, or list of 2-D arrays
            Input sequences. Whole rows of NaN at the start of a sequence are
            front padding (a shorter sequence); lists may hold sequences of
            different lengths.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target; one column per horizon step for direct multi-step
            forecasting.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the training (and early
            stopping validation) loss and in the target standardisation; a
            weight of 0 drops a sample. Only the ratios matter (the weights
            are normalised to mean 1). skforecast's ``weight_func(index)``
            becomes ``sample_weight=weight_func(origins)`` here, with the
            forecast origins of the windows.

        Returns
        -------
        self

        Examples
        --------
        Time-decay weighting: the newest windows count most, a window 100
        samples older counts half as much.

        >>> import numpy as np
        >>> from skseq import GRURegressor
        >>> X = np.random.default_rng(0).normal(size=(200, 8))  # oldest first
        >>> age = np.arange(len(X))[::-1]  # 0 for the newest window
        >>> reg = GRURegressor(hidden_size=4, max_epochs=1, random_state=0)
        >>> reg.fit(X, X[:, -1], sample_weight=0.5 ** (age / 100)).n_outputs_
        1
        """
        return self._fit(X, y, sample_weight=sample_weight)

    def predict(self, X):
        """Predict the target of each sequence.

        Parameters
        ----------
        X : array-like, same layouts as in ``fit``
            Must have the number of features per time step seen in ``fit``;
            the number of time steps may differ.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Same number of columns as ``y`` had in ``fit``. The point
            forecast: the median with ``loss="quantile"``, else the mean.
        """
        pred = self._point(X)
        return pred.ravel() if self._y_is_1d else pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class RecurrentRegressor(_RegressorBase):
    __doc__ = f"""Recurrent network regressor (RNN, LSTM or GRU), trained with skorch.

    A seq2vec model: the last hidden state of the top layer (or the outputs
    of all steps pooled by ``head``, and an optional convolutional branch)
    goes through a linear layer to one output per column of ``y``, so a 2-D ``y`` with one
    column per horizon step gives a direct multi-step forecaster.

    Parameters
    ----------
    cell : {{"rnn", "lstm", "gru", "peephole", "cifg"}}, default="lstm"
        The recurrent cell: plain tanh RNN, LSTM, GRU, LSTM with peephole
        connections (the gates also see the cell state) or CIFG LSTM
        (coupled input-forget gate: input gate = 1 - forget gate);
        searchable with ``GridSearchCV``.
{PARAMETERS_DOC}
    scale_target : bool, default=True
        Standardise ``y`` for training and undo it in ``predict``, so prices
        and temperatures train as easily as returns: per column, or with one
        mean and scale for all columns when the outputs are mapped by
        ``normalize="window"`` or ``"delta"``.
{PROBABILISTIC_DOC}
{HEAD_PARAMETERS_DOC}{REGRESSOR_NORMALIZE}{INPUTS_DOC}
    Attributes
    ----------
{ATTRIBUTES_DOC}
    y_mean_, y_scale_ : ndarray of shape (n_targets,)
        Target standardisation learned in ``fit``.
    target_change_scale_ : float
        Standard deviation of the one-step changes of column
        ``target_index`` in the training windows: the unit of the outputs
        with ``normalize="delta"`` (set only in that mode).
    quantiles_ : ndarray
        The ``quantiles`` levels, sorted.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import RecurrentRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 10, 2))
    >>> y = X[:, -1, 0]
    >>> reg = RecurrentRegressor(cell="gru", hidden_size=8, max_epochs=2,
    ...                          random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
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
        scale_target=True,
        loss="squared_error",
        quantiles=(0.1, 0.5, 0.9),
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
        normalize="window",
        target_index=0,
        categorical_features=None,
        embedding_dim=None,
        lr_schedule="constant",
    ):
        self._set_init_params(locals())


class _FixedCellRegressor(_RegressorBase):
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
        scale_target=True,
        loss="squared_error",
        quantiles=(0.1, 0.5, 0.9),
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
        normalize="window",
        target_index=0,
        categorical_features=None,
        embedding_dim=None,
        lr_schedule="constant",
    ):
        self._set_init_params(locals())


_FIXED_DOC = """{title}

    :class:`RecurrentRegressor` with ``cell="{cell}"`` fixed; see it for the
    parameters, attributes and the input layouts.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import {name}
    >>> X = np.random.default_rng(0).normal(size=(32, 8))  # univariate
    >>> {name}(hidden_size=4, max_epochs=1).fit(X, X[:, -1]).predict(X).shape
    (32,)
"""


class RNNRegressor(_FixedCellRegressor):
    __doc__ = _FIXED_DOC.format(
        title="Plain (Elman, tanh) recurrent network regressor.",
        cell="rnn",
        name="RNNRegressor",
    )
    _fixed_cell = "rnn"


class LSTMRegressor(_FixedCellRegressor):
    __doc__ = _FIXED_DOC.format(
        title="LSTM regressor (input, forget, output gates and a cell state).",
        cell="lstm",
        name="LSTMRegressor",
    )
    _fixed_cell = "lstm"


class GRURegressor(_FixedCellRegressor):
    __doc__ = _FIXED_DOC.format(
        title="GRU regressor (update and reset gates).",
        cell="gru",
        name="GRURegressor",
    )
    _fixed_cell = "gru"
