// The access-control model a gate decides with: sites, zones, doors, schedules, access levels and
// the credential table, as plain values. The server builds it per gate (snapshot/ encodes and
// signs it); Decide (decide.h) reads it. No names, no staff numbers (DESIGN.md §3, §6): a
// credential is known by its pseudonym's first 16 bytes and a random staff reference only.
//
// Conventions: times are Unix seconds (UTC); schedules and holidays are read in the site's local
// time (a fixed UTC offset per site). Object ids are assigned by the server, unique per
// organisation, never 0 (kNone means "none"). Validity intervals are half-open [from, until).
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace sekisho::policy {

using ObjectId = std::uint32_t;
inline constexpr ObjectId kNone = 0;

using UnixSeconds = std::int64_t;
inline constexpr UnixSeconds kBeginningOfTime = std::numeric_limits<UnixSeconds>::min();
inline constexpr UnixSeconds kEndOfTime = std::numeric_limits<UnixSeconds>::max();
// A calendar day in the site's local time, counted from 1970-01-01.
using LocalDay = std::int32_t;

// A credential is looked up by the first 16 bytes of its pseudonym (identity/pseudonym.h). 128 bits
// keep collisions among a site's credentials out of reach (about n^2 / 2^129), and without K_org
// nobody can make a card whose pseudonym matches a chosen one. Half the size of the full pseudonym
// keeps the snapshot small. A staff reference is 16 random bytes (DESIGN.md §3).
inline constexpr std::size_t kCredentialKeySize = 16;
using CredentialKey = std::array<std::uint8_t, kCredentialKeySize>;
using StaffRef = std::array<std::uint8_t, 16>;

// The credential key of a pseudonym (identity::Pseudonym's 32 bytes): its first 16 bytes.
// Precondition: pseudonym.size() >= kCredentialKeySize.
inline CredentialKey CredentialKeyOf(std::span<const std::uint8_t> pseudonym) {
  assert(pseudonym.size() >= kCredentialKeySize);
  CredentialKey key;
  std::copy_n(pseudonym.begin(), kCredentialKeySize, key.begin());
  return key;
}

// How strongly the holder was authenticated at the door. Ordered: card+PIN satisfies a card door.
enum class Assurance : std::uint8_t {
  kCard = 1,        // the card's key answered a fresh challenge
  kCardAndPin = 2,  // ... after the holder's PIN unlocked it
};

// Local times of day are minutes since midnight, 0 .. kMinutesPerDay - 1.
inline constexpr int kMinutesPerDay = 1440;

// A weekly window: on the days in `days` (bit 0 Monday ... bit 6 Sunday), local minutes
// [start_minute, end_minute) of the day, 0 <= start < end <= 1440. A window across midnight is
// written as two windows.
struct TimeWindow {
  std::uint8_t days = 0;
  std::uint16_t start_minute = 0;
  std::uint16_t end_minute = 0;
  friend bool operator==(const TimeWindow&, const TimeWindow&) = default;
};

// When a schedule is open. On a holiday of the door's site, `holiday_windows` apply instead of
// `windows` (their day bits are ignored; usually empty: closed on holidays). Outside the local
// days [first_day, last_day] the schedule is closed.
struct Schedule {
  ObjectId id = kNone;
  std::vector<TimeWindow> windows;
  std::vector<TimeWindow> holiday_windows;
  LocalDay first_day = std::numeric_limits<LocalDay>::min();
  LocalDay last_day = std::numeric_limits<LocalDay>::max();
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

struct Site {
  ObjectId id = kNone;
  std::int16_t utc_offset_minutes = 0;  // Japan: +540
  std::vector<LocalDay> holidays;       // sorted, unique
  // Raised by security staff; a level applies only while threat_level <= its max_threat_level.
  std::uint8_t threat_level = 0;
  // Lockdown denies every door of the site except to holders of the override level.
  bool lockdown = false;
  ObjectId lockdown_override_level = kNone;
  // Local minute of the day at which anti-passback and first-person-in records of the site's
  // zones expire (everyone is "outside" again, every first-person-in zone locks again).
  std::uint16_t daily_reset_minute = 0;
  friend bool operator==(const Site&, const Site&) = default;
};

enum class AntiPassback : std::uint8_t {
  kOff = 0,
  kSoft = 1,  // grant, but flag the event (kGrantedAntiPassbackSoft)
  kHard = 2,  // deny (kAntiPassback)
};

struct Zone {
  ObjectId id = kNone;
  ObjectId site = kNone;
  AntiPassback anti_passback = AntiPassback::kOff;
  // Two-person rule: the door opens only when a second authorised holder presents a card within
  // `two_person_window_seconds` of the first.
  bool two_person = false;
  std::uint16_t two_person_window_seconds = 30;
  // First-person-in: until a holder of this level has entered the zone (each local day, from the
  // site's daily reset), everyone else is denied. kNone: no such rule.
  ObjectId first_person_in_level = kNone;
  friend bool operator==(const Zone&, const Zone&) = default;
};

// A door (or gate lane) leads from one zone into another; anti-passback follows the holder's
// zone through it.
struct Door {
  ObjectId id = kNone;
  ObjectId site = kNone;
  ObjectId to_zone = kNone;    // the zone entered
  ObjectId from_zone = kNone;  // the zone left; kNone: outside every managed zone
  Assurance required = Assurance::kCard;
  friend bool operator==(const Door&, const Door&) = default;
};

enum class Effect : std::uint8_t { kGrant = 0, kDeny = 1 };

// `effect` for `zone` while `schedule` is open (kNone: always).
struct LevelRule {
  ObjectId zone = kNone;
  ObjectId schedule = kNone;
  Effect effect = Effect::kGrant;
  friend bool operator==(const LevelRule&, const LevelRule&) = default;
};

struct AccessLevel {
  ObjectId id = kNone;
  std::vector<LevelRule> rules;
  std::uint8_t max_threat_level = 255;
  friend bool operator==(const AccessLevel&, const AccessLevel&) = default;
};

// A level held by a staff member during [valid_from, valid_until).
struct LevelAssignment {
  ObjectId level = kNone;
  UnixSeconds valid_from = kBeginningOfTime;
  UnixSeconds valid_until = kEndOfTime;
  friend bool operator==(const LevelAssignment&, const LevelAssignment&) = default;
};

// Credential flags (bits).
inline constexpr std::uint8_t kCredentialRevoked = 0x01;  // suspended or revoked: lost, CRL, leaver

// One enrolled card. Validity is the intersection of the staff member's employment and the
// card's certificate validity, computed by the server.
struct Credential {
  CredentialKey key{};
  StaffRef staff{};
  UnixSeconds valid_from = kBeginningOfTime;
  UnixSeconds valid_until = kEndOfTime;
  std::uint8_t flags = 0;
  std::vector<LevelAssignment> levels;
  friend bool operator==(const Credential&, const Credential&) = default;
};

// Everything one gate needs. `version` increases with every change the server makes.
// Object vectors are sorted by id, credentials by key (bytewise); ids and keys unique.
struct Snapshot {
  std::uint64_t version = 0;
  std::vector<Site> sites;
  std::vector<Zone> zones;
  std::vector<Door> doors;
  std::vector<Schedule> schedules;
  std::vector<AccessLevel> levels;
  std::vector<Credential> credentials;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

}  // namespace sekisho::policy
