#include "site/site_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "base/status_matchers.h"
#include "policy/validate.h"
#include "store/sqlite/database.h"
#include "store/test_util.h"

namespace sekisho::site {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StrEq;

using ::sekisho::store::testing::kTestOrg;
constexpr OrganisationId kOtherOrg(2);

class SiteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(store_, SiteStore::Open(path())); }
  std::filesystem::path path() const { return dir_.path() / kSiteFile; }

  // A site, a zone in it and a door into the zone.
  void AddBasics() {
    ASSERT_OK_AND_ASSIGN(site_, store_->CreateSite(kTestOrg, Site{"HQ", {}}));
    Zone zone{"Offices", {}};
    zone.model.site = site_.model.id;
    ASSERT_OK_AND_ASSIGN(zone_, store_->CreateZone(kTestOrg, zone));
    Door door{"Office door", {}, 3};
    door.model.site = site_.model.id;
    door.model.to_zone = zone_.model.id;
    ASSERT_OK_AND_ASSIGN(door_, store_->CreateDoor(kTestOrg, door));
  }

  std::uint64_t Revision() {
    Result<std::uint64_t> revision = store_->Revision(kTestOrg);
    EXPECT_THAT(revision, IsOk());
    return revision.value_or(0);
  }

  store::testing::ScopedTempDir dir_;
  std::unique_ptr<SiteStore> store_;
  Site site_;
  Zone zone_;
  Door door_;
};

TEST_F(SiteStoreTest, CreatesGetsListsUpdatesAndDeletes) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  EXPECT_NE(site_.model.id, policy::kNone);
  EXPECT_EQ(zone_.model.site, site_.model.id);
  EXPECT_EQ(door_.gate, 3u);
  const std::set<ObjectId> ids = {site_.model.id, zone_.model.id, door_.model.id};
  EXPECT_THAT(ids, SizeIs(3));

  ASSERT_OK_AND_ASSIGN(const Door got, store_->GetDoor(kTestOrg, door_.model.id));
  EXPECT_EQ(got, door_);
  Door changed = door_;
  changed.name = "Office door (east)";
  changed.model.required = policy::Assurance::kCardAndPin;
  changed.gate = 4;
  ASSERT_OK_AND_ASSIGN(const Door updated, store_->UpdateDoor(kTestOrg, changed));
  EXPECT_EQ(updated, changed);
  ASSERT_OK_AND_ASSIGN(const std::vector<Door> doors, store_->ListDoors(kTestOrg));
  EXPECT_THAT(doors, ElementsAre(changed));

  Schedule schedule{"Office hours", {}};
  schedule.model.windows = {{0x1F, 7 * 60, 21 * 60}};
  ASSERT_OK_AND_ASSIGN(schedule, store_->CreateSchedule(kTestOrg, schedule));
  AccessLevel level{"Staff", {}};
  level.model.rules = {{zone_.model.id, schedule.model.id, policy::Effect::kGrant}};
  ASSERT_OK_AND_ASSIGN(level, store_->CreateLevel(kTestOrg, level));
  ASSERT_OK_AND_ASSIGN(const std::vector<AccessLevel> levels, store_->ListLevels(kTestOrg));
  EXPECT_THAT(levels, ElementsAre(level));
  ASSERT_OK_AND_ASSIGN(const std::vector<Schedule> schedules, store_->ListSchedules(kTestOrg));
  EXPECT_THAT(schedules, ElementsAre(schedule));

  ASSERT_THAT(store_->DeleteDoor(kTestOrg, door_.model.id), IsOk());
  EXPECT_THAT(store_->GetDoor(kTestOrg, door_.model.id),
              StatusIs(StatusCode::kNotFound,
                       StrEq("door " + std::to_string(door_.model.id) + " not found")));
  ASSERT_OK_AND_ASSIGN(const std::vector<Door> none, store_->ListDoors(kTestOrg));
  EXPECT_THAT(none, IsEmpty());
}

