// Wire form of the model objects; see model_codec.h and docs/formats/snapshot.md §4.
#include "snapshot/model_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <string>

namespace sekisho::snapshot {
namespace {

using policy::UnixSeconds;

constexpr std::uint64_t kMaxId = std::numeric_limits<policy::ObjectId>::max();
constexpr std::uint64_t kMaxU16 = std::numeric_limits<std::uint16_t>::max();

// Bits of a validity bound (docs/formats/snapshot.md §4.7), three per bound.
constexpr std::uint8_t kBoundPresent = 0x01;
constexpr std::uint8_t kBoundBeforeBase = 0x02;
constexpr std::uint8_t kBoundInSeconds = 0x04;
constexpr int kFromShift = 0;
constexpr int kUntilShift = 3;
constexpr std::uint8_t kBoundsMask = 0x3F;
// Credential flags byte: bits 0-5 the two bounds, bit 6 revoked, bit 7 reserved.
constexpr std::uint8_t kWireRevoked = 0x40;

constexpr std::uint8_t kSiteLockdown = 0x01;
constexpr std::uint8_t kZoneTwoPerson = 0x01;

// A bound as written: three bits and a magnitude. Absent when it equals `absent` (the open end,
// kBeginningOfTime for valid_from, kEndOfTime for valid_until).
struct WireBound {
  std::uint8_t bits = 0;
  std::uint64_t magnitude = 0;
};

WireBound ToWire(UnixSeconds t, UnixSeconds absent, UnixSeconds base) {
  if (t == absent) return {};
  WireBound w{kBoundPresent, 0};
  // The difference always fits in 64 unsigned bits; two's complement subtraction computes it.
  std::uint64_t distance;
  if (t >= base) {
    distance = static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(base);
  } else {
    w.bits |= kBoundBeforeBase;
    distance = static_cast<std::uint64_t>(base) - static_cast<std::uint64_t>(t);
  }
  if (distance % 60 == 0) {
    w.magnitude = distance / 60;
  } else {
    w.bits |= kBoundInSeconds;
    w.magnitude = distance;
  }
  return w;
}

Result<UnixSeconds> ReadBound(Reader& in, std::uint8_t bits, UnixSeconds absent, UnixSeconds base,
                              std::string_view field) {
  if ((bits & kBoundPresent) == 0) {
    if (bits != 0) {
      return in.Error(field, in.offset(), "direction or unit bits set on an absent bound");
    }
    return absent;
  }
  const std::size_t at = in.offset();
  ASSIGN_OR_RETURN(const std::uint64_t magnitude, in.Varint(field));
  const bool before = (bits & kBoundBeforeBase) != 0;
  const bool seconds = (bits & kBoundInSeconds) != 0;
  if (before && magnitude == 0) return in.Error(field, at, "zero distance marked as before");
  std::uint64_t distance = magnitude;
  if (seconds) {
    if (magnitude % 60 == 0) {
      return in.Error(field, at, "a whole number of minutes written in seconds");
    }
  } else {
    if (magnitude > std::numeric_limits<std::uint64_t>::max() / 60) {
      return in.Error(field, at, "bound out of range");
    }
    distance = magnitude * 60;
  }
  UnixSeconds t;
  if (before) {
    const std::uint64_t room = static_cast<std::uint64_t>(base) -
                               static_cast<std::uint64_t>(std::numeric_limits<UnixSeconds>::min());
    if (distance > room) return in.Error(field, at, "bound out of range");
    t = static_cast<UnixSeconds>(static_cast<std::uint64_t>(base) - distance);
  } else {
    const std::uint64_t room = static_cast<std::uint64_t>(std::numeric_limits<UnixSeconds>::max()) -
                               static_cast<std::uint64_t>(base);
    if (distance > room) return in.Error(field, at, "bound out of range");
    t = static_cast<UnixSeconds>(static_cast<std::uint64_t>(base) + distance);
  }
  if (t == absent) return in.Error(field, at, "the open end written as a bound");
  return t;
}

std::uint8_t BoundsBits(UnixSeconds from, UnixSeconds until, UnixSeconds base, WireBound& f,
                        WireBound& u) {
  f = ToWire(from, policy::kBeginningOfTime, base);
  u = ToWire(until, policy::kEndOfTime, base);
  return static_cast<std::uint8_t>((f.bits << kFromShift) | (u.bits << kUntilShift));
}

void WriteBounds(Writer& out, const WireBound& f, const WireBound& u) {
  if (f.bits != 0) out.Varint(f.magnitude);
  if (u.bits != 0) out.Varint(u.magnitude);
}

Status ReadBounds(Reader& in, std::uint8_t bits, UnixSeconds base, UnixSeconds& from,
                  UnixSeconds& until) {
  ASSIGN_OR_RETURN(from, ReadBound(in, (bits >> kFromShift) & 0x07, policy::kBeginningOfTime, base,
                                   "valid_from"));
  ASSIGN_OR_RETURN(
      until, ReadBound(in, (bits >> kUntilShift) & 0x07, policy::kEndOfTime, base, "valid_until"));
  return OkStatus();
}

Result<policy::ObjectId> ReadId(Reader& in, std::string_view field) {
  ASSIGN_OR_RETURN(const std::uint64_t v, in.BoundedVarint(field, kMaxId));
  return static_cast<policy::ObjectId>(v);
}

template <typename Int>
Result<Int> ReadSigned(Reader& in, std::string_view field) {
  const std::size_t at = in.offset();
  ASSIGN_OR_RETURN(const std::int64_t v, in.SignedVarint(field));
  if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
    return in.Error(field, at, fmt::format("{} is out of range", v));
  }
  return static_cast<Int>(v);
}

// A flags byte whose bits outside `known` must be 0.
Result<std::uint8_t> ReadFlags(Reader& in, std::string_view field, std::uint8_t known) {
  const std::size_t at = in.offset();
  ASSIGN_OR_RETURN(const std::uint8_t v, in.U8(field));
  if ((v & ~known) != 0) {
    return in.Error(field, at, fmt::format("reserved bits 0x{:02X} set", v & ~known));
  }
  return v;
}

// An enum byte within [min, max].
Result<std::uint8_t> ReadEnum(Reader& in, std::string_view field, std::uint8_t min,
                              std::uint8_t max) {
  const std::size_t at = in.offset();
  ASSIGN_OR_RETURN(const std::uint8_t v, in.U8(field));
  if (v < min || v > max) {
    return in.Error(field, at, fmt::format("unknown value {} (expected {}..{})", v, min, max));
  }
  return v;
}

void WriteWindows(Writer& out, const std::vector<policy::TimeWindow>& windows) {
  out.Varint(windows.size());
  for (const auto& w : windows) {
    out.U8(w.days);
    out.Varint(w.start_minute);
    out.Varint(w.end_minute);
  }
}

Result<std::vector<policy::TimeWindow>> ReadWindows(Reader& in, std::string_view field) {
  ASSIGN_OR_RETURN(const std::size_t n, in.Count(field, 3));
  std::vector<policy::TimeWindow> windows(n);
  for (auto& w : windows) {
    ASSIGN_OR_RETURN(w.days, in.U8("window days"));
    ASSIGN_OR_RETURN(const std::uint64_t start, in.BoundedVarint("window start", kMaxU16));
    ASSIGN_OR_RETURN(const std::uint64_t end, in.BoundedVarint("window end", kMaxU16));
    w.start_minute = static_cast<std::uint16_t>(start);
    w.end_minute = static_cast<std::uint16_t>(end);
  }
  return windows;
}

}  // namespace

