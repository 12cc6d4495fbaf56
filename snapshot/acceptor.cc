// Replay-protected acceptance of snapshots and deltas; see acceptor.h.
#include "snapshot/acceptor.h"

#include <fmt/format.h>

#include "snapshot/delta.h"
#include "snapshot/signed.h"

namespace sekisho::snapshot {

Result<std::unique_ptr<Acceptor>> Acceptor::Create(GateId gate_id, Ed25519PublicKey org_key,
                                                   std::uint64_t accepted_version) {
  if (gate_id == 0) return InvalidArgumentError("acceptor: gate id 0 is reserved");
  return std::unique_ptr<Acceptor>(new Acceptor(gate_id, std::move(org_key), accepted_version));
}

Result<DecodedSnapshot> Acceptor::AcceptSnapshot(ByteView signed_snapshot) {
  ASSIGN_OR_RETURN(DecodedSnapshot decoded, OpenSnapshot(org_key_, gate_id_, signed_snapshot));
  if (decoded.snapshot.version <= accepted_version_) {
    return FailedPreconditionError(
        fmt::format("replayed or older snapshot: version {} <= accepted {}",
                    decoded.snapshot.version, accepted_version_));
  }
  accepted_version_ = decoded.snapshot.version;
  return decoded;
}

Result<Acceptor::AppliedDelta> Acceptor::AcceptDelta(const policy::Snapshot& current,
                                                     ByteView signed_delta) {
  ASSIGN_OR_RETURN(DecodedDelta decoded, OpenDelta(org_key_, gate_id_, signed_delta));
  if (decoded.delta.version <= accepted_version_) {
    return FailedPreconditionError(fmt::format("replayed or older delta: version {} <= accepted {}",
                                               decoded.delta.version, accepted_version_));
  }
  ASSIGN_OR_RETURN(policy::Snapshot next, ApplyDelta(current, decoded.delta));
  accepted_version_ = decoded.delta.version;
  return AppliedDelta{std::move(decoded), std::move(next)};
}

}  // namespace sekisho::snapshot
