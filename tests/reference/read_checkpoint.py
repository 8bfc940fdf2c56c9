#!/usr/bin/env python3
"""Reads a tapegrad safetensors checkpoint with nothing but struct, json and NumPy.

An independent reader of the format (https://huggingface.co/docs/safetensors),
written from the spec and not from tapegrad's code, so that tapegrad's writer
is checked against a second implementation:

    read_checkpoint.py FILE            print every tensor: name, dtype, shape, values
    read_checkpoint.py FILE --known    also compare FILE with the checkpoint that
                                       tests/nn/test_checkpoint.cpp writes (the values
                                       are recomputed here with NumPy); exit 1 on a mismatch

It checks what the reference implementation checks: the header length, JSON,
dtypes, data_offsets matching shape x itemsize, and data covered exactly with
no gap, overlap or trailing byte; and what the reference *writer* does: the
header padded with spaces to a multiple of 8 bytes.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert 8 + n <= len(raw), f"header length {n} beyond the file ({len(raw)} bytes)"
    header_bytes = raw[8 : 8 + n]
    assert n % 8 == 0, f"header length {n} is not a multiple of 8"
    text = header_bytes.decode("utf-8")
    assert text.startswith("{"), "header does not start with '{'"
    body = text.rstrip(" ")
    assert body.endswith("}") and len(text) - len(body) < 8, "padding is not 0-7 spaces after the JSON"
    header = json.loads(text)
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n :]
    tensors = {}
    spans = []
    for name, info in header.items():
        assert set(info) == {"dtype", "shape", "data_offsets"}, f"{name}: fields {sorted(info)}"
        dtype = np.dtype(DTYPES[info["dtype"]])
        begin, end = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64))
        assert end - begin == count * dtype.itemsize, f"{name}: offsets do not match the shape"
        spans.append((begin, end, name))
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
    cursor = 0
    for begin, end, name in sorted(spans):
        assert begin == cursor, f"{name}: starts at {begin}, expected {cursor} (gap or overlap)"
        cursor = end
    assert cursor == len(data), f"data has {len(data)} bytes, tensors cover {cursor}"
    return tensors, metadata


def known_checkpoint():
    """The module of tests/nn/test_checkpoint.cpp ("nn: checkpoint is readable by NumPy")."""
    return {
        "scale": np.array(-1.5, dtype="<f8"),
        "fc.weight": ((np.arange(6, dtype=np.float32) - 2.5) * 0.5).reshape(2, 3),
        "fc.bias": np.array([np.nan, -np.inf, 1e-300], dtype="<f8"),
        "fc.steps": np.array([-(2**63), 0, 2**63 - 1], dtype="<i8"),
        "fc.empty": np.zeros((0, 4), dtype="<f4"),
    }


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    tensors, metadata = read(argv[1])
    print(f"metadata: {metadata}")
    for name, t in tensors.items():
        print(f"{name:12s} {t.dtype.str:4s} {list(t.shape)!s:10s} {t.ravel()[:6]}")
    if "--known" not in argv:
        return 0
    expected = known_checkpoint()
    problems = []
    if metadata.get("format") != "tapegrad":
        problems.append(f"metadata format is {metadata.get('format')!r}")
    if set(tensors) != set(expected):
        problems.append(f"names {sorted(tensors)} != {sorted(expected)}")
    for name in sorted(set(tensors) & set(expected)):
        if not same_bits(tensors[name], expected[name]):
            problems.append(f"{name}: {tensors[name]!r} != {expected[name]!r}")
    for p in problems:
        print("MISMATCH", p)
    print("ok" if not problems else f"{len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