void WriteSite(Writer& out, const policy::Site& site) {
  out.Varint(site.id);
  out.SignedVarint(site.utc_offset_minutes);
  out.Varint(site.holidays.size());
  for (policy::LocalDay day : site.holidays) out.SignedVarint(day);
  out.U8(site.threat_level);
  out.U8(site.lockdown ? kSiteLockdown : 0);
  out.Varint(site.lockdown_override_level);
  out.Varint(site.daily_reset_minute);
}

Result<policy::Site> ReadSite(Reader& in) {
  policy::Site site;
  ASSIGN_OR_RETURN(site.id, ReadId(in, "id"));
  ASSIGN_OR_RETURN(site.utc_offset_minutes, ReadSigned<std::int16_t>(in, "UTC offset"));
  ASSIGN_OR_RETURN(const std::size_t holidays, in.Count("holiday count", 1));
  site.holidays.resize(holidays);
  for (auto& day : site.holidays) {
    ASSIGN_OR_RETURN(day, ReadSigned<policy::LocalDay>(in, "holiday"));
  }
  ASSIGN_OR_RETURN(site.threat_level, in.U8("threat level"));
  ASSIGN_OR_RETURN(const std::uint8_t flags, ReadFlags(in, "site flags", kSiteLockdown));
  site.lockdown = (flags & kSiteLockdown) != 0;
  ASSIGN_OR_RETURN(site.lockdown_override_level, ReadId(in, "lockdown override level"));
  ASSIGN_OR_RETURN(const std::uint64_t reset, in.BoundedVarint("daily reset minute", kMaxU16));
  site.daily_reset_minute = static_cast<std::uint16_t>(reset);
  return site;
}

