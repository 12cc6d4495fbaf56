// Why a door said yes or no: one stable enum for every decision a gate records, whether the
// policy decided it (Decide) or the door path failed before the policy was asked (fail closed).
// The numeric values are part of the event and snapshot formats: never renumber, only append.
#pragma once

#include <cstdint>
#include <string_view>

namespace sekisho::policy {

enum class Reason : std::uint8_t {
  // Grants.
  kGranted = 0,                  // an access level allows this door now
  kGrantedAntiPassbackSoft = 1,  // allowed, but the holder's zone record disagrees (flagged)
  kGrantedOverride = 2,          // allowed during lockdown by the site's override level
  kGrantedSecondPerson = 3,      // allowed as the second of a two-person entry

  // Denials decided by the policy.
  kUnknownCredential = 16,       // the pseudonym is not in the snapshot
  kRevoked = 17,                 // the credential is suspended or revoked (lost card, CRL)
  kExpired = 18,                 // outside the credential's or the staff member's validity
  kNotYetValid = 19,
  kNoAccessLevel = 20,           // no level of the holder (valid now) covers the door's zone
  kOutsideSchedule = 21,         // a level covers the zone, but not at this time
  kDeniedByRule = 22,            // a deny rule of one of the holder's levels matches
  kInsufficientAssurance = 23,   // the door needs card+PIN and only the card was presented
  kLockdown = 24,                // the site is in lockdown and the holder lacks the override
  kAntiPassback = 25,            // hard anti-passback: the holder is recorded elsewhere
  kAwaitingSecondPerson = 26,    // two-person zone: the first of two; not opened yet
  kAwaitingFirstPersonIn = 27,   // first-person-in zone: no supervisor has entered yet today
  kUnknownDoor = 28,             // the door is not in this gate's snapshot

  // Denials decided before the policy (the door path failed closed).
  kAuthenticationFailed = 48,    // signature, certificate or PIN check failed
  kPinRefused = 49,              // PIN not attempted: last try or card locked (PIN safety)
  kCardError = 50,               // the card or reader misbehaved or was removed
  kNoSnapshot = 51,              // the gate holds no valid snapshot
  kInternalError = 52,           // anything else; the event carries the detail
};

// True for the kGranted* reasons.
constexpr bool IsGrant(Reason reason) { return static_cast<std::uint8_t>(reason) < 16; }

// "granted", "unknown-credential", ... (stable; used in logs, events, the API and the console).
std::string_view ReasonName(Reason reason);
// Every reason, for tables and tests that must cover them all.
extern const Reason kAllReasons[22];

}  // namespace sekisho::policy
