// The PIN pad path end to end, without hardware: the simulated My Number Card (card/sim) in a
// fake PIN pad reader, behind the APDU firewall and the PinPadRouter as the door path uses them.
#include "card/pcsc/pinpad_channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/apdu_firewall.h"
#include "card/jpki_client.h"
#include "card/pcsc/pinpad_fake_reader.h"
#include "card/pinpad_jpki.h"
#include "card/pinpad_router.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "card/test_apdus.h"

namespace sekisho::card::pcsc {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using sim::testing::NewTestCard;
using sim::testing::World;
using testing::FakePinPadReader;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kFakeVerifyPinDirectCode;
using ::testing::SizeIs;

using ::sekisho::testing::H;
using ::sekisho::testing::kAuthPinTemplate;

using ::sekisho::card::sim::testing::kTestCardPin;

// A card in a reader: the simulated card on a SimChannel, the fake PIN pad reader in front of
// it, and the channel the reader hands out (a PinPadChannel when the reader offers the feature).
class PinPadReaderTest : public ::testing::Test {
 protected:
  explicit PinPadReaderTest(int tries = mynumber::kAuthPinMaxTries) {
    sim::CardProfile profile = World().profile;
    profile.counters.auth_pin = tries;
    card_ = NewTestCard(profile);
    auto sim = std::make_unique<sim::SimChannel>(*card_);
    sim_ = sim.get();
    reader_ = std::make_unique<FakePinPadReader>(*sim_);
    sim_owner_ = std::move(sim);
  }

  // What PcscCardReader does after connecting.
  void Connect() { channel_ = PinPadChannel::WrapIfOffered(std::move(sim_owner_), *reader_); }

  // The door path's stack over the channel: firewall -> router -> channel / PIN pad, with the
  // JPKI application selected.
  void BuildDoorStack() {
    Connect();
    SecurePinEntry* pin_pad = SecurePinEntryOf(*channel_);
    ASSERT_NE(pin_pad, nullptr);
    router_ = std::make_unique<PinPadRouter>(*channel_, *pin_pad, kJpkiAuthPinFormat);
    auto firewall = ApduFirewall::Create(*router_, SharedJpkiUserAuthenticationPolicy());
    ASSERT_THAT(firewall, IsOk());
    firewall_ = std::move(firewall).value();
    jpki_ = std::make_unique<JpkiClient>(*firewall_);
    ASSERT_THAT(jpki_->SelectApplication(), IsOk());
  }

  int TriesLeft() const { return card_->profile().counters.auth_pin; }

