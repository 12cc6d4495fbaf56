// Signing and opening snapshots and deltas; see signed.h and docs/formats/snapshot.md §7.
#include "snapshot/signed.h"

#include <fmt/format.h>

namespace sekisho::snapshot {
namespace {

Bytes DomainMessage(std::string_view domain, ByteView body) {
  Bytes message;
  message.reserve(domain.size() + body.size());
  message.insert(message.end(), domain.begin(), domain.end());
  message.insert(message.end(), body.begin(), body.end());
  return message;
}

Status CheckBinding(const Header& header, const Ed25519PublicKey& key, GateId gate) {
  if (header.gate_id != gate) {
    return PermissionDeniedError(
        fmt::format("made for gate {}, this is gate {}", header.gate_id, gate));
  }
  const OrgKeyId expected = OrgKeyIdOf(key);
  if (header.org_key_id != expected) {
    return PermissionDeniedError(fmt::format("names org key id {}, this gate trusts {}",
                                             ToHex(header.org_key_id), ToHex(expected)));
  }
  return OkStatus();
}

template <typename Decoded, typename DecodeFn>
Result<Decoded> Open(std::string_view kind, std::string_view domain, const Ed25519PublicKey& key,
                     GateId gate, ByteView envelope, DecodeFn decode) {
  auto body = VerifyBody(domain, key, envelope);
  if (!body.ok()) return body.status().WithContext(kind);
  // The decoders prefix their own errors with the kind.
  ASSIGN_OR_RETURN(Decoded decoded, decode(*body));
  if (Status s = CheckBinding(decoded.header, key, gate); !s.ok()) return s.WithContext(kind);
  return decoded;
}

}  // namespace

Bytes SignBody(std::string_view domain, const Ed25519PrivateKey& key, ByteView body) {
  const Bytes signature = key.Sign(DomainMessage(domain, body));
  Bytes envelope(body.begin(), body.end());
  Append(envelope, signature);
  return envelope;
}

Result<ByteView> VerifyBody(std::string_view domain, const Ed25519PublicKey& key,
                            ByteView envelope) {
  if (envelope.size() <= kEd25519SignatureSize) {
    return InvalidArgumentError(fmt::format("{} bytes cannot hold a body and a {}-byte signature",
                                            envelope.size(), kEd25519SignatureSize));
  }
  const ByteView body = envelope.first(envelope.size() - kEd25519SignatureSize);
  const ByteView signature = envelope.last(kEd25519SignatureSize);
  RETURN_IF_ERROR(key.Verify(DomainMessage(domain, body), signature));
  return body;
}

Result<Bytes> SignSnapshot(const Ed25519PrivateKey& key, GateId gate, policy::UnixSeconds issued_at,
                           const policy::Snapshot& snapshot) {
  const Header header{OrgKeyIdOf(key.public_key()), gate, issued_at};
  ASSIGN_OR_RETURN(const Bytes body, EncodeSnapshot(header, snapshot));
  return SignBody(kSnapshotDomain, key, body);
}

Result<Bytes> SignDelta(const Ed25519PrivateKey& key, GateId gate, policy::UnixSeconds issued_at,
                        const Delta& delta) {
  const Header header{OrgKeyIdOf(key.public_key()), gate, issued_at};
  ASSIGN_OR_RETURN(const Bytes body, EncodeDelta(header, delta));
  return SignBody(kDeltaDomain, key, body);
}

Result<DecodedSnapshot> OpenSnapshot(const Ed25519PublicKey& key, GateId gate, ByteView envelope) {
  return Open<DecodedSnapshot>("snapshot", kSnapshotDomain, key, gate, envelope, DecodeSnapshot);
}

Result<DecodedDelta> OpenDelta(const Ed25519PublicKey& key, GateId gate, ByteView envelope) {
  return Open<DecodedDelta>("delta", kDeltaDomain, key, gate, envelope, DecodeDelta);
}

}  // namespace sekisho::snapshot
