#!/usr/bin/python3
"""Writes the NumPy fixtures that tests/tensor/test_golden.cpp and test_npy.cpp read.

Independent truth for tapegrad's tensor ops: small inputs and the outputs NumPy
computes for them, one .npy file per array, in tests/reference/tensor/.

    /usr/bin/python3 tests/reference/make_tensor_fixtures.py

Needs only NumPy. The output is deterministic (seeded generator, fixed
shapes), so re-running it leaves git with nothing to commit.

Naming: <group>_<what>_<dtype>.npy, e.g. ew_add_f32.npy. Outputs for f32 are
computed in f64 from the f32 inputs and rounded once to f32, so they are the
correctly rounded answer, not NumPy's own f32 kernels.
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "tensor"
DTYPES = {"f32": np.float32, "f64": np.float64}


def save(name, array):
    np.save(OUT / f"{name}.npy", array, allow_pickle=False)


def rounded(inputs_f64, dtype):
    """Rounds inputs to `dtype` and returns them back in f64 (exact)."""
    return [x.astype(dtype).astype(np.float64) for x in inputs_f64]


# --- .npy reader fixtures ----------------------------------------------------

def io_fixtures():
    # Known values: v = arange(24).reshape(2, 3, 4) * 0.5 - 3, so the test can
    # check them without another file.
    v = np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.5 - 3
    save("io_c_f4", v.astype("<f4"))
    save("io_c_f8", v.astype("<f8"))
    save("io_c_i8", np.arange(24, dtype="<i8").reshape(2, 3, 4) - 5)
    save("io_fortran_f4", np.asfortranarray(v.astype("<f4")))
    save("io_be_f4", v.astype(">f4"))
    save("io_be_f8", v.astype(">f8"))
    save("io_be_i8", (np.arange(24, dtype=">i8") - 5).reshape(2, 3, 4))
    for version, name in [((2, 0), "io_v2_f8"), ((3, 0), "io_v3_f4")]:
        dtype = "<f8" if name.endswith("f8") else "<f4"
        with open(OUT / f"{name}.npy", "wb") as f:
            np.lib.format.write_array(f, v.astype(dtype), version=version, allow_pickle=False)
    save("io_scalar_f8", np.array(2.5, dtype="<f8"))
    save("io_empty_f4", np.zeros((0, 3), dtype="<f4"))
    save("io_special_f8", np.array([np.nan, np.inf, -np.inf, -0.0, 5e-324], dtype="<f8"))


# --- elementwise -------------------------------------------------------------

def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))


def elementwise_fixtures(rng):
    # Binary ops broadcast [3, 1, 4] with [2, 4] -> [3, 2, 4].
    a = rng.uniform(-2, 2, (3, 1, 4))
    b = rng.uniform(0.5, 2, (2, 4)) * rng.choice([-1.0, 1.0], (2, 4))  # away from 0 for div
    pa = rng.uniform(0.5, 2, (3, 1, 4))  # pow: positive base
    pb = rng.uniform(-2, 2, (2, 4))
    # Unary input with exact zeros (kinks of abs, sign, relu) and clamp bounds.
    x = rng.uniform(-3, 3, (3, 4, 5))
    x.flat[[0, 7, 19]] = 0.0
    x.flat[[3, 11]] = [-1.0, 0.5]
    pos = rng.uniform(0.1, 4, (3, 4, 5))  # log, sqrt
    wide = np.array([-100, -30, -5, -1e-3, 0, 1e-3, 5, 30, 100], dtype=np.float64)
    # Comparison inputs with ties.
    ca = rng.integers(-2, 3, (3, 1, 4)).astype(np.float64)
    cb = rng.integers(-2, 3, (2, 4)).astype(np.float64)
    cond = rng.integers(0, 2, (3, 1, 4)).astype(np.float64)

    for dt, T in DTYPES.items():
        A, B, PA, PB, X, P, W, CA, CB, C = rounded([a, b, pa, pb, x, pos, wide, ca, cb, cond], T)
        for name, arr in [("a", A), ("b", B), ("pa", PA), ("pb", PB), ("x", X), ("pos", P),
                          ("wide", W), ("ca", CA), ("cb", CB), ("cond", C)]:
            save(f"ew_in_{name}_{dt}", arr.astype(T))
        outputs = {
            "add": A + B, "sub": A - B, "mul": A * B, "div": A / B,
            "pow": PA ** PB, "maximum": np.maximum(A, B), "minimum": np.minimum(A, B),
            "exp": np.exp(X), "log": np.log(P), "sqrt": np.sqrt(P), "abs": np.abs(X),
            "sign": np.sign(X), "tanh": np.tanh(X), "sigmoid": sigmoid(X),
            "relu": np.maximum(X, 0), "clamp": np.clip(X, -1.0, 0.5), "neg": -X,
            "square": X * X,
            "tanh_wide": np.tanh(W), "sigmoid_wide": sigmoid(W),
            "where": np.where(C != 0, A, B),
            "eq": CA == CB, "ne": CA != CB, "lt": CA < CB, "le": CA <= CB,
            "gt": CA > CB, "ge": CA >= CB,
        }
        for name, arr in outputs.items():
            save(f"ew_{name}_{dt}", np.asarray(arr).astype(T))


# --- reductions ----------------------------------------------------------------

# (tag, axes, keepdim); axes None means all. test_golden.cpp has the same table.
REDUCE_CASES = [
    ("all", None, False), ("all_keep", None, True), ("ax0", (0,), False),
    ("ax1_keep", (1,), True), ("axm1", (-1,), False), ("ax02", (0, 2), False),
    ("ax12_keep", (1, 2), True),
]


def p_norm(x, p, axis, keepdims):
    if p == np.inf:
        return np.abs(x).max(axis=axis, keepdims=keepdims)
    return (np.abs(x) ** p).sum(axis=axis, keepdims=keepdims) ** (1 / p)


def reduction_fixtures(rng):
    x = rng.normal(0, 1.5, (2, 3, 4))
    ties = rng.integers(0, 3, (2, 3, 4)).astype(np.float64)  # argmax picks the first maximum
    ints = rng.integers(-50, 50, (2, 3, 4))
    save("red_in_ints_i64", ints.astype(np.int64))
    for tag, axes, keep in REDUCE_CASES:
        save(f"red_sum_{tag}_i64", np.sum(ints, axis=axes, keepdims=keep).astype(np.int64))
    for dt, T in DTYPES.items():
        (X, TIES) = rounded([x, ties], T)
        save(f"red_in_x_{dt}", X.astype(T))
        save(f"red_in_ties_{dt}", TIES.astype(T))
        for tag, axes, keep in REDUCE_CASES:
            ops = {
                "sum": np.sum(X, axis=axes, keepdims=keep),
                "mean": np.mean(X, axis=axes, keepdims=keep),
                "max": np.max(X, axis=axes, keepdims=keep),
                "min": np.min(X, axis=axes, keepdims=keep),
                "norm2": p_norm(X, 2, axes, keep),
                "norm1": p_norm(X, 1, axes, keep),
                "norminf": p_norm(X, np.inf, axes, keep),
            }
            for name, arr in ops.items():
                save(f"red_{name}_{tag}_{dt}", np.asarray(arr).astype(T))
        for axis in (0, 1, 2):
            for keep in (False, True):
                suffix = f"ax{axis}" + ("_keep" if keep else "")
                save(f"red_argmax_{suffix}_{dt}",
                     np.argmax(TIES, axis=axis, keepdims=keep).astype(np.int64))
                save(f"red_argmin_{suffix}_{dt}",
                     np.argmin(TIES, axis=axis, keepdims=keep).astype(np.int64))
        save(f"red_argmax_flat_{dt}", np.array(np.argmax(X), dtype=np.int64))


# --- softmax family ---------------------------------------------------------------

def logsumexp(x, axis, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax_fixtures(rng):
    x = rng.normal(0, 2, (3, 4, 5))
    large = np.array([[1000.0, 1001.0, 999.0, 1000.5, 998.0],
                      [-1000.0, -1001.0, -999.0, -1000.5, -998.0]])
    for dt, T in DTYPES.items():
        X, L = rounded([x, large], T)
        save(f"sm_in_x_{dt}", X.astype(T))
        save(f"sm_in_large_{dt}", L.astype(T))
        for axis in (0, 1, -1):
            tag = f"ax{axis}".replace("-", "m")
            lse = logsumexp(X, axis, keepdims=True)
            save(f"sm_softmax_{tag}_{dt}", np.exp(X - lse).astype(T))
            save(f"sm_log_softmax_{tag}_{dt}", (X - lse).astype(T))
            save(f"sm_logsumexp_{tag}_{dt}", logsumexp(X, axis).astype(T))
            save(f"sm_logsumexp_{tag}_keep_{dt}", lse.astype(T))
        lse = logsumexp(L, -1, keepdims=True)
        save(f"sm_softmax_large_{dt}", np.exp(L - lse).astype(T))
        save(f"sm_log_softmax_large_{dt}", (L - lse).astype(T))
        save(f"sm_logsumexp_large_{dt}", logsumexp(L, -1).astype(T))


# --- matmul ----------------------------------------------------------------------

# (tag, shape of a, shape of b); test_golden.cpp has the same table.
MATMUL_CASES = [
    ("2d", (3, 5), (5, 4)),
    ("batched", (2, 1, 3, 5), (4, 5, 2)),
    ("vec_mat", (5,), (5, 4)),
    ("mat_vec", (3, 5), (5,)),
    ("vec_vec", (5,), (5,)),
    ("batch_vec", (2, 3, 5), (5,)),
    ("vec_batch", (5,), (2, 5, 4)),
    ("odd", (37, 45), (45, 29)),  # crosses the GEMM micro-tile edges
]


def matmul_fixtures(rng):
    for tag, sa, sb in MATMUL_CASES:
        a = rng.uniform(-1, 1, sa)
        b = rng.uniform(-1, 1, sb)
        for dt, T in DTYPES.items():
            if tag == "odd" and dt == "f64":
                continue  # keeps the fixtures small; f32 exercises the same tiling
            A, B = rounded([a, b], T)
            save(f"mm_{tag}_a_{dt}", A.astype(T))
            save(f"mm_{tag}_b_{dt}", B.astype(T))
            save(f"mm_{tag}_out_{dt}", np.asarray(A @ B).astype(T))


# --- im2col / col2im ---------------------------------------------------------------

# One geometry with every knob away from its default.
GEOM = dict(kh=3, kw=3, sh=2, sw=1, ph=1, pw=2, dh=1, dw=2)


def out_size(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def im2col_loops(x, g):
    """cols[n, (c*kh + i)*kw + j, oh*OW + ow] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]."""
    N, C, H, W = x.shape
    OH = out_size(H, g["kh"], g["sh"], g["ph"], g["dh"])
    OW = out_size(W, g["kw"], g["sw"], g["pw"], g["dw"])
    cols = np.zeros((N, C * g["kh"] * g["kw"], OH * OW))
    for n in range(N):
        for c in range(C):
            for i in range(g["kh"]):
                for j in range(g["kw"]):
                    row = (c * g["kh"] + i) * g["kw"] + j
                    for oh in range(OH):
                        for ow in range(OW):
                            y = oh * g["sh"] - g["ph"] + i * g["dh"]
                            xx = ow * g["sw"] - g["pw"] + j * g["dw"]
                            if 0 <= y < H and 0 <= xx < W:
                                cols[n, row, oh * OW + ow] = x[n, c, y, xx]
    return cols


def col2im_loops(cols, image_shape, g):
    """The adjoint: every column entry is added back to the pixel it came from."""
    N, C, H, W = image_shape
    OH = out_size(H, g["kh"], g["sh"], g["ph"], g["dh"])
    OW = out_size(W, g["kw"], g["sw"], g["pw"], g["dw"])
    img = np.zeros(image_shape)
    for n in range(N):
        for c in range(C):
            for i in range(g["kh"]):
                for j in range(g["kw"]):
                    row = (c * g["kh"] + i) * g["kw"] + j
                    for oh in range(OH):
                        for ow in range(OW):
                            y = oh * g["sh"] - g["ph"] + i * g["dh"]
                            xx = ow * g["sw"] - g["pw"] + j * g["dw"]
                            if 0 <= y < H and 0 <= xx < W:
                                img[n, c, y, xx] += cols[n, row, oh * OW + ow]
    return img


def im2col_fixtures(rng):
    shape = (2, 3, 6, 7)
    x = rng.uniform(-1, 1, shape)
    cols_shape = im2col_loops(x, GEOM).shape
    cols = rng.uniform(-1, 1, cols_shape)
    for dt, T in DTYPES.items():
        X, COLS = rounded([x, cols], T)
        save(f"im2col_x_{dt}", X.astype(T))
        save(f"im2col_cols_{dt}", im2col_loops(X, GEOM).astype(T))
        save(f"col2im_in_{dt}", COLS.astype(T))
        save(f"col2im_out_{dt}", col2im_loops(COLS, shape, GEOM).astype(T))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npy"):
        old.unlink()
    rng = np.random.default_rng(20240611)
    io_fixtures()
    elementwise_fixtures(rng)
    reduction_fixtures(rng)
    softmax_fixtures(rng)
    matmul_fixtures(rng)
    im2col_fixtures(rng)
    files = sorted(OUT.glob("*.npy"))
    total = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} fixtures, {total / 1024:.1f} KiB, to {OUT}")


if __name__ == "__main__":
    main()
