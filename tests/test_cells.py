"""The LSTM variants, the recurrence engine and their estimator options.

The cells are checked against NumPy references of their equations written
here from scratch (forward and recorded gates), against
``torch.autograd.gradcheck`` in float64 (the engine's hand-written backward
and the layer-norm path), and against ``torch.nn.LSTM`` / ``torch.nn.GRU``
given the same weights.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from skseq import (
    LSTMRegressor,
    RecurrentClassifier,
    RecurrentRegressor,
    RNNRegressor,
    Seq2SeqRegressor,
)
from skseq.model_selection import TimeSeriesWindowSplit
from skseq.nn import GATES, EngineRNN, RecurrentNet, make_recurrent_layer
from skseq.nn.cells import layer_params
from skseq.nn.recurrent import MAX_LENGTH_GROUPS

CUSTOM = ["lstm", "peephole", "cifg", "gru"]
FAST = dict(hidden_size=6, max_epochs=2, lr=0.01, random_state=0)


# -- NumPy references -----------------------------------------------------------
def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _norm(x, gain, bias=0.0):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-5) * gain + bias


def numpy_cell(cell: str, x: np.ndarray, p: dict, layer_norm: bool = False):
    """One layer and direction, time-major ``x`` (T, B, I): outputs and gates.

    The equations as published (torch's for the LSTM and GRU), gate blocks in
    torch's order: LSTM and peephole i, f, g, o; CIFG f, g, o; GRU r, z, n.
    """
    w_ih, w_hh, b_ih, b_hh = p["w_ih"], p["w_hh"], p["b_ih"], p["b_hh"]
    hidden = w_hh.shape[1]
    h = np.zeros((x.shape[1], hidden))
    c = np.zeros_like(h)
    outputs, gates = [], {name: [] for name in GATES[cell]}
    for x_t in x:
        xp, hp = x_t @ w_ih.T, h @ w_hh.T
        if layer_norm:
            xp, hp = _norm(xp, p["ln_ih"]), _norm(hp, p["ln_hh"])
        if cell == "gru":
            xr, xz, xn = np.split(xp + b_ih, 3, axis=1)
            hr, hz, hn = np.split(hp + b_hh, 3, axis=1)
            r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
            n = np.tanh(xn + r * hn)
            h = (1 - z) * n + z * h
            values = (r, z, n)
        else:
            blocks = np.split(xp + hp + b_ih + b_hh, len(GATES[cell]), axis=1)
            if cell == "cifg":
                a_f, a_g, a_o = blocks
                f, g = _sigmoid(a_f), np.tanh(a_g)
                i = 1 - f
            else:
                a_i, a_f, a_g, a_o = blocks
                if cell == "peephole":
                    a_i = a_i + p["peephole"][0] * c
                    a_f = a_f + p["peephole"][1] * c
                i, f, g = _sigmoid(a_i), _sigmoid(a_f), np.tanh(a_g)
            c = f * c + i * g
            if cell == "peephole":
                a_o = a_o + p["peephole"][2] * c
            o = _sigmoid(a_o)
            shown = _norm(c, *p["ln_cell"]) if layer_norm else c
            h = o * np.tanh(shown)
            values = (f, g, o) if cell == "cifg" else (i, f, g, o)
        outputs.append(h)
        for name, value in zip(GATES[cell], values, strict=True):
            gates[name].append(value)
    return np.stack(outputs), {k: np.stack(v) for k, v in gates.items()}


def numpy_params(layer, name, cell, layer_norm):
    def arr(t):
        return t.detach().double().numpy()

    params = layer_params(layer, name, cell, layer_norm)
    out = {k: arr(v) for k, v in params.items() if k != "ln_cell"}
    if "ln_cell" in params:
        out["ln_cell"] = tuple(arr(v) for v in params["ln_cell"])
    return out


def randomise(layer: torch.nn.Module, seed: int = 0) -> None:
    """Non-trivial values everywhere (layer-norm gains and biases included)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in layer.parameters():
            param.copy_(torch.rand(param.shape, generator=generator) - 0.5)


# -- correctness -----------------------------------------------------------------
@pytest.mark.parametrize("layer_norm", [False, True])
@pytest.mark.parametrize("cell", CUSTOM)
def test_cell_equals_numpy_reference(cell, layer_norm):
    layer = EngineRNN(3, 5, cell=cell, layer_norm=layer_norm)
    randomise(layer)
    x = torch.randn(4, 9, 3, generator=torch.Generator().manual_seed(1))
    out, state = layer(x)
    expected, _ = numpy_cell(
        cell,
        x.double().numpy().transpose(1, 0, 2),
        numpy_params(layer, "l0", cell, layer_norm),
        layer_norm,
    )
    np.testing.assert_allclose(
        out.detach().numpy(), expected.transpose(1, 0, 2), atol=1e-5, rtol=0
    )
    h_n = state if cell == "gru" else state[0]
    np.testing.assert_allclose(h_n[0].detach().numpy(), expected[-1], atol=1e-5)


@pytest.mark.parametrize(
    ("cell", "layer_norm"),
    [(c, False) for c in CUSTOM] + [(c, True) for c in CUSTOM],
)
def test_gradients_pass_gradcheck(cell, layer_norm):
    # Two layers, both directions, an initial state and every parameter.
    layer = EngineRNN(
        2, 3, num_layers=2, bidirectional=True, cell=cell, layer_norm=layer_norm
    ).double()
    randomise(layer)
    names = [n for n, _ in layer.named_parameters()]
    params = [p.detach().clone().requires_grad_() for p in layer.parameters()]
    generator = torch.Generator().manual_seed(2)
    x = torch.randn(2, 4, 2, dtype=torch.float64, generator=generator)
    h0 = 0.5 * torch.randn(4, 2, 3, dtype=torch.float64, generator=generator)
    c0 = 0.5 * torch.randn(4, 2, 3, dtype=torch.float64, generator=generator)
    inputs = (x.requires_grad_(), h0.requires_grad_(), c0.requires_grad_(), *params)

    def run(x, h0, c0, *weights):
        hx = h0 if cell == "gru" else (h0, c0)
        out, state = torch.func.functional_call(
            layer, dict(zip(names, weights, strict=True)), (x, hx)
        )
        extra = state if cell == "gru" else torch.cat(state)
        return out, extra

    assert torch.autograd.gradcheck(run, inputs, atol=1e-6, fast_mode=True)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_engine_equals_torch_given_the_same_weights(cell):
    torch_layer = getattr(torch.nn, cell.upper())(
        3, 5, num_layers=2, bidirectional=True, batch_first=True
    )
    layer = EngineRNN(3, 5, num_layers=2, bidirectional=True, cell=cell)
    layer.load_state_dict(torch_layer.state_dict())  # same names and shapes
    generator = torch.Generator().manual_seed(3)
    x = torch.randn(4, 8, 3, generator=generator)
    h0 = torch.randn(4, 4, 5, generator=generator)
    hx = h0 if cell == "gru" else (h0, torch.randn(4, 4, 5, generator=generator))
    results = []
    for module in (torch_layer, layer):
        xr = x.clone().requires_grad_()
        out, state = module(xr, hx)
        states = [state] if cell == "gru" else list(state)
        loss = (out**2).sum() + sum((s * s.cos()).sum() for s in states)
        grads = torch.autograd.grad(loss, [xr, *module.parameters()])
        results.append([out, *states, *grads])
    for ours, theirs in zip(results[1], results[0], strict=True):
        torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-4)


