#include "card/pcsc/pcsc_error.h"

#include <fmt/format.h>

#include <array>
#include <string>

namespace sekisho::card::pcsc {
namespace {

struct Entry {
  LONG code;
  std::string_view name;
  StatusCode status;
  std::string_view what;  // what happened, in the caller's terms
  std::string_view hint;  // what to do about it
};

constexpr std::string_view kStartPcscd =
    "start pcscd (e.g. `pcscd --foreground`, or scripts/with-pcscd.sh) and retry";
constexpr std::string_view kPresentCard = "present the card again and retry";

// pcsc-lite 1.9 (pcsclite.h). SCARD_E_UNEXPECTED and SCARD_E_UNSUPPORTED_FEATURE share
// 0x8010001F there; the entry describes both.
constexpr std::array kTable = {
    Entry{SCARD_E_NO_SERVICE, "SCARD_E_NO_SERVICE", StatusCode::kUnavailable,
          "pcscd is not running", kStartPcscd},
    Entry{SCARD_E_SERVICE_STOPPED, "SCARD_E_SERVICE_STOPPED", StatusCode::kUnavailable,
          "pcscd stopped", kStartPcscd},
    Entry{SCARD_P_SHUTDOWN, "SCARD_P_SHUTDOWN", StatusCode::kUnavailable, "pcscd is shutting down",
          kStartPcscd},
    Entry{SCARD_E_SERVER_TOO_BUSY, "SCARD_E_SERVER_TOO_BUSY", StatusCode::kUnavailable,
          "pcscd is too busy", "retry in a moment"},
    Entry{SCARD_W_REMOVED_CARD, "SCARD_W_REMOVED_CARD", StatusCode::kUnavailable, "card removed",
          kPresentCard},
    Entry{SCARD_E_NO_SMARTCARD, "SCARD_E_NO_SMARTCARD", StatusCode::kUnavailable,
          "card removed (no card in the reader)", kPresentCard},
    Entry{SCARD_W_RESET_CARD, "SCARD_W_RESET_CARD", StatusCode::kUnavailable,
          "card was reset by another application", "connect again and restart the operation"},
    Entry{SCARD_W_UNPOWERED_CARD, "SCARD_W_UNPOWERED_CARD", StatusCode::kUnavailable,
          "card is not powered", kPresentCard},
    Entry{SCARD_W_UNRESPONSIVE_CARD, "SCARD_W_UNRESPONSIVE_CARD", StatusCode::kUnavailable,
          "card does not answer the reset", "check that the card is inserted the right way round"},
    Entry{SCARD_E_NOT_TRANSACTED, "SCARD_E_NOT_TRANSACTED", StatusCode::kUnavailable,
          "the reader could not exchange the command with the card (was it removed?)",
          kPresentCard},
    Entry{SCARD_E_COMM_DATA_LOST, "SCARD_E_COMM_DATA_LOST", StatusCode::kUnavailable,
          "communication with the card failed", kPresentCard},
    Entry{SCARD_F_COMM_ERROR, "SCARD_F_COMM_ERROR", StatusCode::kUnavailable,
          "communication with pcscd failed", "check that pcscd is running, then retry"},
    Entry{SCARD_E_NOT_READY, "SCARD_E_NOT_READY", StatusCode::kUnavailable,
          "the reader or card is not ready", "retry in a moment"},
    Entry{SCARD_E_READER_UNAVAILABLE, "SCARD_E_READER_UNAVAILABLE", StatusCode::kUnavailable,
          "the reader is not available (unplugged?)", "reconnect the reader and retry"},
    Entry{SCARD_E_SHARING_VIOLATION, "SCARD_E_SHARING_VIOLATION", StatusCode::kUnavailable,
          "the card is in use by another application",
          "close the other application using the card and retry"},
    Entry{SCARD_E_CANCELLED, "SCARD_E_CANCELLED", StatusCode::kUnavailable,
          "the wait was cancelled", "nothing to do if this process cancelled it"},
    Entry{SCARD_E_SYSTEM_CANCELLED, "SCARD_E_SYSTEM_CANCELLED", StatusCode::kUnavailable,
          "the system cancelled the operation", "retry"},
    Entry{SCARD_E_TIMEOUT, "SCARD_E_TIMEOUT", StatusCode::kDeadlineExceeded, "timed out",
          "present the card sooner or wait longer"},
    Entry{SCARD_E_UNKNOWN_READER, "SCARD_E_UNKNOWN_READER", StatusCode::kNotFound, "no such reader",
          "list the readers (`sekisho card readers`) and use one of those names"},
    Entry{SCARD_E_NO_READERS_AVAILABLE, "SCARD_E_NO_READERS_AVAILABLE", StatusCode::kNotFound,
          "no reader is connected", "connect a reader (or load the vpcd driver) and retry"},
    Entry{SCARD_E_PROTO_MISMATCH, "SCARD_E_PROTO_MISMATCH", StatusCode::kFailedPrecondition,
          "the card does not speak the requested protocol (T=0/T=1)",
          "allow both T=0 and T=1 when connecting"},
    Entry{SCARD_W_UNSUPPORTED_CARD, "SCARD_W_UNSUPPORTED_CARD", StatusCode::kFailedPrecondition,
          "the reader cannot talk to this card (ATR conflict)", "use another reader or card"},
    Entry{SCARD_E_CARD_UNSUPPORTED, "SCARD_E_CARD_UNSUPPORTED", StatusCode::kFailedPrecondition,
          "the card is not supported", "use another card"},
    Entry{SCARD_E_READER_UNSUPPORTED, "SCARD_E_READER_UNSUPPORTED", StatusCode::kFailedPrecondition,
          "the reader driver is not supported", "use another reader or driver"},
    Entry{SCARD_E_UNSUPPORTED_FEATURE, "SCARD_E_UNSUPPORTED_FEATURE",
          StatusCode::kFailedPrecondition, "the reader or card does not support this operation",
          "use another reader"},
    Entry{SCARD_E_NO_ACCESS, "SCARD_E_NO_ACCESS", StatusCode::kPermissionDenied,
          "pcscd refused access", "run as a user the pcscd polkit rules allow"},
    Entry{SCARD_W_SECURITY_VIOLATION, "SCARD_W_SECURITY_VIOLATION", StatusCode::kPermissionDenied,
          "access denied by a security violation", "run as a user pcscd allows"},
    Entry{SCARD_E_INVALID_HANDLE, "SCARD_E_INVALID_HANDLE", StatusCode::kInternal,
          "invalid context or card handle", "report this bug"},
    Entry{SCARD_E_INVALID_PARAMETER, "SCARD_E_INVALID_PARAMETER", StatusCode::kInternal,
          "invalid parameter", "report this bug"},
    Entry{SCARD_E_INVALID_VALUE, "SCARD_E_INVALID_VALUE", StatusCode::kInternal,
          "invalid parameter value", "report this bug"},
    Entry{SCARD_E_INSUFFICIENT_BUFFER, "SCARD_E_INSUFFICIENT_BUFFER", StatusCode::kInternal,
          "buffer too small for the answer", "report this bug"},
    Entry{SCARD_E_PCI_TOO_SMALL, "SCARD_E_PCI_TOO_SMALL", StatusCode::kInternal,
          "protocol control information buffer too small", "report this bug"},
    Entry{SCARD_E_NO_MEMORY, "SCARD_E_NO_MEMORY", StatusCode::kInternal, "out of memory",
          "free memory and retry"},
    Entry{SCARD_F_INTERNAL_ERROR, "SCARD_F_INTERNAL_ERROR", StatusCode::kInternal,
          "pcsc-lite internal error", "see the pcscd log"},
    Entry{SCARD_F_UNKNOWN_ERROR, "SCARD_F_UNKNOWN_ERROR", StatusCode::kInternal,
          "pcsc-lite unknown internal error", "see the pcscd log"},
    Entry{SCARD_F_WAITED_TOO_LONG, "SCARD_F_WAITED_TOO_LONG", StatusCode::kInternal,
          "pcsc-lite internal timer expired", "see the pcscd log"},
};

constexpr std::array<LONG, kTable.size()> KnownCodes() {
  std::array<LONG, kTable.size()> codes{};
  for (std::size_t i = 0; i < kTable.size(); ++i) codes[i] = kTable[i].code;
  return codes;
}
constexpr std::array kKnownCodes = KnownCodes();

std::string CodeText(LONG code) {
  return fmt::format("0x{:08X}", static_cast<unsigned long>(code) & 0xFFFFFFFFul);
}

}  // namespace

Status PcscError(std::string_view operation, LONG code) {
  if (code == SCARD_S_SUCCESS) return OkStatus();
  const std::string library_text = pcsc_stringify_error(code);
  for (const Entry& e : kTable) {
    if (e.code != code) continue;
    return Status(e.status, fmt::format("{}: {} ({} {}: {}); {}", operation, e.what, e.name,
                                        CodeText(code), library_text, e.hint));
  }
  return InternalError(fmt::format("{}: unexpected PC/SC error ({}: {}); see the pcscd log",
                                   operation, CodeText(code), library_text));
}

std::span<const LONG> KnownPcscErrorCodes() { return kKnownCodes; }

}  // namespace sekisho::card::pcsc
