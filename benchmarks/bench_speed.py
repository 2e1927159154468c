"""Training and prediction speed of skseq's recurrent regressors vs a plain PyTorch loop.

The setting, a mid-sized single-series training job: a 20,000-point float32
series, windows of 64 steps predicting the next value (15,936 training
windows, the last 4,000 windows held out for prediction), one recurrent layer
of 64 hidden units and a linear head, Adam with lr 1e-3, MSE, batch 64,
3 epochs, shuffled batches, gradient norm clipped to 1.0.

Contestants, for each cell (RNN, LSTM, GRU), all on the same data and settings:

``torch loop``
    The floor: a hand-written loop over pre-built float32 tensors, sliced by a
    shuffled permutation batch by batch (``X[idx]``), with ``zero_grad``,
    forward, MSE, ``backward``, ``clip_grad_norm_`` and ``Adam.step``
    (torch's default Adam; skseq passes ``foreach=True`` to its optimizers,
    the same updates bit for bit with one call for all parameters:
    ``--loop-foreach`` gives the loop that setting too).
``skseq``
    :class:`skseq.LSTMRegressor` (or the GRU / RNN one) fitted on the
    read-only window view that :func:`skseq.make_supervised` returns, so its
    fit time includes input validation, target scaling and network setup.
``skorch``
    A plain ``skorch.NeuralNetRegressor`` on the materialised float32 windows
    with skorch's default data path (a ``Dataset`` fetching samples one at a
    time and a ``DataLoader`` collating them), ``train_split=None`` so that it
    trains on the same samples, and ``GradientNormClipping(1.0)``.

Timing rules for a shared, noisy machine: everything runs in one process
(``--cpu-time`` times in this process's CPU time rather than wall time, which
waiting for a busy core does not inflate);
a warm-up round (small fits of every contestant and cell) comes first and its
cold/warm times are printed, because the first fit in a fresh process pays
one-off costs; the measured fits are interleaved (each repetition runs every
contestant once, in a rotating order); the tables give medians, and the
ratios are medians of per-repetition ratios against the torch loop of the
same repetition, so slow phases of the machine hit both sides alike.

Printed per cell: training windows per second (``n_train * epochs / fit
time``), the speed relative to the torch loop (1.00 = as fast as the floor),
the share of the fit spent outside the epochs (setup; from skorch's history
where available), the last epoch's mean training loss (a check that the same
work was done), then the single-window predict latency and the time to
predict 4,000 windows (plain module: one batch under ``torch.inference_mode``;
skseq: ``predict``, batches of 1,024; skorch: ``predict``, batches of 64).

Cell variants (``--variants``, on by default): one recurrent layer of each
kind trained in the hand-written loop above, side by side, relative to
torch's fused LSTM: torch's LSTM and GRU, skseq's engine for the GRU, the
LSTM, the peephole and the CIFG LSTM (and the layer-normalised LSTM), then
the same cells through :class:`skseq.RecurrentRegressor` (``cell="lstm"``
is torch's fused LSTM there, ``"gru"``/``"peephole"``/``"cifg"`` the
engine). Same hidden size, lookback and batch as above, on the first
``--variant-windows`` training windows for one epoch, interleaved
repetitions in rotating order, median of per-repetition ratios of the
process's CPU time (less disturbed than wall time when other processes
compete for the cores; run with ``--threads 1``).

Run::

    python benchmarks/bench_speed.py                 # the full setting (~3 min)
    python benchmarks/bench_speed.py --variants-only --repeat 5   # cell ratios
    python benchmarks/bench_speed.py --quick         # small setting (~10 s)
    python benchmarks/bench_speed.py --threads 1     # on a busy machine
    python benchmarks/bench_speed.py --cells lstm --repeat 5
    python benchmarks/bench_speed.py --profile lstm  # cProfile of one fit each
    python benchmarks/bench_speed.py --normalization # cost of normalize/embeddings

``--profile CELL`` skips the comparison and prints the top functions (by
internal time, and cumulative) of one skseq fit and one torch-loop fit, to
show where extra time goes (cProfile inflates Python-heavy code; use the
per-batch breakdown for sizes).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
import skorch
import torch
from skorch import NeuralNetRegressor
from skorch.callbacks import GradientNormClipping
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import skseq  # noqa: E402
from skseq import (  # noqa: E402
    GRURegressor,
    LSTMRegressor,
    RecurrentRegressor,
    RNNRegressor,
    make_supervised,
)
from skseq.nn import EngineRNN  # noqa: E402
from skseq.nn.normalization import default_embedding_dim  # noqa: E402

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

#: Clock of the timings: wall time, or this process's CPU time (--cpu-time).
_CLOCK = {"now": time.perf_counter}


def clock() -> float:
    return _CLOCK["now"]()


ESTIMATORS = {"rnn": RNNRegressor, "lstm": LSTMRegressor, "gru": GRURegressor}
CONTESTANTS = ("torch loop", "skseq", "skorch")


# -- data ---------------------------------------------------------------------
def make_series(n: int, seed: int = 0) -> np.ndarray:
    """A standardised float32 series: two seasonal cycles plus AR(1) noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    noise = np.zeros(n)
    eps = rng.normal(scale=0.3, size=n)
    for i in range(1, n):
        noise[i] = 0.8 * noise[i - 1] + eps[i]
    x = np.sin(2 * np.pi * t / 50) + 0.5 * np.sin(2 * np.pi * t / 365) + noise
    x = (x - x.mean()) / x.std()
    return x.astype(np.float32)[:, None]


