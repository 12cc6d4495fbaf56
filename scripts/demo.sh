#!/usr/bin/env bash
# The card demonstration `make demo` runs (under scripts/with-pcscd.sh, so pcscd is up):
# a simulated My Number Card in the vpcd virtual reader, seen through the real PC/SC stack.
# Usage: scripts/demo.sh PATH_TO_SEKISHO
set -euo pipefail
sekisho=$(realpath "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
demo="$here/.demo"
rm -rf "$demo"
mkdir -p "$demo"
log="$demo/sekisho.log"
run() { printf '\n$ sekisho %s\n' "$*"; "$sekisho" --log-file "$log" "$@"; }
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; true; }
trap cleanup EXIT

say() { printf '\n### %s\n' "$*"; }

say "A test PKI shaped like JPKI, and a simulated My Number Card issued from it"
run pki init-test --out "$demo/pki" --seed 1
run card new --out "$demo/card.json" --pki "$demo/pki" --seed 1001
head -c 32 /dev/urandom > "$demo/org.key"
chmod 600 "$demo/org.key"

say "The card goes into the vpcd virtual reader; pcscd sees it like any card"
"$sekisho" --log-file "$log" card simulate --card "$demo/card.json" &
sim_pid=$!
for _ in $(seq 50); do
  "$sekisho" -q card readers 2>/dev/null | grep -q "card present" && break
  sleep 0.2
done
run card readers

say "Inspect: token, certificate issuer and validity, pseudonym, PIN tries (never the My Number)"
run card inspect --org-key "$demo/org.key"

say "Enrolment-style authentication: full certificate, chain checked, PIN, signed challenge"
echo 1234 | run card authenticate --pin-fd 0 --anchor "$demo/pki/auth-ca.pem" --org-key "$demo/org.key"

say "Door-style authentication: the certificate only up to its public key"
echo 1234 | run card authenticate --pin-fd 0 --org-key "$demo/org.key"

say "The APDU firewall: every forbidden application and file is refused before the card sees it"
run card firewall-check || true

say "PIN safety: two wrong PINs, then Sekisho refuses to spend the last try"
echo 0000 | run card authenticate --pin-fd 0 || true
echo 0000 | run card authenticate --pin-fd 0 || true
echo 1234 | run card authenticate --pin-fd 0 || true
run card inspect

say "Done. Files are in $demo; the log ($log) holds no PIN, no My Number, no certificate."
