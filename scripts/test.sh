#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Usage:
#   scripts/test.sh BUILD_DIR SANITIZER_BUILD_DIR FUZZ_SECONDS
# BUILD_DIR is the g++ build of the product (warnings as errors): the sekisho binary and the
# integration tests, which run there with the command-line tests (`make bench` builds the
# benchmarks in the same directory).
# SANITIZER_BUILD_DIR is a clang build with AddressSanitizer + UndefinedBehaviorSanitizer and
# libFuzzer coverage of the unit tests and the fuzzers: the unit tests run there, once, where a
# memory error or undefined behaviour fails them (`make unit` runs them in the g++ build).
set -euo pipefail
build=${1:-build} san=${2:-build-san} fuzz_seconds=${3:-10}
jobs=$(nproc)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
sekisho="$here/$build/cmd/sekisho/sekisho"

step() { printf '\n== %s ==  (%ss)\n' "$*" "$SECONDS"; }

step "g++ build of the product and the integration tests ($build)"
ninja -C "$build" -j"$jobs" sekisho pcsc_integration_test

step "integration and command-line tests through the real pcscd + vpcd"
SEKISHO_REQUIRE_PCSCD=1 scripts/with-pcscd.sh bash -c \
  "ctest --test-dir '$build' -L integration --output-on-failure --progress && tests/cli/run.sh '$sekisho'"

step "the demo site's scripted day, headless: every expectation must hold"
"$sekisho" demo --headless --duration 300

step "clang build with AddressSanitizer + UndefinedBehaviorSanitizer ($san)"
# Assertions on (no NDEBUG), -O0 and line tables only: enough for sanitizer stack traces, and
# half the compile time of -O1 (the unit tests run in well under a minute either way). Only the
# unit tests and the fuzzers are built.
[ -f "$san/build.ninja" ] || CXX=clang++ cmake -S . -B "$san" -G Ninja \
  -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS="-O0 -gline-tables-only" -DSEKISHO_WERROR=ON \
  -DSEKISHO_SANITIZE=ON -DSEKISHO_FUZZ=ON -DSEKISHO_BENCH=OFF -DSEKISHO_TEST_PER_BINARY=ON >/dev/null
ninja -C "$san" -j"$jobs" unit_tests fuzzers

step "unit tests under the sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$san" -L unit -j"$jobs" --output-on-failure --progress

step "fuzzers, ${fuzz_seconds}s each"
scripts/run-fuzzers.sh "$san" "$fuzz_seconds"

step "all tests passed"
