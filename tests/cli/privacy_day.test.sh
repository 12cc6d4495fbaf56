# The running system's day as DESIGN.md §1's concerns C4 and C5, through real processes (the
# `sekisho serve` HTTPS server, curl, `sekisho gate run` at the vpcd reader through pcscd):
#   C4: the holder reports the card lost through the API and a connected gate refuses it: the
#       gate's policy version moves and its next decision is a denial (latency is measured by
#       bench/revocation_bench, not here).
#   C5: the day's audit log, checked by an auditor with no Sekisho code (tests/cli/audit_check.py):
#       two signed checkpoints, the consistency proof between them, a gate event's inclusion; then
#       `sekisho audit verify`, and one byte of that event changed in audit.db is named precisely.
source "$(dirname "$0")/lib.sh"
new_site
HERE=$(cd "$(dirname "$0")" && pwd)

# gate_policy: the policy version the gate says it holds (its log, the last snapshot or delta).
gate_policy() {
  sed -nE 's/.*policy snapshot ([0-9]+) (installed|restored).*/\1/p;
           s/.*policy delta [0-9]+ -> ([0-9]+) applied.*/\1/p' "$WORK/gate.log" | tail -1
}

# An account of the holder's own (self-service) and one of an auditor.
printf 'holder passphrase 2026\n' > "$WORK/holder.pw"
STDIN_FILE="$WORK/holder.pw" run 0 user add --data "$DATA" --login aoi --role staff \
  --staff-number E-1001 --password-fd 0
printf 'auditor passphrase 2026\n' > "$WORK/auditor.pw"
STDIN_FILE="$WORK/auditor.pw" run 0 user add --data "$DATA" --login auditor --role auditor \
  --password-fd 0

# The morning: the holder enters; the server commits the event; a first checkpoint is signed.
present_card
grep -qF "door $DOOR: granted" <<< "$LAST_DECISION" || fail "expected a grant: $LAST_DECISION"
wait_server_events 1
"$SEKISHO" --log-file "$LOG" audit checkpoint --data "$DATA" > "$WORK/earlier.checkpoint" \
  2>> "$WORK/checkpoint.err" || fail "audit checkpoint failed: $(cat "$WORK/earlier.checkpoint")"

# --- C4: the holder reports the card lost through the API; the connected gate refuses it --------
before=$(gate_policy)
[ -n "$before" ] || fail "the gate's log names no policy version: $(cat "$WORK/gate.log")"
COOKIES="$WORK/holder.cookies" login aoi "holder passphrase 2026"
COOKIES="$WORK/holder.cookies" api GET /api/v1/me/credentials
expect_status 200
CRED=$(field '.items[0].id')
[ "$(field '.items[0].status')" = active ] || fail "the credential is not active: $BODY"
COOKIES="$WORK/holder.cookies" api POST "/api/v1/me/credentials/$CRED/report-lost"
expect_status 200
# The publish reaches the running gate as a delta: its version moves past the one it decided with.
for _ in $(seq 300); do
  [ "$(gate_policy)" -gt "$before" ] && break
  sleep 0.1
done
after=$(gate_policy)
[ "$after" -gt "$before" ] ||
  fail "the gate still holds policy $after (was $before): $(cat "$WORK/gate.log")"
grep -qE "policy delta $before -> $after applied" "$WORK/gate.log" ||
  fail "no delta $before -> $after in the gate's log: $(cat "$WORK/gate.log")"
present_card
grep -qF "door $DOOR: revoked" <<< "$LAST_DECISION" || fail "expected a refusal: $LAST_DECISION"
# The refusal was decided online, with the new version (the event's snapshot field, below).
wait_server_events 2
echo "C4: gate policy $before -> $after after the loss report; next decision: $LAST_DECISION"

# --- C5: the day's audit log, verified end to end ----------------------------------------------
"$SEKISHO" --log-file "$LOG" audit checkpoint --data "$DATA" > "$WORK/later.checkpoint" \
  2>> "$WORK/checkpoint.err" || fail "audit checkpoint failed: $(cat "$WORK/later.checkpoint")"
