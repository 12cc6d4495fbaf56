#include "card/pcsc/pcsc_context.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "card/pcsc/pcsc_error.h"

namespace sekisho::card::pcsc {
namespace {

// SCardGetStatusChange takes milliseconds as a DWORD; INFINITE (0xFFFFFFFF) never times out.
DWORD ToDword(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return 0;
  constexpr auto kMax = static_cast<std::int64_t>(std::numeric_limits<std::uint32_t>::max() - 1);
  return static_cast<DWORD>(std::min<std::int64_t>(timeout.count(), kMax));
}

ReaderState FromReaderState(const SCARD_READERSTATE& rs) {
  ReaderState state;
  state.reader = rs.szReader;
  const DWORD e = rs.dwEventState;
  state.present = (e & SCARD_STATE_PRESENT) != 0;
  state.mute = (e & SCARD_STATE_MUTE) != 0;
  state.in_use = (e & SCARD_STATE_INUSE) != 0;
  state.exclusive = (e & SCARD_STATE_EXCLUSIVE) != 0;
  const std::size_t atr_len = std::min<std::size_t>(rs.cbAtr, sizeof rs.rgbAtr);
  if (state.present) state.atr.assign(rs.rgbAtr, rs.rgbAtr + atr_len);
  state.event_state = static_cast<std::uint32_t>(e);
  return state;
}

}  // namespace

Result<std::unique_ptr<PcscContext>> PcscContext::Establish() {
  SCARDCONTEXT context = 0;
  const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  RETURN_IF_ERROR(PcscError("SCardEstablishContext", rv));
  return std::unique_ptr<PcscContext>(new PcscContext(context));
}

PcscContext::~PcscContext() {
  const LONG rv = SCardReleaseContext(context_);
  if (rv != SCARD_S_SUCCESS) {
    spdlog::debug("{}", PcscError("SCardReleaseContext", rv).ToString());
  }
}

Result<std::vector<std::string>> PcscContext::ListReaders() {
  // The list can grow between the size query and the read; retry a few times.
  for (int attempt = 0; attempt < 4; ++attempt) {
    DWORD size = 0;
    LONG rv = SCardListReaders(context_, nullptr, nullptr, &size);
    if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
    RETURN_IF_ERROR(PcscError("SCardListReaders", rv));
    std::string buffer(size, '\0');
    rv = SCardListReaders(context_, nullptr, buffer.data(), &size);
    if (rv == SCARD_E_INSUFFICIENT_BUFFER) continue;
    if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
    RETURN_IF_ERROR(PcscError("SCardListReaders", rv));
    // A multi-string: names separated by NUL, ended by an empty name.
    std::vector<std::string> readers;
    buffer.resize(std::min<std::size_t>(size, buffer.size()));
    for (std::size_t pos = 0; pos < buffer.size();) {
      const std::size_t end = buffer.find('\0', pos);
      const std::size_t stop = end == std::string::npos ? buffer.size() : end;
      if (stop == pos) break;
      readers.push_back(buffer.substr(pos, stop - pos));
      pos = stop + 1;
    }
    return readers;
  }
  return UnavailableError("SCardListReaders: the reader list kept changing; retry");
}

Result<ReaderState> PcscContext::GetState(const std::string& reader) {
  ReaderState unaware;
  unaware.reader = reader;
  unaware.event_state = SCARD_STATE_UNAWARE;
  return WaitForChange(reader, unaware, std::chrono::milliseconds(0));
}

Result<ReaderState> PcscContext::WaitForChange(const std::string& reader, const ReaderState& known,
                                               std::chrono::milliseconds timeout) {
  SCARD_READERSTATE rs;
  std::memset(&rs, 0, sizeof rs);
  rs.szReader = reader.c_str();
  // The CHANGED bit describes the previous call, not a state to compare with.
  rs.dwCurrentState = known.event_state & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
  const LONG rv = SCardGetStatusChange(context_, ToDword(timeout), &rs, 1);
  if (rv == SCARD_E_TIMEOUT) {
    return DeadlineExceededError("no change in reader '" + reader + "' within " +
                                 std::to_string(timeout.count()) + " ms");
  }
  RETURN_IF_ERROR(PcscError("SCardGetStatusChange", rv).WithContext("reader '" + reader + "'"));
  // pcsc-lite reports a reader it does not know as a state, not as an error.
  if ((rs.dwEventState & SCARD_STATE_UNKNOWN) != 0) {
    return NotFoundError("reader '" + reader +
                         "' is not known to pcscd; list the readers and use one of those names");
  }
  if ((rs.dwEventState & SCARD_STATE_UNAVAILABLE) != 0) {
    return UnavailableError("reader '" + reader + "' is unavailable (unplugged?)");
  }
  return FromReaderState(rs);
}

Status PcscContext::WaitForPresence(const std::string& reader, bool want_card,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto timed_out = [&] {
    return DeadlineExceededError(std::string(want_card ? "no card was presented"
                                                       : "the card was "
                                                         "not removed") +
                                 " in reader '" + reader + "' within " +
                                 std::to_string(timeout.count()) + " ms");
  };
  ASSIGN_OR_RETURN(ReaderState state, GetState(reader));
  for (;;) {
    const bool done = want_card ? (state.present && !state.mute) : !state.present;
    if (done) return OkStatus();
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return timed_out();
    auto next = WaitForChange(reader, state, remaining);
    if (!next.ok()) {
      if (next.status().code() == StatusCode::kDeadlineExceeded) return timed_out();
      return next.status();
    }
    state = std::move(next).value();
  }
}

Status PcscContext::WaitForCard(const std::string& reader, std::chrono::milliseconds timeout) {
  return WaitForPresence(reader, true, timeout);
}

Status PcscContext::WaitForRemoval(const std::string& reader, std::chrono::milliseconds timeout) {
  return WaitForPresence(reader, false, timeout);
}

void PcscContext::Cancel() {
  const LONG rv = SCardCancel(context_);
  if (rv != SCARD_S_SUCCESS) spdlog::debug("{}", PcscError("SCardCancel", rv).ToString());
}

}  // namespace sekisho::card::pcsc
