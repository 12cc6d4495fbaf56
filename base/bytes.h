// Byte buffers and hex text, the currency of the card layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sekisho {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Upper-case hex with a space between bytes when `spaced` ("00 A4 04 0C").
std::string ToHex(ByteView bytes, bool spaced = false);

// A 16-bit value (status word, file ID) as four upper-case hex digits, big-endian: "6A82".
std::string ToHex16(std::uint16_t value);

// Accepts upper or lower case; spaces, colons and newlines between bytes are ignored.
// kInvalidArgument on an odd number of digits or a non-hex character, naming its position.
Result<Bytes> FromHex(std::string_view text);

// Bytes of a string, and the reverse (no validation: any byte is kept).
Bytes ToBytes(std::string_view text);
std::string ToString(ByteView bytes);

// Appends `tail` to `out`.
void Append(Bytes& out, ByteView tail);

// Big-endian 16-bit value from two bytes.
constexpr std::uint16_t ReadU16(std::uint8_t hi, std::uint8_t lo) {
  return static_cast<std::uint16_t>((hi << 8) | lo);
}

}  // namespace sekisho
