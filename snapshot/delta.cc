// Applying and computing deltas on plain Snapshot values; see delta.h.
#include "snapshot/delta.h"

#include <fmt/format.h>

#include <algorithm>

#include "policy/validate.h"

namespace sekisho::snapshot {
namespace {

using policy::AccessLevel;
using policy::Credential;
using policy::Door;
using policy::Schedule;
using policy::Site;
using policy::Snapshot;
using policy::Zone;

template <typename T>
auto& ObjectsOf(Snapshot& s) {
  if constexpr (std::is_same_v<T, Site>) return s.sites;
  if constexpr (std::is_same_v<T, Zone>) return s.zones;
  if constexpr (std::is_same_v<T, Door>) return s.doors;
  if constexpr (std::is_same_v<T, Schedule>) return s.schedules;
  if constexpr (std::is_same_v<T, AccessLevel>) return s.levels;
  if constexpr (std::is_same_v<T, Credential>) return s.credentials;
}

template <typename T>
constexpr std::string_view Noun() {
  if constexpr (std::is_same_v<T, Site>) return "site";
  if constexpr (std::is_same_v<T, Zone>) return "zone";
  if constexpr (std::is_same_v<T, Door>) return "door";
  if constexpr (std::is_same_v<T, Schedule>) return "schedule";
  if constexpr (std::is_same_v<T, AccessLevel>) return "level";
  if constexpr (std::is_same_v<T, Credential>) return "credential";
}

template <typename T>
const IdOf<T>& IdOfObject(const T& object) {
  if constexpr (std::is_same_v<T, Credential>) {
    return object.key;
  } else {
    return object.id;
  }
}

// "door 17" / "the credential" (keys stay out of messages).
template <typename T>
std::string Name(const IdOf<T>& id) {
  if constexpr (std::is_same_v<T, Credential>) {
    return "the credential";
  } else {
    return fmt::format("{} {}", Noun<T>(), id);
  }
}

// The object with `id` in its sorted vector, or nullptr.
template <typename T>
T* Find(Snapshot& s, const IdOf<T>& id) {
  auto& objects = ObjectsOf<T>(s);
  auto it = std::ranges::lower_bound(objects, id, {}, IdOfObject<T>);
  return it != objects.end() && IdOfObject(*it) == id ? &*it : nullptr;
}

Status Missing(std::size_t index, const DeltaOp& op, std::string_view what) {
  return NotFoundError(
      fmt::format("op {} ({}): {} is not in the snapshot", index, OpName(op), what));
}

template <typename T>
Status Apply(Snapshot& s, const Put<T>& op, std::size_t, const DeltaOp&) {
  auto& objects = ObjectsOf<T>(s);
  const auto& id = IdOfObject(op.object);
  auto it = std::ranges::lower_bound(objects, id, {}, IdOfObject<T>);
  if (it != objects.end() && IdOfObject(*it) == id) {
    *it = op.object;
  } else {
    objects.insert(it, op.object);
  }
  return OkStatus();
}

template <typename T>
Status Apply(Snapshot& s, const Remove<T>& op, std::size_t index, const DeltaOp& whole) {
  auto& objects = ObjectsOf<T>(s);
  auto it = std::ranges::lower_bound(objects, op.id, {}, IdOfObject<T>);
  if (it == objects.end() || IdOfObject(*it) != op.id) {
    return Missing(index, whole, Name<T>(op.id));
  }
  objects.erase(it);
  return OkStatus();
}

Status Apply(Snapshot& s, const RevokeCredential& op, std::size_t index, const DeltaOp& whole) {
  Credential* c = Find<Credential>(s, op.key);
  if (c == nullptr) return Missing(index, whole, "the credential");
  c->flags |= policy::kCredentialRevoked;
  return OkStatus();
}

Status Apply(Snapshot& s, const SetLockdown& op, std::size_t index, const DeltaOp& whole) {
  Site* site = Find<Site>(s, op.site);
  if (site == nullptr) return Missing(index, whole, Name<Site>(op.site));
  site->lockdown = op.lockdown;
  return OkStatus();
}

Status Apply(Snapshot& s, const SetThreatLevel& op, std::size_t index, const DeltaOp& whole) {
  Site* site = Find<Site>(s, op.site);
  if (site == nullptr) return Missing(index, whole, Name<Site>(op.site));
  site->threat_level = op.threat_level;
  return OkStatus();
}

// Default change: resend the object.
template <typename T>
void Changed(const T&, const T& to, std::vector<DeltaOp>& ops) {
  ops.push_back(Put<T>{to});
}

void Changed(const Site& from, const Site& to, std::vector<DeltaOp>& ops) {
  Site settings_only = from;
  settings_only.lockdown = to.lockdown;
  settings_only.threat_level = to.threat_level;
  if (!(settings_only == to)) {
    ops.push_back(PutSite{to});
    return;
  }
  if (from.lockdown != to.lockdown) ops.push_back(SetLockdown{to.id, to.lockdown});
  if (from.threat_level != to.threat_level) ops.push_back(SetThreatLevel{to.id, to.threat_level});
}

void Changed(const Credential& from, const Credential& to, std::vector<DeltaOp>& ops) {
  Credential revoked = from;
  revoked.flags |= policy::kCredentialRevoked;
  if (revoked == to) {
    ops.push_back(RevokeCredential{to.key});
  } else {
    ops.push_back(PutCredential{to});
  }
}

// Merges two id-sorted vectors into Put/Remove ops (and the Changed specialisations).
template <typename T>
void DiffObjects(const std::vector<T>& from, const std::vector<T>& to, std::vector<DeltaOp>& ops) {
  std::size_t i = 0, j = 0;
  while (i < from.size() || j < to.size()) {
    if (j == to.size() || (i < from.size() && IdOfObject(from[i]) < IdOfObject(to[j]))) {
      ops.push_back(Remove<T>{IdOfObject(from[i])});
      ++i;
    } else if (i == from.size() || IdOfObject(to[j]) < IdOfObject(from[i])) {
      ops.push_back(Put<T>{to[j]});
      ++j;
    } else {
      if (!(from[i] == to[j])) Changed(from[i], to[j], ops);
      ++i;
      ++j;
    }
  }
}

}  // namespace

std::string_view OpNameAt(std::size_t index) {
  static constexpr std::string_view kNames[] = {
      "put-site",          "remove-site",  "put-zone",         "remove-zone",
      "put-door",          "remove-door",  "put-schedule",     "remove-schedule",
      "put-level",         "remove-level", "put-credential",   "revoke-credential",
      "remove-credential", "set-lockdown", "set-threat-level",
  };
  static_assert(std::size(kNames) == std::variant_size_v<DeltaOp>);
  return index < std::size(kNames) ? kNames[index] : "unknown";
}

std::string_view OpName(const DeltaOp& op) { return OpNameAt(op.index()); }

Result<Snapshot> ApplyDelta(const Snapshot& current, const Delta& delta) {
  if (delta.base_version != current.version) {
    return FailedPreconditionError(
        fmt::format("delta is for version {}, gate holds {}", delta.base_version, current.version));
  }
  if (delta.version <= delta.base_version) {
    return InvalidArgumentError(fmt::format("delta version {} is not above its base version {}",
                                            delta.version, delta.base_version));
  }
  Snapshot next = current;
  next.version = delta.version;
  for (std::size_t i = 0; i < delta.ops.size(); ++i) {
    const DeltaOp& op = delta.ops[i];
    RETURN_IF_ERROR(std::visit([&](const auto& o) { return Apply(next, o, i, op); }, op));
  }
  if (Status s = policy::Validate(next); !s.ok()) {
    return s.WithContext("the delta leaves an invalid snapshot");
  }
  return next;
}

Result<Delta> Diff(const Snapshot& from, const Snapshot& to) {
  if (to.version <= from.version) {
    return InvalidArgumentError(
        fmt::format("cannot diff to version {}: not above version {}", to.version, from.version));
  }
  Delta delta{.base_version = from.version, .version = to.version, .ops = {}};
  DiffObjects(from.sites, to.sites, delta.ops);
  DiffObjects(from.zones, to.zones, delta.ops);
  DiffObjects(from.doors, to.doors, delta.ops);
  DiffObjects(from.schedules, to.schedules, delta.ops);
  DiffObjects(from.levels, to.levels, delta.ops);
  DiffObjects(from.credentials, to.credentials, delta.ops);
  return delta;
}

}  // namespace sekisho::snapshot
