#include "policy/compiled_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "base/bytes.h"
#include "base/random.h"
#include "base/status_matchers.h"
#include "policy/test_policy.h"

namespace sekisho::policy {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using namespace ::sekisho::policy::testing::example;  // NOLINT(build/namespaces)
using ::sekisho::policy::testing::Draw;
using ::sekisho::policy::testing::ExampleSnapshot;
using ::sekisho::policy::testing::RandomPolicyOptions;
using ::sekisho::policy::testing::RandomSnapshot;

std::unique_ptr<CompiledPolicy> Compile(Snapshot snapshot) {
  auto created = CompiledPolicy::Create(std::move(snapshot));
  EXPECT_THAT(created, IsOk());
  return created.ok() ? std::move(created).value() : nullptr;
}

TEST(CompiledPolicyTest, FindsEveryObjectOfTheSnapshot) {
  const Snapshot snapshot = ExampleSnapshot();
  auto policy = Compile(snapshot);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->version(), snapshot.version);
  for (const Site& x : snapshot.sites) EXPECT_EQ(*policy->FindSite(x.id), x);
  for (const Zone& x : snapshot.zones) EXPECT_EQ(*policy->FindZone(x.id), x);
  for (const Door& x : snapshot.doors) EXPECT_EQ(*policy->FindDoor(x.id), x);
  for (const Schedule& x : snapshot.schedules) EXPECT_EQ(*policy->FindSchedule(x.id), x);
  for (const AccessLevel& x : snapshot.levels) EXPECT_EQ(*policy->FindLevel(x.id), x);
  for (const Credential& x : snapshot.credentials) EXPECT_EQ(*policy->FindCredential(x.key), x);
  EXPECT_EQ(policy->FindDoor(999), nullptr);
  EXPECT_EQ(policy->FindDoor(kNone), nullptr);
  EXPECT_EQ(policy->FindSite(kLobby), nullptr);  // ids are per kind
  CredentialKey unknown{};
  EXPECT_EQ(policy->FindCredential(unknown), nullptr);
  EXPECT_EQ(policy->ToSnapshot(), snapshot);
}

TEST(CompiledPolicyTest, EmptySnapshot) {
  auto policy = Compile(Snapshot{});
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->FindDoor(1), nullptr);
  EXPECT_EQ(policy->FindCredential(CredentialKey{}), nullptr);
  EXPECT_EQ(policy->ToSnapshot(), Snapshot{});
}

TEST(CompiledPolicyTest, RefusesIdZero) {
  Snapshot s = ExampleSnapshot();
  s.zones[2].id = kNone;
  EXPECT_THAT(CompiledPolicy::Create(s),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("zone at position 2 has id 0")));
}

TEST(CompiledPolicyTest, RefusesDuplicateIds) {
  Snapshot s = ExampleSnapshot();
  s.doors[3].id = s.doors[1].id;
  EXPECT_THAT(CompiledPolicy::Create(s),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("door id " + std::to_string(s.doors[1].id) + " occurs more")));
  s = ExampleSnapshot();
  s.levels.push_back(s.levels.front());
  EXPECT_THAT(CompiledPolicy::Create(s),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("access level id")));
}

TEST(CompiledPolicyTest, RefusesDuplicateKeysWithoutNamingThem) {
  Snapshot s = ExampleSnapshot();
  s.credentials[4].key = s.credentials[2].key;
  const auto created = CompiledPolicy::Create(s);
  EXPECT_THAT(created, StatusIs(StatusCode::kInvalidArgument,
                                HasSubstr("credential at position 4 repeats the key")));
  // The message names positions only: no key bytes in any form.
  const std::string message = created.status().message();
  EXPECT_EQ(message.find(ToHex(s.credentials[2].key)), std::string::npos);
}

TEST(CompiledPolicyTest, SortsSiteHolidays) {
  Snapshot s = ExampleSnapshot();
  s.sites[0].holidays = {20600, 20572, 20600, 20500};
  auto policy = Compile(s);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->FindSite(kHq)->holidays, (std::vector<LocalDay>{20500, 20572, 20600}));
  Site site = s.sites[0];
  site.holidays = {3, 1, 2, 1};
  ASSERT_THAT(policy->UpsertSite(site), IsOk());
  EXPECT_EQ(policy->FindSite(kHq)->holidays, (std::vector<LocalDay>{1, 2, 3}));
}