def make_data(n_points: int, lookback: int, n_predict: int) -> dict:
    """Windows (a view), their targets, and the pre-built tensors of the floor."""
    series = make_series(n_points)
    X, y = make_supervised(series, 0, horizon=1, lookback=lookback, min_history="full")
    n_train = len(X) - n_predict
    X_train, y_train = X[:n_train], y[:n_train].astype(np.float32)
    X_test = X[n_train:]
    X_train_array = np.ascontiguousarray(X_train)  # materialised, for skorch
    return {
        "X_train_view": X_train,
        "X_train_array": X_train_array,
        "y_train": y_train,
        "X_test_view": X_test,
        "X_test_array": np.ascontiguousarray(X_test),
        "X_tensor": torch.from_numpy(X_train_array),
        "y_tensor": torch.from_numpy(y_train[:, None].copy()),
    }


# -- the contestants -----------------------------------------------------------
class PlainNet(nn.Module):
    """One recurrent layer and a linear head on the last hidden state.

    ``cell`` names a torch layer (``CELLS``) or, for the variants section, a
    layer from ``VARIANT_LAYERS``.
    """

    def __init__(self, cell: str = "lstm", n_features: int = 1, hidden_size: int = 64):
        super().__init__()
        make = CELLS.get(cell) or VARIANT_LAYERS[cell]
        self.rnn = make(n_features, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _, hidden = self.rnn(X)
        if isinstance(hidden, tuple):
            hidden = hidden[0]
        return self.head(hidden[-1])


def fit_torch_loop(data: dict, cell: str, cfg: argparse.Namespace, n=None):
    """The floor. Returns (module, [mean training loss per epoch])."""
    X, y = data["X_tensor"], data["y_tensor"]
    if n is not None:
        X, y = X[:n], y[:n]
    torch.manual_seed(cfg.seed)
    module = PlainNet(cell, X.shape[2], cfg.hidden)
    # torch's default Adam (per-parameter updates on the CPU), as a plain loop
    # is written; --loop-foreach gives it the multi-tensor updates skseq uses.
    foreach = {"foreach": True} if getattr(cfg, "loop_foreach", False) else {}
    optimizer = torch.optim.Adam(module.parameters(), lr=cfg.lr, **foreach)
    criterion = nn.MSELoss()
    generator = torch.Generator().manual_seed(cfg.seed)
    module.train()
    losses = []
    for _ in range(cfg.epochs if n is None else 1):
        perm = torch.randperm(len(X), generator=generator)
        total = 0.0
        for start in range(0, len(X), cfg.batch):
            idx = perm[start : start + cfg.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(module(X[idx]), y[idx])
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), cfg.clip)
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(X))
    return module, losses


def fit_skseq(data: dict, cell: str, cfg: argparse.Namespace, n=None):
    X, y = data["X_train_view"], data["y_train"]
    if n is not None:
        X, y = X[:n], y[:n]
    est = ESTIMATORS[cell](
        hidden_size=cfg.hidden,
        batch_size=cfg.batch,
        max_epochs=cfg.epochs if n is None else 1,
        lr=cfg.lr,
        clip_grad_norm=cfg.clip,
        random_state=cfg.seed,
    )
    est.fit(X, y)
    # skseq standardises y; y here is standardised already (scale ~1).
    return est, [h["train_loss"] * est.y_scale_[0] ** 2 for h in est.history_]