TEST_F(SiteStoreTest, IdsAreNeverReused) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  ASSERT_THAT(store_->DeleteDoor(kTestOrg, door_.model.id), IsOk());
  Door again = door_;
  ASSERT_OK_AND_ASSIGN(again, store_->CreateDoor(kTestOrg, again));
  EXPECT_GT(again.model.id, door_.model.id);
}

TEST_F(SiteStoreTest, CreateIgnoresTheGivenId) {
  Site site{"HQ", {}};
  site.model.id = 77;
  ASSERT_OK_AND_ASSIGN(const Site created, store_->CreateSite(kTestOrg, site));
  EXPECT_NE(created.model.id, 77u);
  EXPECT_THAT(store_->GetSite(kTestOrg, 77), StatusIs(StatusCode::kNotFound));
}

TEST_F(SiteStoreTest, ObjectsAreScopedToTheirOrganisation) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  EXPECT_THAT(store_->GetSite(kOtherOrg, site_.model.id), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->DeleteDoor(kOtherOrg, door_.model.id), StatusIs(StatusCode::kNotFound));
  Door door = door_;
  EXPECT_THAT(store_->UpdateDoor(kOtherOrg, door), StatusIs(StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(const std::vector<Site> sites, store_->ListSites(kOtherOrg));
  EXPECT_THAT(sites, IsEmpty());
  // A reference into another organisation is a reference to nothing.
  Zone zone{"Lobby", {}};
  zone.model.site = site_.model.id;
  EXPECT_THAT(store_->CreateZone(kOtherOrg, zone),
              StatusIs(StatusCode::kInvalidArgument,
                       StrEq("zone: site " + std::to_string(site_.model.id) + " does not exist")));
  // Names are unique per organisation only.
  EXPECT_THAT(store_->CreateSite(kOtherOrg, Site{"HQ", {}}), IsOk());
}

TEST_F(SiteStoreTest, UnknownIdsAreNotFound) {
  EXPECT_THAT(store_->GetZone(kTestOrg, 5),
              StatusIs(StatusCode::kNotFound, StrEq("zone 5 not found")));
  Schedule schedule{"S", {}};
  schedule.model.id = 6;
  schedule.model.windows = {{1, 0, 60}};
  EXPECT_THAT(store_->UpdateSchedule(kTestOrg, schedule),
              StatusIs(StatusCode::kNotFound, StrEq("schedule 6 not found")));
  EXPECT_THAT(store_->DeleteLevel(kTestOrg, 7),
              StatusIs(StatusCode::kNotFound, StrEq("level 7 not found")));
  EXPECT_THAT(store_->SetLockdown(kTestOrg, 8, true),
              StatusIs(StatusCode::kNotFound, StrEq("site 8 not found")));
  EXPECT_THAT(store_->GetAssignment(kTestOrg, 9),
              StatusIs(StatusCode::kNotFound, StrEq("assignment 9 not found")));
  EXPECT_THAT(store_->DeleteAssignment(kTestOrg, 9), StatusIs(StatusCode::kNotFound));
}

TEST_F(SiteStoreTest, RefusesReferencesToMissingObjects) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  Door door{"Back door", {}, 0};
  door.model.site = site_.model.id;
  door.model.to_zone = 999;
  EXPECT_THAT(store_->CreateDoor(kTestOrg, door),
              StatusIs(StatusCode::kInvalidArgument, StrEq("door: to_zone 999 does not exist")));
  door.model.to_zone = zone_.model.id;
  door.model.from_zone = 998;
  EXPECT_THAT(store_->CreateDoor(kTestOrg, door),
              StatusIs(StatusCode::kInvalidArgument, StrEq("door: from_zone 998 does not exist")));
  door.model.from_zone = policy::kNone;
  door.model.site = 997;
  EXPECT_THAT(store_->CreateDoor(kTestOrg, door),
              StatusIs(StatusCode::kInvalidArgument, StrEq("door: site 997 does not exist")));

  AccessLevel level{"L", {}};
  level.model.rules = {{zone_.model.id, 996, policy::Effect::kGrant}};
  EXPECT_THAT(
      store_->CreateLevel(kTestOrg, level),
      StatusIs(StatusCode::kInvalidArgument, StrEq("level: rules[0].schedule 996 does not exist")));
  level.model.rules = {{995, policy::kNone, policy::Effect::kGrant}};
  EXPECT_THAT(
      store_->CreateLevel(kTestOrg, level),
      StatusIs(StatusCode::kInvalidArgument, StrEq("level: rules[0].zone 995 does not exist")));

  Site site = site_;
  site.model.lockdown_override_level = 994;
  EXPECT_THAT(store_->UpdateSite(kTestOrg, site),
              StatusIs(StatusCode::kInvalidArgument,
                       StrEq("site: lockdown_override_level 994 does not exist")));
  Zone zone = zone_;
  zone.model.first_person_in_level = 993;
  EXPECT_THAT(store_->UpdateZone(kTestOrg, zone),
              StatusIs(StatusCode::kInvalidArgument,
                       StrEq("zone: first_person_in_level 993 does not exist")));

  LevelAssignment assignment{0, StaffId(5), {992}};
  EXPECT_THAT(
      store_->CreateAssignment(kTestOrg, assignment),
      StatusIs(StatusCode::kInvalidArgument, StrEq("assignment: level 992 does not exist")));
  // A door is not a level, even with the right id.
  assignment.model.level = door_.model.id;
  EXPECT_THAT(store_->CreateAssignment(kTestOrg, assignment),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("does not exist")));
}