TEST(CompiledPolicyTest, UpsertAddsOrReplaces) {
  auto policy = Compile(ExampleSnapshot());
  ASSERT_NE(policy, nullptr);
  const std::size_t doors = policy->door_count();
  Door door{.id = 555, .site = kHq, .to_zone = kLobby};
  ASSERT_THAT(policy->UpsertDoor(door), IsOk());
  EXPECT_EQ(policy->door_count(), doors + 1);
  EXPECT_EQ(*policy->FindDoor(555), door);
  door.required = Assurance::kCardAndPin;
  ASSERT_THAT(policy->UpsertDoor(door), IsOk());
  EXPECT_EQ(policy->door_count(), doors + 1);
  EXPECT_EQ(policy->FindDoor(555)->required, Assurance::kCardAndPin);
  EXPECT_THAT(policy->UpsertDoor(Door{}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(policy->UpsertZone(Zone{}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(policy->UpsertSite(Site{}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(policy->UpsertSchedule(Schedule{}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(policy->UpsertLevel(AccessLevel{}), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CompiledPolicyTest, RemoveKeepsTheOthersFindable) {
  const Snapshot snapshot = ExampleSnapshot();
  auto policy = Compile(snapshot);
  ASSERT_NE(policy, nullptr);
  // Remove the first door: the last one moves into its place.
  ASSERT_THAT(policy->RemoveDoor(snapshot.doors.front().id), IsOk());
  EXPECT_EQ(policy->FindDoor(snapshot.doors.front().id), nullptr);
  for (std::size_t i = 1; i < snapshot.doors.size(); ++i) {
    EXPECT_EQ(*policy->FindDoor(snapshot.doors[i].id), snapshot.doors[i]);
  }
  EXPECT_THAT(policy->RemoveDoor(snapshot.doors.front().id),
              StatusIs(StatusCode::kNotFound, HasSubstr("no door with id")));
  EXPECT_THAT(policy->RemoveSite(77), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(policy->RemoveZone(77), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(policy->RemoveSchedule(77), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(policy->RemoveLevel(77), StatusIs(StatusCode::kNotFound));
}

TEST(CompiledPolicyTest, CredentialDeltas) {
  const Snapshot snapshot = ExampleSnapshot();
  auto policy = Compile(snapshot);
  ASSERT_NE(policy, nullptr);
  const CredentialKey bob = KeyOf(Person::kBob);
  ASSERT_THAT(policy->RevokeCredential(bob), IsOk());
  EXPECT_EQ(policy->FindCredential(bob)->flags & kCredentialRevoked, kCredentialRevoked);
  ASSERT_THAT(policy->RemoveCredential(bob), IsOk());
  EXPECT_EQ(policy->FindCredential(bob), nullptr);
  EXPECT_THAT(policy->RemoveCredential(bob),
              StatusIs(StatusCode::kNotFound, HasSubstr("no credential with that key")));
  EXPECT_THAT(policy->RevokeCredential(bob), StatusIs(StatusCode::kNotFound));
  for (const Credential& c : snapshot.credentials) {
    if (c.key != bob) {
      EXPECT_EQ(*policy->FindCredential(c.key), c);
    }
  }
  Credential again = snapshot.credentials.front();
  again.key = bob;
  policy->UpsertCredential(again);
  EXPECT_EQ(*policy->FindCredential(bob), again);
  again.valid_until = 5;
  policy->UpsertCredential(again);
  EXPECT_EQ(policy->FindCredential(bob)->valid_until, 5);
  EXPECT_EQ(policy->credential_count(), snapshot.credentials.size());
}

// Random deltas applied to the index and to a plain Snapshot (then sorted) give equal snapshots:
// the index never loses or confuses an entry, whatever the order of adds, replaces and removes.
TEST(CompiledPolicyTest, RandomDeltasMatchTheSnapshot) {
  SeededRandom random(42);
  Draw draw(random);
  RandomPolicyOptions options;
  options.staff = 200;
  Snapshot expected = RandomSnapshot(options, random);
  auto policy = Compile(expected);
  ASSERT_NE(policy, nullptr);
  auto sort_all = [](Snapshot& s) {
    auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };
    std::sort(s.doors.begin(), s.doors.end(), by_id);
    std::sort(s.levels.begin(), s.levels.end(), by_id);
    std::sort(s.credentials.begin(), s.credentials.end(),
              [](const Credential& a, const Credential& b) { return a.key < b.key; });
  };
  for (int step = 0; step < 3000; ++step) {
    switch (draw.Below(6)) {
      case 0: {  // add or replace a credential
        Credential c;
        if (!expected.credentials.empty() && draw.Chance(0.5)) {
          c = expected.credentials[draw.Below(expected.credentials.size())];
          c.valid_until = static_cast<UnixSeconds>(draw.Below(1u << 30));
        } else {
          draw.Fill(c.key);
        }
        auto it = std::find_if(expected.credentials.begin(), expected.credentials.end(),
                               [&c](const Credential& x) { return x.key == c.key; });
        if (it != expected.credentials.end()) {
          *it = c;
        } else {
          expected.credentials.push_back(c);
        }
        policy->UpsertCredential(c);
        break;
      }
      case 1: {  // revoke or remove a credential
        if (expected.credentials.empty()) break;
        const std::size_t i = draw.Below(expected.credentials.size());
        const CredentialKey key = expected.credentials[i].key;
        if (draw.Chance(0.5)) {
          expected.credentials[i].flags |= kCredentialRevoked;
          ASSERT_THAT(policy->RevokeCredential(key), IsOk());
        } else {
          expected.credentials.erase(expected.credentials.begin() + static_cast<std::ptrdiff_t>(i));
          ASSERT_THAT(policy->RemoveCredential(key), IsOk());
        }
        break;
      }
      case 2: {  // add or replace a door
        Door door{.id = static_cast<ObjectId>(1 + draw.Below(64)), .site = 1, .to_zone = 2};
        door.required = draw.Chance(0.5) ? Assurance::kCard : Assurance::kCardAndPin;
        auto it = std::find_if(expected.doors.begin(), expected.doors.end(),
                               [&door](const Door& x) { return x.id == door.id; });
        if (it != expected.doors.end()) {
          *it = door;
        } else {
          expected.doors.push_back(door);
        }
        ASSERT_THAT(policy->UpsertDoor(door), IsOk());
        break;
      }
      case 3: {  // remove a door
        const ObjectId id = static_cast<ObjectId>(1 + draw.Below(64));
        auto it = std::find_if(expected.doors.begin(), expected.doors.end(),
                               [id](const Door& x) { return x.id == id; });
        const Status removed = policy->RemoveDoor(id);
        if (it != expected.doors.end()) {
          expected.doors.erase(it);
          ASSERT_THAT(removed, IsOk());
        } else {
          ASSERT_THAT(removed, StatusIs(StatusCode::kNotFound));
        }
        break;
      }
      case 4: {  // replace or add a level
        AccessLevel level{.id = static_cast<ObjectId>(1 + draw.Below(40))};
        level.max_threat_level = static_cast<std::uint8_t>(draw.Below(256));
        auto it = std::find_if(expected.levels.begin(), expected.levels.end(),
                               [&level](const AccessLevel& x) { return x.id == level.id; });
        if (it != expected.levels.end()) {
          *it = level;
        } else {
          expected.levels.push_back(level);
        }
        ASSERT_THAT(policy->UpsertLevel(level), IsOk());
        break;
      }
      default: {  // remove a level
        const ObjectId id = static_cast<ObjectId>(1 + draw.Below(40));
        auto it = std::find_if(expected.levels.begin(), expected.levels.end(),
                               [id](const AccessLevel& x) { return x.id == id; });
        const Status removed = policy->RemoveLevel(id);
        if (it != expected.levels.end()) {
          expected.levels.erase(it);
          ASSERT_THAT(removed, IsOk());
        } else {
          ASSERT_THAT(removed, StatusIs(StatusCode::kNotFound));
        }
      }
    }
    if (step % 100 == 0 || step == 2999) {
      Snapshot sorted = expected;
      sort_all(sorted);
      ASSERT_EQ(policy->ToSnapshot(), sorted) << "after step " << step;
      ASSERT_EQ(policy->credential_count(), expected.credentials.size());
    }
  }
  // A fresh index of the result agrees too.
  sort_all(expected);
  auto rebuilt = Compile(expected);
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_EQ(rebuilt->ToSnapshot(), policy->ToSnapshot());
}

}  // namespace
}  // namespace sekisho::policy