  std::unique_ptr<sim::SimulatedCard> card_;
  sim::SimChannel* sim_ = nullptr;
  std::unique_ptr<CardChannel> sim_owner_;
  std::unique_ptr<FakePinPadReader> reader_;
  std::unique_ptr<CardChannel> channel_;
  std::unique_ptr<PinPadRouter> router_;
  std::unique_ptr<ApduFirewall> firewall_;
  std::unique_ptr<JpkiClient> jpki_;
};

TEST_F(PinPadReaderTest, QueryFeaturesReadsTheReadersList) {
  const FeatureMap features = QueryFeatures(*reader_);
  EXPECT_EQ(features, reader_->features);
  EXPECT_EQ(reader_->feature_requests(), 1u);
}

TEST_F(PinPadReaderTest, AReaderThatAnswersAnErrorHasNoFeatures) {
  reader_->feature_error = FailedPreconditionError("SCARD_E_UNSUPPORTED_FEATURE");
  EXPECT_THAT(QueryFeatures(*reader_), IsEmpty());
  reader_->feature_error = UnavailableError("SCARD_E_NOT_TRANSACTED");
  EXPECT_THAT(QueryFeatures(*reader_), IsEmpty());
}

TEST_F(PinPadReaderTest, AMalformedListIsNoFeatures) {
  reader_->raw_feature_answer = H("06 03 42 33 00");
  EXPECT_THAT(QueryFeatures(*reader_), IsEmpty());
}

TEST_F(PinPadReaderTest, AReaderOfferingVerifyPinDirectGetsAPinPadChannel) {
  Connect();
  SecurePinEntry* pin_pad = SecurePinEntryOf(*channel_);
  ASSERT_NE(pin_pad, nullptr);
  EXPECT_EQ(static_cast<PinPadChannel*>(pin_pad)->verify_pin_direct_code(),
            kFakeVerifyPinDirectCode);
  // The card's traffic passes unchanged.
  EXPECT_THAT(channel_->Atr(), IsOk());
  EXPECT_TRUE(channel_->IsPresent());
  auto answer = channel_->Transmit(H("00A4040C0AD392F000260100000001"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(*answer, H("9000"));
  EXPECT_THAT(channel_->Reset(), IsOk());
  sim_->Remove();
  EXPECT_FALSE(channel_->IsPresent());
}

TEST(PinPadChannelTest, AReaderWithoutTheFeatureKeepsItsChannel) {
  auto card = NewTestCard();
  for (int variant = 0; variant < 3; ++variant) {
    auto sim = std::make_unique<sim::SimChannel>(*card);
    FakePinPadReader reader(*sim);
    if (variant == 0) reader.feature_error = FailedPreconditionError("unsupported");
    if (variant == 1) reader.features.erase(kFeatureVerifyPinDirect);
    if (variant == 2) reader.raw_feature_answer = Bytes{};
    CardChannel* plain = sim.get();
    auto channel = PinPadChannel::WrapIfOffered(std::move(sim), reader);
    EXPECT_EQ(channel.get(), plain) << variant;
    EXPECT_EQ(SecurePinEntryOf(*channel), nullptr) << variant;
    EXPECT_EQ(reader.control_calls(), 1u) << variant;
  }
}

TEST_F(PinPadReaderTest, VerifySendsTheStructureAndThePinPadFillsTheTemplate) {
  Connect();
  reader_->HolderTypes(kTestCardPin);
  ASSERT_THAT(channel_->Transmit(H("00A4040C0AD392F000260100000001")), IsOk());
  auto sw = SecurePinEntryOf(*channel_)->Verify(H(kAuthPinTemplate), kJpkiAuthPinFormat);
  ASSERT_THAT(sw, IsOk());
  EXPECT_EQ(*sw, 0x9000);
  // What reached the reader: the known-answer structure of pinpad_part10_test.cc.
  ASSERT_THAT(reader_->verify_requests(), SizeIs(1));
  EXPECT_EQ(EncodePinVerifyStructure(reader_->verify_requests()[0]),
            H("1E 0F 82 04 00 04 04 02 01 09 04 00 00 00 00 09 00 00 00"
              "00 20 00 98 04 FF FF FF FF"));
  EXPECT_EQ(reader_->verifies_sent_to_card(), 1u);
  EXPECT_EQ(TriesLeft(), 3);
}

TEST_F(PinPadReaderTest, ATemplateThatDoesNotQualifyNeverReachesTheReader) {
  Connect();
  SecurePinEntry* pin_pad = SecurePinEntryOf(*channel_);
  EXPECT_THAT(pin_pad->Verify(H("002000980431323334"), kJpkiAuthPinFormat),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(pin_pad->Verify(H(kAuthPinTemplate), PinFormat{4, 6}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(reader_->control_calls(), reader_->feature_requests());
}

TEST_F(PinPadReaderTest, TheDoorPathVerifiesThePinTypedOnTheReader) {
  BuildDoorStack();
  reader_->HolderTypes(kTestCardPin);
  ASSERT_THAT(VerifyAuthPinOnPinPad(*firewall_), IsOk());
  EXPECT_EQ(TriesLeft(), 3);
  EXPECT_EQ(router_->verifications(), 1u);
  EXPECT_THAT(firewall_->AllowedLog(),
              ::testing::Contains(HasSubstr("VERIFY by SFI of the authentication PIN")));
  // The card now signs: the PIN typed on the reader was verified in this session.
  auto signature = jpki_->SignWithAuthKey(H("0102030405"));
  ASSERT_THAT(signature, IsOk());
  EXPECT_EQ(signature->size(), 256u);
}

TEST_F(PinPadReaderTest, AWrongPinTypedOnTheReaderSpendsOneTry) {
  BuildDoorStack();
  reader_->HolderTypes("9999");
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("2 tries left")));
  EXPECT_EQ(TriesLeft(), 2);
  EXPECT_THAT(jpki_->SignWithAuthKey(H("01")),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("PIN not verified")));
}

TEST_F(PinPadReaderTest, CancelledOrAbandonedEntrySpendsNoTry) {
  BuildDoorStack();
  reader_->HolderCancels();
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("cancelled")));
  ASSERT_THAT(jpki_->SelectApplication(), IsOk());  // the error made the firewall forget
  reader_->HolderWalksAway();
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_),
              StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("in time")));
  ASSERT_THAT(jpki_->SelectApplication(), IsOk());
  reader_->HolderTypes("12");  // fewer digits than the minimum: OK is never taken
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_), StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_EQ(reader_->verifies_sent_to_card(), 0u);
  EXPECT_EQ(TriesLeft(), 3);
}

