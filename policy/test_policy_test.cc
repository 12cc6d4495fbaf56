#include "policy/test_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "base/random.h"
#include "base/status_matchers.h"
#include "policy/validate.h"

namespace sekisho::policy::testing {
namespace {

using ::sekisho::testing::IsOk;

TEST(TestPolicyTest, GeneratedSnapshotsAreValid) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    SeededRandom random(seed);
    RandomPolicyOptions options;
    options.lockdown = 0.5;
    options.two_person = 0.3;
    options.first_person_in = 0.3;
    EXPECT_THAT(Validate(RandomSnapshot(options, random)), IsOk()) << "seed " << seed;
  }
  EXPECT_THAT(Validate(ExampleSnapshot()), IsOk());
}

TEST(TestPolicyTest, SameSeedSameSnapshotOtherSeedOtherSnapshot) {
  SeededRandom a(5), b(5), c(6);
  const Snapshot first = RandomSnapshot({}, a);
  EXPECT_EQ(first, RandomSnapshot({}, b));
  EXPECT_NE(first, RandomSnapshot({}, c));
}

TEST(TestPolicyTest, HonoursTheCounts) {
  SeededRandom random(9);
  RandomPolicyOptions options;
  options.sites = 3;
  options.zones = 20;
  options.doors = 50;
  options.schedules = 7;
  options.levels = 30;
  options.staff = 400;
  options.max_rules_per_level = 10;
  options.max_levels_per_staff = 3;
  const Snapshot s = RandomSnapshot(options, random);
  EXPECT_EQ(s.sites.size(), 3u);
  EXPECT_EQ(s.zones.size(), 20u);
  EXPECT_EQ(s.doors.size(), 50u);
  EXPECT_EQ(s.schedules.size(), 7u);
  EXPECT_EQ(s.levels.size(), 30u);
  EXPECT_GE(s.credentials.size(), 400u);
  EXPECT_LE(s.credentials.size(), 800u);
  std::set<StaffRef> staff;
  for (const Credential& c : s.credentials) {
    staff.insert(c.staff);
    EXPECT_GE(c.levels.size(), 1u);
    EXPECT_LE(c.levels.size(), 3u);
  }
  EXPECT_EQ(staff.size(), 400u);
  for (const AccessLevel& level : s.levels) {
    EXPECT_GE(level.rules.size(), 1u);
    EXPECT_LE(level.rules.size(), 10u);
  }
}

TEST(TestPolicyTest, RequestsHitTheSnapshotOrNot) {
  SeededRandom random(11);
  const Snapshot s = RandomSnapshot({}, random);
  std::set<CredentialKey> keys;
  for (const Credential& c : s.credentials) keys.insert(c.key);
  RandomRequestOptions options;
  options.unknown_credential = 0.25;
  const RequestGenerator generator(s, options);
  int unknown = 0;
  for (int i = 0; i < 2000; ++i) {
    const Request r = generator.Next(random);
    unknown += keys.count(r.credential) == 0 ? 1 : 0;
    EXPECT_GE(r.time, kTestEpoch - 14 * 86400);
    EXPECT_LT(r.time, kTestEpoch + 14 * 86400);
  }
  EXPECT_GT(unknown, 400);
  EXPECT_LT(unknown, 600);
}

TEST(TestPolicyTest, OwnDoorsAndDaytime) {
  SeededRandom random(12);
  const Snapshot s = RandomSnapshot({}, random);
  RandomRequestOptions options;
  options.unknown_credential = 0;
  options.own_door = 1;
  options.daytime = 1;
  const RequestGenerator generator(s, options);
  for (int i = 0; i < 500; ++i) {
    const Request r = generator.Next(random);
    const Credential& c =
        *std::find_if(s.credentials.begin(), s.credentials.end(),
                      [&r](const Credential& x) { return x.key == r.credential; });
    const Door& door = *std::find_if(s.doors.begin(), s.doors.end(),
                                     [&r](const Door& x) { return x.id == r.door; });
    const Site& site = *std::find_if(s.sites.begin(), s.sites.end(),
                                     [&door](const Site& x) { return x.id == door.site; });
    bool has_rule = false;
    for (const LevelAssignment& a : c.levels) {
      for (const AccessLevel& level : s.levels) {
        if (level.id != a.level) continue;
        for (const LevelRule& rule : level.rules) has_rule |= rule.zone == door.to_zone;
      }
    }
    EXPECT_TRUE(has_rule) << "request " << i;
    const UnixSeconds local_second =
        ((r.time + site.utc_offset_minutes * 60) % 86400 + 86400) % 86400;
    EXPECT_GE(local_second, 7 * 3600);
    EXPECT_LT(local_second, 21 * 3600);
  }
}

TEST(TestPolicyTest, DrawStaysInRange) {
  SeededRandom random(3);
  Draw draw(random);
  std::set<std::int64_t> values;
  for (int i = 0; i < 1000; ++i) {
    const std::int64_t v = draw.Between(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    values.insert(v);
  }
  EXPECT_EQ(values.size(), 5u);
  int heads = 0;
  for (int i = 0; i < 1000; ++i) heads += draw.Chance(0.1) ? 1 : 0;
  EXPECT_GT(heads, 50);
  EXPECT_LT(heads, 150);
  EXPECT_FALSE(draw.Chance(0.0));
  EXPECT_TRUE(draw.Chance(1.0));
}

}  // namespace
}  // namespace sekisho::policy::testing
