// Frames of the vsmartcard vpcd protocol between the pcsc-lite reader driver and a card process
// (../shared/spec/pcsc-virtual-reader.md; vsmartcard virtualsmartcard/src/vpcd/vpcd.c):
// a 2-byte big-endian length followed by that many bytes, in both directions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

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

// The payload length a frame header announces (two bytes, big-endian). kDataLoss "zero-length
// frame from the driver (the protocol has none)" for 0: the stream is out of step.
Result<std::size_t> DecodeFrameHeader(std::span<const std::uint8_t, kFrameHeaderSize> header);

// What a frame from the driver asks for. A payload of one byte is a control message (`control`
// is nullopt for a value the protocol does not define, which the driver never sends); a longer
// one is a command APDU, `command` (a view into the payload). An empty payload (which
// DecodeFrameHeader refuses) is neither: a command with no bytes.
struct DriverMessage {
  bool is_control = false;
  std::optional<Control> control;
  ByteView command;
};
DriverMessage ParseDriverMessage(ByteView payload);

}  // namespace sekisho::card::vpcd
