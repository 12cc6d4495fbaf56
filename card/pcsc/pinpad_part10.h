// PC/SC Part 10 (Interoperability Specification for ICCs and Personal Computer Systems, Part 10:
// IFDs with Secure PIN Entry Capabilities, rev 2.02.09), the pieces a gate uses: the reader's
// feature list (§2.2) and FEATURE_VERIFY_PIN_DIRECT's PIN_VERIFY_STRUCTURE and answer. Pure
// encoding and decoding; the transport is ReaderControl. Docs: docs/gate.md "PIN entry".
#pragma once

#include <reader.h>  // pcsc-lite: CM_IOCTL_GET_FEATURE_REQUEST, FEATURE_* tags

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "card/pinpad_entry.h"

namespace sekisho::card::pcsc {

// The SCardControl code of GET_FEATURE_REQUEST, SCARD_CTL_CODE(3400) as pcsc-lite's reader.h
// defines it (0x42000D48 on Linux and macOS).
inline constexpr std::uint32_t kGetFeatureRequestCode = CM_IOCTL_GET_FEATURE_REQUEST;

// §2.2 feature tags, as pcsc-lite's reader.h names them.
inline constexpr std::uint8_t kFeatureVerifyPinDirect = FEATURE_VERIFY_PIN_DIRECT;
inline constexpr std::uint8_t kFeatureModifyPinDirect = FEATURE_MODIFY_PIN_DIRECT;
inline constexpr std::uint8_t kFeatureIfdPinProperties = FEATURE_IFD_PIN_PROPERTIES;
inline constexpr std::uint8_t kFeatureGetTlvProperties = FEATURE_GET_TLV_PROPERTIES;

// "FEATURE_VERIFY_PIN_DIRECT", ...; "unknown feature" for a tag reader.h does not name.
std::string_view FeatureName(std::uint8_t tag);

// What a reader offers: feature tag -> the SCardControl code that invokes it.
using FeatureMap = std::map<std::uint8_t, std::uint32_t>;

// The answer to GET_FEATURE_REQUEST (§2.2): TLVs of tag (1 byte), length (1 byte, always 4) and
// value (the feature's control code, 4 bytes big-endian), one after another. An empty answer is
// a reader without features. kInvalidArgument, naming the tag and its offset, for a TLV whose
// length is not 4, a TLV cut short, or a tag that appears twice.
Result<FeatureMap> ParseFeatureList(ByteView answer);

// The answer a reader offering `features` gives (for fakes and tests), in tag order.
Bytes EncodeFeatureList(const FeatureMap& features);

// bmFormatString (USB CCID rev 1.1 §6.1.11, PIN Verification Data Structure): bit 7 system units
// (1 = bytes), bits 6-3 PIN position in the APDU's data field (after Lc) in those units, bit 2
// justification (0 = left), bits 1-0 PIN type.
inline constexpr std::uint8_t kFormatUnitsBytes = 0x80;
inline constexpr std::uint8_t kFormatRightJustify = 0x04;
inline constexpr std::uint8_t kFormatTypeMask = 0x03;
inline constexpr std::uint8_t kFormatTypeAscii = 0x02;
// bEntryValidationCondition (the same table): bit-wise OR of these.
inline constexpr std::uint8_t kValidateMaxSizeReached = 0x01;
inline constexpr std::uint8_t kValidateKeyPressed = 0x02;
inline constexpr std::uint8_t kValidateTimeout = 0x04;
// wLangId: LANGID of English (United States), the prompt language every PIN pad knows.
inline constexpr std::uint16_t kLangIdEnglishUs = 0x0409;

// PIN_VERIFY_STRUCTURE, the input of FEATURE_VERIFY_PIN_DIRECT (Part 10, the fields of CCID
// §6.1.11 abPINDataStructure): 19 bytes, then abData. Multi-byte fields are little-endian.
struct PinVerifyStructure {
  std::uint8_t timeout = 0;                  // bTimeOut: seconds for the first key; 0 = default
  std::uint8_t timeout_after_first_key = 0;  // bTimeOut2: seconds after the first key
  std::uint8_t format_string = 0;            // bmFormatString
  std::uint8_t pin_block_string = 0;         // bmPINBlockString: bits 7-4 PIN length field size in
                                             // bits, bits 3-0 PIN block size in bytes
  std::uint8_t pin_length_format = 0;        // bmPINLengthFormat: bit 4 units, bits 3-0 position
  std::uint8_t min_pin_digits = 0;           // wPINMaxExtraDigit 0xXXYY: XX
  std::uint8_t max_pin_digits = 0;           //                           YY
  std::uint8_t entry_validation_condition = 0;  // bEntryValidationCondition
  std::uint8_t number_message = 0;              // bNumberMessage: 00, 01 or FF (default)
  std::uint16_t language_id = 0;                // wLangId
  std::uint8_t message_index = 0;               // bMsgIndex
  std::array<std::uint8_t, 3> teo_prologue{};   // bTeoPrologue: 00 00 00, the reader fills it
  Bytes apdu;  // abData, the VERIFY to complete; ulDataLength is its size

