// Decide: the access decision for one card at one door, and RecordPassage: the state change
// after the gate acted on it. Pure (DESIGN.md §4): no I/O, no clock reads, no allocation; a deny
// is a Decision, not an error. The order of checks and every semantic choice are in
// docs/policy.md.
#pragma once

#include <optional>

#include "policy/compiled_policy.h"
#include "policy/model.h"
#include "policy/reason.h"
#include "policy/state.h"

namespace sekisho::policy {

struct Request {
  ObjectId door = kNone;
  CredentialKey credential{};  // first 16 bytes of the pseudonym the gate computed
  Assurance presented = Assurance::kCard;
  UnixSeconds time = 0;  // the gate's clock, read by the caller
  friend bool operator==(const Request&, const Request&) = default;
};

// What the gate actuates and records. Fields beyond `reason` are filled as far as the checks
// got: `site`/`zone` once the door is known, `staff` once the credential is known.
struct Decision {
  Reason reason = Reason::kUnknownDoor;
  ObjectId site = kNone;
  ObjectId zone = kNone;          // the zone the door leads into (Door::to_zone)
  std::optional<StaffRef> staff;  // the credential's holder
  // kGrantedSecondPerson: the first holder of the pair, who enters too.
  std::optional<StaffRef> companion;
  // The holder's anti-passback record disagreed with the door's from_zone: set with
  // kAntiPassback, kGrantedAntiPassbackSoft, and with a later reason (two-person) on a soft zone.
  bool anti_passback_violation = false;
  // A passage unlocks the zone's first-person-in for the day (the holder, or the companion,
  // is of the zone's first_person_in_level).
  bool unlocks_first_person_in = false;
  // For RecordPassage, so a delta applied in between does not change what is recorded:
  // grants: when the records this passage makes expire (the site's next daily reset);
  // kAwaitingSecondPerson: when the pending entry expires (end of the two-person window).
  UnixSeconds records_expire = kEndOfTime;

  bool granted() const { return IsGrant(reason); }
  friend bool operator==(const Decision&, const Decision&) = default;
};

// Decides `request` against `policy` and `state`. Checks, first failure wins:
//   unknown door (or its site / to_zone missing) -> kUnknownDoor; unknown credential ->
//   kUnknownCredential; revoked -> kRevoked; before valid_from -> kNotYetValid; at or after
//   valid_until -> kExpired; site in lockdown -> kLockdown unless the holder holds the override
//   level, who then needs the door's assurance (kInsufficientAssurance) and gets
//   kGrantedOverride; presented < required -> kInsufficientAssurance; an open deny rule ->
//   kDeniedByRule; no grant rule for the zone -> kNoAccessLevel; none open -> kOutsideSchedule;
//   first-person-in zone still locked -> kAwaitingFirstPersonIn; hard anti-passback ->
//   kAntiPassback; two-person zone: first card -> kAwaitingSecondPerson, a different holder's
//   card within the window -> kGrantedSecondPerson; else kGranted or kGrantedAntiPassbackSoft.
// A level counts while an assignment of it is valid at request.time and its max_threat_level is
// at least the site's threat_level. Deterministic; never allocates.
Decision Decide(const Request& request, const CompiledPolicy& policy, const State& state);

// Updates `state` after the gate acted on `decision` (for `request`): a grant moves the holder
// (and a companion) into decision.zone and may unlock first-person-in; kAwaitingSecondPerson
// records the pending first card at the door; a second-person grant clears it. Other denials
// change nothing. Prunes expired records first. Call it once per decision acted on, in time
// order.
void RecordPassage(const Request& request, const Decision& decision, State& state);

}  // namespace sekisho::policy
