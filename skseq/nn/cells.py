"""Recurrent layers for the classic LSTM variants, run on skseq's engine.

:class:`EngineRNN` is a stack of recurrent layers with the interface of
``torch.nn.LSTM`` / ``torch.nn.GRU``: ``layer(x, hx=None)`` returns
``(output, (h_n, c_n))`` (LSTM family) or ``(output, h_n)`` (GRU), with
``num_layers``, ``bidirectional``, dropout between layers, ``batch_first``
and :class:`~torch.nn.utils.rnn.PackedSequence` input. Its parameters have
torch's names and shapes (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, ``..._reverse``) and torch's gate order
(i, f, g, o for the LSTM; r, z, n for the GRU), so a ``torch.nn.LSTM``'s
``state_dict`` loads into ``EngineRNN(cell="lstm")`` unchanged. The cells:

``"lstm"``
    The standard LSTM (torch's equations).
``"peephole"``
    LSTM with peephole connections (Gers and Schmidhuber, 2000): the input
    and forget gates also see ``c(t-1)``, the output gate sees ``c(t)``,
    through diagonal weights ``weight_ph_l{k}`` of shape (3, hidden), rows
    i, f, o: 3 x hidden extra weights per layer and direction.
``"cifg"``
    Coupled input-forget gate (Greff et al., 2017): the input gate is
    ``1 - f``, so the layer has three gate blocks (f, g, o) and 3/4 of the
    LSTM's gate parameters.
``"gru"``
    torch's GRU equations.

With ``layer_norm=True`` the input and recurrent projections are each
layer-normalised (one gain per gate unit; Ba et al., 2016) before the biases
are added, and for the LSTM family the cell state is normalised (gain and
bias) before its ``tanh``. Without layer norm, the time loop runs on
:mod:`skseq.nn.engine` (a hand-written backward); with it, step by step
through autograd.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pad_packed_sequence,
)

from .engine import GRURecurrence, LSTMRecurrence

#: Gate names in torch's (storage) order, per cell.
GATES: dict[str, tuple[str, ...]] = {
    "lstm": ("input", "forget", "cell", "output"),
    "peephole": ("input", "forget", "cell", "output"),
    "cifg": ("forget", "cell", "output"),
    "gru": ("reset", "update", "new"),
}
#: Position of the tanh candidate among each cell's gate blocks.
_CANDIDATE = {"lstm": 2, "peephole": 2, "cifg": 1, "gru": 2}


def _double_candidate(tensor: torch.Tensor, cell: str) -> torch.Tensor:
    """Double the candidate gate block (first dimension), as the engine wants."""
    blocks = list(tensor.chunk(len(GATES[cell])))
    j = _CANDIDATE[cell]
    blocks[j] = blocks[j] * 2
    return torch.cat(blocks)


class EngineRNN(nn.Module):
    """Stacked (bi)directional LSTM-family or GRU layers on skseq's engine.

    Parameters
    ----------
    input_size : int
        Features per time step.
    hidden_size : int
        Hidden units per layer and direction.
    num_layers : int, default=1
        Stacked layers; each reads the (concatenated) outputs of the one below.
    batch_first : bool, default=True
        Input and output are ``(batch, time, features)``; else time first.
    bidirectional : bool, default=False
        Also read every sequence backwards.
    dropout : float, default=0.0
        Dropout on the outputs of every layer but the last (training only).
    cell : {"lstm", "peephole", "cifg", "gru"}, default="lstm"
        The recurrent cell; see the module docstring for the equations.
    layer_norm : bool, default=False
        Layer-normalise the gate pre-activations (and the LSTM cell state).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        batch_first: bool = True,
        bidirectional: bool = False,
        dropout: float = 0.0,
        cell: str = "lstm",
        layer_norm: bool = False,
    ) -> None:
        super().__init__()
        if cell not in GATES:
            raise ValueError(f"cell must be one of {list(GATES)}, got {cell!r}.")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.batch_first = batch_first
        self.bidirectional = bidirectional
        self.dropout = float(dropout)
        self.cell = cell
        self.layer_norm = layer_norm
        self.mode = cell  # the analogue of torch.nn.RNNBase.mode
        n_gates = len(GATES[cell]) * hidden_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for suffix in self._suffixes():
                name = f"l{layer}{suffix}"
                self.register_parameter(
                    f"weight_ih_{name}", nn.Parameter(torch.empty(n_gates, layer_input))
                )
                self.register_parameter(
                    f"weight_hh_{name}", nn.Parameter(torch.empty(n_gates, hidden_size))
                )
                self.register_parameter(
                    f"bias_ih_{name}", nn.Parameter(torch.empty(n_gates))
                )
                self.register_parameter(
                    f"bias_hh_{name}", nn.Parameter(torch.empty(n_gates))
                )
                if cell == "peephole":
                    self.register_parameter(
                        f"weight_ph_{name}", nn.Parameter(torch.empty(3, hidden_size))
                    )
                if layer_norm:
                    self.register_parameter(
                        f"ln_ih_{name}", nn.Parameter(torch.empty(n_gates))
                    )
                    self.register_parameter(
                        f"ln_hh_{name}", nn.Parameter(torch.empty(n_gates))
                    )
                    if cell != "gru":
                        self.register_parameter(
                            f"ln_cell_weight_{name}",
                            nn.Parameter(torch.empty(hidden_size)),
                        )
                        self.register_parameter(
                            f"ln_cell_bias_{name}",
                            nn.Parameter(torch.empty(hidden_size)),
                        )
        self.reset_parameters()

    def _suffixes(self) -> tuple[str, ...]:
        return ("", "_reverse") if self.bidirectional else ("",)

    def reset_parameters(self) -> None:
        """torch's initialisation: U(-1/sqrt(hidden), 1/sqrt(hidden)); gains 1."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for name, param in self.named_parameters():
            if name.startswith("ln_cell_bias"):
                nn.init.zeros_(param)
            elif name.startswith("ln_"):
                nn.init.ones_(param)
            else:
                nn.init.uniform_(param, -bound, bound)

    def extra_repr(self) -> str:
        text = (
            f"{self.input_size}, {self.hidden_size}, cell={self.cell!r}, "
            f"num_layers={self.num_layers}, batch_first={self.batch_first}"
        )
        if self.bidirectional:
            text += ", bidirectional=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.layer_norm:
            text += ", layer_norm=True"
        return text

    # -- forward ---------------------------------------------------------------
    def forward(self, input, hx=None):
        """Read a batch; same inputs and outputs as ``torch.nn.LSTM``/``GRU``."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        x = input.transpose(0, 1) if self.batch_first else input
        output, h_n, c_n = self._forward_time_major(x, hx)
        if self.batch_first:
            output = output.transpose(0, 1)
        return output, (h_n if self.cell == "gru" else (h_n, c_n))

    def _forward_time_major(self, x: torch.Tensor, hx):
        directions = len(self._suffixes())
        batch = x.shape[1]
        shape = (self.num_layers * directions, batch, self.hidden_size)
        if hx is None:
            h0 = c0 = x.new_zeros(shape)
        elif self.cell == "gru":
            h0, c0 = hx, None
        else:
            h0, c0 = hx
        h_last, c_last = [], []
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(self._suffixes()):
                k = layer * directions + d
                seq = layer_input.flip(0) if suffix else layer_input
                out, h, c = self._direction(
                    seq,
                    h0[k],
                    None if c0 is None else c0[k],
                    self._params(f"l{layer}{suffix}"),
                )
                outputs.append(out.flip(0) if suffix else out)
                h_last.append(h)
                c_last.append(c)
            layer_input = outputs[0] if directions == 1 else torch.cat(outputs, 2)
            if self.dropout and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, self.training)
        h_n = torch.stack(h_last)
        c_n = None if self.cell == "gru" else torch.stack(c_last)
        return layer_input, h_n, c_n

    def _params(self, name: str) -> dict:
        """One layer and direction's parameters (see :func:`layer_params`)."""
        return layer_params(self, name, self.cell, self.layer_norm)

    def _direction(self, x, h0, c0, params):
        """One layer, one direction, time-major: (outputs, h_T, c_T)."""
        if self.layer_norm:
            out, h, c, _ = run_steps(self.cell, x, h0, c0, params)
            return out, h, c
        cell, hidden = self.cell, self.hidden_size
        n_steps, batch, features = x.shape
        flat = x.reshape(n_steps * batch, features)
        b_hh = params["b_hh"]
        if cell == "gru":  # b_hn stays inside the reset gate's product
            bias = params["b_ih"] + torch.cat(
                [b_hh[: 2 * hidden], b_hh.new_zeros(hidden)]
            )
        else:
            bias = params["b_ih"] + b_hh
        w_ih = _double_candidate(params["w_ih"], cell)
        xg = torch.addmm(_double_candidate(bias, cell), flat, w_ih.t())
        xg = xg.view(n_steps, batch, -1)
        w_hh = _double_candidate(params["w_hh"], cell)
        if cell == "gru":
            hs = GRURecurrence.apply(xg, h0.contiguous(), w_hh, 2 * b_hh[2 * hidden :])
            return hs, hs[-1], None
        hs, c = LSTMRecurrence.apply(
            xg,
            h0.contiguous(),
            c0.contiguous(),
            w_hh,
            params.get("peephole"),
            cell == "cifg",
        )
        return hs, hs[-1], c

    def _forward_packed(self, packed: PackedSequence, hx):
        """Packed input: run each group of equal length, repack the outputs."""
        if hx is not None:
            raise ValueError(
                "EngineRNN takes no initial state with a PackedSequence; pass "
                "hx=None or a padded batch."
            )
        padded, lengths = pad_packed_sequence(packed, batch_first=True)
        batch = padded.shape[0]
        directions = len(self._suffixes())
        out = padded.new_zeros(batch, padded.shape[1], directions * self.hidden_size)
        h_n = padded.new_zeros(self.num_layers * directions, batch, self.hidden_size)
        c_n = torch.zeros_like(h_n)
        for length in torch.unique(lengths).tolist():
            rows = torch.nonzero(lengths == length).squeeze(1).to(padded.device)
            x = padded[rows, :length].transpose(0, 1)
            group_out, group_h, group_c = self._forward_time_major(x, None)
            out[rows, :length] = group_out.transpose(0, 1)
            h_n[:, rows] = group_h
            if group_c is not None:
                c_n[:, rows] = group_c
        order = packed.sorted_indices
        sorted_out = out if order is None else out[order]
        sorted_lengths = lengths if order is None else lengths[order.cpu()]
        data = pack_padded_sequence(sorted_out, sorted_lengths, batch_first=True).data
        output = PackedSequence(
            data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices
        )
        return output, (h_n if self.cell == "gru" else (h_n, c_n))


