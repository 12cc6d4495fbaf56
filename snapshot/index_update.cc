#include "snapshot/index_update.h"

#include <string>
#include <type_traits>
#include <utility>

namespace sekisho::snapshot {
namespace {

// One op against the index. Put replaces or adds; the rest need the object to exist.
Status ApplyOp(const DeltaOp& op, policy::CompiledPolicy& index) {
  return std::visit(
      [&index](const auto& o) -> Status {
        using Op = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<Op, PutSite>) return index.UpsertSite(o.object);
        if constexpr (std::is_same_v<Op, PutZone>) return index.UpsertZone(o.object);
        if constexpr (std::is_same_v<Op, PutDoor>) return index.UpsertDoor(o.object);
        if constexpr (std::is_same_v<Op, PutSchedule>) return index.UpsertSchedule(o.object);
        if constexpr (std::is_same_v<Op, PutLevel>) return index.UpsertLevel(o.object);
        if constexpr (std::is_same_v<Op, PutCredential>) {
          index.UpsertCredential(o.object);
          return OkStatus();
        }
        if constexpr (std::is_same_v<Op, RemoveSite>) return index.RemoveSite(o.id);
        if constexpr (std::is_same_v<Op, RemoveZone>) return index.RemoveZone(o.id);
        if constexpr (std::is_same_v<Op, RemoveDoor>) return index.RemoveDoor(o.id);
        if constexpr (std::is_same_v<Op, RemoveSchedule>) return index.RemoveSchedule(o.id);
        if constexpr (std::is_same_v<Op, RemoveLevel>) return index.RemoveLevel(o.id);
        if constexpr (std::is_same_v<Op, RemoveCredential>) return index.RemoveCredential(o.id);
        if constexpr (std::is_same_v<Op, RevokeCredential>) return index.RevokeCredential(o.key);
        if constexpr (std::is_same_v<Op, SetLockdown> || std::is_same_v<Op, SetThreatLevel>) {
          const policy::Site* site = index.FindSite(o.site);
          if (site == nullptr) return NotFoundError("site is not in the index");
          policy::Site changed = *site;
          if constexpr (std::is_same_v<Op, SetLockdown>) {
            changed.lockdown = o.lockdown;
          } else {
            changed.threat_level = o.threat_level;
          }
          return index.UpsertSite(std::move(changed));
        }
      },
      op);
}

}  // namespace

Status ApplyToIndex(const Delta& delta, policy::CompiledPolicy& index) {
  if (delta.base_version != index.version()) {
    return FailedPreconditionError("delta is for version " + std::to_string(delta.base_version) +
                                   ", index holds " + std::to_string(index.version()));
  }
  for (std::size_t i = 0; i < delta.ops.size(); ++i) {
    const Status status = ApplyOp(delta.ops[i], index);
    if (!status.ok()) {
      return Status(status.code(), "op " + std::to_string(i) + " (" +
                                       std::string(OpName(delta.ops[i])) +
                                       "): " + status.message());
    }
  }
  index.set_version(delta.version);
  return OkStatus();
}

}  // namespace sekisho::snapshot
