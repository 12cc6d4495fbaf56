#include "bench/badge_door_trace.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/status_matchers.h"

namespace sekisho::bench {
namespace {

using ::sekisho::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

// `hex` followed by `n` bytes of 0xA5 (cryptograms, MACs, points: their values do not matter).
Bytes HexThen(std::string_view hex, std::size_t n, std::string_view tail = "") {
  Bytes b = Hex(hex);
  b.insert(b.end(), n, 0xA5);
  const Bytes t = Hex(tail);
  b.insert(b.end(), t.begin(), t.end());
  return b;
}

int CountIn(const TraceExchange& x, OnCardOperation op) {
  int n = 0;
  for (const CardWork& w : x.work) n += w.op == op ? w.count : 0;
  return n;
}

std::vector<std::string> Labels(const Trace& trace) {
  std::vector<std::string> labels;
  for (const TraceExchange& x : trace) labels.push_back(x.label);
  return labels;
}

bool SameWork(const std::vector<CardWork>& a, const std::vector<CardWork>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].op != b[i].op || a[i].count != b[i].count) return false;
  }
  return true;
}

// The 17 steps of docs/decisions/badge-eac-sequence.md, in order.
std::vector<std::string> ExpectedSequence(bool pin) {
  return {"SELECT",
          pin ? "MSE:SET AT (PACE, PIN)" : "MSE:SET AT (PACE, CAN)",
          "GENERAL AUTHENTICATE (PACE 1)",
          "GENERAL AUTHENTICATE (PACE 2)",
          "GENERAL AUTHENTICATE (PACE 3)",
          "GENERAL AUTHENTICATE (PACE 4)",
          "MSE:SET DST (CVCA)",
          "PSO:VERIFY CERTIFICATE (DV)",
          "MSE:SET DST (DV)",
          "PSO:VERIFY CERTIFICATE (terminal)",
          "MSE:SET AT (TA)",
          "GET CHALLENGE",
          "EXTERNAL AUTHENTICATE",
          "MSE:SET AT (CA)",
          "GENERAL AUTHENTICATE (CA)",
          "MSE:SET AT (RI)",
          "GENERAL AUTHENTICATE (RI)"};
}

TEST(SecureMessagingBlocksTest, CountsMacIvAndCipherBlocksOfBothDirections) {
  // MSE:SET DST with DO 87 (01 + one cryptogram block, 19 bytes) and DO 8E: the MAC over
  // SSC 16 + header 16 + 19 bytes, padded to 64: 4 blocks; IV and one block decrypted: 2.
  // Its answer DO 99 + DO 8E: the MAC over SSC 16 + 4 bytes, padded to 32: 2 blocks.
  const Exchange exchange{HexThen("0C 22 81 B6 1D 87 11 01", 16, "8E 08 A5A5A5A5A5A5A5A5"),
                          Hex("99 02 90 00 8E 08 A5A5A5A5A5A5A5A5 90 00")};
  EXPECT_EQ(SecureMessagingBlocks(exchange), 8);
  // A refusal in clear (6988) adds nothing to the command's 6 blocks.
  EXPECT_EQ(SecureMessagingBlocks({exchange.command, Hex("69 88")}), 6);
}

TEST(SecureMessagingBlocksTest, RefusesWhatIsNotSecureMessaging) {
  // Plain class.
  EXPECT_EQ(SecureMessagingBlocks({Hex("00 22 81 B6 03 83 01 00"), Hex("90 00")}), std::nullopt);
  // A cryptogram that is not whole blocks (01 + 15 bytes).
  EXPECT_EQ(SecureMessagingBlocks({HexThen("0C 22 81 B6 12 87 10 01", 15), Hex("90 00")}),
            std::nullopt);
  // Data objects that overrun the data field.
  EXPECT_EQ(SecureMessagingBlocks({Hex("0C 22 81 B6 03 87 11 01"), Hex("90 00")}), std::nullopt);
  // A command that is not an APDU at all.
  EXPECT_EQ(SecureMessagingBlocks({Hex("0C 22"), Hex("90 00")}), std::nullopt);
}

