#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Usage:
#   scripts/test.sh BUILD_DIR ASAN_BUILD_DIR FUZZ_BUILD_DIR FUZZ_SECONDS
set -euo pipefail
build=${1:-build} asan=${2:-build-asan} fuzz=${3:-build-fuzz} fuzz_seconds=${4:-20}
jobs=$(nproc)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

step() { printf '\n== %s ==\n' "$*"; }

step "unit tests ($build)"
ctest --test-dir "$build" -L unit -j"$jobs" --output-on-failure

step "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer ($asan)"
[ -f "$asan/build.ninja" ] || cmake -S . -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DSEKISHO_WERROR=ON -DSEKISHO_SANITIZE=ON -DSEKISHO_BENCH=OFF >/dev/null
ninja -C "$asan" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$asan" -L unit -j"$jobs" --output-on-failure

step "integration tests through the real pcscd + vpcd"
SEKISHO_REQUIRE_PCSCD=1 SEKISHO_BIN="$here/$build/cmd/sekisho/sekisho" \
  scripts/with-pcscd.sh bash -c "ctest --test-dir '$build' -L integration --output-on-failure && tests/cli/run.sh '$here/$build/cmd/sekisho/sekisho'"

step "fuzzers, ${fuzz_seconds}s each (clang, libFuzzer)"
[ -f "$fuzz/build.ninja" ] || CXX=clang++ cmake -S . -B "$fuzz" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEKISHO_FUZZ=ON -DSEKISHO_BENCH=OFF >/dev/null
ninja -C "$fuzz" -j"$jobs" fuzzers
scripts/run-fuzzers.sh "$fuzz" "$fuzz_seconds"

step "all tests passed"
