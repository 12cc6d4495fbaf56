#include "sync/message.h"

#include <string>
#include <type_traits>
#include <utility>

namespace sekisho::sync {
namespace {

Status Invalid(std::string_view type, std::string_view detail) {
  return InvalidArgumentError("sync: " + std::string(type) + ": " + std::string(detail));
}

// The rules on texts: at most kMaxTextSize bytes and no control characters, so a peer's text
// can be logged as it is.
Status CheckText(std::string_view type, std::string_view text) {
  if (text.size() > kMaxTextSize) {
    return Invalid(type, "text of " + std::to_string(text.size()) + " bytes exceeds " +
                             std::to_string(kMaxTextSize));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      return Invalid(type, "control character at text offset " + std::to_string(i));
    }
  }
  return OkStatus();
}

bool KnownErrorCode(std::uint8_t code) {
  return code >= static_cast<std::uint8_t>(StatusCode::kInvalidArgument) &&
         code <= static_cast<std::uint8_t>(StatusCode::kInternal);
}

// The rules both directions enforce, on the decoded form.
Status Check(const Message& message) {
  const std::string_view type = MessageTypeName(TypeOf(message));
  return std::visit(
      [&](const auto& m) -> Status {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          if (m.protocol_version == 0) return Invalid(type, "protocol version 0");
          if (m.gate == 0) return Invalid(type, "gate id 0");
        } else if constexpr (std::is_same_v<T, SnapshotMessage>) {
          if (m.signed_snapshot.empty()) return Invalid(type, "empty snapshot");
          if (m.signed_snapshot.size() > kMaxMessageSize - 1) {
            return Invalid(type,
                           "snapshot exceeds " + std::to_string(kMaxMessageSize - 1) + " bytes");
          }
        } else if constexpr (std::is_same_v<T, DeltaMessage>) {
          if (m.signed_delta.empty()) return Invalid(type, "empty delta");
          if (m.signed_delta.size() > kMaxMessageSize - 1) {
            return Invalid(type, "delta exceeds " + std::to_string(kMaxMessageSize - 1) + " bytes");
          }
        } else if constexpr (std::is_same_v<T, PolicyApplied>) {
          if (m.version == 0) return Invalid(type, "policy version 0");
        } else if constexpr (std::is_same_v<T, BatchMessage>) {
          if (m.batch.empty()) return Invalid(type, "empty batch");
          if (m.batch.size() > kMaxBatchMessageSize - 1) {
            return Invalid(type,
                           "batch exceeds " + std::to_string(kMaxBatchMessageSize - 1) + " bytes");
          }
        } else if constexpr (std::is_same_v<T, Ack>) {
          if (m.sequence == 0) return Invalid(type, "sequence 0");
        } else if constexpr (std::is_same_v<T, BatchRefused>) {
          if (m.reason != RefusalReason::kSequenceGap) {
            return Invalid(type, "unknown reason " + std::to_string(static_cast<int>(m.reason)));
          }
          if (m.expected_sequence == 0) return Invalid(type, "expected sequence 0");
          return CheckText(type, m.message);
        } else if constexpr (std::is_same_v<T, ErrorMessage>) {
          if (!KnownErrorCode(static_cast<std::uint8_t>(m.code))) {
            return Invalid(type, "status code " + std::to_string(static_cast<int>(m.code)) +
                                     " is not an error");
          }
          return CheckText(type, m.message);
        } else if constexpr (std::is_same_v<T, KeyRolloverMessage>) {
          if (Status checked = CheckKeyChain(m.chain); !checked.ok()) {
            return Invalid(type, checked.message());
          }
        }
        return OkStatus();
      },
      message);
}

class Out {
 public:
  void U8(std::uint8_t v) { bytes_.push_back(v); }
  void U16(std::uint16_t v) { Big(v, 2); }
  void U32(std::uint32_t v) { Big(v, 4); }
  void U64(std::uint64_t v) { Big(v, 8); }
  void Raw(ByteView v) { bytes_.insert(bytes_.end(), v.begin(), v.end()); }
  void Text(std::string_view text) {
    U16(static_cast<std::uint16_t>(text.size()));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
  }
  Bytes Take() && { return std::move(bytes_); }

