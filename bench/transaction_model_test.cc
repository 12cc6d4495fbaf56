#include "bench/transaction_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::bench {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

constexpr double kTolerance = 1e-9;  // ms

// No card time at all: the figures are the air interface alone.
CardTimings NoCardTime() {
  CardTimings t;
  t.name = "none";
  return t;
}

double Ms(double cycles) { return cycles * 1000.0 / 13.56e6; }

TraceExchange SizedExchange(std::size_t command, std::size_t response,
                            std::vector<CardWork> work = {}) {
  return {"test", command, response, std::move(work)};
}

TEST(TransactionModelTest, FiveByteSelectOnTypeA) {
  // 00 A4 00 00 00 answered 90 00, ISO/IEC 14443-3 §6.2 at fc/128 (128 carrier cycles a bit):
  //   command I-block PCB + 5 + CRC_A = 8 bytes: 1 start + 8 x 9 + 1 end = 74 bits = 9472/fc
  //   FDT PCD->PICC, n = 9, last bit 1:                               9 x 128 + 84 = 1236/fc
  //   response I-block PCB + 2 + CRC_A = 5 bytes: 1 + 5 x 9 + 1 = 47 bits       = 6016/fc
  //   FDT PICC->PCD before the next command:                                      1172/fc
  //   total 17896/fc = 1.319764 ms.
  auto cost = ModelTrace({SizedExchange(5, 2)}, {.type = PiccType::kA}, NoCardTime());
  ASSERT_THAT(cost, IsOk());
  EXPECT_NEAR(cost->total().count(), 17896 * 1000.0 / 13.56e6, kTolerance);
  EXPECT_NEAR(cost->total().count(), 1.319764, 1e-6);
  EXPECT_EQ(cost->apdus, 1u);
  EXPECT_EQ(cost->bytes_sent, 5u);
  EXPECT_EQ(cost->bytes_received, 2u);
  ASSERT_EQ(cost->exchanges.size(), 1u);
  EXPECT_EQ(cost->exchanges[0].command_blocks, 1);
  EXPECT_EQ(cost->exchanges[0].response_blocks, 1);
  EXPECT_EQ(cost->card.count(), 0.0);
}

TEST(TransactionModelTest, FiveByteSelectOnTypeB) {
  // ISO/IEC 14443-3 §7.1, 10 etu per character, 128/fc per etu:
  //   command PCB + 5 + CRC_B = 8 bytes: SOF 12 + 8 x 10 + EOF 10 = 102 etu = 13056/fc
  //   TR0 + TR1 (minimum): 1024/fc + 1280/fc                                 =  2304/fc
  //   response 5 bytes: 12 + 50 + 10 = 72 etu                                =  9216/fc
  //   TR2 (minimum, 14 etu)                                                  =  1792/fc
  //   total 26368/fc = 1.944543 ms.
  auto cost = ModelTrace({SizedExchange(5, 2)}, {.type = PiccType::kB}, NoCardTime());
  ASSERT_THAT(cost, IsOk());
  EXPECT_NEAR(cost->total().count(), Ms(26368), kTolerance);
  EXPECT_NEAR(cost->total().count(), 1.944543, 1e-6);
}

TEST(TransactionModelTest, CommandChainingStartsAboveFsc) {
  // FSC 256: a block is PCB + INF + CRC, so INF holds at most 253 bytes. Commands of 252, 253
  // and 254 bytes make frames of FSC - 1, FSC and (unchained) FSC + 1 bytes.
  const TransportConfig config{.type = PiccType::kB, .fsc = 256};
  auto fsc_minus_1 = ModelTrace({SizedExchange(252, 2)}, config, NoCardTime());
  auto fsc = ModelTrace({SizedExchange(253, 2)}, config, NoCardTime());
  auto fsc_plus_1 = ModelTrace({SizedExchange(254, 2)}, config, NoCardTime());
  ASSERT_THAT(fsc_minus_1, IsOk());
  ASSERT_THAT(fsc, IsOk());
  ASSERT_THAT(fsc_plus_1, IsOk());
  EXPECT_EQ(fsc_minus_1->exchanges[0].command_blocks, 1);
  EXPECT_EQ(fsc->exchanges[0].command_blocks, 1);
  EXPECT_EQ(fsc_plus_1->exchanges[0].command_blocks, 2);
  // One byte more in the same frame: 10 etu = 1280/fc.
  EXPECT_NEAR((fsc->transport - fsc_minus_1->transport).count(), Ms(1280), kTolerance);
  // 253 + 1 bytes in two blocks: the byte (10 etu), a second PCB + CRC_B (30 etu) and its empty
  // frame (SOF + EOF, 22 etu), TR0 + TR1 (2304/fc), the card's R(ACK) of 3 bytes (52 etu) and
  // TR2 (14 etu): 1280 + 3840 + 2816 + 2304 + 6656 + 1792 = 18688/fc.
  EXPECT_NEAR((fsc_plus_1->transport - fsc->transport).count(), Ms(18688), kTolerance);
}

