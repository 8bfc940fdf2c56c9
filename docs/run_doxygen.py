#!/usr/bin/env python3
"""Runs Doxygen on docs/Doxyfile from the source root, writing to OUT_DIR.

Usage: run_doxygen.py DOXYGEN SOURCE_ROOT OUT_DIR
Feeds the Doxyfile plus an OUTPUT_DIRECTORY override on standard input, so
the checked-in Doxyfile stays usable by hand (`doxygen docs/Doxyfile`).
Exits non-zero on any Doxygen warning (WARN_AS_ERROR = FAIL_ON_WARNINGS).
"""
import os
import subprocess
import sys


def main(doxygen, root, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(root, "docs", "Doxyfile"), encoding="utf-8") as f:
        config = f.read() + f"\nOUTPUT_DIRECTORY = \"{out_dir}\"\n"
    run = subprocess.run([doxygen, "-"], input=config, text=True, cwd=root)
    if run.returncode == 0:
        print(f"API reference: {os.path.join(out_dir, 'html', 'index.html')}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
