// Properties of Decide over random policies: thousands of generated snapshots, request sequences
// and times (policy/test_policy.h), each decision checked against rules stated independently
// over the plain Snapshot.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/random.h"
#include "policy/calendar.h"
#include "policy/decide.h"
#include "policy/test_policy.h"

namespace sekisho::policy {
namespace {

using ::sekisho::policy::testing::Draw;
using ::sekisho::policy::testing::kTestEpoch;
using ::sekisho::policy::testing::RandomPolicyOptions;
using ::sekisho::policy::testing::RandomRequestOptions;
using ::sekisho::policy::testing::RandomSnapshot;
using ::sekisho::policy::testing::RequestGenerator;

constexpr int kSnapshots = 250;
constexpr int kRequestsPerSnapshot = 60;

// Plain lookups and rules over a Snapshot, written without the index.
class Reference {
 public:
  explicit Reference(const Snapshot& snapshot) : s_(snapshot) {}

  template <typename T>
  static const T* ById(const std::vector<T>& objects, ObjectId id) {
    auto it = std::find_if(objects.begin(), objects.end(), [id](const T& x) { return x.id == id; });
    return it == objects.end() ? nullptr : &*it;
  }
  const Door* FindDoor(ObjectId id) const { return ById(s_.doors, id); }
  const Site* FindSite(ObjectId id) const { return ById(s_.sites, id); }
  const Zone* FindZone(ObjectId id) const { return ById(s_.zones, id); }
  const Credential* FindCredential(const CredentialKey& key) const {
    for (const Credential& c : s_.credentials) {
      if (c.key == key) return &c;
    }
    return nullptr;
  }

  // Levels of `credential` that apply at `time` at `site`.
  std::vector<const AccessLevel*> CountingLevels(const Credential& credential, const Site& site,
                                                 UnixSeconds time) const {
    std::vector<const AccessLevel*> levels;
    for (const LevelAssignment& a : credential.levels) {
      if (time < a.valid_from || time >= a.valid_until) continue;
      const AccessLevel* level = ById(s_.levels, a.level);
      if (level != nullptr && level->max_threat_level >= site.threat_level) levels.push_back(level);
    }
    return levels;
  }

  bool Holds(const Credential& credential, const Site& site, UnixSeconds time,
             ObjectId level) const {
    for (const AccessLevel* l : CountingLevels(credential, site, time)) {
      if (l->id == level) return true;
    }
    return false;
  }

  bool Open(const LevelRule& rule, const Site& site, UnixSeconds time) const {
    if (rule.schedule == kNone) return true;
    const LocalTime local = ToLocalTime(time, site.utc_offset_minutes);
    return IsOpen(*ById(s_.schedules, rule.schedule), local, IsHoliday(site, local.day));
  }

  // Some counting level has a rule of `effect` for `zone` whose schedule is open.
  bool OpenRule(const Credential& credential, const Site& site, UnixSeconds time, ObjectId zone,
                Effect effect) const {
    for (const AccessLevel* level : CountingLevels(credential, site, time)) {
      for (const LevelRule& rule : level->rules) {
        if (rule.zone == zone && rule.effect == effect && Open(rule, site, time)) return true;
      }
    }
    return false;
  }

