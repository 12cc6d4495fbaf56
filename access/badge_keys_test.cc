#include "access/badge_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "access/test_site.h"
#include "badge/badge_terminal.h"
#include "badge/test_pki.h"
#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "card/sim/badge_applet.h"
#include "card/sim/sim_channel.h"

namespace sekisho::access {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::ModeOf;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TestSite;

std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class BadgeKeysTest : public ::testing::Test {
 protected:
  BadgeKeysTest() : site_(temp_.path() / "data") { site_.AddOrg("Acme Corp", 1); }

  badge::Date Today() { return DateOf(site_.clock().Now()); }
  std::filesystem::path Folder() { return site_.dir().org_dir("Acme Corp") / kBadgeKeysDir; }
  Result<BadgeKeys> Create(std::optional<std::string> can = "482913") {
    return BadgeKeys::Create(site_.dir(), "Acme Corp", Today(), random_, std::move(can));
  }

  TempDir temp_;
  TestSite site_;
  SeededRandom random_{7};
};

TEST(BadgeMnemonicTest, FiveCharactersOfTheSlugAndFourHexDigitsOfItsHash) {
  const std::string acme = BadgeMnemonic("acme-corp");
  EXPECT_THAT(acme, StartsWith("ACMEC"));
  EXPECT_EQ(acme.size(), 9u);
  EXPECT_EQ(acme.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), std::string::npos);
  // Slugs with one prefix still differ; the same slug always gives the same mnemonic.
  EXPECT_NE(BadgeMnemonic("acme-co"), acme);
  EXPECT_EQ(BadgeMnemonic("acme-corp"), acme);
  EXPECT_EQ(BadgeMnemonic("x").size(), 5u);
  EXPECT_EQ(BadgeChr("ACMEC1A2B", "DV", 2), "JPACMEC1A2BDV002");
}

TEST_F(BadgeKeysTest, CreateWritesAVerifiableChainWithPrivateModes) {
  auto keys = Create();
  ASSERT_THAT(keys, IsOk());
  EXPECT_EQ(ModeOf(Folder()), 0700u);
  for (auto f : {kCvcaFile, kDvFile, kSectorFile, kBatchFile}) {
    EXPECT_EQ(ModeOf(Folder() / f), 0600u) << f;
  }
  const std::string mnemonic = BadgeMnemonic("acme-corp");
  EXPECT_EQ(keys->cvca().chr(), "JP" + mnemonic + "CV001");
  EXPECT_EQ(keys->cvca().car(), keys->cvca().chr());
  EXPECT_EQ(keys->cvca().role(), badge::CvRole::kCvca);
  EXPECT_EQ(keys->dv().chr(), "JP" + mnemonic + "DV001");
  EXPECT_THAT(keys->dv().VerifyIssuedBy(keys->cvca()), IsOk());
  EXPECT_EQ(std::chrono::sys_days(keys->cvca().expiration()) -
                std::chrono::sys_days(keys->cvca().effective()),
            kCvcaValidity);
  EXPECT_EQ(std::chrono::sys_days(keys->dv().expiration()) - std::chrono::sys_days(Today()),
            kDvValidity);
  EXPECT_EQ(keys->batch().can, "482913");
  EXPECT_EQ(keys->batch_number(), 1);
  EXPECT_FALSE(keys->dv_renewed());
}

TEST_F(BadgeKeysTest, RandomCanIsSixDigits) {
  auto keys = Create(std::nullopt);
  ASSERT_THAT(keys, IsOk());
  ASSERT_EQ(keys->batch().can.size(), 6u);
  EXPECT_EQ(keys->batch().can.find_first_not_of("0123456789"), std::string::npos);
}

TEST_F(BadgeKeysTest, CreateNeverReplacesTheKeys) {
  ASSERT_THAT(Create(), IsOk());
  const std::string cvca = ReadText(Folder() / kCvcaFile);
  EXPECT_THAT(Create(), StatusIs(StatusCode::kAlreadyExists, HasSubstr("never replaced")));
  EXPECT_EQ(ReadText(Folder() / kCvcaFile), cvca);
}

