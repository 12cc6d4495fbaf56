// CardChannel: one connection to one card, whatever carries it (PC/SC, the in-process simulator,
// the APDU firewall wrapping another channel). Not thread-safe: one user at a time.
#pragma once

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::card {

class CardChannel {
 public:
  virtual ~CardChannel() = default;

  // Sends one encoded command APDU and returns the raw response (data + SW1 SW2). Does not
  // handle 61xx/6Cxx; see Transceive() in card/transceive.h.
  // kUnavailable when the card or reader went away, kPermissionDenied when a firewall refused.
  virtual Result<Bytes> Transmit(ByteView command) = 0;

  // The answer to reset of the card as last powered.
  virtual Result<Bytes> Atr() = 0;

  // Warm reset; every selection and verified PIN is lost.
  virtual Status Reset() = 0;

  // Whether a card is present right now (a cheap query; no APDU is sent).
  virtual bool IsPresent() = 0;
};

}  // namespace sekisho::card
