#include "site/demo_site.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "policy/validate.h"
#include "site/model_json.h"
#include "store/test_util.h"

namespace sekisho::site {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::SizeIs;

using ::sekisho::store::testing::kTestOrg;

TEST(DemoSiteTest, PopulatesAValidMinistrySite) {
  store::testing::ScopedTempDir dir;
  ASSERT_OK_AND_ASSIGN(const auto store, SiteStore::Open(dir.path() / kSiteFile));
  ASSERT_OK_AND_ASSIGN(const DemoSite ids, PopulateDemoSite(*store, kTestOrg));
  ASSERT_OK_AND_ASSIGN(const policy::Snapshot model, store->Model(kTestOrg));
  EXPECT_THAT(policy::Validate(model), IsOk());
  EXPECT_THAT(model.sites, SizeIs(1));
  EXPECT_THAT(model.zones, SizeIs(3));
  EXPECT_THAT(model.doors, SizeIs(4));
  EXPECT_THAT(model.schedules, SizeIs(2));
  EXPECT_THAT(model.levels, SizeIs(3));

  ASSERT_OK_AND_ASSIGN(const Site site, store->GetSite(kTestOrg, ids.site));
  EXPECT_EQ(site.model.utc_offset_minutes, 540);
  ASSERT_OK_AND_ASSIGN(const policy::LocalDay new_year, ParseLocalDay("2026-01-01"));
  ASSERT_OK_AND_ASSIGN(const policy::LocalDay childrens_day, ParseLocalDay("2026-05-05"));
  EXPECT_THAT(site.model.holidays, ElementsAre(new_year, childrens_day));
  EXPECT_EQ(site.model.lockdown_override_level, ids.security_level);

  ASSERT_OK_AND_ASSIGN(const Zone offices, store->GetZone(kTestOrg, ids.offices));
  EXPECT_EQ(offices.model.anti_passback, policy::AntiPassback::kSoft);
  ASSERT_OK_AND_ASSIGN(const Zone server_room, store->GetZone(kTestOrg, ids.server_room));
  EXPECT_TRUE(server_room.model.two_person);

  ASSERT_OK_AND_ASSIGN(const Door lane, store->GetDoor(kTestOrg, ids.entrance_lane_1));
  EXPECT_EQ(lane.model.from_zone, policy::kNone);
  EXPECT_EQ(lane.model.to_zone, ids.lobby);
  EXPECT_EQ(lane.model.required, policy::Assurance::kCardAndPin);
  ASSERT_OK_AND_ASSIGN(const Door server_door, store->GetDoor(kTestOrg, ids.server_room_door));
  EXPECT_EQ(server_door.model.from_zone, ids.offices);
  EXPECT_EQ(server_door.model.to_zone, ids.server_room);

  ASSERT_OK_AND_ASSIGN(const Schedule office_hours, store->GetSchedule(kTestOrg, ids.office_hours));
  EXPECT_THAT(office_hours.model.windows, ElementsAre(policy::TimeWindow{0x1F, 420, 1260}));
  EXPECT_TRUE(office_hours.model.holiday_windows.empty());

  ASSERT_OK_AND_ASSIGN(const AccessLevel it, store->GetLevel(kTestOrg, ids.it_level));
  EXPECT_THAT(it.model.rules,
              ElementsAre(policy::LevelRule{ids.server_room, ids.always, policy::Effect::kGrant}));
  ASSERT_OK_AND_ASSIGN(const AccessLevel security, store->GetLevel(kTestOrg, ids.security_level));
  EXPECT_THAT(security.model.rules, SizeIs(3));
}

TEST(DemoSiteTest, RunningTwiceIsAlreadyExists) {
  store::testing::ScopedTempDir dir;
  ASSERT_OK_AND_ASSIGN(const auto store, SiteStore::Open(dir.path() / kSiteFile));
  ASSERT_THAT(PopulateDemoSite(*store, kTestOrg), IsOk());
  EXPECT_THAT(PopulateDemoSite(*store, kTestOrg), StatusIs(StatusCode::kAlreadyExists));
  // Another organisation gets its own copy.
  EXPECT_THAT(PopulateDemoSite(*store, OrganisationId(2)), IsOk());
}

}  // namespace
}  // namespace sekisho::site
