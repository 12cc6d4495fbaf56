# Enrolment end to end through the real pcscd + vpcd: a data directory, staff, enrolment with the
# PIN on a file descriptor, a second enrolment of the same card, a re-bind after a certificate
# renewal, revocation by staff and by pseudonym, a CRL import with the card revoked in the test
# PKI, the refusals (bad key file mode, newer database, last PIN try) and what the data directory
# never holds.
source "$(dirname "$0")/lib.sh"
PIN=7391
DATA="$WORK/data"
export USER=cli-admin

run 0 pki init-test --out "$WORK/pki" --seed 5
run 0 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
run 0 card new --out "$WORK/renewed.json" --pki "$WORK/pki" --seed 12 --auth-pin "$PIN"
run 0 card new --out "$WORK/other.json" --pki "$WORK/pki" --seed 13 --auth-pin "$PIN"

# A data directory with one organisation, the test PKI's auth root, and staff.
run 4 staff list --data "$DATA"
expect_output "sekisho init --data"
run 0 init --data "$DATA" --org "Acme Corp" --test-anchors "$WORK/pki"
expect_output "[TEST ANCHOR]"
[ "$(stat -c %a "$DATA/orgs/acme-corp/k_org")" = 600 ] || fail "k_org mode is not 600"
[ "$(stat -c %s "$DATA/orgs/acme-corp/k_org")" = 32 ] || fail "k_org is not 32 bytes"
[ -f "$DATA/registry.db" ] || fail "no registry.db"
run 5 init --data "$DATA"
run 5 init --data "$DATA" --org "Acme Corp"
run 0 anchors list --data "$DATA"
expect_output "TEST ANCHOR"
run 0 staff add --data "$DATA" --number E-1001 --name "Aoi Tanaka" --department Security
run 0 staff add --data "$DATA" --number E-1002 --name "Ren Sato"
run 5 staff add --data "$DATA" --number E-1001 --name "Someone Else"
run 3 staff add --data "$DATA" --number E-1003 --name "My Number 123456789012"
run 0 staff list --data "$DATA"
expect_output "E-1001"

# A second organisation in the same directory: --org is then required.
run 0 init --data "$DATA" --org "Globex"
run 3 staff list --data "$DATA"
expect_output "several organisations"
run 0 staff add --data "$DATA" --org Globex --number G-1 --name "Aoi Tanaka"
A=(--data "$DATA" --org "Acme Corp")
G=(--data "$DATA" --org Globex)

# No card yet.
run_with_pin "$PIN" 10 enrol "${A[@]}" --staff E-1001 --pin-fd 0 --wait 0
run_with_pin "$PIN" 4 enrol "${A[@]}" --staff E-9999 --pin-fd 0

