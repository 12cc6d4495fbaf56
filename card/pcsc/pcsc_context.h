// PcscContext: one pcsc-lite resource-manager context (SCardEstablishContext), the list of
// readers and waiting for card insertion and removal (SCardGetStatusChange).
#pragma once

#include <winscard.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::card::pcsc {

// What pcscd reports about one reader (SCARD_READERSTATE.dwEventState).
struct ReaderState {
  std::string reader;
  bool present = false;    // a card is in the reader (SCARD_STATE_PRESENT)
  bool mute = false;       // the card does not answer the reset (SCARD_STATE_MUTE)
  bool in_use = false;     // another connection holds the card (SCARD_STATE_INUSE)
  bool exclusive = false;  // ... exclusively (SCARD_STATE_EXCLUSIVE)
  Bytes atr;               // the ATR of the card in the reader; empty when none
  // The raw event state, including pcsc-lite's event counter in the upper 16 bits; passed back
  // to WaitForChange so that an insertion followed by a removal between two calls is noticed.
  std::uint32_t event_state = 0;
};

// Thread safety: Cancel() may be called from any thread at any time. Every other method (and
// every PcscChannel connected through this context) must be used by one thread at a time;
// pcsc-lite serialises calls on one context, so a channel call waits while WaitFor* blocks.
// The context must outlive every PcscChannel connected through it.
class PcscContext {
 public:
  // SCardEstablishContext(SCARD_SCOPE_SYSTEM). kUnavailable "pcscd is not running" when the
  // daemon cannot be reached; see PcscError() for the other codes.
  static Result<std::unique_ptr<PcscContext>> Establish();
  ~PcscContext();  // SCardReleaseContext
  PcscContext(const PcscContext&) = delete;
  PcscContext& operator=(const PcscContext&) = delete;

  // The readers pcscd knows, in its order. An empty list when there are none
  // (SCARD_E_NO_READERS_AVAILABLE). kUnavailable when pcscd went away.
  Result<std::vector<std::string>> ListReaders();

  // The state of `reader` now, without waiting. kNotFound when pcscd does not know the reader.
  Result<ReaderState> GetState(const std::string& reader);

  // Blocks until the state of `reader` differs from `known` (as returned by GetState or a
  // previous WaitForChange) and returns the new state. kDeadlineExceeded after `timeout`,
  // kUnavailable when Cancel() was called, kNotFound when the reader is unknown or vanished.
  Result<ReaderState> WaitForChange(const std::string& reader, const ReaderState& known,
                                    std::chrono::milliseconds timeout);

  // OK as soon as a card that answered its reset is in `reader` (immediately if one is there
  // already; a zero timeout only looks). kDeadlineExceeded when none arrived within `timeout`;
  // otherwise as WaitForChange.
  Status WaitForCard(const std::string& reader, std::chrono::milliseconds timeout);

  // OK as soon as `reader` holds no card (immediately if it is empty). Errors as WaitForCard.
  Status WaitForRemoval(const std::string& reader, std::chrono::milliseconds timeout);

  // Makes a blocked WaitForChange/WaitForCard/WaitForRemoval return kUnavailable promptly
  // (SCardCancel). Safe from any thread; no effect when nothing waits.
  void Cancel();

  // The pcsc-lite handle, for PcscChannel.
  SCARDCONTEXT handle() const { return context_; }

 private:
  explicit PcscContext(SCARDCONTEXT context) : context_(context) {}
  // WaitForCard (want_card) and WaitForRemoval (!want_card).
  Status WaitForPresence(const std::string& reader, bool want_card,
                         std::chrono::milliseconds timeout);

  SCARDCONTEXT context_;
};

}  // namespace sekisho::card::pcsc