Status CheckWritable(const policy::Zone& zone) {
  if (static_cast<std::uint8_t>(zone.anti_passback) >
      static_cast<std::uint8_t>(policy::AntiPassback::kHard)) {
    return InvalidArgumentError(fmt::format("zone {}: unknown anti-passback mode {}", zone.id,
                                            static_cast<int>(zone.anti_passback)));
  }
  return OkStatus();
}

void WriteZone(Writer& out, const policy::Zone& zone) {
  out.Varint(zone.id);
  out.Varint(zone.site);
  out.U8(static_cast<std::uint8_t>(zone.anti_passback));
  out.U8(zone.two_person ? kZoneTwoPerson : 0);
  out.Varint(zone.two_person_window_seconds);
  out.Varint(zone.first_person_in_level);
}

Result<policy::Zone> ReadZone(Reader& in) {
  policy::Zone zone;
  ASSIGN_OR_RETURN(zone.id, ReadId(in, "id"));
  ASSIGN_OR_RETURN(zone.site, ReadId(in, "site"));
  ASSIGN_OR_RETURN(
      const std::uint8_t anti_passback,
      ReadEnum(in, "anti-passback", 0, static_cast<std::uint8_t>(policy::AntiPassback::kHard)));
  zone.anti_passback = static_cast<policy::AntiPassback>(anti_passback);
  ASSIGN_OR_RETURN(const std::uint8_t flags, ReadFlags(in, "zone flags", kZoneTwoPerson));
  zone.two_person = (flags & kZoneTwoPerson) != 0;
  ASSIGN_OR_RETURN(const std::uint64_t window, in.BoundedVarint("two-person window", kMaxU16));
  zone.two_person_window_seconds = static_cast<std::uint16_t>(window);
  ASSIGN_OR_RETURN(zone.first_person_in_level, ReadId(in, "first-person-in level"));
  return zone;
}

Status CheckWritable(const policy::Door& door) {
  const auto required = static_cast<std::uint8_t>(door.required);
  if (required < static_cast<std::uint8_t>(policy::Assurance::kCard) ||
      required > static_cast<std::uint8_t>(policy::Assurance::kCardAndPin)) {
    return InvalidArgumentError(
        fmt::format("door {}: unknown required assurance {}", door.id, required));
  }
  return OkStatus();
}

void WriteDoor(Writer& out, const policy::Door& door) {
  out.Varint(door.id);
  out.Varint(door.site);
  out.Varint(door.to_zone);
  out.Varint(door.from_zone);
  out.U8(static_cast<std::uint8_t>(door.required));
}

Result<policy::Door> ReadDoor(Reader& in) {
  policy::Door door;
  ASSIGN_OR_RETURN(door.id, ReadId(in, "id"));
  ASSIGN_OR_RETURN(door.site, ReadId(in, "site"));
  ASSIGN_OR_RETURN(door.to_zone, ReadId(in, "to_zone"));
  ASSIGN_OR_RETURN(door.from_zone, ReadId(in, "from_zone"));
  ASSIGN_OR_RETURN(
      const std::uint8_t required,
      ReadEnum(in, "required assurance", static_cast<std::uint8_t>(policy::Assurance::kCard),
               static_cast<std::uint8_t>(policy::Assurance::kCardAndPin)));
  door.required = static_cast<policy::Assurance>(required);
  return door;
}

void WriteSchedule(Writer& out, const policy::Schedule& schedule) {
  out.Varint(schedule.id);
  WriteWindows(out, schedule.windows);
  WriteWindows(out, schedule.holiday_windows);
  out.SignedVarint(schedule.first_day);
  out.SignedVarint(schedule.last_day);
}

Result<policy::Schedule> ReadSchedule(Reader& in) {
  policy::Schedule schedule;
  ASSIGN_OR_RETURN(schedule.id, ReadId(in, "id"));
  ASSIGN_OR_RETURN(schedule.windows, ReadWindows(in, "window count"));
  ASSIGN_OR_RETURN(schedule.holiday_windows, ReadWindows(in, "holiday window count"));
  ASSIGN_OR_RETURN(schedule.first_day, ReadSigned<policy::LocalDay>(in, "first day"));
  ASSIGN_OR_RETURN(schedule.last_day, ReadSigned<policy::LocalDay>(in, "last day"));
  return schedule;
}

