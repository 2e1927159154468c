"""Recurrence engine: the time loop of the custom cells, with a hand-written backward.

A recurrent layer spends its time in two kinds of work: the input
projection ``x_t W_ih^T + b`` of every step, which does not depend on the
state and is done for all steps at once by the caller (one matmul), and the
recurrent part, which must run step by step. Run through autograd, every
small per-step operation is recorded and replayed, which on the CPU costs
more than the arithmetic. Here the recurrent part is one
:class:`torch.autograd.Function` per cell family: the forward loop runs
without recording (a handful of fused operations per step, written into
preallocated buffers) and the backward loop is written out by hand. Every
factor of the backward pass that does not depend on the gradient flowing
back through time is computed for all steps at once before the loop, so the
loop itself is only a few small operations per step; the weight gradients
are one matmul each after it.

All tensors are time-major: ``(time, batch, ...)``.

Gate layouts (rows of ``w_hh`` and columns of ``xg``) are torch's: input
``i``, forget ``f``, candidate ``g``, output ``o`` for ``"lstm"`` and
``"peephole"``; ``f, g, o`` for ``"cifg"`` (the input gate is ``1 - f``);
reset ``r``, update ``z``, candidate ``n`` for the GRU. The gates whose
gradient flows through the cell state come first and the output gate last,
so the backward pass writes them in two blocks.

The candidate's ``tanh`` is computed as ``tanh(a) = 2 sigmoid(2a) - 1``
(on the CPU torch's ``tanh`` costs about three sigmoids), so one sigmoid call
activates every gate. For that, the candidate block of ``xg``, ``w_hh`` (and
the GRU's ``b_hn``) must come *doubled*: :class:`skseq.nn.cells.EngineRNN`
doubles those weight rows before the projection, and autograd carries the
factor back to the parameters.

The equations (``*`` elementwise, ``a`` the pre-activations ``xg_t + W_hh
h_{t-1}``):

- LSTM: ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)``;
- peephole: as LSTM, with ``a_i += p_i * c_{t-1}``, ``a_f += p_f *
  c_{t-1}`` and ``a_o += p_o * c_t`` (Gers and Schmidhuber, 2000);
- CIFG: ``c_t = f * c_{t-1} + (1 - f) * g`` (Greff et al., 2017);
- GRU (torch's form): ``n = tanh(xg_n + r * (W_hn h_{t-1} + b_hn))``,
  ``h_t = (1 - z) * n + z * h_{t-1}``.
"""

from __future__ import annotations

import torch


def _lstm_forward_loop(xg, h0, c0, w_hh, peephole, cifg):
    """Run the LSTM-family recurrence; return the activated gates and states."""
    n_steps, batch, n_gates_hidden = xg.shape
    hidden = h0.shape[1]
    gates = xg.clone()  # the recurrent term is added in place, step by step
    cs = xg.new_empty(n_steps, batch, hidden)
    tanh_cs = torch.empty_like(cs)
    hs = torch.empty_like(cs)
    minus_one = xg.new_tensor(-1.0)
    w_t = w_hh.t()
    g_start = n_gates_hidden - 2 * hidden  # candidate block, then output gate
    # Per-step views made once: indexing in the loop costs as much as the math.
    gs, css, tcs, hss = (v.unbind(0) for v in (gates, cs, tanh_cs, hs))
    i_s = gates[:, :, :hidden].unbind(0)
    f_s = gates[:, :, : hidden if cifg else 2 * hidden][:, :, -hidden:].unbind(0)
    g_s = gates[:, :, g_start : g_start + hidden].unbind(0)
    o_s = gates[:, :, g_start + hidden :].unbind(0)
    ifg_s = gates[:, :, : g_start + hidden].unbind(0)
    p_i, p_f, p_o = (None, None, None) if peephole is None else peephole.unbind(0)
    h, c = h0, c0
    for t in range(n_steps):
        gs[t].addmm_(h, w_t)
        g = g_s[t]
        if peephole is None:
            gs[t].sigmoid_()
        else:  # i and f see c(t-1); the output gate waits for c(t)
            i_s[t].addcmul_(c, p_i)
            f_s[t].addcmul_(c, p_f)
            ifg_s[t].sigmoid_()
        torch.add(minus_one, g, alpha=2, out=g)  # 2 sigmoid(2a) - 1 = tanh(a)
        if cifg:  # c = f c + (1 - f) g = g + f (c - g)
            c = torch.addcmul(g, f_s[t], c - g, out=css[t])
        else:
            c = torch.mul(f_s[t], c, out=css[t]).addcmul_(i_s[t], g)
        if peephole is not None:
            o_s[t].addcmul_(c, p_o).sigmoid_()
        # tanh(c) = 2 sigmoid(2c) - 1, cheaper than torch's tanh on the CPU.
        tc = torch.mul(c, 2, out=tcs[t]).sigmoid_()
        torch.add(minus_one, tc, alpha=2, out=tc)
        h = torch.mul(o_s[t], tc, out=hss[t])
    return gates, cs, tanh_cs, hs


