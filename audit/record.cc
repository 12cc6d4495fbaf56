#include "audit/record.h"

#include <charconv>
#include <string>

namespace sekisho::audit {
namespace {

constexpr std::string_view kErasurePrefix = "erased record ";

}  // namespace

std::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kGateEvent:
      return "gate";
    case RecordKind::kAdminAction:
      return "admin";
    case RecordKind::kErasure:
      return "erasure";
  }
  return "unknown";
}

Result<RecordKind> ParseRecordKind(std::string_view name) {
  for (const RecordKind kind :
       {RecordKind::kGateEvent, RecordKind::kAdminAction, RecordKind::kErasure}) {
    if (name == RecordKindName(kind)) return kind;
  }
  return InvalidArgumentError("unknown record kind '" + std::string(name) +
                              "' (gate, admin or erasure)");
}

Result<RecordKind> RecordKindFromNumber(std::int64_t number) {
  if (number < 1 || number > 3) {
    return InvalidArgumentError("unknown record kind number " + std::to_string(number));
  }
  return static_cast<RecordKind>(number);
}

Bytes LeafInput(ByteView salt, RecordKind kind, ByteView record) {
  Bytes input;
  input.reserve(salt.size() + 1 + record.size());
  Append(input, salt);
  input.push_back(static_cast<std::uint8_t>(kind));
  Append(input, record);
  return input;
}

Hash RecordLeafHash(ByteView salt, RecordKind kind, ByteView record) {
  return HashLeaf(LeafInput(salt, kind, record));
}

Bytes ErasureRecord(std::uint64_t erased_index) {
  return ToBytes(std::string(kErasurePrefix) + std::to_string(erased_index));
}

Result<std::uint64_t> ParseErasureRecord(ByteView record) {
  const std::string text = ToString(record);
  const std::string_view digits = std::string_view(text).substr(
      text.starts_with(kErasurePrefix) ? kErasurePrefix.size() : text.size());
  std::uint64_t index = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (!text.starts_with(kErasurePrefix) || digits.empty() || ec != std::errc() ||
      end != digits.data() + digits.size() || (digits.size() > 1 && digits[0] == '0')) {
    return InvalidArgumentError("not an erasure record");
  }
  return index;
}

}  // namespace sekisho::audit
