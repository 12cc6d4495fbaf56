# Badges end to end through the real pcscd + vpcd (docs/badge.md): the organisation's badge keys,
# issuance refused without a jpki enrolment and then made, badges served by the simulator, what
# any reader sees (the same on two badges of a batch), what the organisation's terminal sees,
# another organisation's terminal refused, revocation by pseudonym, and what the data directory,
# the log and the outputs never hold (the identifier, the CAN, the badge PIN, the keys).
source "$(dirname "$0")/lib.sh"
PIN=7391
BADGE_PIN=582046
CAN=314159
DATA="$WORK/data"
export USER=cli-admin
A=(--data "$DATA" --org "Acme Corp")
G=(--data "$DATA" --org Globex)
# keep: what a command printed, for the scan at the end.
keep() { printf '%s\n' "$OUT" >> "$WORK/outputs"; }

run 0 pki init-test --out "$WORK/pki" --seed 5
run 0 card new --out "$WORK/card1.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
run 0 card new --out "$WORK/card2.json" --pki "$WORK/pki" --seed 12 --auth-pin "$PIN"
run 0 init --data "$DATA" --org "Acme Corp" --test-anchors "$WORK/pki"
run 0 init --data "$DATA" --org "Globex"
run 0 staff add "${A[@]}" --number E-1001 --name "Aoi Tanaka"
run 0 staff add "${A[@]}" --number E-1002 --name "Ren Sato"
run 0 staff add "${G[@]}" --number G-1 --name "Aoi Tanaka"

# --- The badge keys: made once, never replaced -------------------------------------------------
run 4 badge issue "${A[@]}" --staff E-1001 --out "$WORK/badge1.json"
expect_output "sekisho badge init"
run 0 badge init "${A[@]}" --can "$CAN"
keep
expect_output "badge keys of Acme Corp created"
expect_output "CVCA:        JPACMEC"
BADGE_DIR="$DATA/orgs/acme-corp/badge"
[ "$(stat -c %a "$BADGE_DIR")" = 700 ] || fail "badge folder mode is not 700"
for f in cvca.json dv.json sector.json batch.json; do
  [ "$(stat -c %a "$BADGE_DIR/$f")" = 600 ] || fail "$f mode is not 600"
done
cp "$BADGE_DIR/cvca.json" "$WORK/cvca.before"
run 0 badge init "${A[@]}"
expect_output "exist already"
cmp -s "$BADGE_DIR/cvca.json" "$WORK/cvca.before" || fail "badge init replaced the CVCA"
run 3 badge init "${G[@]}" --can 12345
[ -e "$DATA/orgs/globex/badge" ] && fail "a refused badge init left files behind"
# Globex uses the same CAN on purpose: its terminal then gets past PACE on Acme's badge and the
# refusal below is Terminal Authentication's.
run 0 badge init "${G[@]}" --can "$CAN"
chmod 640 "$BADGE_DIR/sector.json"
run 7 badge issue "${A[@]}" --staff E-1001 --out "$WORK/badge1.json"
expect_output "chmod 600"
chmod 600 "$BADGE_DIR/sector.json"

# --- Issuance: only for staff with an active jpki enrolment ------------------------------------
run 8 badge issue "${A[@]}" --staff E-1001 --out "$WORK/badge1.json"
expect_output "no active jpki credential"
[ -e "$WORK/badge1.json" ] && fail "a refused issuance wrote a badge file"
run 4 badge issue "${A[@]}" --staff E-9999 --out "$WORK/badge1.json"
for n in 1 2; do
  insert_card "$WORK/card$n.json"
  run_with_pin "$PIN" 0 enrol "${A[@]}" --staff "E-100$n" --pin-fd 0
  jpki_psn=$(grep -o 'credential:  [A-Z2-7-]*' <<< "$OUT" | awk '{print $2}')
  # `card inspect --data` on a My Number Card: the pseudonym with the organisation's key.
  run 0 card inspect "${A[@]}"
  expect_output "pseudonym:          $jpki_psn (in Acme Corp)"
  stop_card
