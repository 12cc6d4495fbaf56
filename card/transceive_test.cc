#include "card/transceive.h"

#include <gtest/gtest.h>

#include <deque>

#include "base/status_matchers.h"
#include "base/test_hex.h"

namespace sekisho::card {
namespace {

using testing::StatusIs;

// A channel that answers from a script and records what it was sent.
class ScriptedChannel : public CardChannel {
 public:
  explicit ScriptedChannel(std::deque<Bytes> answers) : answers_(std::move(answers)) {}
  Result<Bytes> Transmit(ByteView command) override {
    sent.emplace_back(command.begin(), command.end());
    if (answers_.empty()) return UnavailableError("card removed");
    Bytes a = answers_.front();
    answers_.pop_front();
    return a;
  }
  Result<Bytes> Atr() override { return Bytes{0x3B}; }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return !answers_.empty(); }
  std::vector<Bytes> sent;

 private:
  std::deque<Bytes> answers_;
};

using ::sekisho::testing::H;

TEST(TransceiveTest, FollowsGetResponseAndConcatenates) {
  ScriptedChannel ch({H("AABB6102"), H("CCDD9000")});
  auto r = Transceive(ch, CommandApdu{0x00, 0xB0, 0x00, 0x00, {}, 4});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data, H("AABBCCDD"));
  EXPECT_EQ(r->sw, 0x9000);
  ASSERT_EQ(ch.sent.size(), 2u);
  EXPECT_EQ(ch.sent[1], H("00C0000002"));
}

TEST(TransceiveTest, ResendsWithExactLeOn6Cxx) {
  ScriptedChannel ch({H("6C11"), H("00112233445566778899AABBCCDDEEFF009000")});
  auto r = Transceive(ch, CommandApdu{0x00, 0xB0, 0x00, 0x00, {}, 256});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data.size(), 17u);
  EXPECT_EQ(ch.sent[1], H("00B0000011"));
}

TEST(TransceiveTest, NonSuccessStatusIsReturnedNotAnError) {
  ScriptedChannel ch({H("63C2")});
  auto r = Transceive(ch, CommandApdu{0x00, 0x20, 0x00, 0x80, {}, std::nullopt});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(TriesLeft(r->sw), 2);
}

TEST(TransceiveTest, GarbageAndRemovalAreErrors) {
  ScriptedChannel garbage({H("90")});
  EXPECT_THAT(Transceive(garbage, CommandApdu{0x00, 0xA4, 0x00, 0x0C}),
              StatusIs(StatusCode::kDataLoss));
  ScriptedChannel gone({});
  EXPECT_THAT(Transceive(gone, CommandApdu{0x00, 0xA4, 0x00, 0x0C}),
              StatusIs(StatusCode::kUnavailable));
}

TEST(TransceiveTest, EndlessGetResponseIsDataLossNotAHang) {
  std::deque<Bytes> answers(100, H("6101"));
  ScriptedChannel ch(answers);
  EXPECT_THAT(Transceive(ch, CommandApdu{0x00, 0xB0, 0x00, 0x00, {}, 1}),
              StatusIs(StatusCode::kDataLoss));
}

}  // namespace
}  // namespace sekisho::card
