// Response APDUs: data field followed by SW1 SW2 (ISO/IEC 7816-4:2020 §5.1).
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "card/status_word.h"

namespace sekisho::card {

struct ResponseApdu {
  Bytes data;
  std::uint16_t sw = 0;

  std::uint8_t sw1() const { return static_cast<std::uint8_t>(sw >> 8); }
  std::uint8_t sw2() const { return static_cast<std::uint8_t>(sw & 0xFF); }
  bool ok() const { return sw == ToU16(StatusWord::kOk); }
  bool Is(StatusWord w) const { return sw == ToU16(w); }

  Bytes Encode() const;
  // kDataLoss when fewer than two bytes arrive (a card answering garbage).
  static Result<ResponseApdu> Parse(ByteView bytes);

  static ResponseApdu Of(StatusWord w, Bytes data = {}) { return {std::move(data), ToU16(w)}; }

  friend bool operator==(const ResponseApdu&, const ResponseApdu&) = default;
};

}  // namespace sekisho::card
