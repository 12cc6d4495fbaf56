// The primitives every snapshot and delta is written in (docs/formats/snapshot.md §2): unsigned
// LEB128 varints in their shortest form, zigzag for signed values, fixed-width big-endian
// integers and raw bytes. Reader is strict: it never reads past its input and refuses
// non-minimal varints, so each value has exactly one encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::snapshot {

// A varint takes at most 10 bytes (64 bits, 7 per byte).
inline constexpr std::size_t kMaxVarintSize = 10;

// Zigzag (as in Protocol Buffers): 0, -1, 1, -2 ... map to 0, 1, 2, 3 ...
constexpr std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t UnZigZag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Appends to a byte buffer; never fails.
class Writer {
 public:
  void U8(std::uint8_t v) { out_.push_back(v); }
  void U32(std::uint32_t v);  // big-endian
  void U64(std::uint64_t v);  // big-endian
  void Varint(std::uint64_t v);
  void SignedVarint(std::int64_t v) { Varint(ZigZag(v)); }
  void Raw(ByteView bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

  std::size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  Bytes Take() && { return std::move(out_); }

 private:
  Bytes out_;
};

// Reads from a view it does not own (the caller keeps the bytes alive). Every error is
// kInvalidArgument "FIELD at offset N: what is wrong", FIELD being the caller's name for the
// value; after an error the reader's position is unspecified.
class Reader {
 public:
  explicit Reader(ByteView input) : input_(input) {}

  Result<std::uint8_t> U8(std::string_view field);
  Result<std::uint32_t> U32(std::string_view field);
  Result<std::uint64_t> U64(std::string_view field);
  // Refuses a varint that runs past the input, is longer than 10 bytes, overflows 64 bits, or is
  // not in its shortest form (a last byte of 00 after the first).
  Result<std::uint64_t> Varint(std::string_view field);
  Result<std::int64_t> SignedVarint(std::string_view field);
  // A varint that must not exceed `max` ("FIELD at offset N: V exceeds MAX").
  Result<std::uint64_t> BoundedVarint(std::string_view field, std::uint64_t max);
  // `n` bytes, as a view into the input.
  Result<ByteView> Raw(std::string_view field, std::size_t n);
  // A count of entries that each take at least `min_entry_size` bytes: refused when the rest of
  // the input could not hold that many, so a forged count cannot make the caller allocate.
  // Precondition: min_entry_size >= 1.
  Result<std::size_t> Count(std::string_view field, std::size_t min_entry_size);

  // OK when every byte has been read; kInvalidArgument "N trailing bytes after WHAT" otherwise.
  Status ExpectEnd(std::string_view what) const;

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return input_.size() - offset_; }

  // kInvalidArgument "FIELD at offset N: DETAIL", N being where `field` starts.
  Status Error(std::string_view field, std::size_t at, std::string_view detail) const;

 private:
  ByteView input_;
  std::size_t offset_ = 0;
};

}  // namespace sekisho::snapshot
