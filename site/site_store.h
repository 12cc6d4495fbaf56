// SiteStore: the administration model the server keeps per organisation (sites, zones, doors,
// schedules, access levels and staff level assignments, each with a human name) in one SQLite
// file, site.db, in the data directory. Names stay on the server: the snapshot builder
// (site/snapshot_builder.h) turns the objects into a policy::Snapshot without them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "policy/model.h"
#include "store/sqlite/database.h"
#include "store/types.h"

namespace sekisho::site {

using policy::ObjectId;
using store::OrganisationId;
using store::StaffId;

// The file name of the site store inside a data directory, beside the registry.
inline constexpr std::string_view kSiteFile = "site.db";
// Names are 1 to kMaxNameLength bytes of UTF-8 without control characters or a run of 12 digits
// (store::ValidateText), unique per kind of object within an organisation.
inline constexpr std::size_t kMaxNameLength = 200;

// The named objects. `model.id` is the object's id (kNone in a Create call, which assigns it);
// every other field of `model` is the policy object as a gate sees it (policy/model.h).
struct Site {
  std::string name;
  policy::Site model;
  friend bool operator==(const Site&, const Site&) = default;
};

struct Zone {
  std::string name;
  policy::Zone model;
  friend bool operator==(const Zone&, const Zone&) = default;
};

// A door and the gate (door controller, snapshot::GateId) that drives it; 0 while none does.
struct Door {
  std::string name;
  policy::Door model;
  std::uint32_t gate = 0;
  friend bool operator==(const Door&, const Door&) = default;
};

struct Schedule {
  std::string name;
  policy::Schedule model;
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

struct AccessLevel {
  std::string name;
  policy::AccessLevel model;
  friend bool operator==(const AccessLevel&, const AccessLevel&) = default;
};

// A staff member (a registry StaffId of the same organisation) holds `model.level` during
// [model.valid_from, model.valid_until). The store does not check the staff id against the
// registry (it has no access to it): the API does, and the snapshot builder ignores assignments
// of staff it does not know.
struct LevelAssignment {
  ObjectId id = policy::kNone;
  StaffId staff;
  policy::LevelAssignment model;
  friend bool operator==(const LevelAssignment&, const LevelAssignment&) = default;
};

// Contract shared by every method:
// - Everything is scoped to one organisation (an OrganisationId of the registry; the store does
//   not check it against the registry). An object of another organisation is kNotFound, exactly
//   as if it did not exist.
// - Ids are assigned by the store, are never 0 and are never reused (also not after a delete).
// - Create* ignores the id in its argument; Update* replaces every field of the object named by
//   its id. Unknown id: kNotFound "door 7 not found".
// - kInvalidArgument for a bad name ("name: ..."), a reference to an object that does not exist
//   ("door: to_zone 9 does not exist"), or a change after which the organisation's model fails
//   policy::Validate (its message). kAlreadyExists when the name is taken by another object of
//   the same kind. Nothing is written on any error.
// - Delete* of an object still referenced: kFailedPrecondition naming the first user, e.g.
//   "zone 3 is used by door 7" (a site by its zones and doors, a zone by doors and level rules,
//   a schedule by level rules, a level by zones' first-person-in, sites' lockdown override and
//   staff level assignments).
// - Every successful change increments the organisation's revision (Revision()), so the server
//   knows its policy changed. A change that writes nothing new still counts.
// - Store failures: kUnavailable when another connection holds the write lock beyond the busy
//   timeout; kDataLoss when stored data does not decode; kInternal for a bug.
// - Safe to call from several threads.
class SiteStore {
 public:
  // Opens the store at `path` (normally DataDir root / kSiteFile), creating it when absent, and
  // brings its schema to the latest version. Errors of store::sqlite::Database::Open and
  // Migrate (kFailedPrecondition for a newer schema or a file of another application).
  static Result<std::unique_ptr<SiteStore>> Open(const std::filesystem::path& path);
  ~SiteStore();
  SiteStore(const SiteStore&) = delete;
  SiteStore& operator=(const SiteStore&) = delete;

