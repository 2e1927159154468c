"""Shared machinery of the recurrent estimators: parameters, fit and forward."""

from __future__ import annotations

import functools
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
    make_constraint,
)
from sklearn.utils.validation import _check_sample_weight, check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, GradientNormClipping, LRScheduler
from torch.optim.lr_scheduler import CosineAnnealingLR

from ..base import SequenceEstimatorMixin
from ..nn import CELLS, GATES, RecurrentNet, gate_trace
from ..nn.cells import RECURRENT_INITS
from ..nn.conv import CONV_MODES
from ..nn.heads import HEADS
from ..nn.normalization import NORMALIZE_MODES, NormalizedNet
from ..utils.threads import TORCH_THREADS_CONSTRAINT, limit_torch_threads
from ..utils.validation import check_n_features, check_sequences
from . import _inputs
from ._data import BatchLoader, ChronologicalSplit, SequenceDataset
from ._device import PRECISIONS, precision_context, to_device_dataset
from ._fast import forward_small
from ._net import SequenceNet, StopOnNonFiniteLoss

#: Optimizers that can be named by string.
OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}

#: Values of ``lr_schedule``.
LR_SCHEDULES: tuple[str, ...] = ("constant", "cosine")

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


def _module_params(net: NeuralNet) -> dict:
    """The ``module__`` parameters of a skorch net, the inner network's too."""
    spec = {}
    for key, value in net.get_params(deep=False).items():
        if not key.startswith("module__"):
            continue
        name = key[len("module__") :]
        if name == "inner_kwargs" and isinstance(value, dict):
            spec.update(value)
        else:
            spec[name] = value
    return spec