def _lstm_backward_factors(gates, cs, tanh_cs, c0, peephole, cifg):
    """The per-step factors of the backward pass, for all steps at once.

    With ``dh_t`` and ``dc_t`` the gradients reaching ``h_t`` and ``c_t``:
    ``dc_t = dc_{t+1} * F_{t+1} + dh_t * A_t``; the pre-activation gradients
    are ``dc_t * K_t`` for the gates before the output gate and ``dh_t *
    B_t`` for the output gate; ``c0`` receives ``dc_0 * F_0``. Written with
    in-place operations into a few buffers (``s - s*s`` is the sigmoid's
    derivative): large temporaries cost more than the arithmetic.
    """
    n_steps, batch, hidden = cs.shape
    one, half = cs.new_tensor(1.0), cs.new_tensor(0.5)
    o = gates[:, :, -hidden:]
    g = gates[:, :, -2 * hidden : -hidden]
    n_c = gates.shape[2] - hidden
    k = cs.new_empty(n_steps, batch, n_c)
    # Candidate: d g / d (2 a_g) = (1 - g^2) / 2, times i (or 1 - f for CIFG).
    k_g = torch.addcmul(half, g, g, value=-0.5, out=k[:, :, -hidden:])
    f = gates[:, :, :hidden] if cifg else gates[:, :, hidden : 2 * hidden]
    k_f = k[:, :, :hidden] if cifg else k[:, :, hidden : 2 * hidden]
    torch.addcmul(f, f, f, value=-1, out=k_f)  # f (1 - f)
    if cifg:  # d c / d f = c_prev - g; d c / d g = 1 - f
        k_g.sub_(k_g * f)
        k_f[0].mul_(c0 - g[0])
        k_f[1:].mul_(cs[:-1] - g[1:])
    else:
        i = gates[:, :, :hidden]
        k_g.mul_(i)
        k_i = torch.addcmul(i, i, i, value=-1, out=k[:, :, :hidden]).mul_(g)
        k_f[0].mul_(c0)
        k_f[1:].mul_(cs[:-1])
    b = torch.addcmul(o, o, o, value=-1).mul_(tanh_cs)
    a = torch.addcmul(one, tanh_cs, tanh_cs, value=-1).mul_(o)
    forget = f
    if peephole is not None:
        a.addcmul_(b, peephole[2])
        forget = f + k_i * peephole[0] + k_f * peephole[1]
    return a, b, k, forget


