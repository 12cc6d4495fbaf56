#include "base/bytes.h"

#include <array>
#include <string>

namespace sekisho {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSeparator(char c) { return c == ' ' || c == ':' || c == '\n' || c == '\t' || c == '\r'; }

}  // namespace

std::string ToHex(ByteView bytes, bool spaced) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (spaced && i > 0) out.push_back(' ');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0x0F]);
  }
  return out;
}

std::string ToHex16(std::uint16_t value) {
  return ToHex(
      std::array{static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value & 0xFF)});
}

Result<Bytes> FromHex(std::string_view text) {
  Bytes out;
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsSeparator(c)) {
      if (high >= 0) {
        return InvalidArgumentError("hex: separator inside a byte at position " +
                                    std::to_string(i));
      }
      continue;
    }
    const int v = HexValue(c);
    if (v < 0) return InvalidArgumentError("hex: not a hex digit at position " + std::to_string(i));
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) return InvalidArgumentError("hex: odd number of digits");
  return out;
}

Bytes ToBytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

std::string ToString(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

void Append(Bytes& out, ByteView tail) { out.insert(out.end(), tail.begin(), tail.end()); }

}  // namespace sekisho
