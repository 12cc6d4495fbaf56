#include "access/badge_issuance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "access/revocation.h"
#include "access/test_site.h"
#include "badge/badge_terminal.h"
#include "base/status_matchers.h"
#include "card/sim/badge_applet.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "identity/pseudonym.h"

namespace sekisho::access {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using card::sim::testing::TempDir;
using testing::TestOrg;
using testing::TestSite;

class BadgeIssuanceTest : public ::testing::Test {
 protected:
  BadgeIssuanceTest() : site_(temp_.path() / "data"), org_(site_.AddOrg("Acme Corp", 1)) {
    staff_ = site_.AddStaff(org_, "E-1001", "Aoi Tanaka");
    keys_.emplace(
        BadgeKeys::Create(site_.dir(), "Acme Corp", DateOf(site_.clock().Now()), random_, "482913")
            .value());
  }

  // Enrols the shared test card for `staff` (the identity proofing a badge needs).
  void EnrolJpki(const store::Staff& staff) {
    auto card = card::sim::testing::NewTestCard(testing::TestProfile());
    ASSERT_NE(card, nullptr);
    card::sim::SimChannel channel(*card);
    ASSERT_THAT(site_.Enrol(org_, staff, channel), IsOk());
  }

  // Issues a badge for `staff`, keeping the profile the personaliser was given.
  Result<BadgeIssueOutcome> Issue(const store::Staff& staff,
                                  std::optional<std::string> pin = std::nullopt) {
    BadgeIssueRequest request{org_.org.id, staff.id, "hr-1", std::move(pin)};
    const BadgeIssueEnvironment env{*keys_, site_.registry(), org_.key, site_.clock()};
    return IssueBadge(
        request,
        [this](const card::sim::BadgeProfile& p) {
          personalised_ = card::sim::CopyBadgeProfile(p);
          return personalise_status_;
        },
        env);
  }

  std::vector<store::Credential> Credentials(const store::Staff& staff) {
    return site_.registry().ListCredentials(org_.org.id, staff.id).value_or({});
  }

  // The identifier a gate of the organisation reads from `profile` over the EAC sequence.
  Bytes ReadIdentifier(const card::sim::BadgeProfile& profile) {
    OsRandom random;
    auto applet =
        card::sim::BadgeApplet::Create(card::sim::CopyBadgeProfile(profile), site_.clock(), random);
    EXPECT_THAT(applet, IsOk());
    card::sim::SimChannel channel(**applet);
    auto terminal = keys_->IssueTerminal(DateOf(site_.clock().Now()), std::chrono::days(1),
                                         badge::rights::kGate);
    EXPECT_THAT(terminal, IsOk());
    badge::BadgeTerminal reader(channel, *terminal);
    auto id = reader.ReadIdentifier(SecretBytes(ToBytes(profile.can)), badge::PacePassword::kCan);
    EXPECT_THAT(id, IsOk());
    return id.value_or(Bytes{});
  }

