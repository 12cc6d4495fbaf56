#include "access/revocation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "access/test_site.h"
#include "base/status_matchers.h"
#include "card/sim/sim_channel.h"
#include "identity/pseudonym.h"
#include "pki/file_io.h"

namespace sekisho::access {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using testing::kEnrolTime;
using testing::TempDir;
using testing::TestOrg;
using testing::TestSite;

class RevocationTest : public ::testing::Test {
 protected:
  RevocationTest() : site_(temp_.path() / "data"), org_(site_.AddOrg("Acme", 1)) {
    staff_ = site_.AddStaff(org_, "E-1001", "Aoi Tanaka");
  }

  store::Credential EnrolTestCard() {
    auto card = card::sim::testing::NewTestCard(testing::TestProfile());
    card::sim::SimChannel channel(*card);
    auto outcome = site_.Enrol(org_, staff_, channel);
    EXPECT_THAT(outcome, IsOk());
    return outcome.ok() ? outcome->credential : store::Credential{};
  }

  Bytes CardSerial() {
    auto cert = pki::Certificate::FromDer(testing::World().profile.auth_certificate);
    EXPECT_THAT(cert, IsOk());
    return cert.ok() ? cert->SerialNumber() : Bytes{};
  }

  store::Credential Get(store::CredentialId id) {
    auto c = site_.registry().GetCredential(org_.org.id, id);
    EXPECT_THAT(c, IsOk());
    return c.value_or(store::Credential{});
  }

