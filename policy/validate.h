// Checks that a Snapshot keeps every invariant policy/model.h states, so that Decide, the gate's
// index and the snapshot codec (docs/formats/snapshot.md) can rely on them without checking again.
#pragma once

#include "base/result.h"
#include "policy/model.h"

namespace sekisho::policy {

// OK when `snapshot` keeps every invariant below; otherwise kInvalidArgument naming the first
// broken one: the section, the object (by id; a credential by its index, never by its key) and
// what is wrong. Checked, section by section:
//  - ids: sites, zones, doors, schedules and levels sorted by id, ids unique and not kNone;
//    credentials sorted by key (bytewise), keys unique;
//  - sites: utc_offset_minutes within +-1439, holidays sorted and unique, daily_reset_minute
//    < 1440, lockdown_override_level kNone or a level of the snapshot;
//  - zones: site a site of the snapshot, anti_passback a known value, first_person_in_level kNone
//    or a level of the snapshot;
//  - doors: site a site and to_zone a zone of the snapshot, from_zone kNone or a zone, required a
//    known Assurance;
//  - schedules: every window 0 <= start < end <= 1440 with day bits within 0x7F, at least one day
//    bit in `windows` (holiday windows ignore their day bits, so 0 is allowed there), and
//    first_day <= last_day;
//  - levels: each rule's zone a zone of the snapshot, its schedule kNone or a schedule, its effect
//    a known Effect;
//  - credentials: valid_from < valid_until, no flag bits but kCredentialRevoked, each assignment's
//    level a level of the snapshot and its valid_from < valid_until.
// Runs in O(n log n) for n objects; allocates nothing on success.
Status Validate(const Snapshot& snapshot);

}  // namespace sekisho::policy
