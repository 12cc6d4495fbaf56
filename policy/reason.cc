// Stable names of the decision reasons (policy/reason.h).
#include "policy/reason.h"

namespace sekisho::policy {

const Reason kAllReasons[22] = {
    Reason::kGranted,
    Reason::kGrantedAntiPassbackSoft,
    Reason::kGrantedOverride,
    Reason::kGrantedSecondPerson,
    Reason::kUnknownCredential,
    Reason::kRevoked,
    Reason::kExpired,
    Reason::kNotYetValid,
    Reason::kNoAccessLevel,
    Reason::kOutsideSchedule,
    Reason::kDeniedByRule,
    Reason::kInsufficientAssurance,
    Reason::kLockdown,
    Reason::kAntiPassback,
    Reason::kAwaitingSecondPerson,
    Reason::kAwaitingFirstPersonIn,
    Reason::kUnknownDoor,
    Reason::kAuthenticationFailed,
    Reason::kPinRefused,
    Reason::kCardError,
    Reason::kNoSnapshot,
    Reason::kInternalError,
};

std::string_view ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kGranted:
      return "granted";
    case Reason::kGrantedAntiPassbackSoft:
      return "granted-anti-passback-soft";
    case Reason::kGrantedOverride:
      return "granted-override";
    case Reason::kGrantedSecondPerson:
      return "granted-second-person";
    case Reason::kUnknownCredential:
      return "unknown-credential";
    case Reason::kRevoked:
      return "revoked";
    case Reason::kExpired:
      return "expired";
    case Reason::kNotYetValid:
      return "not-yet-valid";
    case Reason::kNoAccessLevel:
      return "no-access-level";
    case Reason::kOutsideSchedule:
      return "outside-schedule";
    case Reason::kDeniedByRule:
      return "denied-by-rule";
    case Reason::kInsufficientAssurance:
      return "insufficient-assurance";
    case Reason::kLockdown:
      return "lockdown";
    case Reason::kAntiPassback:
      return "anti-passback";
    case Reason::kAwaitingSecondPerson:
      return "awaiting-second-person";
    case Reason::kAwaitingFirstPersonIn:
      return "awaiting-first-person-in";
    case Reason::kUnknownDoor:
      return "unknown-door";
    case Reason::kAuthenticationFailed:
      return "authentication-failed";
    case Reason::kPinRefused:
      return "pin-refused";
    case Reason::kCardError:
      return "card-error";
    case Reason::kNoSnapshot:
      return "no-snapshot";
    case Reason::kInternalError:
      return "internal-error";
  }
  // A value outside the enum (from a corrupt event or a newer peer).
  return "unknown-reason";
}

}  // namespace sekisho::policy
