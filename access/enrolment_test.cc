#include "access/enrolment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "access/test_site.h"
#include "base/status_matchers.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"

namespace sekisho::access {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using testing::kEnrolTime;
using ::testing::SizeIs;
using testing::TempDir;
using testing::TestOrg;
using testing::TestSite;

// A channel between the host and the card that damages one thing on the way back: a byte of one
// EF (the authentication certificate 000A unless told otherwise) at an absolute offset, or a byte
// of the signature the card computes. It follows READ BINARY by SFI (P1 = 80|SFI) and by offset
// on the current EF.
class DamagingChannel final : public card::CardChannel {
 public:
  explicit DamagingChannel(card::CardChannel& inner) : inner_(inner) {}

  std::uint16_t damaged_file = 0x000A;
  std::optional<std::size_t> certificate_offset;
  bool damage_signature = false;

  Result<Bytes> Transmit(ByteView command) override {
    ASSIGN_OR_RETURN(Bytes response, inner_.Transmit(command));
    if (command.size() < 4 || response.size() < 2) return response;
    const std::uint8_t ins = command[1];
    const std::uint8_t p1 = command[2];
    const std::uint8_t p2 = command[3];
    std::size_t offset = 0;
    if (ins == 0xA4 && p1 == 0x02 && command.size() >= 7) {
      file_ = static_cast<std::uint16_t>(ReadU16(command[5], command[6]));
    } else if (ins == 0xB0) {
      if ((p1 & 0x80) != 0) {
        file_ = p1 & 0x1F;
        offset = p2;
      } else {
        offset = static_cast<std::size_t>(p1) << 8 | p2;
      }
      const std::size_t data = response.size() - 2;
      if (file_ == damaged_file && certificate_offset && *certificate_offset >= offset &&
          *certificate_offset < offset + data) {
        response[*certificate_offset - offset] ^= 0x01;
      }
    } else if (ins == 0x2A && damage_signature && response.size() > 2) {
      response[10] ^= 0x01;
    }
    return response;
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

 private:
  card::CardChannel& inner_;
  std::uint16_t file_ = 0;
};

// A card without the JPKI application: every SELECT by AID is 6A82.
class ForeignCardChannel final : public card::CardChannel {
 public:
  Result<Bytes> Transmit(ByteView) override { return Bytes{0x6A, 0x82}; }
  Result<Bytes> Atr() override { return Bytes{0x3B, 0x00}; }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }
};

class EnrolmentTest : public ::testing::Test {
 protected:
  EnrolmentTest() : site_(temp_.path() / "data"), org_(site_.AddOrg("Acme", 1)) {
    staff_ = site_.AddStaff(org_, "E-1001", "Aoi Tanaka");
  }

  // Fresh simulated card with `profile`, and a channel to it.
  void Insert(const card::sim::CardProfile& profile) {
    channel_.reset();
    card_ = card::sim::testing::NewTestCard(profile);
    ASSERT_NE(card_, nullptr);
    channel_ = std::make_unique<card::sim::SimChannel>(*card_);
  }

  std::vector<store::Credential> Credentials() {
    auto list = site_.registry().ListCredentials(org_.org.id, staff_.id);
    EXPECT_THAT(list, IsOk());
    return list.value_or({});
  }

  // The actions of the organisation's events, oldest first.
  std::vector<store::AdminAction> Actions() {
    auto page = site_.registry().ListEvents(org_.org.id, {});
    EXPECT_THAT(page, IsOk());
    std::vector<store::AdminAction> actions;
    if (page.ok()) {
      for (auto it = page->items.rbegin(); it != page->items.rend(); ++it) {
        actions.push_back(it->action);
      }
    }
    return actions;
  }

  // Nothing but the organisation and the staff member were ever written.
  void ExpectNothingWritten() {
    EXPECT_THAT(Credentials(), SizeIs(0));
    EXPECT_THAT(Actions(), ::testing::ElementsAre(store::AdminAction::kOrganisationCreated,
                                                  store::AdminAction::kStaffAdded));
  }

