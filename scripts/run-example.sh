#!/usr/bin/env bash
# scripts/run-example.sh — Quick start, command 1: install what is missing,
# build, and run the flagship example.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

tg_install_missing
tg_configure build
ninja -C build examples/fashion_mnist  # only what the example needs
# The flagship: an MLP on Fashion-MNIST, SGD + momentum with a cosine
# learning rate and decoupled weight decay (--clip 1 adds global-norm
# clipping); extra arguments go to the program (--help lists them).
./build/examples/fashion_mnist "$@"