TEST_F(BadgeKeysTest, CreateRefusesAMalformedCanAndAnUnknownOrganisationLeavingNothing) {
  EXPECT_THAT(Create("12345"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_FALSE(std::filesystem::exists(Folder()));
  EXPECT_THAT(BadgeKeys::Create(site_.dir(), "Globex", Today(), random_),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_FALSE(std::filesystem::exists(site_.dir().org_dir("Globex") / kBadgeKeysDir));
}

TEST_F(BadgeKeysTest, LoadGivesBackWhatCreateMade) {
  auto made = Create();
  ASSERT_THAT(made, IsOk());
  auto loaded = BadgeKeys::Load(site_.dir(), "Acme Corp", Today());
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->cvca().der(), made->cvca().der());
  EXPECT_EQ(loaded->dv().der(), made->dv().der());
  EXPECT_EQ(loaded->sector_public_point(), made->sector_public_point());
  EXPECT_EQ(loaded->batch().can, made->batch().can);
  EXPECT_EQ(loaded->batch().ca_public_point, made->batch().ca_public_point);
  EXPECT_FALSE(loaded->dv_renewed());
}

TEST_F(BadgeKeysTest, LoadWithoutKeysSaysHowToCreateThem) {
  EXPECT_THAT(BadgeKeys::Load(site_.dir(), "Acme Corp", Today()),
              StatusIs(StatusCode::kNotFound, HasSubstr("sekisho badge init")));
}

TEST_F(BadgeKeysTest, LooseModeIsPermissionDenied) {
  ASSERT_THAT(Create(), IsOk());
  ASSERT_EQ(::chmod((Folder() / kSectorFile).c_str(), 0640), 0);
  EXPECT_THAT(BadgeKeys::Load(site_.dir(), "Acme Corp", Today()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("chmod 600")));
}

TEST_F(BadgeKeysTest, DamagedFilesAreDataLoss) {
  ASSERT_THAT(Create(), IsOk());
  const std::string dv = ReadText(Folder() / kDvFile);
  const std::string cvca = ReadText(Folder() / kCvcaFile);
  // Not JSON.
  std::filesystem::remove(Folder() / kDvFile);
  { std::ofstream(Folder() / kDvFile) << "{\"format_version\": 1"; }
  ::chmod((Folder() / kDvFile).c_str(), 0600);
  EXPECT_THAT(BadgeKeys::Load(site_.dir(), "Acme Corp", Today()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("dv.json")));
  // The CVCA's key in the DV's file: the key does not belong to the certificate.
  const auto key_at = cvca.find("\"private_key\"");
  const auto dv_key_at = dv.find("\"private_key\"");
  ASSERT_NE(key_at, std::string::npos);
  ASSERT_NE(dv_key_at, std::string::npos);
  std::filesystem::remove(Folder() / kDvFile);
  { std::ofstream(Folder() / kDvFile) << dv.substr(0, dv_key_at) + cvca.substr(key_at); }
  ::chmod((Folder() / kDvFile).c_str(), 0600);
  EXPECT_THAT(BadgeKeys::Load(site_.dir(), "Acme Corp", Today()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("does not belong")));
}

TEST_F(BadgeKeysTest, DvIsRenewedWhenFewerThanThirtyDaysAreLeft) {
  auto made = Create();
  ASSERT_THAT(made, IsOk());
  // 60 days later 30 are left: not yet.
  auto day60 = BadgeKeys::Load(site_.dir(), "Acme Corp", badge::testing::AddDays(Today(), 60));
  ASSERT_THAT(day60, IsOk());
  EXPECT_FALSE(day60->dv_renewed());
  EXPECT_EQ(day60->dv().der(), made->dv().der());
  // 61 days later: a new DV from the CVCA, written back, kept by the next load.
  const badge::Date day = badge::testing::AddDays(Today(), 61);
  auto renewed = BadgeKeys::Load(site_.dir(), "Acme Corp", day);
  ASSERT_THAT(renewed, IsOk());
  EXPECT_TRUE(renewed->dv_renewed());
  EXPECT_EQ(renewed->dv().chr(), "JP" + BadgeMnemonic("acme-corp") + "DV002");
  EXPECT_THAT(renewed->dv().VerifyIssuedBy(renewed->cvca()), IsOk());
  EXPECT_EQ(renewed->dv().effective(), day);
  EXPECT_EQ(ModeOf(Folder() / kDvFile), 0600u);
  auto again = BadgeKeys::Load(site_.dir(), "Acme Corp", day);
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->dv_renewed());
  EXPECT_EQ(again->dv().der(), renewed->dv().der());
  // A terminal of the renewed DV verifies against the unchanged CVCA.
  auto terminal = again->IssueTerminal(day, std::chrono::days(1), badge::rights::kGate);
  ASSERT_THAT(terminal, IsOk());
  auto dv = badge::CvCertificate::Parse(terminal->dv_certificate);
  auto cert = badge::CvCertificate::Parse(terminal->terminal_certificate);
  ASSERT_THAT(dv, IsOk());
  ASSERT_THAT(cert, IsOk());
  EXPECT_THAT(badge::VerifyTerminalChain(again->cvca(), *dv, *cert, day), IsOk());
}

TEST_F(BadgeKeysTest, RenewedDvNeverOutlivesTheCvca) {
  ASSERT_THAT(Create(), IsOk());
  const badge::Date late =
      badge::testing::AddDays(Today(), static_cast<int>(kCvcaValidity.count()) - 10);
  auto keys = BadgeKeys::Load(site_.dir(), "Acme Corp", late);
  ASSERT_THAT(keys, IsOk());
  EXPECT_TRUE(keys->dv_renewed());
  EXPECT_EQ(keys->dv().expiration(), keys->cvca().expiration());
}

TEST_F(BadgeKeysTest, ExpiredCvcaIsFailedPrecondition) {
  ASSERT_THAT(Create(), IsOk());
  EXPECT_THAT(BadgeKeys::Load(
                  site_.dir(), "Acme Corp",
                  badge::testing::AddDays(Today(), static_cast<int>(kCvcaValidity.count()) + 1)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("CVCA")));
}

TEST_F(BadgeKeysTest, TerminalIsShortLivedWithTheRightsAskedFor) {
  auto keys = Create();
  ASSERT_THAT(keys, IsOk());
  auto t = keys->IssueTerminal(Today(), std::chrono::days(1), badge::rights::kGate, "IN");
  ASSERT_THAT(t, IsOk());
  auto dv = badge::CvCertificate::Parse(t->dv_certificate);
  auto cert = badge::CvCertificate::Parse(t->terminal_certificate);
  ASSERT_THAT(cert, IsOk());
  EXPECT_EQ(cert->effective(), Today());
  EXPECT_EQ(cert->expiration(), Today());
  EXPECT_EQ(cert->chr(), "JP" + BadgeMnemonic("acme-corp") + "IN001");
  auto chain = badge::VerifyTerminalChain(keys->cvca(), *dv, *cert, Today());
  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ(chain->rights, badge::rights::kGate);
  EXPECT_EQ(t->trusted_chip_keys, std::vector<Bytes>{keys->batch().ca_public_point});
  EXPECT_EQ(t->sector_public_point, keys->sector_public_point());

  EXPECT_THAT(keys->IssueTerminal(Today(), std::chrono::days(8), badge::rights::kGate),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(keys->IssueTerminal(Today(), std::chrono::days(0), badge::rights::kGate),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(keys->IssueTerminal(Today(), std::chrono::days(1), badge::rights::kPinManagement),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(keys->IssueTerminal(Today(), std::chrono::days(1), badge::rights::kGate, "in"),
              StatusIs(StatusCode::kInvalidArgument));
}

// A terminal that generated its own key gets a certificate for that point; the private key never
// reaches the issuer.
TEST_F(BadgeKeysTest, TerminalCertificateForTheTerminalsOwnKey) {
  auto keys = Create();
  ASSERT_THAT(keys, IsOk());
  auto key = badge::GenerateEcKeyPair();
  ASSERT_THAT(key, IsOk());
  auto cert = keys->IssueTerminalCertificate(Today(), std::chrono::days(3), badge::rights::kGate,
                                             key->public_point, "TM", 42);
  ASSERT_THAT(cert, IsOk());
  EXPECT_EQ(cert->public_point(), key->public_point);
  EXPECT_EQ(cert->chr(), "JP" + BadgeMnemonic("acme-corp") + "TM042");
  EXPECT_EQ(cert->effective(), Today());
  EXPECT_EQ(cert->expiration(), badge::testing::AddDays(Today(), 2));
  auto chain = badge::VerifyTerminalChain(keys->cvca(), keys->dv(), *cert, Today());
  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ(chain->rights, badge::rights::kGate);

  Bytes not_a_point = key->public_point;
  not_a_point.back() ^= 0x01;
  EXPECT_THAT(keys->IssueTerminalCertificate(Today(), std::chrono::days(1), badge::rights::kGate,
                                             not_a_point),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an uncompressed")));
  EXPECT_THAT(keys->IssueTerminalCertificate(Today(), std::chrono::days(1), badge::rights::kGate,
                                             ByteView(key->public_point).first(33)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      keys->IssueTerminalCertificate(Today(), badge::kMaxTerminalValidity + std::chrono::days(1),
                                     badge::rights::kGate, key->public_point),
      StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(keys->IssueTerminalCertificate(Today(), std::chrono::days(1), badge::rights::kGate,
                                             key->public_point, "TM", 1000),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      keys->IssueTerminalCertificate(badge::testing::AddDays(Today(), 365), std::chrono::days(1),
                                     badge::rights::kGate, key->public_point),
      StatusIs(StatusCode::kFailedPrecondition, HasSubstr("DV")));
}

// The organisation computes a badge's identifier from the chip's public RI key without asking
// the card; a terminal running the whole EAC sequence against the badge reads the same bytes.
TEST_F(BadgeKeysTest, IdentifierComputedAtIssuanceEqualsWhatTheBadgeAnswers) {
  auto keys = Create();
  ASSERT_THAT(keys, IsOk());
  auto profile = card::sim::NewBadgeProfile(keys->batch(), keys->cvca().der());
  ASSERT_THAT(profile, IsOk());
  auto chip_point = badge::PublicPointOf(profile->ri_private_pkcs8);
  ASSERT_THAT(chip_point, IsOk());
  auto computed = keys->IdentifierOf(*chip_point);
  ASSERT_THAT(computed, IsOk());
  EXPECT_EQ(computed->size(), badge::kRestrictedIdentifierSize);

  OsRandom random;
  auto applet =
      card::sim::BadgeApplet::Create(card::sim::CopyBadgeProfile(*profile), site_.clock(), random);
  ASSERT_THAT(applet, IsOk());
  card::sim::SimChannel channel(**applet);
  auto terminal = keys->IssueTerminal(Today(), std::chrono::days(1), badge::rights::kGate);
  ASSERT_THAT(terminal, IsOk());
  badge::BadgeTerminal reader(channel, *terminal);
  auto read =
      reader.ReadIdentifier(SecretBytes(ToBytes(keys->batch().can)), badge::PacePassword::kCan);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, *computed);

  // Another badge of the batch has another identifier.
  auto other = card::sim::NewBadgeProfile(keys->batch(), keys->cvca().der());
  ASSERT_THAT(other, IsOk());
  auto other_point = badge::PublicPointOf(other->ri_private_pkcs8);
  ASSERT_THAT(other_point, IsOk());
  auto other_id = keys->IdentifierOf(*other_point);
  ASSERT_THAT(other_id, IsOk());
  EXPECT_NE(*other_id, *computed);
  EXPECT_THAT(keys->IdentifierOf(Bytes(badge::kPointSize, 0x04)),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::access
