#!/usr/bin/python3
"""Writes the PyTorch trajectories that tests/optim/test_presets.cpp reads.

Independent truth for tapegrad's optimizer presets: each torch.optim optimizer
runs 10 steps on one fixed small problem in float64, and the parameters after
every step are saved as .npy files in tests/reference/optim/.

    apt-get install -y python3-torch
    /usr/bin/python3 tests/reference/make_optim_fixtures.py

The problem (parameters W [3, 4] with role weight, b [3] with role bias):

    loss(W, b) = mean((tanh(X @ W.T + b) - Y)^2) + 0.05 * sum(W^2)

Also the learning rates of four torch.optim.lr_scheduler classes over 30
steps (schedule_*.npy), for tests/optim/test_schedule.cpp.

X [6, 4], Y [6, 3], W0, b0 are saved too (problem_*.npy), so the C++ test
builds the same loss with tapegrad autodiff and needs no PyTorch. Deterministic:
rerunning writes identical files.
"""
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent / "optim"
STEPS = 10

# name -> (torch optimizer class, keyword arguments). The C++ test lists the
# same configurations with tapegrad's option structs.
CONFIGS = {
    "sgd_plain": (torch.optim.SGD, dict(lr=0.1)),
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02)),
    "adam": (torch.optim.Adam, dict(lr=0.05)),
    "adam_wd_amsgrad": (torch.optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6,
                                               weight_decay=0.1, amsgrad=True)),
    "adamw": (torch.optim.AdamW, dict(lr=0.05, weight_decay=0.1)),
    "rmsprop": (torch.optim.RMSprop, dict(lr=0.01)),
    "rmsprop_centered": (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05,
                                                   momentum=0.7, centered=True)),
    "adagrad": (torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.02,
                                          initial_accumulator_value=0.1)),
}


def problem():
    rng = np.random.default_rng(20240531)
    X = rng.normal(size=(6, 4))
    Y = rng.uniform(-0.8, 0.8, size=(6, 3))
    W0 = rng.normal(scale=0.7, size=(3, 4))
    b0 = rng.normal(scale=0.3, size=(3,))
    return X, Y, W0, b0


def loss_fn(X, Y, W, b):
    return torch.mean((torch.tanh(X @ W.T + b) - Y) ** 2) + 0.05 * torch.sum(W ** 2)


def trajectory(cls, kwargs, X, Y, W0, b0):
    W = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    opt = cls([W, b], **kwargs)
    Ws, bs = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss_fn(X, Y, W, b).backward()
        opt.step()
        Ws.append(W.detach().numpy().copy())
        bs.append(b.detach().numpy().copy())
    return np.stack(Ws), np.stack(bs)


# Learning-rate schedulers: the lr used at steps 0..SCHEDULE_STEPS-1.
SCHEDULE_STEPS = 30
SCHEDULERS = {
    "step": lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5),
    "exponential": lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    "cosine": lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20, eta_min=0.01),
    "one_cycle": lambda opt: torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=1.0, total_steps=SCHEDULE_STEPS, pct_start=0.3),
}


def schedule_values(make):
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0)
    scheduler = make(opt)
    values = []
    for _ in range(SCHEDULE_STEPS):
        values.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return np.array(values, dtype=np.float64)


def main():
    OUT.mkdir(exist_ok=True)
    X, Y, W0, b0 = problem()
    for name, array in dict(X=X, Y=Y, W0=W0, b0=b0).items():
        np.save(OUT / f"problem_{name}.npy", array, allow_pickle=False)
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    for name, (cls, kwargs) in CONFIGS.items():
        Ws, bs = trajectory(cls, kwargs, Xt, Yt, W0, b0)
        np.save(OUT / f"{name}_W.npy", Ws, allow_pickle=False)
        np.save(OUT / f"{name}_b.npy", bs, allow_pickle=False)
    for name, make in SCHEDULERS.items():
        np.save(OUT / f"schedule_{name}.npy", schedule_values(make), allow_pickle=False)
    print(f"wrote {len(CONFIGS)} trajectories to {OUT}")


if __name__ == "__main__":
    main()
