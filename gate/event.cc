#include "gate/event.h"

#include <algorithm>
#include <string>

#include "gate/wire.h"

namespace sekisho::gate {
namespace {

// The error field stores base/status.h's StatusCode numbering, which is therefore frozen.
static_assert(static_cast<int>(StatusCode::kOk) == 0);
static_assert(static_cast<int>(StatusCode::kInvalidArgument) == 1);
static_assert(static_cast<int>(StatusCode::kNotFound) == 2);
static_assert(static_cast<int>(StatusCode::kAlreadyExists) == 3);
static_assert(static_cast<int>(StatusCode::kUnauthenticated) == 4);
static_assert(static_cast<int>(StatusCode::kPermissionDenied) == 5);
static_assert(static_cast<int>(StatusCode::kFailedPrecondition) == 6);
static_assert(static_cast<int>(StatusCode::kUnavailable) == 7);
static_assert(static_cast<int>(StatusCode::kDeadlineExceeded) == 8);
static_assert(static_cast<int>(StatusCode::kDataLoss) == 9);
static_assert(static_cast<int>(StatusCode::kInternal) == 10);
constexpr std::uint8_t kMaxStatusCode = 10;

// Presence bits of the access body.
constexpr std::uint8_t kHasCredential = 0x01;
constexpr std::uint8_t kHasStaff = 0x02;

// Reasons decided by the door path before the policy (policy/reason.h) start here.
constexpr std::uint8_t kFirstGateReason = 48;

bool IsKnownKind(std::uint8_t kind) {
  return kind == static_cast<std::uint8_t>(EventKind::kAccess) ||
         kind == static_cast<std::uint8_t>(EventKind::kDoorHeldOpen) ||
         kind == static_cast<std::uint8_t>(EventKind::kDoorForced);
}

// Without a default, a reason added to policy::Reason fails the build here (-Wswitch) until the
// event format is reviewed for it.
bool IsKnownReason(policy::Reason reason) {
  using R = policy::Reason;
  switch (reason) {
    case R::kGranted:
    case R::kGrantedAntiPassbackSoft:
    case R::kGrantedOverride:
    case R::kGrantedSecondPerson:
    case R::kUnknownCredential:
    case R::kRevoked:
    case R::kExpired:
    case R::kNotYetValid:
    case R::kNoAccessLevel:
    case R::kOutsideSchedule:
    case R::kDeniedByRule:
    case R::kInsufficientAssurance:
    case R::kLockdown:
    case R::kAntiPassback:
    case R::kAwaitingSecondPerson:
    case R::kAwaitingFirstPersonIn:
    case R::kUnknownDoor:
    case R::kAuthenticationFailed:
    case R::kPinRefused:
    case R::kCardError:
    case R::kNoSnapshot:
    case R::kInternalError:
      return true;
  }
  return false;
}

bool IsKnownAssurance(std::uint8_t value) {
  return value == static_cast<std::uint8_t>(policy::Assurance::kCard) ||
         value == static_cast<std::uint8_t>(policy::Assurance::kCardAndPin);
}

std::string ReasonNumber(policy::Reason reason) { return std::to_string(static_cast<int>(reason)); }

}  // namespace

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kAccess:
      return "access";
    case EventKind::kDoorHeldOpen:
      return "door-held-open";
    case EventKind::kDoorForced:
      return "door-forced";
  }
  return "unknown";
}

Status ValidateEvent(const Event& e) {
  if (!IsKnownKind(static_cast<std::uint8_t>(e.kind))) {
    return InvalidArgumentError("event: unknown kind " + std::to_string(static_cast<int>(e.kind)));
  }
  if (e.gate == 0) return InvalidArgumentError("event: gate id 0 is not a gate");
  if (e.sequence == 0) return InvalidArgumentError("event: sequence numbers start at 1");
  if (e.door == policy::kNone) return InvalidArgumentError("event: door id 0 is not a door");
  if ((e.flags & ~kEventFlagsKnown) != 0) {
    return InvalidArgumentError("event: unknown flag bits " + ToHex(ByteView(&e.flags, 1)));
  }
  if (static_cast<int>(e.error) < 0 || static_cast<int>(e.error) > kMaxStatusCode) {
    return InvalidArgumentError("event: unknown error code " +
                                std::to_string(static_cast<int>(e.error)));
  }
  if (e.kind != EventKind::kAccess) {
    const std::string kind(EventKindName(e.kind));
    if (e.reason || e.assurance || e.credential || e.staff || e.error != StatusCode::kOk) {
      return InvalidArgumentError(
          "event: a " + kind + " alarm carries no reason, error, assurance, credential or staff");
    }
    if ((e.flags & kEventFlagAntiPassback) != 0) {
      return InvalidArgumentError("event: the anti-passback flag is for access events only, not " +
                                  kind);
    }
    return OkStatus();
  }
  if (!e.reason) return InvalidArgumentError("event: an access event needs a reason");
  const policy::Reason reason = *e.reason;
  if (!IsKnownReason(reason)) {
    return InvalidArgumentError("event: unknown reason " + ReasonNumber(reason));
  }
  if (e.assurance && !IsKnownAssurance(static_cast<std::uint8_t>(*e.assurance))) {
    return InvalidArgumentError("event: unknown assurance " +
                                std::to_string(static_cast<int>(*e.assurance)));
  }
  if (e.staff && !e.credential) {
    return InvalidArgumentError("event: a staff reference without a credential key");
  }
  if (policy::IsGrant(reason) &&
      (!e.credential || !e.staff || !e.assurance || e.error != StatusCode::kOk)) {
    return InvalidArgumentError("event: a grant (reason " + ReasonNumber(reason) +
                                ") needs the credential key, staff reference and assurance, "
                                "and no error");
  }
  const bool gate_reason = static_cast<std::uint8_t>(reason) >= kFirstGateReason;
  if (gate_reason != (e.error != StatusCode::kOk)) {
    return InvalidArgumentError("event: reason " + ReasonNumber(reason) +
                                (gate_reason ? " is a door-path failure and needs its error code"
                                             : " is a policy decision and carries no error code"));
  }
  return OkStatus();
}