def _layer_norm(x: torch.Tensor, weight, bias=None) -> torch.Tensor:
    return F.layer_norm(x, x.shape[-1:], weight, bias, eps=1e-5)


def run_steps(cell: str, x, h0, c0, params: dict, record: bool = False):
    """One layer and direction, step by step through autograd (time-major).

    The plain-autograd form of a cell's equations, used for layer-normalised
    cells and to read the gates out (``record=True``). ``params`` is what
    :func:`layer_params` returns. Returns ``(outputs, h_T, c_T,
    gates)`` where ``gates`` maps each gate name to a ``(time, batch,
    hidden)`` tensor when ``record`` (else an empty dict).
    """
    hidden = h0.shape[1]
    ln_ih, ln_hh = params.get("ln_ih"), params.get("ln_hh")
    ln_cell = params.get("ln_cell")
    peephole = params.get("peephole")
    proj = x @ params["w_ih"].t()
    if ln_ih is not None:
        proj = _layer_norm(proj, ln_ih)
    b_ih, b_hh = params["b_ih"], params["b_hh"]
    gru = cell == "gru"
    if gru:  # b_hn stays inside the reset gate's product
        xg = proj + b_ih + torch.cat([b_hh[: 2 * hidden], b_hh.new_zeros(hidden)])
    else:
        xg = proj + b_ih + b_hh
    names = GATES[cell]
    trace: dict[str, list] = {name: [] for name in names} if record else {}
    h, c = h0, c0
    outputs = []
    for t in range(x.shape[0]):
        hg = h @ params["w_hh"].t()
        if ln_hh is not None:
            hg = _layer_norm(hg, ln_hh)
        if gru:
            r, z = torch.sigmoid(xg[t, :, : 2 * hidden] + hg[:, : 2 * hidden]).chunk(
                2, 1
            )
            n = torch.tanh(
                xg[t, :, 2 * hidden :] + r * (hg[:, 2 * hidden :] + b_hh[2 * hidden :])
            )
            h = (1 - z) * n + z * h
            values = (r, z, n)
        else:
            a = xg[t] + hg
            if cell == "cifg":
                f = torch.sigmoid(a[:, :hidden])
                g = torch.tanh(a[:, hidden : 2 * hidden])
                c = f * c + (1 - f) * g
                o = torch.sigmoid(a[:, 2 * hidden :])
                values = (f, g, o)
            else:
                a_i, a_f = a[:, :hidden], a[:, hidden : 2 * hidden]
                a_g, a_o = a[:, 2 * hidden : 3 * hidden], a[:, 3 * hidden :]
                if peephole is not None:
                    a_i = a_i + peephole[0] * c
                    a_f = a_f + peephole[1] * c
                i, f, g = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g)
                c = f * c + i * g
                if peephole is not None:
                    a_o = a_o + peephole[2] * c
                o = torch.sigmoid(a_o)
                values = (i, f, g, o)
            shown = c if ln_cell is None else _layer_norm(c, *ln_cell)
            h = o * torch.tanh(shown)
        outputs.append(h)
        for name, value in zip(names, values, strict=True) if record else ():
            trace[name].append(value)
    gates = {name: torch.stack(values) for name, values in trace.items()}
    return torch.stack(outputs), h, c, gates


