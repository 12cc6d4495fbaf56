#include "card/counting_channel.h"

#include <gtest/gtest.h>

namespace sekisho::card {
namespace {

class EchoChannel : public CardChannel {
 public:
  Result<Bytes> Transmit(ByteView command) override {
    if (command.empty()) return UnavailableError("card removed");
    Bytes r(command.begin(), command.end());
    r.push_back(0x90);
    r.push_back(0x00);
    return r;
  }
  Result<Bytes> Atr() override { return Bytes{0x3B}; }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }
};

TEST(CountingChannelTest, CountsCommandsAndDataBytes) {
  EchoChannel echo;
  CountingChannel counting(echo);
  ASSERT_TRUE(counting.Transmit(Bytes{0x00, 0xB0, 0x00, 0x00, 0x10}).ok());
  ASSERT_TRUE(counting.Transmit(Bytes{0x00, 0xA4, 0x04, 0x0C}).ok());
  EXPECT_FALSE(counting.Transmit(Bytes{}).ok());
  EXPECT_EQ(counting.counts().commands, 3u);
  EXPECT_EQ(counting.counts().bytes_sent, 9u);
  EXPECT_EQ(counting.counts().bytes_received, 9u);  // echoed data, status words excluded
  counting.ResetCounts();
  EXPECT_EQ(counting.counts().commands, 0u);
}

}  // namespace
}  // namespace sekisho::card
