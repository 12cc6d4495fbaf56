#include "gate/batch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "gate/test_events.h"
#include "gate/wire.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using testing::kTestGate;
using testing::MakeBatch;
using testing::TestGateKey;

Batch Sample(std::size_t count = 3) {
  return MakeBatch(TestGateKey(), kTestGate, 1, GenesisChainHash(kTestGate), count);
}

Bytes Encoded(const Batch& batch) {
  auto bytes = EncodeBatch(batch);
  EXPECT_THAT(bytes.status(), IsOk());
  return bytes.ok() ? *bytes : Bytes();
}

TEST(BatchTest, LayoutAsDocumented) {
  const Batch batch = Sample(2);
  const Bytes encoded = Encoded(batch);
  Bytes expected;
  PutU8(expected, 1);
  PutU32(expected, kTestGate);
  PutU64(expected, 1);
  PutU64(expected, 2);
  Append(expected, batch.chain_head);
  for (const Bytes& record : batch.records) {
    PutU16(expected, static_cast<std::uint16_t>(record.size()));
    Append(expected, record);
  }
  Append(expected, batch.signature);
  EXPECT_EQ(encoded, expected);
  // The signed message is the label and everything before the signature.
  Bytes message = ToBytes("sekisho/gate-batch/v1");
  Append(message, ByteView(encoded).first(encoded.size() - kEd25519SignatureSize));
  EXPECT_EQ(BatchSigningMessage(batch), message);
  EXPECT_THAT(TestGateKey().public_key().Verify(message, batch.signature), IsOk());
}

TEST(BatchTest, RoundTrips) {
  for (std::size_t count : {1u, 2u, 17u, 300u}) {
    const Batch batch = Sample(count);
    const Bytes encoded = Encoded(batch);
    auto decoded = DecodeBatch(encoded);
    ASSERT_THAT(decoded.status(), IsOk()) << count;
    EXPECT_EQ(*decoded, batch);
    EXPECT_EQ(Encoded(*decoded), encoded);
  }
}

TEST(BatchTest, EveryTruncationIsRefused) {
  const Bytes encoded = Encoded(Sample(2));
  for (std::size_t n = 0; n < encoded.size(); ++n) {
    EXPECT_THAT(DecodeBatch(ByteView(encoded).first(n)),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("batch: truncated reading")))
        << n;
  }
}

TEST(BatchTest, TrailingBytesAreRefused) {
  Bytes encoded = Encoded(Sample(1));
  encoded.push_back(0);
  EXPECT_THAT(DecodeBatch(encoded),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("1 trailing bytes")));
}

TEST(BatchTest, HeaderFieldsAreChecked) {
  const Bytes good = Encoded(Sample(2));
  struct Case {
    std::size_t offset;
    std::uint8_t value;
    const char* message;
  };
  const Case cases[] = {
      {0, 2,
       "batch: format version at offset 0: version 2 is not supported (this build reads "
       "version 1)"},
      {4, 0, "batch: gate id at offset 1: 0 is not a gate"},  // gate 7 -> 0
      {12, 0, "batch: first sequence at offset 5: sequence numbers start at 1"},
      {20, 0, "batch: last sequence at offset 13: 0 is before the first sequence 1"},
      {19, 0x10, "batch: last sequence at offset 13: events 1..4098 are more than 4096"},
      {18, 0x10, "batch: last sequence at offset 13: events 1..1048578 are more than 4096"},
  };
  for (const Case& c : cases) {
    Bytes bad = good;
    bad[c.offset] = c.value;
    EXPECT_THAT(DecodeBatch(bad), StatusIs(StatusCode::kInvalidArgument, c.message)) << c.message;
  }
}

TEST(BatchTest, RecordLengthsAreChecked) {
  const Bytes good = Encoded(Sample(2));
  Bytes zero = good;
  zero[53] = 0;
  zero[54] = 0;
  EXPECT_THAT(DecodeBatch(zero),
              StatusIs(StatusCode::kInvalidArgument,
                       "batch: record of event 1 at offset 53: length 0 (1..1024 allowed)"));
  Bytes huge = good;
  huge[53] = 0x04;
  huge[54] = 0x01;
  EXPECT_THAT(DecodeBatch(huge),
              StatusIs(StatusCode::kInvalidArgument,
                       "batch: record of event 1 at offset 53: length 1025 (1..1024 allowed)"));
  Bytes longer = good;
  longer[54] = static_cast<std::uint8_t>(longer[54] + 1);  // swallows a byte of the next record
  EXPECT_THAT(DecodeBatch(longer), StatusIs(StatusCode::kInvalidArgument));
}

TEST(BatchTest, EncodeChecksTheShape) {
  struct Case {
    const char* message;
    void (*change)(Batch&);
  };
  const Case cases[] = {
      {"batch: gate id 0 is not a gate", [](Batch& b) { b.gate = 0; }},
      {"batch: sequence numbers start at 1", [](Batch& b) { b.first_sequence = 0; }},
      {"batch: last sequence 0 is before the first 1", [](Batch& b) { b.last_sequence = 0; }},
      {"batch: events 1..3 but 2 records", [](Batch& b) { b.records.pop_back(); }},
      {"batch: record of event 2 has 0 bytes (1..1024 allowed)",
       [](Batch& b) { b.records[1].clear(); }},
      {"batch: a signature is 64 bytes, got 63", [](Batch& b) { b.signature.pop_back(); }},
      {"batch: events 1..4097 are more than 4096",
       [](Batch& b) { b.last_sequence = kMaxBatchEvents + 1; }},
  };
  for (const Case& c : cases) {
    Batch batch = Sample(3);
    c.change(batch);
    EXPECT_THAT(EncodeBatch(batch), StatusIs(StatusCode::kInvalidArgument, c.message)) << c.message;
  }
  Batch unsigned_batch = Sample(3);
  unsigned_batch.records.pop_back();
  EXPECT_THAT(SignBatch(unsigned_batch, TestGateKey()),
              StatusIs(StatusCode::kInvalidArgument, "batch: events 1..3 but 2 records"));
}

}  // namespace
}  // namespace sekisho::gate