class LSTMRecurrence(torch.autograd.Function):
    """Recurrent part of an LSTM, peephole LSTM or CIFG LSTM layer.

    ``apply(xg, h0, c0, w_hh, peephole, cifg)`` with ``xg`` of shape
    ``(time, batch, gates * hidden)`` (input projection plus biases),
    ``h0``/``c0`` of shape ``(batch, hidden)``, ``w_hh`` of shape ``(gates *
    hidden, hidden)`` (candidate blocks of ``xg`` and ``w_hh`` doubled, see
    the module docstring), ``peephole`` of shape ``(3, hidden)`` (rows i, f,
    o) or None, and ``cifg`` a bool. Returns the hidden states ``(time,
    batch, hidden)`` and the last cell state.
    """

    @staticmethod
    def forward(ctx, xg, h0, c0, w_hh, peephole, cifg):
        gates, cs, tanh_cs, hs = _lstm_forward_loop(xg, h0, c0, w_hh, peephole, cifg)
        ctx.cifg = cifg
        ctx.save_for_backward(gates, cs, tanh_cs, hs, h0, c0, w_hh, peephole)
        return hs, cs[-1]

    @staticmethod
    def backward(ctx, grad_hs, grad_c_last):
        gates, cs, tanh_cs, hs, h0, c0, w_hh, peephole = ctx.saved_tensors
        n_steps, batch, hidden = hs.shape
        a, b, k, forget = _lstm_backward_factors(
            gates, cs, tanh_cs, c0, peephole, ctx.cifg
        )
        n_c = k.shape[2]  # the gates before the output gate
        dgates = torch.empty_like(gates)
        ds, gos, as_, bs, fs = (v.unbind(0) for v in (dgates, grad_hs, a, b, forget))
        # (batch, hidden) blocks: a broadcasting multiply into a strided
        # output takes a slow path, one plain multiply per gate does not.
        k_blocks = [k[:, :, j : j + hidden].unbind(0) for j in range(0, n_c, hidden)]
        d_blocks = [
            dgates[:, :, j : j + hidden].unbind(0) for j in range(0, n_c, hidden)
        ]
        d_out = dgates[:, :, n_c:].unbind(0)
        dh = gos[n_steps - 1]
        dc = grad_c_last.clone(memory_format=torch.contiguous_format)
        for t in range(n_steps - 1, -1, -1):
            if t < n_steps - 1:
                dh = torch.addmm(gos[t], ds[t + 1], w_hh)
                dc.mul_(fs[t + 1])
            dc.addcmul_(dh, as_[t])
            for k_block, d_block in zip(k_blocks, d_blocks, strict=True):
                torch.mul(dc, k_block[t], out=d_block[t])
            torch.mul(dh, bs[t], out=d_out[t])
        grad_h0 = dgates[0] @ w_hh
        grad_c0 = dc * forget[0]
        grad_w_hh = torch.addmm(
            dgates[0].t() @ h0,
            dgates[1:].reshape(-1, dgates.shape[2]).t(),
            hs[:-1].reshape(-1, hidden),
        )
        grad_peephole = None
        if peephole is not None and ctx.needs_input_grad[4]:
            c_prev = torch.cat([c0[None], cs[:-1]])
            grad_peephole = torch.stack(
                [
                    (dgates[:, :, :hidden] * c_prev).sum((0, 1)),
                    (dgates[:, :, hidden : 2 * hidden] * c_prev).sum((0, 1)),
                    (dgates[:, :, n_c:] * cs).sum((0, 1)),
                ]
            )
        return dgates, grad_h0, grad_c0, grad_w_hh, grad_peephole, None


def _gru_forward_loop(xg, h0, w_hh, b_hn):
    n_steps, batch, _ = xg.shape
    hidden = h0.shape[1]
    rz = xg.new_empty(n_steps, batch, 2 * hidden)
    ns = xg.new_empty(n_steps, batch, hidden)
    hg = xg.new_empty(n_steps, batch, 3 * hidden)
    hs = torch.empty_like(ns)
    minus_one = xg.new_tensor(-1.0)
    bias = torch.cat([b_hn.new_zeros(2 * hidden), b_hn])
    w_t = w_hh.t()
    x_rz = xg[:, :, : 2 * hidden].unbind(0)
    x_n = xg[:, :, 2 * hidden :].unbind(0)
    rzs, hgs, nss, hss = (v.unbind(0) for v in (rz, hg, ns, hs))
    rs = rz[:, :, :hidden].unbind(0)
    zs = rz[:, :, hidden:].unbind(0)
    hg_rz = hg[:, :, : 2 * hidden].unbind(0)
    hg_n = hg[:, :, 2 * hidden :].unbind(0)
    h = h0
    for t in range(n_steps):
        torch.addmm(bias, h, w_t, out=hgs[t])
        torch.add(x_rz[t], hg_rz[t], out=rzs[t]).sigmoid_()
        n = torch.addcmul(x_n[t], rs[t], hg_n[t], out=nss[t]).sigmoid_()
        torch.add(minus_one, n, alpha=2, out=n)  # tanh of the (halved) input
        h = torch.lerp(n, h, zs[t], out=hss[t])
    return rz, ns, hg[:, :, 2 * hidden :], hs


