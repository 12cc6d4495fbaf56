// The wire form of each policy/model.h object (docs/formats/snapshot.md §4), shared by the
// snapshot and delta codecs. Decoders check what the wire itself defines: varints in range of
// their C++ type, enum values, flag and reserved bits, canonical validity bounds. The model's
// cross-object invariants are policy::Validate's. Errors are kInvalidArgument naming the field
// and its offset; callers add the section and index.
#pragma once

#include <vector>

#include "base/result.h"
#include "policy/model.h"
#include "snapshot/wire.h"

namespace sekisho::snapshot {

// Smallest wire size of each object, for Reader::Count.
inline constexpr std::size_t kMinSiteSize = 7;
inline constexpr std::size_t kMinZoneSize = 6;
inline constexpr std::size_t kMinDoorSize = 5;
inline constexpr std::size_t kMinScheduleSize = 5;
inline constexpr std::size_t kMinLevelSize = 3;
inline constexpr std::size_t kMinAssignmentSize = 2;
inline constexpr std::size_t kMinAssignmentsSize = 1;  // a count of 0
// key, staff reference, flags.
inline constexpr std::size_t kMinCredentialHeadSize = 33;

void WriteSite(Writer& out, const policy::Site& site);
void WriteZone(Writer& out, const policy::Zone& zone);
void WriteDoor(Writer& out, const policy::Door& door);
void WriteSchedule(Writer& out, const policy::Schedule& schedule);
void WriteLevel(Writer& out, const policy::AccessLevel& level);

Result<policy::Site> ReadSite(Reader& in);
Result<policy::Zone> ReadZone(Reader& in);
Result<policy::Door> ReadDoor(Reader& in);
Result<policy::Schedule> ReadSchedule(Reader& in);
Result<policy::AccessLevel> ReadLevel(Reader& in);

// kInvalidArgument when an object holds a value its wire form cannot carry (an enum value
// outside its enum, unknown credential flag bits), naming the field.
Status CheckWritable(const policy::Zone& zone);
Status CheckWritable(const policy::Door& door);
Status CheckWritable(const policy::AccessLevel& level);
Status CheckWritable(const policy::Credential& credential);

// A credential's key, staff reference, flags and validity, without its level assignments.
// Validity bounds are written relative to `base`, the issue minute (header.h IssueMinute).
// Precondition for writing: CheckWritable(credential) is OK.
void WriteCredentialHead(Writer& out, const policy::Credential& credential,
                         policy::UnixSeconds base);
Result<policy::Credential> ReadCredentialHead(Reader& in, policy::UnixSeconds base);

// A list of level assignments (a count, then each: level, bounds, validity relative to `base`).
void WriteAssignments(Writer& out, const std::vector<policy::LevelAssignment>& assignments,
                      policy::UnixSeconds base);
Result<std::vector<policy::LevelAssignment>> ReadAssignments(Reader& in, policy::UnixSeconds base);

}  // namespace sekisho::snapshot
