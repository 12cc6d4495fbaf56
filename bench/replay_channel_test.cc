#include "bench/replay_channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "card/mynumber_card.h"

namespace sekisho::bench {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

// Answers a command with its first byte and 90 00, and refuses a command starting with 0xFF.
class EchoChannel final : public card::CardChannel {
 public:
  Result<Bytes> Transmit(ByteView command) override {
    if (!command.empty() && command[0] == 0xFF) return UnavailableError("card removed");
    return Bytes{command.empty() ? std::uint8_t{0} : command[0], 0x90, 0x00};
  }
  Result<Bytes> Atr() override { return Bytes{0x3B, 0x00}; }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }
};

TEST(RecordingChannelTest, RecordsTheAnsweredCommandsInOrder) {
  EchoChannel echo;
  RecordingChannel recorder(echo);
  ASSERT_THAT(recorder.Transmit(Bytes{0x01, 0x02}), IsOk());
  EXPECT_THAT(recorder.Transmit(Bytes{0xFF}), StatusIs(StatusCode::kUnavailable));
  ASSERT_THAT(recorder.Transmit(Bytes{0x03}), IsOk());
  ASSERT_EQ(recorder.exchanges().size(), 2u);
  EXPECT_EQ(recorder.exchanges()[0].command, (Bytes{0x01, 0x02}));
  EXPECT_EQ(recorder.exchanges()[0].response, (Bytes{0x01, 0x90, 0x00}));
  EXPECT_EQ(recorder.exchanges()[1].command, (Bytes{0x03}));
  EXPECT_EQ(*recorder.Atr(), (Bytes{0x3B, 0x00}));
}

TEST(ReplayChannelTest, PlaysTheRecordingBackAndAgainAfterRewind) {
  const std::vector<Exchange> recording = {{{0x01}, {0x61, 0x90, 0x00}}, {{0x02}, {0x6A, 0x82}}};
  ReplayChannel replay(recording);
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(*replay.Transmit(Bytes{0x01}), (Bytes{0x61, 0x90, 0x00}));
    EXPECT_EQ(*replay.Transmit(Bytes{0x02}), (Bytes{0x6A, 0x82}));
    EXPECT_THAT(replay.Transmit(Bytes{0x03}), StatusIs(StatusCode::kUnavailable));
    replay.Rewind();
  }
  const Result<Bytes> atr = replay.Atr();
  ASSERT_THAT(atr, IsOk());
  EXPECT_EQ(*atr, Bytes(card::mynumber::kContactAtr.begin(), card::mynumber::kContactAtr.end()));
}

TEST(ReplayChannelTest, ACommandOtherThanTheRecordedOneIsInternal) {
  const std::vector<Exchange> recording = {{{0x01, 0x02}, {0x90, 0x00}}};
  ReplayChannel replay(recording);
  EXPECT_THAT(replay.Transmit(Bytes{0x01}), StatusIs(StatusCode::kInternal));
  replay.Rewind();
  EXPECT_THAT(replay.Transmit(Bytes{0x01, 0x02, 0x03}), StatusIs(StatusCode::kInternal));
  replay.Rewind();
  EXPECT_THAT(replay.Transmit(Bytes{0x01, 0x03}), StatusIs(StatusCode::kInternal));
}

}  // namespace
}  // namespace sekisho::bench
