#include "card/pcsc/pcsc_channel.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "base/log.h"
#include "card/pcsc/pcsc_error.h"
#include "card/pcsc/pinpad_part10.h"

namespace sekisho::card::pcsc {
namespace {

// The largest response APDU: Ne = 65536 data bytes plus SW1 SW2 (ISO/IEC 7816-4:2020 §5.1).
constexpr DWORD kMaxResponse = 65536 + 2;

// ISO/IEC 7816-4:2020 §11.5.6 VERIFY (20) and §11.5.7 CHANGE REFERENCE DATA (24).
bool UsesCredential(ByteView command) {
  return command.size() >= 2 && (command[1] == 0x20 || command[1] == 0x24);
}

}  // namespace

Result<std::unique_ptr<PcscChannel>> PcscChannel::Connect(PcscContext& context,
                                                          const std::string& reader,
                                                          Protocols protocols) {
  SCARDHANDLE card = 0;
  DWORD active = 0;
  const LONG rv = SCardConnect(context.handle(), reader.c_str(), SCARD_SHARE_EXCLUSIVE,
                               static_cast<DWORD>(protocols), &card, &active);
  RETURN_IF_ERROR(PcscError("SCardConnect", rv).WithContext("reader '" + reader + "'"));
  spdlog::debug("pcsc: connected to '{}' with T={}", reader, active == SCARD_PROTOCOL_T1 ? 1 : 0);
  return std::unique_ptr<PcscChannel>(
      new PcscChannel(card, reader, protocols, static_cast<Protocols>(active)));
}

PcscChannel::~PcscChannel() {
  const DWORD disposition = credential_used_ ? SCARD_RESET_CARD : SCARD_LEAVE_CARD;
  const LONG rv = SCardDisconnect(card_, disposition);
  if (rv != SCARD_S_SUCCESS) spdlog::debug("{}", PcscError("SCardDisconnect", rv).ToString());
}

Result<Bytes> PcscChannel::Transmit(ByteView command) {
  if (command.empty()) return InvalidArgumentError("SCardTransmit: empty command APDU");
  const SCARD_IO_REQUEST* pci = active_protocol_ == Protocols::kT1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  if (receive_buffer_.size() != kMaxResponse) receive_buffer_.resize(kMaxResponse);
  DWORD length = kMaxResponse;
  // Log arguments are built even when the level is off: check first.
  const bool debug = spdlog::should_log(spdlog::level::debug);
  if (debug) spdlog::debug("pcsc <- {}", ApduForLog(command));
  if (UsesCredential(command)) credential_used_ = true;
  const LONG rv = SCardTransmit(card_, pci, command.data(), static_cast<DWORD>(command.size()),
                                nullptr, receive_buffer_.data(), &length);
  RETURN_IF_ERROR(PcscError("SCardTransmit", rv).WithContext("reader '" + reader_ + "'"));
  Bytes response(receive_buffer_.begin(),
                 receive_buffer_.begin() + std::min<std::size_t>(length, kMaxResponse));
  if (debug) spdlog::debug("pcsc -> {}", ResponseForLog(response));
  return response;
}

Result<Bytes> PcscChannel::Atr() {
  std::array<std::uint8_t, MAX_ATR_SIZE> atr{};
  DWORD atr_length = atr.size();
  DWORD state = 0;
  DWORD protocol = 0;
  DWORD reader_length = 0;
  // pcsc-lite fills the reader name only when asked; nullptr with a zero length skips it.
  const LONG rv =
      SCardStatus(card_, nullptr, &reader_length, &state, &protocol, atr.data(), &atr_length);
  RETURN_IF_ERROR(PcscError("SCardStatus", rv).WithContext("reader '" + reader_ + "'"));
  return Bytes(atr.begin(), atr.begin() + std::min<std::size_t>(atr_length, atr.size()));
}

Status PcscChannel::Reset() {
  DWORD active = 0;
  const LONG rv = SCardReconnect(card_, SCARD_SHARE_EXCLUSIVE, static_cast<DWORD>(requested_),
                                 SCARD_RESET_CARD, &active);
  RETURN_IF_ERROR(PcscError("SCardReconnect", rv).WithContext("reader '" + reader_ + "'"));
  active_protocol_ = static_cast<Protocols>(active);
  credential_used_ = false;
  return OkStatus();
}

Result<Bytes> PcscChannel::Control(std::uint32_t code, ByteView in) {
  // Only the feature query is known to touch no credential; anything else may be a PIN pad's
  // VERIFY (FEATURE_VERIFY_PIN_DIRECT), so the card is reset on disconnect as after a VERIFY.
  if (code != kGetFeatureRequestCode) credential_used_ = true;
  Bytes answer(MAX_BUFFER_SIZE_EXTENDED);
  DWORD length = 0;
  const LONG rv = SCardControl(card_, code, in.data(), static_cast<DWORD>(in.size()), answer.data(),
                               static_cast<DWORD>(answer.size()), &length);
  RETURN_IF_ERROR(PcscError("SCardControl", rv).WithContext("reader '" + reader_ + "'"));
  answer.resize(std::min<std::size_t>(length, answer.size()));
  return answer;
}

bool PcscChannel::IsPresent() {
  DWORD state = 0;
  DWORD protocol = 0;
  DWORD reader_length = 0;
  std::array<std::uint8_t, MAX_ATR_SIZE> atr{};
  DWORD atr_length = atr.size();
  const LONG rv =
      SCardStatus(card_, nullptr, &reader_length, &state, &protocol, atr.data(), &atr_length);
  return rv == SCARD_S_SUCCESS && (state & SCARD_PRESENT) != 0;
}

}  // namespace sekisho::card::pcsc