TEST(BadgeDoorTraceTest, MapsAHandWrittenRecordingToExactlyItsWork) {
  const Bytes mac = Hex("8E 08 A5A5A5A5A5A5A5A5");
  const Bytes protected_ok = Hex("99 02 90 00 8E 08 A5A5A5A5A5A5A5A5 90 00");
  const std::vector<Exchange> recording = {
      {Hex("00 A4 04 0C 0B D3 92 F0 00 4F 42 41 44 47 45 31"), Hex("90 00")},
      {Hex("00 22 C1 A4 0F 80 0A 04 00 7F 00 07 02 02 04 02 02 83 01 03"), Hex("90 00")},
      {Hex("10 86 00 00 02 7C 00 00"), HexThen("7C 12 80 10", 16, "90 00")},
      {HexThen("00 86 00 00 0C 7C 0A 85 08", 8, "00"), HexThen("7C 0A 86 08", 8, "90 00")},
      // MSE:SET DST: 6 + 2 SM blocks (SecureMessagingBlocksTest).
      {HexThen("0C 22 81 B6 1D 87 11 01", 16, "8E 08 A5A5A5A5A5A5A5A5"), protected_ok},
      // EXTERNAL AUTHENTICATE refused in clear: DO 87 of 01 + 64 bytes, MAC over
      // 32 + 67 -> 112 bytes (7 blocks), IV + 4 blocks: 12.
      {HexThen("0C 82 00 00 4D 87 41 01", 64, "8E 08 A5A5A5A5A5A5A5A5"), Hex("69 88")},
      // GENERAL AUTHENTICATE (CA): DO 87 (01 + 80 bytes), DO 97, DO 8E: MAC over 32 + 83 + 3 =
      // 118 -> 128 (8 blocks), IV + 5: 14. Answer DO 87 (01 + 32), DO 99, DO 8E: MAC over
      // 16 + 35 + 4 = 55 -> 64 (4 blocks), IV + 2: 7. Total 21.
      {HexThen("0C 86 00 00 60 87 51 01", 80, "97 01 00 8E 08 A5A5A5A5A5A5A5A5 00"),
       HexThen("87 21 01", 32, "99 02 90 00 8E 08 A5A5A5A5A5A5A5A5 90 00")},
      // GENERAL AUTHENTICATE (RI), the same sizes.
      {HexThen("0C 86 00 00 60 87 51 01", 80, "97 01 00 8E 08 A5A5A5A5A5A5A5A5 00"),
       HexThen("87 21 01", 32, "99 02 90 00 8E 08 A5A5A5A5A5A5A5A5 90 00")},
      // Not a step of the sequence.
      {Hex("00 CA 01 01 00"), Hex("6A 88")},
  };
  const Trace trace = BadgeTraceFrom(recording);
  ASSERT_EQ(trace.size(), recording.size());
  EXPECT_THAT(
      Labels(trace),
      ElementsAre("SELECT", "MSE:SET AT (PACE, PIN)", "GENERAL AUTHENTICATE (PACE 1)",
                  "GENERAL AUTHENTICATE (PACE 4)", "MSE:SET DST (CVCA)", "EXTERNAL AUTHENTICATE",
                  "GENERAL AUTHENTICATE (CA)", "GENERAL AUTHENTICATE (RI)", "GET DATA"));
  using Op = OnCardOperation;
  const std::vector<std::vector<CardWork>> expected = {
      {},
      {},
      {{Op::kSha1Block, 1}, {Op::kAesBlock, 1}},
      // Two CMACs over the 82-byte public-key data object (6 blocks each) and the subkey; the
      // PIN's retry counter because MSE:SET AT named the PIN.
      {{Op::kSha1Block, 2}, {Op::kAesBlock, 13}, {Op::kPinVerify, 1}},
      {{Op::kAesSmBlock, 8}},
      {{Op::kEcdsaP256Verify, 1}, {Op::kAesSmBlock, 12}},
      {{Op::kEcdhP256, 1}, {Op::kSha1Block, 2}, {Op::kAesBlock, 7}, {Op::kAesSmBlock, 21}},
      {{Op::kEcdhP256, 1}, {Op::kSha256Block, 1}, {Op::kAesSmBlock, 21}},
      {},
  };
  for (std::size_t i = 0; i < trace.size(); ++i) {
    EXPECT_TRUE(SameWork(trace[i].work, expected[i])) << i << " " << trace[i].label;
    EXPECT_EQ(trace[i].command_size, recording[i].command.size()) << i;
    EXPECT_EQ(trace[i].response_size, recording[i].response.size()) << i;
  }
}

