#include "site/snapshot_builder.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "policy/validate.h"

namespace sekisho::site {
namespace {

using policy::UnixSeconds;

// Whole minutes toward the past (floor division also for times before 1970).
UnixSeconds FloorToMinute(TimePoint t) {
  return std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()).count() * 60;
}
UnixSeconds FloorToSecond(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<policy::Snapshot> BuildSnapshot(store::Registry& registry, SiteStore& site_store,
                                       OrganisationId org, TimePoint now) {
  ASSIGN_OR_RETURN(policy::Snapshot snapshot, site_store.Model(org));
  ASSIGN_OR_RETURN(const std::vector<LevelAssignment> assignments, site_store.ListAssignments(org));
  ASSIGN_OR_RETURN(const std::vector<store::OrganisationCredential> credentials,
                   registry.ListOrganisationCredentials(org));
  const UnixSeconds now_seconds = FloorToSecond(now);

  // Each staff member's levels, sorted, ended ones dropped, past starts opened.
  std::unordered_map<std::int64_t, std::vector<policy::LevelAssignment>> levels_of;
  // The model and the assignments are two reads: a level created in between is not in this
  // model yet, and its assignments wait for the next build (the change bumped the revision).
  std::unordered_set<ObjectId> known_levels;
  for (const policy::AccessLevel& level : snapshot.levels) known_levels.insert(level.id);
  for (const LevelAssignment& a : assignments) {
    if (!known_levels.contains(a.model.level)) continue;
    policy::LevelAssignment level = a.model;
    if (level.valid_until <= now_seconds) continue;
    if (level.valid_from <= now_seconds) level.valid_from = policy::kBeginningOfTime;
    levels_of[a.staff.value()].push_back(level);
  }
  for (auto& [staff, levels] : levels_of) {
    std::sort(levels.begin(), levels.end(), [](const auto& x, const auto& y) {
      return std::tie(x.level, x.valid_from, x.valid_until) <
             std::tie(y.level, y.valid_from, y.valid_until);
    });
  }

  for (const store::OrganisationCredential& item : credentials) {
    const store::Credential& c = item.credential;
    if (c.status == store::CredentialStatus::kRetired) continue;
    if (item.staff_status == store::StaffStatus::kLeft) continue;
    if (c.pseudonym.size() < policy::kCredentialKeySize) {
      return DataLossError("credential " + std::to_string(c.id.value()) +
                           ": stored pseudonym too short");
    }
    policy::Credential out;
    out.key = policy::CredentialKeyOf(c.pseudonym);
    std::copy_n(item.staff_ref.view().begin(), out.staff.size(), out.staff.begin());
    const bool usable = c.status == store::CredentialStatus::kActive &&
                        item.staff_status == store::StaffStatus::kActive;
    out.flags = usable ? 0 : policy::kCredentialRevoked;

    const TimePoint until =
        item.staff_valid_until ? std::min(*item.staff_valid_until, c.not_after) : c.not_after;
    out.valid_from = FloorToMinute(item.staff_valid_from);
    out.valid_until = FloorToMinute(until);
    if (out.valid_from >= out.valid_until) continue;  // never valid: nothing to tell a gate
    if (out.valid_from <= now_seconds) out.valid_from = policy::kBeginningOfTime;

    if (auto it = levels_of.find(c.staff.value()); it != levels_of.end()) out.levels = it->second;
    snapshot.credentials.push_back(std::move(out));
  }
  std::sort(snapshot.credentials.begin(), snapshot.credentials.end(),
            [](const policy::Credential& x, const policy::Credential& y) { return x.key < y.key; });

  if (Status valid = policy::Validate(snapshot); !valid.ok()) {
    return InternalError("the built snapshot fails validation: " + valid.message());
  }
  return snapshot;
}

}  // namespace sekisho::site
