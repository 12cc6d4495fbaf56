// The event a gate records for every decision and door alarm (DESIGN.md §5 "At the door", P5),
// and its canonical binary encoding: the record bytes the gate chains and signs and the audit log
// stores. Format: docs/formats/gate-events.md. Only ids, keys and codes: no names, no staff
// numbers, no card data.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "policy/model.h"
#include "policy/reason.h"
#include "snapshot/header.h"

namespace sekisho::gate {

// A gate (door controller) of the organisation, assigned by the server at registration; never 0.
// The same id binds the gate's snapshots (snapshot/header.h).
using GateId = snapshot::GateId;

// Event times are Unix time in milliseconds (UTC).
using EventTime = std::chrono::sys_time<std::chrono::milliseconds>;

// The current format version (the first byte of every encoded event).
inline constexpr std::uint8_t kEventFormatVersion = 1;

// What happened. The numeric values are part of the format: never renumber, only append.
enum class EventKind : std::uint8_t {
  kAccess = 1,        // a card was presented and the door decided (granted or denied)
  kDoorHeldOpen = 2,  // the door stayed open longer than its held-open limit
  kDoorForced = 3,    // the door was opened while locked, without a grant
};

// "access", "door-held-open", "door-forced".
std::string_view EventKindName(EventKind kind);

// Event flags (bits); every other bit must be zero.
// The holder's anti-passback record disagreed with the door (policy::Decision::
// anti_passback_violation): with kAntiPassback, kGrantedAntiPassbackSoft, or a later reason on a
// soft anti-passback zone. Access events only.
inline constexpr std::uint8_t kEventFlagAntiPassback = 0x01;
// The gate had no connection to the server when the event happened: it decided with the
// snapshot it held (`snapshot_version`).
inline constexpr std::uint8_t kEventFlagOffline = 0x02;
inline constexpr std::uint8_t kEventFlagsKnown = kEventFlagAntiPassback | kEventFlagOffline;

// One event. `gate` and `sequence` are assigned by the EventQueue when the event is appended.
//
// Rules (ValidateEvent; the decoder enforces the same):
//   - gate, sequence and door are not 0; only known flag bits are set.
//   - access events carry a reason. Alarms carry no reason, no assurance, no credential, no staff
//     reference, error kOk and not kEventFlagAntiPassback.
//   - a staff reference only with a credential key.
//   - a grant (policy::IsGrant) carries the credential key, the staff reference and the
//     assurance, and error kOk.
//   - `error` is not kOk exactly when the reason is one the door path decides before the policy
//     (policy::Reason values 48 and above: kAuthenticationFailed ... kInternalError).
struct Event {
  EventKind kind = EventKind::kAccess;
  GateId gate = 0;
  std::uint64_t sequence = 0;  // per gate, from 1, gap-free
  EventTime time{};
  policy::ObjectId door = policy::kNone;
  // The policy snapshot the gate decided with; 0 when it held none.
  std::uint64_t snapshot_version = 0;
  std::uint8_t flags = 0;

  // Access events only.
  std::optional<policy::Reason> reason;
  // The Status code of the failure that made the door path deny (the detail of a kCardError,
  // kAuthenticationFailed, ... denial); kOk for policy decisions. The code only: messages may
  // not enter the audit log.
  StatusCode error = StatusCode::kOk;
  // What the holder presented; absent when authentication did not complete.
  std::optional<policy::Assurance> assurance;
  // The credential's key (the first 16 bytes of its pseudonym), once the card was read.
  std::optional<policy::CredentialKey> credential;
  // The staff reference the snapshot gives for the credential, when it knows it.
  std::optional<policy::StaffRef> staff;

  friend bool operator==(const Event&, const Event&) = default;
};

// The largest encoded event of this format version (an access event with both keys): 71 bytes.
inline constexpr std::size_t kMaxEncodedEventSize = 71;

// OK when `event` follows the rules above; kInvalidArgument naming the first rule it breaks.
Status ValidateEvent(const Event& event);

// The canonical encoding (docs/formats/gate-events.md): one byte string per event, and one event
// per byte string. kInvalidArgument when the event breaks a rule (ValidateEvent).
Result<Bytes> EncodeEvent(const Event& event);

// The event `record` encodes. Strict: kInvalidArgument "event: ..." naming the field and offset
// for a truncated record, trailing bytes, an unsupported format version, an unknown kind, reason,
// assurance, error code or flag bit, a zero id, a non-zero reserved bit, or a broken rule.
// DecodeEvent(EncodeEvent(e)) == e, and EncodeEvent(DecodeEvent(r)) == r.
Result<Event> DecodeEvent(ByteView record);

}  // namespace sekisho::gate
