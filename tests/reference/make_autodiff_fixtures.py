#!/usr/bin/env python3
"""Writes PyTorch reference values for tests/autodiff/test_reference.cpp.

For each case: the inputs, a fixed random "upstream" weight u of the output's
shape, the output y = op(inputs), and the gradients of sum(u * y) with respect
to every input, all f32, as .npy files in tests/reference/autodiff/.

Run with Debian's PyTorch (python3-torch, 1.13):
    /usr/bin/python3 tests/reference/make_autodiff_fixtures.py
The output is deterministic (seeded); CI only reads the committed .npy files.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "autodiff")
rng = np.random.default_rng(20261129)


def normal(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape).astype(np.float32)


def away_from_zero(*shape):
    return (rng.uniform(0.2, 1.5, shape) * rng.choice([-1.0, 1.0], shape)).astype(np.float32)


CASES = {
    "add_broadcast": (lambda a, b: a + b, [normal(2, 3), normal(3)]),
    "mul_broadcast": (lambda a, b: a * b, [normal(2, 1, 3), normal(4, 1)]),
    "div": (lambda a, b: a / b, [normal(3, 4), away_from_zero(3, 4)]),
    "pow": (lambda a, b: torch.pow(a, b), [positive(2, 3), normal(3)]),
    "exp": (torch.exp, [normal(2, 3)]),
    "log": (torch.log, [positive(2, 3)]),
    "tanh": (torch.tanh, [normal(2, 3)]),
    "sigmoid": (torch.sigmoid, [normal(2, 3)]),
    "relu": (torch.relu, [away_from_zero(2, 3)]),
    "abs": (torch.abs, [away_from_zero(5)]),
    "clamp": (lambda x: torch.clamp(x, -0.5, 0.7), [away_from_zero(6) * 0.9]),
    "maximum": (torch.maximum, [normal(2, 3), normal(3)]),
    "matmul_batched": (torch.matmul, [normal(2, 3, 4), normal(4, 5)]),
    "matmul_vector": (torch.matmul, [normal(4), normal(4, 3)]),
    "sum_axis": (lambda x: x.sum(dim=1), [normal(3, 4, 2)]),
    "mean_keepdim": (lambda x: x.mean(dim=-1, keepdim=True), [normal(3, 4)]),
    "max_axis": (lambda x: x.amax(dim=0), [normal(4, 3)]),
    "log_softmax": (lambda x: F.log_softmax(x, dim=-1), [normal(3, 5) * 3]),
    "softmax_axis0": (lambda x: F.softmax(x, dim=0), [normal(4, 3)]),
    "logsumexp": (lambda x: torch.logsumexp(x, dim=1), [normal(3, 4) * 5]),
    "softplus": (F.softplus, [normal(2, 4) * 4]),
    "logsigmoid": (F.logsigmoid, [normal(2, 4) * 4]),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), [normal(2, 4)]),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), [away_from_zero(2, 4)]),
    "norm_rows": (lambda x: torch.linalg.vector_norm(x, 2, dim=1), [normal(3, 4)]),
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1),
               [normal(2, 3, 5, 5), normal(4, 3, 3, 3), normal(4)]),
    "conv2d_stride2": (lambda x, w: F.conv2d(x, w, None, stride=2, padding=0),
                       [normal(1, 2, 6, 6), normal(3, 2, 2, 2)]),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2), [normal(2, 2, 4, 4)]),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 2, 1), [normal(1, 2, 4, 4)]),
    "cat": (lambda a, b: torch.cat([a, b], dim=1), [normal(2, 3), normal(2, 2)]),
    "slice_step": (lambda x: x[:, 1:6:2], [normal(3, 7)]),
    "permute": (lambda x: x.permute(2, 0, 1) * 1.0, [normal(2, 3, 4)]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (fn, inputs) in CASES.items():
        xs = [torch.tensor(v, requires_grad=True) for v in inputs]
        y = fn(*xs)
        u = torch.tensor(normal(*y.shape))
        (y * u).sum().backward()
        for i, v in enumerate(inputs):
            np.save(os.path.join(OUT, f"{name}_in{i}.npy"), v)
            np.save(os.path.join(OUT, f"{name}_grad{i}.npy"), xs[i].grad.numpy())
        np.save(os.path.join(OUT, f"{name}_out.npy"), y.detach().numpy())
        np.save(os.path.join(OUT, f"{name}_upstream.npy"), u.numpy())
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
