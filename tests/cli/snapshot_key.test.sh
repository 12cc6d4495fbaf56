# Snapshot key rotation (docs/operations.md §4, docs/formats/sync-protocol.md §3.4):
# a registered gate is stopped, the organisation's snapshot key is rotated with
# `sekisho snapshot rotate-key`, the server restarts with the new key and a card is reported lost;
# the gate, started again, follows the rollover chain from the key it registered with (gate.json
# now holds the new key), applies the policy signed by the new key and refuses the lost card. The
# server refuses a chain file with a forged signature, and a gate refuses a chain that does not
# lead from its key (another key run's), keeping its key and its policy.
source "$(dirname "$0")/lib.sh"
new_site
ORG_DIR="$DATA/orgs/acme-corp"

present_card
grep -qF "door $DOOR: granted" <<< "$LAST_DECISION" || fail "expected a grant: $LAST_DECISION"
old_key=$(jq -er .snapshot_public_key "$GATE/gate.json")
[ "$(jq -er .organisation "$GATE/gate.json")" = acme-corp ] ||
  fail "gate.json names no organisation: $(cat "$GATE/gate.json")"

# --- Not beside a running server: it would go on signing with the key it loaded ----------------
run 8 snapshot rotate-key --data "$DATA"
expect_output "in use by another Sekisho process"
[ ! -e "$ORG_DIR/snapshot-keys.json" ] || fail "a refused rotation left a chain file"
# Nor the checkpoint key, which the running server signs checkpoints with.
run 8 audit rotate-key --data "$DATA"
expect_output "in use by another Sekisho process"
[ ! -e "$DATA/audit-key.next" ] || fail "a refused checkpoint key rotation left audit-key.next"

