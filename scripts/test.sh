#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Usage:
#   scripts/test.sh BUILD_DIR FUZZ_SECONDS
# BUILD_DIR is a clang build with AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer
# coverage: the sekisho binary, the integration tests, the unit tests and the fuzzers are built
# there once, so every test below (the command-line tests and the demo's day included) runs where
# a memory error or undefined behaviour fails it. The optimised g++ build of `make build` is what
# `make demo`, `make unit` and `make bench` use.
set -euo pipefail
build=${1:-build-san} fuzz_seconds=${2:-10}
jobs=$(nproc)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
sekisho="$here/$build/cmd/sekisho/sekisho"

step() { printf '\n== %s ==  (%ss)\n' "$*" "$SECONDS"; }

step "clang build with AddressSanitizer + UndefinedBehaviorSanitizer ($build)"
# Assertions on (no NDEBUG), -O0 and line tables only: enough for sanitizer stack traces, and
# half the compile time of -O1. Executables are linked by lld and not position-independent: the
# libFuzzer coverage tables of a position-independent executable need millions of relocations
# at every start, seconds per command under load, and the command-line tests start hundreds.
# Each target's sources are compiled together, eight to a unit (CMake unity build); the g++
# build compiles every file on its own, so each still includes what it uses.
[ -f "$build/build.ninja" ] || CXX=clang++ cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS="-O0 -gline-tables-only -fno-pie" \
  -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=lld -no-pie" -DCMAKE_UNITY_BUILD=ON \
  -DSEKISHO_WERROR=ON -DSEKISHO_SANITIZE=ON -DSEKISHO_FUZZ=ON -DSEKISHO_BENCH=ON \
  -DSEKISHO_TEST_PER_BINARY=ON -DSEKISHO_PCH=ON >/dev/null
ninja -C "$build" -j"$jobs" sekisho pcsc_integration_test unit_tests fuzzers

# Undefined behaviour stops any process at once. Processes of the end-to-end tests are stopped
# by signals, some with SIGKILL, so leaks are checked only in the unit tests.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
e2e_asan=detect_leaks=0:abort_on_error=1

step "integration and command-line tests through the real pcscd + vpcd"
ASAN_OPTIONS=$e2e_asan SEKISHO_REQUIRE_PCSCD=1 scripts/with-pcscd.sh bash -c \
  "ctest --test-dir '$build' -L integration --output-on-failure --progress && tests/cli/run.sh '$sekisho'"

step "the demo site's scripted day, headless: every expectation must hold"
ASAN_OPTIONS=$e2e_asan "$sekisho" demo --headless --duration 300

step "the web console in headless Chromium (tests/console)"
ASAN_OPTIONS=$e2e_asan scripts/console-test.sh "$sekisho" "$build"

step "unit tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  ctest --test-dir "$build" -L unit -j"$jobs" --output-on-failure --progress

step "fuzzers, ${fuzz_seconds}s each"
scripts/run-fuzzers.sh "$build" "$fuzz_seconds"

step "all tests passed"
