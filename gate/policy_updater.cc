#include "gate/policy_updater.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "snapshot/delta.h"

namespace sekisho::gate {
namespace {

// The site with `id` in `snapshot` (sorted by id), or null.
const policy::Site* FindSite(const policy::Snapshot& snapshot, policy::ObjectId id) {
  auto it =
      std::lower_bound(snapshot.sites.begin(), snapshot.sites.end(), id,
                       [](const policy::Site& site, policy::ObjectId v) { return site.id < v; });
  return it != snapshot.sites.end() && it->id == id ? &*it : nullptr;
}

// Applies one delta op to the index; `after` is the snapshot with the whole delta applied, from
// which the set-lockdown and set-threat-level ops take the site.
Status ApplyOp(policy::CompiledPolicy& index, const snapshot::DeltaOp& op,
               const policy::Snapshot& after) {
  return std::visit(
      [&](const auto& o) -> Status {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, snapshot::PutSite>) return index.UpsertSite(o.object);
        if constexpr (std::is_same_v<T, snapshot::RemoveSite>) return index.RemoveSite(o.id);
        if constexpr (std::is_same_v<T, snapshot::PutZone>) return index.UpsertZone(o.object);
        if constexpr (std::is_same_v<T, snapshot::RemoveZone>) return index.RemoveZone(o.id);
        if constexpr (std::is_same_v<T, snapshot::PutDoor>) return index.UpsertDoor(o.object);
        if constexpr (std::is_same_v<T, snapshot::RemoveDoor>) return index.RemoveDoor(o.id);
        if constexpr (std::is_same_v<T, snapshot::PutSchedule>) {
          return index.UpsertSchedule(o.object);
        }
        if constexpr (std::is_same_v<T, snapshot::RemoveSchedule>) {
          return index.RemoveSchedule(o.id);
        }
        if constexpr (std::is_same_v<T, snapshot::PutLevel>) return index.UpsertLevel(o.object);
        if constexpr (std::is_same_v<T, snapshot::RemoveLevel>) return index.RemoveLevel(o.id);
        if constexpr (std::is_same_v<T, snapshot::PutCredential>) {
          index.UpsertCredential(o.object);
          return OkStatus();
        }
        if constexpr (std::is_same_v<T, snapshot::RevokeCredential>) {
          return index.RevokeCredential(o.key);
        }
        if constexpr (std::is_same_v<T, snapshot::RemoveCredential>) {
          return index.RemoveCredential(o.id);
        }
        if constexpr (std::is_same_v<T, snapshot::SetLockdown> ||
                      std::is_same_v<T, snapshot::SetThreatLevel>) {
          const policy::Site* site = FindSite(after, o.site);
          if (site == nullptr) return NotFoundError("site " + std::to_string(o.site));
          return index.UpsertSite(*site);
        }
      },
      op);
}

}  // namespace

Result<std::unique_ptr<PolicyUpdater>> PolicyUpdater::Create(DoorController& controller,
                                                             GateId gate, Ed25519PublicKey org_key,
                                                             std::uint64_t accepted_version) {
  ASSIGN_OR_RETURN(std::unique_ptr<snapshot::Acceptor> acceptor,
                   snapshot::Acceptor::Create(gate, org_key, accepted_version));
  return std::unique_ptr<PolicyUpdater>(
      new PolicyUpdater(controller, std::move(acceptor), std::move(org_key)));
}

Status PolicyUpdater::ReplaceKey(Ed25519PublicKey org_key) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<snapshot::Acceptor> acceptor,
      snapshot::Acceptor::Create(acceptor_->gate_id(), org_key, acceptor_->accepted_version()));
  acceptor_ = std::move(acceptor);
  key_ = std::move(org_key);
  return OkStatus();
}

