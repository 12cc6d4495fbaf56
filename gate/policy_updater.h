// PolicyUpdater: the gate's side of policy distribution (DESIGN.md §5 "Lost card", §6): verifies
// the server's signed snapshots and deltas (snapshot::Acceptor: signature, gate binding, no
// replay) and puts them into the DoorController's index, so doors decide with the newest policy
// the gate has, and keep deciding with it while offline.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/ed25519.h"
#include "base/result.h"
#include "gate/door_controller.h"
#include "gate/event.h"
#include "policy/model.h"
#include "snapshot/acceptor.h"

namespace sekisho::gate {

// Not thread-safe: one connection feeds it. The controller must outlive it.
class PolicyUpdater {
 public:
  // For gate `gate`, trusting the organisation's snapshot key `org_key`; `accepted_version` is
  // the version the gate accepted before a restart (0: none), below which nothing is accepted.
  // kInvalidArgument when gate is 0.
  static Result<std::unique_ptr<PolicyUpdater>> Create(DoorController& controller, GateId gate,
                                                       Ed25519PublicKey org_key,
                                                       std::uint64_t accepted_version = 0);

  // Verifies a signed full snapshot, indexes it and installs it in the controller. Errors of
  // snapshot::Acceptor::AcceptSnapshot (kUnauthenticated bad signature, kPermissionDenied another
  // gate's, kFailedPrecondition replayed or older, kInvalidArgument malformed) and of
  // policy::CompiledPolicy::Create; nothing changes on error.
  Status ApplySnapshot(ByteView signed_snapshot);

  // Verifies a signed delta against the snapshot held and applies its ops, in order, to the
  // controller's index in place (a lost card is one op). Should the index have diverged from the
  // snapshot so that an op does not apply, the index is rebuilt from the updated snapshot
  // instead. kFailedPrecondition when no snapshot was accepted yet; then the errors of
  // snapshot::Acceptor::AcceptDelta; nothing changes on those.
  Status ApplyDelta(ByteView signed_delta);

  // Installs `snapshot`, which this gate accepted earlier and stored itself (gate/gate_state.h),
  // so a restarted gate decides at once, before it reaches the server. No signature is checked:
  // the gate's own disk is trusted as its queue is. kFailedPrecondition when a snapshot is held
  // already or `snapshot.version` is not the accepted version the updater was created with;
  // policy::CompiledPolicy::Create's errors; nothing changes on error.
  Status RestoreSnapshot(policy::Snapshot snapshot);

  // From now on snapshots and deltas must verify with `org_key` (the organisation rotated its
  // snapshot key, gate/sync_session.h): the policy held and the accepted version stay, so nothing
  // older than what was accepted under the previous key is accepted under the new one.
  // Acceptor::Create's errors; nothing changes on error.
  Status ReplaceKey(Ed25519PublicKey org_key);
  // The snapshot key trusted now.
  const Ed25519PublicKey& key() const { return key_; }

  // The version of the policy held (0: none).
  std::uint64_t version() const { return acceptor_->accepted_version(); }
  // The snapshot held, as the server sees it.
  const policy::Snapshot& snapshot() const { return current_; }
  // How many deltas had to rebuild the index (0 unless the index diverged).
  int rebuilds() const { return rebuilds_; }

 private:
  PolicyUpdater(DoorController& controller, std::unique_ptr<snapshot::Acceptor> acceptor,
                Ed25519PublicKey key)
      : controller_(controller), acceptor_(std::move(acceptor)), key_(std::move(key)) {}

  DoorController& controller_;
  std::unique_ptr<snapshot::Acceptor> acceptor_;
  Ed25519PublicKey key_;
  bool have_snapshot_ = false;
  policy::Snapshot current_;
  int rebuilds_ = 0;
};

}  // namespace sekisho::gate