 private:
  const Snapshot& s_;
};

Snapshot Reversed(Snapshot s) {
  std::reverse(s.sites.begin(), s.sites.end());
  std::reverse(s.zones.begin(), s.zones.end());
  std::reverse(s.doors.begin(), s.doors.end());
  std::reverse(s.schedules.begin(), s.schedules.end());
  std::reverse(s.levels.begin(), s.levels.end());
  std::reverse(s.credentials.begin(), s.credentials.end());
  return s;
}

RandomPolicyOptions EventfulOptions() {
  RandomPolicyOptions options;
  options.sites = 2;
  options.zones = 6;
  options.doors = 10;
  options.schedules = 5;
  options.levels = 8;
  options.staff = 25;
  options.revoked = 0.15;
  options.expired = 0.1;
  options.not_yet_valid = 0.1;
  options.bounded_assignment = 0.3;
  options.deny_rule = 0.15;
  options.anti_passback = 0.4;
  options.two_person = 0.2;
  options.first_person_in = 0.2;
  options.lockdown = 0.25;
  options.raised_threat = 0.3;
  options.limited_level = 0.3;
  return options;
}

TEST(DecidePropertyTest, RandomPolicies) {
  std::map<Reason, int> seen;
  int cases = 0;
  for (int seed = 1; seed <= kSnapshots; ++seed) {
    SeededRandom random(static_cast<std::uint64_t>(seed));
    Draw draw(random);
    const Snapshot snapshot = RandomSnapshot(EventfulOptions(), random);
    const Reference ref(snapshot);
    auto policy = CompiledPolicy::Create(snapshot);
    auto reversed = CompiledPolicy::Create(Reversed(snapshot));
    ASSERT_TRUE(policy.ok() && reversed.ok()) << "seed " << seed;
    State state;
    RandomRequestOptions request_options;
    request_options.unknown_door = 0.03;
    request_options.days = 6;
    request_options.own_door = 0.5;
    request_options.daytime = 0.5;
    const RequestGenerator generator(snapshot, request_options);
    Request request = generator.Next(random);
    for (int i = 0; i < kRequestsPerSnapshot; ++i, ++cases) {
      // Mostly moving forward in time, often a second card at the same door within seconds.
      const Request previous = request;
      request = generator.Next(random);
      if (i > 0) {
        if (draw.Chance(0.3)) request.door = previous.door;
        request.time = previous.time + static_cast<UnixSeconds>(
                                           draw.Chance(0.5) ? draw.Below(40) : draw.Below(9000));
      }
      SCOPED_TRACE(::testing::Message() << "seed " << seed << ", request " << i);

      const Decision decision = Decide(request, **policy, state);
      seen[decision.reason]++;
      // Deterministic, and independent of the order the snapshot listed things in.
      ASSERT_EQ(Decide(request, **policy, state), decision);
      ASSERT_EQ(Decide(request, **reversed, state), decision);
      ASSERT_LT(static_cast<int>(decision.reason), 48) << "gate-level reason from the policy";

      const Door* door = ref.FindDoor(request.door);
      const Credential* credential = ref.FindCredential(request.credential);
      if (door == nullptr) {
        ASSERT_EQ(decision.reason, Reason::kUnknownDoor);
      } else if (credential == nullptr) {
        ASSERT_EQ(decision.reason, Reason::kUnknownCredential);
      }
      if (door != nullptr && credential != nullptr) {
        const Site& site = *ref.FindSite(door->site);
        const bool revoked = (credential->flags & kCredentialRevoked) != 0;
        const bool valid =
            credential->valid_from <= request.time && request.time < credential->valid_until;
        const bool assured = request.presented >= door->required;

        // A revoked or expired (or not yet valid) credential is never granted.
        if (revoked || !valid) {
          ASSERT_FALSE(decision.granted()) << ReasonName(decision.reason);
        }
        // A grant always satisfies the door's assurance.
        if (decision.granted()) {
          ASSERT_TRUE(assured);
        }

        if (site.lockdown) {
          // Lockdown denies everyone but holders of the override level; those pass.
          const bool holder =
              ref.Holds(*credential, site, request.time, site.lockdown_override_level);
          if (decision.granted()) {
            ASSERT_EQ(decision.reason, Reason::kGrantedOverride);
            ASSERT_TRUE(holder);
          }
          if (!revoked && valid) {
            ASSERT_EQ(decision.reason, !holder   ? Reason::kLockdown
                                       : assured ? Reason::kGrantedOverride
                                                 : Reason::kInsufficientAssurance);
          }
        } else {
          ASSERT_NE(decision.reason, Reason::kGrantedOverride);
          ASSERT_NE(decision.reason, Reason::kLockdown);
          const bool deny_matches =
              ref.OpenRule(*credential, site, request.time, door->to_zone, Effect::kDeny);
          // A matching deny rule always wins.
          if (!revoked && valid && assured && deny_matches) {
            ASSERT_EQ(decision.reason, Reason::kDeniedByRule);
          }
          if (decision.reason == Reason::kDeniedByRule) {
            ASSERT_TRUE(deny_matches);
          }
          // A grant needs an open grant rule for the zone.
          if (decision.granted()) {
            ASSERT_TRUE(
                ref.OpenRule(*credential, site, request.time, door->to_zone, Effect::kGrant));
            ASSERT_FALSE(deny_matches);
          }
          const Zone& zone = *ref.FindZone(door->to_zone);
          // Two-person zones open only for a pair of different holders.
          if (decision.granted() && zone.two_person) {
            ASSERT_EQ(decision.reason, Reason::kGrantedSecondPerson);
            ASSERT_TRUE(decision.companion.has_value());
            ASSERT_NE(*decision.companion, credential->staff);
          }
          // Hard anti-passback never lets a holder through from a zone they are not in.
          AntiPassback mode = zone.anti_passback;
          if (const Zone* from = ref.FindZone(door->from_zone); from != nullptr) {
            mode = std::max(mode, from->anti_passback);
          }
          if (decision.granted() && mode == AntiPassback::kHard) {
            const LocationRecord* location = state.Location(credential->staff, request.time);
            ASSERT_EQ(location == nullptr ? kNone : location->zone, door->from_zone);
          }
        }
      }
      RecordPassage(request, decision, state);
    }
  }
  EXPECT_GE(cases, 10000);
  // The generator reaches every reason the policy produces, so the properties above were
  // exercised on all of them.
  for (Reason reason : kAllReasons) {
    if (static_cast<int>(reason) >= 48) continue;
    EXPECT_GT(seen[reason], 0) << ReasonName(reason) << " never occurred";
  }
}

}  // namespace
}  // namespace sekisho::policy