Status CheckWritable(const policy::AccessLevel& level) {
  for (std::size_t i = 0; i < level.rules.size(); ++i) {
    const auto effect = static_cast<std::uint8_t>(level.rules[i].effect);
    if (effect > static_cast<std::uint8_t>(policy::Effect::kDeny)) {
      return InvalidArgumentError(
          fmt::format("level {}: rule {}: unknown effect {}", level.id, i, effect));
    }
  }
  return OkStatus();
}

void WriteLevel(Writer& out, const policy::AccessLevel& level) {
  out.Varint(level.id);
  out.U8(level.max_threat_level);
  out.Varint(level.rules.size());
  for (const auto& rule : level.rules) {
    out.Varint(rule.zone);
    out.Varint(rule.schedule);
    out.U8(static_cast<std::uint8_t>(rule.effect));
  }
}

Result<policy::AccessLevel> ReadLevel(Reader& in) {
  policy::AccessLevel level;
  ASSIGN_OR_RETURN(level.id, ReadId(in, "id"));
  ASSIGN_OR_RETURN(level.max_threat_level, in.U8("max threat level"));
  ASSIGN_OR_RETURN(const std::size_t n, in.Count("rule count", 3));
  level.rules.resize(n);
  for (auto& rule : level.rules) {
    ASSIGN_OR_RETURN(rule.zone, ReadId(in, "rule zone"));
    ASSIGN_OR_RETURN(rule.schedule, ReadId(in, "rule schedule"));
    ASSIGN_OR_RETURN(
        const std::uint8_t effect,
        ReadEnum(in, "rule effect", 0, static_cast<std::uint8_t>(policy::Effect::kDeny)));
    rule.effect = static_cast<policy::Effect>(effect);
  }
  return level;
}

Status CheckWritable(const policy::Credential& credential) {
  if ((credential.flags & ~policy::kCredentialRevoked) != 0) {
    return InvalidArgumentError(fmt::format("credential: unknown flag bits 0x{:02X}",
                                            credential.flags & ~policy::kCredentialRevoked));
  }
  return OkStatus();
}

void WriteCredentialHead(Writer& out, const policy::Credential& credential, UnixSeconds base) {
  out.Raw(credential.key);
  out.Raw(credential.staff);
  WireBound from, until;
  std::uint8_t flags = BoundsBits(credential.valid_from, credential.valid_until, base, from, until);
  if ((credential.flags & policy::kCredentialRevoked) != 0) flags |= kWireRevoked;
  out.U8(flags);
  WriteBounds(out, from, until);
}

Result<policy::Credential> ReadCredentialHead(Reader& in, UnixSeconds base) {
  policy::Credential credential;
  ASSIGN_OR_RETURN(const ByteView key, in.Raw("key", credential.key.size()));
  std::copy(key.begin(), key.end(), credential.key.begin());
  ASSIGN_OR_RETURN(const ByteView staff, in.Raw("staff reference", credential.staff.size()));
  std::copy(staff.begin(), staff.end(), credential.staff.begin());
  ASSIGN_OR_RETURN(const std::uint8_t flags,
                   ReadFlags(in, "credential flags", kBoundsMask | kWireRevoked));
  if ((flags & kWireRevoked) != 0) credential.flags = policy::kCredentialRevoked;
  RETURN_IF_ERROR(ReadBounds(in, flags, base, credential.valid_from, credential.valid_until));
  return credential;
}

void WriteAssignments(Writer& out, const std::vector<policy::LevelAssignment>& assignments,
                      UnixSeconds base) {
  out.Varint(assignments.size());
  for (const auto& a : assignments) {
    out.Varint(a.level);
    WireBound from, until;
    out.U8(BoundsBits(a.valid_from, a.valid_until, base, from, until));
    WriteBounds(out, from, until);
  }
}

Result<std::vector<policy::LevelAssignment>> ReadAssignments(Reader& in, UnixSeconds base) {
  ASSIGN_OR_RETURN(const std::size_t n, in.Count("assignment count", kMinAssignmentSize));
  std::vector<policy::LevelAssignment> assignments(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& a = assignments[i];
    Status status = [&]() -> Status {
      ASSIGN_OR_RETURN(a.level, ReadId(in, "level"));
      ASSIGN_OR_RETURN(const std::uint8_t bits, ReadFlags(in, "assignment bounds", kBoundsMask));
      return ReadBounds(in, bits, base, a.valid_from, a.valid_until);
    }();
    if (!status.ok()) return status.WithContext(fmt::format("assignment {}", i));
  }
  return assignments;
}

}  // namespace sekisho::snapshot