done
run 0 badge issue "${A[@]}" --staff E-1001 --out "$WORK/badge1.json"
keep
expect_output "issued:      badge for staff E-1001 (Aoi Tanaka) in Acme Corp"
expect_output "card only"
psn1=$(grep -o 'credential:  [A-Z2-7-]*' <<< "$OUT" | awk '{print $2}')
[ ${#psn1} = 21 ] || fail "no display pseudonym in: $OUT"
[ "$(stat -c %a "$WORK/badge1.json")" = 600 ] || fail "badge file mode is not 600"
printf '111111\n222222\n' > "$WORK/pins"
STDIN_FILE="$WORK/pins" run 3 badge issue "${A[@]}" --staff E-1002 --out "$WORK/badge2.json" --pin-fd 0
expect_output "differ"
printf '%s\n%s\n' "$BADGE_PIN" "$BADGE_PIN" > "$WORK/pins"
STDIN_FILE="$WORK/pins" run 0 badge issue "${A[@]}" --staff E-1002 --out "$WORK/badge2.json" --pin-fd 0
keep
rm -f "$WORK/pins"
expect_output "with a badge PIN"
psn2=$(grep -o 'credential:  [A-Z2-7-]*' <<< "$OUT" | awk '{print $2}')
[ "$psn1" != "$psn2" ] || fail "two badges with one pseudonym"
run 0 staff show "${A[@]}" --staff E-1001
expect_output "$psn1  badge  active"
expect_output "badge valid until"
# A badge is one organisation's: its file is never rewritten, by Globex or anyone.
cp "$WORK/badge1.json" "$WORK/badge1.before"
run 5 badge issue "${G[@]}" --staff G-1 --out "$WORK/badge1.json"
expect_output "never rewritten"
cmp -s "$WORK/badge1.json" "$WORK/badge1.before" || fail "another organisation rewrote a badge"

# --- Serving a badge; what any reader sees, and what the organisation's terminal sees ----------
run 3 card simulate
run 11 card simulate --badge "$WORK/card1.json"
expect_output "can"
insert_card "$WORK/badge1.json"
"$SEKISHO" -q card inspect > "$WORK/public1.out" 2>&1 || fail "card inspect of badge 1 failed"
OUT=$(cat "$WORK/public1.out")
keep
expect_output "Sekisho badge (SELECT of AID D3 92 F0 00 4F 42 41 44 47 45 31: 9000)"
expect_output "the same on every badge"
expect_output "PACE (id-PACE-ECDH-GM-AES-CBC-CMAC-128), 0.4.0.127.0.7.2.2.4.2.2, version 2"
expect_output "Restricted Identification (id-RI-ECDH-SHA-256)"
expect_output "READ BINARY EF.CardSecurity (batch key)    refused: 6988 (secure messaging required"
expect_output "pass --data DIR --org ORG"
run 0 card inspect "${A[@]}"
keep
expect_output "terminal:           JPACMEC"
expect_output "pseudonym:          $psn1 (in Acme Corp)"
expect_output "holder:             staff E-1001 (Aoi Tanaka)"
expect_output "credential:         badge active"
# Globex's terminal: Chip Authentication shows the badge is none of Globex's batches, and
# nothing of Globex's terminal reaches it.
run 6 card inspect "${G[@]}"
keep
expect_output "not a badge of Globex; nothing of its terminal was sent"
grep -qF "$psn1" <<< "$OUT" && fail "Globex's terminal learnt Acme's pseudonym"
grep -qF "holder:" <<< "$OUT" && fail "Globex's terminal learnt a holder"
stop_card
insert_card "$WORK/badge2.json"
"$SEKISHO" -q card inspect > "$WORK/public2.out" 2>&1 || fail "card inspect of badge 2 failed"
cmp -s "$WORK/public1.out" "$WORK/public2.out" ||
  fail "two badges of one batch look different to a reader: $(diff "$WORK/public1.out" "$WORK/public2.out")"
run 0 card inspect "${A[@]}"
keep
expect_output "pseudonym:          $psn2 (in Acme Corp)"
expect_output "holder:             staff E-1002 (Ren Sato)"
stop_card

# --- Revocation by pseudonym, as for a jpki credential -----------------------------------------
run 0 revoke "${A[@]}" --credential "$psn1" --reason "badge lost"
keep
expect_output "revoked:     $psn1 (badge lost)"
run 0 staff show "${A[@]}" --staff E-1001
expect_output "$psn1  badge  revoked - badge lost"
expect_output "jpki  active"
insert_card "$WORK/badge1.json"
run 0 card inspect "${A[@]}"
expect_output "credential:         badge revoked"
stop_card
run 0 events "${A[@]}"
expect_output "revoked"
run 0 audit verify --data "$DATA"
# Each issuance left the admin record every enrolment leaves, naming only the kind.
badge_records=$(sql "$DATA/audit.db" \
  "SELECT count(*) FROM entries WHERE kind = 2 AND CAST(record AS TEXT) LIKE '%\"enrolled\"%kind badge%'")
[ "$badge_records" = 2 ] || fail "expected 2 badge issuance records in the audit log, got $badge_records"

# --- Nothing of the badge where it does not belong ---------------------------------------------
# The identifier, computed here with OpenSSL alone (ECDH of the chip's RI key and the sector key,
# then SHA-256: TR-03110-2 §3.5), checked against the pseudonym Sekisho printed; then it, the CAN,
# the badge PIN and the keys are looked for raw, as hex (both cases) and as base64 (at every
# alignment). The chip's RI key, the identifier and the badge PIN are nowhere in the data
# directory; the organisation's keys and the CAN only in a badge folder.
python3 - "$WORK" "$DATA" "$LOG" "$psn1" "$CAN" "$BADGE_PIN" <<'EOF' || fail "badge data found where it does not belong"
import base64, hashlib, hmac, json, os, subprocess, sys
work, data, log, psn1, can, badge_pin = sys.argv[1:]
badge_dir = os.path.join(data, "orgs", "acme-corp", "badge")

def scalar(pkcs8):  # the private scalar of a PKCS#8 EC key (ECPrivateKey: 02 01 01 04 20 ...)
    at = pkcs8.index(bytes.fromhex("0201010420")) + 5
    return pkcs8[at:at + 32]

def der_file(name, hex_key):
    path = os.path.join(work, name)
    open(path, "wb").write(bytes.fromhex(hex_key))
    return path

badge1 = json.load(open(os.path.join(work, "badge1.json")))
sector = json.load(open(os.path.join(badge_dir, "sector.json")))
ri_der = der_file("ri.der", badge1["ri_private_key"])
subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", ri_der, "-pubout",
                "-out", os.path.join(work, "ri-pub.pem")], check=True)