# Enrolment, then the same card again.
insert_card "$WORK/card.json"
run_with_pin "$PIN" 0 enrol "${A[@]}" --staff E-1001 --pin-fd 0
expect_output "enrolled:   staff E-1001"
expect_output "APDUs through the firewall (0 refused)"
psn=$(grep -o 'credential:  [A-Z2-7-]*' <<< "$OUT" | awk '{print $2}')
[ ${#psn} = 21 ] || fail "no display pseudonym in: $OUT"
run_with_pin "$PIN" 5 enrol "${A[@]}" --staff E-1001 --pin-fd 0
expect_output "enrolled already for staff E-1001"
run_with_pin "$PIN" 5 enrol "${A[@]}" --staff E-1002 --pin-fd 0
expect_output "of staff E-1001"
# The other organisation enrols the same card with an unrelated pseudonym.
run_with_pin "$PIN" 0 enrol "${G[@]}" --staff G-1 --pin-fd 0
grep -qF "$psn" <<< "$OUT" && fail "the same pseudonym in two organisations"
stop_card

# Certificate renewal: the renewed card needs --rebind; the old credential is retired.
insert_card "$WORK/renewed.json"
run_with_pin "$PIN" 8 enrol "${A[@]}" --staff E-1001 --pin-fd 0
expect_output "--rebind"
run_with_pin "$PIN" 0 enrol "${A[@]}" --staff E-1001 --pin-fd 0 --rebind
expect_output "re-bound:   staff E-1001"
expect_output "retired:     $psn"
new_psn=$(grep -o 'credential:  [A-Z2-7-]*' <<< "$OUT" | awk '{print $2}')
stop_card
run 0 staff show "${A[@]}" --staff E-1001
expect_output "$psn  jpki  retired - replaced"
expect_output "$new_psn  jpki  active"
expect_output "certificate valid until"

# Revocation by pseudonym and by staff member; the events name who did it.
last=${new_psn: -1}
[ "$last" = A ] && typo="${new_psn:0:20}B" || typo="${new_psn:0:20}A"
run 3 revoke "${A[@]}" --credential "$typo" --reason "lost"
expect_output "check character"
run 4 revoke "${A[@]}" --credential AAAA-AAAA-AAAA-AAAA-A --reason "lost"
run 0 revoke "${A[@]}" --credential "$new_psn" --reason "card lost" --actor security-1
expect_output "revoked:     $new_psn"
run 0 revoke "${A[@]}" --staff E-1001 --reason "card lost"
expect_output "nothing revoked"
run 3 revoke "${A[@]}" --reason "x"
run 0 events "${A[@]}"
expect_output "security-1       revoked"
expect_output "rebound"
expect_output "enrolled"

# The issuer CRL: a card enrolled, then revoked in the test PKI, is marked revoked on import; a
# revoked card cannot be enrolled.
insert_card "$WORK/other.json"
run_with_pin "$PIN" 0 enrol "${A[@]}" --staff E-1002 --pin-fd 0
other_psn=$(grep -o 'credential:  [A-Z2-7-]*' <<< "$OUT" | awk '{print $2}')
stop_card
run 0 pki revoke-test --pki "$WORK/pki" --card "$WORK/other.json"
run 0 revocation import-crl "${A[@]}" --crl "$WORK/pki/auth-ca.crl.pem"
expect_output "revoked:     1 credential(s) of Acme Corp"
run 0 staff show "${A[@]}" --staff E-1002
expect_output "$other_psn  jpki  revoked - revoked by issuer CRL"
run 0 revocation status "${A[@]}"
expect_output "status:      current"
run 0 staff add --data "$DATA" --org "Acme Corp" --number E-1004 --name "Mio Kato"
insert_card "$WORK/other.json"
run_with_pin "$PIN" 6 enrol "${A[@]}" --staff E-1004 --pin-fd 0
expect_output "revoked"
stop_card
run 6 revocation import-crl "${A[@]}" --crl "$WORK/pki/sign-ca.crl.pem"
printf 'garbage' > "$WORK/bad.crl"
run 11 revocation import-crl "${A[@]}" --crl "$WORK/bad.crl"

# The last PIN try is never spent: two wrong PINs, then enrolment refuses before the PIN.
run 0 staff add --data "$DATA" --org "Acme Corp" --number E-1005 --name "Sora Ito"
run 0 card new --out "$WORK/tired.json" --pki "$WORK/pki" --seed 14 --auth-pin "$PIN"
insert_card "$WORK/tired.json"
run_with_pin 0000 6 enrol "${A[@]}" --staff E-1005 --pin-fd 0
run_with_pin 0000 6 enrol "${A[@]}" --staff E-1005 --pin-fd 0
expect_output "1 try left"
run_with_pin "$PIN" 7 enrol "${A[@]}" --staff E-1005 --pin-fd 0
expect_output "municipal office"
run_with_pin "$PIN" 7 enrol "${A[@]}" --staff E-1005 --pin-fd 0 --allow-last-try
expect_output "pin.last_try_at_enrolment"
run 0 card inspect
expect_output "1 of 3 tries left"
stop_card

# A key file with a looser mode is refused with the fix; nothing is written.
chmod 644 "$DATA/orgs/acme-corp/k_org"
run 7 revocation import-crl "${A[@]}" --crl "$WORK/pki/auth-ca.crl.pem"
expect_output "chmod 600 $DATA/orgs/acme-corp/k_org"
chmod 600 "$DATA/orgs/acme-corp/k_org"

# A registry from a newer version is refused and left as it was.
cp -r "$DATA" "$WORK/newer"
sqlite3 "$WORK/newer/registry.db" 'PRAGMA user_version = 99'
before=$(sha256sum "$WORK/newer/registry.db")
run 8 staff list --data "$WORK/newer" --org "Acme Corp"
expect_output "newer"
[ "$before" = "$(sha256sum "$WORK/newer/registry.db")" ] || fail "the newer registry was modified"
rm -rf "$WORK/newer"

# Nothing from the cards is in the data directory (database, WAL, logs) or the CLI log.
for card in card renewed other tired; do
  file="$WORK/$card.json"
  my_number=$(grep -o '"my_number": *"[0-9]\{12\}"' "$file" | grep -o '[0-9]\{12\}')
  cert_b64=$(grep -o '"auth": *"[^"]*"' "$file" | head -1 | sed 's/.*: *"//; s/"$//')
  serial=$(echo "$cert_b64" | base64 -d | openssl x509 -inform DER -noout -serial | cut -d= -f2)
  name=$(grep -o '"name": *"[^"]*"' "$file" | head -1 | sed 's/.*: *"//; s/"$//')
  for secret in "$PIN" "37333931" "$my_number" "$serial" "$name" "${cert_b64:400:40}"; do
    if grep -rqiF -- "$secret" "$DATA" "$LOG"; then fail "'$secret' of $card found in the data"; fi
  done
done
grep -q "enrolled credential" "$DATA/logs/sekisho.log" || fail "the data directory's log is empty"
echo "enrolment CLI: all checks passed"
