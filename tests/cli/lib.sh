# Helpers for the command-line end-to-end tests; sourced by tests/cli/*.test.sh.
# Every check prints what it expected and what it got, and fails the test on the spot.

set -euo pipefail
SEKISHO=$(realpath "$1")
WORK=$(mktemp -d /tmp/sekisho-cli.XXXXXX)
LOG="$WORK/sekisho.log"
SIM_PID=""

# SEKISHO_KEEP_WORK=1 keeps the test's directory (files, logs, outputs) for a look afterwards.
cleanup() {
  stop_card
  if [ "${SEKISHO_KEEP_WORK:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
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

# --- A running site: `sekisho serve`, the REST API, a registered `sekisho gate run` -----------
# For the tests of the running system. new_site builds the
# site of docs/user-guide.md sections 2-7: one staff member with an enrolled simulated card, an
# administrator signed in to the API, one site, zone, level and door, and gate 1 running at the
# vpcd reader with the door's PINs on descriptor 3.
PIN=7391
DATA="$WORK/data"
GATE="$WORK/gate"
READER="Virtual PCD 00 00"
PORT=$((20000 + RANDOM % 20000))
SERVE_PID=""
GATE_PID=""

# Stops the gate and the server (SIGTERM, then waits) if they run.
stop_processes() {
  if [ -n "$GATE_PID" ]; then kill "$GATE_PID" 2>/dev/null; wait "$GATE_PID" 2>/dev/null; fi
  if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null; fi
  GATE_PID="" SERVE_PID=""
  true
}
trap 'stop_processes; cleanup' EXIT
# Interrupted (Ctrl-C, or with-pcscd passing on a signal): exit, so the EXIT trap stops what runs.
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for FILE TEXT [SECONDS]: until FILE contains TEXT (default 30 s).
wait_for() {
  for _ in $(seq $((${3:-30} * 10))); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "expected '$2' in $1: $(cat "$1" 2>/dev/null)"
}
# count_in FILE TEXT: how many lines of FILE contain TEXT (0 when there is no FILE).
count_in() {
  local n
  n=$(grep -cF -- "$2" "$1" 2>/dev/null) || true
  echo "${n:-0}"
}

# start_server [SERVE OPTIONS...]: `sekisho serve` in the background until it serves.
start_server() {
  local before
  before=$(count_in "$WORK/serve.out" "serving")
  "$SEKISHO" --log-file "$WORK/serve.log" serve --data "$DATA" --port "$PORT" "$@" \
    >> "$WORK/serve.out" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 100); do
    [ "$(count_in "$WORK/serve.out" "serving")" -gt "$before" ] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || fail "serve exited: $(cat "$WORK/serve.out")"
    sleep 0.1
  done
  fail "the server did not start: $(cat "$WORK/serve.out")"
}

# api METHOD PATH [JSON]: an API call with the session in $WORK/cookies (COOKIES overrides);
# the body goes to $BODY, the HTTP status to $STATUS.
api() {
  local jar=${COOKIES:-$WORK/cookies}
  local args=(-s -o "$WORK/body" -w '%{http_code}' --cacert "$DATA/tls/ca.pem"
              -b "$jar" -c "$jar" -X "$1" -H "X-CSRF-Token: ${CSRF:-}")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  STATUS=$(curl "${args[@]}" "https://127.0.0.1:$PORT$2")
  BODY=$(cat "$WORK/body")
}
expect_status() { [ "$STATUS" = "$1" ] || fail "expected HTTP $1, got $STATUS: $BODY"; }
field() { jq -er "$1" <<< "$BODY" || fail "no $1 in: $BODY"; }

# login LOGIN PASSWORD: signs in (cookies in $COOKIES or $WORK/cookies) and sets $CSRF.
login() {
  api POST /api/v1/auth/login "{\"login\":\"$1\",\"password\":\"$2\"}"
  expect_status 200
  CSRF=$(field .csrf)
}

# start_gate: `sekisho gate run` in the background (output in $WORK/gate.out, log in
# $WORK/gate.log, PINs from $WORK/pins), until it is connected and holds a policy. Arguments are
# more `gate run` options.
start_gate() {
  [ -f "$WORK/pins" ] || for _ in $(seq 20); do echo "$PIN"; done > "$WORK/pins"
  local connected installed
  connected=$(count_in "$WORK/gate.log" "connected to 127.0.0.1")
  installed=$(count_in "$WORK/gate.log" "policy snapshot")
  "$SEKISHO" --log-file "$WORK/gate.log" gate run --dir "$GATE" --reader "$READER" --pin-fd 3 \
    "$@" >> "$WORK/gate.out" 2>&1 3< "$WORK/pins" &
  GATE_PID=$!
  for _ in $(seq 300); do
    [ "$(count_in "$WORK/gate.log" "connected to 127.0.0.1")" -gt "$connected" ] &&
      [ "$(count_in "$WORK/gate.log" "policy snapshot")" -gt "$installed" ] && return 0
    kill -0 "$GATE_PID" 2>/dev/null || fail "gate run exited: $(cat "$WORK/gate.out")"
    sleep 0.1
  done
  fail "the gate did not connect: $(cat "$WORK/gate.log")"
}

# present_card [CARD_FILE]: the card enters the reader, the gate decides, the card leaves; the
# decision line ("door N: <reason>") is in $LAST_DECISION.
present_card() {
  local before
  before=$(decisions)
  insert_card "${1:-$WORK/card.json}"
  for _ in $(seq 300); do
    [ "$(decisions)" -gt "$before" ] && break
    sleep 0.1
  done
  stop_card
  [ "$(decisions)" -gt "$before" ] || fail "the gate decided nothing: $(cat "$WORK/gate.out")"
  LAST_DECISION=$(grep -E '^door [0-9]+: ' "$WORK/gate.out" | tail -1)
}

# decisions: how many decisions the gate has printed ("door N: <reason>").
decisions() {
  local n
  n=$(grep -cE '^door [0-9]+: ' "$WORK/gate.out" 2>/dev/null) || true
  echo "${n:-0}"
}

# server_events: the gate events the server has committed to its audit log, of every gate
# (records of kind gate, read with sql below).
server_events() { sql "$DATA/audit.db" "SELECT count(*) FROM entries WHERE kind = 1"; }

# wait_server_events N: until the server's audit log holds N gate events (30 s).
wait_server_events() {
  local n=""
  for _ in $(seq 150); do
    n=$(server_events)
    [ "$n" = "$1" ] && return 0
    sleep 0.2
  done
  fail "the server's audit log holds $n gate events, expected $1"
}

# sql FILE QUERY: a read-only query of an SQLite file with Python's sqlite3 module (no Sekisho
# code in between); prints each row as its values separated by "|".
sql() {
  python3 -c 'import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for row in db.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))' "$1" "$2"
}

# new_site: the site described above, with the server and gate 1 running.
new_site() {
  export USER=cli-admin
  run 0 pki init-test --out "$WORK/pki" --seed 5
  run 0 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
  run 0 init --data "$DATA" --org "Acme Corp" --test-anchors "$WORK/pki"
  run 0 staff add --data "$DATA" --number E-1001 --name "Aoi Tanaka"
  insert_card "$WORK/card.json"
  run_with_pin "$PIN" 0 enrol --data "$DATA" --staff E-1001 --pin-fd 0
  stop_card
  printf 'correct horse battery staple\n' > "$WORK/password"
  STDIN_FILE="$WORK/password" run 0 user add --data "$DATA" --login admin \
    --role security_admin --password-fd 0
  start_server
  login admin "correct horse battery staple"
  api POST /api/v1/sites '{"name":"HQ","utc_offset":"+09:00"}'
  expect_status 201
  SITE=$(field .id)
  api POST /api/v1/zones "{\"name\":\"Offices\",\"site\":$SITE}"
  expect_status 201
  ZONE=$(field .id)
  api POST /api/v1/levels "{\"name\":\"Staff\",\"rules\":[{\"zone\":$ZONE}]}"
  expect_status 201
  LEVEL=$(field .id)
  api GET "/api/v1/staff?limit=10"
  expect_status 200
  STAFF=$(field '.items[0].id')
  api POST /api/v1/level-assignments "{\"staff\":$STAFF,\"level\":$LEVEL}"
  expect_status 201
  run 0 gate create --data "$DATA" --name "Entrance lane 1"
  GATE_ID=$(grep -o 'gate created: *[0-9]*' <<< "$OUT" | grep -o '[0-9]*$')
  awk '/^registration token:/ { print $3 }' <<< "$OUT" > "$WORK/token"
  api POST /api/v1/doors "{\"name\":\"Lane 1\",\"site\":$SITE,\"to_zone\":$ZONE,\
\"required\":\"card+pin\",\"gate\":$GATE_ID}"
  expect_status 201
  DOOR=$(field .id)
  STDIN_FILE="$WORK/token" run 0 gate register --server "127.0.0.1:$PORT" \
    --ca "$DATA/tls/ca.pem" --token-fd 0 --dir "$GATE"
  start_gate
}
