#include "site/site_store.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "policy/validate.h"
#include "site/model_json.h"
#include "store/sqlite/migrations.h"
#include "store/validation.h"

namespace sekisho::site {
namespace {

using nlohmann::json;
using store::sqlite::Database;
using store::sqlite::Migration;
using store::sqlite::Statement;
using store::sqlite::StatementLease;
using store::sqlite::Transaction;

// Version 1. Sites, zones, doors, schedules and levels are rows of one table, their JSON form
// (site/model_json.h) in `body`, so one id sequence serves them all and ids are never reused
// (AUTOINCREMENT). The model is small (about a thousand doors); every change reads it whole to
// check references and policy::Validate. Level assignments (one or more per staff member) have
// their own columns so that they are found by staff and by level. Times are Unix seconds; NULL
// is the open end.
constexpr std::string_view kV1 = R"sql(
PRAGMA application_id = 1397050185;  -- store::sqlite::kApplicationId, "SEKI"

CREATE TABLE site_objects (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('site', 'zone', 'door', 'schedule', 'level')),
  name   TEXT NOT NULL CHECK (length(name) > 0),
  body   TEXT NOT NULL,
  UNIQUE (org_id, kind, name)
) STRICT;
CREATE INDEX site_objects_org_kind ON site_objects (org_id, kind, id);

CREATE TABLE level_assignments (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id      INTEGER NOT NULL,
  staff_id    INTEGER NOT NULL CHECK (staff_id > 0),
  level_id    INTEGER NOT NULL REFERENCES site_objects (id),
  valid_from  INTEGER,
  valid_until INTEGER
) STRICT;
CREATE INDEX level_assignments_staff ON level_assignments (org_id, staff_id, id);
CREATE INDEX level_assignments_level ON level_assignments (org_id, level_id);

CREATE TABLE site_revisions (
  org_id   INTEGER PRIMARY KEY,
  revision INTEGER NOT NULL
) STRICT;
)sql";

constexpr Migration kMigrations[] = {
    {1, "site objects, level assignments, revisions", kV1},
};

std::string Str(std::int64_t value) { return std::to_string(value); }

// One organisation's policy objects, each vector sorted by id.
struct Objects {
  std::vector<Site> sites;
  std::vector<Zone> zones;
  std::vector<Door> doors;
  std::vector<Schedule> schedules;
  std::vector<AccessLevel> levels;
};

// What differs between the kinds of object.
template <typename T>
struct Kind;

template <>
struct Kind<Site> {
  static constexpr std::string_view kName = "site";
  static std::vector<Site>& Of(Objects& o) { return o.sites; }
  static json ToJson(const Site& s) { return SiteToJson(s); }
  static Result<Site> FromJson(const json& j) { return SiteFromJson(j); }
};
template <>
struct Kind<Zone> {
  static constexpr std::string_view kName = "zone";
  static std::vector<Zone>& Of(Objects& o) { return o.zones; }
  static json ToJson(const Zone& z) { return ZoneToJson(z); }
  static Result<Zone> FromJson(const json& j) { return ZoneFromJson(j); }
};
template <>
struct Kind<Door> {
  static constexpr std::string_view kName = "door";
  static std::vector<Door>& Of(Objects& o) { return o.doors; }
  static json ToJson(const Door& d) { return DoorToJson(d); }
  static Result<Door> FromJson(const json& j) { return DoorFromJson(j); }
};
template <>
struct Kind<Schedule> {
  static constexpr std::string_view kName = "schedule";
  static std::vector<Schedule>& Of(Objects& o) { return o.schedules; }
  static json ToJson(const Schedule& s) { return ScheduleToJson(s); }
  static Result<Schedule> FromJson(const json& j) { return ScheduleFromJson(j); }
};
template <>
struct Kind<AccessLevel> {
  static constexpr std::string_view kName = "level";
  static std::vector<AccessLevel>& Of(Objects& o) { return o.levels; }
  static json ToJson(const AccessLevel& l) { return LevelToJson(l); }
  static Result<AccessLevel> FromJson(const json& j) { return LevelFromJson(j); }
};

