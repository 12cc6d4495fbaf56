#include "identity/base32.h"

#include <cstdint>

namespace sekisho::identity {

std::string Base32Encode(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> bits) & 0x1F]);
    }
  }
  // RFC 4648 §6: the last group is padded with zero bits on the right.
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1F]);
  return out;
}

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

Result<Bytes> Base32Decode(std::string_view text) {
  const std::size_t tail = text.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6) {
    return InvalidArgumentError("base32: " + std::to_string(text.size()) +
                                " characters is not a possible length");
  }
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int value = Base32Value(text[i]);
    if (value < 0) {
      return InvalidArgumentError("base32: not a base32 character at position " +
                                  std::to_string(i));
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("base32: non-zero unused bits in the last character");
  }
  return out;
}

}  // namespace sekisho::identity
