# The audit log end to end (docs/audit.md): records appended, a signed checkpoint, the whole log
# verified, an inclusion proof printed and checked, a record's content erased with every proof
# still valid, the checkpoint key rotated, and then one byte of audit.db changed: `audit verify`
# must name what is wrong.
source "$(dirname "$0")/lib.sh"
DATA="$WORK/data"
export USER=cli-auditor

run 0 init --data "$DATA"

# Nothing to verify before the first record.
run 4 audit verify --data "$DATA"
expect_output "no audit log yet"

run 0 audit append --data "$DATA" --text "staff E-1001 added by hr-1"
expect_output "appended:    record 0 (admin)"
run 0 audit append --data "$DATA" --kind gate --text "door 3: granted, snapshot 17"
expect_output "record 1 (gate)"
run 0 audit append --data "$DATA" --text "credential ABCD revoked: card lost"
run 0 audit append --data "$DATA" --text "door 3: denied, revoked"
run 3 audit append --data "$DATA" --kind erasure --text "x"
run 3 audit append --data "$DATA" --kind nonsense --text "x"
expect_output "unknown record kind 'nonsense'"

[ -f "$DATA/audit.db" ] || fail "no audit.db"
[ "$(stat -c %a "$DATA/audit-key")" = 600 ] || fail "audit-key mode is not 600"
[ "$(stat -c %s "$DATA/audit-key")" = 32 ] || fail "audit-key is not 32 bytes"

# A proof needs a checkpoint that covers the record.
run 8 audit proof --data "$DATA" --record 1
expect_output "no checkpoint yet"
run 0 audit checkpoint --data "$DATA"
# The checkpoint text, without the log lines `run` collects from standard error.
checkpoint=$(grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+ [a-z]+ ' <<< "$OUT")
origin=$(head -1 <<< "$checkpoint")
[[ "$origin" =~ ^sekisho-audit/[0-9a-f]{16}$ ]] || fail "unexpected origin line: $origin"
[ "$(sed -n 2p <<< "$checkpoint")" = 4 ] || fail "the checkpoint does not sign 4 records"
grep -q "^— $origin " <<< "$checkpoint" || fail "no signature line in: $checkpoint"

run 0 audit verify --data "$DATA"
expect_output "records:     4 (0 erased"
expect_output "checkpoints: 1, every signature, root and consistency with the latest verified"

run 0 audit proof --data "$DATA" --record 1
expect_output "content:     \"door 3: granted, snapshot 17\""
expect_output "inclusion proof (RFC 9162 §2.1.3, 2 hashes, leaf to root):"
expect_output "verified:    record 1 is in the log of 4 records"
run 0 audit append --data "$DATA" --text "after the checkpoint"
run 8 audit proof --data "$DATA" --record 4
expect_output "appended after the latest checkpoint"
run 4 audit proof --data "$DATA" --record 99

# Erasure: the content goes, the erasure is itself a record, every proof still holds.
run 0 audit erase --data "$DATA" --record 2
expect_output "erasure:     recorded as record 5"
run 8 audit erase --data "$DATA" --record 2
expect_output "erased already"
run 8 audit erase --data "$DATA" --record 5
expect_output "erasure record"
run 0 audit checkpoint --data "$DATA"
run 0 audit proof --data "$DATA" --record 2
expect_output "content:     erased"
run 0 audit proof --data "$DATA" --record 5
expect_output "content:     \"erased record 2\""
run 0 audit verify --data "$DATA"
expect_output "records:     6 (1 erased"
expect_output "checkpoints: 2"
if grep -rqF -- "card lost" "$DATA"/audit.db*; then fail "the erased content is still in the file"; fi

# The checkpoint key rotated: the old key signs a checkpoint covering the record that names the
# new one; the log keeps its name; every earlier checkpoint still verifies with the retired key;
# the old private key is gone from the directory.
cp "$DATA/audit-key" "$WORK/old-key"
run 0 audit rotate-key --data "$DATA"
expect_output "rotated:     checkpoint key"
expect_output "handover:    record 6 names the new key; the old key signed the checkpoint of 7 records"
expect_output "first:       checkpoint of 7 records signed by the new key"
grep -q "^$origin$" <<< "$OUT" || fail "the log's name changed with its key"
cmp -s "$DATA/audit-key" "$WORK/old-key" && fail "audit-key unchanged"
[ "$(stat -c %a "$DATA/audit-key")" = 600 ] || fail "the new audit-key is not mode 600"
[ "$(wc -l < "$DATA/audit-key.retired")" = 1 ] || fail "audit-key.retired does not list one key"
[ ! -e "$DATA/audit-key.next" ] || fail "audit-key.next left behind"
python3 - "$WORK/old-key" "$DATA" <<'EOF' || fail "the old private key is still in the directory"
import pathlib, sys
seed = pathlib.Path(sys.argv[1]).read_bytes()
found = [p for p in pathlib.Path(sys.argv[2]).rglob("*") if p.is_file() and seed in p.read_bytes()]
sys.exit(1 if found else 0)
EOF
run 0 audit verify --data "$DATA"
expect_output "retired:     1 earlier key(s)"
expect_output "checkpoints: 4, every signature"
run 0 audit proof --data "$DATA" --record 6
expect_output "checkpoint-key-rotated"
# Without the retired key, the earlier checkpoints no longer verify.
mv "$DATA/audit-key.retired" "$WORK/retired"
run 8 audit verify --data "$DATA"
expect_output "belongs to the log '$origin'"
mv "$WORK/retired" "$DATA/audit-key.retired"

# A key file with a looser mode is refused with the fix.
chmod 644 "$DATA/audit-key"
run 7 audit verify --data "$DATA"
expect_output "chmod 600 $DATA/audit-key"
chmod 600 "$DATA/audit-key"

# One byte of one record changed in the file: verify fails and says which record.
python3 - "$DATA/audit.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
record = bytearray(db.execute("SELECT record FROM entries WHERE idx = 3").fetchone()[0])
record[5] ^= 0x01
db.execute("UPDATE entries SET record = ? WHERE idx = 3", (bytes(record),))
db.commit()
EOF
run 11 audit verify --data "$DATA"
expect_output "DATA_LOSS"
expect_output "record 3: its leaf hash does not match its salt, kind and content"
run 11 audit proof --data "$DATA" --record 3

# The record restored, one byte of a stored node changed instead: caught from the leaves up.
python3 - "$DATA/audit.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE entries SET record = CAST('door 3: denied, revoked' AS BLOB) WHERE idx = 3")
key, node = db.execute("SELECT key, hash FROM nodes ORDER BY key LIMIT 1").fetchone()
node = bytearray(node)
node[0] ^= 0x80
db.execute("UPDATE nodes SET hash = ? WHERE key = ?", (bytes(node), key))
db.commit()
EOF
run 11 audit verify --data "$DATA"
expect_output "node (level 1, index 0) differs from the hash recomputed from the leaves"
echo "audit CLI: all checks passed"
