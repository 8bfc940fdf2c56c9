#!/usr/bin/python3
"""Writes the PyTorch fixtures that tests/nn/test_rnn.cpp and test_losses.cpp read.

Independent truth for tapegrad's recurrent layers and losses: PyTorch builds
torch.nn.RNN / LSTM / GRU (and their cells) with seeded weights, runs them on
small seeded inputs in float64, and backpropagates a fixed random weighting
of the outputs. Every weight, input, output and gradient is saved as its own
.npy file in tests/reference/nn/, so the C++ tests can load the weights into
tapegrad's layers and compare outputs and gradients entry by entry.

    apt-get install -y python3-torch
    /usr/bin/python3 tests/reference/make_nn_fixtures.py

The output is deterministic (fixed seeds and shapes), so re-running it
leaves git with nothing to commit. CI never runs this script; it only reads
the committed files.

Naming, for a recurrent case <case> (e.g. lstm):
  <case>_x.npy                 the input
  <case>_h0.npy, <case>_c0.npy initial states (when the case passes them)
  <case>_<param>.npy           each parameter, PyTorch's name (weight_ih_l0, ...)
  <case>_output.npy, <case>_h_n.npy, <case>_c_n.npy   forward results
  <case>_w_output.npy, ...     the weighting: loss = sum(w_output * output) + ...
  <case>_grad_<name>.npy       d loss / d (input, h0, c0, each parameter)
For a loss case <case>: <case>_input.npy, <case>_target.npy (labels are i64),
<case>_loss.npy and <case>_grad_input.npy.
"""
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent / "nn"
torch.set_default_dtype(torch.float64)

T, N, I, H = 5, 2, 3, 4


def save(name, tensor):
    array = tensor.detach().numpy() if isinstance(tensor, torch.Tensor) else tensor
    np.save(OUT / f"{name}.npy", np.array(array, order="C"), allow_pickle=False)


def randn(*shape, gen):
    return torch.randn(*shape, generator=gen, dtype=torch.float64)


def recurrent_case(case, module, x, states, seed):
    """Runs `module` on x (and the initial states), backpropagates a random
    weighting of every output, and saves everything. `states` is a dict name
    -> tensor (h0, c0) or empty; the call signature is the module's."""
    gen = torch.Generator().manual_seed(seed)
    x = x.clone().requires_grad_(True)
    for s in states.values():
        s.requires_grad_(True)
    for name, p in module.named_parameters():
        save(f"{case}_{name}", p)
    save(f"{case}_x", x)
    for name, s in states.items():
        save(f"{case}_{name}", s)

    is_cell = isinstance(module, (torch.nn.RNNCell, torch.nn.LSTMCell, torch.nn.GRUCell))
    if isinstance(module, (torch.nn.LSTM, torch.nn.LSTMCell)):
        args = (states["h0"], states["c0"]) if states else None
    else:
        args = states.get("h0")
    result = module(x, args) if args is not None else module(x)
    if is_cell:
        outputs = dict(zip(["h", "c"], result)) if isinstance(result, tuple) else {"h": result}
    elif isinstance(module, torch.nn.LSTM):
        outputs = {"output": result[0], "h_n": result[1][0], "c_n": result[1][1]}
    else:
        outputs = {"output": result[0], "h_n": result[1]}

    loss = 0
    for name, value in outputs.items():
        weighting = randn(*value.shape, gen=gen)
        save(f"{case}_{name}", value)
        save(f"{case}_w_{name}", weighting)
        loss = loss + (weighting * value).sum()
    loss.backward()
    save(f"{case}_grad_x", x.grad)
    for name, s in states.items():
        save(f"{case}_grad_{name}", s.grad)
    for name, p in module.named_parameters():
        save(f"{case}_grad_{name}", p.grad)


def recurrent_fixtures():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    x_seq = randn(T, N, I, gen=gen)
    h0_2 = randn(2, N, H, gen=gen)
    c0_2 = randn(2, N, H, gen=gen)

    # Two stacked tanh layers with a given h0.
    recurrent_case("rnn_tanh", torch.nn.RNN(I, H, num_layers=2), x_seq, {"h0": h0_2.clone()}, 10)
    # One relu layer, batch-first input [N, T, I], zero initial state.
    recurrent_case("rnn_relu", torch.nn.RNN(I, H, nonlinearity="relu", batch_first=True),
                   x_seq.transpose(0, 1).contiguous(), {}, 11)
    recurrent_case("lstm", torch.nn.LSTM(I, H, num_layers=2), x_seq,
                   {"h0": h0_2.clone(), "c0": c0_2.clone()}, 12)
    recurrent_case("gru", torch.nn.GRU(I, H, num_layers=2), x_seq, {"h0": h0_2.clone()}, 13)
    # Without biases, one layer, zero initial state.
    recurrent_case("gru_nobias", torch.nn.GRU(I, H, bias=False), x_seq, {}, 14)

    # Cells: one step from a given state.
    x_step = randn(N, I, gen=gen)
    h_step = randn(N, H, gen=gen)
    c_step = randn(N, H, gen=gen)
    recurrent_case("rnncell", torch.nn.RNNCell(I, H), x_step, {"h0": h_step.clone()}, 20)
    recurrent_case("lstmcell", torch.nn.LSTMCell(I, H), x_step,
                   {"h0": h_step.clone(), "c0": c_step.clone()}, 21)
    recurrent_case("grucell", torch.nn.GRUCell(I, H), x_step, {"h0": h_step.clone()}, 22)


def loss_case(case, fn, input, target):
    input = input.clone().requires_grad_(True)
    save(f"{case}_input", input)
    save(f"{case}_target", target)
    loss = fn(input, target)
    save(f"{case}_loss", loss)
    gen = torch.Generator().manual_seed(99)
    weighting = randn(*loss.shape, gen=gen) if loss.dim() > 0 else torch.tensor(1.0)
    (weighting * loss).sum().backward()
    save(f"{case}_w_loss", weighting)
    save(f"{case}_grad_input", input.grad)


def loss_fixtures():
    gen = torch.Generator().manual_seed(2)
    logits = randn(6, 5, gen=gen) * 3
    labels = torch.tensor([0, 4, 2, -100, 1, 4])  # -100: ignored (PyTorch's default)
    weight = torch.tensor([0.5, 1.0, 2.0, 1.5, 0.25])
    save("ce_weight", weight)
    # Everything at once: class weights, an ignored label, label smoothing.
    for reduction in ["mean", "sum", "none"]:
        loss_case(f"ce_all_{reduction}",
                  lambda x, y: F.cross_entropy(x, y, weight=weight, ignore_index=-100,
                                               label_smoothing=0.1, reduction=reduction),
                  logits, labels)
    # Per-position classification: [N, C, d] logits, [N, d] labels.
    logits3 = randn(2, 4, 3, gen=gen)
    labels3 = torch.tensor([[0, 3, 1], [2, 2, 0]])
    loss_case("ce_3d", lambda x, y: F.cross_entropy(x, y, label_smoothing=0.2), logits3, labels3)

    x = randn(3, 4, gen=gen) * 4
    y = torch.rand(3, 4, generator=gen, dtype=torch.float64)
    pos_weight = torch.tensor([0.5, 1.0, 2.0, 3.0])
    save("bce_pos_weight", pos_weight)
    loss_case("bce", lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pos_weight),
              x, y)
    target = randn(3, 4, gen=gen) * 2
    loss_case("huber", lambda a, b: F.huber_loss(a, b, delta=1.5), x, target)
    loss_case("smooth_l1", lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), x, target)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    recurrent_fixtures()
    loss_fixtures()
