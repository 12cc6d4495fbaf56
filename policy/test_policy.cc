// Random access-control policies (policy/test_policy.h).
#include "policy/test_policy.h"

#include <algorithm>
#include <span>
#include <vector>

namespace sekisho::policy::testing {
namespace {

constexpr UnixSeconds kDay = 86400;

template <typename T>
const T& Pick(Draw& draw, const std::vector<T>& items) {
  return items[draw.Below(items.size())];
}

// Ids 1, 2, ... with random gaps, so indexes cannot rely on dense ids.
std::vector<ObjectId> SparseIds(Draw& draw, int count) {
  std::vector<ObjectId> ids;
  ObjectId id = 0;
  for (int i = 0; i < count; ++i) {
    id += static_cast<ObjectId>(1 + draw.Below(4));
    ids.push_back(id);
  }
  return ids;
}

TimeWindow RandomWindow(Draw& draw) {
  TimeWindow window;
  window.days = draw.Chance(0.5) ? 0x1F : static_cast<std::uint8_t>(1 + draw.Below(127));
  const auto start = draw.Below(24 * 4);  // quarter hours
  const auto end = start + 1 + draw.Below(24 * 4 - start);
  window.start_minute = static_cast<std::uint16_t>(start * 15);
  window.end_minute = static_cast<std::uint16_t>(end * 15);
  return window;
}

LocalDay EpochDay() { return static_cast<LocalDay>(kTestEpoch / kDay); }

}  // namespace

std::uint64_t Draw::Next() {
  std::uint8_t bytes[8];
  random_.Fill(bytes);
  std::uint64_t value = 0;
  for (std::uint8_t b : bytes) value = (value << 8) | b;
  return value;
}

std::uint64_t Draw::Below(std::uint64_t n) {
  // The modulo bias is n / 2^64: negligible for the n used here.
  return Next() % n;
}

std::int64_t Draw::Between(std::int64_t low, std::int64_t high) {
  return low + static_cast<std::int64_t>(Below(static_cast<std::uint64_t>(high - low) + 1));
}

bool Draw::Chance(double p) { return static_cast<double>(Next() >> 32) < p * 4294967296.0; }

RandomPolicyOptions LargeSiteOptions() {
  RandomPolicyOptions options;
  options.sites = 3;
  options.zones = 200;
  options.doors = 1000;
  options.schedules = 50;
  options.levels = 300;
  options.staff = 100000;
  options.revoked = 0.01;
  options.expired = 0.01;
  options.not_yet_valid = 0.01;
  options.deny_rule = 0.03;
  options.anti_passback = 0.1;
  options.two_person = 0.01;
  options.first_person_in = 0.02;
  options.raised_threat = 0.0;
  options.limited_level = 0.1;
  options.days = 365;
  return options;
}

Snapshot RandomSnapshot(const RandomPolicyOptions& options, Random& random) {
  Draw draw(random);
  Snapshot snapshot;
  snapshot.version = 1;
  const int site_count = std::max(options.sites, 1);
  const int zone_count = std::max(options.zones, site_count);
  const LocalDay first_day = EpochDay() - options.days / 2;

  const std::vector<ObjectId> site_ids = SparseIds(draw, site_count);
  const std::vector<ObjectId> zone_ids = SparseIds(draw, zone_count);
  const std::vector<ObjectId> door_ids = SparseIds(draw, options.doors);
  const std::vector<ObjectId> schedule_ids = SparseIds(draw, options.schedules);
  const std::vector<ObjectId> level_ids = SparseIds(draw, options.levels);

  constexpr std::int16_t kOffsets[] = {540, 540, 540, 0, -300, 330};
  for (ObjectId id : site_ids) {
    Site site;
    site.id = id;
    site.utc_offset_minutes = kOffsets[draw.Below(std::size(kOffsets))];
    for (int i = 0; i < options.holidays_per_site; ++i) {
      site.holidays.push_back(first_day + static_cast<LocalDay>(draw.Below(options.days + 1)));
    }
    std::sort(site.holidays.begin(), site.holidays.end());
    site.holidays.erase(std::unique(site.holidays.begin(), site.holidays.end()),
                        site.holidays.end());
    if (draw.Chance(options.raised_threat))
      site.threat_level = static_cast<std::uint8_t>(draw.Between(1, 3));
    site.lockdown = draw.Chance(options.lockdown);
    if (!level_ids.empty() && !draw.Chance(0.125))
      site.lockdown_override_level = Pick(draw, level_ids);
    site.daily_reset_minute = draw.Chance(0.5) ? 180 : static_cast<std::uint16_t>(draw.Below(1440));
    snapshot.sites.push_back(site);
  }

  // Zones round-robin over the sites, so every site has one.
  std::vector<std::vector<ObjectId>> zones_of_site(site_ids.size());
  for (std::size_t i = 0; i < zone_ids.size(); ++i) {
    Zone zone;
    zone.id = zone_ids[i];
    zone.site = site_ids[i % site_ids.size()];
    zones_of_site[i % site_ids.size()].push_back(zone.id);
    if (draw.Chance(options.anti_passback)) {
      zone.anti_passback = draw.Chance(0.5) ? AntiPassback::kSoft : AntiPassback::kHard;
    }
    zone.two_person = draw.Chance(options.two_person);
    zone.two_person_window_seconds = static_cast<std::uint16_t>(draw.Between(10, 60));
    if (!level_ids.empty() && draw.Chance(options.first_person_in)) {
      zone.first_person_in_level = Pick(draw, level_ids);
    }
    snapshot.zones.push_back(zone);
  }

  for (ObjectId id : door_ids) {
    Door door;
    door.id = id;
    const std::size_t site_index = draw.Below(site_ids.size());
    door.site = site_ids[site_index];
    const std::vector<ObjectId>& zones = zones_of_site[site_index];
    door.to_zone = Pick(draw, zones);
    if (draw.Chance(0.7)) {
      const ObjectId from = Pick(draw, zones);
      if (from != door.to_zone) door.from_zone = from;
    }
    door.required = draw.Chance(options.pin_door) ? Assurance::kCardAndPin : Assurance::kCard;
    snapshot.doors.push_back(door);
  }

  for (ObjectId id : schedule_ids) {
    Schedule schedule;
    schedule.id = id;
    const auto windows = draw.Between(1, std::max(options.max_windows_per_schedule, 1));
    for (std::int64_t i = 0; i < windows; ++i) schedule.windows.push_back(RandomWindow(draw));
    if (draw.Chance(0.2)) schedule.holiday_windows.push_back(RandomWindow(draw));
    if (draw.Chance(0.1)) {
      schedule.first_day = first_day + static_cast<LocalDay>(draw.Below(options.days / 2 + 1));
      schedule.last_day = schedule.first_day + static_cast<LocalDay>(draw.Below(options.days + 1));
    }
    snapshot.schedules.push_back(schedule);
  }

  for (ObjectId id : level_ids) {
    AccessLevel level;
    level.id = id;
    const std::vector<ObjectId>& zones = zones_of_site[draw.Below(site_ids.size())];
    const auto rules = draw.Between(1, std::max(options.max_rules_per_level, 1));
    for (std::int64_t i = 0; i < rules; ++i) {
      LevelRule rule;
      rule.zone = Pick(draw, zones);
      if (!schedule_ids.empty() && !draw.Chance(options.unscheduled_rule)) {
        rule.schedule = Pick(draw, schedule_ids);
      }
      rule.effect = draw.Chance(options.deny_rule) ? Effect::kDeny : Effect::kGrant;
      level.rules.push_back(rule);
    }
    if (draw.Chance(options.limited_level)) {
      level.max_threat_level = static_cast<std::uint8_t>(draw.Below(3));
    }
    snapshot.levels.push_back(level);
  }

  const UnixSeconds span = options.days * kDay;
  const UnixSeconds begin = kTestEpoch - span / 2;
  for (int s = 0; s < options.staff; ++s) {
    StaffRef staff;
    draw.Fill(staff);
    std::vector<LevelAssignment> assignments;
    if (!level_ids.empty()) {
      const auto count = draw.Between(1, std::max(options.max_levels_per_staff, 1));
      for (std::int64_t i = 0; i < count; ++i) {
        LevelAssignment assignment;
        assignment.level = Pick(draw, level_ids);
        if (draw.Chance(options.bounded_assignment)) {
          assignment.valid_from = begin + static_cast<UnixSeconds>(draw.Below(span));
          assignment.valid_until =
              assignment.valid_from + 1 + static_cast<UnixSeconds>(draw.Below(span));
        }
        assignments.push_back(assignment);
      }
    }
    const int credentials = draw.Chance(options.second_credential) ? 2 : 1;
    for (int c = 0; c < credentials; ++c) {
      Credential credential;
      draw.Fill(credential.key);
      credential.staff = staff;
      credential.valid_from = begin - 5 * 365 * kDay;
      credential.valid_until = begin + span + 5 * 365 * kDay;
      if (draw.Chance(options.expired)) {
        credential.valid_until = begin + static_cast<UnixSeconds>(draw.Below(span));
      } else if (draw.Chance(options.not_yet_valid)) {
        credential.valid_from = begin + static_cast<UnixSeconds>(draw.Below(span));
      }
      if (draw.Chance(options.revoked)) credential.flags |= kCredentialRevoked;
      credential.levels = assignments;
      snapshot.credentials.push_back(std::move(credential));
    }
  }
  std::sort(snapshot.credentials.begin(), snapshot.credentials.end(),
            [](const Credential& a, const Credential& b) { return a.key < b.key; });
  // 128-bit random keys do not collide in practice; keep the snapshot valid regardless.
  snapshot.credentials.erase(
      std::unique(snapshot.credentials.begin(), snapshot.credentials.end(),
                  [](const Credential& a, const Credential& b) { return a.key == b.key; }),
      snapshot.credentials.end());
  return snapshot;
}

RequestGenerator::RequestGenerator(const Snapshot& snapshot, const RandomRequestOptions& options)
    : snapshot_(snapshot), options_(options) {
  std::map<ObjectId, std::int16_t> utc_offset_of_site;
  for (const Site& site : snapshot.sites) utc_offset_of_site[site.id] = site.utc_offset_minutes;
  for (const Door& door : snapshot.doors) {
    doors_into_zone_[door.to_zone].push_back(door.id);
    utc_offset_of_door_[door.id] = utc_offset_of_site[door.site];
  }
  for (const AccessLevel& level : snapshot.levels) {
    std::vector<ObjectId>& zones = zones_of_level_[level.id];
    for (const LevelRule& rule : level.rules) {
      if (doors_into_zone_.count(rule.zone) != 0) zones.push_back(rule.zone);
    }
  }
}

Request RequestGenerator::Next(Random& random) const {
  Draw draw(random);
  Request request;
  const Credential* credential = nullptr;
  if (snapshot_.credentials.empty() || draw.Chance(options_.unknown_credential)) {
    draw.Fill(request.credential);
  } else {
    credential = &Pick(draw, snapshot_.credentials);
    request.credential = credential->key;
  }
  if (snapshot_.doors.empty() || draw.Chance(options_.unknown_door)) {
    // Ids in generated snapshots stay far below this.
    request.door = static_cast<ObjectId>(0x80000000u + draw.Below(0x7FFFFFFF));
  } else {
    request.door = Pick(draw, snapshot_.doors).id;
    if (credential != nullptr && !credential->levels.empty() && draw.Chance(options_.own_door)) {
      const auto zones = zones_of_level_.find(Pick(draw, credential->levels).level);
      if (zones != zones_of_level_.end() && !zones->second.empty()) {
        request.door = Pick(draw, doors_into_zone_.at(Pick(draw, zones->second)));
      }
    }
  }
  request.presented = draw.Chance(options_.with_pin) ? Assurance::kCardAndPin : Assurance::kCard;
  const UnixSeconds span = options_.days * kDay;
  request.time = kTestEpoch - span / 2 + static_cast<UnixSeconds>(draw.Below(span));
  const auto offset = utc_offset_of_door_.find(request.door);
  if (offset != utc_offset_of_door_.end() && draw.Chance(options_.daytime)) {
    const UnixSeconds shift = UnixSeconds{offset->second} * 60;
    const UnixSeconds local = request.time + shift;
    const UnixSeconds midnight = local - ((local % kDay) + kDay) % kDay;
    request.time = midnight + 7 * 3600 + static_cast<UnixSeconds>(draw.Below(14 * 3600)) - shift;
  }
  return request;
}

namespace example {

CredentialKey KeyOf(Person person) {
  CredentialKey key;
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(0x11 * (static_cast<int>(person) + 1) + 7 * i);
  }
  return key;
}

StaffRef StaffOf(Person person) {
  StaffRef staff;
  for (std::size_t i = 0; i < staff.size(); ++i) {
    staff[i] = static_cast<std::uint8_t>(0xC3 ^ (13 * (static_cast<int>(person) + 1) + i));
  }
  return staff;
}

}  // namespace example

