// The signed envelope of snapshots and deltas (docs/formats/snapshot.md §7): the body followed by
// the organisation snapshot key's Ed25519 signature (RFC 8032 §5.1.6) over a domain label and the
// body, so a signed snapshot can never pass for a delta or any other signed Sekisho message.
// The gate verifies the signature before it decodes a single field.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/ed25519.h"
#include "base/result.h"
#include "policy/model.h"
#include "snapshot/delta.h"
#include "snapshot/delta_codec.h"
#include "snapshot/header.h"
#include "snapshot/snapshot_codec.h"

namespace sekisho::snapshot {

inline constexpr std::string_view kSnapshotDomain = "sekisho/snapshot/v1";
inline constexpr std::string_view kDeltaDomain = "sekisho/delta/v1";

// body || Sign(domain || body).
Bytes SignBody(std::string_view domain, const Ed25519PrivateKey& key, ByteView body);

// The body of `envelope` (a view into it) when its last 64 bytes are a valid signature of
// domain || body under `key`. kInvalidArgument when the envelope is not longer than a signature;
// kUnauthenticated "Ed25519 signature does not verify" otherwise.
Result<ByteView> VerifyBody(std::string_view domain, const Ed25519PublicKey& key,
                            ByteView envelope);

// Server side: encodes for `gate` as issued at `issued_at`, with the signing key's id in the
// header, and signs. Errors as EncodeSnapshot / EncodeDelta.
Result<Bytes> SignSnapshot(const Ed25519PrivateKey& key, GateId gate, policy::UnixSeconds issued_at,
                           const policy::Snapshot& snapshot);
Result<Bytes> SignDelta(const Ed25519PrivateKey& key, GateId gate, policy::UnixSeconds issued_at,
                        const Delta& delta);

// Gate side, without replay protection (acceptor.h adds it): verifies the signature, then decodes,
// then checks the binding. Errors, prefixed "snapshot: " / "delta: ": kInvalidArgument for a
// malformed envelope or body (DecodeSnapshot / DecodeDelta), kUnauthenticated for a bad signature,
// kPermissionDenied "made for gate A, this is gate B" or "names org key id X, this gate trusts
// Y" when the header binds it elsewhere.
Result<DecodedSnapshot> OpenSnapshot(const Ed25519PublicKey& key, GateId gate, ByteView envelope);
Result<DecodedDelta> OpenDelta(const Ed25519PublicKey& key, GateId gate, ByteView envelope);

}  // namespace sekisho::snapshot
