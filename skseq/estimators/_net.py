"""The skorch net the recurrent estimators train: weighted loss, finite-loss guard.

:class:`SequenceNet` builds its criterion with ``reduction="none"``, averages
the per-element losses of each sample and weights the samples by the
``sample_weight`` that travels with every batch (see
:class:`skseq.estimators._data.SequenceDataset`). Any criterion that accepts
``reduction="none"`` works (``MSELoss``, ``CrossEntropyLoss`` with class
weights, ``GaussianNLLLoss``, quantile losses written the same way).

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

#: Key of the per-sample weights in a batch's input dict.
SAMPLE_WEIGHT_KEY = "sample_weight"


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` whose loss is a (weighted) mean over samples.

    The criterion must be built with ``criterion__reduction="none"``. The
    batch loss is ``mean_i(w_i * l_i)``, where ``l_i`` is the mean loss of
    sample ``i`` over its outputs and ``w_i`` its weight (1 without weights).
    Weights are normalised to mean 1 over the training set by the
    estimator, so this is an unbiased estimate of the weighted mean loss and
    the learning rate keeps its meaning.
    """

    def infer(self, x, **fit_params):
        # The weights travel with the batch but are not an input of the module.
        if isinstance(x, Mapping) and SAMPLE_WEIGHT_KEY in x:
            x = {k: v for k, v in x.items() if k != SAMPLE_WEIGHT_KEY}
        return super().infer(x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        losses = super().get_loss(y_pred, y_true, X=X, training=training)
        if losses.dim() == 0:
            raise ValueError(
                f"The criterion {type(self.criterion_).__name__} returned a scalar: "
                "skseq weights the loss per sample and needs a criterion that "
                "accepts reduction='none'."
            )
        per_sample = losses.reshape(losses.shape[0], -1).mean(dim=1)
        if isinstance(X, Mapping) and SAMPLE_WEIGHT_KEY in X:
            weights = X[SAMPLE_WEIGHT_KEY].to(per_sample.device, per_sample.dtype)
            per_sample = per_sample * weights
        return per_sample.mean()


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
