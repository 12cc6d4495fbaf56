# Admin actions in the audit log end to end (docs/audit.md "Admin records"): `init --org`,
# `staff add`, `enrol` and `revoke` each leave their admin events in audit.db, as canonical admin
# records, before they exit; a refused command leaves none; an event whose feed failed is
# appended by the next command that writes; a log whose key is missing gets no new one; `audit
# verify` and `audit proof` cover the records; and no staff name or number or revocation reason
# is in the log.
source "$(dirname "$0")/lib.sh"
PIN=7391
DATA="$WORK/data"
export USER=cli-admin

# "EVENT ACTION STAFF CREDENTIAL ACTOR" for each admin record of audit.db, in log order.
admin_records() {
  python3 - "$DATA/audit.db" <<'EOF'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (record,) in db.execute("SELECT record FROM entries WHERE kind = 2 ORDER BY idx"):
    r = json.loads(record)
    assert r["v"] == 1 and r["org"] == "Acme Corp", record
    assert record.decode() == json.dumps(r, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False), "not canonical: %r" % record
    print(r["event"], r["action"], r.get("staff", "-"), r.get("credential", "-"), r["actor"])
EOF
}

# expect_actions ACTION...: the admin records hold these actions, in this order, each event once.
expect_actions() {
  local records
  records=$(admin_records) || fail "cannot read the admin records of $DATA/audit.db"
  [ "$(awk '{print $2}' <<< "$records" | xargs)" = "$*" ] ||
    fail "expected the admin records '$*', got: $records"
  awk 'NR > 1 && $1 <= last { exit 1 } { last = $1 }' <<< "$records" ||
    fail "admin records not in increasing event order: $records"
}

run 0 pki init-test --out "$WORK/pki" --seed 5
run 0 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"

# A data directory without an organisation has no admin event and so no audit log yet.
run 0 init --data "$DATA" --test-anchors "$WORK/pki"
[ -e "$DATA/audit.db" ] && fail "init without --org created an audit log"
run 0 init --data "$DATA" --org "Acme Corp"
[ -f "$DATA/audit.db" ] || fail "init --org wrote no audit.db"
[ "$(stat -c %a "$DATA/audit-key")" = 600 ] || fail "audit-key mode is not 600"
expect_actions organisation-created

run 0 staff add --data "$DATA" --number E-1001 --name "Aoi Tanaka" --department Security
run 5 staff add --data "$DATA" --number E-1001 --name "Someone Else"
expect_actions organisation-created staff-added

insert_card "$WORK/card.json"
run_with_pin "$PIN" 0 enrol --data "$DATA" --staff E-1001 --pin-fd 0
expect_output "enrolled:   staff E-1001"
stop_card
run 0 revoke --data "$DATA" --staff E-1001 --reason "card lost"
expect_output "revoked:"
expect_actions organisation-created staff-added enrolled revoked
last=$(admin_records | tail -1)
[ "$(cut -d' ' -f3- <<< "$last")" = "1 1 cli-admin" ] || fail "revoked record: $last"
# Nothing left to revoke: no event, no record.
run 0 revoke --data "$DATA" --staff E-1001 --reason "card lost"
expect_output "nothing revoked"
expect_actions organisation-created staff-added enrolled revoked

# The feed fails after the registry committed (the key file's mode is refused): the command says
# so, and the next command that writes appends the missing record before its own.
chmod 644 "$DATA/audit-key"
run 7 staff add --data "$DATA" --number E-1002 --name "Ren Sato"
expect_output "the change is saved in the registry, but its admin record was not appended"
expect_output "chmod 600 $DATA/audit-key"
chmod 600 "$DATA/audit-key"
run 0 staff show --data "$DATA" --staff E-1002
expect_actions organisation-created staff-added enrolled revoked
# A log whose key is gone is not given a new key.
mv "$DATA/audit-key" "$WORK/audit-key"
run 4 revoke --data "$DATA" --staff E-1002 --reason "left"
expect_output "exists but its checkpoint key does not; restore $DATA/audit-key from a backup"
[ -e "$DATA/audit-key" ] && fail "a new audit-key was made for the existing log"
mv "$WORK/audit-key" "$DATA/audit-key"
run 0 staff add --data "$DATA" --number E-1003 --name "Mei Ito"
expect_actions organisation-created staff-added enrolled revoked staff-added staff-added

# Every registry event is in the log, once: as many records as `sekisho events` lists.
run 0 events --data "$DATA"
events=$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z ' <<< "$OUT")
[ "$events" = 6 ] || fail "expected 6 registry events, got $events: $OUT"

run 0 audit verify --data "$DATA"
expect_output "records:     6 (0 erased"
run 0 audit checkpoint --data "$DATA"
run 0 audit proof --data "$DATA" --record 3
expect_output '"action":"revoked","actor":"cli-admin"'
expect_output "verified:    record 3 is in the log of 6 records"

# The records name staff and credentials by row id only.
for secret in "Aoi Tanaka" "Ren Sato" "E-1001" "E-1002" "card lost"; do
  if grep -qF -- "$secret" "$DATA"/audit.db*; then fail "'$secret' is in the audit log"; fi
done
echo "admin audit CLI: all checks passed"