TEST(TransactionModelTest, ResponseChainingUsesFsd) {
  // READ BINARY Le = 00: 256 data bytes + SW = 258 > 253, two blocks (253 + 5) with FSD 256;
  // one block with FSD 261 or more.
  auto chained = ModelTrace({SizedExchange(5, 258)}, {.fsd = 256}, NoCardTime());
  auto whole = ModelTrace({SizedExchange(5, 258)}, {.fsd = 261}, NoCardTime());
  ASSERT_THAT(chained, IsOk());
  ASSERT_THAT(whole, IsOk());
  EXPECT_EQ(chained->exchanges[0].response_blocks, 2);
  EXPECT_EQ(whole->exchanges[0].response_blocks, 1);
  // The second block's PCB + CRC_B and empty frame (30 + 22 etu), TR2, the reader's R(ACK)
  // (52 etu), TR0 + TR1: 6656 + 1792 + 6656 + 2304 = 17408/fc.
  EXPECT_NEAR((chained->transport - whole->transport).count(), Ms(17408), kTolerance);
}

TEST(TransactionModelTest, CardCostsAddUp) {
  CardTimings t = NoCardTime();
  t.per_command = Millis(1);
  t.operation[static_cast<std::size_t>(OnCardOperation::kRsa2048Sign)] = Millis(100);
  t.operation[static_cast<std::size_t>(OnCardOperation::kPinVerify)] = Millis(5);
  t.operation[static_cast<std::size_t>(OnCardOperation::kAesSmBlock)] = Millis(0.5);
  const Trace trace = {
      SizedExchange(5, 2),
      SizedExchange(9, 2, {{OnCardOperation::kPinVerify}}),
      SizedExchange(57, 258, {{OnCardOperation::kRsa2048Sign}, {OnCardOperation::kAesSmBlock, 10}}),
  };
  auto with_card = ModelTrace(trace, {}, t);
  auto without = ModelTrace(trace, {}, NoCardTime());
  ASSERT_THAT(with_card, IsOk());
  ASSERT_THAT(without, IsOk());
  // 3 commands x 1 + 5 + 100 + 10 x 0.5.
  EXPECT_NEAR(with_card->card.count(), 113.0, kTolerance);
  EXPECT_NEAR(with_card->exchanges[0].card.count(), 1.0, kTolerance);
  EXPECT_NEAR(with_card->exchanges[1].card.count(), 6.0, kTolerance);
  EXPECT_NEAR(with_card->exchanges[2].card.count(), 106.0, kTolerance);
  // The card's time does not change the air time, and the totals are the sums.
  EXPECT_NEAR(with_card->transport.count(), without->transport.count(), kTolerance);
  EXPECT_NEAR(with_card->total().count(), without->total().count() + 113.0, kTolerance);
  double sum = 0;
  for (const ExchangeCost& e : with_card->exchanges) sum += e.total().count();
  EXPECT_NEAR(with_card->total().count(), sum, kTolerance);
  EXPECT_EQ(with_card->apdus, 3u);
  EXPECT_EQ(with_card->bytes_sent, 5u + 9u + 57u);
  EXPECT_EQ(with_card->bytes_received, 2u + 2u + 258u);
}

TEST(TransactionModelTest, WaitingTimeExtensionsWhenModelled) {
  // FWI 4: FWT = 256 x 16 x 2^4 / fc = 65536/fc = 4.83 ms. A 10 ms computation needs
  // ceil(10 / 4.83) - 1 = 2 S(WTX) pairs, each PICC S(WTX) (4 bytes: 62 etu), TR2, the PCD's
  // S(WTX) response (62 etu), TR0 + TR1: 7936 + 1792 + 7936 + 2304 = 19968/fc.
  CardTimings t = NoCardTime();
  t.per_command = Millis(10);
  auto plain = ModelTrace({SizedExchange(5, 2)}, {}, t);
  auto wtx = ModelTrace({SizedExchange(5, 2)}, {.fwi = 4}, t);
  auto long_fwt = ModelTrace({SizedExchange(5, 2)}, {.fwi = 14}, t);
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(wtx, IsOk());
  ASSERT_THAT(long_fwt, IsOk());
  EXPECT_EQ(plain->exchanges[0].wtx_requests, 0);
  EXPECT_EQ(wtx->exchanges[0].wtx_requests, 2);
  EXPECT_EQ(long_fwt->exchanges[0].wtx_requests, 0);
  EXPECT_NEAR((wtx->transport - plain->transport).count(), Ms(2 * 19968), kTolerance);
}

TEST(TransactionModelTest, ActivationTypeB) {
  // REQB (3 + CRC_B = 5 bytes, 72 etu), TR0 + TR1, ATQB (12 + 2 = 14 bytes, 162 etu), TR2,
  // ATTRIB (9 + 2 = 11 bytes, 132 etu), TR0 + TR1, answer (1 + 2 = 3 bytes, 52 etu), TR2:
  // (72 + 162 + 132 + 52) x 128 + 2 x (2304 + 1792) = 53504 + 8192 = 61696/fc.
  EXPECT_NEAR(ActivationTime(PiccType::kB).count(), Ms(61696), kTolerance);
}

