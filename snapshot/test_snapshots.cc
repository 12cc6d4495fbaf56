// Snapshot generators for tests and benchmarks; see test_snapshots.h.
#include "snapshot/test_snapshots.h"

#include <algorithm>
#include <vector>

#include "policy/test_policy.h"
#include "policy/validate.h"

namespace sekisho::snapshot::testing {
namespace {

using policy::testing::Draw;

constexpr policy::UnixSeconds kMinute = 60;
constexpr policy::UnixSeconds kDay = 86400;

void SortCredentials(policy::Snapshot& s) {
  std::sort(s.credentials.begin(), s.credentials.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  s.credentials.erase(std::unique(s.credentials.begin(), s.credentials.end(),
                                  [](const auto& a, const auto& b) { return a.key == b.key; }),
                      s.credentials.end());
}

template <typename T>
policy::ObjectId NextId(const std::vector<T>& objects) {
  return objects.empty() ? 1 : objects.back().id + 1;
}

template <typename T>
T* PickFrom(Draw& draw, std::vector<T>& objects) {
  return objects.empty() ? nullptr : &objects[draw.Below(objects.size())];
}

template <typename T>
void EraseOne(Draw& draw, std::vector<T>& objects) {
  if (!objects.empty())
    objects.erase(objects.begin() + static_cast<long>(draw.Below(objects.size())));
}

// Applies one random change; the result may be invalid (the caller checks).
void MutateOnce(policy::Snapshot& s, Draw& draw) {
  switch (draw.Below(21)) {
    case 0:
      if (auto* c = PickFrom(draw, s.credentials)) c->flags |= policy::kCredentialRevoked;
      break;
    case 1:
      EraseOne(draw, s.credentials);
      break;
    case 2: {
      policy::Credential c;
      draw.Fill(c.key);
      draw.Fill(c.staff);
      if (draw.Chance(0.5)) c.valid_until = draw.Between(0, 4'000'000'000);
      if (auto* level = PickFrom(draw, s.levels)) c.levels.push_back({.level = level->id});
      s.credentials.push_back(std::move(c));
      SortCredentials(s);
      break;
    }
    case 3:
      if (auto* c = PickFrom(draw, s.credentials)) {
        c->valid_until = c->valid_from + 1 + draw.Between(0, 1'000'000'000);
        if (draw.Chance(0.5)) c->levels.clear();
      }
      break;
    case 4:
      if (auto* site = PickFrom(draw, s.sites)) site->lockdown = !site->lockdown;
      break;
    case 5:
      if (auto* site = PickFrom(draw, s.sites)) {
        site->threat_level = static_cast<std::uint8_t>(draw.Below(4));
      }
      break;
    case 6:
      if (auto* site = PickFrom(draw, s.sites)) {
        const auto day = static_cast<policy::LocalDay>(
            (site->holidays.empty() ? 20000 : site->holidays.back()) + 1 + draw.Below(30));
        site->holidays.push_back(day);
      }
      break;
    case 7:
      if (auto* zone = PickFrom(draw, s.zones)) {
        zone->anti_passback = static_cast<policy::AntiPassback>(draw.Below(3));
      }
      break;
    case 8:
      if (auto* site = PickFrom(draw, s.sites)) {
        s.zones.push_back({.id = NextId(s.zones), .site = site->id});
      }
      break;
    case 9:
      EraseOne(draw, s.zones);
      break;
    case 10:
      if (auto* door = PickFrom(draw, s.doors)) {
        door->required = door->required == policy::Assurance::kCard ? policy::Assurance::kCardAndPin
                                                                    : policy::Assurance::kCard;
      }
      break;
    case 11:
      if (auto* zone = PickFrom(draw, s.zones)) {
        s.doors.push_back({.id = NextId(s.doors), .site = zone->site, .to_zone = zone->id});
      }
      break;
    case 12:
      EraseOne(draw, s.doors);
      break;
    case 13:
      if (auto* schedule = PickFrom(draw, s.schedules)) {
        schedule->windows.push_back({.days = 0x60, .start_minute = 600, .end_minute = 660});
      }
      break;
    case 14:
      s.schedules.push_back({.id = NextId(s.schedules),
                             .windows = {{.days = 0x1F, .start_minute = 540, .end_minute = 1020}}});
      break;
    case 15:
      EraseOne(draw, s.schedules);
      break;
    case 16:
      if (auto* level = PickFrom(draw, s.levels)) {
        level->max_threat_level = static_cast<std::uint8_t>(draw.Below(4));
      }
      break;
    case 17:
      if (auto* zone = PickFrom(draw, s.zones)) {
        s.levels.push_back({.id = NextId(s.levels), .rules = {{.zone = zone->id}}});
      }
      break;
    case 18:
      EraseOne(draw, s.levels);
      break;
    case 19:
      EraseOne(draw, s.sites);
      break;
    case 20:
      s.sites.push_back({.id = NextId(s.sites), .utc_offset_minutes = 540});
      break;
  }
}

}  // namespace

policy::Snapshot RealisticSnapshot(int staff, policy::UnixSeconds issued_at, Random& random) {
  policy::testing::RandomPolicyOptions options = policy::testing::LargeSiteOptions();
  options.staff = 0;
  policy::Snapshot s = policy::testing::RandomSnapshot(options, random);
  Draw draw(random);
  const policy::UnixSeconds minute = issued_at - issued_at % kMinute;
  auto whole_minutes = [&](policy::UnixSeconds low, policy::UnixSeconds high) {
    return minute + draw.Between(low / kMinute, high / kMinute) * kMinute;
  };

  constexpr int kSets = 250;
  std::vector<std::vector<policy::LevelAssignment>> sets(kSets);
  std::vector<double> cumulative(kSets);
  double total = 0;
  for (int k = 0; k < kSets; ++k) {
    const auto levels = draw.Between(1, 3);
    for (std::int64_t i = 0; i < levels; ++i) {
      sets[k].push_back({.level = s.levels[draw.Below(s.levels.size())].id});
    }
    total += 1.0 / (k + 1);
    cumulative[k] = total;
  }

  for (int person = 0; person < staff; ++person) {
    const double u = static_cast<double>(draw.Below(1u << 30)) / (1u << 30) * total;
    const auto set = static_cast<std::size_t>(
        std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
    std::vector<policy::LevelAssignment> levels = sets[std::min<std::size_t>(set, kSets - 1)];
    if (draw.Chance(0.02)) {
      policy::LevelAssignment temporary{.level = s.levels[draw.Below(s.levels.size())].id};
      temporary.valid_until = whole_minutes(kDay, 90 * kDay);
      if (draw.Chance(0.5)) temporary.valid_from = whole_minutes(-7 * kDay, 0);
      levels.push_back(temporary);
    }
    policy::StaffRef staff_ref;
    draw.Fill(staff_ref);
    const int credentials = draw.Chance(0.1) ? 2 : 1;
    for (int i = 0; i < credentials; ++i) {
      policy::Credential c;
      draw.Fill(c.key);
      c.staff = staff_ref;
      if (draw.Chance(0.97)) c.valid_until = whole_minutes(kDay, 5 * 365 * kDay);
      if (draw.Chance(0.1)) c.valid_from = whole_minutes(-30 * kDay, 60 * kDay);
      if (c.valid_from >= c.valid_until) c.valid_from = policy::kBeginningOfTime;
      if (draw.Chance(0.01)) c.flags = policy::kCredentialRevoked;
      c.levels = levels;
      s.credentials.push_back(std::move(c));
    }
  }
  SortCredentials(s);
  return s;
}

policy::Snapshot SmallRandomSnapshot(int staff, std::uint64_t version, Random& random) {
  policy::testing::RandomPolicyOptions options;
  options.sites = 2;
  options.zones = 4;
  options.doors = 5;
  options.schedules = 3;
  options.levels = 4;
  options.staff = staff;
  options.max_windows_per_schedule = 2;
  options.max_rules_per_level = 3;
  options.holidays_per_site = 3;
  options.lockdown = 0.3;
  options.revoked = 0.2;
  policy::Snapshot s = policy::testing::RandomSnapshot(options, random);
  s.version = version;
  return s;
}

policy::Snapshot Mutate(const policy::Snapshot& from, Random& random) {
  Draw draw(random);
  policy::Snapshot s = from;
  s.version = from.version + 1 + draw.Below(3);
  const auto changes = draw.Between(1, 8);
  for (std::int64_t i = 0; i < changes; ++i) {
    policy::Snapshot candidate = s;
    MutateOnce(candidate, draw);
    if (policy::Validate(candidate).ok()) s = std::move(candidate);
  }
  return s;
}

}  // namespace sekisho::snapshot::testing