  TempDir temp_;
  TestSite site_;
  TestOrg& org_;
  store::Staff staff_;
  std::unique_ptr<card::sim::SimulatedCard> card_;
  std::unique_ptr<card::sim::SimChannel> channel_;
};

TEST_F(EnrolmentTest, StoresPseudonymKeyedSerialAndExpiryWithItsEvent) {
  Insert(testing::TestProfile());
  auto outcome = site_.Enrol(org_, staff_, *channel_);
  ASSERT_THAT(outcome, IsOk());

  auto cert = pki::Certificate::FromDer(testing::World().profile.auth_certificate);
  ASSERT_THAT(cert, IsOk());
  const store::Credential& c = outcome->credential;
  EXPECT_EQ(c.pseudonym, identity::Pseudonym(org_.key, cert->SubjectPublicKeyInfoDer()));
  EXPECT_EQ(c.keyed_serial,
            identity::KeyedSerial(org_.key, cert->IssuerNameDer(), cert->SerialNumber()));
  EXPECT_EQ(c.not_after, store::TruncateToMillis(cert->NotAfter()));
  EXPECT_EQ(c.kind, store::CredentialKind::kJpki);
  EXPECT_EQ(c.status, store::CredentialStatus::kActive);
  EXPECT_EQ(c.enrolled_by, "enrol-desk-1");
  EXPECT_EQ(outcome->display_pseudonym, identity::DisplayPseudonym(c.pseudonym));
  EXPECT_FALSE(outcome->replaced.has_value());
  EXPECT_THAT(Credentials(), ::testing::ElementsAre(c));

  auto events = site_.registry().ListEvents(org_.org.id, {});
  ASSERT_THAT(events, IsOk());
  const store::AdminEvent& last = events->items.front();
  EXPECT_EQ(last.action, store::AdminAction::kEnrolled);
  EXPECT_EQ(last.actor, "enrol-desk-1");
  EXPECT_EQ(last.at, store::TruncateToMillis(kEnrolTime));
  EXPECT_EQ(last.staff, staff_.id);
  EXPECT_EQ(last.credential, c.id);
}

TEST_F(EnrolmentTest, CountsTheApdusThatReachedTheCardAndRefusesNone) {
  Insert(testing::TestProfile());
  auto outcome = site_.Enrol(org_, staff_, *channel_);
  ASSERT_THAT(outcome, IsOk());
  EXPECT_EQ(outcome->apdu_count, channel_->stats().commands);
  EXPECT_EQ(outcome->firewall_refused, 0u);
  EXPECT_EQ(outcome->card_log.size(), outcome->apdu_count);
  // SELECT, token, header + certificate chunks, tries, tries + VERIFY, signature.
  EXPECT_GE(outcome->apdu_count, 8u);
  EXPECT_LE(outcome->apdu_count, 16u);
}

TEST_F(EnrolmentTest, WrongPinIsUnauthenticatedAndWritesNothing) {
  Insert(testing::TestProfile());
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_, false, "0000"),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("wrong PIN, 2 tries left")));
  ExpectNothingWritten();
  EXPECT_EQ(card_->profile().counters.auth_pin, 2);
}

TEST_F(EnrolmentTest, MalformedPinIsRefusedBeforeTheCard) {
  Insert(testing::TestProfile());
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_, false, "73910"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("4 digits")));
  EXPECT_EQ(card_->profile().counters.auth_pin, 3);
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, LockedPinIsRefusedWithoutAskingForIt) {
  Insert(testing::TestProfile(/*auth_tries=*/0));
  bool asked = true;
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_, false, testing::kTestPin, &asked),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("municipal office")));
  EXPECT_FALSE(asked);
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, SameCardTwiceIsAlreadyExistsForTheSameOrAnotherStaffMember) {
  Insert(testing::TestProfile());
  ASSERT_THAT(site_.Enrol(org_, staff_, *channel_), IsOk());
  Insert(testing::TestProfile());
  bool asked = true;
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_, false, testing::kTestPin, &asked),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("enrolled already for staff E-1001")));
  EXPECT_FALSE(asked);
  const store::Staff other = site_.AddStaff(org_, "E-1002", "Ren Sato");
  Insert(testing::TestProfile());
  EXPECT_THAT(site_.Enrol(org_, other, *channel_),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("of staff E-1001")));
  EXPECT_THAT(Credentials(), SizeIs(1));
}

TEST_F(EnrolmentTest, RenewedCardNeedsRebindWhileTheOldCredentialIsActive) {
  Insert(testing::TestProfile());
  ASSERT_THAT(site_.Enrol(org_, staff_, *channel_), IsOk());
  Insert(testing::RenewedProfile());
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("--rebind")));
  EXPECT_THAT(Credentials(), SizeIs(1));
}

