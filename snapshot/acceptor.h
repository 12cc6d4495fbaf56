// The gate's door for policy updates: verifies signed snapshots and deltas for this gate and
// refuses anything not newer than what it has accepted, so a recorded old snapshot (one that
// still lists a since-revoked card) cannot be replayed to it (docs/formats/snapshot.md §8).
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/ed25519.h"
#include "base/result.h"
#include "policy/model.h"
#include "snapshot/delta_codec.h"
#include "snapshot/header.h"
#include "snapshot/snapshot_codec.h"

namespace sekisho::snapshot {

// Not thread-safe: the gate feeds it from one connection.
class Acceptor {
 public:
  // `accepted_version` is the version of the snapshot the gate holds (0: none); the gate keeps it
  // across restarts. kInvalidArgument when gate_id is 0.
  static Result<std::unique_ptr<Acceptor>> Create(GateId gate_id, Ed25519PublicKey org_key,
                                                  std::uint64_t accepted_version);

  // A verified full snapshot for this gate, its version now the accepted one. Errors as
  // OpenSnapshot (signed.h), then kFailedPrecondition "replayed or older snapshot: version X <=
  // accepted Y". Nothing changes on error.
  Result<DecodedSnapshot> AcceptSnapshot(ByteView signed_snapshot);

  struct AppliedDelta {
    DecodedDelta delta;         // its ops, for the gate's lookup index
    policy::Snapshot snapshot;  // `current` with the delta applied
  };
  // Verifies a delta for this gate and applies it to `current` (the gate's snapshot); on success
  // its version is the accepted one. Errors as OpenDelta (signed.h), then kFailedPrecondition
  // "replayed or older delta: version X <= accepted Y", then ApplyDelta's (delta.h), among them
  // kFailedPrecondition "delta is for version A, gate holds B". Nothing changes on error.
  Result<AppliedDelta> AcceptDelta(const policy::Snapshot& current, ByteView signed_delta);

  std::uint64_t accepted_version() const { return accepted_version_; }
  GateId gate_id() const { return gate_id_; }

 private:
  Acceptor(GateId gate_id, Ed25519PublicKey org_key, std::uint64_t accepted_version)
      : gate_id_(gate_id), org_key_(std::move(org_key)), accepted_version_(accepted_version) {}

  GateId gate_id_;
  Ed25519PublicKey org_key_;
  std::uint64_t accepted_version_;
};

}  // namespace sekisho::snapshot
