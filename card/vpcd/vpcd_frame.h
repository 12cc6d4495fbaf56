// Frames of the vsmartcard vpcd protocol between the pcsc-lite reader driver and a card process
// (../shared/spec/pcsc-virtual-reader.md; vsmartcard virtualsmartcard/src/vpcd/vpcd.c):
// a 2-byte big-endian length followed by that many bytes, in both directions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::card::vpcd {

inline constexpr std::size_t kFrameHeaderSize = 2;
inline constexpr std::size_t kMaxFramePayload = 0xFFFF;

// A payload of exactly one byte from the driver is a control message. The driver waits for an
// answer (one frame holding the ATR) only after kGetAtr; power and reset are not answered.
enum class Control : std::uint8_t {
  kPowerOff = 0x00,
  kPowerOn = 0x01,
  kReset = 0x02,
  kGetAtr = 0x04,
};

// The control message a one-byte payload carries; nullopt for a value the protocol does not
// define.
std::optional<Control> ParseControl(std::uint8_t value);

// "power off", "power on", "reset", "get ATR".
const char* ControlName(Control control);

// The frame holding `payload`: its length in two big-endian bytes, then the payload.
// kInvalidArgument when the payload is longer than kMaxFramePayload.
Result<Bytes> EncodeFrame(ByteView payload);

}  // namespace sekisho::card::vpcd