def test_parameter_counts():
    def gate_params(cell):
        layer = EngineRNN(7, 16, num_layers=2, bidirectional=True, cell=cell)
        return sum(
            p.numel()
            for n, p in layer.named_parameters()
            if not n.startswith("weight_ph")
        ), sum(p.numel() for p in layer.parameters())

    lstm, lstm_total = gate_params("lstm")
    cifg, _ = gate_params("cifg")
    _, peephole_total = gate_params("peephole")
    torch_lstm = torch.nn.LSTM(7, 16, num_layers=2, bidirectional=True)
    assert lstm_total == sum(p.numel() for p in torch_lstm.parameters())
    assert cifg * 4 == lstm * 3
    assert peephole_total - lstm_total == 3 * 16 * 2 * 2  # layers x directions


@pytest.mark.parametrize("cell", ["peephole", "gru"])
def test_packed_input_matches_each_sequence_alone(cell):
    layer = EngineRNN(2, 4, num_layers=2, bidirectional=True, cell=cell)
    generator = torch.Generator().manual_seed(4)
    lengths = torch.tensor([5, 2, 7, 5, 3])
    x = torch.randn(5, 7, 2, generator=generator)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out, state = layer(packed)
    padded, out_lengths = pad_packed_sequence(out, batch_first=True)
    h_n = state if cell == "gru" else state[0]
    assert torch.equal(out_lengths, lengths)
    for row, length in enumerate(lengths.tolist()):
        alone, alone_state = layer(x[row : row + 1, :length])
        alone_h = alone_state if cell == "gru" else alone_state[0]
        torch.testing.assert_close(padded[row, :length], alone[0])
        torch.testing.assert_close(h_n[:, row], alone_h[:, 0])