// What the JSON form does not keep is not kept: holiday windows' day bits, which Decide ignores.
template <typename T>
void Normalize(T&) {}
template <>
void Normalize(Schedule& schedule) {
  for (policy::TimeWindow& w : schedule.model.holiday_windows) w.days = 0;
}

template <typename T>
std::string Named(ObjectId id) {
  return std::string(Kind<T>::kName) + " " + Str(id);
}

template <typename T>
bool Has(const std::vector<T>& objects, ObjectId id) {
  return std::any_of(objects.begin(), objects.end(), [id](const T& o) { return o.model.id == id; });
}

template <typename T>
Status CheckExists(const std::vector<T>& objects, ObjectId id, std::string_view field,
                   bool optional) {
  if (optional && id == policy::kNone) return OkStatus();
  if (Has(objects, id)) return OkStatus();
  return InvalidArgumentError(std::string(Kind<T>::kName) + ": " + std::string(field) + " " +
                              Str(id) + " does not exist");
}

// The references of one object, with the store's messages ("door: to_zone 9 does not exist").
Status CheckReferences(const Objects& o, const Site& s) {
  if (s.model.lockdown_override_level == policy::kNone) return OkStatus();
  if (Has(o.levels, s.model.lockdown_override_level)) return OkStatus();
  return InvalidArgumentError("site: lockdown_override_level " +
                              Str(s.model.lockdown_override_level) + " does not exist");
}
Status CheckReferences(const Objects& o, const Zone& z) {
  if (!Has(o.sites, z.model.site)) {
    return InvalidArgumentError("zone: site " + Str(z.model.site) + " does not exist");
  }
  if (z.model.first_person_in_level != policy::kNone &&
      !Has(o.levels, z.model.first_person_in_level)) {
    return InvalidArgumentError("zone: first_person_in_level " +
                                Str(z.model.first_person_in_level) + " does not exist");
  }
  return OkStatus();
}
Status CheckReferences(const Objects& o, const Door& d) {
  if (!Has(o.sites, d.model.site)) {
    return InvalidArgumentError("door: site " + Str(d.model.site) + " does not exist");
  }
  for (const auto& [field, id, optional] : {std::tuple{"to_zone", d.model.to_zone, false},
                                            std::tuple{"from_zone", d.model.from_zone, true}}) {
    if (optional && id == policy::kNone) continue;
    if (!Has(o.zones, id)) {
      return InvalidArgumentError(std::string("door: ") + field + " " + Str(id) +
                                  " does not exist");
    }
  }
  return OkStatus();
}
Status CheckReferences(const Objects&, const Schedule&) { return OkStatus(); }
Status CheckReferences(const Objects& o, const AccessLevel& l) {
  for (std::size_t i = 0; i < l.model.rules.size(); ++i) {
    const policy::LevelRule& rule = l.model.rules[i];
    const std::string where = "level: rules[" + Str(static_cast<std::int64_t>(i)) + "].";
    if (!Has(o.zones, rule.zone)) {
      return InvalidArgumentError(where + "zone " + Str(rule.zone) + " does not exist");
    }
    if (rule.schedule != policy::kNone && !Has(o.schedules, rule.schedule)) {
      return InvalidArgumentError(where + "schedule " + Str(rule.schedule) + " does not exist");
    }
  }
  return OkStatus();
}