 private:
  void Big(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  Bytes bytes_;
};

// Reads a message's payload; offsets count from the type byte.
class In {
 public:
  In(ByteView wire, std::string_view type) : wire_(wire), type_(type) {}

  Result<std::uint64_t> Big(int n) {
    RETURN_IF_ERROR(Need(static_cast<std::size_t>(n)));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | wire_[offset_++];
    return v;
  }
  Result<std::string> Text() {
    ASSIGN_OR_RETURN(const std::uint64_t size, Big(2));
    RETURN_IF_ERROR(Need(size));
    std::string text(wire_.begin() + static_cast<std::ptrdiff_t>(offset_),
                     wire_.begin() + static_cast<std::ptrdiff_t>(offset_ + size));
    offset_ += size;
    return text;
  }
  Result<Bytes> Fixed(std::size_t n) {
    RETURN_IF_ERROR(Need(n));
    Bytes bytes(wire_.begin() + static_cast<std::ptrdiff_t>(offset_),
                wire_.begin() + static_cast<std::ptrdiff_t>(offset_ + n));
    offset_ += n;
    return bytes;
  }
  Bytes Rest() {
    Bytes rest(wire_.begin() + static_cast<std::ptrdiff_t>(offset_), wire_.end());
    offset_ = wire_.size();
    return rest;
  }
  Status End() const {
    if (offset_ == wire_.size()) return OkStatus();
    return Invalid(type_, std::to_string(wire_.size() - offset_) + " trailing bytes at offset " +
                              std::to_string(offset_));
  }

 private:
  Status Need(std::size_t n) const {
    if (wire_.size() - offset_ >= n) return OkStatus();
    return Invalid(type_, "truncated at offset " + std::to_string(wire_.size()));
  }

  ByteView wire_;
  std::string_view type_;
  std::size_t offset_ = 1;
};

Result<Message> DecodePayload(MessageType type, ByteView wire) {
  const std::string_view name = MessageTypeName(type);
  In in(wire, name);
  Message message;
  switch (type) {
    case MessageType::kHello: {
      Hello hello;
      ASSIGN_OR_RETURN(const std::uint64_t version, in.Big(1));
      ASSIGN_OR_RETURN(const std::uint64_t gate, in.Big(4));
      ASSIGN_OR_RETURN(hello.policy_version, in.Big(8));
      ASSIGN_OR_RETURN(hello.acknowledged_sequence, in.Big(8));
      hello.protocol_version = static_cast<std::uint8_t>(version);
      hello.gate = static_cast<snapshot::GateId>(gate);
      message = hello;
      break;
    }
    case MessageType::kSnapshot:
      message = SnapshotMessage{in.Rest()};
      break;
    case MessageType::kDelta:
      message = DeltaMessage{in.Rest()};
      break;
    case MessageType::kPolicyApplied: {
      ASSIGN_OR_RETURN(const std::uint64_t version, in.Big(8));
      message = PolicyApplied{version};
      break;
    }
    case MessageType::kBatch:
      message = BatchMessage{in.Rest()};
      break;
    case MessageType::kAck: {
      ASSIGN_OR_RETURN(const std::uint64_t sequence, in.Big(8));
      message = Ack{sequence};
      break;
    }
    case MessageType::kBatchRefused: {
      BatchRefused refused;
      ASSIGN_OR_RETURN(const std::uint64_t reason, in.Big(1));
      ASSIGN_OR_RETURN(refused.expected_sequence, in.Big(8));
      ASSIGN_OR_RETURN(refused.message, in.Text());
      refused.reason = static_cast<RefusalReason>(reason);
      message = std::move(refused);
      break;
    }
    case MessageType::kError: {
      ErrorMessage error;
      ASSIGN_OR_RETURN(const std::uint64_t code, in.Big(1));
      ASSIGN_OR_RETURN(error.message, in.Text());
      error.code = static_cast<StatusCode>(code);
      message = std::move(error);
      break;
    }
    case MessageType::kKeyRollover: {
      KeyChain chain;
      ASSIGN_OR_RETURN(const std::uint64_t org_size, in.Big(1));
      ASSIGN_OR_RETURN(const Bytes org, in.Fixed(org_size));
      chain.organisation.assign(org.begin(), org.end());
      ASSIGN_OR_RETURN(chain.first_key, in.Fixed(kEd25519PublicKeySize));
      ASSIGN_OR_RETURN(const std::uint64_t count, in.Big(2));
      if (count > kMaxKeyRollovers) {
        return Invalid(
            name, std::to_string(count) + " statements exceed " + std::to_string(kMaxKeyRollovers));
      }
      for (std::uint64_t i = 0; i < count; ++i) {
        KeyRollover rollover;
        ASSIGN_OR_RETURN(rollover.sequence, in.Big(8));
        ASSIGN_OR_RETURN(rollover.key, in.Fixed(kEd25519PublicKeySize));
        ASSIGN_OR_RETURN(rollover.signature, in.Fixed(kEd25519SignatureSize));
        chain.rollovers.push_back(std::move(rollover));
      }
      message = KeyRolloverMessage{std::move(chain)};
      break;
    }
    default:
      return InvalidArgumentError("sync: unknown message type " +
                                  std::to_string(static_cast<int>(type)));
  }
  RETURN_IF_ERROR(in.End());
  RETURN_IF_ERROR(Check(message));
  return message;
}

}  // namespace

