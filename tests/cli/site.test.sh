# The running system through real processes: `sekisho serve` (HTTPS), the REST API driven with
# curl (login, CSRF, doors, levels, a lost card), `sekisho gate register` with a one-time token
# and `sekisho gate run` at the vpcd reader through the real pcscd with a simulated My Number
# Card: granted, refused once reported lost, decided offline while the server is down (killed),
# every event committed to the audit log once the server is back, and the log verifies.
source "$(dirname "$0")/lib.sh"
export USER=cli-admin

# --- A data directory, one staff member with an enrolled card, an administrator -------------
run 0 pki init-test --out "$WORK/pki" --seed 5
run 0 card new --out "$WORK/card.json" --pki "$WORK/pki" --seed 11 --auth-pin "$PIN"
run 0 init --data "$DATA" --org "Acme Corp" --test-anchors "$WORK/pki"
run 0 staff add --data "$DATA" --number E-1001 --name "Aoi Tanaka"
insert_card "$WORK/card.json"
run_with_pin "$PIN" 0 enrol --data "$DATA" --staff E-1001 --pin-fd 0
stop_card
printf 'correct horse battery staple\n' > "$WORK/password"
STDIN_FILE="$WORK/password" run 0 user add --data "$DATA" --login admin --role security_admin \
  --password-fd 0
printf 'short\n' > "$WORK/short"
STDIN_FILE="$WORK/short" run 3 user add --data "$DATA" --login weak --role hr --password-fd 0

# --- The server, and the site set up through the REST API ------------------------------------
start_server
[ "$(stat -c %a "$DATA/tls/ca.key")" = 600 ] || fail "tls/ca.key is not 0600"
api GET /api/v1/staff
expect_status 401
api POST /api/v1/auth/login '{"login":"admin","password":"wrong password here"}'
expect_status 401
api POST /api/v1/auth/login '{"login":"admin","password":"correct horse battery staple"}'
expect_status 200
CSRF=$(field .csrf)
grep -q "HttpOnly" "$WORK/cookies" || grep -q "#HttpOnly_" "$WORK/cookies" || fail "no HttpOnly cookie"
saved=$CSRF; CSRF=wrong
api POST /api/v1/sites '{"name":"HQ","utc_offset":"+09:00"}'
expect_status 403
CSRF=$saved
api POST /api/v1/sites '{"name":"HQ","utc_offset":"+09:00"}'
expect_status 201
SITE=$(field .id)
api POST /api/v1/zones "{\"name\":\"Offices\",\"site\":$SITE}"
expect_status 201
ZONE=$(field .id)
api POST /api/v1/zones "{\"name\":\"Offices\",\"site\":$SITE,\"colour\":\"red\"}"
expect_status 400
grep -qF "colour" <<< "$BODY" || fail "the unknown field is not named: $BODY"
api POST /api/v1/levels "{\"name\":\"Staff\",\"rules\":[{\"zone\":$ZONE}]}"
expect_status 201
LEVEL=$(field .id)
api GET "/api/v1/staff?limit=10"
expect_status 200
STAFF=$(jq -er '.items[0].id' <<< "$BODY") || fail "no staff id in: $BODY"
api POST /api/v1/level-assignments "{\"staff\":$STAFF,\"level\":$LEVEL}"
expect_status 201

