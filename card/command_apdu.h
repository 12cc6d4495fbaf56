// Command APDUs: ISO/IEC 7816-4:2020 §5.1 (cases 1-4, short and extended length fields).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::card {

// Largest Nc and Ne (ISO/IEC 7816-4 §5.1: 65535 data bytes, Ne up to 65536).
inline constexpr std::size_t kMaxShortNc = 255;
inline constexpr std::size_t kMaxShortNe = 256;
inline constexpr std::size_t kMaxExtendedNc = 65535;
inline constexpr std::size_t kMaxExtendedNe = 65536;

enum class ApduCase { k1, k2, k3, k4 };

struct CommandApdu {
  std::uint8_t cla = 0x00;
  std::uint8_t ins = 0x00;
  std::uint8_t p1 = 0x00;
  std::uint8_t p2 = 0x00;
  Bytes data;                     // Nc = data.size(); empty for cases 1 and 2
  std::optional<std::size_t> ne;  // expected response length; nullopt for cases 1 and 3

  ApduCase Case() const;
  // True when Nc or Ne does not fit the short form.
  bool NeedsExtendedLength() const;

  // Encodes with short length fields when both fit, else extended (§5.1, Table 2).
  // kInvalidArgument when Nc > 65535, Ne is 0 or > 65536.
  Result<Bytes> Encode() const;

  // Decodes any well-formed case 1-4 short or extended APDU. kInvalidArgument, with the reason,
  // for anything else (fewer than 4 bytes, length fields that disagree with the size, Lc = 0).
  static Result<CommandApdu> Parse(ByteView bytes);

  friend bool operator==(const CommandApdu&, const CommandApdu&) = default;
};

}  // namespace sekisho::card
