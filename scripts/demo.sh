#!/usr/bin/env bash
# What `make demo` runs (under scripts/with-pcscd.sh, so pcscd is up):
#   1. one simulated My Number Card in the vpcd virtual reader, seen through the real PC/SC stack:
#      what any reader learns without a PIN, and the APDU firewall refusing everything else;
#   2. `sekisho demo`: a whole site (50 staff, server, gates) and a scripted day, then the
#      console until Ctrl-C. CI runs `sekisho demo --headless --duration 300` instead.
# Usage: scripts/demo.sh PATH_TO_SEKISHO [sekisho demo OPTIONS...]
set -euo pipefail
sekisho=$(realpath "$1")
shift
demo="$(cd "$(dirname "$0")/.." && pwd)/.demo"
rm -rf "$demo" && mkdir -p "$demo"
log="$demo/sekisho.log"
run() { printf '\n$ sekisho %s\n' "$*"; "$sekisho" --log-file "$log" "$@"; }
sim_pid=""
trap '[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; true' EXIT

printf '\n### A simulated My Number Card in the virtual reader, through pcscd\n'
run pki init-test --out "$demo/pki" --seed 1
run card new --out "$demo/card.json" --pki "$demo/pki" --seed 1001
"$sekisho" --log-file "$log" card simulate --card "$demo/card.json" &
sim_pid=$!
for _ in $(seq 50); do "$sekisho" -q card readers 2>/dev/null | grep -q "card present" && break; sleep 0.2; done
run card inspect
run card firewall-check || true
kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; sim_pid=""

printf '\n### The whole site: staff, server, gates and a scripted day\n'
run demo "$@"