TEST_F(EnrolmentTest, RebindRetiresTheOldCredentialAndKeepsItsHistory) {
  Insert(testing::TestProfile());
  auto first = site_.Enrol(org_, staff_, *channel_);
  ASSERT_THAT(first, IsOk());
  site_.clock().Advance(std::chrono::hours(24 * 365));
  Insert(testing::RenewedProfile());
  auto second = site_.Enrol(org_, staff_, *channel_, /*rebind=*/true);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->replaced, first->credential.id);
  EXPECT_NE(second->credential.pseudonym, first->credential.pseudonym);

  const auto all = Credentials();
  ASSERT_THAT(all, SizeIs(2));
  EXPECT_EQ(all[0].status, store::CredentialStatus::kRetired);
  EXPECT_EQ(all[0].replaced_by, second->credential.id);
  EXPECT_EQ(all[1].status, store::CredentialStatus::kActive);
  EXPECT_EQ(Actions().back(), store::AdminAction::kRebound);
}

TEST_F(EnrolmentTest, RebindOfTheSameCardIsAlreadyExists) {
  Insert(testing::TestProfile());
  ASSERT_THAT(site_.Enrol(org_, staff_, *channel_), IsOk());
  Insert(testing::TestProfile());
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_, /*rebind=*/true),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("renewed certificate")));
}

TEST_F(EnrolmentTest, RebindWithoutACredentialToReplaceIsRefused) {
  Insert(testing::TestProfile());
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_, /*rebind=*/true),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("without --rebind")));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, CardWithoutJpkiIsNotAMyNumberCard) {
  ForeignCardChannel foreign;
  EXPECT_THAT(site_.Enrol(org_, staff_, foreign),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not a My Number Card")));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, TokenOtherThanAMyNumberCardIsRefused) {
  Insert(testing::TestProfile());
  DamagingChannel damaging(*channel_);
  damaging.damaged_file = 0x0006;
  damaging.certificate_offset = 0;  // "JPKIAPICCTOKEN2" becomes "KPKIAPICCTOKEN2"
  EXPECT_THAT(site_.Enrol(org_, staff_, damaging),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("not a My Number Card: the card's JPKI token is unknown")));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, EmptyActorIsRefusedBeforeTheCard) {
  Insert(testing::TestProfile());
  SeededRandom random(5);
  EnrolRequest request{org_.org.id, staff_.id, ""};
  const EnrolmentEnvironment env{site_.anchors(), nullptr,       site_.registry(),
                                 org_.key,        site_.clock(), random};
  EXPECT_THAT(Enrol(
                  request, *channel_, [] { return Result<SecretBytes>(SecretBytes("7391")); }, env),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("actor")));
  EXPECT_EQ(channel_->stats().commands, 0u);
}

TEST_F(EnrolmentTest, DamagedCertificateSignatureIsUnauthenticated) {
  Insert(testing::TestProfile());
  DamagingChannel damaging(*channel_);
  damaging.certificate_offset = testing::World().profile.auth_certificate.size() - 5;
  bool asked = true;
  EXPECT_THAT(site_.Enrol(org_, staff_, damaging, false, testing::kTestPin, &asked),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("bad signature")));
  EXPECT_FALSE(asked);
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, CertificateThatDoesNotParseIsDataLoss) {
  Insert(testing::TestProfile());
  DamagingChannel damaging(*channel_);
  damaging.certificate_offset = 4;  // the tbsCertificate SEQUENCE tag 30 becomes 31
  EXPECT_THAT(site_.Enrol(org_, staff_, damaging),
              StatusIs(StatusCode::kDataLoss, HasSubstr("not a valid X.509 certificate")));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, SignatureThatDoesNotVerifyIsUnauthenticated) {
  Insert(testing::TestProfile());
  DamagingChannel damaging(*channel_);
  damaging.damage_signature = true;
  EXPECT_THAT(site_.Enrol(org_, staff_, damaging),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("does not hold the key")));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, ExpiredCertificateIsUnauthenticated) {
  Insert(testing::TestProfile());
  site_.clock().Advance(std::chrono::years(6));
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("expired")));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, CertificateOfAnotherRootIsUnknownIssuer) {
  Insert(testing::TestProfile());
  pki::TrustAnchorSet sign_root_only;
  ASSERT_THAT(sign_root_only.Add(testing::World().pki.sign_ca.Clone(), "sign root"), IsOk());
  SeededRandom random(5);
  EnrolRequest request{org_.org.id, staff_.id, "desk"};
  const EnrolmentEnvironment env{sign_root_only, nullptr,       site_.registry(),
                                 org_.key,       site_.clock(), random};
  EXPECT_THAT(Enrol(
                  request, *channel_, [] { return Result<SecretBytes>(SecretBytes("7391")); }, env),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("unknown issuer")));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, NoTrustAnchorsIsFailedPreconditionBeforeTheCard) {
  Insert(testing::TestProfile());
  pki::TrustAnchorSet none;
  SeededRandom random(5);
  EnrolRequest request{org_.org.id, staff_.id, "desk"};
  const EnrolmentEnvironment env{none, nullptr, site_.registry(), org_.key, site_.clock(), random};
  EXPECT_THAT(Enrol(
                  request, *channel_, [] { return Result<SecretBytes>(SecretBytes("7391")); }, env),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("sekisho anchors add")));
  EXPECT_EQ(channel_->stats().commands, 0u);
}

