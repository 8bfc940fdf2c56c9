#!/usr/bin/env bash
# scripts/setup.sh — installs what tapegrad needs on Debian 12 (as root), then
# configures a meson build folder. Sourced by run-example.sh and run-tests.sh.
#
#   bash scripts/setup.sh [BUILD_DIR] [extra meson options...]
#
# Only Debian packages are used; nothing is downloaded from anywhere else.
set -euo pipefail

TG_PACKAGES=(
  g++ meson ninja-build pkg-config cmake  # compiler and build (cmake: doctest's package config)
  libxtensor-dev libxsimd-dev             # xtensor interop, SIMD wrappers
  doctest-dev                             # unit tests
  zlib1g-dev                              # gzip'd datasets (IDX files)
  python3                                 # meson itself, and the docs/examples checks
  dataset-fashion-mnist                   # the flagship example's data (/usr/share/datasets/fashion-mnist)
  gnuplot-nox                             # PNG plots of the examples (--plot) and the gradient monitor
)
# Only the full test run needs these: the libFuzzer targets are built with
# clang; doxygen builds the API reference (any warning fails the run);
# NumPy is the independent reader of our checkpoints (tests/reference/read_checkpoint.py).
TG_TEST_PACKAGES=(clang-14 libfuzzer-14-dev libomp-14-dev doxygen python3-numpy)

# tg_install_missing [EXTRA_PACKAGES...]: installs whichever of TG_PACKAGES
# and the extra packages are not installed yet.
tg_install_missing() {
  local missing=()
  for p in "${TG_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# tg_configure BUILD_DIR [meson options...]: sets up (or reconfigures) a build folder.
tg_configure() {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cd "$(dirname "$0")/.."
  tg_install_missing
  tg_configure "${1:-build}" "${@:2}"
fi