# --- Gate and server stopped; the key rotated -------------------------------------------------
stop_processes
run 0 snapshot rotate-key --data "$DATA"
expect_output "rotated:     snapshot key"
expect_output "(rollover 1)"
expect_output "audit:       record"
new_id=$(grep -o 'snapshot key [0-9a-f]* -> [0-9a-f]*' <<< "$OUT" | awk '{print $5}')
[ ${#new_id} = 16 ] || fail "no new key id in: $OUT"
[ "$(jq -er '.rollovers | length' "$ORG_DIR/snapshot-keys.json")" = 1 ] ||
  fail "the chain file does not hold one rollover: $(cat "$ORG_DIR/snapshot-keys.json")"
[ "$(jq -er .first_key "$ORG_DIR/snapshot-keys.json" | tr A-F a-f)" = "$(tr A-F a-f <<< "$old_key")" ] ||
  fail "the chain does not start at the key the gate registered with"
[ "$(stat -c %a "$ORG_DIR/snapshot.key")" = 600 ] || fail "snapshot.key is not 0600"
[ ! -e "$ORG_DIR/snapshot.key.next" ] || fail "snapshot.key.next left behind"
grep -qF '"action":"snapshot-key-rotated"' <(python3 -c 'import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for (r,) in db.execute("SELECT record FROM entries WHERE record IS NOT NULL"):
    print(bytes(r).decode("utf-8", "replace"))' "$DATA/audit.db") ||
  fail "no snapshot-key-rotated record in the audit log"

# --- The server signs with the new key; a card reported lost meanwhile -----------------------
start_server
wait_for "$WORK/serve.log" "snapshot key id $new_id (1 rollover(s))"
login admin "correct horse battery staple"
api GET "/api/v1/staff/$STAFF/credentials"
expect_status 200
CRED=$(jq -er '.items[0].id' <<< "$BODY") || fail "no credential in: $BODY"
api POST "/api/v1/credentials/$CRED/suspend" '{"reason":"reported lost"}'
expect_status 200

# --- The gate catches up: follows the rollover, then applies the new key's policy ------------
# policies_applied: the snapshots and deltas the gate has put in force so far.
policies_applied() { grep -cE 'policy (snapshot [0-9]+ installed|delta .* applied)' "$WORK/gate.log" || true; }
applied=$(policies_applied)
start_gate
wait_for "$WORK/gate.log" "snapshot key rolled over to key id $new_id"
for _ in $(seq 100); do
  [ "$(policies_applied)" -gt "$applied" ] && break
  sleep 0.1
done
[ "$(policies_applied)" -gt "$applied" ] ||
  fail "the gate applied no policy after the rollover: $(cat "$WORK/gate.log")"
rolled_key=$(jq -er .snapshot_public_key "$GATE/gate.json")
[ "$rolled_key" != "$old_key" ] || fail "gate.json still holds the old snapshot key"
present_card
grep -qF "door $DOOR: revoked" <<< "$LAST_DECISION" ||
  fail "expected the lost card refused: $LAST_DECISION"
if grep -qF "refusing the server's" "$WORK/gate.log"; then
  fail "the gate refused something: $(grep -F "refusing" "$WORK/gate.log")"
fi

# --- A chain file with a forged signature: the server does not start ------------------------
stop_processes
cp "$ORG_DIR/snapshot-keys.json" "$WORK/chain.good"
sig=$(jq -er '.rollovers[0].signature' "$WORK/chain.good")
forged_sig="$( [ "${sig:0:1}" = 0 ] && echo 1 || echo 0)${sig:1}"
jq --arg s "$forged_sig" '.rollovers[0].signature = $s' "$WORK/chain.good" > "$ORG_DIR/snapshot-keys.json"
set +e
"$SEKISHO" --log-file "$WORK/serve.log" serve --data "$DATA" --port "$PORT" > "$WORK/forged.out" 2>&1
rc=$?
set -e
[ "$rc" = 11 ] || fail "serve with a forged chain exited $rc, expected 11: $(cat "$WORK/forged.out")"
grep -qF "statement 1 does not verify" "$WORK/forged.out" ||
  fail "serve did not name the forged statement: $(cat "$WORK/forged.out")"
cp "$WORK/chain.good" "$ORG_DIR/snapshot-keys.json"

# --- Another key run's chain (a server that is not this gate's): the gate refuses it ----------
OTHER="$WORK/other"
run 0 init --data "$OTHER" --org "Acme Corp" --test-anchors "$WORK/pki"
run 0 gate list --data "$OTHER"  # opens the organisation: makes its snapshot key
run 0 snapshot rotate-key --data "$OTHER"
mkdir -p "$WORK/ours"
cp -p "$ORG_DIR/snapshot.key" "$ORG_DIR/snapshot-keys.json" "$WORK/ours/"
rm -f "$ORG_DIR/snapshot.key"
cp -p "$OTHER/orgs/acme-corp/snapshot.key" "$OTHER/orgs/acme-corp/snapshot-keys.json" "$ORG_DIR/"
start_server
start_gate
wait_for "$WORK/gate.log" "refusing the server's snapshot key rollover"
grep -qF "is not in the organisation's chain" "$WORK/gate.log" ||
  fail "the gate did not say why: $(grep -F refusing "$WORK/gate.log")"
[ "$(jq -er .snapshot_public_key "$GATE/gate.json")" = "$rolled_key" ] ||
  fail "the gate's key changed after a refused chain"
wait_for "$WORK/serve.log" "closes its connection: PERMISSION_DENIED"
present_card
grep -qF "door $DOOR: revoked" <<< "$LAST_DECISION" ||
  fail "the gate does not keep deciding with its policy: $LAST_DECISION"

# --- Our own key and chain back: the gate connects and syncs again ---------------------------
stop_processes
rm -f "$ORG_DIR/snapshot.key"
cp -p "$WORK/ours/snapshot.key" "$WORK/ours/snapshot-keys.json" "$ORG_DIR/"
start_server
before=$(count_in "$WORK/gate.log" "refusing the server's snapshot key rollover")
start_gate
# Three decisions in all (granted, then refused twice), each in the server's log once.
wait_server_events 3
[ "$(count_in "$WORK/gate.log" "refusing the server's snapshot key rollover")" = "$before" ] ||
  fail "the gate refused its own organisation's chain"
echo "snapshot key rotated to $new_id; the gate followed it and refused a foreign chain"