def layer_params(layer: nn.Module, name: str, cell: str, layer_norm: bool) -> dict:
    """One layer and direction's parameters, by role, for :func:`run_steps`.

    ``name`` is ``"l{layer}"`` plus ``"_reverse"`` for the backward
    direction. Works for :class:`EngineRNN` and for ``torch.nn.LSTM`` /
    ``torch.nn.GRU``, whose parameters have the same names.
    """

    def get(kind: str) -> torch.Tensor:
        return getattr(layer, f"{kind}_{name}")

    params = {
        "w_ih": get("weight_ih"),
        "w_hh": get("weight_hh"),
        "b_ih": get("bias_ih"),
        "b_hh": get("bias_hh"),
    }
    if cell == "peephole":
        params["peephole"] = get("weight_ph")
    if layer_norm:
        params["ln_ih"] = get("ln_ih")
        params["ln_hh"] = get("ln_hh")
        if cell != "gru":
            params["ln_cell"] = (get("ln_cell_weight"), get("ln_cell_bias"))
    return params


#: Values of ``recurrent_init``.
RECURRENT_INITS = ("default", "orthogonal")
_TORCH_LAYERS: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM}
#: Cells that run on the engine even without layer norm: the custom ones,
#: and the GRU, which trains faster there than torch's own CPU GRU.
_ENGINE_BY_DEFAULT = ("peephole", "cifg", "gru")