TEST(TransactionModelTest, ActivationTypeA) {
  // REQA short frame 9 bits, ATQA 2 bytes (20 bits), ANTICOLLISION 2 bytes (20) -> 5 bytes
  // (47), SELECT 9 bytes (83) -> SAK 3 bytes (29), RATS 4 bytes (38) -> ATS 6 + 2 bytes (74):
  // 320 bits x 128 = 40960, plus 4 x (1236 + 1172) = 9632: 50592/fc.
  EXPECT_NEAR(ActivationTime(PiccType::kA, 6).count(), Ms(50592), kTolerance);
}

TEST(TransactionModelTest, PublishedTimingsCoverEveryOperation) {
  const CardTimings t = PublishedJcop4P71Timings();
  EXPECT_FALSE(t.name.empty());
  for (std::size_t i = 0; i < kOnCardOperationCount; ++i) {
    EXPECT_GT(t.operation[i].count(), 0.0) << OnCardOperationName(static_cast<OnCardOperation>(i));
    EXPECT_NE(OnCardOperationName(static_cast<OnCardOperation>(i)), "?") << i;
  }
  // The figures as published (JCAlgTest, JCOP4 P71), so that a slip in a constant shows.
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kRsa2048Sign).count(), 60.68);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kEcdsaP256Sign).count(), 31.96);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kEcdsaP256Verify).count(), 30.22);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kEcdhP256).count(), 20.04);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kPinVerify).count(), 5.72);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kEcKeyGeneration).count(), 26.80);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kSha1Block).count(), 5.34 / 5);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kSha256Block).count(), 7.92 / 5);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kAesBlock).count(), 1.86 / 16);
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kAesSmBlock).count(), 1.86 / 16);
  // Assumption: the Generic Mapping point costs one ECDH (no published figure).
  EXPECT_DOUBLE_EQ(t.Of(OnCardOperation::kPaceGenericMapping).count(), 20.04);
  EXPECT_DOUBLE_EQ(t.per_command.count(), 1.0);
}

TEST(TransactionModelTest, RejectsBadConfigurations) {
  const Trace trace = {SizedExchange(5, 2)};
  EXPECT_THAT(ModelTrace(trace, {.fsc = 15}, NoCardTime()), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ModelTrace(trace, {.fsd = 4097}, NoCardTime()),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ModelTrace(trace, {.fwi = 15}, NoCardTime()), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ModelTrace(trace, {.fwi = -1}, NoCardTime()), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ModelTrace(trace, {.fsc = 16, .fsd = 4096, .fwi = 14}, NoCardTime()), IsOk());
}

TEST(TransactionModelTest, RejectsMalformedExchanges) {
  EXPECT_THAT(ModelTrace({SizedExchange(3, 2)}, {}, NoCardTime()),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("exchange 0")));
  EXPECT_THAT(ModelTrace({SizedExchange(5, 2), SizedExchange(5, 1)}, {}, NoCardTime()),
              StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("exchange 1")));
  EXPECT_THAT(
      ModelTrace({SizedExchange(5, 2, {{OnCardOperation::kEcdhP256, -1}})}, {}, NoCardTime()),
      StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("negative")));
  // An empty trace costs nothing.
  auto empty = ModelTrace({}, {}, PublishedJcop4P71Timings());
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(empty->apdus, 0u);
  EXPECT_EQ(empty->total().count(), 0.0);
}

TEST(TransactionModelTest, CommandLabels) {
  EXPECT_EQ(CommandLabel(Bytes{0x00, 0xA4, 0x04, 0x0C}), "SELECT");
  EXPECT_EQ(CommandLabel(Bytes{0x00, 0xB0, 0x8A, 0x00, 0x00}), "READ BINARY");
  EXPECT_EQ(CommandLabel(Bytes{0x00, 0x20, 0x00, 0x98}), "VERIFY (tries left)");
  EXPECT_EQ(CommandLabel(Bytes{0x00, 0x20, 0x00, 0x98, 0x04, 0x31, 0x32, 0x33, 0x34}), "VERIFY");
  EXPECT_EQ(CommandLabel(Bytes{0x80, 0x2A, 0x00, 0x97, 0x01, 0x00, 0x00}),
            "COMPUTE DIGITAL SIGNATURE");
  EXPECT_EQ(CommandLabel(Bytes{0x00, 0x2A, 0x00, 0xBE}), "PERFORM SECURITY OPERATION");
  EXPECT_EQ(CommandLabel(Bytes{0x0C, 0x86, 0x00, 0x00}), "GENERAL AUTHENTICATE");
  EXPECT_EQ(CommandLabel(Bytes{0x00, 0x12, 0x00, 0x00}), "INS 12");
  EXPECT_EQ(CommandLabel(Bytes{0x00}), "?");
}

}  // namespace
}  // namespace sekisho::bench
