// State (policy/state.h).
#include "policy/state.h"

#include <algorithm>

namespace sekisho::policy {
namespace {

// Erases the records of `map` expired at `now` and returns the earliest remaining expiry.
template <typename Map>
UnixSeconds EraseExpired(Map& map, UnixSeconds now) {
  UnixSeconds earliest = kEndOfTime;
  for (auto it = map.begin(); it != map.end();) {
    if (it->second.expires <= now) {
      it = map.erase(it);
    } else {
      earliest = std::min(earliest, it->second.expires);
      ++it;
    }
  }
  return earliest;
}

}  // namespace

const LocationRecord* State::Location(const StaffRef& staff, UnixSeconds now) const {
  const auto it = locations_.find(staff);
  if (it == locations_.end() || now >= it->second.expires) return nullptr;
  return &it->second;
}

const PendingEntry* State::Pending(ObjectId door, UnixSeconds now) const {
  const auto it = pending_.find(door);
  if (it == pending_.end() || now < it->second.since || now >= it->second.expires) return nullptr;
  return &it->second;
}

const UnlockRecord* State::Unlocked(ObjectId zone, UnixSeconds now) const {
  const auto it = unlocked_.find(zone);
  if (it == unlocked_.end() || now >= it->second.expires) return nullptr;
  return &it->second;
}

void State::SetLocation(const StaffRef& staff, const LocationRecord& record) {
  locations_[staff] = record;
  next_location_expiry_ = std::min(next_location_expiry_, record.expires);
}

void State::SetPending(ObjectId door, const PendingEntry& entry) {
  pending_[door] = entry;
  next_pending_expiry_ = std::min(next_pending_expiry_, entry.expires);
}

void State::SetUnlocked(ObjectId zone, const UnlockRecord& record) {
  unlocked_[zone] = record;
  next_unlocked_expiry_ = std::min(next_unlocked_expiry_, record.expires);
}

void State::ClearPending(ObjectId door) { pending_.erase(door); }

void State::Prune(UnixSeconds now) {
  if (now >= next_location_expiry_) next_location_expiry_ = EraseExpired(locations_, now);
  if (now >= next_pending_expiry_) next_pending_expiry_ = EraseExpired(pending_, now);
  if (now >= next_unlocked_expiry_) next_unlocked_expiry_ = EraseExpired(unlocked_, now);
}

void State::Clear() {
  locations_.clear();
  pending_.clear();
  unlocked_.clear();
  next_location_expiry_ = kEndOfTime;
  next_pending_expiry_ = kEndOfTime;
  next_unlocked_expiry_ = kEndOfTime;
}

}  // namespace sekisho::policy