// The first object that refers to `id`, as "door 7", or nullopt.
std::optional<std::string> UserOf(const Objects& o, const Site& s) {
  const ObjectId id = s.model.id;
  for (const Zone& z : o.zones) {
    if (z.model.site == id) return Named<Zone>(z.model.id);
  }
  for (const Door& d : o.doors) {
    if (d.model.site == id) return Named<Door>(d.model.id);
  }
  return std::nullopt;
}
std::optional<std::string> UserOf(const Objects& o, const Zone& z) {
  const ObjectId id = z.model.id;
  for (const Door& d : o.doors) {
    if (d.model.to_zone == id || d.model.from_zone == id) return Named<Door>(d.model.id);
  }
  for (const AccessLevel& l : o.levels) {
    for (const policy::LevelRule& rule : l.model.rules) {
      if (rule.zone == id) return Named<AccessLevel>(l.model.id);
    }
  }
  return std::nullopt;
}
std::optional<std::string> UserOf(const Objects&, const Door&) { return std::nullopt; }
std::optional<std::string> UserOf(const Objects& o, const Schedule& s) {
  for (const AccessLevel& l : o.levels) {
    for (const policy::LevelRule& rule : l.model.rules) {
      if (rule.schedule == s.model.id) return Named<AccessLevel>(l.model.id);
    }
  }
  return std::nullopt;
}
std::optional<std::string> UserOf(const Objects& o, const AccessLevel& l) {
  const ObjectId id = l.model.id;
  for (const Site& s : o.sites) {
    if (s.model.lockdown_override_level == id) return Named<Site>(s.model.id);
  }
  for (const Zone& z : o.zones) {
    if (z.model.first_person_in_level == id) return Named<Zone>(z.model.id);
  }
  return std::nullopt;
}

policy::Snapshot ModelOf(const Objects& o) {
  policy::Snapshot snapshot;
  for (const Site& s : o.sites) snapshot.sites.push_back(s.model);
  for (const Zone& z : o.zones) snapshot.zones.push_back(z.model);
  for (const Door& d : o.doors) snapshot.doors.push_back(d.model);
  for (const Schedule& s : o.schedules) snapshot.schedules.push_back(s.model);
  for (const AccessLevel& l : o.levels) snapshot.levels.push_back(l.model);
  return snapshot;
}

// A stored body that does not decode means the file was altered outside Sekisho.
template <typename T>
Result<T> DecodeBody(std::int64_t id, const std::string& body) {
  const std::string row = "stored " + Named<T>(static_cast<ObjectId>(id));
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return DataLossError(row + ": not JSON");
  Result<T> object = Kind<T>::FromJson(j);
  if (!object.ok()) return DataLossError(row + ": " + object.status().message());
  if (object->model.id != id) return DataLossError(row + ": holds id " + Str(object->model.id));
  return object;
}

template <typename T>
Status LoadKind(Database& db, OrganisationId org, std::vector<T>* out) {
  ASSIGN_OR_RETURN(StatementLease s,
                   db.Cached("SELECT id, body FROM site_objects WHERE org_id = ?1 AND kind = ?2 "
                             "ORDER BY id"));
  s->BindInt(1, org.value()).BindText(2, Kind<T>::kName);
  while (true) {
    ASSIGN_OR_RETURN(const bool row, s->Step());
    if (!row) return OkStatus();
    ASSIGN_OR_RETURN(T object, DecodeBody<T>(s->ColumnInt(0), s->ColumnText(1)));
    out->push_back(std::move(object));
  }
}

template <typename T>
Result<std::vector<T>> ListKind(Database& db, OrganisationId org) {
  std::vector<T> out;
  RETURN_IF_ERROR(LoadKind(db, org, &out));
  return out;
}

Result<Objects> Load(Database& db, OrganisationId org) {
  Objects o;
  RETURN_IF_ERROR(LoadKind(db, org, &o.sites));
  RETURN_IF_ERROR(LoadKind(db, org, &o.zones));
  RETURN_IF_ERROR(LoadKind(db, org, &o.doors));
  RETURN_IF_ERROR(LoadKind(db, org, &o.schedules));
  RETURN_IF_ERROR(LoadKind(db, org, &o.levels));
  return o;
}