  friend bool operator==(const PinVerifyStructure&, const PinVerifyStructure&) = default;
};
inline constexpr std::size_t kPinVerifyStructureHeaderSize = 19;

// The bytes of `s`: kPinVerifyStructureHeaderSize + s.apdu.size().
Bytes EncodePinVerifyStructure(const PinVerifyStructure& s);

// The reverse (what a reader does; for fakes and tests). kInvalidArgument for fewer than 19
// bytes or an ulDataLength that disagrees with the bytes that follow.
Result<PinVerifyStructure> DecodePinVerifyStructure(ByteView bytes);

// How long the PIN pad waits for the holder.
struct PinPadOptions {
  std::chrono::seconds timeout{30};                  // for the first key
  std::chrono::seconds timeout_after_first_key{15};  // between keys, once typing started
  std::uint16_t language_id = kLangIdEnglishUs;      // of the reader's "enter PIN" prompt
};

// The PIN_VERIFY_STRUCTURE that has the PIN pad put a PIN of `format` into `verify_template`
// (card::CheckPinVerifyTemplate): bmFormatString 82 (byte units, PIN at the first data byte,
// left-justified, ASCII), bmPINBlockString = max_digits (no PIN length field), bmPINLengthFormat
// 00, wPINMaxExtraDigit = min_digits << 8 | max_digits, bEntryValidationCondition 02 (the holder
// confirms with the OK key), bNumberMessage 01 with bMsgIndex 00 (the reader's PIN prompt),
// wLangId from `options`, bTeoPrologue 00 00 00, abData = the template. kInvalidArgument for a
// template or format that does not qualify, or a timeout above 255 s.
Result<PinVerifyStructure> PinVerifyStructureFor(ByteView verify_template, const PinFormat& format,
                                                 const PinPadOptions& options);

// The reader's own answers to FEATURE_VERIFY_PIN_DIRECT (Part 10; pcsc-lite's CCID driver
// answers the same), which share the form of a status word but never come from the card.
inline constexpr std::uint16_t kPinPadTimeout = 0x6400;
inline constexpr std::uint16_t kPinPadCancelled = 0x6401;
inline constexpr std::uint16_t kPinPadInvalidParameter = 0x6B80;

// The reader's answer to FEATURE_VERIFY_PIN_DIRECT: the card's status word (2 bytes), returned
// as a number, or one of the reader's, each its own error: 6400 -> kDeadlineExceeded (nobody
// typed in time), 6401 -> kUnauthenticated (the holder cancelled), 6B80 -> kInvalidArgument (the
// reader refused the structure). kDataLoss for an answer of any length other than 2.
Result<std::uint16_t> PinVerifyAnswer(ByteView answer);

}  // namespace sekisho::card::pcsc
