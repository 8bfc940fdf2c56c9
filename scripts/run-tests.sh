#!/usr/bin/env bash
# scripts/run-tests.sh — Quick start, command 2 (and what CI runs): install what
# is missing, build, and run the whole test suite:
#   1. the native build (-march=native) and `meson test`,
#      and the Doxygen API reference (docs/Doxyfile), which must build
#      without a warning;
#   2. a portable build (-Dnative=false) and `meson test`, so the generic SIMD
#      path is tested too;
#   3. `meson install` into a scratch folder and a program outside the tree
#      built with nothing but `pkg-config --cflags --libs tapegrad`;
#   4. an AddressSanitizer + UndefinedBehaviorSanitizer build running the
#      whole suite again (any report fails the run);
#   5. a short libFuzzer pass over the file readers and the shape logic
#      (scripts/fuzz.sh; run it longer by hand for a real campaign).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

tg_install_missing "${TG_TEST_PACKAGES[@]}"

echo "== native build"
tg_configure build
ninja -C build
meson test -C build --print-errorlogs

echo "== API reference (doxygen; a warning fails the run)"
ninja -C build docs

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

echo "== sanitizers (address, undefined)"
# b_lundef=false: a sanitized shared library leaves the runtime's symbols to the executable.
tg_configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false \
  -Dbuildtype=debugoptimized -Dcpp_args=-fno-sanitize-recover=all
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-asan --print-errorlogs --timeout-multiplier 4

echo "== fuzzing (bounded)"
bash scripts/fuzz.sh "${TG_FUZZ_SECONDS:-10}"
echo "run-tests: all passed"
