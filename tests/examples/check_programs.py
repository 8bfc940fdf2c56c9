#!/usr/bin/env python3
"""Runs the example programs end to end and checks what they print.

usage: check_programs.py fashion_mnist|exploding_gradients|errors BINARY...

  fashion_mnist BIN        a smoke run on 500 training / 1000 test images: the
                           `result:` line is the last line and has the promised
                           keys, the training loss falls from epoch 1 to the
                           last, and test accuracy beats chance (0.1) by five
                           standard deviations of a chance-level classifier.
                           Exits 77 (meson: SKIP) when the dataset is missing.
  exploding_gradients BIN  --quick with short addition runs: one `result:`
                           line per run, the last line a summary, and the cliff
                           outcome (plateau without clipping, converged with).
  errors BIN...            a bad flag and a missing data folder each print a
                           message and exit non-zero.
"""
import csv
import math
import os
import subprocess
import sys
import tempfile

FASHION_DIR = "/usr/share/datasets/fashion-mnist"


def run(args):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def parse_result(line):
    assert line.startswith("result: "), f"not a result line: {line!r}"
    return dict(item.split("=", 1) for item in line[len("result: "):].split())


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def check_fashion_mnist(binary):
    if not os.path.isdir(FASHION_DIR):
        print(f"SKIP: {FASHION_DIR} is missing (apt-get install dataset-fashion-mnist)")
        sys.exit(77)
    n_test = 1000
    with tempfile.TemporaryDirectory() as tmp:
        metrics = os.path.join(tmp, "metrics.csv")
        code, out, err = run([binary, "--limit", "500", "--test-limit", str(n_test), "--epochs", "3",
                              "--batch", "50", "--threads", "1", "--metrics", metrics,
                              "--save", os.path.join(tmp, "model.safetensors")])
        print(out, err)
        if code != 0:
            fail(f"exit code {code}")
        rows = list(csv.DictReader(open(metrics)))
        saved = os.path.getsize(os.path.join(tmp, "model.safetensors"))
    lines = out.strip().splitlines()
    result = parse_result(lines[-1])
    for key in ("test_accuracy", "train_loss", "seconds_per_epoch", "clipped_steps", "skipped_steps"):
        if key not in result:
            fail(f"result line lacks {key}")
    if len(rows) != 3:
        fail(f"metrics CSV has {len(rows)} rows, expected one per epoch (3)")
    losses = [float(r["train_loss"]) for r in rows]
    if not losses[-1] < losses[0]:
        fail(f"training loss did not decrease: {losses}")
    # A classifier that guesses is right with probability 0.1; over n test
    # images its accuracy has standard deviation sqrt(0.1 * 0.9 / n).
    bound = 0.1 + 5 * math.sqrt(0.1 * 0.9 / n_test)
    accuracy = float(result["test_accuracy"])
    if not accuracy > bound:
        fail(f"test accuracy {accuracy} is not above chance + 5 sigma = {bound:.4f}")
    if float(result["test_accuracy"]) != float(rows[-1]["test_accuracy"]):
        fail("result line and metrics CSV disagree on the final accuracy")
    if saved <= 0:
        fail("--save wrote an empty checkpoint")
    print(f"ok: losses {losses}, accuracy {accuracy} > {bound:.4f}")


def check_exploding_gradients(binary):
    code, out, err = run([binary, "--quick", "--addition-steps", "200"])
    print(out, err)
    if code != 0:
        fail(f"exit code {code}")
    results = [parse_result(l) for l in out.splitlines() if l.startswith("result: ")]
    demos = [r["demo"] for r in results]
    expected = ["cliff"] * 2 + ["addition"] * 5 + ["deep_mlp"] * 3 + ["decay"] * 3 + ["summary"]
    if demos != expected:
        fail(f"result lines for {demos}, expected {expected}")
    if not out.strip().splitlines()[-1].startswith("result: demo=summary"):
        fail("the last line is not the summary result line")
    summary = results[-1]
    if not float(summary["cliff_unclipped_loss"]) > 0.05:
        fail("the unclipped cliff run did not end on the plateau")
    if not float(summary["cliff_clipped_loss"]) < 1e-6:
        fail("the clipped cliff run did not converge")
    print("ok")


def check_errors(binaries):
    for binary in binaries:
        code, out, err = run([binary, "--no-such-flag"])
        if code == 0 or "unknown flag '--no-such-flag'" not in err:
            fail(f"{binary}: a bad flag gave exit code {code} and stderr {err!r}")
        code, out, err = run([binary, "--threads", "two"])
        if code == 0 or "expects a number" not in err:
            fail(f"{binary}: a malformed number gave exit code {code} and stderr {err!r}")
    for binary in binaries:
        if "exploding_gradients" in binary:
            continue
        code, out, err = run([binary, "--data", "/nonexistent/fashion"])
        if code == 0 or "does not exist" not in err:
            fail(f"{binary}: a missing data folder gave exit code {code} and stderr {err!r}")
    print("ok")


if __name__ == "__main__":
    mode, binaries = sys.argv[1], sys.argv[2:]
    if mode == "fashion_mnist":
        check_fashion_mnist(binaries[0])
    elif mode == "exploding_gradients":
        check_exploding_gradients(binaries[0])
    elif mode == "errors":
        check_errors(binaries)
    else:
        fail(f"unknown mode {mode}")
