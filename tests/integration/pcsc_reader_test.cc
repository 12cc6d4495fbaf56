// The PC/SC back-end and the vpcd link through the real pcscd: readers, insertion and removal,
// the ATR, cancellation, malformed answers, and the disposition of a connection that used a PIN.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <thread>

#include "base/status_matchers.h"
#include "card/mynumber_card.h"
#include "card/pcsc/pcsc_channel.h"
#include "card/pcsc/pcsc_context.h"
#include "card/pcsc/pinpad_channel.h"
#include "card/transceive.h"
#include "tests/integration/virtual_reader.h"

namespace sekisho::integration {
namespace {

using card::CommandApdu;
using card::pcsc::PcscChannel;
using card::pcsc::PcscContext;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::Contains;

const Bytes kAtr(card::mynumber::kContactAtr.begin(), card::mynumber::kContactAtr.end());

// A card with the My Number Card's ATR that answers every command with its bytes reversed and
// 9000 (or with a fixed answer), counting what pcscd makes it do.
class EchoCard : public card::VirtualCard {
 public:
  Bytes Atr() const override { return kAtr; }
  void PowerOn() override { ++power_on; }
  void PowerOff() override { ++power_off; }
  void Reset() override { ++reset; }
  Bytes Process(ByteView command) override {
    ++commands;
    if (fixed_answer) return *fixed_answer;
    Bytes r(command.rbegin(), command.rend());
    r.push_back(0x90);
    r.push_back(0x00);
    return r;
  }
  std::atomic<int> power_on{0}, power_off{0}, reset{0}, commands{0};
  std::optional<Bytes> fixed_answer;  // set before insertion only
};

class PcscReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SEKISHO_CONNECT_TO_PCSCD_OR_SKIP(context_);
    // Every test starts with an empty reader.
    ASSERT_THAT(context_->WaitForRemoval(kReader, kCardEventTimeout), IsOk());
  }

  // Inserts `card` and waits until pcscd has powered it and read its ATR.
  std::unique_ptr<InsertedCard> InsertAndWait(card::VirtualCard& card) {
    auto inserted = InsertedCard::Insert(card);
    EXPECT_THAT(inserted, IsOk());
    if (!inserted.ok()) return nullptr;
    EXPECT_THAT(context_->WaitForCard(kReader, kCardEventTimeout), IsOk());
    return std::move(inserted).value();
  }

  std::unique_ptr<PcscContext> context_;
};

TEST_F(PcscReaderTest, ListsBothVirtualReaders) {
  auto readers = context_->ListReaders();
  ASSERT_THAT(readers, IsOk());
  EXPECT_THAT(*readers, Contains(std::string(kReader)));
  EXPECT_THAT(*readers, Contains(std::string(kSecondReader)));
}

