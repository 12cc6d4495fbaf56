#include "sync/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/status_matchers.h"
#include "sync/test_key_chain.h"

namespace sekisho::sync {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

Bytes Hex(std::string_view hex) {
  auto bytes = FromHex(hex);
  EXPECT_THAT(bytes, IsOk());
  return bytes.ok() ? *bytes : Bytes{};
}

Bytes Encode(const Message& message) {
  auto wire = EncodeMessage(message);
  EXPECT_THAT(wire, IsOk());
  return wire.ok() ? *wire : Bytes{};
}

KeyChain SampleChain() { return testing::MakeTestKeyChain("acme-corp", 2).chain; }

std::vector<Message> Samples() {
  return {
      Hello{.protocol_version = 1, .gate = 7, .policy_version = 3, .acknowledged_sequence = 40},
      SnapshotMessage{Bytes{1, 2, 3}},
      DeltaMessage{Bytes{4, 5}},
      PolicyApplied{12},
      BatchMessage{Bytes{9, 9, 9, 9}},
      Ack{41},
      BatchRefused{RefusalReason::kSequenceGap, 41, "expected 41"},
      ErrorMessage{StatusCode::kPermissionDenied, "gate 7 is revoked"},
      KeyRolloverMessage{SampleChain()},
  };
}

// Known answers: the byte layouts of docs/formats/sync-protocol.md.
TEST(MessageTest, EncodesTheDocumentedBytes) {
  EXPECT_EQ(Encode(Hello{.protocol_version = 1,
                         .gate = 0x01020304,
                         .policy_version = 5,
                         .acknowledged_sequence = 0x0A0B}),
            Hex("01 01 01020304 0000000000000005 0000000000000A0B"));
  EXPECT_EQ(Encode(SnapshotMessage{Bytes{0xAA, 0xBB}}), Hex("02 AABB"));
  EXPECT_EQ(Encode(DeltaMessage{Bytes{0xCC}}), Hex("03 CC"));
  EXPECT_EQ(Encode(PolicyApplied{0x0102}), Hex("04 0000000000000102"));
  EXPECT_EQ(Encode(BatchMessage{Bytes{0x01, 0x00}}), Hex("05 0100"));
  EXPECT_EQ(Encode(Ack{7}), Hex("06 0000000000000007"));
  EXPECT_EQ(Encode(BatchRefused{RefusalReason::kSequenceGap, 9, "gap"}),
            Hex("07 01 0000000000000009 0003 676170"));
  EXPECT_EQ(Encode(ErrorMessage{StatusCode::kDataLoss, "x"}), Hex("08 09 0001 78"));
  EXPECT_EQ(Encode(ErrorMessage{StatusCode::kUnauthenticated, ""}), Hex("08 04 0000"));
  const KeyChain chain{
      .organisation = "ab",
      .first_key = Bytes(32, 0x11),
      .rollovers = {{.sequence = 1, .key = Bytes(32, 0x22), .signature = Bytes(64, 0x33)}}};
  EXPECT_EQ(Encode(KeyRolloverMessage{chain}),
            Hex("09 02 6162" + std::string(64, '1') + " 0001 0000000000000001" +
                std::string(64, '2') + std::string(128, '3')));
}

TEST(MessageTest, EveryTypeRoundTrips) {
  for (const Message& message : Samples()) {
    const Bytes wire = Encode(message);
    ASSERT_FALSE(wire.empty());
    EXPECT_EQ(wire[0], static_cast<std::uint8_t>(TypeOf(message)));
    auto decoded = DecodeMessage(wire);
    ASSERT_THAT(decoded, IsOk()) << MessageTypeName(TypeOf(message));
    EXPECT_EQ(*decoded, message);
    EXPECT_EQ(Encode(*decoded), wire);
  }
}

TEST(MessageTest, NamesEveryType) {
  EXPECT_EQ(MessageTypeName(MessageType::kHello), "hello");
  EXPECT_EQ(MessageTypeName(MessageType::kPolicyApplied), "policy-applied");
  EXPECT_EQ(MessageTypeName(MessageType::kBatchRefused), "batch-refused");
  EXPECT_EQ(MessageTypeName(MessageType::kKeyRollover), "key-rollover");
  EXPECT_EQ(MessageTypeName(static_cast<MessageType>(99)), "unknown");
}

TEST(MessageTest, RefusesEmptyAndUnknownTypes) {
  EXPECT_THAT(DecodeMessage(Bytes{}).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: empty message"));
  EXPECT_THAT(DecodeMessage(Hex("00 00")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: unknown message type 0"));
  EXPECT_THAT(DecodeMessage(Hex("0A")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: unknown message type 10"));
  EXPECT_THAT(DecodeMessage(Hex("FF 00")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: unknown message type 255"));
}

// Every proper prefix of a fixed-size or text-carrying message is refused as truncated, naming
// the message type and where the bytes ran out.
TEST(MessageTest, RefusesEveryTruncation) {
  for (const Message& message : Samples()) {
    const MessageType type = TypeOf(message);
    if (type == MessageType::kSnapshot || type == MessageType::kDelta ||
        type == MessageType::kBatch) {
      continue;  // their payload is the rest of the message; see RefusesEmptyPayloads
    }
    const Bytes wire = Encode(message);
    for (std::size_t n = 1; n < wire.size(); ++n) {
      auto decoded = DecodeMessage(ByteView(wire).first(n));
      EXPECT_THAT(decoded.status(), StatusIs(StatusCode::kInvalidArgument))
          << MessageTypeName(type) << " cut to " << n;
    }
  }
  EXPECT_THAT(DecodeMessage(Hex("01 01 00000007")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: hello: truncated at offset 6"));
  EXPECT_THAT(
      DecodeMessage(Hex("07 01 0000000000000009 0005 6761")).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: batch-refused: truncated at offset 14"));
}

TEST(MessageTest, RefusesTrailingBytes) {
  for (const Message& message : Samples()) {
    const MessageType type = TypeOf(message);
    if (type == MessageType::kSnapshot || type == MessageType::kDelta ||
        type == MessageType::kBatch) {
      continue;
    }
    Bytes wire = Encode(message);
    const std::size_t size = wire.size();
    wire.push_back(0);
    EXPECT_THAT(DecodeMessage(wire).status(),
                StatusIs(StatusCode::kInvalidArgument,
                         HasSubstr("1 trailing bytes at offset " + std::to_string(size))))
        << MessageTypeName(type);
  }
}

TEST(MessageTest, RefusesEmptyPayloads) {
  EXPECT_THAT(DecodeMessage(Hex("02")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: snapshot: empty snapshot"));
  EXPECT_THAT(DecodeMessage(Hex("03")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: delta: empty delta"));
  EXPECT_THAT(DecodeMessage(Hex("05")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: batch: empty batch"));
}

TEST(MessageTest, RefusesBrokenRules) {
  EXPECT_THAT(DecodeMessage(Hex("01 00 00000007 0000000000000000 0000000000000000")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: hello: protocol version 0"));
  EXPECT_THAT(DecodeMessage(Hex("01 01 00000000 0000000000000000 0000000000000000")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: hello: gate id 0"));
  EXPECT_THAT(DecodeMessage(Hex("04 0000000000000000")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: policy-applied: policy version 0"));
  EXPECT_THAT(DecodeMessage(Hex("06 0000000000000000")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: ack: sequence 0"));
  EXPECT_THAT(DecodeMessage(Hex("07 02 0000000000000001 0000")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: batch-refused: unknown reason 2"));
  EXPECT_THAT(DecodeMessage(Hex("07 01 0000000000000000 0000")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: batch-refused: expected sequence 0"));
  EXPECT_THAT(DecodeMessage(Hex("08 00 0000")).status(),
              StatusIs(StatusCode::kInvalidArgument, "sync: error: status code 0 is not an error"));
  EXPECT_THAT(
      DecodeMessage(Hex("08 0B 0000")).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: error: status code 11 is not an error"));
  EXPECT_THAT(
      DecodeMessage(Hex("08 01 0002 410A")).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: error: control character at text offset 1"));
  // The encoder enforces the same rules.
  EXPECT_THAT(EncodeMessage(Hello{.gate = 0}).status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeMessage(ErrorMessage{StatusCode::kOk, "fine"}).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeMessage(SnapshotMessage{}).status(), StatusIs(StatusCode::kInvalidArgument));
}

TEST(MessageTest, RefusesBrokenKeyChains) {
  const std::string key(64, '1');
  const std::string statement = "0000000000000001" + std::string(64, '2') + std::string(128, '3');
  EXPECT_THAT(
      DecodeMessage(Hex("09 00" + key + " 0001" + statement)).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: key-rollover: key chain: no organisation"));
  EXPECT_THAT(
      DecodeMessage(Hex("09 02 6162" + key + " 0000")).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: key-rollover: key chain: no statement"));
  EXPECT_THAT(DecodeMessage(Hex("09 02 4142" + key + " 0001" + statement)).status(),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("sync: key-rollover: key chain: organisation name")));
  EXPECT_THAT(
      DecodeMessage(Hex("09 02 6162" + key + " 03E9")).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: key-rollover: 1001 statements exceed 1000"));
  // Two statements announced, one there.
  EXPECT_THAT(
      DecodeMessage(Hex("09 02 6162" + key + " 0002" + statement)).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: key-rollover: truncated at offset 142"));
  KeyChain chain = SampleChain();
  chain.rollovers[0].signature.pop_back();
  EXPECT_THAT(EncodeMessage(KeyRolloverMessage{chain}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signature of 63 bytes")));
  // A chain whose signatures do not verify still decodes: the gate's walk refuses it.
  chain = SampleChain();
  chain.rollovers[1].signature[0] ^= 1;
  EXPECT_THAT(DecodeMessage(Encode(KeyRolloverMessage{chain})), IsOk());
}

TEST(MessageTest, EnforcesSizeLimits) {
  const std::string longest(kMaxTextSize, 'a');
  EXPECT_THAT(EncodeMessage(ErrorMessage{StatusCode::kInternal, longest}), IsOk());
  EXPECT_THAT(EncodeMessage(ErrorMessage{StatusCode::kInternal, longest + "a"}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("exceeds 1024")));
  Bytes wire = Hex("08 0A 0401");
  wire.resize(wire.size() + kMaxTextSize + 1, 'a');
  EXPECT_THAT(
      DecodeMessage(wire).status(),
      StatusIs(StatusCode::kInvalidArgument, "sync: error: text of 1025 bytes exceeds 1024"));

  Bytes batch(kMaxBatchMessageSize, 0x01);
  batch[0] = static_cast<std::uint8_t>(MessageType::kBatch);
  EXPECT_THAT(DecodeMessage(batch), IsOk());
  batch.push_back(0x01);
  EXPECT_THAT(DecodeMessage(batch).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("sync: batch: message of")));
  EXPECT_THAT(EncodeMessage(BatchMessage{Bytes(kMaxBatchMessageSize, 1)}).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("batch exceeds")));

  Bytes snapshot(kMaxMessageSize + 1, 0x01);
  snapshot[0] = static_cast<std::uint8_t>(MessageType::kSnapshot);
  EXPECT_THAT(DecodeMessage(snapshot).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("sync: snapshot: message of")));
}

// Every single-bit change of a fixed-layout message either decodes to a different message or
// is refused: no two encodings mean the same.
TEST(MessageTest, EveryBitFlipChangesOrBreaksTheMessage) {
  for (const Message& message : Samples()) {
    const Bytes wire = Encode(message);
    for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
      Bytes flipped = wire;
      flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      auto decoded = DecodeMessage(flipped);
      if (decoded.ok()) {
        EXPECT_NE(*decoded, message);
        EXPECT_EQ(Encode(*decoded), flipped);
      } else {
        EXPECT_THAT(decoded.status(), StatusIs(StatusCode::kInvalidArgument));
      }
    }
  }
}

}  // namespace
}  // namespace sekisho::sync