TEST(BadgeDoorTraceTest, PaceWithTheCanCostsNoRetryCounter) {
  const std::vector<Exchange> recording = {
      {Hex("00 22 C1 A4 0F 80 0A 04 00 7F 00 07 02 02 04 02 02 83 01 02"), Hex("90 00")},
      {HexThen("00 86 00 00 0C 7C 0A 85 08", 8, "00"), HexThen("7C 0A 86 08", 8, "90 00")},
  };
  const Trace trace = BadgeTraceFrom(recording);
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_EQ(trace[0].label, "MSE:SET AT (PACE, CAN)");
  EXPECT_EQ(CountIn(trace[1], OnCardOperation::kPinVerify), 0);
  EXPECT_EQ(CountIn(trace[1], OnCardOperation::kAesBlock), 13);
}

// What the recorded gate sequence must look like, step by step.
void CheckRecordedSequence(const Trace& trace, bool pin) {
  ASSERT_THAT(Labels(trace), ElementsAreArray(ExpectedSequence(pin)));
  // Sizes (command, response) in windows that the protocol fixes: SELECT with the 11-byte AID;
  // the PACE steps carry 16-byte nonces, 65-byte points and 8-byte tokens in clear; each step
  // under SM adds DO 87/97/99/8E, and Le 00 (the answer always carries DO 99 and DO 8E); the
  // certificates are about 200-260 bytes.
  struct Window {
    std::size_t command_min, command_max, response_min, response_max;
  };
  const Window windows[17] = {
      {16, 16, 2, 2},      // SELECT
      {20, 20, 2, 2},      // MSE:SET AT (PACE)
      {8, 8, 22, 22},      // GA 1: 7C 12 80 10 nonce
      {75, 75, 71, 71},    // GA 2: 7C 43 81 41 point
      {75, 75, 71, 71},    // GA 3
      {18, 18, 14, 14},    // GA 4: 7C 0A 85 08 token
      {30, 62, 16, 16},    // SET DST: CAR of ~10 bytes in one or two blocks; 99 + 8E + SW
      {200, 320, 16, 16},  // PSO: DV certificate
      {30, 62, 16, 16},    // SET DST
      {200, 320, 16, 16},  // PSO: terminal certificate
      {62, 94, 16, 16},    // SET AT (TA): OID, CHR, Comp(key) = 32 bytes
      {19, 19, 35, 35},    // GET CHALLENGE: 97 + 8E, Le; 87 (01 + 16) + 99 + 8E + SW
      {99, 99, 16, 16},    // EXTERNAL AUTHENTICATE: 64-byte signature padded to 5 blocks
      {35, 35, 16, 16},    // SET AT (CA): OID and key id, 15 bytes in one block
      {102, 102, 35, 51},  // GA (CA): 7C 43 80 41 point in 5 blocks; 7C {81 nonce, 82 token}
      {35, 35, 16, 16},    // SET AT (RI)
      {102, 102, 67, 67},  // GA (RI): 7C 45 A0 43 86 41 point; 7C 22 81 20 identifier
  };
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const TraceExchange& x = trace[i];
    EXPECT_GE(x.command_size, windows[i].command_min) << x.label;
    EXPECT_LE(x.command_size, windows[i].command_max) << x.label;
    EXPECT_GE(x.response_size, windows[i].response_min) << x.label;
    EXPECT_LE(x.response_size, windows[i].response_max) << x.label;
    // Secure messaging from step 7 on, and only there.
    EXPECT_EQ(CountIn(x, OnCardOperation::kAesSmBlock) > 0, i >= 6) << x.label;
  }
  using Op = OnCardOperation;
  // Cryptography by step (TR-03110-2 §3.2-3.5).
  EXPECT_EQ(CountIn(trace[3], Op::kEcKeyGeneration), 1);
  EXPECT_EQ(CountIn(trace[3], Op::kPaceGenericMapping), 1);
  EXPECT_EQ(CountIn(trace[4], Op::kEcKeyGeneration), 1);
  EXPECT_EQ(CountIn(trace[5], Op::kAesBlock), 13);
  EXPECT_EQ(CountIn(trace[5], Op::kPinVerify), pin ? 1 : 0);
  EXPECT_EQ(CountIn(trace[7], Op::kCvCertificateVerify), 1);
  EXPECT_EQ(CountIn(trace[9], Op::kCvCertificateVerify), 1);
  EXPECT_EQ(CountIn(trace[12], Op::kEcdsaP256Verify), 1);
  EXPECT_EQ(CountIn(trace[14], Op::kEcdhP256), 1);
  EXPECT_EQ(CountIn(trace[16], Op::kEcdhP256), 1);
  EXPECT_EQ(CountIn(trace[16], Op::kSha256Block), 1);
  // Totals: ECDH in PACE 2 and 3, CA and RI; SHA-1 for K_pi, PACE's and CA's keys.
  EXPECT_EQ(OperationCount(trace, Op::kEcdhP256), 4);
  EXPECT_EQ(OperationCount(trace, Op::kEcKeyGeneration), 2);
  EXPECT_EQ(OperationCount(trace, Op::kCvCertificateVerify), 2);
  EXPECT_EQ(OperationCount(trace, Op::kEcdsaP256Verify), 1);
  EXPECT_EQ(OperationCount(trace, Op::kSha1Block), 5);
  EXPECT_EQ(OperationCount(trace, Op::kRsa2048Sign), 0);
  // The steps without cryptography of their own have none.
  for (std::size_t i : {0u, 1u, 6u, 8u, 10u, 11u, 13u, 15u}) {
    for (const CardWork& w : trace[i].work) {
      EXPECT_EQ(w.op, Op::kAesSmBlock) << trace[i].label;
    }
  }
}

