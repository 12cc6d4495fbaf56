#include "gate/batch_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "gate/test_events.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using testing::kTestGate;
using testing::MakeBatch;
using testing::TestGateKey;

class BatchVerifierTest : public ::testing::Test {
 protected:
  Ed25519PrivateKey key_ = TestGateKey();
  GateChainState genesis_ = GateChainState::Genesis(kTestGate);
};

TEST_F(BatchVerifierTest, GenesisState) {
  EXPECT_EQ(genesis_.gate, kTestGate);
  EXPECT_EQ(genesis_.next_sequence, 1u);
  EXPECT_EQ(genesis_.head, GenesisChainHash(kTestGate));
}

TEST_F(BatchVerifierTest, AcceptsConsecutiveBatches) {
  const Batch first = MakeBatch(key_, kTestGate, 1, genesis_.head, 5);
  auto one = VerifyBatch(first, key_.public_key(), genesis_);
  ASSERT_THAT(one.status(), IsOk());
  ASSERT_EQ(one->events.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(one->events[i].sequence, i + 1);
    EXPECT_EQ(one->events[i].gate, kTestGate);
  }
  EXPECT_EQ(one->next, (GateChainState{kTestGate, 6, first.chain_head}));

  const Batch second = MakeBatch(key_, kTestGate, 6, first.chain_head, 3);
  auto two = VerifyBatch(second, key_.public_key(), one->next);
  ASSERT_THAT(two.status(), IsOk());
  EXPECT_EQ(two->next.next_sequence, 9u);
  EXPECT_EQ(two->events.front().sequence, 6u);
}

TEST_F(BatchVerifierTest, WrongGate) {
  const Batch batch = MakeBatch(key_, 8, 1, GenesisChainHash(8), 2);
  EXPECT_THAT(VerifyBatch(batch, key_.public_key(), genesis_),
              StatusIs(StatusCode::kPermissionDenied,
                       "wrong gate: a batch of gate 8 was presented as gate 7's"));
}

TEST_F(BatchVerifierTest, BadShape) {
  Batch batch = MakeBatch(key_, kTestGate, 1, genesis_.head, 2);
  batch.records.pop_back();
  EXPECT_THAT(VerifyBatch(batch, key_.public_key(), genesis_),
              StatusIs(StatusCode::kInvalidArgument, "batch: events 1..2 but 1 records"));
}

TEST_F(BatchVerifierTest, EveryFlippedSignatureBitIsRejected) {
  const Batch batch = MakeBatch(key_, kTestGate, 1, genesis_.head, 2);
  for (std::size_t bit = 0; bit < batch.signature.size() * 8; ++bit) {
    Batch bad = batch;
    bad.signature[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_THAT(VerifyBatch(bad, key_.public_key(), genesis_),
                StatusIs(StatusCode::kUnauthenticated,
                         "gate 7 batch of events 1..2: the signature does not verify with the "
                         "gate's key"))
        << bit;
  }
}

TEST_F(BatchVerifierTest, EveryFlippedRecordOrHeadBitIsRejected) {
  const Batch batch = MakeBatch(key_, kTestGate, 1, genesis_.head, 2);
  for (std::size_t bit = 0; bit < batch.records[1].size() * 8; ++bit) {
    Batch bad = batch;
    bad.records[1][bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_THAT(VerifyBatch(bad, key_.public_key(), genesis_),
                StatusIs(StatusCode::kUnauthenticated))
        << bit;
  }
  for (std::size_t bit = 0; bit < batch.chain_head.size() * 8; ++bit) {
    Batch bad = batch;
    bad.chain_head[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_THAT(VerifyBatch(bad, key_.public_key(), genesis_),
                StatusIs(StatusCode::kUnauthenticated))
        << bit;
  }
}

TEST_F(BatchVerifierTest, AnotherKeyIsRejected) {
  const Batch batch = MakeBatch(TestGateKey(2), kTestGate, 1, genesis_.head, 2);
  EXPECT_THAT(VerifyBatch(batch, key_.public_key(), genesis_),
              StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(BatchVerifierTest, Duplicate) {
  const Batch batch = MakeBatch(key_, kTestGate, 1, genesis_.head, 4);
  auto one = VerifyBatch(batch, key_.public_key(), genesis_);
  ASSERT_THAT(one.status(), IsOk());
  EXPECT_THAT(VerifyBatch(batch, key_.public_key(), one->next),
              StatusIs(StatusCode::kAlreadyExists,
                       "gate 7 batch of events 1..4: duplicate; events up to 4 have been "
                       "received already (next expected: 5)"));
  // A batch overlapping the end of what was received is a duplicate too.
  const Batch overlap = MakeBatch(key_, kTestGate, 3, genesis_.head, 4);
  EXPECT_THAT(VerifyBatch(overlap, key_.public_key(), one->next),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("duplicate")));
}

TEST_F(BatchVerifierTest, SequenceGap) {
  const Batch batch = MakeBatch(key_, kTestGate, 4, genesis_.head, 2);
  EXPECT_THAT(VerifyBatch(batch, key_.public_key(), genesis_),
              StatusIs(StatusCode::kFailedPrecondition,
                       "gate 7 batch of events 4..5: sequence gap; events 1..3 have not been "
                       "received"));
}

TEST_F(BatchVerifierTest, ChainBreak) {
  // Well signed and numbered, but chained from another head than the server holds: events were
  // dropped or replaced before this batch.
  ChainHash other = genesis_.head;
  other[0] ^= 1;
  const Batch batch = MakeBatch(key_, kTestGate, 1, other, 3);
  EXPECT_THAT(VerifyBatch(batch, key_.public_key(), genesis_),
              StatusIs(StatusCode::kDataLoss,
                       "gate 7 batch of events 1..3: chain break at sequence 1; the batch does "
                       "not continue the chain the server holds up to sequence 0"));
}

TEST_F(BatchVerifierTest, SignedButMalformedRecords) {
  Batch batch = MakeBatch(key_, kTestGate, 1, genesis_.head, 3);
  batch.records[1] = {0x02, 0x01};  // a record of an unknown version
  ASSERT_THAT(SignBatch(batch, key_), IsOk());
  EXPECT_THAT(VerifyBatch(batch, key_.public_key(), genesis_),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("gate 7 batch of events 1..3, event 2: event: format version")));

  // A record of the right gate numbered for another place.
  Batch swapped = MakeBatch(key_, kTestGate, 1, genesis_.head, 3);
  std::swap(swapped.records[0], swapped.records[2]);
  ASSERT_THAT(SignBatch(swapped, key_), IsOk());
  EXPECT_THAT(
      VerifyBatch(swapped, key_.public_key(), genesis_),
      StatusIs(StatusCode::kInvalidArgument,
               "gate 7 batch of events 1..3: the record at sequence 1 is event 3 of gate 7"));
}

TEST_F(BatchVerifierTest, NoBitFlipOfAnEncodedBatchIsAccepted) {
  const Batch batch = MakeBatch(key_, kTestGate, 1, genesis_.head, 2);
  const Bytes encoded = EncodeBatch(batch).value();
  for (std::size_t bit = 0; bit < encoded.size() * 8; ++bit) {
    Bytes bad = encoded;
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto decoded = DecodeBatch(bad);
    if (!decoded.ok()) {
      EXPECT_THAT(decoded.status(), StatusIs(StatusCode::kInvalidArgument)) << bit;
      continue;
    }
    EXPECT_THAT(VerifyBatch(*decoded, key_.public_key(), genesis_), ::testing::Not(IsOk())) << bit;
  }
}

}  // namespace
}  // namespace sekisho::gate