@pytest.mark.parametrize("cell", ["peephole", "cifg", "gru"])
def test_recurrent_net_padding_paths_agree(cell):
    # Few lengths: one call per length; many lengths: a packed batch.
    torch.manual_seed(0)
    net = RecurrentNet(2, 3, cell=cell, hidden_size=4, num_layers=2, bidirectional=True)
    net.eval()
    n = MAX_LENGTH_GROUPS + 3
    x = torch.randn(n, n + 1, 2)
    lengths = torch.arange(2, n + 2)
    x[torch.arange(n + 1)[None, :] < (n + 1 - lengths)[:, None]] = 0.0
    batched = net(x, lengths)
    for row in (0, n // 2, n - 1):
        alone = net(x[row : row + 1, n + 1 - lengths[row] :])
        torch.testing.assert_close(batched[row], alone[0])


# -- initialisation -----------------------------------------------------------------
def test_forget_bias_and_orthogonal_init():
    for cell in ("lstm", "peephole", "cifg"):
        layer = make_recurrent_layer(
            cell, 2, 8, num_layers=2, forget_bias=1.5, recurrent_init="orthogonal"
        )
        forget = GATES[cell].index("forget")
        n_gates = len(GATES[cell])
        for k in range(2):
            b_ih = getattr(layer, f"bias_ih_l{k}").chunk(n_gates)[forget]
            b_hh = getattr(layer, f"bias_hh_l{k}").chunk(n_gates)[forget]
            assert torch.all(b_ih == 1.5) and torch.all(b_hh == 0)
            for block in getattr(layer, f"weight_hh_l{k}").detach().chunk(n_gates):
                torch.testing.assert_close(
                    block @ block.T, torch.eye(8), atol=1e-5, rtol=0
                )
    torch.manual_seed(0)
    kept = make_recurrent_layer("lstm", 2, 8, forget_bias=None)
    assert kept.bias_hh_l0.chunk(4)[1].abs().sum() > 0  # torch's random init


def test_estimator_options_reach_the_network():
    X = np.random.default_rng(0).normal(size=(40, 6, 2))
    y = X[:, -1, 0]
    reg = LSTMRegressor(max_epochs=1, hidden_size=4, forget_bias=0.0).fit(X, y)
    assert isinstance(reg.net_.module_.rnn, torch.nn.LSTM)  # the fused kernel
    reg = RecurrentRegressor(
        "lstm",
        max_epochs=1,
        hidden_size=4,
        layer_norm=True,
        recurrent_init="orthogonal",
    ).fit(X, y)
    rnn = reg.net_.module_.rnn
    assert isinstance(rnn, EngineRNN) and rnn.layer_norm
    assert reg.get_params()["layer_norm"] is True


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"forget_bias": "1"}, "forget_bias"),
        ({"forget_bias": float("inf")}, "forget_bias"),
        ({"recurrent_init": "xavier"}, "recurrent_init"),
        ({"layer_norm": "yes"}, "layer_norm"),
        ({"cell": "lstm2"}, "cell"),
    ],
)
def test_bad_options_are_refused(params, match):
    X = np.zeros((8, 4, 1))
    with pytest.raises(InvalidParameterError, match=match):
        RecurrentRegressor(**{"max_epochs": 1, **params}).fit(X, X[:, -1, 0])


def test_layer_norm_needs_gates():
    X = np.zeros((8, 4, 1))
    with pytest.raises(ValueError, match="layer_norm=True needs a gated cell"):
        RNNRegressor(max_epochs=1, layer_norm=True).fit(X, X[:, -1, 0])