class GRURecurrence(torch.autograd.Function):
    """Recurrent part of a GRU layer (torch's equations).

    ``apply(xg, h0, w_hh, b_hn)`` with ``xg`` of shape ``(time, batch, 3 *
    hidden)`` (input projection plus ``b_ih`` and the r and z parts of
    ``b_hh``), ``w_hh`` of shape ``(3 * hidden, hidden)`` and ``b_hn`` the
    candidate part of ``b_hh``, which sits inside the reset gate's product;
    the candidate blocks of ``xg``, ``w_hh`` and ``b_hn`` come doubled (see
    the module docstring). Returns the hidden states ``(time, batch,
    hidden)``.
    """

    @staticmethod
    def forward(ctx, xg, h0, w_hh, b_hn):
        rz, ns, hg_n, hs = _gru_forward_loop(xg, h0, w_hh, b_hn)
        ctx.save_for_backward(rz, ns, hg_n, hs, h0, w_hh)
        return hs

    @staticmethod
    def backward(ctx, grad_hs):
        rz, ns, hg_n, hs, h0, w_hh = ctx.saved_tensors
        n_steps, batch, hidden = hs.shape
        r, z = rz[:, :, :hidden], rz[:, :, hidden:]
        # With A = xg_n + r * hg_n (doubled) and n = 2 sigmoid(A) - 1:
        # d A = dh (1 - z) (1 - n^2) / 2, d a_z = dh (h_prev - n) z (1 - z),
        # d a_r = d A hg_n r (1 - r); the recurrent pre-activations get the
        # same gradients except the candidate's, which is scaled by r. The
        # factors are written in place into one buffer (``s - s*s`` is the
        # sigmoid's derivative): large temporaries cost more than the math.
        k_n = torch.addcmul(ns.new_tensor(0.5), ns, ns, value=-0.5)
        k_n.addcmul_(k_n, z, value=-1)
        k_h = hs.new_empty(n_steps, batch, 3, hidden)
        torch.addcmul(r, r, r, value=-1, out=k_h[:, :, 0]).mul_(hg_n).mul_(k_n)
        k_z = torch.addcmul(z, z, z, value=-1, out=k_h[:, :, 1])
        k_z[0].mul_(h0 - ns[0])
        k_z[1:].mul_(hs[:-1] - ns[1:])
        torch.mul(k_n, r, out=k_h[:, :, 2])
        dhs = torch.empty_like(hs)
        dhg = hs.new_empty(n_steps, batch, 3, hidden)
        dhs[n_steps - 1] = grad_hs[n_steps - 1]
        dh_list, dhg_list, kh_list, z_list, go_list = (
            v.unbind(0) for v in (dhs, dhg, k_h, z, grad_hs)
        )
        for t in range(n_steps - 1, -1, -1):
            dh = dh_list[t]
            torch.mul(dh[:, None, :], kh_list[t], out=dhg_list[t])
            if t > 0:
                carry = torch.addcmul(go_list[t - 1], dh, z_list[t])
                torch.addmm(
                    carry, dhg_list[t].view(batch, -1), w_hh, out=dh_list[t - 1]
                )
        dhg_flat = dhg.view(n_steps, batch, 3 * hidden)
        grad_h0 = torch.addmm(dhs[0] * z[0], dhg_flat[0], w_hh)
        grad_w_hh = torch.addmm(
            dhg_flat[0].t() @ h0,
            dhg_flat[1:].reshape(-1, 3 * hidden).t(),
            hs[:-1].reshape(-1, hidden),
        )
        grad_b_hn = dhg[:, :, 2].sum((0, 1))
        # The input pre-activations: as the recurrent ones but the candidate's.
        grad_xg = dhg
        torch.mul(dhs, k_n, out=grad_xg[:, :, 2])
        return grad_xg.view(n_steps, batch, -1), grad_h0, grad_w_hh, grad_b_hn
