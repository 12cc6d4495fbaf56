#include "card/pinpad_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/apdu_firewall.h"
#include "card/counting_channel.h"
#include "card/pinpad_entry.h"
#include "card/test_apdus.h"
#include "card/transceive.h"

namespace sekisho::card {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using ::sekisho::testing::H;
using ::sekisho::testing::kAuthPinTemplate;
using ::sekisho::testing::kSelectAuthCert;
using ::sekisho::testing::kSelectAuthPin;
using ::sekisho::testing::kSelectJpki;
using ::sekisho::testing::kTriesQuery;

// Spec §3 forms; the template of the JPKI authentication PIN by SFI 18.

// The card: records what reached it and answers 9000.
class RecordingCard : public CardChannel {
 public:
  Result<Bytes> Transmit(ByteView command) override {
    received.emplace_back(command.begin(), command.end());
    return H("9000");
  }
  Result<Bytes> Atr() override { return H("3BE000FF8131FE4514"); }
  Status Reset() override {
    ++resets;
    return OkStatus();
  }
  bool IsPresent() override { return present; }

  std::vector<Bytes> received;
  int resets = 0;
  bool present = true;
};

// The PIN pad: records the templates it was given and answers from a script (9000 when empty).
class FakePinPad : public SecurePinEntry {
 public:
  Result<std::uint16_t> Verify(ByteView verify_template, const PinFormat& format) override {
    templates.emplace_back(verify_template.begin(), verify_template.end());
    formats.push_back(format);
    if (answers.empty()) return std::uint16_t{0x9000};
    Result<std::uint16_t> answer = answers.front();
    answers.pop_front();
    return answer;
  }

