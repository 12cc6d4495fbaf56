#include "card/sim/sim_channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;
using ::sekisho::card::sim::testing::NewTestCard;
using ::sekisho::card::sim::testing::SelectAidApdu;
using ::sekisho::card::sim::testing::SelectAndVerify;
using ::sekisho::card::sim::testing::SelectEfApdu;
using ::sekisho::card::sim::testing::SwOf;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

Bytes JpkiSelect() { return SelectAidApdu(Bytes(my::kJpkiAid.begin(), my::kJpkiAid.end())); }

TEST(SimChannelTest, TransmitsToTheCardAndCounts) {
  auto card = NewTestCard();
  SimChannel channel(*card);
  EXPECT_TRUE(channel.IsPresent());
  auto atr = channel.Atr();
  ASSERT_THAT(atr, IsOk());
  EXPECT_EQ(*atr, card->Atr());
  auto r = channel.Transmit(JpkiSelect());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, FromHex("90 00").value());
  r = channel.Transmit(SelectEfApdu(my::kJpkiToken));
  ASSERT_THAT(r, IsOk());
  r = channel.Transmit(FromHex("00 B0 00 00 20").value());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->size(), 34u);
  EXPECT_EQ(channel.stats().commands, 3u);
  EXPECT_EQ(channel.stats().bytes_sent, 15u + 7u + 5u);
  EXPECT_EQ(channel.stats().bytes_received, 32u);  // status words not counted
  channel.ResetStats();
  EXPECT_EQ(channel.stats().commands, 0u);
}

TEST(SimChannelTest, RemovedCardIsUnavailable) {
  auto card = NewTestCard();
  SimChannel channel(*card);
  ASSERT_THAT(channel.Transmit(JpkiSelect()), IsOk());
  ASSERT_EQ(SelectAndVerify(*card, my::kJpkiAuthPin, "1234"), 0x9000);
  channel.Remove();
  EXPECT_FALSE(channel.IsPresent());
  EXPECT_THAT(channel.Transmit(SelectEfApdu(my::kJpkiAuthKey)),
              StatusIs(StatusCode::kUnavailable, HasSubstr("card removed")));
  EXPECT_THAT(channel.Atr(), StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(channel.Reset(), StatusIs(StatusCode::kUnavailable));
  EXPECT_EQ(channel.stats().commands, 1u);  // the refused command never reached the card
  channel.Insert();
  EXPECT_TRUE(channel.IsPresent());
  // Power was lost: no DF is selected and the PIN is no longer verified.
  auto r = channel.Transmit(SelectEfApdu(my::kJpkiAuthKey));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(SwOf(*r), 0x6A82);
  ASSERT_THAT(channel.Transmit(JpkiSelect()), IsOk());
  ASSERT_THAT(channel.Transmit(SelectEfApdu(my::kJpkiAuthKey)), IsOk());
  r = channel.Transmit(FromHex("80 2A 00 80 01 00 00").value());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(SwOf(*r), 0x6982);
}

TEST(SimChannelTest, ResetClearsSelection) {
  auto card = NewTestCard();
  SimChannel channel(*card);
  ASSERT_THAT(channel.Transmit(JpkiSelect()), IsOk());
  ASSERT_THAT(channel.Reset(), IsOk());
  auto r = channel.Transmit(SelectEfApdu(my::kJpkiToken));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(SwOf(*r), 0x6A82);
}

TEST(SimChannelTest, InsertAndRemoveAreIdempotent) {
  auto card = NewTestCard();
  SimChannel channel(*card);
  channel.Insert();
  EXPECT_TRUE(channel.IsPresent());
  channel.Remove();
  channel.Remove();
  EXPECT_FALSE(channel.IsPresent());
  channel.Insert();
  EXPECT_THAT(channel.Transmit(JpkiSelect()), IsOk());
}

}  // namespace
}  // namespace sekisho::card::sim