TEST_F(SiteStoreTest, RefusesWhatPolicyValidateRefuses) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  const std::uint64_t before = Revision();
  Site site = site_;
  site.model.utc_offset_minutes = 1440;
  EXPECT_THAT(store_->UpdateSite(kTestOrg, site),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("UTC offset")));
  Schedule schedule{"Broken", {}};
  schedule.model.windows = {{0x01, 600, 600}};
  EXPECT_THAT(store_->CreateSchedule(kTestOrg, schedule), StatusIs(StatusCode::kInvalidArgument));
  schedule.model.windows = {{0x00, 0, 600}};  // no day at all
  EXPECT_THAT(store_->CreateSchedule(kTestOrg, schedule), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(const std::vector<Schedule> schedules, store_->ListSchedules(kTestOrg));
  EXPECT_THAT(schedules, IsEmpty());
  ASSERT_OK_AND_ASSIGN(const Site unchanged, store_->GetSite(kTestOrg, site_.model.id));
  EXPECT_EQ(unchanged, site_);
  EXPECT_EQ(Revision(), before);
}

TEST_F(SiteStoreTest, HolidayWindowDaysAreNotKept) {
  // Decide ignores them (policy/model.h), so the store keeps them as 0 and returns what it keeps.
  Schedule schedule{"Weekdays", {}};
  schedule.model.windows = {{0x1F, 480, 1080}};
  schedule.model.holiday_windows = {{0x1F, 600, 720}};
  ASSERT_OK_AND_ASSIGN(const Schedule created, store_->CreateSchedule(kTestOrg, schedule));
  EXPECT_EQ(created.model.holiday_windows, (std::vector<policy::TimeWindow>{{0, 600, 720}}));
  ASSERT_OK_AND_ASSIGN(const Schedule got, store_->GetSchedule(kTestOrg, created.model.id));
  EXPECT_EQ(got, created);
}

