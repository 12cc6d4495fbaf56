// Sending a CommandApdu and receiving a whole ResponseApdu, with the ISO/IEC 7816-4:2020 §5.3.4
// transmission rules handled: 61xx (GET RESPONSE until done) and 6Cxx (resend with Le = xx).
#pragma once

#include "card/card_channel.h"
#include "card/command_apdu.h"
#include "card/response_apdu.h"

namespace sekisho::card {

// Encodes `command`, transmits it on `channel`, and follows 61xx / 6Cxx. The returned status
// word is the card's last one; a non-9000 word is not an error here (the caller decides).
// Errors: the channel's (kUnavailable, kPermissionDenied), kInvalidArgument if the command does
// not encode, kDataLoss if the card answers fewer than two bytes or loops on 61xx/6Cxx.
Result<ResponseApdu> Transceive(CardChannel& channel, const CommandApdu& command);

}  // namespace sekisho::card
