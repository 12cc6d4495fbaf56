# Helpers for the command-line end-to-end tests; sourced by tests/cli/*.test.sh.
# Every check prints what it expected and what it got, and fails the test on the spot.

set -euo pipefail
SEKISHO=$(realpath "$1")
WORK=$(mktemp -d /tmp/sekisho-cli.XXXXXX)
LOG="$WORK/sekisho.log"
SIM_PID=""

cleanup() {
  stop_card
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# run EXPECTED_EXIT ARGS...: runs sekisho (verbose, logging to $LOG), keeps its output in $OUT.
run() {
  local expected=$1
  shift
  set +e
  OUT=$("$SEKISHO" -v --log-file "$LOG" "$@" 2>&1 < "${STDIN_FILE:-/dev/null}")
  local rc=$?
  set -e
  [ "$rc" -eq "$expected" ] || fail "sekisho $* exited $rc, expected $expected; output: $OUT"
}

# run_with_pin PIN EXPECTED_EXIT ARGS...: as run, with PIN on standard input (--pin-fd 0).
run_with_pin() {
  local pin=$1
  shift
  printf '%s\n' "$pin" > "$WORK/pin"
  STDIN_FILE="$WORK/pin" run "$@"
  rm -f "$WORK/pin"
}

expect_output() { grep -qF -- "$1" <<< "$OUT" || fail "expected '$1' in: $OUT"; }

insert_card() {
  "$SEKISHO" --log-file "$LOG" card simulate --card "$1" >> "$WORK/simulate.out" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 100); do
    "$SEKISHO" -q card readers 2>/dev/null | grep -q "card present" && return 0
    sleep 0.1
  done
  fail "the simulated card did not appear in the virtual reader"
}

stop_card() {
  if [ -n "$SIM_PID" ]; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
    SIM_PID=""
    for _ in $(seq 50); do
      "$SEKISHO" -q card readers 2>/dev/null | grep -q "card present" || return 0
      sleep 0.1
    done
  fi
}
