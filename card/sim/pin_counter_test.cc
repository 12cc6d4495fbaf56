#include "card/sim/pin_counter.h"

#include <gtest/gtest.h>

namespace sekisho::card::sim {
namespace {

TEST(PinCounterTest, StatusWordsFollowTheSpec) {
  // Spec §3.2: 63Cx with x tries left; 63C0 once exhausted.
  PinCounter counter(3, 3);
  EXPECT_EQ(counter.TriesLeftWord(), 0x63C3);
  counter = counter.Spent();
  EXPECT_EQ(counter.TriesLeftWord(), 0x63C2);
  counter = counter.Spent().Spent();
  EXPECT_TRUE(counter.blocked());
  EXPECT_EQ(counter.TriesLeftWord(), 0x63C0);
  EXPECT_EQ(counter.Spent().tries_left(), 0);  // never below zero
  EXPECT_EQ(counter.Restored().tries_left(), 3);
}

TEST(PinCounterTest, ClampsOutOfRangeValues) {
  EXPECT_EQ(PinCounter(5, 9).tries_left(), 5);
  EXPECT_EQ(PinCounter(5, -1).tries_left(), 0);
  EXPECT_TRUE(PinCounter(0, 0).blocked());  // an IEF blocked at issuance (input assist 0012)
}

TEST(PinCounterTest, LargeCountersSaturateTheNibble) {
  EXPECT_EQ(PinCounter(20, 20).TriesLeftWord(), 0x63CF);
  EXPECT_EQ(PinCounter(10, 10).TriesLeftWord(), 0x63CA);
}

TEST(ReferenceMatchesTest, ComparesExactly) {
  const Bytes pin = ToBytes("1234");
  EXPECT_TRUE(ReferenceMatches(ToBytes("1234"), pin));
  EXPECT_FALSE(ReferenceMatches(ToBytes("1235"), pin));
  EXPECT_FALSE(ReferenceMatches(ToBytes("123"), pin));
  EXPECT_FALSE(ReferenceMatches(ToBytes("12345"), pin));
  EXPECT_FALSE(ReferenceMatches(ToBytes("abc123"), ToBytes("ABC123")));
}

}  // namespace
}  // namespace sekisho::card::sim
