// CompiledPolicy (policy/compiled_policy.h).
#include "policy/compiled_policy.h"

#include <algorithm>
#include <string>
#include <utility>

namespace sekisho::policy {
namespace {

// Holidays are binary-searched on the door path (calendar.h); keep them sorted and unique
// whatever the sender did.
template <typename T>
void Normalize(T&) {}
void Normalize(Site& site) {
  std::sort(site.holidays.begin(), site.holidays.end());
  site.holidays.erase(std::unique(site.holidays.begin(), site.holidays.end()), site.holidays.end());
}

// Positions are 32-bit; the index reserves the all-ones value.
constexpr std::size_t kMaxEntries = 0xFFFFFFFEu;

}  // namespace

template <typename T>
Status CompiledPolicy::Fill(Table<T>& table, std::vector<T> objects, const char* kind) {
  if (objects.size() > kMaxEntries) {
    return InvalidArgumentError(std::string("too many ") + kind + " objects");
  }
  table.objects = std::move(objects);
  table.index.Clear();
  table.index.Reserve(table.objects.size());
  for (std::size_t i = 0; i < table.objects.size(); ++i) {
    T& object = table.objects[i];
    if (object.id == kNone) {
      return InvalidArgumentError(std::string(kind) + " at position " + std::to_string(i) +
                                  " has id 0 (kNone)");
    }
    if (table.index.Find(object.id) != IdIndex::kAbsent) {
      return InvalidArgumentError(std::string(kind) + " id " + std::to_string(object.id) +
                                  " occurs more than once");
    }
    Normalize(object);
    table.index.Set(object.id, static_cast<std::uint32_t>(i));
  }
  return OkStatus();
}

template <typename T>
Status CompiledPolicy::Upsert(Table<T>& table, T object, const char* kind) {
  if (object.id == kNone) {
    return InvalidArgumentError(std::string("cannot store a ") + kind + " with id 0 (kNone)");
  }
  Normalize(object);
  const std::uint32_t position = table.index.Find(object.id);
  if (position != IdIndex::kAbsent) {
    table.objects[position] = std::move(object);
    return OkStatus();
  }
  if (table.objects.size() >= kMaxEntries) {
    return InvalidArgumentError(std::string("too many ") + kind + " objects");
  }
  table.index.Set(object.id, static_cast<std::uint32_t>(table.objects.size()));
  table.objects.push_back(std::move(object));
  return OkStatus();
}

template <typename T>
Status CompiledPolicy::Remove(Table<T>& table, ObjectId id, const char* kind) {
  const std::uint32_t position = table.index.Find(id);
  if (position == IdIndex::kAbsent) {
    return NotFoundError(std::string("no ") + kind + " with id " + std::to_string(id));
  }
  table.index.Erase(id);
  if (position + 1 != table.objects.size()) {
    table.objects[position] = std::move(table.objects.back());
    table.index.Set(table.objects[position].id, position);
  }
  table.objects.pop_back();
  return OkStatus();
}

template <typename T>
void CompiledPolicy::CopySorted(const Table<T>& table, std::vector<T>& out) {
  out = table.objects;
  std::sort(out.begin(), out.end(), [](const T& a, const T& b) { return a.id < b.id; });
}

Result<std::unique_ptr<CompiledPolicy>> CompiledPolicy::Create(Snapshot snapshot) {
  std::unique_ptr<CompiledPolicy> policy(new CompiledPolicy());
  policy->version_ = snapshot.version;
  RETURN_IF_ERROR(Fill(policy->sites_, std::move(snapshot.sites), "site"));
  RETURN_IF_ERROR(Fill(policy->zones_, std::move(snapshot.zones), "zone"));
  RETURN_IF_ERROR(Fill(policy->doors_, std::move(snapshot.doors), "door"));
  RETURN_IF_ERROR(Fill(policy->schedules_, std::move(snapshot.schedules), "schedule"));
  RETURN_IF_ERROR(Fill(policy->levels_, std::move(snapshot.levels), "access level"));
  if (snapshot.credentials.size() > kMaxEntries) {
    return InvalidArgumentError("too many credentials");
  }
  policy->credentials_ = std::move(snapshot.credentials);
  policy->credential_index_.Reserve(policy->credentials_.size());
  for (std::size_t i = 0; i < policy->credentials_.size(); ++i) {
    const CredentialKey& key = policy->credentials_[i].key;
    if (policy->credential_index_.Find(key) != CredentialIndex::kAbsent) {
      // The key is pseudonymous but still card data for the log's purposes: name the position.
      return InvalidArgumentError("credential at position " + std::to_string(i) +
                                  " repeats the key of an earlier credential");
    }
    policy->credential_index_.Set(key, static_cast<std::uint32_t>(i),
                                  policy->credentials_[i].levels.data());
  }
  return policy;
}

Status CompiledPolicy::UpsertSite(Site site) { return Upsert(sites_, std::move(site), "site"); }
Status CompiledPolicy::UpsertZone(Zone zone) { return Upsert(zones_, std::move(zone), "zone"); }
Status CompiledPolicy::UpsertDoor(Door door) { return Upsert(doors_, std::move(door), "door"); }
Status CompiledPolicy::UpsertSchedule(Schedule schedule) {
  return Upsert(schedules_, std::move(schedule), "schedule");
}
Status CompiledPolicy::UpsertLevel(AccessLevel level) {
  return Upsert(levels_, std::move(level), "access level");
}
Status CompiledPolicy::RemoveSite(ObjectId id) { return Remove(sites_, id, "site"); }
Status CompiledPolicy::RemoveZone(ObjectId id) { return Remove(zones_, id, "zone"); }
Status CompiledPolicy::RemoveDoor(ObjectId id) { return Remove(doors_, id, "door"); }
Status CompiledPolicy::RemoveSchedule(ObjectId id) { return Remove(schedules_, id, "schedule"); }
Status CompiledPolicy::RemoveLevel(ObjectId id) { return Remove(levels_, id, "access level"); }

void CompiledPolicy::UpsertCredential(Credential credential) {
  std::uint32_t position = credential_index_.Find(credential.key);
  if (position != CredentialIndex::kAbsent) {
    credentials_[position] = std::move(credential);
  } else {
    position = static_cast<std::uint32_t>(credentials_.size());
    credentials_.push_back(std::move(credential));
  }
  const Credential& stored = credentials_[position];
  credential_index_.Set(stored.key, position, stored.levels.data());
}

Status CompiledPolicy::RevokeCredential(const CredentialKey& key) {
  const std::uint32_t position = credential_index_.Find(key);
  if (position == CredentialIndex::kAbsent) {
    return NotFoundError("no credential with that key to revoke");
  }
  credentials_[position].flags |= kCredentialRevoked;
  return OkStatus();
}

Status CompiledPolicy::RemoveCredential(const CredentialKey& key) {
  const std::uint32_t position = credential_index_.Find(key);
  if (position == CredentialIndex::kAbsent) {
    return NotFoundError("no credential with that key to remove");
  }
  credential_index_.Erase(key);
  if (position + 1 != credentials_.size()) {
    credentials_[position] = std::move(credentials_.back());
    const Credential& moved = credentials_[position];
    credential_index_.Set(moved.key, position, moved.levels.data());
  }
  credentials_.pop_back();
  return OkStatus();
}

Snapshot CompiledPolicy::ToSnapshot() const {
  Snapshot snapshot;
  snapshot.version = version_;
  CopySorted(sites_, snapshot.sites);
  CopySorted(zones_, snapshot.zones);
  CopySorted(doors_, snapshot.doors);
  CopySorted(schedules_, snapshot.schedules);
  CopySorted(levels_, snapshot.levels);
  snapshot.credentials = credentials_;
  std::sort(snapshot.credentials.begin(), snapshot.credentials.end(),
            [](const Credential& a, const Credential& b) { return a.key < b.key; });
  return snapshot;
}

}  // namespace sekisho::policy
