#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Usage:
#   scripts/test.sh BUILD_DIR SANITIZER_BUILD_DIR FUZZ_SECONDS
# BUILD_DIR is the g++ build of the product (warnings as errors): the sekisho binary, the
# integration tests and the benchmarks; the integration and command-line tests run there.
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

step "g++ build of the product, integration tests and benchmarks ($build)"
ninja -C "$build" -j"$jobs" sekisho pcsc_integration_test \
  $(ninja -C "$build" -t targets all | sed -n 's|^\(bench/[a-z_]*_bench\): .*|\1|p')

step "integration and command-line tests through the real pcscd + vpcd"
SEKISHO_REQUIRE_PCSCD=1 scripts/with-pcscd.sh bash -c \
  "ctest --test-dir '$build' -L integration --output-on-failure --progress && tests/cli/run.sh '$sekisho'"

step "clang build with AddressSanitizer + UndefinedBehaviorSanitizer ($san)"
# Assertions on (no NDEBUG), -O1, line tables only: enough for sanitizer stack traces, and much
# cheaper to compile than full debug information. Only the unit tests and the fuzzers are built.
[ -f "$san/build.ninja" ] || CXX=clang++ cmake -S . -B "$san" -G Ninja \
  -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" -DSEKISHO_WERROR=ON \
  -DSEKISHO_SANITIZE=ON -DSEKISHO_FUZZ=ON -DSEKISHO_BENCH=OFF -DSEKISHO_TEST_PER_BINARY=ON >/dev/null
ninja -C "$san" -j"$jobs" unit_tests fuzzers

step "unit tests under the sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$san" -L unit -j"$jobs" --output-on-failure --progress

step "fuzzers, ${fuzz_seconds}s each"
scripts/run-fuzzers.sh "$san" "$fuzz_seconds"

step "all tests passed"
