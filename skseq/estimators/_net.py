"""The skorch net the recurrent estimators train.

:class:`SequenceNet` is skorch's ``NeuralNet`` with three changes:

* **Weighted loss.** The criterion is built with ``reduction="none"``; the
  per-element losses of each sample are averaged and the samples weighted
  by the ``sample_weight`` that travels with every batch (see
  :class:`skseq.estimators._data.SequenceDataset`); without weights and
  with one loss per sample, that is one plain mean. Any criterion that
  accepts ``reduction="none"`` works (``MSELoss``, ``CrossEntropyLoss`` with
  class weights, the quantile and distribution losses of
  :mod:`skseq.nn.distributions`).
* **A leaner batch loop.** skorch calls every callback's ``on_batch_begin``
  and ``on_batch_end`` around each batch and builds a fresh generator over
  the learnable parameters for ``on_grad_computed`` at every step (gradient
  clipping is such a callback). With the small recurrent networks of
  time-series work a batch is a few milliseconds of compute, and this
  bookkeeping is a few percent of it: here hooks that no callback
  implements are skipped and the parameter list is built once per epoch.
  The modules are put in training mode once per epoch (skorch does it at
  every batch), the non-finite-loss check reads the loss value the history
  records anyway, batch records go straight into skorch's ``History``, CPU
  batches reach the module and the criterion without skorch's (no-op)
  device moves, and ``PrintLog`` is left out when ``verbose=0``.
  Callbacks, history and results are those of ``NeuralNet``.
* **Precision.** ``precision__dtype="bfloat16"`` runs the forward pass under
  ``torch.autocast``.

:class:`StopOnNonFiniteLoss` ends training with a clear error at the first
batch whose loss is NaN or infinite, instead of returning a network that
predicts NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.dataset import get_len, unpack_data
from skorch.history import History

from ._device import precision_context

#: Key of the per-sample weights in a batch's input dict.
SAMPLE_WEIGHT_KEY = "sample_weight"


def _overrides(obj, hook: str) -> bool:
    """Whether ``obj`` implements a callback hook (not the no-op default)."""
    method = getattr(type(obj), hook, None)
    return method is not None and method is not getattr(Callback, hook, None)


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` with a weighted per-sample loss and a lean batch loop.

    The criterion must be built with ``criterion__reduction="none"``. The
    batch loss is ``mean_i(w_i * l_i)``, where ``l_i`` is the mean loss of
    sample ``i`` over its outputs and ``w_i`` its weight (1 without weights).
    Weights are normalised to mean 1 over the training set by the
    estimator, so this is an unbiased estimate of the weighted mean loss and
    the learning rate keeps its meaning. It takes ``NeuralNet``'s parameters
    and ``precision__dtype`` (``"float32"`` or ``"bfloat16"``: the forward
    pass under ``torch.autocast``, outputs returned as float32).
    """

    prefixes_ = [*NeuralNet.prefixes_, "precision"]

    def get_default_callbacks(self):
        """skorch's defaults, without ``PrintLog`` when ``verbose=0``.

        ``PrintLog`` formats the epoch's table even when it prints nothing
        (about a millisecond per epoch); it only reads the history.
        """
        callbacks = super().get_default_callbacks()
        if self.verbose:
            return callbacks
        return [(name, cb) for name, cb in callbacks if name != "print_log"]

    def infer(self, x, **fit_params):
        """The module's output, under autocast for ``precision__dtype``."""
        # The weights travel with the batch but are not an input of the module.
        if isinstance(x, Mapping) and SAMPLE_WEIGHT_KEY in x:
            x = {k: v for k, v in x.items() if k != SAMPLE_WEIGHT_KEY}
        precision = getattr(self, "precision__dtype", "float32")
        if precision == "float32":
            if (
                not fit_params
                and self.device == "cpu"
                and type(x) is dict
                and all(isinstance(v, torch.Tensor) for v in x.values())
            ):
                # skorch's infer moves every tensor to the device first, a
                # no-op for the CPU tensors skseq's datasets give.
                return self.module_(**x)
            return super().infer(x, **fit_params)
        with precision_context(self.device, precision):
            out = super().infer(x, **fit_params)
        return out.float() if isinstance(out, torch.Tensor) else out

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if self.device == "cpu" and isinstance(y_true, torch.Tensor):
            losses = self.criterion_(y_pred, y_true)  # skorch's, minus a no-op move
        else:
            losses = super().get_loss(y_pred, y_true, X=X, training=training)
        if losses.dim() == 0:
            raise ValueError(
                f"The criterion {type(self.criterion_).__name__} returned a scalar: "
                "skseq weights the loss per sample and needs a criterion that "
                "accepts reduction='none'."
            )
        weighted = isinstance(X, Mapping) and SAMPLE_WEIGHT_KEY in X
        if not weighted and losses.numel() == losses.shape[0]:
            # One loss per sample and no weights: the mean of the per-sample
            # means is the plain mean, the same floats in one operation.
            return losses.mean()
        per_sample = losses.reshape(losses.shape[0], -1).mean(dim=1)
        if weighted:
            weights = X[SAMPLE_WEIGHT_KEY].to(per_sample.device, per_sample.dtype)
            per_sample = per_sample * weights
        return per_sample.mean()

    def _batch_hooks(self, hook: str) -> list:
        # The net's own hook first (on_batch_begin opens the history's batch
        # record), then the callbacks' that do something, as skorch's notify.
        # StopOnNonFiniteLoss is left out: run_single_epoch calls it only for
        # a loss that is not finite.
        return [getattr(self, hook)] + [
            getattr(cb, hook)
            for _, cb in self.callbacks_
            if _overrides(cb, hook) and not isinstance(cb, StopOnNonFiniteLoss)
        ]

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """One pass over ``iterator``, as ``NeuralNet.run_single_epoch``."""
        if iterator is None:
            return
        begin = self._batch_hooks("on_batch_begin")
        end = self._batch_hooks("on_batch_end")
        stops = [cb for _, cb in self.callbacks_ if isinstance(cb, StopOnNonFiniteLoss)]
        if training:
            self._grad_hooks = self._batch_hooks("on_grad_computed")
            self._learnable = list(self.get_all_learnable_params())
            # skorch sets training mode at every step; once per epoch does the
            # same unless a callback switches modes between batches (none of
            # skorch's or skseq's does).
            self._set_training(True)
            self._in_training_epoch = True
        loss_key, size_key = prefix + "_loss", prefix + "_batch_size"
        history = self.history
        # skorch's History: the epoch's batch records are written directly
        # (History.__getitem__ parses its index at every record_batch); any
        # other history class goes through its own methods.
        direct = type(history) is History and type(self).on_batch_begin is (
            NeuralNet.on_batch_begin
        )
        if direct:
            begin = begin[1:]  # the net's on_batch_begin only opens the record
            batches = list.__getitem__(history, -1)["batches"]
        batch_count = 0
        try:
            for batch in iterator:
                if direct:
                    record = {}
                    batches.append(record)
                for hook in begin:
                    hook(self, batch=batch, training=training)
                step = step_fn(batch, **fit_params)
                loss = step["loss"].item()
                Xi, _ = unpack_data(batch)
                size = (
                    len(Xi["X"]) if isinstance(Xi, dict) and "X" in Xi else get_len(Xi)
                )
                if direct:
                    record[loss_key] = loss
                    record[size_key] = size
                else:
                    history.record_batch(loss_key, loss)
                    history.record_batch(size_key, size)
                if training and stops and not math.isfinite(loss):
                    for cb in stops:
                        cb.on_batch_end(self, training=training, loss=loss)
                for hook in end:
                    hook(self, batch=batch, training=training, **step)
                batch_count += 1
        finally:
            self._grad_hooks = self._learnable = None
            self._in_training_epoch = False
        self.history.record(prefix + "_batch_count", batch_count)

    def train_step_single(self, batch, **fit_params):
        """Forward, loss and backward pass, as ``NeuralNet.train_step_single``.

        Inside :meth:`run_single_epoch` the modules are already in training
        mode (set once per epoch) and are not set again at every batch.
        """
        if not getattr(self, "_in_training_epoch", False):
            self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def train_step(self, batch, **fit_params):
        """One optimisation step, as ``NeuralNet.train_step``.

        ``on_grad_computed`` gets the epoch's list of learnable parameters
        (iterable any number of times) instead of a new generator per step,
        and is skipped when no callback implements it.
        """
        accumulator = self.get_train_step_accumulator()
        grad_hooks = getattr(self, "_grad_hooks", None)
        if grad_hooks is None:  # called outside run_single_epoch
            grad_hooks = self._batch_hooks("on_grad_computed")
        learnable = getattr(self, "_learnable", None)

        def step_fn():
            self._zero_grad_optimizer()
            step = self.train_step_single(batch, **fit_params)
            accumulator.store_step(step)
            if grad_hooks:
                params = (
                    learnable
                    if learnable is not None
                    else list(self.get_all_learnable_params())
                )
                for hook in grad_hooks:
                    hook(self, named_parameters=params, batch=batch, training=True)
            return step["loss"]

        self._step_optimizer(step_fn)
        return accumulator.get_step()


class StopOnNonFiniteLoss(Callback):
    """Raise ``FloatingPointError`` when a training batch's loss is not finite.

    Parameters
    ----------
    estimator_name : str
        Named in the message.
    lr : float
        The learning rate, quoted in the message.
    """

    def __init__(self, estimator_name: str = "the network", lr: float | None = None):
        self.estimator_name = estimator_name
        self.lr = lr

    def on_batch_end(self, net, batch=None, training=None, loss=None, **kwargs):
        if not training or loss is None:
            return
        value = float(loss.detach()) if torch.is_tensor(loss) else float(loss)
        if math.isfinite(value):
            return
        epoch = len(net.history)
        raise FloatingPointError(
            f"Training of {self.estimator_name} stopped in epoch {epoch}: the "
            f"training loss is {value}. The weights diverged or the data "
            "overflows float32. Likely fixes: a lower learning rate "
            f"(lr={self.lr}), scaled inputs (e.g. skseq.SequenceScaler) and "
            "target (scale_target=True for regressors), gradient clipping "
            "(clip_grad_norm=1.0)."
        )