def fit_skorch(data: dict, cell: str, cfg: argparse.Namespace, n=None):
    X, y = data["X_train_array"], data["y_train"][:, None]
    if n is not None:
        X, y = X[:n], y[:n]
    torch.manual_seed(cfg.seed)
    net = NeuralNetRegressor(
        PlainNet,
        module__cell=cell,
        module__n_features=X.shape[2],
        module__hidden_size=cfg.hidden,
        optimizer=torch.optim.Adam,
        lr=cfg.lr,
        batch_size=cfg.batch,
        max_epochs=cfg.epochs if n is None else 1,
        iterator_train__shuffle=True,
        train_split=None,
        callbacks=[GradientNormClipping(cfg.clip)],
        verbose=0,
    )
    net.fit(X, y)
    return net, [h["train_loss"] for h in net.history]


FITS = {"torch loop": fit_torch_loop, "skseq": fit_skseq, "skorch": fit_skorch}


# -- cell variants -------------------------------------------------------------
def _engine(cell: str, **options):
    def make(n_features: int, hidden_size: int, batch_first: bool = True):
        return EngineRNN(
            n_features, hidden_size, batch_first=batch_first, cell=cell, **options
        )

    return make


#: Layers of the variants section, trained in the hand-written loop.
VARIANT_LAYERS = {
    "torch LSTM": nn.LSTM,
    "torch GRU": nn.GRU,
    "engine GRU": _engine("gru"),
    "engine LSTM": _engine("lstm"),
    "engine peephole": _engine("peephole"),
    "engine CIFG": _engine("cifg"),
    "engine LSTM+LN": _engine("lstm", layer_norm=True),
}
#: Cells of the variants section trained through skseq's estimator.
VARIANT_ESTIMATOR_CELLS = ("lstm", "gru", "peephole", "cifg")


def fit_variant_estimator(data: dict, cell: str, cfg: argparse.Namespace):
    n = cfg.variant_windows
    est = RecurrentRegressor(
        cell,
        hidden_size=cfg.hidden,
        batch_size=cfg.batch,
        max_epochs=1,
        lr=cfg.lr,
        clip_grad_norm=cfg.clip,
        random_state=cfg.seed,
    )
    return est.fit(data["X_train_view"][:n], data["y_train"][:n])


def variants(data: dict, cfg: argparse.Namespace) -> None:
    """Training speed of every cell relative to torch's fused LSTM."""
    n = min(cfg.variant_windows, len(data["X_tensor"]))
    contestants = {
        **{
            f"loop: {name}": (lambda name=name: fit_torch_loop(data, name, cfg, n=n))
            for name in VARIANT_LAYERS
        },
        **{
            f"skseq: cell={cell!r}": (
                lambda cell=cell: fit_variant_estimator(data, cell, cfg)
            )
            for cell in VARIANT_ESTIMATOR_CELLS
        },
    }
    bases = {"loop": "loop: torch LSTM", "skseq": "skseq: cell='lstm'"}
    print(
        f"\nCell variants: training speed relative to torch's fused LSTM "
        f"({n} windows x 1 epoch, hidden {cfg.hidden}, lookback {cfg.lookback}, "
        f"batch {cfg.batch}; {cfg.repeat} interleaved repetitions)"
    )
    for fn in contestants.values():  # warm-up
        fn()
    times = defaultdict(list)
    names = list(contestants)
    # CPU time of this process: on a loaded machine, waiting for a core
    # inflates wall time at random; the CPU time of the work disturbs less.
    for rep in range(cfg.repeat):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for name in order:
            start = time.process_time()
            contestants[name]()
            times[name].append(time.process_time() - start)
    print(
        f"{'contestant':26} {'CPU (s)':>8} {'windows/s':>10} {'vs torch LSTM [min-max]':>26}"
    )
    for name in names:
        base = times[bases[name.split(":")[0]]]
        ratios = [b / t for b, t in zip(base, times[name], strict=True)]
        med = statistics.median(times[name])
        print(f"{name:26} {med:8.2f} {n / med:10.0f} {fmt_ratio(ratios):>26}")
    print(
        "(CPU time of the process per fit; speed vs torch LSTM: torch LSTM "
        "time / this time in the same repetition, median; the loop rows compare "
        "layers in the hand-written loop, the skseq rows RecurrentRegressor fits)"
    )


def setup_share(model, seconds: float) -> float:
    """Share of a fit spent outside the epochs (skorch's per-epoch ``dur``)."""
    history = model.history_ if hasattr(model, "history_") else model.history
    return max(0.0, 1.0 - sum(h["dur"] for h in history) / seconds)


# -- prediction ------------------------------------------------------------------
def plain_predict(module: nn.Module, X: np.ndarray) -> np.ndarray:
    module.eval()
    with torch.inference_mode():
        return module(torch.from_numpy(np.asarray(X, dtype=np.float32))).numpy()