Snapshot ExampleSnapshot() {
  using namespace example;                     // NOLINT(build/namespaces)
  constexpr UnixSeconds kMarch1 = 1772290800;  // 2026-03-01 00:00 JST
  constexpr UnixSeconds kMay1 = 1777561200;    // 2026-05-01 00:00 JST
  Snapshot s;
  s.version = 7;
  s.sites = {
      Site{
          .id = kHq, .utc_offset_minutes = 540, .holidays = {kShowaDay}, .daily_reset_minute = 180},
      Site{.id = kAnnex,
           .utc_offset_minutes = 540,
           .lockdown = true,
           .lockdown_override_level = kSecurity,
           .daily_reset_minute = 180},
  };
  s.zones = {
      Zone{.id = kLobby, .site = kHq},
      Zone{.id = kOffice, .site = kHq, .anti_passback = AntiPassback::kHard},
      Zone{.id = kLab, .site = kHq, .anti_passback = AntiPassback::kSoft},
      Zone{.id = kVault, .site = kHq, .two_person = true, .two_person_window_seconds = 30},
      Zone{.id = kServerRoom, .site = kHq, .first_person_in_level = kSupervisor},
      Zone{.id = kAnnexHall, .site = kAnnex},
      Zone{.id = kAnnexStore, .site = kAnnex},
  };
  s.doors = {
      Door{.id = kEntrance, .site = kHq, .to_zone = kLobby},
      Door{.id = kOfficeIn, .site = kHq, .to_zone = kOffice, .from_zone = kLobby},
      Door{.id = kOfficeOut, .site = kHq, .to_zone = kLobby, .from_zone = kOffice},
      Door{.id = kLabDoor,
           .site = kHq,
           .to_zone = kLab,
           .from_zone = kLobby,
           .required = Assurance::kCardAndPin},
      Door{.id = kVaultDoor,
           .site = kHq,
           .to_zone = kVault,
           .from_zone = kLobby,
           .required = Assurance::kCardAndPin},
      Door{.id = kServerDoor, .site = kHq, .to_zone = kServerRoom, .from_zone = kLobby},
      Door{.id = kAnnexDoor, .site = kAnnex, .to_zone = kAnnexHall},
      Door{.id = kAnnexStoreDoor, .site = kAnnex, .to_zone = kAnnexStore, .from_zone = kAnnexHall},
  };
  s.schedules = {
      Schedule{.id = kBusinessHours, .windows = {{0x1F, 8 * 60, 20 * 60}}},
      Schedule{.id = kWeekend,
               .windows = {{0x60, 10 * 60, 16 * 60}},
               .holiday_windows = {{0, 10 * 60, 16 * 60}}},
  };
  s.levels = {
      AccessLevel{.id = kStaffLevel,
                  .rules = {{kLobby, kNone, Effect::kGrant},
                            {kOffice, kBusinessHours, Effect::kGrant},
                            {kLab, kBusinessHours, Effect::kGrant},
                            {kVault, kNone, Effect::kGrant},
                            {kServerRoom, kNone, Effect::kGrant}}},
      AccessLevel{.id = kNoLab, .rules = {{kLab, kNone, Effect::kDeny}}},
      AccessLevel{.id = kWeekendLevel,
                  .rules = {{kLobby, kNone, Effect::kGrant}, {kOffice, kWeekend, Effect::kGrant}}},
      AccessLevel{
          .id = kLowThreat, .rules = {{kLobby, kNone, Effect::kGrant}}, .max_threat_level = 0},
      AccessLevel{.id = kSupervisor, .rules = {{kServerRoom, kNone, Effect::kGrant}}},
      AccessLevel{
          .id = kSecurity, .rules = {{kAnnexHall, kNone, Effect::kGrant}}, .max_threat_level = 3},
  };
  const LevelAssignment staff{.level = kStaffLevel};
  auto add = [&s](Person person, std::vector<LevelAssignment> levels) -> Credential& {
    Credential c;
    c.key = KeyOf(person);
    c.staff = StaffOf(person);
    c.levels = std::move(levels);
    s.credentials.push_back(std::move(c));
    return s.credentials.back();
  };
  add(Person::kAlice, {staff, {.level = kSupervisor}});
  add(Person::kBob, {staff});
  add(Person::kCarol, {staff}).flags = kCredentialRevoked;
  add(Person::kDave, {staff}).valid_until = kMarch1;
  add(Person::kErin, {staff}).valid_from = kMay1;
  add(Person::kFrank, {staff, {.level = kNoLab}});
  add(Person::kGrace, {staff, {.level = kSecurity}});
  add(Person::kHeidi, {{.level = kStaffLevel, .valid_until = kMarch1}, {.level = kLowThreat}});
  add(Person::kIvan, {{.level = kWeekendLevel}});
  std::sort(s.credentials.begin(), s.credentials.end(),
            [](const Credential& a, const Credential& b) { return a.key < b.key; });
  return s;
}

}  // namespace sekisho::policy::testing
