#!/usr/bin/env bash
# scripts/fuzz.sh — builds the libFuzzer targets (clang) and runs each one.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 60)
#
# CI runs it for a few seconds per target; for a real campaign give it an
# hour or more. New inputs that raise coverage are kept in fuzz/corpus/NAME
# (commit the small interesting ones); a crash leaves crash-* files here and
# a non-zero exit (an UndefinedBehaviorSanitizer report counts as a crash).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if [ ! -f build-fuzz/build.ninja ]; then
  CXX=clang++-14 meson setup build-fuzz -Dfuzz=true -Dtests=disabled -Dbench=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C build-fuzz
for target in build-fuzz/fuzz/fuzz_*; do
  [ -f "$target" ] && [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus=fuzz/corpus/${name#fuzz_}
  work=$(mktemp -d)  # new inputs go here, so the committed corpus only grows by hand
  echo "== $name for ${seconds}s (seeds: $corpus)"
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$name-" "$work" "$corpus" 2>&1 |
    grep -E "^(#[0-9]+ *DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" || true
  rm -rf "$work"
  ls "$name"-crash-* "$name"-leak-* "$name"-timeout-* >/dev/null 2>&1 && { echo "fuzz: $name found a failing input"; exit 1; }
done
echo "fuzz: no failures"
