"""Shared machinery of the recurrent estimators: parameters, fit and forward."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, GradientNormClipping

from ..nn import CELLS, RecurrentNet
from ..nn.normalization import NORMALIZE_MODES, NormalizedNet
from ..utils.validation import check_n_features, check_sequences
from . import _inputs
from ._data import BatchLoader, ChronologicalSplit, SequenceDataset

#: Optimizers that can be named by string.
OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}

# Prediction runs in large batches under inference mode: per-batch overhead
# dominates small batches and no gradients are kept.
PREDICT_BATCH_SIZE = 1024


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    kind = torch.device(device).type
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine. Use device='cpu' (or 'auto' to take a GPU when there is one)."
        )
    return device


class RecurrentEstimatorMixin:
    """Fit/predict logic shared by the recurrent regressors and classifiers.

    Subclasses define ``_criterion`` (a torch loss class), ``_encode_target``
    (which returns the target as the network learns it and its number of
    outputs) and the public prediction methods.
    """

    _fixed_cell: str | None = None

    def _set_init_params(self, params: dict) -> None:
        """Store ``__init__``'s arguments untouched, one attribute each.

        scikit-learn needs every parameter spelled out in the signature; the
        bodies of the estimators' ``__init__`` all reduce to this.
        """
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    # -- parameters ---------------------------------------------------------
    @property
    def _cell(self) -> str:
        return self._fixed_cell if self._fixed_cell is not None else self.cell

    # Declarative parameter checks, validated once at the start of ``fit``
    # (scikit-learn's ``_validate_params``): every mistake raises
    # ``InvalidParameterError`` (a ValueError and a TypeError) naming the
    # parameter. Subclasses extend this dict with their own parameters.
    _parameter_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0.0, 1.0, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0.0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), HasMethods(["step", "zero_grad"])],
        "weight_decay": [Interval(Real, 0.0, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0.0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "device": [str],
        "verbose": ["verbose"],
        "callbacks": [list, tuple, None],
        "warm_start": ["boolean"],
        "scale_target": ["boolean"],
        "normalize": [StrOptions(set(NORMALIZE_MODES)), None],
        "target_index": [Interval(Integral, None, None, closed="neither"), None],
        "categorical_features": ["array-like", None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
    }

    # Window location of ``normalize="window"``: "last" (the forecast
    # origin) or "mean"; see the README for the measurement behind it.
    _window_location = "last"

    def _check_params(self) -> None:
        """Validate every parameter against ``_parameter_constraints``.

        Infinite and NaN numbers are outside every interval, so ``lr=inf``
        or ``clip_grad_norm=nan`` are refused here rather than turning into
        NaN predictions. Integers may be any ``numbers.Integral`` (numpy
        integers from ``np.arange`` grids included); they reach torch as
        plain ``int``.
        """
        self._validate_params()
        if not isinstance(self.optimizer, str) and not (
            isinstance(self.optimizer, type)
            and issubclass(self.optimizer, torch.optim.Optimizer)
        ):
            raise InvalidParameterError(
                "The 'optimizer' parameter of "
                f"{type(self).__name__} must be a str among "
                f"{sorted(OPTIMIZERS)} or a torch.optim.Optimizer subclass, got "
                f"{self.optimizer!r}."
            )

    def _optimizer_class(self) -> type[torch.optim.Optimizer]:
        if isinstance(self.optimizer, str):
            return OPTIMIZERS[self.optimizer]
        return self.optimizer

    def _callbacks(self) -> list:
        callbacks = []
        if self.clip_grad_norm is not None:
            callbacks.append(
                ("clip_grad_norm", GradientNormClipping(float(self.clip_grad_norm)))
            )
        if self.early_stopping:
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss",
                        patience=int(self.patience),
                        load_best=True,
                    ),
                )
            )
        for i, cb in enumerate(self.callbacks or []):
            callbacks.append(cb if isinstance(cb, tuple) else (f"user_{i}", cb))
        return callbacks

    def _module_spec(self, n_features: int, n_outputs: int):
        """The torch module class and its keyword arguments."""
        return RecurrentNet, {
            "n_features": n_features,
            "n_outputs": n_outputs,
            "cell": self._cell,
            "hidden_size": int(self.hidden_size),
            "num_layers": int(self.num_layers),
            "bidirectional": bool(self.bidirectional),
            "dropout": float(self.dropout),
        }

    def _make_dataset(self, seqs, y_encoded) -> SequenceDataset:
        """The training dataset (subclasses may feed the target to the module)."""
        return SequenceDataset(seqs.X, seqs.lengths, y_encoded)

    # -- inputs: normalisation and embeddings --------------------------------
    def _output_map(self, n_features: int) -> dict:
        """Target column and standardisation for the output map (regressors)."""
        return {}

    def _fit_inputs(self, seqs) -> None:
        """Learn the input statistics and category codes used by the network."""
        n_features = seqs.n_features
        self.categorical_features_ = _inputs.resolve_columns(
            self.categorical_features, n_features, "categorical_features", self
        )
        codes = _inputs.category_codes(seqs.X, self.categorical_features_, self)
        self.categories_ = codes
        mean, std = _inputs.feature_statistics(seqs.X)
        self.input_mean_, self.input_scale_ = mean, std
        continuous = [
            f for f in range(n_features) if f not in self.categorical_features_
        ]
        if self.normalize is None:
            _inputs.warn_large_inputs(mean, std, continuous, self)

    def _wrap_module(self, n_features: int, n_outputs: int) -> dict:
        """skorch ``module`` arguments: the network behind :class:`NormalizedNet`."""
        inner, inner_kwargs = self._module_spec(n_features, n_outputs)
        inner_kwargs = {k: v for k, v in inner_kwargs.items() if k != "n_features"}
        n_categories = [int(c.max(initial=0)) + 1 for c in self.categories_]
        return {
            "inner": inner,
            "inner_kwargs": inner_kwargs,
            "n_features": n_features,
            "normalize": self.normalize,
            "feature_mean": self.input_mean_.tolist(),
            "feature_scale": self.input_scale_.tolist(),
            "categorical": list(self.categorical_features_),
            "n_categories": n_categories,
            "embedding_dims": _inputs.embedding_widths(
                n_categories, self.embedding_dim
            ),
            "location": self._window_location,
            **self._output_map(n_features),
        }

    def _build_net(self, n_features: int, n_outputs: int, seed: int) -> NeuralNet:
        module_kwargs = self._wrap_module(n_features, n_outputs)
        return NeuralNet(
            module=NormalizedNet,
            **{f"module__{key}": value for key, value in module_kwargs.items()},
            criterion=self._criterion,
            optimizer=self._optimizer_class(),
            optimizer__weight_decay=float(self.weight_decay),
            lr=float(self.lr),
            max_epochs=int(self.max_epochs),
            batch_size=int(self.batch_size),
            iterator_train=BatchLoader,
            iterator_train__shuffle=True,
            iterator_train__seed=seed,
            iterator_valid=BatchLoader,
            train_split=(
                ChronologicalSplit(float(self.validation_fraction))
                if self.early_stopping
                else None
            ),
            callbacks=self._callbacks(),
            device=_resolve_device(self.device),
            verbose=self.verbose,
        )

    # -- fit ----------------------------------------------------------------
    def _fit(self, X, y):
        self._check_params()
        seqs = check_sequences(X, estimator=self)
        continuing = (
            self.warm_start
            and hasattr(self, "net_")
            and self.n_features_in_ == seqs.n_features
        )
        y_encoded, n_outputs = self._encode_target(y, seqs.n_samples, continuing)
        if continuing and n_outputs != self.n_outputs_:
            raise ValueError(
                f"warm_start=True but y has {n_outputs} outputs where the fitted "
                f"network has {self.n_outputs_}; set warm_start=False to refit."
            )
        if continuing:
            self._check_inputs(seqs)
        else:
            self._fit_inputs(seqs)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        dataset = self._make_dataset(seqs, y_encoded)
        device = _resolve_device(self.device)
        cuda = [torch.cuda.current_device()] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(seed)
            if continuing:
                self.net_.partial_fit(dataset, None)
            else:
                self.net_ = self._build_net(seqs.n_features, n_outputs, seed)
                self.net_.fit(dataset, None)
        self.n_features_in_ = seqs.n_features
        self.n_outputs_ = n_outputs
        return self

    def _check_inputs(self, seqs) -> None:
        """Refuse category codes that the fitted embeddings never saw."""
        if self.categorical_features_:
            _inputs.check_known_codes(
                seqs.X, self.categorical_features_, self.categories_, self
            )

    # -- predict ------------------------------------------------------------
    def _forward(self, X) -> np.ndarray:
        """Network outputs for X as float64, shape (n_samples, n_outputs)."""
        check_is_fitted(self, "net_")
        seqs = check_sequences(X, estimator=self)
        check_n_features(seqs, self.n_features_in_, self)
        self._check_inputs(seqs)
        net = self.net_
        module = net.module_
        module.eval()
        dataset = SequenceDataset(seqs.X, seqs.lengths)
        out = np.empty((seqs.n_samples, self.n_outputs_), dtype=np.float64)
        with torch.inference_mode():
            for start in range(0, seqs.n_samples, PREDICT_BATCH_SIZE):
                stop = min(start + PREDICT_BATCH_SIZE, seqs.n_samples)
                Xb, _ = dataset.get_batch(slice(start, stop))
                result = module(Xb["X"].to(net.device), Xb["lengths"])
                out[start:stop] = result.float().cpu().numpy()
        return out

    @property
    def history_(self):
        """The skorch training history (per-epoch losses, durations)."""
        check_is_fitted(self, "net_")
        return self.net_.history


# Documentation shared by every estimator's docstring.
PARAMETERS_DOC = """
    hidden_size : int, default=64
        Hidden units per layer and direction.
    num_layers : int, default=1
        Stacked recurrent layers (a deep RNN).
    bidirectional : bool, default=False
        Also read every sequence backwards (BiRNN).
    dropout : float, default=0.0
        Dropout between stacked layers and before the linear head.
    max_epochs : int, default=50
        Passes over the training data.
    batch_size : int, default=64
        Training mini-batch size (prediction uses large batches).
    lr : float, default=1e-3
        Learning rate.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, \