run 0 gate create --data "$DATA" --name "Entrance lane 1"
GATE_ID=$(grep -o 'gate created: *[0-9]*' <<< "$OUT" | grep -o '[0-9]*$')
TOKEN=$(grep -o 'registration token: *[0-9a-f]*' <<< "$OUT" | awk '{print $3}')
[ ${#TOKEN} = 64 ] || fail "no token in: $OUT"
api POST /api/v1/doors "{\"name\":\"Lane 1\",\"site\":$SITE,\"to_zone\":$ZONE,\"required\":\"card+pin\",\"gate\":$GATE_ID}"
expect_status 201
DOOR=$(field .id)

# --- The gate: registered with its token, running at the vpcd reader -------------------------
printf '%s\n' "$TOKEN" > "$WORK/token"
STDIN_FILE="$WORK/token" run 0 gate register --server "127.0.0.1:$PORT" --ca "$DATA/tls/ca.pem" \
  --token-fd 0 --dir "$GATE"
expect_output "gate registered:     $GATE_ID"
STDIN_FILE="$WORK/token" run 6 gate register --server "127.0.0.1:$PORT" --ca "$DATA/tls/ca.pem" \
  --token-fd 0 --dir "$WORK/gate-again"
[ "$(stat -c %a "$GATE/client.key")" = 600 ] || fail "the gate's TLS key is not 0600"
for _ in $(seq 20); do echo "$PIN"; done > "$WORK/pins"
"$SEKISHO" --log-file "$WORK/gate.log" gate run --dir "$GATE" --reader "$READER" --pin-fd 3 \
  > "$WORK/gate.out" 2>&1 3< "$WORK/pins" &
GATE_PID=$!
wait_for "$WORK/gate.log" "connected to 127.0.0.1"
wait_for "$WORK/gate.log" "installed"

present_card
grep -qF "door $DOOR: granted" <<< "$LAST_DECISION" || fail "expected a grant: $LAST_DECISION"

# --- Reported lost through the API: refused at the gate ------------------------------------
api GET "/api/v1/staff/$STAFF/credentials"
expect_status 200
CRED=$(jq -er '.items[0].id' <<< "$BODY") || fail "no credential in: $BODY"
api POST "/api/v1/credentials/$CRED/suspend" '{"reason":"reported lost"}'
expect_status 200
sleep 1
present_card
grep -qF "door $DOOR: revoked" <<< "$LAST_DECISION" || fail "expected a refusal: $LAST_DECISION"

# --- The server goes down hard; the gate decides offline and loses nothing -----------------
kill -9 "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=""
wait_for "$WORK/gate.log" "offline"
present_card
grep -qF "door $DOOR: revoked" <<< "$LAST_DECISION" || fail "expected an offline refusal: $LAST_DECISION"
start_server
for _ in $(seq 300); do
  run 0 gate list --data "$DATA"
  grep -qE "^$GATE_ID +Entrance lane 1 +active +[0-9]+ +3$" <<< "$OUT" && break
  sleep 0.2
done
grep -qE "^$GATE_ID +Entrance lane 1 +active +[0-9]+ +3$" <<< "$OUT" || fail "the server does not hold the gate's 3 events: $OUT"

# --- The day's audit log verifies, with the gate's events in it -------------------------------
stop_processes
run 0 audit checkpoint --data "$DATA"
run 0 audit verify --data "$DATA"

# C3: after the whole day, nothing from the card is anywhere on the server or the gate: databases,
# WAL files, key and state files, logs, and what the processes printed.
my_number=$(grep -o '"my_number": *"[0-9]\{12\}"' "$WORK/card.json" | grep -o '[0-9]\{12\}')
cert_b64=$(grep -o '"auth": *"[^"]*"' "$WORK/card.json" | head -1 | sed 's/.*: *"//; s/"$//')
serial=$(echo "$cert_b64" | base64 -d | openssl x509 -inform DER -noout -serial | cut -d= -f2)
name=$(grep -o '"name": *"[^"]*"' "$WORK/card.json" | head -1 | sed 's/.*: *"//; s/"$//')
[ ${#my_number} = 12 ] && [ -n "$serial" ] && [ -n "$name" ] || fail "card data not found in card.json"
for secret in "$PIN" "37333931" "$my_number" "$serial" "$name" "${cert_b64:400:40}"; do
  if grep -rqiF -- "$secret" "$DATA" "$GATE" "$LOG" "$WORK/serve.log" "$WORK/gate.log" "$WORK/serve.out" \
      "$WORK/gate.out"; then
    fail "'$secret' of the card found on the server or the gate"
  fi
done
# The same files as bytes: the databases, queues and state files are binary, so the card's own
# values are also looked for raw, as hex and as base64 (at every alignment): the certificate's
# serial, its RSA modulus in 16-byte windows, its subjectPublicKeyInfo, the address and the birth
# date. The search is first shown to find each of them where they are.
echo "$cert_b64" | base64 -d > "$WORK/auth.der"
openssl x509 -inform DER -in "$WORK/auth.der" -pubkey -noout |
  openssl pkey -pubin -outform DER > "$WORK/auth-spki.der"
modulus=$(openssl x509 -inform DER -in "$WORK/auth.der" -noout -modulus | cut -d= -f2)
python3 - "$WORK" "$serial" "$modulus" "$DATA" "$GATE" "$LOG" "$WORK/serve.log" "$WORK/gate.log" "$WORK/serve.out" \
  "$WORK/gate.out" <<'EOF' || fail "card data found on the server or the gate"
import base64, json, os, sys
work, serial, modulus, roots = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
card = json.load(open(os.path.join(work, "card.json")))
spki = open(os.path.join(work, "auth-spki.der"), "rb").read()
key = bytes.fromhex(modulus)
needles = {"serial (raw)": bytes.fromhex(serial),
           "serial (hex)": bytes.fromhex(serial).hex().encode(),
           "address": card["identity"]["address"].encode(),
           "birth date": card["identity"]["birth_date"].encode()}
for at in range(0, len(key) - 15, 16):
    window = key[at:at + 16]
    needles[f"modulus [{at}:{at + 16}] (raw)"] = window
    needles[f"modulus [{at}:{at + 16}] (hex)"] = window.hex().encode()
    needles[f"modulus [{at}:{at + 16}] (HEX)"] = window.hex().upper().encode()
for skip in range(3):
    needles[f"subjectPublicKeyInfo (base64, skip {skip})"] = base64.b64encode(spki[skip:])[4:44]
found_in = lambda data: [name for name, needle in needles.items() if needle in data]
holder = (spki + key.hex().encode() + key.hex().upper().encode() + bytes.fromhex(serial) +
          bytes.fromhex(serial).hex().encode() + json.dumps(card, ensure_ascii=False).encode())
holder += b"".join(base64.b64encode(spki[skip:]) for skip in range(3))
missed = [n for n in needles if n not in found_in(holder)]
if missed:
    sys.exit(f"the search would not find: {missed}")
files = []
for root in roots:
    files += [root] if os.path.isfile(root) else [
        os.path.join(d, f) for d, _, names in os.walk(root) for f in names]
for path in files:
    hits = found_in(open(path, "rb").read())
    if hits:
        sys.exit(f"{path} holds the card's {', '.join(hits)}")
print(f"C3: {len(needles)} card values (raw, hex, base64) in none of {len(files)} files")
EOF
echo "site test: passed"
