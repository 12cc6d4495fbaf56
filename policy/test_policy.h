// Random access-control policies for tests and benchmarks: a seeded generator of valid
// Snapshots (sorted, unique, references resolved, as model.h requires) and of door requests
// against them. Library sekisho_policy_testing; never linked into a product binary.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "base/random.h"
#include "policy/decide.h"
#include "policy/model.h"

namespace sekisho::policy::testing {

// 2026-06-01 00:00:00 UTC (a Monday): the centre of generated validity periods and times.
inline constexpr UnixSeconds kTestEpoch = 1780272000;

// Small integers and coin flips from a Random (reproducible with SeededRandom).
class Draw {
 public:
  explicit Draw(Random& random) : random_(random) {}
  std::uint64_t Next();
  // Uniform in [0, n); n > 0.
  std::uint64_t Below(std::uint64_t n);
  // Uniform in [low, high]; low <= high.
  std::int64_t Between(std::int64_t low, std::int64_t high);
  // True with probability `p` (to 1/2^32).
  bool Chance(double p);
  template <typename T>
  void Fill(T& bytes) {
    random_.Fill(bytes);
  }

 private:
  Random& random_;
};

struct RandomPolicyOptions {
  int sites = 2;
  int zones = 8;  // spread over the sites; each site gets at least one
  int doors = 16;
  int schedules = 6;
  int levels = 10;
  int staff = 60;
  int max_windows_per_schedule = 4;
  int max_rules_per_level = 10;
  int max_levels_per_staff = 3;
  int holidays_per_site = 12;      // within `days` around kTestEpoch
  int days = 28;                   // validity periods and holidays fall in kTestEpoch +- days/2
  double second_credential = 0.1;  // staff with a badge besides the jpki card
  double revoked = 0.05;
  double expired = 0.05;
  double not_yet_valid = 0.03;
  double bounded_assignment = 0.15;  // assignments with their own validity period
  double deny_rule = 0.08;
  double unscheduled_rule = 0.3;  // rules with schedule kNone (always)
  double pin_door = 0.3;
  double anti_passback = 0.15;  // per zone; half soft, half hard
  double two_person = 0.05;
  double first_person_in = 0.05;
  double lockdown = 0.0;       // per site
  double raised_threat = 0.1;  // per site: threat level 1-3
  double limited_level = 0.2;  // levels with max_threat_level 0-2
};

// A realistic large site for benchmarks: 3 sites, 200 zones, 1,000 doors, 50 schedules, 300
// levels of 1-10 rules, 100,000 staff holding 1-3 levels.
RandomPolicyOptions LargeSiteOptions();

// A valid snapshot (version 1). Ids are sparse (random gaps), keys and staff references random.
// The override level of a site in lockdown is one of the levels (or kNone, one time in eight).
Snapshot RandomSnapshot(const RandomPolicyOptions& options, Random& random);

struct RandomRequestOptions {
  double unknown_credential = 0.05;
  double unknown_door = 0.0;
  double with_pin = 0.7;
  // Requests at a door into a zone that one of the holder's levels has a rule for (people
  // mostly go where they may); the others pick any door.
  double own_door = 0.0;
  // Requests between 07:00 and 21:00 local time at the door's site; the others at any time.
  double daytime = 0.0;
  int days = 28;  // request times in kTestEpoch +- days/2
};

// Random requests against one snapshot (which must outlive the generator).
class RequestGenerator {
 public:
  RequestGenerator(const Snapshot& snapshot, const RandomRequestOptions& options);
  Request Next(Random& random) const;