Result<Bytes> EncodeEvent(const Event& e) {
  RETURN_IF_ERROR(ValidateEvent(e));
  Bytes out;
  out.reserve(kMaxEncodedEventSize);
  PutU8(out, kEventFormatVersion);
  PutU8(out, static_cast<std::uint8_t>(e.kind));
  PutU32(out, e.gate);
  PutU64(out, e.sequence);
  PutU64(out, static_cast<std::uint64_t>(e.time.time_since_epoch().count()));
  PutU32(out, e.door);
  PutU64(out, e.snapshot_version);
  PutU8(out, e.flags);
  if (e.kind != EventKind::kAccess) return out;
  PutU8(out, static_cast<std::uint8_t>(*e.reason));
  PutU8(out, e.assurance ? static_cast<std::uint8_t>(*e.assurance) : 0);
  PutU8(out, static_cast<std::uint8_t>(e.error));
  PutU8(out,
        static_cast<std::uint8_t>((e.credential ? kHasCredential : 0) | (e.staff ? kHasStaff : 0)));
  if (e.credential) Append(out, *e.credential);
  if (e.staff) Append(out, *e.staff);
  return out;
}

Result<Event> DecodeEvent(ByteView record) {
  WireReader in(record, "event");
  Event e;
  std::size_t at = in.offset();
  ASSIGN_OR_RETURN(const std::uint8_t version, in.U8("format version"));
  if (version != kEventFormatVersion) {
    return in.Invalid("format version", at,
                      "version " + std::to_string(version) +
                          " is not supported (this build "
                          "reads version " +
                          std::to_string(kEventFormatVersion) + ")");
  }
  at = in.offset();
  ASSIGN_OR_RETURN(const std::uint8_t kind, in.U8("kind"));
  if (!IsKnownKind(kind)) return in.Invalid("kind", at, "unknown kind " + std::to_string(kind));
  e.kind = static_cast<EventKind>(kind);
  ASSIGN_OR_RETURN(e.gate, in.U32("gate id"));
  ASSIGN_OR_RETURN(e.sequence, in.U64("sequence"));
  ASSIGN_OR_RETURN(const std::uint64_t millis, in.U64("time"));
  e.time = EventTime(std::chrono::milliseconds(static_cast<std::int64_t>(millis)));
  ASSIGN_OR_RETURN(e.door, in.U32("door id"));
  ASSIGN_OR_RETURN(e.snapshot_version, in.U64("snapshot version"));
  at = in.offset();
  ASSIGN_OR_RETURN(e.flags, in.U8("flags"));
  if ((e.flags & ~kEventFlagsKnown) != 0) {
    return in.Invalid("flags", at, "unknown flag bits " + ToHex(ByteView(&e.flags, 1)));
  }
  if (e.kind == EventKind::kAccess) {
    at = in.offset();
    ASSIGN_OR_RETURN(const std::uint8_t reason, in.U8("reason"));
    e.reason = static_cast<policy::Reason>(reason);
    if (!IsKnownReason(*e.reason)) {
      return in.Invalid("reason", at, "unknown reason " + std::to_string(reason));
    }
    at = in.offset();
    ASSIGN_OR_RETURN(const std::uint8_t assurance, in.U8("assurance"));
    if (assurance != 0) {
      if (!IsKnownAssurance(assurance)) {
        return in.Invalid("assurance", at, "unknown assurance " + std::to_string(assurance));
      }
      e.assurance = static_cast<policy::Assurance>(assurance);
    }
    at = in.offset();
    ASSIGN_OR_RETURN(const std::uint8_t error, in.U8("error code"));
    if (error > kMaxStatusCode) {
      return in.Invalid("error code", at, "unknown error code " + std::to_string(error));
    }
    e.error = static_cast<StatusCode>(error);
    at = in.offset();
    ASSIGN_OR_RETURN(const std::uint8_t present, in.U8("presence bits"));
    if ((present & ~(kHasCredential | kHasStaff)) != 0) {
      return in.Invalid("presence bits", at,
                        "reserved bits set in " + ToHex(ByteView(&present, 1)));
    }
    if ((present & kHasCredential) != 0) {
      ASSIGN_OR_RETURN(const ByteView key, in.Take(policy::kCredentialKeySize, "credential key"));
      e.credential.emplace();
      std::copy(key.begin(), key.end(), e.credential->begin());
    }
    if ((present & kHasStaff) != 0) {
      ASSIGN_OR_RETURN(const ByteView staff, in.Take(e.staff.emplace().size(), "staff reference"));
      std::copy(staff.begin(), staff.end(), e.staff->begin());
    }
  }
  RETURN_IF_ERROR(in.ExpectEnd());
  RETURN_IF_ERROR(ValidateEvent(e));
  return e;
}

}  // namespace sekisho::gate