template <typename T>
Result<T> GetOne(Database& db, OrganisationId org, ObjectId id) {
  ASSIGN_OR_RETURN(StatementLease s, db.Cached("SELECT id, body FROM site_objects WHERE org_id = "
                                               "?1 AND kind = ?2 AND id = ?3"));
  s->BindInt(1, org.value()).BindText(2, Kind<T>::kName).BindInt(3, id);
  ASSIGN_OR_RETURN(const bool row, s->Step());
  if (!row) return NotFoundError(Named<T>(id) + " not found");
  return DecodeBody<T>(s->ColumnInt(0), s->ColumnText(1));
}

Status BumpRevision(Database& db, OrganisationId org) {
  ASSIGN_OR_RETURN(StatementLease s,
                   db.Cached("INSERT INTO site_revisions (org_id, revision) VALUES (?1, 1) "
                             "ON CONFLICT (org_id) DO UPDATE SET revision = revision + 1"));
  s->BindInt(1, org.value());
  return s->Run();
}

// kAlreadyExists when another object of the kind has the name.
template <typename T>
Status CheckName(const std::vector<T>& objects, const T& object) {
  RETURN_IF_ERROR(store::ValidateText("name", object.name, kMaxNameLength, /*required=*/true,
                                      /*free_text=*/true));
  for (const T& other : objects) {
    if (other.name == object.name && other.model.id != object.model.id) {
      return AlreadyExistsError(std::string(Kind<T>::kName) + " name '" + object.name +
                                "' is taken by " + Named<T>(other.model.id));
    }
  }
  return OkStatus();
}

Status ValidateModel(const Objects& o) {
  Status status = policy::Validate(ModelOf(o));
  if (status.ok()) return status;
  return InvalidArgumentError(status.message());
}

// A freshly assigned row id as an ObjectId (ids are u32 in the model).
Result<ObjectId> NewId(Database& db, std::string_view what) {
  const std::int64_t id = db.LastInsertRowId();
  if (id <= 0 || id > std::numeric_limits<ObjectId>::max()) {
    return InternalError(std::string(what) + " id " + Str(id) + " does not fit 32 bits");
  }
  return static_cast<ObjectId>(id);
}

template <typename T>
Status WriteBody(Database& db, const T& object) {
  ASSIGN_OR_RETURN(StatementLease s,
                   db.Cached("UPDATE site_objects SET name = ?2, body = ?3 WHERE id = ?1"));
  s->BindInt(1, object.model.id)
      .BindText(2, object.name)
      .BindText(3, Kind<T>::ToJson(object).dump());
  return s->Run();
}

// Create: a row first (for the id), then the checks on the whole model, then the body.
template <typename T>
Result<T> CreateLocked(Database& db, OrganisationId org, T object) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  ASSIGN_OR_RETURN(Objects objects, Load(db, org));
  object.model.id = policy::kNone;
  Normalize(object);
  RETURN_IF_ERROR(CheckName(Kind<T>::Of(objects), object));
  RETURN_IF_ERROR(CheckReferences(objects, object));
  {
    ASSIGN_OR_RETURN(StatementLease s,
                     db.Cached("INSERT INTO site_objects (org_id, kind, name, body) "
                               "VALUES (?1, ?2, ?3, '')"));
    s->BindInt(1, org.value()).BindText(2, Kind<T>::kName).BindText(3, object.name);
    RETURN_IF_ERROR(s->Run());
  }
  ASSIGN_OR_RETURN(object.model.id, NewId(db, Kind<T>::kName));
  Kind<T>::Of(objects).push_back(object);  // the largest id: the vector stays sorted
  RETURN_IF_ERROR(ValidateModel(objects));
  RETURN_IF_ERROR(WriteBody(db, object));
  RETURN_IF_ERROR(BumpRevision(db, org));
  RETURN_IF_ERROR(transaction.Commit());
  return object;
}

