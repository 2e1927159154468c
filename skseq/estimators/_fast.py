"""Fast path of ``predict`` for a few sequences (one window, a small batch).

Predicting one window costs the network's forward pass plus whatever the
estimator does around it. The general path (full input validation with
scikit-learn's ``check_array``, a dataset, a batch dictionary) costs about as
much as the forward pass of a small network itself. Here, a plain float
ndarray of at most one prediction batch with no NaN or inf goes straight to
the module: one float32 copy, one call, one conversion back. The module runs
the same kernels on the same float32 values as in the general path (which
finds that no sequence is padded), so the outputs are identical; anything else (lists, DataFrames, integers, padding, bad values,
a wrong number of features) returns None and takes the general path, which
validates it and raises the usual errors.
"""

from __future__ import annotations

import numpy as np
import torch

from ._device import precision_context


def forward_small(estimator, X, max_samples: int) -> np.ndarray | None:
    """Network outputs for a small, clean float array, or None.

    Parameters
    ----------
    estimator : fitted recurrent estimator
        Needs ``net_``, ``n_features_in_`` and ``n_outputs_``.
    X : object
        The input given to ``predict``.
    max_samples : int
        Largest number of sequences taken by the fast path (one batch).

    Returns
    -------
    ndarray of shape (n_samples, n_outputs), float64, or None
        None when ``X`` needs the general path (validation, padding,
        conversion), or when the estimator is not fitted.
    """
    net = getattr(estimator, "net_", None)
    if net is None or type(X) is not np.ndarray or X.dtype.kind != "f":
        return None
    precision = getattr(estimator, "precision", None)
    if precision not in (None, "float32") and torch.device(net.device).type != "cuda":
        return None  # the general path explains why this cannot run
    if X.ndim == 2:
        X = X[:, :, None]
    if X.ndim != 3 or not 0 < X.shape[0] <= max_samples or X.shape[1] == 0:
        return None
    if X.shape[2] != estimator.n_features_in_:
        return None
    if getattr(estimator, "categorical_features_", None):
        return None  # category codes are checked against those seen in fit
    # A fresh float32 C-contiguous copy, as the general path gathers a batch
    # (it never writes into the caller's array and torch needs it writable).
    block = np.array(X, dtype=np.float32, order="C")
    # count_nonzero, not .all(): a ufunc reduction costs about 5 % of a
    # small network's call here.
    if np.count_nonzero(np.isfinite(block)) != block.size:
        return None  # front padding or invalid values: validate properly
    module = net.module_
    if module.training:
        module.eval()
    # No padding (every value is finite): lengths=None is the modules' "all
    # sequences full length", the path padded batches skip to.
    inputs = torch.from_numpy(block)
    if precision in (None, "float32") and net.device == "cpu":
        with torch.inference_mode():  # the plain call, nothing to move or cast
            out = module(inputs, None).numpy()
    else:
        with torch.inference_mode(), precision_context(net.device, precision):
            out = module(inputs.to(net.device), None).float().cpu().numpy()
    return out.astype(np.float64)