 private:
  const Snapshot& snapshot_;
  RandomRequestOptions options_;
  std::map<ObjectId, std::vector<ObjectId>> doors_into_zone_;
  std::map<ObjectId, std::vector<ObjectId>> zones_of_level_;
  std::map<ObjectId, std::int16_t> utc_offset_of_door_;
};

// The worked example of docs/policy.md, small enough to reason about by hand. Site kHq (Tokyo,
// UTC+9, holiday 2026-04-29, daily reset 03:00) and site kAnnex (in lockdown, override level
// kSecurity). Zones: lobby (no anti-passback), office (hard), lab (soft), vault (two-person, 30 s),
// server room (first-person-in: kSupervisor); annex hall and store. Doors lead from outside or the
// lobby into each (kOfficeOut leads back from the office into the lobby); the lab and the vault
// need card+PIN. Valid (policy/validate.h).
namespace example {
inline constexpr ObjectId kHq = 1;
inline constexpr ObjectId kAnnex = 2;
inline constexpr ObjectId kLobby = 10;
inline constexpr ObjectId kOffice = 11;
inline constexpr ObjectId kLab = 12;
inline constexpr ObjectId kVault = 13;
inline constexpr ObjectId kServerRoom = 14;
inline constexpr ObjectId kAnnexHall = 20;
inline constexpr ObjectId kAnnexStore = 21;
inline constexpr ObjectId kEntrance = 100;        // outside -> lobby, card
inline constexpr ObjectId kOfficeIn = 101;        // lobby -> office, card
inline constexpr ObjectId kOfficeOut = 102;       // office -> lobby, card
inline constexpr ObjectId kLabDoor = 103;         // lobby -> lab, card+PIN
inline constexpr ObjectId kVaultDoor = 104;       // lobby -> vault, card+PIN
inline constexpr ObjectId kServerDoor = 105;      // lobby -> server room, card
inline constexpr ObjectId kAnnexDoor = 200;       // outside -> annex hall, card
inline constexpr ObjectId kAnnexStoreDoor = 201;  // annex hall -> store, card
inline constexpr ObjectId kBusinessHours = 50;    // Mon-Fri 08:00-20:00, closed on holidays
inline constexpr ObjectId kWeekend = 51;          // Sat-Sun 10:00-16:00, and on holidays
inline constexpr ObjectId kStaffLevel = 30;       // lobby, vault, server room always; office and
                                                  // lab in business hours
inline constexpr ObjectId kNoLab = 31;            // deny lab, always
inline constexpr ObjectId kWeekendLevel = 32;     // lobby always; office on weekends, holidays
inline constexpr ObjectId kSupervisor = 40;       // server room always (its first-person-in level)
inline constexpr ObjectId kSecurity = 90;         // annex hall always; max_threat_level 3
inline constexpr ObjectId kLowThreat = 33;        // lobby always; max_threat_level 0

enum class Person {
  kAlice,  // staff + supervisor
  kBob,    // staff
  kCarol,  // staff, card revoked
  kDave,   // staff, card expired 2026-03-01
  kErin,   // staff, card valid from 2026-05-01
  kFrank,  // staff + no-lab
  kGrace,  // staff + security
  kHeidi,  // staff, but the assignment ended 2026-03-01; low-threat level
  kIvan,   // weekend level only
};
inline constexpr Person kAllPeople[] = {Person::kAlice, Person::kBob,   Person::kCarol,
                                        Person::kDave,  Person::kErin,  Person::kFrank,
                                        Person::kGrace, Person::kHeidi, Person::kIvan};
CredentialKey KeyOf(Person person);
StaffRef StaffOf(Person person);

// Local times at kHq (UTC+9).
inline constexpr UnixSeconds kWednesday1000 = 1775005200;  // 2026-04-01 10:00 JST
inline constexpr UnixSeconds kSunday1200 = 1775358000;     // 2026-04-05 12:00 JST
inline constexpr UnixSeconds kHoliday1000 = 1777424400;    // 2026-04-29 10:00 JST (Showa Day)
inline constexpr LocalDay kShowaDay = 20572;               // 2026-04-29
}  // namespace example

Snapshot ExampleSnapshot();

}  // namespace sekisho::policy::testing