m=$(sed -n 2p "$WORK/earlier.checkpoint")
n=$(sed -n 2p "$WORK/later.checkpoint")
[ "$n" -gt "$m" ] || fail "the later checkpoint ($n records) does not extend the earlier ($m)"
# The auditor reads the checkpoint, the proofs and the sampled record through the API.
COOKIES="$WORK/auditor.cookies" login auditor "auditor passphrase 2026"
export COOKIES="$WORK/auditor.cookies"
api GET /api/v1/audit/checkpoint
expect_status 200
[ "$(field .checkpoint)" = "$(cat "$WORK/later.checkpoint")" ] ||
  fail "the API's checkpoint is not the one just signed: $BODY"
api GET "/api/v1/audit/proofs/consistency?first=$m&second=$n"
expect_status 200
cp "$WORK/body" "$WORK/consistency.json"
# The sampled gate event: the last one, the refusal after the loss report.
index=$(sql "$DATA/audit.db" "SELECT max(idx) FROM entries WHERE kind = 1")
[ -n "$index" ] && [ "$index" -lt "$n" ] || fail "no gate event under the later checkpoint"
api GET "/api/v1/audit/records/$index"
expect_status 200
[ "$(field .kind)" = gate ] || fail "record $index is not a gate event: $BODY"
cp "$WORK/body" "$WORK/record.json"
api GET "/api/v1/audit/proofs/inclusion?index=$index&size=$n"
expect_status 200
cp "$WORK/body" "$WORK/inclusion.json"
unset COOKIES
# The log's public key, as the operator publishes it: derived here from the 32-byte seed in
# audit-key with openssl (the seed as a PKCS#8 key, RFC 8410 §7; the key is the last 32 bytes of
# the SubjectPublicKeyInfo).
public_key=$( { printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'
                cat "$DATA/audit-key"; } |
  openssl pkey -inform DER -pubout -outform DER | tail -c 32 | od -An -v -tx1 | tr -d ' \n')
[ ${#public_key} = 64 ] || fail "could not derive the audit log's public key"
checked=$(python3 "$HERE/audit_check.py" "$public_key" "$WORK/earlier.checkpoint" \
  "$WORK/later.checkpoint" "$WORK/consistency.json" "$WORK/record.json" \
  "$WORK/inclusion.json" 2>&1) ||
  fail "the auditor's independent check failed: $checked"
echo "C5: $checked"
# The sampled event is the refusal (reason 17, revoked), decided online (flags 0) with the policy
# that carried the loss report.
grep -qE "^record $index: gate $GATE_ID event 2, door $DOOR, snapshot $after, flags 0, reason 17$" \
  <<< "$checked" ||
  fail "the sampled record is not the refusal under policy $after: $checked"

# Everything, with the processes stopped: every record, node and both checkpoints.
stop_processes
run 0 audit verify --data "$DATA"
expect_output "checkpoints: 2, every signature, root and consistency with the latest verified"
# One byte of the sampled event changed in the file itself (after SQLite has moved the
# write-ahead log into it): `audit verify` names the record.
python3 -c 'import sqlite3, sys
sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$DATA/audit.db"
python3 - "$DATA/audit.db" "$(jq -r .record "$WORK/record.json")" <<'EOF' || fail "could not tamper"
import sys
path, record = sys.argv[1], bytes.fromhex(sys.argv[2])
data = bytearray(open(path, "rb").read())
at = data.find(record)
if at < 0 or data.find(record, at + 1) >= 0:
    sys.exit("the record is not in the file exactly once")
data[at + 20] ^= 0x01  # inside the event's time field
open(path, "wb").write(data)
EOF
run 11 audit verify --data "$DATA"
expect_output "DATA_LOSS"
expect_output "record $index: its leaf hash does not match its salt, kind and content"
echo "privacy day test: passed"
