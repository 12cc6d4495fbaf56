// CompiledPolicy: a Snapshot indexed for the door path. Every lookup Decide makes (door, site,
// zone, schedule, level by id; credential by key) is one probe of a flat hash index, and a delta
// from the server (add, replace, revoke or remove a credential; replace or remove an object)
// updates the index in place instead of rebuilding it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "policy/flat_index.h"
#include "policy/model.h"

namespace sekisho::policy {

class CompiledPolicy {
 public:
  // Indexes `snapshot` (taken by value: move it in to avoid copying the credential table).
  // Checks only what the index itself needs; referential integrity and value ranges are
  // Validate's job (policy/validate.h), and Decide fails closed on dangling references.
  // Errors: kInvalidArgument when an object id is kNone, or an id (per kind) or a credential key
  // occurs twice; the message names the kind and the id (never a key).
  // Site holidays are sorted and deduplicated on the way in.
  static Result<std::unique_ptr<CompiledPolicy>> Create(Snapshot snapshot);

  CompiledPolicy(const CompiledPolicy&) = delete;
  CompiledPolicy& operator=(const CompiledPolicy&) = delete;

  // The snapshot version this index reflects; a delta sets the version it brings.
  std::uint64_t version() const { return version_; }
  void set_version(std::uint64_t version) { version_ = version; }

  // Lookups: nullptr when absent. Pointers stay valid until the next update.
  const Site* FindSite(ObjectId id) const { return Find(sites_, id); }
  const Zone* FindZone(ObjectId id) const { return Find(zones_, id); }
  const Door* FindDoor(ObjectId id) const { return Find(doors_, id); }
  const Schedule* FindSchedule(ObjectId id) const { return Find(schedules_, id); }
  const AccessLevel* FindLevel(ObjectId id) const { return Find(levels_, id); }
  const Credential* FindCredential(const CredentialKey& key) const {
    const LevelAssignment* levels = nullptr;
    const std::uint32_t position = credential_index_.Find(key, &levels);
    if (position == CredentialIndex::kAbsent) return nullptr;
    // The slot remembers where the credential's level assignments live: fetching them now
    // overlaps that cache miss with the one for the record (about a quarter off a decision on a
    // 100k-staff snapshot; docs/policy.md, "Cost"). Only a hint: a stale address is harmless.
    __builtin_prefetch(levels);
    return &credentials_[position];
  }

  // Updates (a delta). Upsert adds the object, or replaces the one with the same id (key).
  // Errors: kInvalidArgument for an id of kNone; kNotFound from Remove*/Revoke* when absent.
  Status UpsertSite(Site site);
  Status UpsertZone(Zone zone);
  Status UpsertDoor(Door door);
  Status UpsertSchedule(Schedule schedule);
  Status UpsertLevel(AccessLevel level);
  Status RemoveSite(ObjectId id);
  Status RemoveZone(ObjectId id);
  Status RemoveDoor(ObjectId id);
  Status RemoveSchedule(ObjectId id);
  Status RemoveLevel(ObjectId id);
  void UpsertCredential(Credential credential);
  // Sets kCredentialRevoked on the credential (a lost card, pushed within seconds: DESIGN.md §5).
  Status RevokeCredential(const CredentialKey& key);
  Status RemoveCredential(const CredentialKey& key);

  std::size_t site_count() const { return sites_.objects.size(); }
  std::size_t zone_count() const { return zones_.objects.size(); }
  std::size_t door_count() const { return doors_.objects.size(); }
  std::size_t schedule_count() const { return schedules_.objects.size(); }
  std::size_t level_count() const { return levels_.objects.size(); }
  std::size_t credential_count() const { return credentials_.size(); }

  // The indexed content as a Snapshot in model.h's canonical order (objects by id, credentials
  // by key): applying a delta here and to the server's Snapshot gives equal snapshots.
  Snapshot ToSnapshot() const;

 private:
  using IdIndex = FlatIndex<ObjectId, ObjectIdHash>;
  // Extra: the address of the credential's level assignments (a prefetch hint).
  using CredentialIndex = FlatIndex<CredentialKey, CredentialKeyHash, const LevelAssignment*>;

  // Objects of one kind in a dense vector (order irrelevant; removal moves the last one into
  // the gap) and the index from id to position.
  template <typename T>
  struct Table {
    std::vector<T> objects;
    IdIndex index;
  };

  CompiledPolicy() = default;

  template <typename T>
  static const T* Find(const Table<T>& table, ObjectId id) {
    const std::uint32_t position = table.index.Find(id);
    return position == IdIndex::kAbsent ? nullptr : &table.objects[position];
  }
  template <typename T>
  static Status Fill(Table<T>& table, std::vector<T> objects, const char* kind);
  template <typename T>
  static Status Upsert(Table<T>& table, T object, const char* kind);
  template <typename T>
  static Status Remove(Table<T>& table, ObjectId id, const char* kind);
  template <typename T>
  static void CopySorted(const Table<T>& table, std::vector<T>& out);

  std::uint64_t version_ = 0;
  Table<Site> sites_;
  Table<Zone> zones_;
  Table<Door> doors_;
  Table<Schedule> schedules_;
  Table<AccessLevel> levels_;
  std::vector<Credential> credentials_;
  CredentialIndex credential_index_;
};

}  // namespace sekisho::policy