  TempDir temp_;
  TestSite site_;
  TestOrg& org_;
  store::Staff staff_;
  SeededRandom random_{3};
  std::optional<BadgeKeys> keys_;
  std::optional<card::sim::BadgeProfile> personalised_;
  Status personalise_status_;
};

TEST_F(BadgeIssuanceTest, StaffWithoutAJpkiEnrolmentGetsNoBadge) {
  EXPECT_THAT(Issue(staff_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no active jpki credential")));
  EXPECT_FALSE(personalised_.has_value());
  EXPECT_TRUE(Credentials(staff_).empty());
}

TEST_F(BadgeIssuanceTest, StoresTheRiPseudonymAGateReadsWithItsEvent) {
  EnrolJpki(staff_);
  auto outcome = Issue(staff_, "246810");
  ASSERT_THAT(outcome, IsOk());
  ASSERT_TRUE(personalised_.has_value());
  EXPECT_EQ(personalised_->pin, "246810");
  EXPECT_EQ(personalised_->can, "482913");
  EXPECT_EQ(personalised_->trust_points, std::vector<Bytes>{keys_->cvca().der()});

  const store::Credential& c = outcome->credential;
  EXPECT_EQ(c.kind, store::CredentialKind::kBadge);
  EXPECT_EQ(c.status, store::CredentialStatus::kActive);
  EXPECT_EQ(c.enrolled_by, "hr-1");
  EXPECT_FALSE(c.keyed_serial.has_value());
  const Bytes identifier = ReadIdentifier(*personalised_);
  EXPECT_EQ(c.pseudonym, identity::RiPseudonym(org_.key, identifier));
  EXPECT_EQ(outcome->display_pseudonym, identity::DisplayPseudonym(c.pseudonym));
  // A gate's lookup finds it.
  auto found = site_.registry().FindCredentialByPseudonym(
      org_.org.id, identity::RiPseudonym(org_.key, identifier));
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->staff, staff_.id);
  auto events = site_.registry().ListEvents(org_.org.id, {});
  ASSERT_THAT(events, IsOk());
  EXPECT_EQ(events->items.front().action, store::AdminAction::kEnrolled);
  EXPECT_EQ(events->items.front().credential, c.id);

  // The badge ends with its CVCA (3 years), before the 5-year limit.
  EXPECT_EQ(std::chrono::floor<std::chrono::days>(c.not_after),
            std::chrono::sys_days(keys_->cvca().expiration()));

  // Neither the identifier nor the chip's keys are in the registry's files.
  site_.CloseRegistry();
  std::string bytes;
  for (const auto& entry : std::filesystem::directory_iterator(site_.dir().root())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    bytes += std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_FALSE(bytes.empty());
  const std::string raw(identifier.begin(), identifier.end());
  EXPECT_EQ(bytes.find(raw), std::string::npos);
  EXPECT_EQ(bytes.find(ToHex(identifier)), std::string::npos);
  // The chip's private scalar: the OCTET STRING after ECPrivateKey's version (RFC 5915 §3).
  const ByteView ri = personalised_->ri_private_pkcs8.view();
  const Bytes marker = {0x02, 0x01, 0x01, 0x04, 0x20};
  const auto at = std::search(ri.begin(), ri.end(), marker.begin(), marker.end());
  ASSERT_NE(at, ri.end());
  const ByteView scalar(at + 5, 32);
  EXPECT_EQ(bytes.find(std::string(scalar.begin(), scalar.end())), std::string::npos);
  std::string hex = ToHex(scalar);
  EXPECT_EQ(bytes.find(hex), std::string::npos);
  std::transform(hex.begin(), hex.end(), hex.begin(), ::tolower);
  EXPECT_EQ(bytes.find(hex), std::string::npos);
}

TEST_F(BadgeIssuanceTest, BadgeEndsWithItsHolderValidity) {
  EnrolJpki(staff_);
  const TimePoint end = site_.clock().Now() + std::chrono::days(200);
  ASSERT_THAT(
      site_.registry().UpdateStaffValidity(org_.org.id, staff_.id, staff_.valid_from, end, "hr-1"),
      IsOk());
  auto outcome = Issue(staff_);
  ASSERT_THAT(outcome, IsOk());
  EXPECT_EQ(outcome->credential.not_after, store::TruncateToMillis(end));
}

TEST_F(BadgeIssuanceTest, TwoBadgesOfOneHolderHaveUnrelatedPseudonyms) {
  EnrolJpki(staff_);
  auto first = Issue(staff_);
  auto second = Issue(staff_);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_NE(first->credential.pseudonym, second->credential.pseudonym);
}

TEST_F(BadgeIssuanceTest, SuspendedStaffOrRevokedEnrolmentGetsNoBadge) {
  EnrolJpki(staff_);
  ASSERT_THAT(site_.registry().UpdateStaffStatus(org_.org.id, staff_.id,
                                                 store::StaffStatus::kSuspended, "hr-1"),
              IsOk());
  EXPECT_THAT(Issue(staff_), StatusIs(StatusCode::kFailedPrecondition, HasSubstr("suspended")));
  ASSERT_THAT(site_.registry().UpdateStaffStatus(org_.org.id, staff_.id,
                                                 store::StaffStatus::kActive, "hr-1"),
              IsOk());
  const store::Credential jpki = Credentials(staff_).front();
  ASSERT_THAT(RevokeCredential(site_.registry(), org_.org.id, jpki.id, "lost", "hr-1"), IsOk());
  EXPECT_THAT(Issue(staff_), StatusIs(StatusCode::kFailedPrecondition, HasSubstr("jpki")));
  EXPECT_FALSE(personalised_.has_value());
}

TEST_F(BadgeIssuanceTest, MalformedPinOrActorOrPersonalisationFailureStoresNothing) {
  EnrolJpki(staff_);
  EXPECT_THAT(Issue(staff_, "12345"), StatusIs(StatusCode::kInvalidArgument));
  BadgeIssueRequest request{org_.org.id, staff_.id, "", std::nullopt};
  const BadgeIssueEnvironment env{*keys_, site_.registry(), org_.key, site_.clock()};
  EXPECT_THAT(IssueBadge(
                  request, [](const auto&) { return OkStatus(); }, env),
              StatusIs(StatusCode::kInvalidArgument));
  personalise_status_ = UnavailableError("card writer gone");
  EXPECT_THAT(Issue(staff_), StatusIs(StatusCode::kUnavailable));
  EXPECT_EQ(Credentials(staff_).size(), 1u);  // the jpki credential only
  EXPECT_THAT(Issue(store::Staff{.id = store::StaffId(99)}), StatusIs(StatusCode::kNotFound));
}

TEST_F(BadgeIssuanceTest, BadgeIsRevokedByPseudonymAsAJpkiCredentialIs) {
  EnrolJpki(staff_);
  auto outcome = Issue(staff_);
  ASSERT_THAT(outcome, IsOk());
  auto found =
      FindCredentialByDisplayPseudonym(site_.registry(), org_.org.id, outcome->display_pseudonym);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->id, outcome->credential.id);
  auto revoked = RevokeCredential(site_.registry(), org_.org.id, found->id, "badge lost", "hr-1");
  ASSERT_THAT(revoked, IsOk());
  EXPECT_EQ(revoked->status, store::CredentialStatus::kRevoked);
  std::vector<store::CredentialStatus> statuses;
  for (const auto& c : Credentials(staff_)) statuses.push_back(c.status);
  EXPECT_THAT(statuses,
              ElementsAre(store::CredentialStatus::kActive, store::CredentialStatus::kRevoked));
}

}  // namespace
}  // namespace sekisho::access
