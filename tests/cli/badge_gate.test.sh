# Badges at a running gate (docs/gate.md "Badge terminal credentials"): the gate generates its
# terminal key, receives a short-lived terminal certificate from the server over mutual TLS,
# keeps it in badge-terminal.json (0600), reads a badge with it, and renews it while online; the
# server's validity setting; nothing of the key or the batch CAN in the logs, and no CAN at the gate.
source "$(dirname "$0")/lib.sh"
CAN=314159
new_site
GATE_LOG="$WORK/gate.log"

# --- No badge keys yet: the gate says so and reads My Number Cards only ------------------------
wait_for "$GATE_LOG" "sekisho badge init"
[ -e "$GATE/badge-terminal.json" ] && fail "a terminal file without badge keys"
present_card
grep -qE "^door $DOOR: granted$" <<< "$LAST_DECISION" || fail "card refused: $LAST_DECISION"

# --- Badge keys, a badge for the enrolled holder, a card-only door -----------------------------
run 0 badge init --data "$DATA" --org "Acme Corp" --can "$CAN"
run 0 badge issue --data "$DATA" --org "Acme Corp" --staff E-1001 --out "$WORK/badge.json"
expect_output "card only"
api GET "/api/v1/doors/$DOOR"
expect_status 200
api PUT "/api/v1/doors/$DOOR" "$(jq -c '.required = "card"' <<< "$BODY")"
expect_status 200

# --- The server issues one-day certificates; the gate fetches one at start --------------------
kill "$GATE_PID"; wait "$GATE_PID" 2>/dev/null || true
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
GATE_PID="" SERVE_PID=""
start_server --badge-terminal-days 1
login admin "correct horse battery staple"
# Renew when fewer than 30 hours are left (always, for a one-day certificate), looking every
# second: the renewal is seen without waiting half a day.
# Certificate dates are whole UTC days: the day is read before and after, so that a run across
# midnight accepts either.
day_before=$(date -u +%F)
start_gate --badge-renew-margin 30 --badge-check-interval 1
TERMINAL="$GATE/badge-terminal.json"
[ -f "$TERMINAL" ] || fail "no $TERMINAL after start: $(cat "$GATE_LOG")"
[ "$(stat -c %a "$TERMINAL")" = 600 ] || fail "badge-terminal.json mode is not 600"
today=$(jq -r .issuance.not_after "$TERMINAL")
[ "$today" = "$day_before" ] || [ "$today" = "$(date -u +%F)" ] ||
  fail "a one-day certificate does not end today: $(jq -c '.issuance | {not_before, not_after}' "$TERMINAL")"
tomorrow=$(date -u -d "$today + 1 day" +%F)
# No door needs the batch CAN, so the gate is never given it.
grep -qF "$CAN" "$TERMINAL" && fail "the terminal file holds the batch CAN"
grep -qE "gate $GATE_ID: badge terminal certificate JP[A-Z0-9]+TM00$GATE_ID renewed, valid until ${tomorrow}T00:00:00Z" \
  "$GATE_LOG" || fail "no renewal logged: $(cat "$GATE_LOG")"
# Less than a day left: warned at start.
grep -qF "the badge terminal certificate expires at" "$GATE_LOG" ||
  fail "no expiry warning: $(cat "$GATE_LOG")"

present_card "$WORK/badge.json"
grep -qE "^door $DOOR: granted$" <<< "$LAST_DECISION" || fail "badge refused: $LAST_DECISION"
wait_server_events 2
api GET "/api/v1/events?result=granted&limit=100"
expect_status 200
# The My Number Card's grant was card+PIN; the badge's, at the card-only door, the card alone.
[ "$(jq '[.items[] | select(.assurance == "card" and .staff_id != null)] | length' <<< "$BODY")" = 1 ] ||
  fail "the server does not show the badge's grant: $BODY"

# --- The server's setting changes: the running gate renews, through the server's restart -------
renewals=$(count_in "$GATE_LOG" "badge terminal certificate JP")
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
SERVE_PID=""
day_before=$(date -u +%F)
start_server --badge-terminal-days 3
three_days() { # true when the certificate's last day is the second day after its first
  local issuance
  issuance=$(jq -c .issuance "$TERMINAL")
  [ "$(jq -r .not_after <<< "$issuance")" = "$(date -u -d "$(jq -r .not_before <<< "$issuance") + 2 days" +%F)" ] &&
    [[ "$(jq -r .not_before <<< "$issuance")" > "$day_before" || "$(jq -r .not_before <<< "$issuance")" = "$day_before" ]]
}
for _ in $(seq 300); do
  three_days && break
  sleep 0.1
done
three_days ||
  fail "the gate did not renew to a three-day certificate: $(tail -20 "$GATE_LOG")"
[ "$(count_in "$GATE_LOG" "badge terminal certificate JP")" -gt "$renewals" ] ||
  fail "no renewal logged"
[ "$(stat -c %a "$TERMINAL")" = 600 ] || fail "the renewed file's mode is not 600"
# More than 30 hours left now: no more renewals.
settled=$(count_in "$GATE_LOG" "badge terminal certificate JP")
sleep 3
[ "$(count_in "$GATE_LOG" "badge terminal certificate JP")" = "$settled" ] ||
  fail "the gate keeps renewing a fresh certificate"
# The renewed credentials are the ones the door uses.
present_card "$WORK/badge.json"
grep -qE "^door $DOOR: granted$" <<< "$LAST_DECISION" || fail "badge refused after renewal: $LAST_DECISION"

# --- Each issuance is an admin record naming the gate, never key bytes -------------------------
issued=$(sql "$DATA/audit.db" \
  "SELECT count(*) FROM entries WHERE kind = 2 AND CAST(record AS TEXT) LIKE '%badge-terminal-issued%gate/$GATE_ID terminal JP%'")
[ "$issued" -ge 2 ] || fail "expected badge-terminal-issued records, got $issued"
run 0 audit verify --data "$DATA"

# --- Badges off: the gate reads every card as a My Number Card ---------------------------------
kill "$GATE_PID"; wait "$GATE_PID" 2>/dev/null || true
GATE_PID=""
start_gate --no-badges
present_card "$WORK/badge.json"
grep -qE "^door $DOOR: granted$" <<< "$LAST_DECISION" && fail "a badge granted with --no-badges"

# --- Nothing secret in the logs ----------------------------------------------------------------
key=$(jq -r .private_key "$TERMINAL")
for f in "$WORK/gate.log" "$WORK/gate.out" "$WORK/serve.log" "$WORK/serve.out"; do
  grep -qF "$key" "$f" && fail "$f holds the terminal's private key"
  grep -qF "$CAN" "$f" && fail "$f holds the batch CAN"
done
stop_processes
echo "badge gate test: passed"