TEST_F(PinPadReaderTest, AReaderThatRefusesTheRequestSpendsNoTry) {
  BuildDoorStack();
  reader_->refuse_every_request = true;
  reader_->HolderTypes(kTestCardPin);
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("6B80")));
  EXPECT_EQ(reader_->verifies_sent_to_card(), 0u);
  EXPECT_EQ(TriesLeft(), 3);
}

// Our own structure passes the strict reader's checks (the refusal above was forced).
TEST_F(PinPadReaderTest, TheStructureSatisfiesAStrictReader) {
  auto s = PinVerifyStructureFor(H(kAuthPinTemplate), kJpkiAuthPinFormat, PinPadOptions{});
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(FakePinPadReader::Problem(*s), "");
  PinVerifyStructure bits = *s;
  bits.format_string = 0x02;
  EXPECT_EQ(FakePinPadReader::Problem(bits), "system units are bits");
  PinVerifyStructure filled = *s;
  filled.apdu = H("002000980431323334");
  EXPECT_EQ(FakePinPadReader::Problem(filled), "the PIN block is not filled with FF placeholders");
}

// THE FIREWALL: a template the firewall refuses never reaches SCardControl.
TEST_F(PinPadReaderTest, ARefusedTemplateNeverReachesTheReader) {
  BuildDoorStack();
  reader_->HolderTypes(kTestCardPin);
  const std::size_t before = reader_->control_calls();
  // The signature password (IEF 001B) by SFI, and on the current EF after selecting it.
  EXPECT_THAT(firewall_->Transmit(H("0020009B04FFFFFFFF")),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("signature password")));
  EXPECT_THAT(firewall_->Transmit(H("00A4020C02001B")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(firewall_->Transmit(H("0020008004FFFFFFFF")),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(reader_->control_calls(), before);
  EXPECT_THAT(reader_->verify_requests(), IsEmpty());
  EXPECT_EQ(router_->verifications(), 0u);
  EXPECT_EQ(card_->profile().counters.sign_password, World().profile.counters.sign_password);
}

class PinPadReaderOneTryTest : public PinPadReaderTest {
 protected:
  PinPadReaderOneTryTest() : PinPadReaderTest(1) {}
};

TEST_F(PinPadReaderOneTryTest, TheLastTryIsNeverOfferedToTheHolder) {
  BuildDoorStack();
  reader_->HolderTypes(kTestCardPin);
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("only one try is left")));
  EXPECT_THAT(reader_->verify_requests(), IsEmpty());
  EXPECT_EQ(TriesLeft(), 1);
}

}  // namespace
}  // namespace sekisho::card::pcsc