// Update: `edit` changes the stored object in place (a whole replacement or one field).
template <typename T, typename Edit>
Result<T> UpdateLocked(Database& db, OrganisationId org, ObjectId id, Edit edit) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  ASSIGN_OR_RETURN(Objects objects, Load(db, org));
  std::vector<T>& of_kind = Kind<T>::Of(objects);
  auto it =
      std::find_if(of_kind.begin(), of_kind.end(), [id](const T& o) { return o.model.id == id; });
  if (it == of_kind.end()) return NotFoundError(Named<T>(id) + " not found");
  edit(*it);
  it->model.id = id;
  Normalize(*it);
  RETURN_IF_ERROR(CheckName(of_kind, *it));
  RETURN_IF_ERROR(CheckReferences(objects, *it));
  RETURN_IF_ERROR(ValidateModel(objects));
  RETURN_IF_ERROR(WriteBody(db, *it));
  RETURN_IF_ERROR(BumpRevision(db, org));
  RETURN_IF_ERROR(transaction.Commit());
  return *it;
}

template <typename T>
Status DeleteLocked(Database& db, OrganisationId org, ObjectId id) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  ASSIGN_OR_RETURN(Objects objects, Load(db, org));
  std::vector<T>& of_kind = Kind<T>::Of(objects);
  auto it =
      std::find_if(of_kind.begin(), of_kind.end(), [id](const T& o) { return o.model.id == id; });
  if (it == of_kind.end()) return NotFoundError(Named<T>(id) + " not found");
  if (std::optional<std::string> user = UserOf(objects, *it)) {
    return FailedPreconditionError(Named<T>(id) + " is used by " + *user);
  }
  if constexpr (std::is_same_v<T, AccessLevel>) {
    ASSIGN_OR_RETURN(StatementLease s,
                     db.Cached("SELECT id FROM level_assignments WHERE org_id = ?1 AND "
                               "level_id = ?2 ORDER BY id LIMIT 1"));
    s->BindInt(1, org.value()).BindInt(2, id);
    ASSIGN_OR_RETURN(const bool row, s->Step());
    if (row) {
      return FailedPreconditionError(Named<T>(id) + " is used by staff level assignment " +
                                     Str(s->ColumnInt(0)));
    }
  }
  of_kind.erase(it);
  RETURN_IF_ERROR(ValidateModel(objects));
  {
    ASSIGN_OR_RETURN(StatementLease s, db.Cached("DELETE FROM site_objects WHERE id = ?1"));
    s->BindInt(1, id);
    RETURN_IF_ERROR(s->Run());
  }
  RETURN_IF_ERROR(BumpRevision(db, org));
  return transaction.Commit();
}

// --- Level assignments ---

Statement& BindBound(Statement& s, int index, policy::UnixSeconds t, policy::UnixSeconds open) {
  return t == open ? s.BindNull(index) : s.BindInt(index, t);
}

LevelAssignment ReadAssignment(const Statement& s) {
  LevelAssignment a;
  a.id = static_cast<ObjectId>(s.ColumnInt(0));
  a.staff = StaffId(s.ColumnInt(1));
  a.model.level = static_cast<ObjectId>(s.ColumnInt(2));
  if (!s.IsNull(3)) a.model.valid_from = s.ColumnInt(3);
  if (!s.IsNull(4)) a.model.valid_until = s.ColumnInt(4);
  return a;
}

#define SEKISHO_ASSIGNMENT_COLUMNS "id, staff_id, level_id, valid_from, valid_until"
constexpr std::string_view kAssignmentById =
    "SELECT " SEKISHO_ASSIGNMENT_COLUMNS " FROM level_assignments WHERE org_id = ?1 AND id = ?2";
constexpr std::string_view kAssignmentsOfOrg =
    "SELECT " SEKISHO_ASSIGNMENT_COLUMNS " FROM level_assignments WHERE org_id = ?1 ORDER BY id";
constexpr std::string_view kAssignmentsOfStaff =
    "SELECT " SEKISHO_ASSIGNMENT_COLUMNS
    " FROM level_assignments WHERE org_id = ?1 AND staff_id = ?2 ORDER BY id";
#undef SEKISHO_ASSIGNMENT_COLUMNS