TEST(BadgeDoorTraceTest, PlainChipAuthenticationIsCaThenTheProtectedOneIsRi) {
  // The card-only order: MSE:SET AT 00 22 41 A4 and GENERAL AUTHENTICATE in plain are CA, so
  // the protected 0C 22 41 A4 / 0C 86 that follow are RI.
  const Bytes mac = Hex("8E 08 A5A5A5A5A5A5A5A5");
  const std::vector<Exchange> recording = {
      {Hex("00 22 41 A4 0F 80 0A 04 00 7F 00 07 02 02 03 02 02 84 01 01"), Hex("90 00")},
      {HexThen("00 86 00 00 45 7C 43 80 41", 65, "00"),
       HexThen("7C 14 81 08", 8, "82 08 A5A5A5A5A5A5A5A5 90 00")},
      {HexThen("0C 22 41 A4 1D 87 11 01", 16, "8E 08 A5A5A5A5A5A5A5A5"),
       Hex("99 02 90 00 8E 08 A5A5A5A5A5A5A5A5 90 00")},
      {HexThen("0C 86 00 00 60 87 51 01", 80, "97 01 00 8E 08 A5A5A5A5A5A5A5A5 00"),
       HexThen("87 21 01", 32, "99 02 90 00 8E 08 A5A5A5A5A5A5A5A5 90 00")},
  };
  const Trace trace = BadgeTraceFrom(recording);
  ASSERT_EQ(trace.size(), 4u);
  EXPECT_THAT(Labels(trace), ElementsAre("MSE:SET AT (CA)", "GENERAL AUTHENTICATE (CA)",
                                         "MSE:SET AT (RI)", "GENERAL AUTHENTICATE (RI)"));
  using Op = OnCardOperation;
  // CA in plain: the ECDH, the keys, the token, and no secure-messaging block.
  EXPECT_TRUE(
      SameWork(trace[1].work, {{Op::kEcdhP256, 1}, {Op::kSha1Block, 2}, {Op::kAesBlock, 7}}));
  EXPECT_TRUE(
      SameWork(trace[3].work, {{Op::kEcdhP256, 1}, {Op::kSha256Block, 1}, {Op::kAesSmBlock, 21}}));
}

