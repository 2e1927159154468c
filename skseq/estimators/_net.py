"""skorch's ``NeuralNet`` with a leaner per-batch path.

skorch calls every callback's ``on_batch_begin`` and ``on_batch_end`` around
each batch, and builds a fresh generator over the learnable parameters for
``on_grad_computed`` at every step (gradient clipping is such a callback).
With the small recurrent networks of time-series work, a batch is a few
milliseconds of compute, and this bookkeeping is a few percent of it. Here
the hooks that no callback implements are skipped, and the parameter list is
built once per epoch; callbacks, history and results are those of
``NeuralNet``.
"""

from __future__ import annotations

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.dataset import get_len, unpack_data

from ._device import precision_context


def _overrides(obj, hook: str) -> bool:
    """Whether ``obj`` implements a callback hook (not the no-op default)."""
    method = getattr(type(obj), hook, None)
    return method is not None and method is not getattr(Callback, hook, None)


class SequenceNet(NeuralNet):
    """``NeuralNet`` whose batch loop skips callback hooks nobody implements.

    Used by the recurrent estimators; it takes ``NeuralNet``'s parameters
    and ``precision__dtype`` (``"float32"`` or ``"bfloat16"``: the forward
    pass under ``torch.autocast``, outputs returned as float32). The history
    (per-batch loss and size, per-epoch records) and every implemented
    callback hook are the same as with ``NeuralNet``.
    """

    prefixes_ = [*NeuralNet.prefixes_, "precision"]

    def infer(self, x, **fit_params):
        """The module's output, under autocast for ``precision__dtype``."""
        precision = getattr(self, "precision__dtype", "float32")
        if precision == "float32":
            return super().infer(x, **fit_params)
        with precision_context(self.device, precision):
            out = super().infer(x, **fit_params)
        return out.float() if isinstance(out, torch.Tensor) else out

    def _batch_hooks(self, hook: str) -> list:
        # The net's own hook first (on_batch_begin opens the history's batch
        # record), then the callbacks' that do something, as skorch's notify.
        return [getattr(self, hook)] + [
            getattr(cb, hook) for _, cb in self.callbacks_ if _overrides(cb, hook)
        ]

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """One pass over ``iterator``, as ``NeuralNet.run_single_epoch``."""
        if iterator is None:
            return
        begin = self._batch_hooks("on_batch_begin")
        end = self._batch_hooks("on_batch_end")
        if training:
            self._grad_hooks = self._batch_hooks("on_grad_computed")
            self._learnable = list(self.get_all_learnable_params())
        record = self.history.record_batch
        batch_count = 0
        try:
            for batch in iterator:
                for hook in begin:
                    hook(self, batch=batch, training=training)
                step = step_fn(batch, **fit_params)
                record(prefix + "_loss", step["loss"].item())
                Xi, _ = unpack_data(batch)
                size = (
                    len(Xi["X"]) if isinstance(Xi, dict) and "X" in Xi else get_len(Xi)
                )
                record(prefix + "_batch_size", size)
                for hook in end:
                    hook(self, batch=batch, training=training, **step)
                batch_count += 1
        finally:
            self._grad_hooks = self._learnable = None
        self.history.record(prefix + "_batch_count", batch_count)

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