default="adam"
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    clip_grad_norm : float or None, default=1.0
        Clip the global gradient norm to this value at every step (guards
        against exploding gradients); None turns clipping off.
    early_stopping : bool, default=False
        Hold out the newest ``validation_fraction`` of the training samples,
        in the order given, and stop when the validation loss has not improved
        for ``patience`` epochs; the best weights are restored.
    validation_fraction : float, default=0.1
        Share of the (newest) samples used for early stopping.
    patience : int, default=5
        Epochs without improvement before early stopping.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and shuffling. With an int, two
        fits give bit-identical predictions on the CPU. The global torch RNG
        is left untouched.
    device : str, default="cpu"
        Torch device for training and prediction ("cpu", "cuda", "cuda:1",
        or "auto" for a GPU when present). A model pickled on a GPU loads and
        predicts on a CPU-only machine.
    verbose : int, default=0
        0 is silent; 1 prints skorch's per-epoch table of losses and timings.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks, e.g. ``skorch.callbacks.LRScheduler``.
    warm_start : bool, default=False
        Continue training the fitted network in the next ``fit`` instead of
        starting from a freshly initialised one.
"""

INPUTS_DOC = """    categorical_features : array-like of int or bool, or None, default=None
        Feature columns (indices, negative ones from the end, or a boolean
        mask) holding integer category codes (series identity, weekday,
        hour), as in scikit-learn's HistGradientBoosting. Each goes through
        its own ``torch.nn.Embedding`` (never through normalisation). Codes
        must be non-negative integers; a code not seen in ``fit`` raises a
        ValueError at predict.
    embedding_dim : int or None, default=None
        Width of every embedding; None gives ``min(16, (n_codes + 1) // 2)``
        per column.
"""

NORMALIZE_DOC = """    normalize : {{{modes}}} or None, default={default}
        Input normalisation inside the network (so no scaler is needed in
        front). ``"window"``: every window and continuous feature is
        centred on its last observed value and divided by its own standard
        deviation over the lookback (padding ignored, scales floored at 1 %
        of the feature's training scale); {window_output}
        ``"global"``: each feature is standardised with its training mean and
        standard deviation.{delta} None: raw values (a UserWarning is issued
        when they are far from unit scale).
"""

REGRESSOR_NORMALIZE = NORMALIZE_DOC.format(
    modes='"window", "delta", "global"',
    default='"window"',
    delta="""
        ``"delta"``: inputs as ``"global"``, outputs mapped to
        ``last + z`` (``z`` in the target's global scale): departures from
        the last value of column ``target_index``, the random walk's
        forecast.""",
    window_output="""the outputs ``z`` are mapped back
        per sample to ``last + scale * z`` with the statistics of column
        ``target_index``, so the network forecasts departures from the last
        value in units of the window's spread: level shifts and trends outside
        the training range are harmless, as for the naive forecast.""",
) + """    target_index : int or None, default=0
        Feature column of the windows that holds the target series, in the
        target's units (used by ``"window"`` and ``"delta"``); None only normalises
        the inputs and leaves the outputs in the (standardised) target scale.
"""

CLASSIFIER_NORMALIZE = NORMALIZE_DOC.format(
    modes='"window", "global"',
    default='"global"',
    delta="",
    window_output="""the class logits are not mapped (the
        level of a window is then invisible to the classifier, hence the
        default ``"global"``).""",
)

ATTRIBUTES_DOC = """
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module and
        ``net_.history`` the training history (also ``history_``).
    n_features_in_ : int
        Features per time step seen in ``fit`` (1 for 2-D input).
    n_outputs_ : int
        Outputs of the network.
    input_mean_, input_scale_ : ndarray of shape (n_features_in_,)
        Training mean and standard deviation of each feature (padding
        ignored), used by ``normalize="global"`` and the window-scale floor.
    categorical_features_ : list of int
        The categorical feature columns.
    categories_ : list of ndarray
        The codes seen in ``fit``, one sorted array per categorical column.
"""


class _ParamsMixin(BaseEstimator):
    """Marker base so that the estimators share tags."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # NaN is accepted only as front padding (variable-length sequences),
        # not as missing values anywhere, so the estimators do not claim it.
        tags.input_tags.allow_nan = False
        return tags
