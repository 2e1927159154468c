"""Vanishing gradients: a plain RNN against the LSTM and the GRU on the adding problem.

The adding problem (Hochreiter and Schmidhuber, 1997): values uniform in
[0, 1] and a marker at one step in each half; the target is the sum of the two
marked values (guessing the mean: MSE 1/6 = 0.167). The plain RNN learns short
sequences only, because ``||d loss / d x_t||`` (torch autograd through the
fitted ``model.net_.module_``) shrinks geometrically back in time through it.
Last, the LSTM's ``forget_bias``: 1 (the default), 0 and torch's own.

Run: ``python examples/vanishing_gradient.py`` (minutes on 2 cores), or with
``SKSEQ_EXAMPLES_QUICK=1`` for a few-second check whose numbers mean nothing.
The figure goes to ``$SKSEQ_EXAMPLES_OUT`` (default: ``examples-output``).
"""

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from skseq import RecurrentRegressor
from skseq.nn import RecurrentNet

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK", "0") != "0"
OUT = Path(os.environ.get("SKSEQ_EXAMPLES_OUT", "examples-output"))
LENGTHS, N_TRAIN = ((5, 12), 128) if QUICK else ((10, 50, 100), 5000)
CELLS = ("rnn", "lstm", "gru")
rng = np.random.default_rng(0)


def adding_problem(n, length):
    """Sequences (n, length, 2) of [value, marker] and their targets (n,)."""
    values = rng.uniform(0.0, 1.0, size=(n, length))
    rows = np.arange(n)
    first = rng.integers(0, length // 2, size=n)
    second = rng.integers(length // 2, length, size=n)
    markers = np.zeros((n, length))
    markers[rows, first] = markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(np.float32)
    return X, values[rows, first] + values[rows, second]


def input_gradient(module, X, target):
    """Mean over the batch of ||d loss / d x_t|| at every step t."""
    x = torch.tensor(X, requires_grad=True)
    loss = torch.nn.functional.mse_loss(module(x)[:, 0], torch.tensor(target))
    return torch.autograd.grad(loss, x)[0].norm(dim=2).mean(dim=0).numpy()


# %% One budget for every cell and length; inputs in [0, 1]: no normalisation.
settings = dict(lr=3e-3, normalize=None, random_state=0, hidden_size=8 if QUICK else 32)
settings["max_epochs"] = 1 if QUICK else 20
mse, models = {cell: [] for cell in CELLS}, {}
print(f"test MSE, {N_TRAIN} training sequences (guessing the mean: 0.167)")
for length in LENGTHS:
    X, y = adding_problem(N_TRAIN, length)
    X_test, y_test = adding_problem(1000, length)
    for cell in CELLS:
        models[cell] = RecurrentRegressor(cell, **settings).fit(X, y)
        mse[cell].append(np.mean((models[cell].predict(X_test) - y_test) ** 2))
    print(f"T = {length:3d}: " + ", ".join(f"{c} {mse[c][-1]:.4f}" for c in CELLS))

# %% ||d loss / d x_t||, fresh and trained; 0 means below float32's range.
X_grad, y_grad = X_test[:256], y_test[:256]  # the longest sequences
gradients = {}
for cell, model in models.items():
    torch.manual_seed(0)
    fresh = RecurrentNet(2, 1, cell=cell, hidden_size=settings["hidden_size"])
    target = ((y_grad - model.y_mean_[0]) / model.y_scale_[0]).astype(np.float32)
    at_init = input_gradient(fresh.eval(), X_grad, target)
    after = input_gradient(model.net_.module_.eval(), X_grad, target)
    gradients[cell] = at_init, after
    print(f"{cell}: step 1 / step T, at init {at_init[0] / at_init[-1]:.1e}, ", end="")
    print(f"trained {after[0] / after[-1]:.1e}")

# %% The LSTM at the longest length with three initial forget-gate biases.
bias_mse = {1.0: mse["lstm"][-1]}
for bias in (0.0, None):
    lstm = RecurrentRegressor("lstm", forget_bias=bias, **settings).fit(X, y)
    bias_mse[bias] = np.mean((lstm.predict(X_test) - y_test) ** 2)
scores = ", ".join(f"{bias}: {value:.4f}" for bias, value in bias_mse.items())
print(f"LSTM, T = {LENGTHS[-1]}, test MSE by forget_bias: {scores}")

# %% The figure: test error against T, and the gradient through time.
fig, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
for cell in CELLS:
    axes[0].plot(LENGTHS, mse[cell], "o-", label=cell.upper())
    for ax, grad in zip(axes[1:], gradients[cell], strict=True):
        ax.plot(range(1, LENGTHS[-1] + 1), grad, label=cell.upper())
axes[0].axhline(1 / 6, color="gray", ls="--", label="guess the mean")
axes[0].set(xlabel="length T", ylabel="test MSE", yscale="log", title="Test error")
for ax, when in zip(axes[1:], ("at initialisation", "after training"), strict=True):
    ax.set(title=f"||d loss / d x_t||, {when}", xlabel="step t", yscale="log")
for ax in axes:
    ax.legend()
OUT.mkdir(parents=True, exist_ok=True)
fig.savefig(OUT / "vanishing_gradient.png", dpi=120, bbox_inches="tight")
print(f"figure written to {OUT / 'vanishing_gradient.png'}")
