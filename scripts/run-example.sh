#!/usr/bin/env bash
# scripts/run-example.sh — Quick start, command 1: install what is missing,
# build, and run the flagship example.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

tg_install_missing
tg_configure build
ninja -C build
./build/examples/tensor_demo "$@"
