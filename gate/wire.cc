#include "gate/wire.h"

namespace sekisho::gate {
namespace {

void PutBigEndian(Bytes& out, std::uint64_t value, std::size_t size) {
  for (std::size_t i = size; i > 0; --i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * (i - 1))));
  }
}

}  // namespace

void PutU8(Bytes& out, std::uint8_t value) { out.push_back(value); }
void PutU16(Bytes& out, std::uint16_t value) { PutBigEndian(out, value, 2); }
void PutU32(Bytes& out, std::uint32_t value) { PutBigEndian(out, value, 4); }
void PutU64(Bytes& out, std::uint64_t value) { PutBigEndian(out, value, 8); }

Result<std::uint64_t> WireReader::ReadBigEndian(std::size_t size, std::string_view field) {
  ASSIGN_OR_RETURN(const ByteView bytes, Take(size, field));
  std::uint64_t value = 0;
  for (std::uint8_t b : bytes) value = (value << 8) | b;
  return value;
}

Result<std::uint8_t> WireReader::U8(std::string_view field) {
  ASSIGN_OR_RETURN(const std::uint64_t value, ReadBigEndian(1, field));
  return static_cast<std::uint8_t>(value);
}

Result<std::uint16_t> WireReader::U16(std::string_view field) {
  ASSIGN_OR_RETURN(const std::uint64_t value, ReadBigEndian(2, field));
  return static_cast<std::uint16_t>(value);
}

Result<std::uint32_t> WireReader::U32(std::string_view field) {
  ASSIGN_OR_RETURN(const std::uint64_t value, ReadBigEndian(4, field));
  return static_cast<std::uint32_t>(value);
}

Result<std::uint64_t> WireReader::U64(std::string_view field) { return ReadBigEndian(8, field); }

Result<ByteView> WireReader::Take(std::size_t size, std::string_view field) {
  if (size > remaining()) {
    return InvalidArgumentError(what_ + ": truncated reading the " + std::string(field) +
                                " at offset " + std::to_string(offset_) + " (" +
                                std::to_string(size) + " bytes needed, " +
                                std::to_string(remaining()) + " left)");
  }
  const ByteView bytes = input_.subspan(offset_, size);
  offset_ += size;
  return bytes;
}

Status WireReader::ExpectEnd() const {
  if (remaining() == 0) return OkStatus();
  return InvalidArgumentError(what_ + ": " + std::to_string(remaining()) +
                              " trailing bytes after the last field (offset " +
                              std::to_string(offset_) + ")");
}

Status WireReader::Invalid(std::string_view field, std::size_t offset,
                           std::string_view problem) const {
  return InvalidArgumentError(what_ + ": " + std::string(field) + " at offset " +
                              std::to_string(offset) + ": " + std::string(problem));
}

}  // namespace sekisho::gate
