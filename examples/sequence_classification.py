"""Classify whole sequences: what the LSTM's head reads decides what it learns.

``LSTMClassifier`` reads a sequence and turns it into one label. By default
(``head="last"``) only the last hidden state reaches the classifier, so a
shape early in a long series must survive every later step. A pooling head
(``head="mean"``) reads all steps, and a convolutional branch beside the
LSTM (``conv_channels``, as in LSTM-FCN) reads local shapes. Both networks
meet 1-nearest-neighbour with the Euclidean distance (the UCR archive's
reference classifier) and a ridge classifier on the official train/test split
of a bundled UCR set, with the archive's published 1-NN accuracy.

Run: ``python examples/sequence_classification.py`` (about 10 s on 2 cores;
``DATASET = "ArrowHead"`` below for longer outlines).
``SKSEQ_EXAMPLES_QUICK=1``: a check only; figure in ``$SKSEQ_EXAMPLES_OUT``.
"""

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import RidgeClassifierCV
from sklearn.metrics import accuracy_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skseq import FlattenWindows, LSTMClassifier
from skseq.datasets import REFERENCE_ACCURACIES, load_classification

QUICK = os.environ.get("SKSEQ_EXAMPLES_QUICK", "0") != "0"
OUT = Path(os.environ.get("SKSEQ_EXAMPLES_OUT", "examples-output"))
DATASET = "GunPoint"  # or "ArrowHead", "ItalyPowerDemand"

# %% The official split: 3-D arrays (n_series, n_steps, n_channels), labels.
X_train, y_train = load_classification(DATASET, split="train")
X_test, y_test = load_classification(DATASET, split="test")
classes = np.unique(y_train)
print(f"{DATASET}: {len(X_train)} training / {len(X_test)} test series, ", end="")
print(f"{X_train.shape[1]} steps x {X_train.shape[2]} channel(s), classes {classes}")

# %% Two networks with the same training (the benchmark report's recipe: full
# batches, Adam with a cosine schedule), and two baselines on the flattened
# series. The networks standardise their inputs themselves (normalize="global").
budget = dict(
    max_epochs=3 if QUICK else 150,
    lr=1e-2,
    lr_schedule="cosine",
    batch_size=len(X_train),
    random_state=0,
)
branch = (4,) if QUICK else (32, 64, 32)
stride = -(-X_train.shape[1] // 128)  # downsample series over 128 steps first
models = {
    "LSTM, last state": LSTMClassifier(hidden_size=32, **budget),
    "LSTM, mean + conv": LSTMClassifier(
        hidden_size=8,
        head="mean",
        conv_channels=branch,
        conv_strides=(stride, *[1] * (len(branch) - 1)),
        **budget,
    ),
    "1-NN Euclidean": make_pipeline(FlattenWindows(), KNeighborsClassifier(1)),
    "ridge": make_pipeline(
        FlattenWindows(), StandardScaler(), RidgeClassifierCV(np.logspace(-3, 3, 13))
    ),
}
accuracy = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    accuracy[name] = accuracy_score(y_test, model.predict(X_test))
    print(f"  {name:24} test accuracy {accuracy[name]:.3f}")

# %% Against the published figure and the best baseline.
published = REFERENCE_ACCURACIES.get(DATASET, {}).get("1nn_euclidean")
if published is not None:
    print(f"published 1-NN Euclidean (UCR archive 2018): {published:.3f}")
best_net = max(list(accuracy)[:2], key=accuracy.get)
best_base = max(list(accuracy)[2:], key=accuracy.get)
gap = accuracy[best_net] - accuracy[best_base]
verdict = "beats" if gap > 0 else "ties with" if gap == 0 else "loses to"
print(f"the best network ({best_net}) {verdict} {best_base} by {gap:+.3f}")

# %% The figure: three training series per class, and the test accuracies.
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
for k, label in enumerate(classes[:4]):
    for j, series in enumerate(X_train[y_train == label][:3, :, 0]):
        ax1.plot(series, color=f"C{k}", alpha=0.8, label=label if j == 0 else None)
ax1.set(xlabel="time step", title=f"{DATASET}: training series by class")
ax1.legend(title="class", loc="center right")
ax2.barh(list(accuracy), list(accuracy.values()), color=["C0", "C1", "C7", "C7"])
if published is not None:
    ax2.axvline(published, color="black", ls="--", label="published 1-NN")
    ax2.legend(loc="lower left")
ax2.set(xlim=(0, 1), xlabel="test accuracy", title="Official test split")
ax2.invert_yaxis()
OUT.mkdir(parents=True, exist_ok=True)
fig.savefig(OUT / "sequence_classification.png", dpi=120, bbox_inches="tight")
print(f"figure written to {OUT / 'sequence_classification.png'}")