def predictor(name: str, model, data: dict, single: bool):
    """A zero-argument callable predicting one window or the 4,000 test windows."""
    if name == "torch loop":
        X = data["X_test_array"]
        x = X[:1] if single else X
        return lambda: plain_predict(model, x)
    if name == "skseq":
        X = data["X_test_view"]
        x = X[:1] if single else X
        return lambda: model.predict(x)
    X = data["X_test_array"]
    x = X[:1] if single else X
    return lambda: model.predict(x)


def time_calls(fn, number: int) -> float:
    start = clock()
    for _ in range(number):
        fn()
    return (clock() - start) / number


# -- reporting ---------------------------------------------------------------------
def fmt_ratio(values: list[float]) -> str:
    med = statistics.median(values)
    if len(values) < 2:
        return f"{med:5.2f}"
    return f"{med:5.2f} [{min(values):.2f}-{max(values):.2f}]"


def first_optimizer_seconds() -> float | None:
    """Time the process' first torch optimizer; None if one was made already.

    In torch 2.x the first ``torch.optim`` optimizer imports ``torch._dynamo``
    (about a second), so the first fit in a fresh process pays for it.
    """
    if "torch._dynamo" in sys.modules:
        return None
    start = time.perf_counter()
    torch.optim.Adam([nn.Parameter(torch.zeros(1))])
    return time.perf_counter() - start


def warm_up(data: dict, cells: list[str], cfg: argparse.Namespace) -> None:
    n = min(cfg.warmup_windows, len(data["X_tensor"]))
    seconds = first_optimizer_seconds()
    print("\nWarm-up (one-off costs of a fresh process)")
    if seconds is not None:
        print(
            f"first torch.optim.Adam(...) in the process: {seconds:.3f} s "
            "(it imports torch._dynamo; every fresh process, e.g. a joblib "
            "worker, pays this once)"
        )
    print(f"then every contestant fits {n} windows for 1 epoch, twice:")
    print(f"{'cell':5} {'contestant':11} {'1st (s)':>8} {'2nd (s)':>8}")
    for cell in cells:
        for name in CONTESTANTS:
            times = []
            for _ in range(2):
                start = clock()
                FITS[name](data, cell, cfg, n=n)
                times.append(clock() - start)
            print(f"{cell:5} {name:11} {times[0]:8.3f} {times[1]:8.3f}")


def _train_loop(module, batches, lengths: bool, clip: float) -> None:
    """A bare training loop over given batches (for the overhead breakdown)."""
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    criterion = nn.MSELoss()
    module.train()
    for Xb, yb in batches:
        optimizer.zero_grad(set_to_none=True)
        out = module(Xb["X"], Xb.get("lengths")) if lengths else module(Xb["X"])
        loss = criterion(out, yb)
        loss.backward()
        nn.utils.clip_grad_norm_(module.parameters(), clip)
        optimizer.step()
        loss.item()


