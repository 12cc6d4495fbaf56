// State: what a gate remembers between decisions (docs/policy.md, "State"): where each staff
// member was last let in (anti-passback), the first card of a pending two-person entry per door,
// and which first-person-in zones are unlocked. Every record carries its expiry; expired records
// are ignored by the lookups and removed by Prune, so the state stays bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unordered_map>

#include "policy/model.h"

namespace sekisho::policy {

// The zone a staff member was last let into, until the site's daily reset.
struct LocationRecord {
  ObjectId zone = kNone;
  UnixSeconds since = 0;
  UnixSeconds expires = kEndOfTime;
  friend bool operator==(const LocationRecord&, const LocationRecord&) = default;
};

// The first card of a two-person entry, waiting at a door for a second holder.
struct PendingEntry {
  StaffRef staff{};
  CredentialKey credential{};    // re-checked when the second card comes (revoked meanwhile?)
  bool first_person_in = false;  // the holder is of the zone's first-person-in level
  UnixSeconds since = 0;
  UnixSeconds expires = kEndOfTime;  // since + the zone's two_person_window_seconds
  friend bool operator==(const PendingEntry&, const PendingEntry&) = default;
};

// A first-person-in zone unlocked by a holder of its level, until the site's daily reset.
struct UnlockRecord {
  UnixSeconds since = 0;
  UnixSeconds expires = kEndOfTime;
  friend bool operator==(const UnlockRecord&, const UnlockRecord&) = default;
};

struct StaffRefHash {
  std::size_t operator()(const StaffRef& staff) const {
    std::size_t prefix;  // staff references are random (DESIGN.md §3)
    std::memcpy(&prefix, staff.data(), sizeof prefix);
    return prefix;
  }
};

// Holds at most one record per staff member, per door and per zone; a record lives until its
// `expires` (location and unlock records: the site's next daily reset; pending entries: the
// two-person window). Memory is therefore bounded by the staff who passed a door since the last
// reset plus the doors and zones of the snapshot. Not thread-safe; a gate owns one State.
class State {
 public:
  // The record live at `now`, or nullptr. Location and unlock records are live while
  // now < expires; a pending entry while since <= now < expires.
  const LocationRecord* Location(const StaffRef& staff, UnixSeconds now) const;
  const PendingEntry* Pending(ObjectId door, UnixSeconds now) const;
  const UnlockRecord* Unlocked(ObjectId zone, UnixSeconds now) const;

  // Replace any record with the same key.
  void SetLocation(const StaffRef& staff, const LocationRecord& record);
  void SetPending(ObjectId door, const PendingEntry& entry);
  void SetUnlocked(ObjectId zone, const UnlockRecord& record);
  void ClearPending(ObjectId door);

  // Removes every record expired at `now`. Cheap when nothing has expired since the last call
  // (each kind remembers its earliest expiry); RecordPassage calls it.
  void Prune(UnixSeconds now);

  // Forgets everything (a gate restart, or a new snapshot for a different gate).
  void Clear();

  std::size_t location_count() const { return locations_.size(); }
  std::size_t pending_count() const { return pending_.size(); }
  std::size_t unlocked_count() const { return unlocked_.size(); }

 private:
  std::unordered_map<StaffRef, LocationRecord, StaffRefHash> locations_;
  std::unordered_map<ObjectId, PendingEntry> pending_;
  std::unordered_map<ObjectId, UnlockRecord> unlocked_;
  UnixSeconds next_location_expiry_ = kEndOfTime;
  UnixSeconds next_pending_expiry_ = kEndOfTime;
  UnixSeconds next_unlocked_expiry_ = kEndOfTime;
};

}  // namespace sekisho::policy