std::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kHello:
      return "hello";
    case MessageType::kSnapshot:
      return "snapshot";
    case MessageType::kDelta:
      return "delta";
    case MessageType::kPolicyApplied:
      return "policy-applied";
    case MessageType::kBatch:
      return "batch";
    case MessageType::kAck:
      return "ack";
    case MessageType::kBatchRefused:
      return "batch-refused";
    case MessageType::kError:
      return "error";
    case MessageType::kKeyRollover:
      return "key-rollover";
  }
  return "unknown";
}

MessageType TypeOf(const Message& message) { return static_cast<MessageType>(message.index() + 1); }

Result<Bytes> EncodeMessage(const Message& message) {
  RETURN_IF_ERROR(Check(message));
  Out out;
  out.U8(static_cast<std::uint8_t>(TypeOf(message)));
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          out.U8(m.protocol_version);
          out.U32(m.gate);
          out.U64(m.policy_version);
          out.U64(m.acknowledged_sequence);
        } else if constexpr (std::is_same_v<T, SnapshotMessage>) {
          out.Raw(m.signed_snapshot);
        } else if constexpr (std::is_same_v<T, DeltaMessage>) {
          out.Raw(m.signed_delta);
        } else if constexpr (std::is_same_v<T, PolicyApplied>) {
          out.U64(m.version);
        } else if constexpr (std::is_same_v<T, BatchMessage>) {
          out.Raw(m.batch);
        } else if constexpr (std::is_same_v<T, Ack>) {
          out.U64(m.sequence);
        } else if constexpr (std::is_same_v<T, BatchRefused>) {
          out.U8(static_cast<std::uint8_t>(m.reason));
          out.U64(m.expected_sequence);
          out.Text(m.message);
        } else if constexpr (std::is_same_v<T, ErrorMessage>) {
          out.U8(static_cast<std::uint8_t>(m.code));
          out.Text(m.message);
        } else if constexpr (std::is_same_v<T, KeyRolloverMessage>) {
          out.U8(static_cast<std::uint8_t>(m.chain.organisation.size()));
          out.Raw(ToBytes(m.chain.organisation));
          out.Raw(m.chain.first_key);
          out.U16(static_cast<std::uint16_t>(m.chain.rollovers.size()));
          for (const KeyRollover& r : m.chain.rollovers) {
            out.U64(r.sequence);
            out.Raw(r.key);
            out.Raw(r.signature);
          }
        }
      },
      message);
  return std::move(out).Take();
}

Result<Message> DecodeMessage(ByteView wire) {
  if (wire.empty()) return InvalidArgumentError("sync: empty message");
  if (wire[0] == 0 || wire[0] > std::variant_size_v<Message>) {
    return InvalidArgumentError("sync: unknown message type " + std::to_string(wire[0]));
  }
  const auto type = static_cast<MessageType>(wire[0]);
  const std::size_t limit = type == MessageType::kBatch ? kMaxBatchMessageSize : kMaxMessageSize;
  if (wire.size() > limit) {
    return InvalidArgumentError("sync: " + std::string(MessageTypeName(type)) + ": message of " +
                                std::to_string(wire.size()) + " bytes exceeds " +
                                std::to_string(limit));
  }
  return DecodePayload(type, wire);
}

}  // namespace sekisho::sync
