#!/usr/bin/env bash
# The web console's browser tests (tests/console/), against real processes:
#   scripts/console-test.sh SEKISHO_BINARY [BUILD_DIR]
# Builds web/ (npm ci when web/node_modules is missing; formatting checked, type-checked, its unit
# tests run), makes a site in a temporary directory (test PKI, a simulated card enrolled for staff
# member E-1001, one account per role, a site, zone, level and door), starts `sekisho serve
# --console web/dist` on a free port and gate 1 at the vpcd reader "Virtual PCD 00 00", then runs
# the Playwright tests in headless Debian Chromium (they enrol further simulated cards at the second
# reader, "Virtual PCD 00 01", as an enrolment station would).
# Screenshots of the main pages go to BUILD_DIR/screenshots/ (BUILD_DIR: the second argument, else
# the build directory the binary is in, else `build`). Needs pcscd with vpcd: without one running,
# the script runs itself under scripts/with-pcscd.sh (root).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 SEKISHO_BINARY [BUILD_DIR]" >&2; exit 2; }

if [ -z "${WITH_PCSCD_LOCKED:-}" ] && [ -z "${PCSCD_REUSE:-}" ]; then
  exec "$here/scripts/with-pcscd.sh" "$0" "$@"
fi

binary=$(realpath "$1")
if [ $# -ge 2 ]; then
  build=$(realpath -m "$2")
elif [[ "$binary" == */cmd/sekisho/sekisho ]]; then
  build=${binary%/cmd/sekisho/sekisho}
else
  build="$here/build"
fi
screenshots="$build/screenshots"
chromium=${CHROMIUM:-/usr/bin/chromium}
start=$SECONDS

step() { printf '== console: %s (%ss)\n' "$*" "$((SECONDS - start))"; }

# --- Tools: Debian's Chromium (never a browser Playwright downloads), Node 20 ---------------
if [ ! -x "$chromium" ]; then
  echo "console-test: $chromium is missing; installing the Debian package chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null || { echo "console-test: node (20 or later) is not installed" >&2; exit 2; }

# --- The console: dependencies, type-check, bundle, unit tests ------------------------------
step "building web/"
cd "$here/web"
[ -d node_modules ] || npm ci --no-audit --no-fund
npx --no-install prettier --config .prettierrc.json --check --log-level warn src build.mjs ../tests/console
node build.mjs --unit-tests
node --test dist-test/
cd "$here"

# --- The site ---------------------------------------------------------------------------------
source "$here/tests/cli/lib.sh" "$binary"
export USER=console-test
PIN=7391
DATA="$WORK/data"
GATE_DIR="$WORK/gate"
PASSWORD='correct horse battery staple'
SERVE_PID="" GATE_PID=""
stop_site() {
  if [ -n "$GATE_PID" ]; then kill "$GATE_PID" 2>/dev/null || true; wait "$GATE_PID" 2>/dev/null || true; fi
  if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  GATE_PID="" SERVE_PID=""
}
on_exit() {
  local status=$?
  stop_site
  if [ "$status" -ne 0 ]; then
    for f in serve.out gate.out gate.log; do
      [ -f "$WORK/$f" ] && { echo "--- $f (last lines)"; tail -20 "$WORK/$f"; }
    done
  fi
  cleanup
}
trap on_exit EXIT

# api METHOD PATH [JSON]: a call as the security administrator; body in $BODY, status in $STATUS.
api() {
  local args=(-s -o "$WORK/body" -w '%{http_code}' --cacert "$DATA/tls/ca.pem"
              -b "$WORK/cookies" -c "$WORK/cookies" -X "$1" -H "X-CSRF-Token: ${CSRF:-}")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  STATUS=$(curl "${args[@]}" "$URL$2")
  BODY=$(cat "$WORK/body")
}
expect() { [ "$STATUS" = "$1" ] || fail "expected HTTP $1 for the setup, got $STATUS: $BODY"; }
id_of() { jq -er "${1:-.id}" <<< "$BODY" || fail "no ${1:-.id} in: $BODY"; }
wait_for() {
  for _ in $(seq 300); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "expected '$2' in $1: $(cat "$1" 2>/dev/null)"
}

step "making the site"
run 0 pki init-test --out "$WORK/pki" --seed 5
run 0 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
run 0 init --data "$DATA" --org "Acme Corp" --test-anchors "$WORK/pki"
run 0 staff add --data "$DATA" --number E-1001 --name "Aoi Tanaka" --department Operations
insert_card "$WORK/card.json"
run_with_pin "$PIN" 0 enrol --data "$DATA" --staff E-1001 --pin-fd 0
stop_card
printf '%s\n' "$PASSWORD" > "$WORK/password"
for account in admin:security_admin hrclerk:hr auditor:auditor; do
  STDIN_FILE="$WORK/password" run 0 user add --data "$DATA" --login "${account%%:*}" \
    --role "${account#*:}" --password-fd 0
done
STDIN_FILE="$WORK/password" run 0 user add --data "$DATA" --login aoi --role staff \
  --staff-number E-1001 --password-fd 0
run 0 gate create --data "$DATA" --name "Entrance lane 1"
GATE_ID=$(grep -o 'gate created: *[0-9]*' <<< "$OUT" | grep -o '[0-9]*$')
awk '/^registration token:/ { print $3 }' <<< "$OUT" > "$WORK/token"

step "starting the server with the console"
"$SEKISHO" --log-file "$WORK/serve.log" serve --data "$DATA" --port 0 --console "$here/web/dist" \
  > "$WORK/serve.out" 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q "^serving" "$WORK/serve.out" && break
  kill -0 "$SERVE_PID" 2>/dev/null || fail "serve exited: $(cat "$WORK/serve.out")"
  sleep 0.1
done
URL=$(grep -o 'https://127\.0\.0\.1:[0-9]*' "$WORK/serve.out" | head -1)
[ -n "$URL" ] || fail "the server did not say where it listens: $(cat "$WORK/serve.out")"
PORT=${URL##*:}

# The site the tests start from: Lane 1 driven by gate 1; the level "Staff" exists, and the tests
# assign it through the console.
api POST /api/v1/auth/login "{\"login\":\"admin\",\"password\":\"$PASSWORD\"}"
expect 200
CSRF=$(id_of .csrf)
api POST /api/v1/sites '{"name":"HQ","utc_offset":"+09:00","holidays":["2026-01-01"]}'
expect 201
SITE=$(id_of)
api POST /api/v1/zones "{\"name\":\"Offices\",\"site\":$SITE}"
expect 201
ZONE=$(id_of)
api POST /api/v1/levels "{\"name\":\"Staff\",\"rules\":[{\"zone\":$ZONE}]}"
expect 201
api POST /api/v1/doors "{\"name\":\"Lane 1\",\"site\":$SITE,\"to_zone\":$ZONE,\"required\":\"card+pin\",\"gate\":$GATE_ID}"
expect 201

step "registering and starting gate $GATE_ID"
STDIN_FILE="$WORK/token" run 0 gate register --server "127.0.0.1:$PORT" --ca "$DATA/tls/ca.pem" \
  --token-fd 0 --dir "$GATE_DIR"
for _ in $(seq 40); do echo "$PIN"; done > "$WORK/pins"
"$SEKISHO" --log-file "$WORK/gate.log" gate run --dir "$GATE_DIR" --reader "Virtual PCD 00 00" \
  --pin-fd 3 > "$WORK/gate.out" 2>&1 3< "$WORK/pins" &
GATE_PID=$!
wait_for "$WORK/gate.log" "connected to 127.0.0.1"
wait_for "$WORK/gate.log" "installed"

# --- The browser tests ------------------------------------------------------------------------
step "browser tests (screenshots in $screenshots)"
rm -rf "$screenshots"
mkdir -p "$screenshots"
SEKISHO_URL="$URL" SEKISHO_BINARY="$SEKISHO" SEKISHO_DATA="$DATA" SEKISHO_CARD="$WORK/card.json" \
SEKISHO_GATE_OUT="$WORK/gate.out" SEKISHO_SCREENSHOTS="$screenshots" SEKISHO_PASSWORD="$PASSWORD" \
SEKISHO_PKI="$WORK/pki" SEKISHO_PIN="$PIN" \
CHROMIUM="$chromium" \
  node --test --test-reporter=spec "$here/tests/console/"
step "console tests passed"