  TempDir temp_;
  TestSite site_;
  TestOrg& org_;
  store::Staff staff_;
};

TEST_F(RevocationTest, CrlImportRevokesTheEnrolledCredential) {
  const store::Credential c = EnrolTestCard();
  const Bytes serials[] = {Bytes{0x01, 0x02}, CardSerial()};
  site_.clock().Advance(std::chrono::hours(1));
  auto outcome = site_.ImportCrl(org_, testing::AuthCrl(serials, site_.clock().Now()));
  ASSERT_THAT(outcome, IsOk());
  EXPECT_EQ(outcome->listed, 2u);
  EXPECT_EQ(outcome->marked, 1u);
  EXPECT_THAT(outcome->issuer, HasSubstr("TEST ANCHOR"));
  EXPECT_EQ(Get(c.id).status, store::CredentialStatus::kRevoked);
  EXPECT_TRUE(org_.revoked.Contains(*c.keyed_serial));
  auto events = site_.registry().ListEvents(org_.org.id, {});
  ASSERT_THAT(events, IsOk());
  EXPECT_EQ(events->items.front().action, store::AdminAction::kCrlImported);
  EXPECT_EQ(events->items.front().actor, "crl-importer");
}

TEST_F(RevocationTest, KeyedStateHoldsNoRawSerial) {
  const Bytes serial = CardSerial();
  ASSERT_THAT(site_.ImportCrl(org_, testing::AuthCrl({&serial, 1}, kEnrolTime)), IsOk());
  const auto path = site_.dir().revoked_serials_path("Acme");
  ASSERT_THAT(org_.revoked.Save(path), IsOk());
  auto text = pki::ReadSmallFile(path);
  ASSERT_THAT(text, IsOk());
  EXPECT_THAT(*text, ::testing::Not(HasSubstr(ToHex(serial))));
  std::string lower = ToHex(serial);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_THAT(*text, ::testing::Not(HasSubstr(lower)));
  EXPECT_EQ(text->find(ToString(serial)), std::string::npos);
}

TEST_F(RevocationTest, CrlOfAnotherIssuerIsUnauthenticatedAndWritesNothing) {
  const store::Credential c = EnrolTestCard();
  const Bytes serial = CardSerial();
  auto crl = pki::MakeCrl(*testing::World().pki.sign_ca_key, testing::World().pki.sign_ca,
                          {&serial, 1}, kEnrolTime, kEnrolTime + std::chrono::hours(24));
  ASSERT_THAT(crl, IsOk());
  EXPECT_THAT(site_.ImportCrl(org_, *crl), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_EQ(Get(c.id).status, store::CredentialStatus::kActive);
  EXPECT_TRUE(org_.revoked.crls().empty());
}

TEST_F(RevocationTest, ExpiredCrlIsFailedPrecondition) {
  const store::Credential c = EnrolTestCard();
  const Bytes serial = CardSerial();
  site_.clock().Advance(pki::kTestCrlLifetime + std::chrono::hours(1));
  EXPECT_THAT(site_.ImportCrl(org_, testing::AuthCrl({&serial, 1}, kEnrolTime)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("expired")));
  EXPECT_EQ(Get(c.id).status, store::CredentialStatus::kActive);
}

TEST_F(RevocationTest, OlderCrlThanTheImportedOneIsRefused) {
  ASSERT_THAT(site_.ImportCrl(org_, testing::AuthCrl({}, kEnrolTime)), IsOk());
  const Bytes serial = CardSerial();
  EXPECT_THAT(
      site_.ImportCrl(org_, testing::AuthCrl({&serial, 1}, kEnrolTime - std::chrono::hours(1))),
      StatusIs(StatusCode::kFailedPrecondition, HasSubstr("older")));
  EXPECT_FALSE(org_.revoked.crls().front().keyed_serials.size() > 0);
}

TEST_F(RevocationTest, RevokeStaffRevokesEveryUsableCredential) {
  const store::Credential c = EnrolTestCard();
  auto revoked = RevokeStaffCredentials(site_.registry(), org_.org.id, staff_.id, "card lost",
                                        "security-admin");
  ASSERT_THAT(revoked, IsOk());
  ASSERT_EQ(revoked->size(), 1u);
  EXPECT_EQ(revoked->front().id, c.id);
  EXPECT_EQ(revoked->front().status, store::CredentialStatus::kRevoked);
  EXPECT_EQ(revoked->front().status_reason, "card lost");
  auto again = RevokeStaffCredentials(site_.registry(), org_.org.id, staff_.id, "card lost",
                                      "security-admin");
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->empty());
  auto events = site_.registry().ListEvents(org_.org.id, {});
  ASSERT_THAT(events, IsOk());
  EXPECT_EQ(events->items.front().action, store::AdminAction::kRevoked);
  EXPECT_EQ(events->items.front().actor, "security-admin");
}

TEST_F(RevocationTest, RevocationNeedsAReasonWithoutAnIndividualNumber) {
  EnrolTestCard();
  EXPECT_THAT(RevokeStaffCredentials(site_.registry(), org_.org.id, staff_.id, "", "admin"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(RevokeStaffCredentials(site_.registry(), org_.org.id, staff_.id,
                                     "holder 123456789012", "admin"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("12-digit")));
}

TEST_F(RevocationTest, CredentialIsFoundByItsDisplayPseudonym) {
  const store::Credential c = EnrolTestCard();
  const std::string display = identity::DisplayPseudonym(c.pseudonym);
  auto found = FindCredentialByDisplayPseudonym(site_.registry(), org_.org.id, display);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->id, c.id);
  std::string lower = display;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_THAT(FindCredentialByDisplayPseudonym(site_.registry(), org_.org.id, lower), IsOk());

  std::string typo = display;
  typo[0] = typo[0] == 'A' ? 'B' : 'A';
  EXPECT_THAT(FindCredentialByDisplayPseudonym(site_.registry(), org_.org.id, typo),
              StatusIs(StatusCode::kInvalidArgument));
  Bytes other(32, 0x5A);
  EXPECT_THAT(FindCredentialByDisplayPseudonym(site_.registry(), org_.org.id,
                                               identity::DisplayPseudonym(other)),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(RevocationTest, RetiredCredentialCannotBeRevoked) {
  const store::Credential c = EnrolTestCard();
  ASSERT_THAT(
      site_.registry().UpdateStaffStatus(org_.org.id, staff_.id, store::StaffStatus::kLeft, "hr"),
      IsOk());
  EXPECT_THAT(RevokeCredential(site_.registry(), org_.org.id, c.id, "stolen", "admin"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("retired")));
  EXPECT_EQ(Get(c.id).status, store::CredentialStatus::kRetired);
}

TEST_F(RevocationTest, RevokeCredentialIsIdempotent) {
  const store::Credential c = EnrolTestCard();
  auto revoked = RevokeCredential(site_.registry(), org_.org.id, c.id, "stolen", "admin");
  ASSERT_THAT(revoked, IsOk());
  EXPECT_EQ(revoked->status, store::CredentialStatus::kRevoked);
  EXPECT_THAT(RevokeCredential(site_.registry(), org_.org.id, c.id, "stolen", "admin"), IsOk());

  EXPECT_THAT(RevokeCredential(site_.registry(), org_.org.id, store::CredentialId(999), "x", "a"),
              StatusIs(StatusCode::kNotFound));
}

}  // namespace
}  // namespace sekisho::access