Result<std::vector<LevelAssignment>> ReadAssignments(Statement& s) {
  std::vector<LevelAssignment> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) return out;
    out.push_back(ReadAssignment(s));
  }
}

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
constexpr policy::UnixSeconds kFirstTime = -62167219200;
constexpr policy::UnixSeconds kLastTime = 253402300799;

// kInvalidArgument unless the assignment's values are usable and its level exists.
Status CheckAssignment(Database& db, OrganisationId org, const LevelAssignment& a) {
  if (a.staff.value() <= 0) {
    return InvalidArgumentError("assignment: staff " + Str(a.staff.value()) + " is not a staff id");
  }
  if (a.model.valid_from >= a.model.valid_until) {
    return InvalidArgumentError("assignment: valid_until must be after valid_from");
  }
  // The JSON form writes RFC 3339 times, which have four-digit years.
  for (const auto& [field, t, open] :
       {std::tuple{"valid_from", a.model.valid_from, policy::kBeginningOfTime},
        std::tuple{"valid_until", a.model.valid_until, policy::kEndOfTime}}) {
    if (t != open && (t < kFirstTime || t > kLastTime)) {
      return InvalidArgumentError(std::string("assignment: ") + field +
                                  " is outside the years 0000 to 9999");
    }
  }
  Result<AccessLevel> level = GetOne<AccessLevel>(db, org, a.model.level);
  if (level.status().code() == StatusCode::kNotFound) {
    return InvalidArgumentError("assignment: level " + Str(a.model.level) + " does not exist");
  }
  return level.status();
}

}  // namespace

Result<std::unique_ptr<SiteStore>> SiteStore::Open(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  RETURN_IF_ERROR(
      store::sqlite::Migrate(*db, kMigrations[std::size(kMigrations) - 1].version, kMigrations)
          .WithContext(path.string()));
  return std::unique_ptr<SiteStore>(new SiteStore(std::move(db)));
}

SiteStore::SiteStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
SiteStore::~SiteStore() = default;

// --- Sites ---

Result<Site> SiteStore::CreateSite(OrganisationId org, const Site& site) {
  std::lock_guard lock(mu_);
  return CreateLocked(*db_, org, site);
}

Result<Site> SiteStore::UpdateSite(OrganisationId org, const Site& site) {
  std::lock_guard lock(mu_);
  return UpdateLocked<Site>(*db_, org, site.model.id, [&site](Site& stored) { stored = site; });
}

Status SiteStore::DeleteSite(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return DeleteLocked<Site>(*db_, org, id);
}

Result<Site> SiteStore::GetSite(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return GetOne<Site>(*db_, org, id);
}

Result<std::vector<Site>> SiteStore::ListSites(OrganisationId org) {
  std::lock_guard lock(mu_);
  return ListKind<Site>(*db_, org);
}

// --- Zones ---

Result<Zone> SiteStore::CreateZone(OrganisationId org, const Zone& zone) {
  std::lock_guard lock(mu_);
  return CreateLocked(*db_, org, zone);
}

Result<Zone> SiteStore::UpdateZone(OrganisationId org, const Zone& zone) {
  std::lock_guard lock(mu_);
  return UpdateLocked<Zone>(*db_, org, zone.model.id, [&zone](Zone& stored) { stored = zone; });
}

Status SiteStore::DeleteZone(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return DeleteLocked<Zone>(*db_, org, id);
}

Result<Zone> SiteStore::GetZone(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return GetOne<Zone>(*db_, org, id);
}

Result<std::vector<Zone>> SiteStore::ListZones(OrganisationId org) {
  std::lock_guard lock(mu_);
  return ListKind<Zone>(*db_, org);
}

// --- Doors ---

Result<Door> SiteStore::CreateDoor(OrganisationId org, const Door& door) {
  std::lock_guard lock(mu_);
  return CreateLocked(*db_, org, door);
}

Result<Door> SiteStore::UpdateDoor(OrganisationId org, const Door& door) {
  std::lock_guard lock(mu_);
  return UpdateLocked<Door>(*db_, org, door.model.id, [&door](Door& stored) { stored = door; });
}

