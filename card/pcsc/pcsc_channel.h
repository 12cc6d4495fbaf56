// PcscChannel: a CardChannel to a card in a PC/SC reader, through pcsc-lite (SCardConnect,
// SCardTransmit, SCardStatus, SCardReconnect, SCardDisconnect), and the ReaderControl of that
// reader on the same connection (SCardControl).
#pragma once

#include <winscard.h>

#include <cstdint>
#include <memory>
#include <string>

#include "card/card_channel.h"
#include "card/pcsc/pcsc_context.h"
#include "card/pcsc/pinpad_reader_control.h"

namespace sekisho::card::pcsc {

// Transmission protocols a connection may negotiate (ISO/IEC 7816-3 T=0, T=1).
enum class Protocols : std::uint32_t {
  kT0 = SCARD_PROTOCOL_T0,
  kT1 = SCARD_PROTOCOL_T1,
};
constexpr Protocols operator|(Protocols a, Protocols b) {
  return static_cast<Protocols>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}

// The connection is EXCLUSIVE (SCARD_SHARE_EXCLUSIVE): while Sekisho talks to the card no other
// application can send it a command. A door authentication (SELECT, READ, VERIFY, COMPUTE
// DIGITAL SIGNATURE) is thereby atomic without PC/SC transactions, and, more importantly, no
// other process can use the PIN verified on this connection to have the card sign for it.
// For the same reason the card is left as it is on disconnect (SCARD_LEAVE_CARD) unless a
// VERIFY or CHANGE REFERENCE DATA was sent on this connection since the last Reset(); then it is
// reset (SCARD_RESET_CARD), so a verified PIN never outlives the connection. A reader control
// other than GET_FEATURE_REQUEST counts as such a command: it may be a PIN pad's VERIFY.
//
// Not thread-safe (as CardChannel). The PcscContext must outlive the channel. After the card
// is removed the channel stays unusable (kUnavailable); connect again for a new card.
class PcscChannel final : public CardChannel, public ReaderControl {
 public:
  // SCardConnect to `reader`, negotiating one of `protocols`. kUnavailable when no card is in
  // the reader or another application holds it (sharing violation), kNotFound for an unknown
  // reader, kFailedPrecondition when the card supports none of `protocols`.
  static Result<std::unique_ptr<PcscChannel>> Connect(PcscContext& context,
                                                      const std::string& reader,
                                                      Protocols protocols = Protocols::kT1 |
                                                                            Protocols::kT0);
  ~PcscChannel() override;  // SCardDisconnect; see the class comment for the disposition
  PcscChannel(const PcscChannel&) = delete;
  PcscChannel& operator=(const PcscChannel&) = delete;

  // SCardTransmit with the PCI of the negotiated protocol and room for the largest extended
  // response (65536 data bytes + SW1 SW2). kUnavailable "card removed" when the card went away;
  // kInvalidArgument for an empty command.
  Result<Bytes> Transmit(ByteView command) override;
  // The ATR from SCardStatus. kUnavailable when the card went away.
  Result<Bytes> Atr() override;
  // SCardReconnect(SCARD_RESET_CARD): warm reset, renegotiates the protocol.
  Status Reset() override;
  // SCardStatus reports the card present on this connection.
  bool IsPresent() override;
  // SCardControl on this connection, with room for the largest answer pcsc-lite passes
  // (MAX_BUFFER_SIZE_EXTENDED). Errors as PcscError.
  Result<Bytes> Control(std::uint32_t code, ByteView in) override;

  const std::string& reader() const { return reader_; }
  // SCARD_PROTOCOL_T0 or SCARD_PROTOCOL_T1.
  Protocols active_protocol() const { return active_protocol_; }

 private:
  PcscChannel(SCARDHANDLE card, std::string reader, Protocols requested, Protocols active)
      : card_(card), reader_(std::move(reader)), requested_(requested), active_protocol_(active) {}

  SCARDHANDLE card_;
  std::string reader_;
  Protocols requested_;
  Protocols active_protocol_;
  bool credential_used_ = false;  // a VERIFY/CHANGE REFERENCE DATA went out since the last reset
  // SCardTransmit's receive buffer, sized once for the largest response: allocating and
  // zero-filling 64 KiB for every APDU would cost more than the host's whole share of an
  // authentication.
  Bytes receive_buffer_;
};

}  // namespace sekisho::card::pcsc
