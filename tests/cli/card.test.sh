# The card commands end to end through the real pcscd + vpcd: test PKI, card files, inspect,
# authentication, the firewall check, PIN safety, lock persistence, and what the log never holds.
source "$(dirname "$0")/lib.sh"
PIN=7391

# A test PKI, and card files that are deterministic for a PKI and a seed.
run 0 pki init-test --out "$WORK/pki" --seed 5
expect_output "TEST PKI"
run 5 pki init-test --out "$WORK/pki" --seed 5
run 0 pki init-test --out "$WORK/other-pki" --seed 6
run 0 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
run 0 card new --out "$WORK/same.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
cmp -s "$WORK/card.json" "$WORK/same.json" || fail "the same PKI and seed gave different cards"
[ "$(stat -c %a "$WORK/card.json")" = 600 ] || fail "card file mode is not 600"
run 5 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11
run 3 card new --out "$WORK/bad.json" --pki "$WORK/pki" --seed 11 --auth-pin 12
run 4 card new --out "$WORK/bad.json" --pki "$WORK/missing" --seed 11
echo '{"format_version": 1' > "$WORK/broken.json"
run 11 card simulate --card "$WORK/broken.json"

# No card in the reader.
run 0 card readers
expect_output "Virtual PCD 00 00"
expect_output "empty"
run 10 card inspect --wait 0

insert_card "$WORK/card.json"
run 0 card readers
expect_output "card present"
run 0 card inspect
expect_output "My Number Card (JPKIAPICCTOKEN2)"
expect_output "[TEST PKI]"
expect_output "3 of 3 tries left"

# Authentication: against the right anchor, the lean door path, and the wrong anchor.
run_with_pin "$PIN" 0 card authenticate --pin-fd 0 --anchor "$WORK/pki/auth-ca.pem"
expect_output "certificate chain:  verified"
expect_output "authenticated"
run_with_pin "$PIN" 0 card authenticate --pin-fd 0
expect_output "7 APDUs"
run_with_pin "$PIN" 6 card authenticate --pin-fd 0 --anchor "$WORK/other-pki/auth-ca.pem"
expect_output "unknown issuer"

# The firewall keeps everything but the JPKI auth path from the card.
run 0 card firewall-check
expect_output "17 of 17 forbidden commands refused; 0 reached the card"

# PIN safety: a malformed PIN costs nothing; wrong PINs count down; the last try is refused.
run_with_pin 12345 3 card authenticate --pin-fd 0
run 0 card inspect
expect_output "3 of 3 tries left"
run_with_pin 0000 6 card authenticate --pin-fd 0
expect_output "wrong PIN, 2 tries left"
run_with_pin 0000 6 card authenticate --pin-fd 0
expect_output "wrong PIN, 1 try left"
run_with_pin "$PIN" 7 card authenticate --pin-fd 0
expect_output "municipal office"
run 0 card inspect
expect_output "1 of 3 tries left"
run_with_pin "$PIN" 0 card authenticate --pin-fd 0 --allow-last-try
run 0 card inspect
expect_output "3 of 3 tries left"

# A locked card stays locked across a removal and a restart of the simulator.
run_with_pin 0000 6 card authenticate --pin-fd 0
run_with_pin 0000 6 card authenticate --pin-fd 0
run_with_pin 0000 8 card authenticate --pin-fd 0 --allow-last-try
run 0 card inspect
expect_output "LOCKED"
stop_card
run 10 card authenticate --pin-fd 0 --wait 0
insert_card "$WORK/card.json"
run 0 card inspect
expect_output "LOCKED"
run_with_pin "$PIN" 8 card authenticate --pin-fd 0 --allow-last-try
expect_output "locked"
stop_card

# The log holds no PIN, no My Number, no name, no certificate serial, no certificate bytes.
my_number=$(grep -o '"my_number": *"[0-9]\{12\}"' "$WORK/card.json" | grep -o '[0-9]\{12\}')
[ -n "$my_number" ] || fail "could not read the My Number from the card file"
cert_b64=$(grep -o '"auth": *"[^"]*"' "$WORK/card.json" | head -1 | sed 's/.*: *"//; s/"$//')
serial=$(echo "$cert_b64" | base64 -d | openssl x509 -inform DER -noout -serial | cut -d= -f2)
name=$(grep -o '"name": *"[^"]*"' "$WORK/card.json" | head -1 | sed 's/.*: *"//; s/"$//')
[ -s "$LOG" ] || fail "the log is empty"
grep -q "card <- 00 20 00 98 Lc=4" "$LOG" || fail "the verbose log lacks the redacted VERIFY line"
for secret in "$PIN" "37333931" "37 33 39 31" "$my_number" "$serial" "$name" "${cert_b64:100:40}"; do
  if grep -qiF -- "$secret" "$LOG"; then fail "the log contains '$secret'"; fi
done
echo "card CLI: all checks passed"
