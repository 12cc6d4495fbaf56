// SecurePinEntry: a reader's own PIN pad, which completes a VERIFY with the PIN the holder types
// so that the PIN never enters the host (DESIGN.md P6; PC/SC Part 10 secure PIN entry). The PC/SC
// implementation is card/pcsc/pinpad_channel.h; PinPadRouter (card/pinpad_router.h) puts it below
// the APDU firewall. Docs: docs/card-firewall.md "PIN pad readers".
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "card/card_channel.h"
#include "card/mynumber_card.h"

namespace sekisho::card {

// How a PIN goes into a VERIFY's data field: ASCII digits '0'-'9' from the first data byte on,
// left-justified and unpadded; the data field (the PIN block) has max_digits bytes.
struct PinFormat {
  std::size_t min_digits = 0;
  std::size_t max_digits = 0;

  friend bool operator==(const PinFormat&, const PinFormat&) = default;
};

// Spec §2: the JPKI user-authentication PIN is exactly 4 ASCII digits.
inline constexpr PinFormat kJpkiAuthPinFormat{mynumber::kAuthPinLength, mynumber::kAuthPinLength};

// The largest PIN block a PIN pad fills: bmPINBlockString gives its size in 4 bits (USB CCID
// rev 1.1 §6.1.11, PIN Verification Data Structure).
inline constexpr std::size_t kMaxPinBlockSize = 15;

// The bytes of a template's PIN block before the reader fills it: not a digit, so a template that
// reached a card unfilled can never match a PIN.
inline constexpr std::uint8_t kPinPlaceholder = 0xFF;

// The VERIFY template for `format` (ISO/IEC 7816-4:2020 §11.5.6): CLA 20 P1 P2, Lc = max_digits,
// then max_digits placeholder bytes. Example: the JPKI authentication PIN by SFI is
// 00 20 00 98 04 FF FF FF FF. Precondition: `format` passes CheckPinFormat.
Bytes PinVerifyTemplate(std::uint8_t cla, std::uint8_t p1, std::uint8_t p2,
                        const PinFormat& format);

// OK when 1 <= min_digits <= max_digits <= kMaxPinBlockSize; kInvalidArgument otherwise.
Status CheckPinFormat(const PinFormat& format);

// OK when `command` is a VERIFY template for `format`: a short case-3 VERIFY (INS 20, no Le) whose
// data field is max_digits placeholder bytes. kInvalidArgument otherwise, saying what is wrong and
// never showing the data field (a PIN sent by mistake is refused, not echoed).
Status CheckPinVerifyTemplate(ByteView command, const PinFormat& format);

// A PIN pad that verifies PINs for the card in its reader. Not thread-safe (as CardChannel).
class SecurePinEntry {
 public:
  virtual ~SecurePinEntry() = default;

  // Has the holder type a PIN of `format` on the reader's PIN pad; the reader writes it into
  // `verify_template` (which must pass CheckPinVerifyTemplate) and sends that VERIFY to the card.
  // Returns the card's status word (9000, 63Cx, 6984, ...). At most one VERIFY reaches the card,
  // and none when one of these is returned:
  //   kInvalidArgument   not a VERIFY template for `format` (nothing reached the reader), or the
  //                      reader refused the request as invalid (its answer 6B80);
  //   kDeadlineExceeded  nobody finished typing a PIN in time (6400);
  //   kUnauthenticated   the holder cancelled on the PIN pad (6401).
  // Otherwise the transport's errors (kUnavailable when the card or reader went away), and
  // kDataLoss for an answer that is not a status word. Nothing here ever holds the PIN.
  virtual Result<std::uint16_t> Verify(ByteView verify_template, const PinFormat& format) = 0;
};

// The PIN pad of the reader behind `channel`, or null when it has none. Only the channel a reader
// hands out knows (card/pcsc PinPadChannel); a wrapper around it (an ApduFirewall, a
// CountingChannel) hides it, and the caller then falls back to asking for the PIN itself.
SecurePinEntry* SecurePinEntryOf(CardChannel& channel);

}  // namespace sekisho::card