# -- estimators ------------------------------------------------------------------
def _padded_sequences(n=48, steps=10):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, steps, 2))
    for row in range(0, n, 4):
        X[row, : 1 + row % 5] = np.nan  # front padding, several lengths
    y = np.nansum(X[:, :, 0], axis=1)
    return X, y


@pytest.mark.parametrize("cell", ["peephole", "cifg"])
def test_custom_cells_in_every_estimator(cell):
    X, y = _padded_sequences()
    reg = RecurrentRegressor(
        cell, num_layers=2, bidirectional=True, dropout=0.2, **FAST
    ).fit(X, y)
    # Padding never changes a prediction: the padded row alone, unpadded.
    row = 4
    alone = X[row : row + 1, 1 + row % 5 :]
    np.testing.assert_allclose(reg.predict(X)[row], reg.predict(alone)[0], atol=1e-5)
    clf = RecurrentClassifier(cell, num_layers=2, bidirectional=True, **FAST)
    assert clf.fit(X, y > 0).predict_proba(X).shape == (48, 2)
    s2s = Seq2SeqRegressor(cell, num_layers=2, dropout=0.1, **FAST)
    assert s2s.fit(X, np.c_[y, y]).predict(X).shape == (48, 2)
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))


def test_grid_search_over_all_cells():
    X, y = _padded_sequences(n=60, steps=8)
    search = GridSearchCV(
        RecurrentRegressor(**FAST),
        {"cell": ["rnn", "lstm", "gru", "peephole", "cifg"]},
        cv=TimeSeriesWindowSplit(n_splits=2),
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 5
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


# -- gates ---------------------------------------------------------------------------
@pytest.mark.parametrize("cell", CUSTOM)
def test_gate_activations_match_the_reference(cell):
    X, y = _padded_sequences(n=24, steps=7)
    # normalize=None: the reference below reads the raw inputs.
    reg = RecurrentRegressor(cell, num_layers=2, normalize=None, **FAST).fit(X, y)
    gates = reg.gate_activations(X)
    assert set(gates) == set(GATES[cell])
    for value in gates.values():
        assert value.shape == (24, 7, 6)
    # Padding steps are NaN, observed ones finite.
    last = GATES[cell][-1]
    assert np.isnan(gates[last][0, 0]).all() and np.isfinite(gates[last][1]).all()
    # Top layer of the (unpadded) second sequence, recomputed from scratch.
    rnn = reg.net_.module_.rnn
    x = X[1:2].transpose(1, 0, 2)
    below, _ = numpy_cell(cell, x, numpy_params(rnn, "l0", cell, False))
    _, expected = numpy_cell(cell, below, numpy_params(rnn, "l1", cell, False))
    for name, value in expected.items():
        np.testing.assert_allclose(gates[name][1], value[:, 0], atol=1e-5)
    first = reg.gate_activations(X, layer=0)
    assert not np.allclose(first[last][1], gates[last][1])


def test_gate_activations_read_the_normalised_inputs():
    X, y = _padded_sequences(n=24, steps=7)
    reg = RecurrentRegressor("lstm", normalize="window", **FAST).fit(X, y)
    gates = reg.gate_activations(X)
    module = reg.net_.module_
    x = torch.from_numpy(np.asarray(X[1:2], dtype=np.float32))
    with torch.no_grad():
        encoded = module.encode_inputs(x, None)[0].numpy().transpose(1, 0, 2)
    _, expected = numpy_cell(
        "lstm", encoded, numpy_params(module.rnn, "l0", "lstm", False)
    )
    np.testing.assert_allclose(gates["forget"][1], expected["forget"][:, 0], atol=1e-5)


def test_gate_activations_need_gates_and_a_valid_layer():
    X, y = _padded_sequences(n=16, steps=6)
    with pytest.raises(ValueError, match="has no gates"):
        RNNRegressor(**FAST).fit(X, y).gate_activations(X)
    reg = RecurrentRegressor("gru", bidirectional=True, **FAST).fit(X, y)
    assert reg.gate_activations(X)["update"].shape == (16, 6, 12)
    with pytest.raises(ValueError, match="out of range"):
        reg.gate_activations(X, layer=1)