TEST_F(PcscReaderTest, EmptyReaderHasNoCard) {
  auto state = context_->GetState(kReader);
  ASSERT_THAT(state, IsOk());
  EXPECT_FALSE(state->present);
  EXPECT_TRUE(state->atr.empty());
  EXPECT_THAT(context_->WaitForCard(kReader, std::chrono::milliseconds(0)),
              StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_THAT(context_->WaitForRemoval(kReader, std::chrono::milliseconds(0)), IsOk());
  EXPECT_THAT(PcscChannel::Connect(*context_, kReader), StatusIs(StatusCode::kUnavailable));
}

TEST_F(PcscReaderTest, UnknownReaderIsNotFound) {
  EXPECT_THAT(context_->GetState("No Such Reader 00 00"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(context_->WaitForCard("No Such Reader 00 00", std::chrono::milliseconds(0)),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(PcscChannel::Connect(*context_, "No Such Reader 00 00"),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(PcscReaderTest, InsertedCardIsSeenWithTheMyNumberCardAtr) {
  EchoCard card;
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto state = context_->GetState(kReader);
  ASSERT_THAT(state, IsOk());
  EXPECT_TRUE(state->present);
  EXPECT_FALSE(state->mute);
  EXPECT_EQ(state->atr, kAtr);
  EXPECT_GE(card.power_on.load(), 1);

  auto channel = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(channel, IsOk());
  // The ATR announces T=1 only (TD1 = 81, TD2 = 31).
  EXPECT_EQ((*channel)->active_protocol(), card::pcsc::Protocols::kT1);
  auto atr = (*channel)->Atr();
  ASSERT_THAT(atr, IsOk());
  EXPECT_EQ(*atr, Bytes({0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14}));
  EXPECT_TRUE((*channel)->IsPresent());
  // The state while connected shows the exclusive connection.
  auto busy = context_->GetState(kReader);
  ASSERT_THAT(busy, IsOk());
  EXPECT_TRUE(busy->exclusive);
}

TEST_F(PcscReaderTest, CommandsTravelBothWaysUnchanged) {
  EchoCard card;
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto channel = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(channel, IsOk());
  const Bytes select = *FromHex("00A4040C0AD392F000260100000001");
  auto response = (*channel)->Transmit(select);
  ASSERT_THAT(response, IsOk());
  Bytes expected(select.rbegin(), select.rend());
  expected.push_back(0x90);
  expected.push_back(0x00);
  EXPECT_EQ(*response, expected);
  // A short APDU with a full 255-byte data field.
  Bytes big = *FromHex("00D60000FF");
  big.resize(big.size() + 255, 0xA5);
  auto big_response = (*channel)->Transmit(big);
  ASSERT_THAT(big_response, IsOk());
  EXPECT_EQ(big_response->size(), big.size() + 2);
  EXPECT_EQ(card.commands.load(), 2);
}

TEST_F(PcscReaderTest, RemovalIsSeenAndTheChannelReportsUnavailable) {
  EchoCard card;
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto channel = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(channel, IsOk());
  ASSERT_THAT(inserted->Remove(), IsOk());
  EXPECT_THAT(context_->WaitForRemoval(kReader, kCardEventTimeout), IsOk());
  EXPECT_FALSE((*channel)->IsPresent());
  EXPECT_THAT((*channel)->Transmit(*FromHex("00A4040C0AD392F000260100000001")),
              StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT((*channel)->Atr(), StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT((*channel)->Reset(), StatusIs(StatusCode::kUnavailable));
}

TEST_F(PcscReaderTest, WaitForChangeReportsInsertionThenRemoval) {
  auto empty = context_->GetState(kReader);
  ASSERT_THAT(empty, IsOk());
  EchoCard card;
  auto inserted = InsertedCard::Insert(card);
  ASSERT_THAT(inserted, IsOk());
  auto present = context_->WaitForChange(kReader, *empty, kCardEventTimeout);
  ASSERT_THAT(present, IsOk());
  // pcscd may report the card before it has read the ATR; wait for the settled state.
  ASSERT_THAT(context_->WaitForCard(kReader, kCardEventTimeout), IsOk());
  auto settled = context_->GetState(kReader);
  ASSERT_THAT(settled, IsOk());
  EXPECT_TRUE(settled->present);
  ASSERT_THAT((*inserted)->Remove(), IsOk());
  auto gone = context_->WaitForChange(kReader, *settled, kCardEventTimeout);
  ASSERT_THAT(gone, IsOk());
  EXPECT_FALSE(gone->present);
}

TEST_F(PcscReaderTest, WaitForCardTimesOutOnAnEmptyReader) {
  EXPECT_THAT(context_->WaitForCard(kReader, std::chrono::milliseconds(300)),
              StatusIs(StatusCode::kDeadlineExceeded));
}

TEST_F(PcscReaderTest, CancelFromAnotherThreadEndsAWait) {
  std::promise<void> started;
  auto waited = std::async(std::launch::async, [&] {
    started.set_value();
    return context_->WaitForCard(kReader, std::chrono::minutes(5));
  });
  started.get_future().wait();
  // The wait may not have reached pcscd yet when Cancel is first called; keep cancelling
  // until it returns (a cancel with nothing waiting does nothing).
  while (waited.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    context_->Cancel();
  }
  EXPECT_THAT(waited.get(), StatusIs(StatusCode::kUnavailable));
}

TEST_F(PcscReaderTest, OneByteAnswerIsDataLossNotAHang) {
  EchoCard card;
  card.fixed_answer = Bytes{0x90};
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto channel = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(channel, IsOk());
  CommandApdu select{0x00,
                     0xA4,
                     0x04,
                     0x0C,
                     Bytes(card::mynumber::kJpkiAid.begin(), card::mynumber::kJpkiAid.end()),
                     std::nullopt};
  EXPECT_THAT(card::Transceive(**channel, select), StatusIs(StatusCode::kDataLoss));
  // The card is still there and still answers (garbage) without blocking.
  EXPECT_TRUE((*channel)->IsPresent());
  EXPECT_THAT(card::Transceive(**channel, select), StatusIs(StatusCode::kDataLoss));
}

// The vpcd driver blocks for ever on an empty frame, so the link reports a card that answers
// nothing by pulling it out. The driver then hands pcscd an empty response (kDataLoss here) and
// the reader shows the card removed; nothing hangs.
TEST_F(PcscReaderTest, EmptyAnswerIsDataLossAndARemovalNotAHang) {
  EchoCard card;
  card.fixed_answer = Bytes{};
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto channel = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(channel, IsOk());
  CommandApdu select{0x00,
                     0xA4,
                     0x04,
                     0x0C,
                     Bytes(card::mynumber::kJpkiAid.begin(), card::mynumber::kJpkiAid.end()),
                     std::nullopt};
  EXPECT_THAT(card::Transceive(**channel, select), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(inserted->Remove(), StatusIs(StatusCode::kInternal));
  EXPECT_THAT(card::Transceive(**channel, select), StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(context_->WaitForRemoval(kReader, kCardEventTimeout), IsOk());
}

TEST_F(PcscReaderTest, DisconnectResetsTheCardOnlyAfterAPinWasUsed) {
  EchoCard card;
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  {
    auto channel = PcscChannel::Connect(*context_, kReader);
    ASSERT_THAT(channel, IsOk());
    ASSERT_THAT((*channel)->Transmit(*FromHex("00B0000004")), IsOk());
  }
  EXPECT_EQ(card.reset.load(), 0) << "a connection without VERIFY leaves the card as it is";
  {
    auto channel = PcscChannel::Connect(*context_, kReader);
    ASSERT_THAT(channel, IsOk());
    ASSERT_THAT((*channel)->Transmit(*FromHex("002000800431323334")), IsOk());
  }
  EXPECT_EQ(card.reset.load(), 1) << "a connection that sent VERIFY resets the card on leaving";
}

TEST_F(PcscReaderTest, ResetReachesTheCardAndTheChannelStaysUsable) {
  EchoCard card;
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto channel = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(channel, IsOk());
  const int resets_before = card.reset.load();
  ASSERT_THAT((*channel)->Reset(), IsOk());
  EXPECT_EQ(card.reset.load(), resets_before + 1);
  EXPECT_THAT((*channel)->Transmit(*FromHex("00B0000004")), IsOk());
  EXPECT_EQ((*channel)->Atr().value_or({}), kAtr);
}

TEST_F(PcscReaderTest, ReinsertionAfterRemovalWorks) {
  EchoCard card;
  for (int round = 0; round < 2; ++round) {
    auto inserted = InsertAndWait(card);
    ASSERT_NE(inserted, nullptr);
    auto channel = PcscChannel::Connect(*context_, kReader);
    ASSERT_THAT(channel, IsOk()) << "round " << round;
    EXPECT_THAT((*channel)->Transmit(*FromHex("00B0000004")), IsOk());
    channel->reset();
    ASSERT_THAT(inserted->Remove(), IsOk());
    ASSERT_THAT(context_->WaitForRemoval(kReader, kCardEventTimeout), IsOk());
  }
}

TEST_F(PcscReaderTest, SecondConnectionIsRefusedWhileTheFirstHoldsTheCard) {
  EchoCard card;
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto first = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(first, IsOk());
  auto other_context = PcscContext::Establish();
  ASSERT_THAT(other_context, IsOk());
  EXPECT_THAT(PcscChannel::Connect(**other_context, kReader),
              StatusIs(StatusCode::kUnavailable, ::testing::HasSubstr("SHARING_VIOLATION")));
}

// vpcd emulates no PIN pad: the reader is seen as one without secure PIN entry (the door path then
// asks the gate's keypad), and asking touches no card.
TEST_F(PcscReaderTest, VpcdIsAReaderWithoutSecurePinEntry) {
  EchoCard card;
  auto inserted = InsertAndWait(card);
  ASSERT_NE(inserted, nullptr);
  auto channel = PcscChannel::Connect(*context_, kReader);
  ASSERT_THAT(channel, IsOk());
  // Debian 12's vpcd driver implements no reader control at all.
  EXPECT_THAT((*channel)->Control(card::pcsc::kGetFeatureRequestCode, {}),
              StatusIs(StatusCode::kFailedPrecondition,
                       ::testing::HasSubstr("SCARD_E_UNSUPPORTED_FEATURE")));
  EXPECT_FALSE(card::pcsc::QueryFeatures(**channel).contains(card::pcsc::kFeatureVerifyPinDirect));
  PcscChannel* plain = channel->get();
  auto handed = card::pcsc::PinPadChannel::WrapIfOffered(std::move(*channel), *plain);
  EXPECT_EQ(handed.get(), plain);
  EXPECT_EQ(card::SecurePinEntryOf(*handed), nullptr);
  EXPECT_EQ(card.commands.load(), 0);
  handed.reset();
  EXPECT_EQ(card.reset.load(), 0) << "the feature query is not a PIN verification";
}

}  // namespace
}  // namespace sekisho::integration