@functools.cache
def _compiled_constraints(cls: type) -> tuple:
    """``(name, constraint objects)`` of every constrained ``__init__`` parameter."""
    return tuple(
        (name, tuple(make_constraint(c) for c in cls._parameter_constraints[name]))
        for name in cls._get_param_names()
        if name in cls._parameter_constraints
        and cls._parameter_constraints[name] != "no_validation"
    )


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
        "forget_bias": [Interval(Real, None, None, closed="neither"), None],
        "recurrent_init": [StrOptions(set(RECURRENT_INITS))],
        "layer_norm": ["boolean"],
        "torch_threads": TORCH_THREADS_CONSTRAINT,
        "precision": [StrOptions(set(PRECISIONS))],
        "head": [StrOptions(set(HEADS))],
        "conv_channels": [list, tuple, None],
        "conv_kernel_sizes": [
            Interval(Integral, 1, None, closed="left"),
            list,
            tuple,
            None,
        ],
        "conv_strides": [Interval(Integral, 1, None, closed="left"), list, tuple],
        "conv_mode": [StrOptions(set(CONV_MODES))],
        "normalize": [StrOptions(set(NORMALIZE_MODES)), None],
        "target_index": [Interval(Integral, None, None, closed="neither"), None],
        "categorical_features": ["array-like", None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "lr_schedule": [StrOptions(set(LR_SCHEDULES))],
    }

    # Window location of ``normalize="window"``: "last" (the forecast
    # origin) or "mean"; see the README for the measurement behind it.
    _window_location = "last"

    def _validate_params(self) -> None:
        """scikit-learn's ``_validate_params``, with the constraints built once.

        scikit-learn rebuilds every constraint object and reads the signature
        at each call (about a millisecond per fit); here both are cached per
        class. A value that fails goes to scikit-learn's own check, which
        raises its usual ``InvalidParameterError``.
        """
        for name, constraints in _compiled_constraints(type(self)):
            value = getattr(self, name)
            if not any(c.is_satisfied_by(value) for c in constraints):
                super()._validate_params()
                return

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
        if hasattr(self, "conv_channels"):
            self._check_conv_params()

    def _check_conv_params(self) -> None:
        """Element checks of the convolutional front end's sequences."""
        name = type(self).__name__

        def positive_ints(param: str, values) -> list[int]:
            out = []
            for value in values:
                valid = isinstance(value, Integral) and not isinstance(value, bool)
                if not valid or value < 1:
                    raise InvalidParameterError(
                        f"The '{param}' parameter of {name} must hold integers >= 1, "
                        f"got {values!r}."
                    )
                out.append(int(value))
            return out

        if self.conv_channels is None:
            return
        channels = positive_ints("conv_channels", self.conv_channels)
        if not channels:
            raise InvalidParameterError(
                f"The 'conv_channels' parameter of {name} must list at least one "
                "layer's channels, or be None for no convolutions; got "
                f"{self.conv_channels!r}."
            )
        for param in ("conv_kernel_sizes", "conv_strides"):
            value = getattr(self, param)
            if isinstance(value, list | tuple):
                if len(positive_ints(param, value)) != len(channels):
                    raise InvalidParameterError(
                        f"The '{param}' parameter of {name} has {len(value)} entries "
                        f"but conv_channels has {len(channels)} layers; give one per "
                        "layer or a single int."
                    )

    def _conv_spec(self) -> dict:
        """The head and convolution arguments of the module, as plain Python."""
        if not hasattr(self, "head"):
            return {}

        def plain(value):
            if value is None or isinstance(value, Integral):
                return value if value is None else int(value)
            return tuple(int(v) for v in value)

        return {
            "head": str(self.head),
            "conv_channels": plain(self.conv_channels),
            "conv_kernel_sizes": plain(self.conv_kernel_sizes),
            "conv_strides": plain(self.conv_strides),
            "conv_mode": str(self.conv_mode),
        }

    def _optimizer_class(self) -> type[torch.optim.Optimizer]:
        if isinstance(self.optimizer, str):
            return OPTIMIZERS[self.optimizer]
        return self.optimizer

    def _optimizer_options(self) -> dict:
        """skorch ``optimizer__`` arguments beyond the learning rate and decay.

        The optimizers named by string run their multi-tensor (``foreach``)
        implementation: torch's default on CUDA, and on the CPU the same
        updates (bit for bit) with one operation per step for all parameters
        instead of one per parameter, which is several percent of a small
        network's training step. An optimizer class is left as given.
        """
        if isinstance(self.optimizer, str):
            return {"optimizer__foreach": True}
        return {}

    def _callbacks(self) -> list:
        callbacks = [
            (
                "stop_on_non_finite_loss",
                StopOnNonFiniteLoss(type(self).__name__, float(self.lr)),
            )
        ]
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
        if self.lr_schedule == "cosine":
            callbacks.append(
                (
                    "lr_schedule",
                    LRScheduler(CosineAnnealingLR, T_max=int(self.max_epochs)),
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
            **self._cell_options(),
            **self._conv_spec(),
        }

    def _cell_options(self) -> dict:
        """``forget_bias``, ``recurrent_init``, ``layer_norm`` as plain values."""
        return {
            "forget_bias": None if self.forget_bias is None else float(self.forget_bias),
            "recurrent_init": str(self.recurrent_init),
            "layer_norm": bool(self.layer_norm),
        }

    def _train_split(self):
        """skorch ``train_split`` for early stopping (None without it)."""
        if not self.early_stopping:
            return None
        return ChronologicalSplit(float(self.validation_fraction))

    def _criterion_params(self) -> dict:
        """Keyword arguments of the loss (e.g. class weights)."""
        return {}

    def _make_dataset(self, seqs, y_encoded) -> SequenceDataset:
        """The training dataset (subclasses may feed the target to the module)."""
        return SequenceDataset(seqs.X, seqs.lengths, y_encoded)

    # -- inputs: normalisation and embeddings --------------------------------
    def _output_map(self, n_features: int) -> dict:
        """Target column and standardisation for the output map (regressors)."""
        return {}

    def _fit_inputs(self, seqs, sample_weight=None) -> None:
        """Learn the input statistics and category codes used by the network.

        The statistics are weighted like the loss (``sample_weight``), so
        integer weights equal repeated samples.
        """
        n_features = seqs.n_features
        self.categorical_features_ = _inputs.resolve_columns(
            self.categorical_features, n_features, "categorical_features", self
        )
        codes = _inputs.category_codes(seqs.X, self.categorical_features_, self)
        self.categories_ = codes
        mean, std = _inputs.feature_statistics(seqs.X, sample_weight)
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
        return SequenceNet(
            module=NormalizedNet,
            **{f"module__{key}": value for key, value in module_kwargs.items()},
            criterion=self._criterion,
            # Per-element losses: SequenceNet weights and averages them.
            criterion__reduction="none",
            **{
                f"criterion__{key}": value
                for key, value in self._criterion_params().items()
            },
            optimizer=self._optimizer_class(),
            optimizer__weight_decay=float(self.weight_decay),
            **self._optimizer_options(),
            lr=float(self.lr),
            max_epochs=int(self.max_epochs),
            batch_size=int(self.batch_size),
            iterator_train=BatchLoader,
            iterator_train__shuffle=True,
            iterator_train__seed=seed,
            iterator_valid=BatchLoader,
            train_split=self._train_split(),
            callbacks=self._callbacks(),
            device=_resolve_device(self.device),
            verbose=self.verbose,
            precision__dtype=str(self.precision),
        )

    # -- fit ----------------------------------------------------------------
    @limit_torch_threads
    def _fit(self, X, y, sample_weight=None):
        self._check_params()
        seqs = check_sequences(X, estimator=self, float32=True)
        weights = self._sample_weight(sample_weight, seqs)
        continuing = self.warm_start and hasattr(self, "net_")
        if continuing and seqs.n_features != self.n_features_in_:
            raise ValueError(
                f"warm_start=True but X has {seqs.n_features} features per time "
                f"step where the fitted network has {self.n_features_in_}. A "
                "network cannot continue training on other features: pass the "
                "same columns as before, or set warm_start=False to train a new "
                "network."
            )
        y_encoded, n_outputs = self._encode_target(
            y, seqs.n_samples, continuing, sample_weight=weights
        )
        if continuing and n_outputs != self.n_outputs_:
            raise ValueError(
                f"warm_start=True but y has {n_outputs} outputs where the fitted "
                f"network has {self.n_outputs_}; set warm_start=False to refit."
            )
        if continuing:
            self._check_inputs(seqs)
        else:
            self._fit_inputs(seqs, weights)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        dataset = self._make_dataset(seqs, y_encoded)
        if weights is not None:
            dataset.sample_weight = (weights / weights.mean()).astype(np.float32)
        device = _resolve_device(self.device)
        dataset = to_device_dataset(dataset, device, self.precision)  # CUDA: on GPU
        cuda = [torch.cuda.current_device()] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda):
            if cuda:
                torch.manual_seed(seed)
            else:  # the generator the CPU uses (torch.manual_seed seeds all)
                torch.default_generator.manual_seed(seed)
            if continuing:
                self.net_ = self._continue_net(
                    self.net_, seqs.n_features, n_outputs, seed
                )
                self.net_.partial_fit(dataset, None)
            else:
                self.net_ = self._build_net(seqs.n_features, n_outputs, seed)
                self.net_.fit(dataset, None)
        self._check_sequence_features(X, seqs.n_features, reset=True)
        self.n_outputs_ = n_outputs
        return self

    def _sample_weight(self, sample_weight, seqs) -> np.ndarray | None:
        """Validated float64 weights, or None without weights.

        Negative, NaN or infinite weights, all-zero weights and a wrong shape
        raise ``ValueError`` (scikit-learn's ``_check_sample_weight``). The
        loss weights are normalised to mean 1 in ``fit``, so only the ratios
        matter and ``lr`` keeps its meaning.
        """
        if sample_weight is None:
            return None
        return _check_sample_weight(
            sample_weight, seqs.X, dtype=np.float64, ensure_non_negative=True
        )

    def _continue_net(self, old: NeuralNet, n_features: int, n_outputs: int, seed: int):
        """A net built from the current parameters that continues ``old``.

        Training settings changed with ``set_params`` since the last fit
        (``lr``, ``max_epochs``, ``batch_size``, ``optimizer``,
        ``weight_decay``, ``clip_grad_norm``, ``callbacks``, early stopping,
        ...) take effect because the net is rebuilt from them. The module
        keeps its trained weights, the optimizer its state (when its class is
        unchanged; the new learning rate and weight decay apply) and the
        history its epochs. Module parameters that leave the weights' shapes
        intact (``dropout``, ``teacher_forcing``) take effect too; a change
        that alters them (``cell``, ``hidden_size``, ``num_layers``,
        ``bidirectional``, ...) is refused.
        """
        net = self._build_net(n_features, n_outputs, seed)
        net.initialize()
        old_spec, new_spec = _module_params(old), _module_params(net)
        try:
            net.module_.load_state_dict(old.module_.state_dict())
        except RuntimeError as exc:
            changed = [
                f"{key} ({old_spec.get(key)!r} -> {new_spec.get(key)!r})"
                for key in sorted(set(old_spec) | set(new_spec))
                if old_spec.get(key) != new_spec.get(key)
            ]
            raise ValueError(
                "warm_start=True cannot continue training the fitted network: "
                f"{', '.join(changed) or 'the module'} changed since the last "
                "fit and the trained weights do not fit the new architecture. "
                "Set warm_start=False to train a new network, or set the "
                "architecture parameters back."
            ) from exc
        if type(net.optimizer_) is type(old.optimizer_):
            state = old.optimizer_.state_dict()
            fresh = net.optimizer_.state_dict()["param_groups"]
            for group, new_group in zip(state["param_groups"], fresh, strict=True):
                group.update(
                    {key: value for key, value in new_group.items() if key != "params"}
                )
            net.optimizer_.load_state_dict(state)
        net.history = old.history
        return net

    def _check_inputs(self, seqs) -> None:
        """Refuse category codes that the fitted embeddings never saw."""
        if self.categorical_features_:
            _inputs.check_known_codes(
                seqs.X, self.categorical_features_, self.categories_, self
            )

    # -- predict ------------------------------------------------------------
    @limit_torch_threads
    def _forward(self, X) -> np.ndarray:
        """Network outputs for X as float64, shape (n_samples, n_outputs)."""
        small = forward_small(self, X, PREDICT_BATCH_SIZE)
        if small is not None:  # a few clean windows: straight to the module
            return small
        check_is_fitted(self, "net_")
        seqs = check_sequences(X, estimator=self, float32=True)
        self._check_sequence_features(X, seqs.n_features, reset=False)
        self._check_inputs(seqs)
        net = self.net_
        module = net.module_
        module.eval()
        precision = getattr(self, "precision", None)  # None: pickled before it
        dataset = SequenceDataset(seqs.X, seqs.lengths)
        dataset = to_device_dataset(dataset, net.device, precision)
        out = np.empty((seqs.n_samples, self.n_outputs_), dtype=np.float64)
        precision = precision_context(net.device, precision)
        with torch.inference_mode(), precision:
            for start in range(0, seqs.n_samples, PREDICT_BATCH_SIZE):
                stop = min(start + PREDICT_BATCH_SIZE, seqs.n_samples)
                Xb, _ = dataset.get_batch(slice(start, stop))
                result = module(Xb["X"].to(net.device), Xb.get("lengths"))
                out[start:stop] = result.float().cpu().numpy()
        return out

    def gate_activations(self, X, layer: int = -1) -> dict[str, np.ndarray]:
        """Gate activations of the fitted network at every time step.

        Available for the gated cells (``"lstm"``, ``"gru"``, ``"peephole"``,
        ``"cifg"``); for :class:`Seq2SeqRegressor`, the encoder's gates.

        Parameters
        ----------
        X : array-like, same layouts as in ``fit``
            Sequences to read.
        layer : int, default=-1
            Which stacked layer (the last by default).

        Returns
        -------
        dict of str to ndarray of shape (n_samples, n_timesteps, n_units)
            One array per gate, ``n_units`` = ``hidden_size`` (twice that
            when ``bidirectional``: the backward direction's units follow).
            LSTM family: ``"input"`` (CIFG: none, it is ``1 - forget``),
            ``"forget"``, ``"cell"`` (the candidate, in [-1, 1]) and
            ``"output"``; GRU: ``"reset"``, ``"update"`` and ``"new"`` (the
            candidate). Front-padding steps are NaN.
        """
        check_is_fitted(self, "net_")
        if self._cell not in GATES:
            raise ValueError(
                f"gate_activations needs a gated cell ({', '.join(GATES)}); this "
                f"estimator uses cell={self._cell!r}, which has no gates."
            )
        seqs = check_sequences(X, estimator=self)
        check_n_features(seqs, self.n_features_in_, self)
        module = self.net_.module_
        network = getattr(module, "encoder", module)
        if getattr(network, "conv", None) is not None and network.conv_mode == "before":
            raise ValueError(
                "gate_activations reads the recurrent layer's input time step by time "
                "step, but with conv_mode='before' that input is the convolutions' "
                "output, not X. Use conv_mode='parallel' (the recurrent layer then "
                "reads X) to look at the gates."
            )
        rnn = network.rnn
        n_layers = rnn.num_layers
        if not -n_layers <= int(layer) < n_layers:
            raise ValueError(
                f"layer={layer} is out of range for a network of {n_layers} "
                f"layer(s); use 0..{n_layers - 1} or -1 for the last."
            )
        width = rnn.hidden_size * (2 if rnn.bidirectional else 1)
        shape = (seqs.n_samples, seqs.X.shape[1], width)
        out = {name: np.full(shape, np.nan) for name in GATES[self._cell]}
        device = next(module.parameters()).device
        n_steps = seqs.X.shape[1]
        for length in np.unique(seqs.lengths):
            rows = np.flatnonzero(seqs.lengths == length)
            for start in range(0, len(rows), PREDICT_BATCH_SIZE):
                part = rows[start : start + PREDICT_BATCH_SIZE]
                block = np.asarray(seqs.X[part, n_steps - length :], dtype=np.float32)
                inputs = torch.from_numpy(block).to(device)
                if hasattr(module, "encode_inputs"):
                    # The recurrent layer reads normalised, embedded inputs.
                    with torch.no_grad():
                        inputs = module.encode_inputs(inputs, None)[0]
                gates = gate_trace(rnn, self._cell, inputs, int(layer))
                for name, value in gates.items():
                    out[name][part, n_steps - length :] = value.cpu().numpy()
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
    lr_schedule : {"constant", "cosine"}, default="constant"
        ``"cosine"`` anneals the learning rate from ``lr`` to 0 over
        ``max_epochs`` epochs (torch's ``CosineAnnealingLR``, stepped after
        every epoch through ``skorch.callbacks.LRScheduler``); each ``fit``,
        a warm start included, starts the schedule again from ``lr``. On
        ArrowHead (an LSTM-FCN-style classifier, 150 full-batch epochs, three
        seeds) it gave a test accuracy of 0.850 +- 0.026 against
        0.754 +- 0.135 with a constant rate
        (``benchmarks/bench_classifiers.py``).
    clip_grad_norm : float or None, default=1.0
        Clip the global gradient norm to this value at every step (guards
        against exploding gradients); None turns clipping off.
    early_stopping : bool, default=False
        Hold out the newest ``validation_fraction`` of the training samples,
        in the order given, and stop when the validation loss has not improved
        for ``patience`` epochs; the best weights are restored. Classifiers
        hold out the newest samples *of each class*, in proportion to the
        class sizes, so every class is validated even when ``y`` is sorted.
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
        starting from a freshly initialised one. Training settings changed
        with ``set_params`` in between (``lr``, ``max_epochs``,
        ``batch_size``, ``optimizer``, ``weight_decay``, ``clip_grad_norm``,
        ``callbacks``, early stopping) take effect; the weights, the
        optimizer state (same optimizer class) and the history carry over.
        A change of the architecture (``cell``, ``hidden_size``,
        ``num_layers``, ``bidirectional``), of the number of features per
        time step or of outputs raises ``ValueError``: set
        ``warm_start=False`` to train a new network.
    forget_bias : float or None, default=1.0
        Initial forget-gate bias of the LSTM-family cells (``"lstm"``,
        ``"peephole"``, ``"cifg"``; torch's own LSTM included), as
        recommended by Jozefowicz et al. (2015): the cell starts by
        remembering. None keeps torch's random initialisation. No effect on
        ``"rnn"`` and ``"gru"``, which have no forget gate.
    recurrent_init : {"default", "orthogonal"}, default="default"
        Initialisation of the hidden-to-hidden weights: torch's uniform
        default, or an orthogonal matrix per gate block.
    layer_norm : bool, default=False
        Layer-normalise the gate pre-activations (input and recurrent
        projections separately) and, for the LSTM family, the cell state
        before its tanh (Ba et al., 2016). Gated cells only; slower, as the
        time loop then runs through autograd.
    torch_threads : int or None, default=None
        Torch intra-op threads during ``fit`` and ``predict``; the previous
        count is restored afterwards. None never oversubscribes the cores:
        1 inside a Dask worker or a worker thread, ``cores // n_jobs`` inside
        a joblib process worker (e.g. ``GridSearchCV(n_jobs=...)``), else the
        available cores, and never more than ``torch.get_num_threads()``.
        Small networks on a busy machine are often fastest with 1.
    precision : {"float32", "bfloat16"}, default="float32"
        "bfloat16" runs the forward passes of training and prediction under
        ``torch.autocast`` with bfloat16 (mixed precision: weights, losses
        and optimizer state stay float32) on a CUDA device, where it pays on
        GPUs with bfloat16 units; results differ from float32 in about the
        third significant digit. Refused on the CPU (torch lacks bfloat16
        recurrent kernels there).
"""

# Documentation of the seq2vec heads and the convolutional front end
# (regressors and classifiers; not the encoder-decoder).
HEAD_PARAMETERS_DOC = """
    head : {"last", "mean", "max", "attention"}, default="last"
        How the sequence is summarised for the linear head: the last hidden
        state of the top layer, or the mean, the maximum or an
        attention-weighted sum (additive attention) of the top layer's
        outputs over all real steps. Padding never enters the pooling.
        Pooling helps on long series, where the last state forgets the start.
    conv_channels : tuple of int or None, default=None
        Output channels of each layer of a convolutional front end
        (convolution, batch normalisation over the real steps, ReLU); None:
        no convolutions. ``(128, 256, 128)`` with ``conv_mode="parallel"`` is
        LSTM-FCN's branch.
    conv_kernel_sizes : int, tuple of int or None, default=None
        Kernel size of each convolution: an int for every layer, a tuple with
        one entry per layer, or None for FCN's 8, 5, 3 (3 beyond the third
        layer). The convolutions are causal and aligned on the newest step.
    conv_strides : int or tuple of int, default=1
        Stride of each convolution; a stride ``s`` turns ``L`` steps into
        ``ceil(L / s)`` (downsampling a long series before the recurrence).
    conv_mode : {"parallel", "before"}, default="parallel"
        ``"parallel"``: the convolutions form a branch beside the recurrent
        layer; its output, averaged over the real steps, joins the recurrent
        summary before the linear head (LSTM-FCN). ``"before"``: the recurrent
        layer reads the convolutions' output instead of the raw series.
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
        ``last + s * z``: departures from the last value of column
        ``target_index`` (the random walk's forecast), in units ``s`` of the
        standard deviation of that column's one-step changes in the
        training windows (``target_change_scale_``), not of its level.""",
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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of those features, only when ``X`` was a panel: a list of
        DataFrames (one per sequence) with the same string columns.
    n_outputs_ : int
        Outputs of the network: columns of ``y`` (1 for 1-D ``y``) for a
        regressor, classes for a classifier.
    input_mean_, input_scale_ : ndarray of shape (n_features_in_,)
        Training mean and standard deviation of each feature (padding
        ignored), used by ``normalize="global"`` and the window-scale floor.
    categorical_features_ : list of int
        The categorical feature columns.
    categories_ : list of ndarray
        The codes seen in ``fit``, one sorted array per categorical column.
"""


class _ParamsMixin(SequenceEstimatorMixin, BaseEstimator):
    """Base of the recurrent estimators: skseq's sequence conventions (tags,
    ``n_features_in_``, ``feature_names_in_``; see :mod:`skseq.base`)."""