  std::vector<Bytes> templates;
  std::vector<PinFormat> formats;
  std::deque<Result<std::uint16_t>> answers;
};

// A reader's channel with a PIN pad: both interfaces on one object.
class ChannelWithPinPad : public RecordingCard, public FakePinPad {};

TEST(PinVerifyTemplateTest, KnownAnswers) {
  EXPECT_EQ(PinVerifyTemplate(0x00, 0x00, 0x98, kJpkiAuthPinFormat), H(kAuthPinTemplate));
  EXPECT_EQ(PinVerifyTemplate(0x00, 0x00, 0x80, PinFormat{4, 8}), H("0020008008FFFFFFFFFFFFFFFF"));
}

TEST(CheckPinFormatTest, Bounds) {
  EXPECT_THAT(CheckPinFormat(kJpkiAuthPinFormat), IsOk());
  EXPECT_THAT(CheckPinFormat({1, 1}), IsOk());
  EXPECT_THAT(CheckPinFormat({1, kMaxPinBlockSize}), IsOk());
  for (const PinFormat bad : {PinFormat{0, 4}, PinFormat{5, 4}, PinFormat{4, 16}, PinFormat{}}) {
    EXPECT_THAT(CheckPinFormat(bad), StatusIs(StatusCode::kInvalidArgument))
        << bad.min_digits << "-" << bad.max_digits;
  }
}

TEST(CheckPinVerifyTemplateTest, AcceptsTemplates) {
  EXPECT_THAT(CheckPinVerifyTemplate(H(kAuthPinTemplate), kJpkiAuthPinFormat), IsOk());
  EXPECT_THAT(CheckPinVerifyTemplate(H("0020008008FFFFFFFFFFFFFFFF"), {6, 8}), IsOk());
}

TEST(CheckPinVerifyTemplateTest, RefusesWhatIsNotATemplate) {
  struct Case {
    std::string_view hex;
    std::string_view why;
  };
  const Case cases[] = {
      {"002000980431323334", "placeholder"},         // a PIN sent by mistake
      {"00B0009804FFFFFFFF", "not VERIFY"},          // another instruction
      {"0020009804FFFFFFFF00", "short case-3"},      // with Le
      {"00200098", "short case-3"},                  // the tries query
      {"002000980000 04 FFFFFFFF", "short case-3"},  // extended Lc
      {"0020009803FFFFFF", "3 bytes"},               // block shorter than the PIN
      {"0020009805FFFFFFFFFF", "5 bytes"},           // block longer than the PIN
      {"0020", "header needs 4"},                    // not an APDU
  };
  for (const Case& c : cases) {
    const Status status = CheckPinVerifyTemplate(H(c.hex), kJpkiAuthPinFormat);
    EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.why))) << c.hex;
    // Never echoes the data field: no PIN in messages.
    EXPECT_THAT(status.message(), Not(HasSubstr("31323334"))) << c.hex;
    EXPECT_THAT(status.message(), Not(HasSubstr("1234"))) << c.hex;
  }
  EXPECT_THAT(CheckPinVerifyTemplate(H(kAuthPinTemplate), {0, 4}),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(SecurePinEntryOfTest, OnlyTheReadersOwnChannelTells) {
  RecordingCard plain;
  EXPECT_EQ(SecurePinEntryOf(plain), nullptr);
  ChannelWithPinPad reader;
  EXPECT_EQ(SecurePinEntryOf(reader), static_cast<SecurePinEntry*>(&reader));
  CountingChannel counting(reader);
  EXPECT_EQ(SecurePinEntryOf(counting), nullptr);
}

TEST(PinPadRouterTest, TheTemplateGoesToThePinPadAndNeverToTheCard) {
  RecordingCard card;
  FakePinPad pin_pad;
  pin_pad.answers.push_back(std::uint16_t{0x63C2});
  PinPadRouter router(card, pin_pad, kJpkiAuthPinFormat);
  auto answer = router.Transmit(H(kAuthPinTemplate));
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(*answer, H("63C2"));
  EXPECT_THAT(card.received, IsEmpty());
  EXPECT_THAT(pin_pad.templates, ElementsAre(H(kAuthPinTemplate)));
  EXPECT_THAT(pin_pad.formats, ElementsAre(kJpkiAuthPinFormat));
  EXPECT_EQ(router.verifications(), 1u);
}

TEST(PinPadRouterTest, EverythingElseGoesToTheCard) {
  RecordingCard card;
  FakePinPad pin_pad;
  PinPadRouter router(card, pin_pad, kJpkiAuthPinFormat);
  for (std::string_view hex : {kSelectJpki, kTriesQuery, std::string_view("00B08A0000")}) {
    ASSERT_THAT(router.Transmit(H(hex)), IsOk()) << hex;
  }
  EXPECT_THAT(card.received, ElementsAre(H(kSelectJpki), H(kTriesQuery), H("00B08A0000")));
  EXPECT_THAT(pin_pad.templates, IsEmpty());
  EXPECT_THAT(router.Atr(), IsOk());
  EXPECT_THAT(router.Reset(), IsOk());
  EXPECT_EQ(card.resets, 1);
  card.present = false;
  EXPECT_FALSE(router.IsPresent());
}

TEST(PinPadRouterTest, APinSentByMistakeReachesNeitherThePinPadNorTheCard) {
  RecordingCard card;
  FakePinPad pin_pad;
  PinPadRouter router(card, pin_pad, kJpkiAuthPinFormat);
  EXPECT_THAT(router.Transmit(H("002000980431323334")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("placeholder")));
  EXPECT_THAT(router.Transmit(H("0020009804FFFFFFFF00")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(card.received, IsEmpty());
  EXPECT_THAT(pin_pad.templates, IsEmpty());
  EXPECT_EQ(router.verifications(), 0u);
}

TEST(PinPadRouterTest, ThePinPadsErrorsComeBackAsTheyAre) {
  RecordingCard card;
  FakePinPad pin_pad;
  pin_pad.answers.push_back(DeadlineExceededError("nobody typed"));
  pin_pad.answers.push_back(UnauthenticatedError("cancelled"));
  PinPadRouter router(card, pin_pad, kJpkiAuthPinFormat);
  EXPECT_THAT(router.Transmit(H(kAuthPinTemplate)), StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_THAT(router.Transmit(H(kAuthPinTemplate)), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(card.received, IsEmpty());
}

// THE FIREWALL: the template is judged like every APDU, in the firewall's current state; a
// refused one never reaches the PIN pad (and so never SCardControl).
class FirewallOverRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = ApduFirewall::Create(router_, SharedJpkiUserAuthenticationPolicy());
    ASSERT_THAT(created, IsOk());
    firewall_ = std::move(created).value();
  }
  Status Send(std::string_view hex) { return firewall_->Transmit(H(hex)).status(); }
  std::uint64_t Refused(RefusalReason reason) const {
    return firewall_->stats().RefusedFor(reason);
  }

  RecordingCard card_;
  FakePinPad pin_pad_;
  PinPadRouter router_{card_, pin_pad_, kJpkiAuthPinFormat};
  std::unique_ptr<ApduFirewall> firewall_;
};

TEST_F(FirewallOverRouterTest, TheAuthPinTemplateIsAllowedByItsSfi) {
  ASSERT_THAT(Send(kSelectJpki), IsOk());
  ASSERT_THAT(Send(kAuthPinTemplate), IsOk());
  EXPECT_THAT(pin_pad_.templates, ElementsAre(H(kAuthPinTemplate)));
  EXPECT_THAT(firewall_->AllowedLog().back(),
              HasSubstr("VERIFY by SFI of the authentication PIN (利用者証明用PIN, EF 0018)"));
  EXPECT_THAT(card_.received, ElementsAre(H(kSelectJpki)));
}

TEST_F(FirewallOverRouterTest, TheAuthPinTemplateIsAllowedOnTheCurrentEf) {
  ASSERT_THAT(Send(kSelectJpki), IsOk());
  ASSERT_THAT(Send(kSelectAuthPin), IsOk());
  ASSERT_THAT(Send("0020008004FFFFFFFF"), IsOk());
  EXPECT_THAT(pin_pad_.templates, ElementsAre(H("0020008004FFFFFFFF")));
}

TEST_F(FirewallOverRouterTest, RefusedTemplatesNeverReachThePinPad) {
  struct Case {
    const char* name;
    std::vector<std::string_view> before;  // let through first
    std::string_view verify;
    RefusalReason reason;
  };
  const Case cases[] = {
      {"no application selected", {}, kAuthPinTemplate, RefusalReason::kNoApplicationSelected},
      {"after a refused SELECT of the input-assist application",
       {kSelectJpki, "00A4040C0AD3921000310001010408"},
       kAuthPinTemplate,
       RefusalReason::kNoApplicationSelected},
      {"the signature password (SFI 1B)",
       {kSelectJpki},
       "0020009B04FFFFFFFF",
       RefusalReason::kCredentialNotAllowed},
      {"the current EF, none known",
       {kSelectJpki},
       "0020008004FFFFFFFF",
       RefusalReason::kNoCurrentFile},
      {"the current EF, the certificate",
       {kSelectJpki, kSelectAuthCert},
       "0020008004FFFFFFFF",
       RefusalReason::kCredentialNotAllowed},
      {"a global reference (P2=00)",
       {kSelectJpki},
       "0020000004FFFFFFFF",
       RefusalReason::kCredentialNotAllowed},
      {"P1 other than 00", {kSelectJpki}, "0020019804FFFFFFFF", RefusalReason::kCommandNotAllowed},
      {"secure messaging", {kSelectJpki}, "0C20009804FFFFFFFF", RefusalReason::kSecureMessaging},
      {"logical channel 1", {kSelectJpki}, "0120009804FFFFFFFF", RefusalReason::kLogicalChannel},
  };
  for (const Case& c : cases) {
    SetUp();
    for (std::string_view hex : c.before) Send(hex).IgnoreError();
    EXPECT_THAT(Send(c.verify), StatusIs(StatusCode::kPermissionDenied)) << c.name;
    EXPECT_EQ(Refused(c.reason), 1u) << c.name;
    EXPECT_THAT(pin_pad_.templates, IsEmpty()) << c.name;
    EXPECT_EQ(router_.verifications(), 0u) << c.name;
  }
}

}  // namespace
}  // namespace sekisho::card
