#!/usr/bin/env bash
# scripts/run-tests.sh — Quick start, command 2 (and what CI runs): install what
# is missing, build, and run the whole test suite:
#   1. the native build (-march=native) and `meson test`;
#   2. a portable build (-Dnative=false) and `meson test`, so the generic SIMD
#      path is tested too;
#   3. `meson install` into a scratch folder and a program outside the tree
#      built with nothing but `pkg-config --cflags --libs tapegrad`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

tg_install_missing

echo "== native build"
tg_configure build
ninja -C build
meson test -C build --print-errorlogs

echo "== portable build (-Dnative=false)"
tg_configure build-portable -Dnative=false -Dbench=false
ninja -C build-portable
meson test -C build-portable --print-errorlogs

echo "== installed library, used through pkg-config"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C build --destdir "$stage" --quiet
pcdir=$(dirname "$(find "$stage" -name tapegrad.pc | head -n 1)")
libdir=$(dirname "$(find "$stage" -name 'libtapegrad.so' | head -n 1)")
# The sysroot variable prefixes the installed paths with the scratch folder.
flags=$(PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs tapegrad)
echo "pkg-config: $flags"
# shellcheck disable=SC2086
g++ tests/install/consumer.cpp -o "$stage/consumer" $flags
LD_LIBRARY_PATH="$libdir" "$stage/consumer"
echo "run-tests: all passed"
