# The server certificate for the names gates and browsers use (docs/operations.md §4): issued from
# the data directory's CA, which stays the same; names checked by OpenSSL's own tools; a bad name
# changes nothing.
source "$(dirname "$0")/lib.sh"
DATA="$WORK/data"
TLS="$DATA/tls"

run 0 init --data "$DATA"
run 0 tls server-cert --data "$DATA" --name access.example.jp --name 10.0.0.5
expect_output "created the server CA and"
openssl verify -CAfile "$TLS/ca.pem" "$TLS/server.pem" > /dev/null || fail "not issued by the CA"
openssl x509 -in "$TLS/server.pem" -noout -checkhost access.example.jp | grep -q "does match" \
  || fail "access.example.jp not named"
openssl x509 -in "$TLS/server.pem" -noout -checkip 10.0.0.5 | grep -q "does match" \
  || fail "10.0.0.5 not named"
[ "$(stat -c %a "$TLS/server.key")" = 600 ] || fail "server.key mode is not 600"
ca_before=$(sha256sum < "$TLS/ca.pem")

run 0 tls server-cert --data "$DATA" --name gates.example.jp --days 30
expect_output "issued $TLS/server.pem for gates.example.jp"
[ "$(sha256sum < "$TLS/ca.pem")" = "$ca_before" ] || fail "the CA changed"
openssl verify -CAfile "$TLS/ca.pem" "$TLS/server.pem" > /dev/null || fail "not issued by the CA"
openssl x509 -in "$TLS/server.pem" -noout -checkhost access.example.jp | grep -q "does NOT match" \
  || fail "the old name is still in the new certificate"
openssl x509 -in "$TLS/server.pem" -noout -checkend $((31 * 86400)) > /dev/null \
  && fail "--days 30 gave a certificate valid beyond 31 days"
# The key on disk is the certificate's.
[ "$(openssl x509 -in "$TLS/server.pem" -noout -pubkey)" = \
  "$(openssl pkey -in "$TLS/server.key" -pubout)" ] || fail "server.key does not match server.pem"

cert_before=$(sha256sum < "$TLS/server.pem")
run 3 tls server-cert --data "$DATA" --name "not a host/name"
[ "$(sha256sum < "$TLS/server.pem")" = "$cert_before" ] || fail "a refused name changed the certificate"
echo "tls: ok"