Status SiteStore::DeleteDoor(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return DeleteLocked<Door>(*db_, org, id);
}

Result<Door> SiteStore::GetDoor(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return GetOne<Door>(*db_, org, id);
}

Result<std::vector<Door>> SiteStore::ListDoors(OrganisationId org) {
  std::lock_guard lock(mu_);
  return ListKind<Door>(*db_, org);
}

// --- Schedules ---

Result<Schedule> SiteStore::CreateSchedule(OrganisationId org, const Schedule& schedule) {
  std::lock_guard lock(mu_);
  return CreateLocked(*db_, org, schedule);
}

Result<Schedule> SiteStore::UpdateSchedule(OrganisationId org, const Schedule& schedule) {
  std::lock_guard lock(mu_);
  return UpdateLocked<Schedule>(*db_, org, schedule.model.id,
                                [&schedule](Schedule& stored) { stored = schedule; });
}

Status SiteStore::DeleteSchedule(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return DeleteLocked<Schedule>(*db_, org, id);
}

Result<Schedule> SiteStore::GetSchedule(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return GetOne<Schedule>(*db_, org, id);
}

Result<std::vector<Schedule>> SiteStore::ListSchedules(OrganisationId org) {
  std::lock_guard lock(mu_);
  return ListKind<Schedule>(*db_, org);
}

// --- Levels ---

Result<AccessLevel> SiteStore::CreateLevel(OrganisationId org, const AccessLevel& level) {
  std::lock_guard lock(mu_);
  return CreateLocked(*db_, org, level);
}

Result<AccessLevel> SiteStore::UpdateLevel(OrganisationId org, const AccessLevel& level) {
  std::lock_guard lock(mu_);
  return UpdateLocked<AccessLevel>(*db_, org, level.model.id,
                                   [&level](AccessLevel& stored) { stored = level; });
}

Status SiteStore::DeleteLevel(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return DeleteLocked<AccessLevel>(*db_, org, id);
}

Result<AccessLevel> SiteStore::GetLevel(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  return GetOne<AccessLevel>(*db_, org, id);
}

Result<std::vector<AccessLevel>> SiteStore::ListLevels(OrganisationId org) {
  std::lock_guard lock(mu_);
  return ListKind<AccessLevel>(*db_, org);
}

// --- Site state ---

Status SiteStore::SetLockdown(OrganisationId org, ObjectId site, bool lockdown) {
  std::lock_guard lock(mu_);
  return UpdateLocked<Site>(*db_, org, site, [lockdown](Site& s) { s.model.lockdown = lockdown; })
      .status();
}

Status SiteStore::SetThreatLevel(OrganisationId org, ObjectId site, std::uint8_t threat_level) {
  std::lock_guard lock(mu_);
  return UpdateLocked<Site>(*db_, org, site,
                            [threat_level](Site& s) { s.model.threat_level = threat_level; })
      .status();
}

// --- Level assignments ---

Result<LevelAssignment> SiteStore::CreateAssignment(OrganisationId org,
                                                    const LevelAssignment& assignment) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  RETURN_IF_ERROR(CheckAssignment(*db_, org, assignment));
  LevelAssignment out = assignment;
  {
    ASSIGN_OR_RETURN(StatementLease s,
                     db_->Cached("INSERT INTO level_assignments (org_id, staff_id, level_id, "
                                 "valid_from, valid_until) VALUES (?1, ?2, ?3, ?4, ?5)"));
    s->BindInt(1, org.value())
        .BindInt(2, assignment.staff.value())
        .BindInt(3, assignment.model.level);
    BindBound(*s, 4, assignment.model.valid_from, policy::kBeginningOfTime);
    BindBound(*s, 5, assignment.model.valid_until, policy::kEndOfTime);
    RETURN_IF_ERROR(s->Run());
  }
  ASSIGN_OR_RETURN(out.id, NewId(*db_, "assignment"));
  RETURN_IF_ERROR(BumpRevision(*db_, org));
  RETURN_IF_ERROR(transaction.Commit());
  return out;
}