shared = subprocess.run(["openssl", "pkeyutl", "-derive", "-keyform", "DER",
                         "-inkey", der_file("sector.der", sector["private_key"]),
                         "-peerkey", os.path.join(work, "ri-pub.pem")],
                        check=True, capture_output=True).stdout
identifier = hashlib.sha256(shared).digest()
k_org = open(os.path.join(data, "orgs", "acme-corp", "k_org"), "rb").read()
psn = hmac.new(k_org, b"sekisho/psn/ri/v1" + identifier, hashlib.sha256).digest()
shown = base64.b32encode(psn[:10]).decode()
if shown != psn1.replace("-", "")[:16]:
    sys.exit(f"the identifier computed with OpenSSL does not give the printed pseudonym {psn1}")

def forms(name, value):
    found = {f"{name} (raw)": value, f"{name} (hex)": value.hex().encode(),
             f"{name} (HEX)": value.hex().upper().encode()}
    for skip in range(3):
        found[f"{name} (base64, skip {skip})"] = base64.b64encode(value[skip:])[4:28]
    return found

nowhere = {}  # in no file of the data directory, the log or the outputs
nowhere.update(forms("identifier", identifier))
nowhere.update(forms("chip RI key", scalar(bytes.fromhex(badge1["ri_private_key"]))))
nowhere["badge PIN"] = badge_pin.encode()
only_in_badge_dir = {"CAN": can.encode()}  # and in the badge files, which are the cards
for name in ("cvca.json", "dv.json"):
    key = json.load(open(os.path.join(badge_dir, name)))["private_key"]
    only_in_badge_dir.update(forms(name + " key", scalar(bytes.fromhex(key))))
only_in_badge_dir.update(forms("sector key", scalar(bytes.fromhex(sector["private_key"]))))
batch = json.load(open(os.path.join(badge_dir, "batch.json")))
only_in_badge_dir.update(forms("batch CA key", scalar(bytes.fromhex(batch["ca_private_key"]))))

# The search finds each needle where it is.
holder = b""
for v in [identifier, scalar(bytes.fromhex(badge1["ri_private_key"]))]:
    holder += v + v.hex().encode() + v.hex().upper().encode()
    holder += b"".join(base64.b64encode(v[s:]) for s in range(3))
holder += badge_pin.encode()
missed = [n for n, needle in nowhere.items() if needle not in holder]
badge_files = b"".join(open(os.path.join(badge_dir, f), "rb").read() for f in os.listdir(badge_dir))
missed += [n for n, needle in only_in_badge_dir.items()
           if (n.endswith("(hex)") or n == "CAN") and needle not in badge_files.lower()]
if missed:
    sys.exit(f"the search would not find: {missed}")

files = [log, os.path.join(work, "outputs"), os.path.join(work, "simulate.out")]
files += [os.path.join(d, f) for d, _, names in os.walk(data) for f in names]
checked = 0
for path in files:
    if not os.path.exists(path):
        continue
    checked += 1
    content = open(path, "rb").read()
    hits = [n for n, needle in nowhere.items() if needle in content]
    # Globex's badge folder holds the same CAN: it chose it at `badge init` above.
    if os.path.dirname(os.path.dirname(os.path.dirname(path))) != os.path.join(data, "orgs") or \
            os.path.basename(os.path.dirname(path)) != "badge":
        hits += [n for n, needle in only_in_badge_dir.items() if needle in content]
    if hits:
        sys.exit(f"{path} holds the badge's {', '.join(hits)}")
print(f"badge: {len(nowhere) + len(only_in_badge_dir)} values (raw, hex, base64) checked in "
      f"{checked} files")
EOF
echo "badge test: passed"
