// Varints, fixed-width integers and raw bytes; see wire.h.
#include "snapshot/wire.h"

#include <fmt/format.h>

namespace sekisho::snapshot {

void Writer::U32(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

void Writer::U64(std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

void Writer::Varint(std::uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<std::uint8_t>(v));
}

Status Reader::Error(std::string_view field, std::size_t at, std::string_view detail) const {
  return InvalidArgumentError(fmt::format("{} at offset {}: {}", field, at, detail));
}

Result<std::uint8_t> Reader::U8(std::string_view field) {
  if (remaining() < 1) return Error(field, offset_, "input ends before it");
  return input_[offset_++];
}

Result<std::uint32_t> Reader::U32(std::string_view field) {
  if (remaining() < 4) {
    return Error(field, offset_, fmt::format("needs 4 bytes, {} left", remaining()));
  }
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | input_[offset_++];
  return v;
}

Result<std::uint64_t> Reader::U64(std::string_view field) {
  if (remaining() < 8) {
    return Error(field, offset_, fmt::format("needs 8 bytes, {} left", remaining()));
  }
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | input_[offset_++];
  return v;
}

Result<std::uint64_t> Reader::Varint(std::string_view field) {
  const std::size_t start = offset_;
  std::uint64_t v = 0;
  for (std::size_t i = 0;; ++i) {
    if (offset_ >= input_.size()) return Error(field, start, "varint runs past the input");
    if (i == kMaxVarintSize) return Error(field, start, "varint longer than 10 bytes");
    const std::uint8_t byte = input_[offset_++];
    const std::uint64_t bits = byte & 0x7F;
    // The tenth byte holds only bit 63.
    if (i == kMaxVarintSize - 1 && bits > 1) return Error(field, start, "varint exceeds 64 bits");
    v |= bits << (7 * i);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && i > 0) return Error(field, start, "varint not in its shortest form");
      return v;
    }
  }
}

Result<std::int64_t> Reader::SignedVarint(std::string_view field) {
  ASSIGN_OR_RETURN(const std::uint64_t v, Varint(field));
  return UnZigZag(v);
}

Result<std::uint64_t> Reader::BoundedVarint(std::string_view field, std::uint64_t max) {
  const std::size_t start = offset_;
  ASSIGN_OR_RETURN(const std::uint64_t v, Varint(field));
  if (v > max) return Error(field, start, fmt::format("{} exceeds {}", v, max));
  return v;
}

Result<ByteView> Reader::Raw(std::string_view field, std::size_t n) {
  if (remaining() < n) {
    return Error(field, offset_, fmt::format("needs {} bytes, {} left", n, remaining()));
  }
  const ByteView v = input_.subspan(offset_, n);
  offset_ += n;
  return v;
}

Result<std::size_t> Reader::Count(std::string_view field, std::size_t min_entry_size) {
  const std::size_t start = offset_;
  ASSIGN_OR_RETURN(const std::uint64_t n, Varint(field));
  if (n > remaining() / min_entry_size) {
    return Error(field, start,
                 fmt::format("count {} cannot fit in the {} bytes left", n, remaining()));
  }
  return static_cast<std::size_t>(n);
}

Status Reader::ExpectEnd(std::string_view what) const {
  if (remaining() == 0) return OkStatus();
  return InvalidArgumentError(
      fmt::format("{} trailing bytes after {} (offset {})", remaining(), what, offset_));
}

}  // namespace sekisho::snapshot