TEST_F(EnrolmentTest, RevokedOnTheImportedCrlIsRefusedBeforeThePin) {
  auto cert = pki::Certificate::FromDer(testing::World().profile.auth_certificate);
  ASSERT_THAT(cert, IsOk());
  const Bytes serial = cert->SerialNumber();
  ASSERT_THAT(site_.ImportCrl(org_, testing::AuthCrl({&serial, 1}, kEnrolTime)), IsOk());
  Insert(testing::TestProfile());
  bool asked = true;
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_, false, testing::kTestPin, &asked),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("revoked")));
  EXPECT_FALSE(asked);
  EXPECT_THAT(Credentials(), SizeIs(0));
}

TEST_F(EnrolmentTest, RequiredCrlThatWasNeverImportedStopsBeforeTheCard) {
  Insert(testing::TestProfile());
  SeededRandom random(5);
  EnrolRequest request{org_.org.id, staff_.id, "desk"};
  request.crl_requirement = CrlRequirement::kRequired;
  const EnrolmentEnvironment env{site_.anchors(), &org_.revoked, site_.registry(),
                                 org_.key,        site_.clock(), random};
  EXPECT_THAT(Enrol(
                  request, *channel_, [] { return Result<SecretBytes>(SecretBytes("7391")); }, env),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("import-crl")));
  EXPECT_EQ(channel_->stats().commands, 0u);
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, RequiredCrlThatIsCurrentLetsTheEnrolmentThrough) {
  ASSERT_THAT(site_.ImportCrl(org_, testing::AuthCrl({}, kEnrolTime)), IsOk());
  Insert(testing::TestProfile());
  SeededRandom random(5);
  EnrolRequest request{org_.org.id, staff_.id, "desk"};
  request.crl_requirement = CrlRequirement::kRequired;
  const EnrolmentEnvironment env{site_.anchors(), &org_.revoked, site_.registry(),
                                 org_.key,        site_.clock(), random};
  EXPECT_THAT(Enrol(
                  request, *channel_, [] { return Result<SecretBytes>(SecretBytes("7391")); }, env),
              IsOk());
}

TEST_F(EnrolmentTest, StaffWhoLeftCannotEnrol) {
  ASSERT_THAT(
      site_.registry().UpdateStaffStatus(org_.org.id, staff_.id, store::StaffStatus::kLeft, "hr"),
      IsOk());
  Insert(testing::TestProfile());
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("has left")));
  EXPECT_EQ(channel_->stats().commands, 0u);
}

TEST_F(EnrolmentTest, UnknownStaffIsNotFound) {
  Insert(testing::TestProfile());
  store::Staff ghost = staff_;
  ghost.id = store::StaffId(999);
  EXPECT_THAT(site_.Enrol(org_, ghost, *channel_), StatusIs(StatusCode::kNotFound));
}

TEST_F(EnrolmentTest, RemovedCardIsUnavailableAndWritesNothing) {
  Insert(testing::TestProfile());
  channel_->Remove();
  EXPECT_THAT(site_.Enrol(org_, staff_, *channel_), StatusIs(StatusCode::kUnavailable));
  ExpectNothingWritten();
}

TEST_F(EnrolmentTest, PinSourceErrorStopsTheEnrolment) {
  Insert(testing::TestProfile());
  SeededRandom random(5);
  EnrolRequest request{org_.org.id, staff_.id, "desk"};
  const EnrolmentEnvironment env{site_.anchors(), nullptr,       site_.registry(),
                                 org_.key,        site_.clock(), random};
  EXPECT_THAT(Enrol(
                  request, *channel_,
                  [] { return Result<SecretBytes>(FailedPreconditionError("no terminal")); }, env),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("reading the PIN: no terminal")));
  EXPECT_EQ(card_->profile().counters.auth_pin, 3);
  ExpectNothingWritten();
}

}  // namespace
}  // namespace sekisho::access