  // --- Sites ----------------------------------------------------------------------------------
  Result<Site> CreateSite(OrganisationId org, const Site& site);
  Result<Site> UpdateSite(OrganisationId org, const Site& site);
  Status DeleteSite(OrganisationId org, ObjectId id);
  Result<Site> GetSite(OrganisationId org, ObjectId id);
  // Every site of the organisation, by id.
  Result<std::vector<Site>> ListSites(OrganisationId org);
  // Sets only the lockdown flag (the console's and the demo's lockdown button).
  Status SetLockdown(OrganisationId org, ObjectId site, bool lockdown);
  // Sets only the threat level (levels apply while threat_level <= their max_threat_level).
  Status SetThreatLevel(OrganisationId org, ObjectId site, std::uint8_t threat_level);

  // --- Zones ----------------------------------------------------------------------------------
  Result<Zone> CreateZone(OrganisationId org, const Zone& zone);
  Result<Zone> UpdateZone(OrganisationId org, const Zone& zone);
  Status DeleteZone(OrganisationId org, ObjectId id);
  Result<Zone> GetZone(OrganisationId org, ObjectId id);
  Result<std::vector<Zone>> ListZones(OrganisationId org);

  // --- Doors ----------------------------------------------------------------------------------
  Result<Door> CreateDoor(OrganisationId org, const Door& door);
  Result<Door> UpdateDoor(OrganisationId org, const Door& door);
  Status DeleteDoor(OrganisationId org, ObjectId id);
  Result<Door> GetDoor(OrganisationId org, ObjectId id);
  Result<std::vector<Door>> ListDoors(OrganisationId org);

  // --- Schedules ------------------------------------------------------------------------------
  Result<Schedule> CreateSchedule(OrganisationId org, const Schedule& schedule);
  Result<Schedule> UpdateSchedule(OrganisationId org, const Schedule& schedule);
  Status DeleteSchedule(OrganisationId org, ObjectId id);
  Result<Schedule> GetSchedule(OrganisationId org, ObjectId id);
  Result<std::vector<Schedule>> ListSchedules(OrganisationId org);

  // --- Access levels --------------------------------------------------------------------------
  Result<AccessLevel> CreateLevel(OrganisationId org, const AccessLevel& level);
  Result<AccessLevel> UpdateLevel(OrganisationId org, const AccessLevel& level);
  Status DeleteLevel(OrganisationId org, ObjectId id);
  Result<AccessLevel> GetLevel(OrganisationId org, ObjectId id);
  Result<std::vector<AccessLevel>> ListLevels(OrganisationId org);

  // --- Staff level assignments ----------------------------------------------------------------
  // kInvalidArgument for an unknown level, a staff id <= 0, valid_from >= valid_until or a bound
  // outside the years 0000 to 9999 (kBeginningOfTime and kEndOfTime are the open ends).
  Result<LevelAssignment> CreateAssignment(OrganisationId org, const LevelAssignment& assignment);
  Result<LevelAssignment> UpdateAssignment(OrganisationId org, const LevelAssignment& assignment);
  Status DeleteAssignment(OrganisationId org, ObjectId id);
  Result<LevelAssignment> GetAssignment(OrganisationId org, ObjectId id);
  // Every assignment of the organisation, by id.
  Result<std::vector<LevelAssignment>> ListAssignments(OrganisationId org);
  // The assignments of one staff member, by id (empty when none).
  Result<std::vector<LevelAssignment>> ListAssignmentsOfStaff(OrganisationId org, StaffId staff);

  // --- The whole model ------------------------------------------------------------------------
  // The organisation's revision: 0 before its first change, then one more per change.
  Result<std::uint64_t> Revision(OrganisationId org);
  // The organisation's sites, zones, doors, schedules and levels as policy objects, sorted by id
  // (credentials empty, version 0), read in one transaction. It passes policy::Validate.
  Result<policy::Snapshot> Model(OrganisationId org);

 private:
  explicit SiteStore(std::unique_ptr<store::sqlite::Database> db);

  std::mutex mu_;
  std::unique_ptr<store::sqlite::Database> db_;
};

}  // namespace sekisho::site