def make_recurrent_layer(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    dropout: float = 0.0,
    forget_bias: float | None = 1.0,
    recurrent_init: str = "default",
    layer_norm: bool = False,
) -> nn.Module:
    """Build and initialise the recurrent layer for ``cell``.

    ``"rnn"`` and ``"lstm"`` (without layer norm) are torch's own layers
    (the LSTM has oneDNN's fused kernel on the CPU); ``"peephole"``,
    ``"cifg"``, ``"gru"`` and every layer-normalised cell are
    :class:`EngineRNN`. All are ``batch_first``.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru", "peephole", "cifg"}
    input_size, hidden_size, num_layers, bidirectional, dropout
        As for ``torch.nn.LSTM`` (dropout between stacked layers).
    forget_bias : float or None, default=1.0
        Initial forget-gate bias of the LSTM-family cells (both of torch's
        bias vectors together: ``bias_ih`` gets it, ``bias_hh`` zero); None
        keeps torch's random initialisation. Ignored by ``"rnn"`` and
        ``"gru"``, which have no forget gate.
    recurrent_init : {"default", "orthogonal"}, default="default"
        ``"orthogonal"`` makes each gate's hidden-to-hidden block an
        orthogonal matrix; ``"default"`` keeps torch's uniform
        initialisation.
    layer_norm : bool, default=False
        Layer-normalised gates (gated cells only).
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {list(CELLS)}, got {cell!r}.")
    if recurrent_init not in RECURRENT_INITS:
        raise ValueError(
            f"recurrent_init must be one of {list(RECURRENT_INITS)}, got "
            f"{recurrent_init!r}."
        )
    if layer_norm and cell == "rnn":
        raise ValueError(
            "layer_norm=True needs a gated cell (lstm, gru, peephole or cifg); "
            "the plain 'rnn' cell has no gates to normalise."
        )
    common = {
        "input_size": input_size,
        "hidden_size": hidden_size,
        "num_layers": num_layers,
        "batch_first": True,
        "bidirectional": bidirectional,
        "dropout": dropout if num_layers > 1 else 0.0,
    }
    if cell in _ENGINE_BY_DEFAULT or layer_norm:
        layer = EngineRNN(**common, cell=cell, layer_norm=layer_norm)
    else:
        extra = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        layer = _TORCH_LAYERS[cell](**common, **extra)
    initialise_recurrent(layer, cell, forget_bias, recurrent_init)
    return layer


def _layer_names(layer: nn.Module) -> list[str]:
    suffixes = ("", "_reverse") if layer.bidirectional else ("",)
    return [f"l{k}{s}" for k in range(layer.num_layers) for s in suffixes]


@torch.no_grad()
def initialise_recurrent(
    layer: nn.Module, cell: str, forget_bias: float | None, recurrent_init: str
) -> None:
    """Apply ``forget_bias`` and ``recurrent_init`` to a freshly built layer."""
    n_gates = len(GATES.get(cell, ("h",)))
    for name in _layer_names(layer):
        if recurrent_init == "orthogonal":
            for block in getattr(layer, f"weight_hh_{name}").chunk(n_gates):
                nn.init.orthogonal_(block)
        if forget_bias is not None and cell in ("lstm", "peephole", "cifg"):
            forget = GATES[cell].index("forget")
            getattr(layer, f"bias_ih_{name}").chunk(n_gates)[forget].fill_(
                float(forget_bias)
            )
            getattr(layer, f"bias_hh_{name}").chunk(n_gates)[forget].zero_()


@torch.no_grad()
def gate_trace(layer: nn.Module, cell: str, X: torch.Tensor, layer_index: int = -1):
    """Gate activations of one layer of a recurrent layer stack.

    Parameters
    ----------
    layer : EngineRNN, torch.nn.LSTM or torch.nn.GRU
        A batch-first layer stack.
    cell : {"lstm", "peephole", "cifg", "gru"}
        Its cell.
    X : Tensor of shape (batch, time, features)
        Sequences without padding.
    layer_index : int, default=-1
        Which stacked layer (the last by default).

    Returns
    -------
    dict of str to Tensor of shape (batch, time, directions * hidden)
        Each gate (see :data:`GATES`) at every step; for a bidirectional
        layer the backward direction's units follow the forward ones, both
        aligned with the input's time steps.
    """
    if cell not in GATES:
        raise ValueError(f"The {cell!r} cell has no gates; use one of {list(GATES)}.")
    layer_norm = bool(getattr(layer, "layer_norm", False))
    target = range(layer.num_layers)[layer_index]
    suffixes = ("", "_reverse") if layer.bidirectional else ("",)
    x = X.transpose(0, 1)
    batch, hidden = x.shape[1], layer.hidden_size
    zeros = x.new_zeros(batch, hidden)
    for k in range(target + 1):
        outputs, traces = [], []
        for suffix in suffixes:
            seq = x.flip(0) if suffix else x
            params = layer_params(layer, f"l{k}{suffix}", cell, layer_norm)
            out, _, _, gates = run_steps(
                cell, seq, zeros, zeros, params, record=k == target
            )
            flip = (lambda v: v.flip(0)) if suffix else (lambda v: v)
            outputs.append(flip(out))
            traces.append({name: flip(v) for name, v in gates.items()})
        x = torch.cat(outputs, 2)
    return {
        name: torch.cat([t[name] for t in traces], 2).transpose(0, 1)
        for name in GATES[cell]
    }


#: Recurrent layer for each value of ``cell`` (see :func:`make_recurrent_layer`).
CELLS: dict[str, type[nn.Module]] = {
    "rnn": nn.RNN,
    "lstm": nn.LSTM,
    "gru": EngineRNN,
    "peephole": EngineRNN,
    "cifg": EngineRNN,
}
