// Translation of pcsc-lite return codes (winscard.h, pcsclite.h) into Status, with the code's name,
// pcsc_stringify_error() text and what the operator can do about it.
#pragma once

#include <winscard.h>

#include <span>
#include <string_view>

#include "base/status.h"

namespace sekisho::card::pcsc {

// OkStatus() for SCARD_S_SUCCESS. Otherwise a Status whose message reads
//   "<operation>: <what happened> (<SCARD_NAME> 0x8010xxxx: <pcsc_stringify_error>); <what to do>"
// Codes, chosen by what the caller can do (base/status.h):
//   kUnavailable        pcscd not running or stopped; card removed, reset, unpowered or mute;
//                       the reader in use by another application (sharing violation) or gone;
//                       communication with the card failed; a wait was cancelled (SCardCancel).
//   kDeadlineExceeded   SCARD_E_TIMEOUT.
//   kNotFound           unknown reader, no readers at all.
//   kFailedPrecondition the card or reader does not support what was asked (protocol, feature).
//   kPermissionDenied   pcscd refused access (polkit, SCARD_E_NO_ACCESS).
//   kInternal           invalid handle, parameter or buffer: a bug on this side; and any code not
//                       in the table (its number is in the message).
Status PcscError(std::string_view operation, LONG code);

// Every code PcscError() translates specifically (excluding SCARD_S_SUCCESS), for tests.
std::span<const LONG> KnownPcscErrorCodes();

}  // namespace sekisho::card::pcsc