Result<LevelAssignment> SiteStore::UpdateAssignment(OrganisationId org,
                                                    const LevelAssignment& assignment) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  {
    ASSIGN_OR_RETURN(StatementLease s,
                     db_->Cached("SELECT id FROM level_assignments WHERE org_id = ?1 AND id = ?2"));
    s->BindInt(1, org.value()).BindInt(2, assignment.id);
    ASSIGN_OR_RETURN(const bool row, s->Step());
    if (!row) return NotFoundError("assignment " + Str(assignment.id) + " not found");
  }
  RETURN_IF_ERROR(CheckAssignment(*db_, org, assignment));
  {
    ASSIGN_OR_RETURN(StatementLease s,
                     db_->Cached("UPDATE level_assignments SET staff_id = ?2, level_id = ?3, "
                                 "valid_from = ?4, valid_until = ?5 WHERE id = ?1"));
    s->BindInt(1, assignment.id)
        .BindInt(2, assignment.staff.value())
        .BindInt(3, assignment.model.level);
    BindBound(*s, 4, assignment.model.valid_from, policy::kBeginningOfTime);
    BindBound(*s, 5, assignment.model.valid_until, policy::kEndOfTime);
    RETURN_IF_ERROR(s->Run());
  }
  RETURN_IF_ERROR(BumpRevision(*db_, org));
  RETURN_IF_ERROR(transaction.Commit());
  return assignment;
}

Status SiteStore::DeleteAssignment(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  {
    ASSIGN_OR_RETURN(StatementLease s,
                     db_->Cached("DELETE FROM level_assignments WHERE org_id = ?1 AND id = ?2"));
    s->BindInt(1, org.value()).BindInt(2, id);
    RETURN_IF_ERROR(s->Run());
  }
  if (db_->Changes() == 0) return NotFoundError("assignment " + Str(id) + " not found");
  RETURN_IF_ERROR(BumpRevision(*db_, org));
  return transaction.Commit();
}

Result<LevelAssignment> SiteStore::GetAssignment(OrganisationId org, ObjectId id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(kAssignmentById));
  s->BindInt(1, org.value()).BindInt(2, id);
  ASSIGN_OR_RETURN(const bool row, s->Step());
  if (!row) return NotFoundError("assignment " + Str(id) + " not found");
  return ReadAssignment(*s);
}

Result<std::vector<LevelAssignment>> SiteStore::ListAssignments(OrganisationId org) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(kAssignmentsOfOrg));
  s->BindInt(1, org.value());
  return ReadAssignments(*s);
}

Result<std::vector<LevelAssignment>> SiteStore::ListAssignmentsOfStaff(OrganisationId org,
                                                                       StaffId staff) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(kAssignmentsOfStaff));
  s->BindInt(1, org.value()).BindInt(2, staff.value());
  return ReadAssignments(*s);
}

// --- The whole model ---

Result<std::uint64_t> SiteStore::Revision(OrganisationId org) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s,
                   db_->Cached("SELECT revision FROM site_revisions WHERE org_id = ?1"));
  s->BindInt(1, org.value());
  ASSIGN_OR_RETURN(const bool row, s->Step());
  if (!row) return std::uint64_t{0};
  return static_cast<std::uint64_t>(s->ColumnInt(0));
}

Result<policy::Snapshot> SiteStore::Model(OrganisationId org) {
  std::lock_guard lock(mu_);
  // One read transaction, so that the five kinds come from one state of the file.
  RETURN_IF_ERROR(db_->Exec("BEGIN"));
  Result<Objects> objects = Load(*db_, org);
  RETURN_IF_ERROR(db_->Exec("COMMIT"));
  if (!objects.ok()) return objects.status();
  return ModelOf(*objects);
}

}  // namespace sekisho::site
