#include "badge/eac_session.h"

#include <gtest/gtest.h>

#include "badge/ec_key.h"
#include "badge/security_infos.h"
#include "base/status_matchers.h"

namespace sekisho::badge {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

struct PaceOutcome {
  Status chip;      // the chip's verdict on the terminal's token
  Status terminal;  // the terminal's verdict on the chip's token
};

PaceOutcome RunPace(EacChip& chip, EacTerminal& terminal, std::string_view chip_password,
                    std::string_view terminal_password) {
  auto enc = chip.PaceStart(SecretBytes(chip_password), PacePassword::kCan);
  EXPECT_THAT(enc, IsOk());
  auto t_map = terminal.PaceMapping(SecretBytes(terminal_password), PacePassword::kCan, *enc);
  EXPECT_THAT(t_map, IsOk());
  auto c_map = chip.PaceMap(*t_map);
  EXPECT_THAT(c_map, IsOk());
  auto t_eph = terminal.PaceKeyAgreement(*c_map);
  EXPECT_THAT(t_eph, IsOk());
  auto c_eph = chip.PaceKeyAgreement(*t_eph);
  EXPECT_THAT(c_eph, IsOk());
  auto t_token = terminal.PaceToken(*c_eph);
  EXPECT_THAT(t_token, IsOk());
  auto c_token = chip.PaceAuthenticate(*t_token);
  if (!c_token.ok()) return {c_token.status(), UnauthenticatedError("not reached")};
  return {OkStatus(), terminal.PaceVerify(*c_token)};
}

TEST(EacSessionTest, PaceWithTheRightCanAgreesOnKeys) {
  const Bytes access = EncodeCardAccess();
  auto chip = EacChip::Create(access);
  auto terminal = EacTerminal::Create(access);
  ASSERT_THAT(chip, IsOk());
  ASSERT_THAT(terminal, IsOk());
  const PaceOutcome outcome = RunPace(**chip, **terminal, "123456", "123456");
  ASSERT_THAT(outcome.chip, IsOk());
  ASSERT_THAT(outcome.terminal, IsOk());
  auto chip_keys = (*chip)->PaceKeys();
  auto terminal_keys = (*terminal)->PaceKeys();
  ASSERT_THAT(chip_keys, IsOk());
  ASSERT_THAT(terminal_keys, IsOk());
  EXPECT_EQ(chip_keys->k_enc.size(), kSmKeySize);
  EXPECT_TRUE(std::ranges::equal(chip_keys->k_enc.view(), terminal_keys->k_enc.view()));
  EXPECT_TRUE(std::ranges::equal(chip_keys->k_mac.view(), terminal_keys->k_mac.view()));
  EXPECT_EQ((*chip)->pace_ephemeral_public(), (*terminal)->chip_pace_ephemeral_public());
}

TEST(EacSessionTest, PaceWithAWrongCanFails) {
  const Bytes access = EncodeCardAccess();
  auto chip = EacChip::Create(access);
  auto terminal = EacTerminal::Create(access);
  ASSERT_THAT(chip, IsOk());
  ASSERT_THAT(terminal, IsOk());
  const PaceOutcome outcome = RunPace(**chip, **terminal, "123456", "654321");
  EXPECT_THAT(outcome.chip, StatusIs(StatusCode::kUnauthenticated));
}

TEST(EacSessionTest, TerminalRefusesGarbageCardAccess) {
  EXPECT_THAT(EacTerminal::Create(ToBytes("no SecurityInfos here")),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(EacSessionTest, ChipAuthenticationProvesTheKey) {
  const Bytes access = EncodeCardAccess();
  auto ca_key = GenerateEcKeyPair();
  auto impostor_key = GenerateEcKeyPair();
  ASSERT_THAT(ca_key, IsOk());
  ASSERT_THAT(impostor_key, IsOk());
  for (const bool genuine : {true, false}) {
    auto chip = EacChip::Create(access);
    auto terminal = EacTerminal::Create(access);
    ASSERT_THAT(chip, IsOk());
    ASSERT_THAT(terminal, IsOk());
    auto eph = (*terminal)->CaEphemeralKey();
    ASSERT_THAT(eph, IsOk());
    ASSERT_EQ(eph->size(), kPointSize) << ToHex(*eph);
    // The impostor holds its own key but claims the genuine batch public key.
    const EcKeyPair& held = genuine ? *ca_key : *impostor_key;
    auto answer = (*chip)->ChipAuthenticate(held.private_pkcs8, held.public_point, *eph);
    ASSERT_THAT(answer, IsOk());
    auto keys = (*terminal)->CaFinish(ca_key->public_point, answer->nonce, answer->token);
    if (genuine) {
      ASSERT_THAT(keys, IsOk());
      EXPECT_TRUE(std::ranges::equal(keys->k_mac.view(), answer->keys.k_mac.view()));
    } else {
      EXPECT_THAT(keys, StatusIs(StatusCode::kUnauthenticated));
    }
  }
}

TEST(EacSessionTest, RestrictedIdentifierIsPerSectorAndStable) {
  auto chip_key = GenerateEcKeyPair();
  auto sector_a = GenerateEcKeyPair();
  auto sector_b = GenerateEcKeyPair();
  ASSERT_THAT(chip_key, IsOk());
  ASSERT_THAT(sector_a, IsOk());
  ASSERT_THAT(sector_b, IsOk());
  auto id_a = RestrictedIdentifier(chip_key->private_pkcs8, sector_a->public_point);
  auto id_a2 = RestrictedIdentifier(chip_key->private_pkcs8, sector_a->public_point);
  auto id_b = RestrictedIdentifier(chip_key->private_pkcs8, sector_b->public_point);
  ASSERT_THAT(id_a, IsOk());
  ASSERT_THAT(id_b, IsOk());
  EXPECT_EQ(id_a->size(), 32u);
  EXPECT_EQ(*id_a, *id_a2);
  EXPECT_NE(*id_a, *id_b);
  // The sector holder computes the same value from its side (ECDH is symmetric), which is why
  // the sector private key must stay with the organisation: it links nothing across sectors.
  auto mirrored = RestrictedIdentifier(sector_a->private_pkcs8, chip_key->public_point);
  ASSERT_THAT(mirrored, IsOk());
  EXPECT_EQ(*mirrored, *id_a);
  Bytes bad = sector_a->public_point;
  bad[5] ^= 1;
  EXPECT_THAT(RestrictedIdentifier(chip_key->private_pkcs8, bad),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(SecurityInfosTest, CardSecurityRoundTrip) {
  auto key = GenerateEcKeyPair();
  ASSERT_THAT(key, IsOk());
  auto sec = EncodeCardSecurity(key->public_point);
  ASSERT_THAT(sec, IsOk());
  auto back = ParseCardSecurity(*sec);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, key->public_point);
  EXPECT_THAT(ParseCardSecurity(EncodeCardAccess()), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCardSecurity(ByteView(*sec).first(sec->size() - 1)),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::badge