def overhead(data: dict, cfg: argparse.Namespace) -> None:
    """Per-batch cost of each layer between the plain loop and the estimator.

    By default a recurrent layer of one hidden unit keeps the compute per
    batch small and the same in every variant, so the differences are the
    per-batch costs of the layers added one at a time: skseq's data path
    (gather a batch from the window view), its module (``RecurrentNet``:
    length check, head), skorch's training machinery (callbacks around every
    batch, gradient clipping as a callback, history, optimizer closure),
    and skseq's own fit wrapper (input validation, target scaling, setup).
    ``--overhead-cell lstm --overhead-hidden 64`` repeats it on the real model,
    where run-to-run noise (about 0.1 ms per batch here) hides the smaller
    layers; the tiny model resolves about 0.01 ms per batch.
    """
    # Private skseq pieces, imported here so the rest runs if they move.
    from skseq.estimators._data import BatchLoader, SequenceDataset
    from skseq.nn import RecurrentNet
    from skseq.utils.validation import check_sequences

    cell, hidden = cfg.overhead_cell, cfg.overhead_hidden
    small = argparse.Namespace(**{**vars(cfg), "hidden": hidden, "epochs": 1})
    X, y = data["X_tensor"], data["y_tensor"]
    n_batches = -(-len(X) // cfg.batch)
    seqs = check_sequences(data["X_train_view"])
    dataset = SequenceDataset(seqs.X, seqs.lengths, data["y_train"][:, None])
    module_kwargs = {"n_features": X.shape[2], "n_outputs": 1, "cell": cell}

    def tensor_batches():
        perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
        for start in range(0, len(X), cfg.batch):
            idx = perm[start : start + cfg.batch]
            yield {"X": X[idx]}, y[idx]

    def loader():
        return BatchLoader(dataset, batch_size=cfg.batch, shuffle=True, seed=0)

    def plain():
        torch.manual_seed(0)
        return PlainNet(cell, X.shape[2], hidden)

    def recurrent_net():
        torch.manual_seed(0)
        return RecurrentNet(**module_kwargs, hidden_size=hidden)

    def skorch_net():
        torch.manual_seed(0)
        skorch.NeuralNet(
            RecurrentNet,
            **{f"module__{k}": v for k, v in module_kwargs.items()},
            module__hidden_size=hidden,
            criterion=nn.MSELoss,
            optimizer=torch.optim.Adam,
            lr=cfg.lr,
            max_epochs=1,
            batch_size=cfg.batch,
            iterator_train=BatchLoader,
            iterator_train__shuffle=True,
            iterator_train__seed=0,
            train_split=None,
            callbacks=[("clip", GradientNormClipping(cfg.clip))],
            verbose=0,
        ).fit(dataset, None)

    variants = {
        "torch loop, tensors": lambda: _train_loop(
            plain(), tensor_batches(), False, cfg.clip
        ),
        "+ skseq BatchLoader": lambda: _train_loop(plain(), loader(), False, cfg.clip),
        "+ skseq RecurrentNet": lambda: _train_loop(
            recurrent_net(), loader(), True, cfg.clip
        ),
        "+ skorch NeuralNet fit": skorch_net,
        "+ skseq estimator": lambda: fit_skseq(data, cell, small),
        "skorch, default data": lambda: fit_skorch(data, cell, small),
        "(BatchLoader alone)": lambda: sum(1 for _ in loader()),
    }
    for fn in variants.values():
        fn()
    times = defaultdict(list)
    for _ in range(cfg.overhead_repeat):
        for name, fn in variants.items():
            start = clock()
            fn()
            times[name].append(clock() - start)
    base = statistics.median(times["torch loop, tensors"])
    print(
        f"\nPer-batch overhead: one epoch, {cell.upper()} with {hidden} hidden "
        f"unit(s) ({n_batches} batches of {cfg.batch}), median of "
        f"{cfg.overhead_repeat}, interleaved"
    )
    print(
        f"{'variant':24} {'epoch (s)':>9} {'ms/batch':>9} {'vs loop':>9} "
        f"{'this row':>9}"
    )
    previous = None
    for name in variants:
        med = statistics.median(times[name])
        delta = (
            "" if name.startswith("(") else f"{1e3 * (med - base) / n_batches:+9.3f}"
        )
        step = (
            f"{1e3 * (med - previous) / n_batches:+9.3f}"
            if name.startswith("+") and previous is not None
            else ""
        )
        print(f"{name:24} {med:9.3f} {1e3 * med / n_batches:9.3f} {delta:>9} {step:>9}")
        previous = med
    print(
        "(each '+' row adds one layer to the row above; last column: its own "
        "cost per batch. The estimator row adds input validation, target "
        "scaling and setup, paid once per fit)"
    )


def compare(data: dict, cells: list[str], cfg: argparse.Namespace) -> None:
    n_train = len(data["X_tensor"])
    n_windows = n_train * cfg.epochs
    times = defaultdict(list)  # (cell, name) -> seconds per repetition
    setup = defaultdict(list)
    losses = {}
    models = {}
    print(
        f"\nTraining: {cfg.repeat} interleaved repetition(s) of each fit "
        f"({n_train} windows x {cfg.epochs} epochs)"
    )
    for rep in range(cfg.repeat):
        for cell in cells:
            order = list(CONTESTANTS)
            k = (rep + cells.index(cell)) % len(order)
            order = order[k:] + order[:k]  # rotate so nobody always goes first
            for name in order:
                start = clock()
                model, epoch_losses = FITS[name](data, cell, cfg)
                seconds = clock() - start
                times[cell, name].append(seconds)
                if name != "torch loop" and _CLOCK["now"] is time.perf_counter:
                    # skorch's epoch durations are wall time
                    setup[cell, name].append(setup_share(model, seconds))
                losses[cell, name] = epoch_losses[-1]
                models[cell, name] = model
            print(
                f"  rep {rep + 1} {cell}: "
                + ", ".join(f"{n} {times[cell, n][-1]:.2f} s" for n in CONTESTANTS),
                flush=True,
            )

    print(
        f"\n{'cell':5} {'contestant':11} {'fit (s)':>8} {'windows/s':>10} "
        f"{'speed vs torch loop [min-max]':>30} {'setup':>6} {'last loss':>9}"
    )
    for cell in cells:
        floor = times[cell, "torch loop"]
        for name in CONTESTANTS:
            t = times[cell, name]
            ratios = [f / s for f, s in zip(floor, t, strict=True)]
            share = (
                f"{100 * statistics.median(setup[cell, name]):5.1f}%"
                if setup[cell, name]
                else "     -"
            )
            print(
                f"{cell:5} {name:11} {statistics.median(t):8.2f} "
                f"{n_windows / statistics.median(t):10.0f} {fmt_ratio(ratios):>30} "
                f"{share:>6} {losses[cell, name]:9.4f}"
            )
    if len(cells) > 1 and "lstm" in cells:
        print("\nCell speed in the torch loop, relative to LSTM (same repetitions):")
        base = times["lstm", "torch loop"]
        for cell in cells:
            r = [b / t for b, t in zip(base, times[cell, "torch loop"], strict=True)]
            print(f"  {cell:5} {fmt_ratio(r)}")

    print(
        f"\nPrediction: single window (median of {cfg.rounds} rounds of "
        f"{cfg.single_calls} calls) and {len(data['X_test_array'])} windows "
        f"(median of {cfg.rounds} calls)"
    )
    print(
        f"{'cell':5} {'contestant':11} {'1 window (ms)':>13} {'vs plain':>8} "
        f"{'batch (s)':>10} {'vs plain':>8}"
    )
    for cell in cells:
        single = defaultdict(list)
        batch = defaultdict(list)
        for name in CONTESTANTS:  # one untimed call each
            predictor(name, models[cell, name], data, True)()
            predictor(name, models[cell, name], data, False)()
        for _ in range(cfg.rounds):
            for name in CONTESTANTS:
                model = models[cell, name]
                fn = predictor(name, model, data, single=True)
                single[name].append(time_calls(fn, cfg.single_calls))
                fn = predictor(name, model, data, single=False)
                batch[name].append(time_calls(fn, 1))
        for name in CONTESTANTS:
            s = [a / b for a, b in zip(single[name], single["torch loop"], strict=True)]
            b = [a / c for a, c in zip(batch[name], batch["torch loop"], strict=True)]
            print(
                f"{cell:5} {name:11} {1e3 * statistics.median(single[name]):13.3f} "
                f"{statistics.median(s):7.2f}x "
                f"{statistics.median(batch[name]):10.3f} {statistics.median(b):7.2f}x"
            )
    print("(prediction 'vs plain': time relative to the plain module; lower is better)")


# -- one-window predict: estimator vs its own module --------------------------------
def one_window(data: dict, cells: list[str], cfg: argparse.Namespace) -> None:
    """``predict`` on one window against a bare call of the same trained module.

    The bare call is what a hand-written deployment would do: convert the
    window to a float32 tensor, call the module under ``inference_mode`` and
    convert the output to NumPy. The ratio is the estimator's overhead on top
    (goal: at most 1.2x); the outputs must be identical.
    """
    x = data["X_test_view"][-1:]
    print(
        f"\nOne-window predict vs a bare call of the same module (median of "
        f"{cfg.rounds} interleaved rounds of {cfg.single_calls} calls)"
    )
    print(f"{'cell':5} {'bare (ms)':>10} {'predict (ms)':>13} {'ratio':>7} {'same':>5}")
    for cell in cells:
        small = argparse.Namespace(**{**vars(cfg), "epochs": 1})
        est, _ = fit_skseq(data, cell, small, n=cfg.warmup_windows)
        module = est.net_.module_.eval()

        def bare(module=module):
            with torch.inference_mode():
                out = module(torch.from_numpy(np.array(x, dtype=np.float32)))
            return out.numpy()

        def predict(est=est):
            return est.predict(x)

        bare()
        predict()
        times = defaultdict(list)
        for _ in range(cfg.rounds):
            times["bare"].append(time_calls(bare, cfg.single_calls))
            times["predict"].append(time_calls(predict, cfg.single_calls))
        ratios = [p / b for p, b in zip(times["predict"], times["bare"], strict=True)]
        expected = bare()[:, 0] * est.y_scale_[0] + est.y_mean_[0]
        same = np.array_equal(predict(), expected)
        print(
            f"{cell:5} {1e3 * statistics.median(times['bare']):10.3f} "
            f"{1e3 * statistics.median(times['predict']):13.3f} "
            f"{fmt_ratio(ratios):>7} {same!s:>5}"
        )


# -- profiling ---------------------------------------------------------------------
def profile(data: dict, cell: str, cfg: argparse.Namespace) -> None:
    for name in ("torch loop", "skseq", "skorch"):
        FITS[name](data, cell, cfg, n=cfg.warmup_windows)  # warm up
    for name in ("torch loop", "skseq"):
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        FITS[name](data, cell, cfg)
        profiler.disable()
        seconds = time.perf_counter() - start
        print(
            f"\n===== cProfile: {name}, {cell}, {seconds:.2f} s (with profiler) ====="
        )
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(22)
            text = out.getvalue()
            print(text[text.find("   ncalls") :])


def normalization_cost(data: dict, cfg: argparse.Namespace) -> None:
    """Training throughput with and without normalisation and embeddings.

    LSTM fits on the same windows, interleaved in rotating order,
    ``cfg.repeat`` times. Normalisation: ``normalize=None`` (the reference),
    ``"window"``, ``"delta"`` and ``"global"``. Embeddings, with a
    weekday-like code column (``t % 7``) beside the series: the column fed
    raw (``none+code``, 2 inputs per step, the reference), the column
    repeated to the width of the embedded input (``none+wide``: 1 + the
    default embedding width, 4, so 5 raw inputs, the same recurrent layer
    as with the embedding), the column embedded without normalisation
    (``none+embedding``) and with ``"window"`` (``window+embedding``).

    Compared: ``none+wide`` against ``none+code`` is the model's cost of the
    wider input alone; ``none+embedding`` against ``none+wide`` is the
    embedding's own overhead (code extraction, lookup, concatenation, the
    gradient into the inputs and the table, one more parameter for Adam);
    ``none+embedding`` and ``window+embedding`` against ``none+code`` are
    the embedding, and the normalisation and the embedding together, against
    feeding the column raw. Ratios are medians of per-repetition time ratios,
    with their range over the repetitions.
    """
    X, y = data["X_train_view"], data["y_train"]
    codes = (np.arange(X.shape[0] + X.shape[1] - 1) % 7).astype(np.float32)
    series = np.concatenate([X[:, 0, :], X[-1, 1:, :]])  # the series behind X
    width = default_embedding_dim(7)

    def windows(columns: np.ndarray) -> np.ndarray:
        out, _ = make_supervised(
            columns, 0, horizon=1, lookback=X.shape[1], min_history="full",
            dropna=False,
        )
        return out[: len(X)]

    X_codes = windows(np.column_stack([series[:, 0], codes]))
    X_wide = windows(np.column_stack([series[:, 0]] + [codes] * width))
    variants = {
        "none": (X, {"normalize": None}),
        "window": (X, {"normalize": "window"}),
        "delta": (X, {"normalize": "delta"}),
        "global": (X, {"normalize": "global"}),
        "none+code": (X_codes, {"normalize": None}),
        "none+wide": (X_wide, {"normalize": None}),
        "none+embedding": (
            X_codes, {"normalize": None, "categorical_features": [1]},
        ),
        "window+embedding": (
            X_codes, {"normalize": "window", "categorical_features": [1]},
        ),
    }
    times: dict[str, list[float]] = {k: [] for k in variants}
    for r in range(cfg.repeat):
        order = list(variants)[r % len(variants) :] + list(variants)[: r % len(variants)]
        for name in order:
            Xv, extra = variants[name]
            est = ESTIMATORS["lstm"](
                hidden_size=cfg.hidden, batch_size=cfg.batch, max_epochs=cfg.epochs,
                lr=cfg.lr, clip_grad_norm=cfg.clip, random_state=cfg.seed, **extra,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                t0 = clock()
                est.fit(Xv, y)
                times[name].append(clock() - t0)
    print("\nnormalisation and embedding cost (LSTM fit, median of "
          f"{cfg.repeat}; ratio = time / time of the reference, median and range "
          "of per-repetition ratios)")
    print(f"  inputs per step: none 1, none+code 2, none+wide {1 + width}, "
          f"*+embedding 1 + an embedding of width {width}")
    for name, reference in [
        ("none", "none"), ("window", "none"), ("delta", "none"),
        ("global", "none"), ("none+code", "none+code"),
        ("none+wide", "none+code"), ("none+embedding", "none+wide"),
        ("none+embedding", "none+code"), ("window+embedding", "none+code"),
    ]:
        ratios = np.array(times[name]) / np.array(times[reference])
        rate = len(X) * cfg.epochs / np.median(times[name])
        print(
            f"  {name:17s} {rate:9.0f} windows/s   x{np.median(ratios):.3f} vs "
            f"{reference:10s} ({ratios.min():.3f}-{ratios.max():.3f})"
        )


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="small setting, ~10 s")
    p.add_argument("--n", type=int, default=20_000, help="series length")
    p.add_argument("--lookback", type=int, default=64)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--n-predict", type=int, default=4_000)
    p.add_argument(
        "--repeat", type=int, default=None, help="interleaved repetitions (3; quick 2)"
    )
    p.add_argument("--cells", default="lstm,gru,rnn", help="comma-separated cells")
    p.add_argument("--threads", type=int, default=None, help="torch threads")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--warmup-windows", type=int, default=1024)
    p.add_argument("--single-calls", type=int, default=50)
    p.add_argument(
        "--rounds", type=int, default=None, help="prediction rounds (5; quick 3)"
    )
    p.add_argument("--overhead-repeat", type=int, default=7)
    p.add_argument("--overhead-cell", choices=sorted(CELLS), default="rnn")
    p.add_argument("--overhead-hidden", type=int, default=1)
    p.add_argument(
        "--no-overhead", action="store_true", help="skip the per-batch breakdown"
    )
    p.add_argument(
        "--no-one-window",
        action="store_true",
        help="skip the one-window predict vs bare module comparison",
    )
    p.add_argument("--profile", metavar="CELL", choices=sorted(CELLS), default=None)
    p.add_argument(
        "--no-variants", action="store_true", help="skip the cell-variants section"
    )
    p.add_argument(
        "--variants-only", action="store_true", help="run only the cell variants"
    )
    p.add_argument("--variant-windows", type=int, default=2048)
    p.add_argument(
        "--cpu-time",
        action="store_true",
        help="time fits and predictions in CPU time of this process instead of "
        "wall time (steadier on a loaded machine; use with --threads 1)",
    )
    p.add_argument(
        "--loop-foreach",
        action="store_true",
        help="the torch loop's Adam with foreach=True (skseq's setting; same "
        "updates bit for bit) instead of torch's CPU default",
    )
    p.add_argument(
        "--normalization",
        action="store_true",
        help="only measure the cost of normalize and embeddings",
    )
    cfg = p.parse_args(argv)
    if cfg.quick:
        cfg.n, cfg.lookback, cfg.hidden = 3_000, 32, 32
        cfg.epochs, cfg.n_predict = 1, 1_000
        cfg.warmup_windows, cfg.single_calls = 256, 20
        cfg.overhead_repeat = 3
        cfg.variant_windows = 512
    # Repetitions given on the command line win over the quick setting's.
    if cfg.repeat is None:
        cfg.repeat = 2 if cfg.quick else 3
    if cfg.rounds is None:
        cfg.rounds = 3 if cfg.quick else 5
    return cfg


def main(argv=None) -> None:
    cfg = parse_args(argv)
    if cfg.threads is not None:
        torch.set_num_threads(cfg.threads)
    if cfg.cpu_time:
        _CLOCK["now"] = time.process_time
    cells = [c.strip() for c in cfg.cells.split(",") if c.strip()]
    unknown = [c for c in cells if c not in CELLS]
    if unknown:
        raise SystemExit(f"unknown cell(s) {unknown}; choose from {sorted(CELLS)}")
    data = make_data(cfg.n, cfg.lookback, cfg.n_predict)
    print(
        f"skseq {skseq.__version__}, torch {torch.__version__}, skorch "
        f"{skorch.__version__}, numpy {np.__version__}, Python "
        f"{platform.python_version()}, {torch.get_num_threads()} torch thread(s), "
        f"{os.cpu_count()} CPU(s), load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(
        f"series {cfg.n} points, windows of {cfg.lookback}, "
        f"{len(data['X_tensor'])} training / {len(data['X_test_array'])} "
        f"predicted windows, hidden {cfg.hidden}, batch {cfg.batch}, "
        f"{cfg.epochs} epoch(s), Adam lr {cfg.lr}, clip {cfg.clip}"
    )
    if cfg.profile:
        profile(data, cfg.profile, cfg)
        return
    if cfg.variants_only:
        variants(data, cfg)
        return
    if cfg.normalization:
        warm_up(data, ["lstm"], cfg)
        normalization_cost(data, cfg)
        return
    warm_up(data, cells, cfg)
    if not cfg.no_variants:
        variants(data, cfg)
    if not cfg.no_overhead:
        overhead(data, cfg)
    compare(data, cells, cfg)
    if not cfg.no_one_window:
        one_window(data, cells, cfg)


if __name__ == "__main__":
    main()