// The 12 steps of the card-only door (docs/decisions/badge-eac-sequence.md), in order.
std::vector<std::string> ExpectedCardOnlySequence() {
  return {"SELECT",
          "MSE:SET AT (CA)",
          "GENERAL AUTHENTICATE (CA)",
          "MSE:SET DST (CVCA)",
          "PSO:VERIFY CERTIFICATE (DV)",
          "MSE:SET DST (DV)",
          "PSO:VERIFY CERTIFICATE (terminal)",
          "MSE:SET AT (TA)",
          "GET CHALLENGE",
          "EXTERNAL AUTHENTICATE",
          "MSE:SET AT (RI)",
          "GENERAL AUTHENTICATE (RI)"};
}

TEST(BadgeDoorTraceTest, RecordsTheGatesCardOnlySequence) {
  auto recording = RecordBadgeAuthentication(BadgeDoor::kCardOnly);
  ASSERT_THAT(recording, IsOk());
  const Trace trace = BadgeTraceFrom(*recording);
  ASSERT_THAT(Labels(trace), ElementsAreArray(ExpectedCardOnlySequence()));
  // No PACE and no file read: SELECT and CA in plain, everything else under CA's SM.
  struct Window {
    std::size_t command_min, command_max, response_min, response_max;
  };
  const Window windows[12] = {
      {16, 16, 2, 2},      // SELECT
      {20, 20, 2, 2},      // MSE:SET AT (CA): 80 CA OID, 84 01, in clear
      {75, 75, 24, 40},    // GA (CA): 7C 43 80 41 point, Le; 7C {81 nonce, 82 token}
      {30, 62, 16, 16},    // SET DST
      {200, 320, 16, 16},  // PSO: DV certificate
      {30, 62, 16, 16},    // SET DST
      {200, 320, 16, 16},  // PSO: terminal certificate
      {62, 94, 16, 16},    // SET AT (TA)
      {19, 19, 35, 35},    // GET CHALLENGE
      {99, 99, 16, 16},    // EXTERNAL AUTHENTICATE
      {35, 35, 16, 16},    // SET AT (RI)
      {102, 102, 67, 67},  // GA (RI)
  };
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const TraceExchange& x = trace[i];
    EXPECT_GE(x.command_size, windows[i].command_min) << x.label;
    EXPECT_LE(x.command_size, windows[i].command_max) << x.label;
    EXPECT_GE(x.response_size, windows[i].response_min) << x.label;
    EXPECT_LE(x.response_size, windows[i].response_max) << x.label;
    EXPECT_EQ(CountIn(x, OnCardOperation::kAesSmBlock) > 0, i >= 3) << x.label;
  }
  using Op = OnCardOperation;
  EXPECT_EQ(CountIn(trace[2], Op::kEcdhP256), 1);
  EXPECT_EQ(CountIn(trace[2], Op::kAesBlock), 7);
  EXPECT_EQ(CountIn(trace[4], Op::kCvCertificateVerify), 1);
  EXPECT_EQ(CountIn(trace[6], Op::kCvCertificateVerify), 1);
  EXPECT_EQ(CountIn(trace[9], Op::kEcdsaP256Verify), 1);
  EXPECT_EQ(CountIn(trace[11], Op::kSha256Block), 1);
  // Totals: ECDH only in CA and RI; no key generation (no PACE), no PIN.
  EXPECT_EQ(OperationCount(trace, Op::kEcdhP256), 2);
  EXPECT_EQ(OperationCount(trace, Op::kEcKeyGeneration), 0);
  EXPECT_EQ(OperationCount(trace, Op::kPaceGenericMapping), 0);
  EXPECT_EQ(OperationCount(trace, Op::kPinVerify), 0);
  EXPECT_EQ(OperationCount(trace, Op::kCvCertificateVerify), 2);
  EXPECT_EQ(OperationCount(trace, Op::kEcdsaP256Verify), 1);
  EXPECT_EQ(OperationCount(trace, Op::kSha1Block), 2);
}

TEST(BadgeDoorTraceTest, RecordsThePinSequenceUnchanged) {
  auto pin = RecordBadgeAuthentication(BadgeDoor::kCardAndPin);
  ASSERT_THAT(pin, IsOk());
  ASSERT_EQ(pin->size(), 17u);
  CheckRecordedSequence(BadgeTraceFrom(*pin), true);
}

}  // namespace
}  // namespace sekisho::bench
