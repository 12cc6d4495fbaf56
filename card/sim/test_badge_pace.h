// PACE with the CAN driven by hand against a simulated badge (SELECT, EF.CardAccess, MSE:SET AT,
// four GENERAL AUTHENTICATE; docs/decisions/badge-eac-sequence.md, PIN table steps 1-7), and Chip
// Authentication first without PACE (card-only table steps 1-3), for tests that send what
// badge::BadgeTerminal never sends. Test-only; failures are gtest expectations.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "badge/badge_ids.h"
#include "badge/eac_session.h"
#include "badge/secure_messaging.h"
#include "badge/security_infos.h"
#include "base/status_matchers.h"
#include "card/card_channel.h"
#include "card/command_apdu.h"
#include "card/response_apdu.h"
#include "card/tlv.h"

namespace sekisho::card::sim::testing {

// SELECT by DF name, no response data (ISO/IEC 7816-4:2020 §11.2.2).
inline Bytes SelectByAid(ByteView aid) {
  return CommandApdu{
      .cla = 0x00, .ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = Bytes(aid.begin(), aid.end())}
      .Encode()
      .value();
}

// The terminal's secure-messaging session after PACE with `can_digits`.
inline badge::SmSession EstablishBadgePace(CardChannel& channel, std::string_view can_digits) {
  auto send = [&](const CommandApdu& c) {
    return ResponseApdu::Parse(channel.Transmit(c.Encode().value()).value()).value();
  };
  auto field = [](const ResponseApdu& r, std::uint32_t tag) {
    auto outer = ParseTlv(r.data, TlvMode::kStrict).value();
    auto children = ParseChildren(outer, TlvMode::kStrict).value();
    const Tlv* t = FindTag(children, tag);
    return t == nullptr ? Bytes{} : Bytes(t->value.begin(), t->value.end());
  };
  auto ga = [&](std::uint8_t cla, std::uint32_t tag, const Bytes& value) {
    Bytes inner = tag == 0 ? Bytes{} : EncodeTlv(tag, value);
    return send(
        {.cla = cla, .ins = 0x86, .p1 = 0, .p2 = 0, .data = EncodeTlv(0x7C, inner), .ne = 256});
  };
  EXPECT_EQ(channel.Transmit(SelectByAid(badge::kBadgeAid)).value(), (Bytes{0x90, 0x00}));
  const ResponseApdu access = send({.cla = 0, .ins = 0xB0, .p1 = 0x9C, .p2 = 0, .ne = 256});
  auto eac = badge::EacTerminal::Create(access.data).value();
  Bytes mse = EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kPace));
  Append(mse, EncodeTlv(0x83, Bytes{0x02}));
  EXPECT_TRUE(send({.cla = 0, .ins = 0x22, .p1 = 0xC1, .p2 = 0xA4, .data = mse}).ok());
  const SecretBytes can{can_digits};
  const Bytes nonce = field(ga(0x10, 0, {}), 0x80);
  const Bytes chip_map =
      field(ga(0x10, 0x81, eac->PaceMapping(can, badge::PacePassword::kCan, nonce).value()), 0x82);
  const Bytes chip_eph = field(ga(0x10, 0x83, eac->PaceKeyAgreement(chip_map).value()), 0x84);
  const Bytes chip_token = field(ga(0x00, 0x85, eac->PaceToken(chip_eph).value()), 0x86);
  EXPECT_THAT(eac->PaceVerify(chip_token), ::sekisho::testing::IsOk());
  return badge::SmSession::Create(eac->PaceKeys().value()).value();
}

// After Chip Authentication in plain (the card-only order): the secure-messaging session with
// the CA keys and Comp of the terminal's ephemeral key, which TA must then sign.
struct BadgeChipFirst {
  badge::SmSession sm;
  Bytes comp_ephemeral;
};

// SELECT, MSE:SET AT (CA) and GENERAL AUTHENTICATE (CA) in plain; the token is checked with
// `ca_public_point`, the batch key.
inline BadgeChipFirst EstablishBadgeChipFirst(CardChannel& channel, ByteView ca_public_point) {
  auto send = [&](const CommandApdu& c) {
    return ResponseApdu::Parse(channel.Transmit(c.Encode().value()).value()).value();
  };
  EXPECT_EQ(channel.Transmit(SelectByAid(badge::kBadgeAid)).value(), (Bytes{0x90, 0x00}));
  auto eac = badge::EacTerminal::Create(badge::EncodeCardAccess()).value();
  const Bytes ephemeral = eac->CaEphemeralKey().value();
  Bytes mse = EncodeTlv(0x80, badge::ProtocolOid(badge::EacProtocol::kCa));
  Append(mse, EncodeTlv(0x84, Bytes{badge::kChipAuthenticationKeyId}));
  EXPECT_TRUE(send({.cla = 0, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = mse}).ok());
  const ResponseApdu answer = send({.cla = 0,
                                    .ins = 0x86,
                                    .p1 = 0,
                                    .p2 = 0,
                                    .data = EncodeTlv(0x7C, EncodeTlv(0x80, ephemeral)),
                                    .ne = 256});
  EXPECT_TRUE(answer.ok());
  auto outer = ParseTlv(answer.data, TlvMode::kStrict).value();
  auto children = ParseChildren(outer, TlvMode::kStrict).value();
  const Tlv* nonce = FindTag(children, 0x81);
  const Tlv* token = FindTag(children, 0x82);
  EXPECT_NE(nonce, nullptr);
  EXPECT_NE(token, nullptr);
  auto keys = eac->CaFinish(ca_public_point, nonce->value, token->value);
  EXPECT_THAT(keys, ::sekisho::testing::IsOk());
  return {badge::SmSession::Create(std::move(keys).value()).value(),
          badge::CompressedPoint(ephemeral)};
}

}  // namespace sekisho::card::sim::testing
