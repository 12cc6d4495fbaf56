// PinPadRouter: the CardChannel below the APDU firewall on a reader with a PIN pad. The VERIFY
// template the firewall let through goes to the PIN pad, everything else to the card, so the PIN
// pad path is judged by the same firewall as every APDU (docs/card-firewall.md "PIN pad readers").
#pragma once

#include <cstddef>

#include "card/card_channel.h"
#include "card/pinpad_entry.h"

namespace sekisho::card {

//   VerifyAuthPinOnPinPad ─▶ ApduFirewall ─▶ PinPadRouter ─┬▶ card channel      (other APDUs)
//                                                           └▶ SecurePinEntry    (VERIFY template)
//
// Not thread-safe (as CardChannel). `card` and `pin_pad` must outlive the router; they are
// usually one object (card/pcsc PinPadChannel).
class PinPadRouter final : public CardChannel {
 public:
  // Precondition: `format` passes CheckPinFormat.
  PinPadRouter(CardChannel& card, SecurePinEntry& pin_pad, PinFormat format)
      : card_(card), pin_pad_(pin_pad), format_(format) {}

  // A VERIFY (INS 20, ISO/IEC 7816-4:2020 §11.5.6) with anything beyond its header goes to
  // pin_pad.Verify(command, format) and is answered with the 2-byte status word it returns, or
  // its error; it never reaches `card`, since on this path the host holds no PIN to send. One
  // that is not a template for `format` (CheckPinVerifyTemplate: a PIN sent by mistake, say) is
  // kInvalidArgument and reaches neither. Every other command, the empty VERIFY (tries query)
  // included, goes to `card` unchanged.
  Result<Bytes> Transmit(ByteView command) override;
  Result<Bytes> Atr() override { return card_.Atr(); }
  Status Reset() override { return card_.Reset(); }
  bool IsPresent() override { return card_.IsPresent(); }

  // How many templates were handed to the PIN pad.
  std::size_t verifications() const { return verifications_; }

 private:
  CardChannel& card_;
  SecurePinEntry& pin_pad_;
  const PinFormat format_;
  std::size_t verifications_ = 0;
};

}  // namespace sekisho::card