Status PolicyUpdater::ApplySnapshot(ByteView signed_snapshot) {
  ASSIGN_OR_RETURN(snapshot::DecodedSnapshot decoded, acceptor_->AcceptSnapshot(signed_snapshot));
  // A snapshot that decodes passed policy::Validate, so the index takes it.
  auto index = policy::CompiledPolicy::Create(decoded.snapshot);
  if (!index.ok()) return index.status().WithContext("indexing accepted snapshot");
  (*index)->set_version(decoded.snapshot.version);
  controller_.InstallPolicy(std::move(index).value());
  current_ = std::move(decoded.snapshot);
  have_snapshot_ = true;
  spdlog::info("policy snapshot {} installed ({} credentials)", current_.version,
               current_.credentials.size());
  return OkStatus();
}

Status PolicyUpdater::RestoreSnapshot(policy::Snapshot snapshot) {
  if (have_snapshot_) {
    return FailedPreconditionError("a snapshot is held already; only a starting gate restores one");
  }
  if (snapshot.version == 0 || snapshot.version != acceptor_->accepted_version()) {
    return FailedPreconditionError("stored snapshot version " + std::to_string(snapshot.version) +
                                   " is not the accepted version " +
                                   std::to_string(acceptor_->accepted_version()));
  }
  auto index = policy::CompiledPolicy::Create(snapshot);
  if (!index.ok()) return index.status().WithContext("indexing the stored snapshot");
  (*index)->set_version(snapshot.version);
  controller_.InstallPolicy(std::move(index).value());
  current_ = std::move(snapshot);
  have_snapshot_ = true;
  spdlog::info("policy snapshot {} restored from the gate's state ({} credentials)",
               current_.version, current_.credentials.size());
  return OkStatus();
}

Status PolicyUpdater::ApplyDelta(ByteView signed_delta) {
  if (!have_snapshot_) {
    return FailedPreconditionError(
        "no snapshot has been accepted yet; a delta needs the snapshot it applies to");
  }
  ASSIGN_OR_RETURN(snapshot::Acceptor::AppliedDelta applied,
                   acceptor_->AcceptDelta(current_, signed_delta));
  const policy::Snapshot& after = applied.snapshot;
  const snapshot::Delta& delta = applied.delta.delta;

  const auto rebuild = [&](std::unique_ptr<policy::CompiledPolicy>& index,
                           const Status& why) -> Status {
    spdlog::warn("policy delta {} -> {}: rebuilding the index ({})", delta.base_version,
                 delta.version, why.ToString());
    auto rebuilt = policy::CompiledPolicy::Create(after);
    if (!rebuilt.ok()) {
      // Fail closed: no policy, every card denied, until the next snapshot.
      index.reset();
      return rebuilt.status().WithContext("rebuilding the index");
    }
    (*rebuilt)->set_version(after.version);
    index = std::move(rebuilt).value();
    ++rebuilds_;
    return OkStatus();
  };
  Status status = controller_.UpdatePolicy([&](std::unique_ptr<policy::CompiledPolicy>& index) {
    if (index->version() != delta.base_version) {
      return rebuild(index, FailedPreconditionError("the index holds version " +
                                                    std::to_string(index->version())));
    }
    for (std::size_t i = 0; i < delta.ops.size(); ++i) {
      if (Status applied_op = ApplyOp(*index, delta.ops[i], after); !applied_op.ok()) {
        return rebuild(index,
                       applied_op.WithContext("op " + std::to_string(i) + " (" +
                                              std::string(snapshot::OpName(delta.ops[i])) + ")"));
      }
    }
    index->set_version(after.version);
    return OkStatus();
  });
  if (status.code() == StatusCode::kFailedPrecondition && controller_.snapshot_version() == 0) {
    // The controller's policy was removed meanwhile: install the updated snapshot whole.
    std::unique_ptr<policy::CompiledPolicy> index;
    status = rebuild(index, status);
    if (index) controller_.InstallPolicy(std::move(index));
  }
  current_ = std::move(applied.snapshot);
  if (status.ok()) {
    spdlog::info("policy delta {} -> {} applied ({} ops)", delta.base_version, delta.version,
                 delta.ops.size());
  }
  return status;
}

}  // namespace sekisho::gate
