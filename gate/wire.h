// Big-endian fixed-width fields for the gate's binary formats (docs/formats/gate-events.md): a
// writer that appends to a buffer and a reader that never reads past its input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::gate {

void PutU8(Bytes& out, std::uint8_t value);
void PutU16(Bytes& out, std::uint16_t value);
void PutU32(Bytes& out, std::uint32_t value);
void PutU64(Bytes& out, std::uint64_t value);

// Reads fields in order. Every error is kInvalidArgument and names the structure (`what`, for
// example "event"), the field and the offset: "event: truncated reading the door id at offset
// 22 (4 bytes needed, 2 left)". The input must outlive the reader and the views it returns.
class WireReader {
 public:
  WireReader(ByteView input, std::string_view what) : input_(input), what_(what) {}

  Result<std::uint8_t> U8(std::string_view field);
  Result<std::uint16_t> U16(std::string_view field);
  Result<std::uint32_t> U32(std::string_view field);
  Result<std::uint64_t> U64(std::string_view field);
  // The next `size` bytes, as a view into the input.
  Result<ByteView> Take(std::size_t size, std::string_view field);

  // OK when the whole input has been read; "<what>: N trailing bytes after the last field
  // (offset M)" otherwise.
  Status ExpectEnd() const;

  // kInvalidArgument "<what>: <field> at offset N: <problem>", for a field read just before.
  Status Invalid(std::string_view field, std::size_t offset, std::string_view problem) const;

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return input_.size() - offset_; }

 private:
  Result<std::uint64_t> ReadBigEndian(std::size_t size, std::string_view field);

  ByteView input_;
  std::string what_;
  std::size_t offset_ = 0;
};

}  // namespace sekisho::gate
