// The messages of the gate <-> server sync protocol (DESIGN.md §6), one per binary WebSocket
// message: a type byte, then the type's payload. Format and conversation:
// docs/formats/sync-protocol.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/bytes.h"
#include "base/result.h"
#include "base/status.h"
#include "snapshot/header.h"
#include "sync/key_rollover.h"

namespace sekisho::sync {

// The protocol version a gate states in its hello; the only one this build speaks.
inline constexpr std::uint8_t kProtocolVersion = 1;

// The path of the sync WebSocket on the server (mutual TLS), for both ends.
inline constexpr std::string_view kSyncPath = "/api/v1/gates/sync";

// The largest message of any type: a signed full snapshot of a design-size site (100k staff) is
// about 4 MB (docs/performance.md); the transport must accept messages up to this size.
inline constexpr std::size_t kMaxMessageSize = 64 * 1024 * 1024;
// The largest encoded event batch: kMaxBatchEvents records of kMaxBatchRecordSize with their
// headers fit in 5 MiB.
inline constexpr std::size_t kMaxBatchMessageSize = 5 * 1024 * 1024;
// The longest message text of kBatchRefused and kError (bytes).
inline constexpr std::size_t kMaxTextSize = 1024;

// The type byte. The numbers are part of the format: never renumber, only append.
enum class MessageType : std::uint8_t {
  kHello = 1,          // gate -> server
  kSnapshot = 2,       // server -> gate
  kDelta = 3,          // server -> gate
  kPolicyApplied = 4,  // gate -> server
  kBatch = 5,          // gate -> server
  kAck = 6,            // server -> gate
  kBatchRefused = 7,   // server -> gate
  kError = 8,          // either way, then the sender closes
  kKeyRollover = 9,    // server -> gate, right after the hello when the snapshot key was rotated
};

// "hello", "snapshot", ... for messages and logs; "unknown" for any other value.
std::string_view MessageTypeName(MessageType type);

// The gate introduces itself: first message of every connection.
struct Hello {
  std::uint8_t protocol_version = kProtocolVersion;
  snapshot::GateId gate = 0;
  std::uint64_t policy_version = 0;         // accepted and in force at the gate (0: none)
  std::uint64_t acknowledged_sequence = 0;  // the last event the server acknowledged (0: none)
  friend bool operator==(const Hello&, const Hello&) = default;
};

// A full policy snapshot, signed for this gate (snapshot/signed.h SignSnapshot).
struct SnapshotMessage {
  Bytes signed_snapshot;
  friend bool operator==(const SnapshotMessage&, const SnapshotMessage&) = default;
};

// A policy delta, signed for this gate (snapshot/signed.h SignDelta).
struct DeltaMessage {
  Bytes signed_delta;
  friend bool operator==(const DeltaMessage&, const DeltaMessage&) = default;
};

// The gate decides with policy `version` from now on.
struct PolicyApplied {
  std::uint64_t version = 0;
  friend bool operator==(const PolicyApplied&, const PolicyApplied&) = default;
};

// An event batch (gate/batch.h EncodeBatch bytes).
struct BatchMessage {
  Bytes batch;
  friend bool operator==(const BatchMessage&, const BatchMessage&) = default;
};

// Every event up to `sequence` is durably committed on the server.
struct Ack {
  std::uint64_t sequence = 0;
  friend bool operator==(const Ack&, const Ack&) = default;
};

// Why a batch was refused without closing. The numbers are part of the format.
enum class RefusalReason : std::uint8_t {
  // The batch does not start where the server's copy of the chain ends: resend the pending
  // batches from `expected_sequence` on.
  kSequenceGap = 1,
};

struct BatchRefused {
  RefusalReason reason = RefusalReason::kSequenceGap;
  std::uint64_t expected_sequence = 0;  // the next sequence number the server expects, >= 1
  std::string message;                  // for the gate's log; at most kMaxTextSize bytes
  friend bool operator==(const BatchRefused&, const BatchRefused&) = default;
};

// The sender refuses to go on and closes the connection after this message.
struct ErrorMessage {
  StatusCode code = StatusCode::kInternal;  // never kOk
  std::string message;                      // at most kMaxTextSize bytes
  friend bool operator==(const ErrorMessage&, const ErrorMessage&) = default;
};

// The organisation's snapshot-key rollover chain (sync/key_rollover.h), whole: the gate follows
// it from the key it trusts before it verifies any snapshot or delta of this connection.
struct KeyRolloverMessage {
  KeyChain chain;
  friend bool operator==(const KeyRolloverMessage&, const KeyRolloverMessage&) = default;
};

// The alternative at index i has type byte i + 1 (MessageType): never reorder, only append.
using Message = std::variant<Hello, SnapshotMessage, DeltaMessage, PolicyApplied, BatchMessage, Ack,
                             BatchRefused, ErrorMessage, KeyRolloverMessage>;

MessageType TypeOf(const Message& message);

// The wire form. kInvalidArgument "sync: TYPE: ..." when the message breaks a rule the decoder
// enforces (gate 0, a protocol version 0, an empty or oversized payload, a text too long or with
// control characters, an error code kOk or unknown refusal reason, expected sequence 0, a key
// chain that breaks sync::CheckKeyChain's rules).
// DecodeMessage(EncodeMessage(m)) == m.
Result<Bytes> EncodeMessage(const Message& message);

// Strict: kInvalidArgument "sync: ..." for an empty or oversized message, an unknown type byte,
// a payload that is truncated ("sync: hello: truncated at offset 5") or followed by trailing
// bytes, and every rule EncodeMessage enforces. Snapshot, delta and batch bytes are carried as
// they are: their receiver verifies and decodes them; so are a key chain's signatures
// (sync::FollowKeyChain checks them). EncodeMessage(DecodeMessage(b)) == b.
Result<Message> DecodeMessage(ByteView wire);

}  // namespace sekisho::sync
