#include "card/pinpad_jpki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/apdu_firewall.h"
#include "card/pinpad_router.h"
#include "card/test_apdus.h"

namespace sekisho::card {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using ::sekisho::testing::H;
using ::sekisho::testing::kAuthPinTemplate;
using ::sekisho::testing::kSelectJpki;
using ::sekisho::testing::kTriesQuery;

// The card answers the SELECT with 9000 and the tries query from `tries_answer`.
class TriesAnsweringCard : public CardChannel {
 public:
  Result<Bytes> Transmit(ByteView command) override {
    received.emplace_back(command.begin(), command.end());
    if (received.back() == H(kTriesQuery)) return H(tries_answer);
    return H("9000");
  }
  Result<Bytes> Atr() override { return H("3BE000FF8131FE4514"); }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }

  std::string_view tries_answer = "63C3";
  std::vector<Bytes> received;
};

class ScriptedPinPad : public SecurePinEntry {
 public:
  Result<std::uint16_t> Verify(ByteView verify_template, const PinFormat&) override {
    templates.emplace_back(verify_template.begin(), verify_template.end());
    return answer;
  }
  Result<std::uint16_t> answer = std::uint16_t{0x9000};
  std::vector<Bytes> templates;
};

// The door path's stack: firewall -> router -> card / PIN pad, with JPKI selected.
class VerifyAuthPinOnPinPadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = ApduFirewall::Create(router_, SharedJpkiUserAuthenticationPolicy());
    ASSERT_THAT(created, IsOk());
    firewall_ = std::move(created).value();
    ASSERT_THAT(firewall_->Transmit(H(kSelectJpki)), IsOk());
  }

  TriesAnsweringCard card_;
  ScriptedPinPad pin_pad_;
  PinPadRouter router_{card_, pin_pad_, kJpkiAuthPinFormat};
  std::unique_ptr<ApduFirewall> firewall_;
};

TEST_F(VerifyAuthPinOnPinPadTest, QueriesTheTriesThenSendsOneTemplate) {
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_), IsOk());
  EXPECT_THAT(card_.received, ElementsAre(H(kSelectJpki), H(kTriesQuery)));
  EXPECT_THAT(pin_pad_.templates, ElementsAre(H(kAuthPinTemplate)));
}

TEST_F(VerifyAuthPinOnPinPadTest, AVerifiedPinCountsAsAFullCounter) {
  card_.tries_answer = "9000";
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_), IsOk());
  EXPECT_EQ(pin_pad_.templates.size(), 1u);
}

TEST_F(VerifyAuthPinOnPinPadTest, TheCardsAnswers) {
  struct Case {
    std::uint16_t sw;
    StatusCode code;
    std::string_view message;
  };
  const Case cases[] = {
      {0x63C2, StatusCode::kUnauthenticated, "wrong PIN, 2 tries left"},
      {0x63C1, StatusCode::kUnauthenticated, "wrong PIN, 1 try left"},
      {0x63C0, StatusCode::kFailedPrecondition, "locked"},
      {0x6984, StatusCode::kFailedPrecondition, "locked"},
      {0x6982, StatusCode::kDataLoss, "6982"},
      // 6Cxx is not followed: the template is never sent twice.
      {0x6C04, StatusCode::kDataLoss, "6C04"},
  };
  for (const Case& c : cases) {
    SetUp();
    pin_pad_.templates.clear();
    pin_pad_.answer = c.sw;
    EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_), StatusIs(c.code, HasSubstr(c.message)))
        << std::hex << c.sw;
    EXPECT_EQ(pin_pad_.templates.size(), 1u) << std::hex << c.sw;
  }
}

TEST_F(VerifyAuthPinOnPinPadTest, ThePinPadsErrorsComeBackAsTheyAre) {
  for (const Status& error :
       {DeadlineExceededError("nobody typed"), UnauthenticatedError("the holder cancelled"),
        InvalidArgumentError("the reader refused"), UnavailableError("card removed")}) {
    SetUp();  // an error makes the firewall forget the selection
    pin_pad_.answer = error;
    EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_), StatusIs(error.code()));
  }
}

TEST_F(VerifyAuthPinOnPinPadTest, TheLastTryIsNeverOfferedToThePinPad) {
  card_.tries_answer = "63C1";
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("only one try is left")));
  EXPECT_THAT(pin_pad_.templates, IsEmpty());
  // Unless the caller allows it (an enrolment desk with staff present).
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_, PinSafety::kAllowLastTry), IsOk());
  EXPECT_EQ(pin_pad_.templates.size(), 1u);
}

TEST_F(VerifyAuthPinOnPinPadTest, ABlockedPinIsNeverOfferedToThePinPad) {
  for (std::string_view blocked : {"63C0", "6984"}) {
    card_.tries_answer = blocked;
    EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_, PinSafety::kAllowLastTry),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("locked")))
        << blocked;
  }
  EXPECT_THAT(pin_pad_.templates, IsEmpty());
}

TEST_F(VerifyAuthPinOnPinPadTest, AnUnexpectedTriesAnswerStopsBeforeThePinPad) {
  card_.tries_answer = "6A82";
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_),
              StatusIs(StatusCode::kDataLoss, HasSubstr("6A82")));
  EXPECT_THAT(pin_pad_.templates, IsEmpty());
}

TEST_F(VerifyAuthPinOnPinPadTest, WithoutTheJpkiApplicationTheFirewallRefusesEverything) {
  ASSERT_THAT(firewall_->Reset(), IsOk());
  EXPECT_THAT(VerifyAuthPinOnPinPad(*firewall_), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(pin_pad_.templates, IsEmpty());
}

}  // namespace
}  // namespace sekisho::card