TEST_F(SiteStoreTest, ChecksNames) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  EXPECT_THAT(store_->CreateSite(kTestOrg, Site{"", {}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(store_->CreateSite(kTestOrg, Site{std::string(kMaxNameLength + 1, 'x'), {}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(store_->CreateSite(kTestOrg, Site{"Annex 123456789012", {}}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(store_->CreateSite(kTestOrg, Site{"HQ", {}}),
              StatusIs(StatusCode::kAlreadyExists,
                       StrEq("site name 'HQ' is taken by site " + std::to_string(site_.model.id))));
  // Renaming to one's own name is no conflict; a zone may share a site's name.
  EXPECT_THAT(store_->UpdateSite(kTestOrg, site_), IsOk());
  Zone zone = zone_;
  zone.name = "HQ";
  EXPECT_THAT(store_->UpdateZone(kTestOrg, zone), IsOk());
}

TEST_F(SiteStoreTest, RefusesToDeleteWhatIsInUse) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  const std::string site = std::to_string(site_.model.id);
  const std::string zone = std::to_string(zone_.model.id);
  const std::string door = std::to_string(door_.model.id);
  EXPECT_THAT(store_->DeleteSite(kTestOrg, site_.model.id),
              StatusIs(StatusCode::kFailedPrecondition,
                       StrEq("site " + site + " is used by zone " + zone)));
  EXPECT_THAT(store_->DeleteZone(kTestOrg, zone_.model.id),
              StatusIs(StatusCode::kFailedPrecondition,
                       StrEq("zone " + zone + " is used by door " + door)));

  Schedule schedule{"Always", {}};
  schedule.model.windows = {{0x7F, 0, 1440}};
  ASSERT_OK_AND_ASSIGN(schedule, store_->CreateSchedule(kTestOrg, schedule));
  AccessLevel level{"All", {}};
  level.model.rules = {{zone_.model.id, schedule.model.id, policy::Effect::kGrant}};
  ASSERT_OK_AND_ASSIGN(level, store_->CreateLevel(kTestOrg, level));
  const std::string level_id = std::to_string(level.model.id);
  EXPECT_THAT(store_->DeleteSchedule(kTestOrg, schedule.model.id),
              StatusIs(StatusCode::kFailedPrecondition,
                       StrEq("schedule " + std::to_string(schedule.model.id) +
                             " is used by level " + level_id)));

  ASSERT_THAT(store_->DeleteDoor(kTestOrg, door_.model.id), IsOk());
  EXPECT_THAT(store_->DeleteZone(kTestOrg, zone_.model.id),
              StatusIs(StatusCode::kFailedPrecondition,
                       StrEq("zone " + zone + " is used by level " + level_id)));

  Site with_override = site_;
  with_override.model.lockdown_override_level = level.model.id;
  ASSERT_THAT(store_->UpdateSite(kTestOrg, with_override), IsOk());
  EXPECT_THAT(store_->DeleteLevel(kTestOrg, level.model.id),
              StatusIs(StatusCode::kFailedPrecondition,
                       StrEq("level " + level_id + " is used by site " + site)));
  ASSERT_THAT(store_->UpdateSite(kTestOrg, site_), IsOk());

  Zone fpi = zone_;
  fpi.model.first_person_in_level = level.model.id;
  ASSERT_THAT(store_->UpdateZone(kTestOrg, fpi), IsOk());
  EXPECT_THAT(store_->DeleteLevel(kTestOrg, level.model.id),
              StatusIs(StatusCode::kFailedPrecondition,
                       StrEq("level " + level_id + " is used by zone " + zone)));
  ASSERT_THAT(store_->UpdateZone(kTestOrg, zone_), IsOk());

  ASSERT_OK_AND_ASSIGN(const LevelAssignment assignment,
                       store_->CreateAssignment(kTestOrg, {0, StaffId(12), {level.model.id}}));
  EXPECT_THAT(store_->DeleteLevel(kTestOrg, level.model.id),
              StatusIs(StatusCode::kFailedPrecondition,
                       StrEq("level " + level_id + " is used by staff level assignment " +
                             std::to_string(assignment.id))));
  ASSERT_THAT(store_->DeleteAssignment(kTestOrg, assignment.id), IsOk());
  EXPECT_THAT(store_->DeleteLevel(kTestOrg, level.model.id), IsOk());
  EXPECT_THAT(store_->DeleteSchedule(kTestOrg, schedule.model.id), IsOk());
  EXPECT_THAT(store_->DeleteZone(kTestOrg, zone_.model.id), IsOk());
  EXPECT_THAT(store_->DeleteSite(kTestOrg, site_.model.id), IsOk());
}

TEST_F(SiteStoreTest, LockdownAndThreatLevelSetters) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  const std::uint64_t before = Revision();
  ASSERT_THAT(store_->SetLockdown(kTestOrg, site_.model.id, true), IsOk());
  ASSERT_THAT(store_->SetThreatLevel(kTestOrg, site_.model.id, 3), IsOk());
  ASSERT_OK_AND_ASSIGN(const Site site, store_->GetSite(kTestOrg, site_.model.id));
  EXPECT_TRUE(site.model.lockdown);
  EXPECT_EQ(site.model.threat_level, 3);
  EXPECT_EQ(site.name, site_.name);
  EXPECT_EQ(Revision(), before + 2);
  ASSERT_THAT(store_->SetLockdown(kTestOrg, site_.model.id, false), IsOk());
  ASSERT_OK_AND_ASSIGN(const Site lifted, store_->GetSite(kTestOrg, site_.model.id));
  EXPECT_FALSE(lifted.model.lockdown);
}

TEST_F(SiteStoreTest, EveryChangeBumpsTheRevision) {
  EXPECT_EQ(Revision(), 0u);
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  EXPECT_EQ(Revision(), 3u);
  ASSERT_THAT(store_->UpdateDoor(kTestOrg, door_), IsOk());
  EXPECT_EQ(Revision(), 4u);
  EXPECT_THAT(store_->DeleteZone(kTestOrg, zone_.model.id),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(Revision(), 4u);
  ASSERT_THAT(store_->DeleteDoor(kTestOrg, door_.model.id), IsOk());
  EXPECT_EQ(Revision(), 5u);
  ASSERT_OK_AND_ASSIGN(const std::uint64_t other, store_->Revision(kOtherOrg));
  EXPECT_EQ(other, 0u);
}

TEST_F(SiteStoreTest, LevelAssignments) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  AccessLevel level{"Staff", {}};
  level.model.rules = {{zone_.model.id, policy::kNone, policy::Effect::kGrant}};
  ASSERT_OK_AND_ASSIGN(level, store_->CreateLevel(kTestOrg, level));
  const std::uint64_t before = Revision();

  ASSERT_OK_AND_ASSIGN(const LevelAssignment open,
                       store_->CreateAssignment(kTestOrg, {0, StaffId(12), {level.model.id}}));
  ASSERT_OK_AND_ASSIGN(
      LevelAssignment bounded,
      store_->CreateAssignment(kTestOrg, {0, StaffId(13), {level.model.id, 1000, 2000}}));
  EXPECT_NE(open.id, policy::kNone);
  EXPECT_EQ(open.model.valid_from, policy::kBeginningOfTime);
  EXPECT_EQ(open.model.valid_until, policy::kEndOfTime);
  ASSERT_OK_AND_ASSIGN(const LevelAssignment got, store_->GetAssignment(kTestOrg, bounded.id));
  EXPECT_EQ(got, bounded);
  ASSERT_OK_AND_ASSIGN(const std::vector<LevelAssignment> all, store_->ListAssignments(kTestOrg));
  EXPECT_THAT(all, ElementsAre(open, bounded));
  ASSERT_OK_AND_ASSIGN(const std::vector<LevelAssignment> of_13,
                       store_->ListAssignmentsOfStaff(kTestOrg, StaffId(13)));
  EXPECT_THAT(of_13, ElementsAre(bounded));

  bounded.model.valid_until = 3000;
  ASSERT_THAT(store_->UpdateAssignment(kTestOrg, bounded), IsOk());
  ASSERT_OK_AND_ASSIGN(const LevelAssignment updated, store_->GetAssignment(kTestOrg, bounded.id));
  EXPECT_EQ(updated.model.valid_until, 3000);

  bounded.model.valid_until = 1000;
  EXPECT_THAT(store_->UpdateAssignment(kTestOrg, bounded),
              StatusIs(StatusCode::kInvalidArgument,
                       StrEq("assignment: valid_until must be after valid_from")));
  EXPECT_THAT(
      store_->CreateAssignment(kTestOrg, {0, StaffId(0), {level.model.id}}),
      StatusIs(StatusCode::kInvalidArgument, StrEq("assignment: staff 0 is not a staff id")));
  EXPECT_THAT(store_->CreateAssignment(
                  kTestOrg, {0, StaffId(14), {level.model.id, 0, std::int64_t{1} << 40}}),
              StatusIs(StatusCode::kInvalidArgument,
                       StrEq("assignment: valid_until is outside the years 0000 to 9999")));
  EXPECT_THAT(store_->GetAssignment(kOtherOrg, open.id), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->DeleteAssignment(kOtherOrg, open.id), StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(store_->DeleteAssignment(kTestOrg, open.id), IsOk());
  EXPECT_EQ(Revision(), before + 4);
}

TEST_F(SiteStoreTest, ModelIsSortedAndValid) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  Zone second{"Lobby", {}};
  second.model.site = site_.model.id;
  ASSERT_OK_AND_ASSIGN(second, store_->CreateZone(kTestOrg, second));
  ASSERT_OK_AND_ASSIGN(const policy::Snapshot model, store_->Model(kTestOrg));
  EXPECT_THAT(policy::Validate(model), IsOk());
  EXPECT_EQ(model.version, 0u);
  EXPECT_THAT(model.sites, ElementsAre(site_.model));
  EXPECT_THAT(model.zones, ElementsAre(zone_.model, second.model));
  EXPECT_THAT(model.doors, ElementsAre(door_.model));
  EXPECT_THAT(model.credentials, IsEmpty());
}

TEST_F(SiteStoreTest, PersistsAcrossReopen) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  store_.reset();
  ASSERT_OK_AND_ASSIGN(store_, SiteStore::Open(path()));
  ASSERT_OK_AND_ASSIGN(const Door door, store_->GetDoor(kTestOrg, door_.model.id));
  EXPECT_EQ(door, door_);
  EXPECT_EQ(Revision(), 3u);
}

TEST_F(SiteStoreTest, CorruptBodyIsDataLoss) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  {
    ASSERT_OK_AND_ASSIGN(auto db, store::sqlite::Database::Open(path()));
    ASSERT_THAT(db->Exec("UPDATE site_objects SET body = '{\"name\":1}' WHERE kind = 'door'"),
                IsOk());
  }
  EXPECT_THAT(store_->GetDoor(kTestOrg, door_.model.id),
              StatusIs(StatusCode::kDataLoss, HasSubstr("stored door")));
  EXPECT_THAT(store_->Model(kTestOrg), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(store_->CreateSite(kTestOrg, Site{"Annex", {}}), StatusIs(StatusCode::kDataLoss));
}

TEST_F(SiteStoreTest, RefusesAnotherApplicationsFile) {
  const std::filesystem::path other = dir_.path() / "other.db";
  {
    ASSERT_OK_AND_ASSIGN(auto db, store::sqlite::Database::Open(other));
    ASSERT_THAT(db->Exec("PRAGMA application_id = 42; CREATE TABLE t (x INTEGER)"), IsOk());
  }
  EXPECT_THAT(SiteStore::Open(other), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_F(SiteStoreTest, ConcurrentCreatesGetDistinctIds) {
  ASSERT_NO_FATAL_FAILURE(AddBasics());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5;
  std::vector<std::vector<ObjectId>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Zone zone{"Zone " + std::to_string(t) + "." + std::to_string(i), {}};
        zone.model.site = site_.model.id;
        Result<Zone> created = store_->CreateZone(kTestOrg, zone);
        if (created.ok()) ids[t].push_back(created->model.id);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<ObjectId> all;
  for (const auto& of_thread : ids) all.insert(of_thread.begin(), of_thread.end());
  EXPECT_THAT(all, SizeIs(kThreads * kPerThread));
  ASSERT_OK_AND_ASSIGN(const std::vector<Zone> zones, store_->ListZones(kTestOrg));
  EXPECT_THAT(zones, SizeIs(kThreads * kPerThread + 1));
}

}  // namespace
}  // namespace sekisho::site
