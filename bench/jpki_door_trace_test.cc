#include "bench/jpki_door_trace.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "base/status_matchers.h"

namespace sekisho::bench {
namespace {

using ::sekisho::testing::IsOk;

TEST(JpkiDoorTraceTest, MapsCommandsToCardWork) {
  const std::vector<Exchange> recording = {
      {{0x00, 0xA4, 0x04, 0x0C, 0x02, 0xD3, 0x92}, {0x90, 0x00}},
      {{0x00, 0xB0, 0x8A, 0x00, 0x00}, Bytes(258, 0x30)},
      {{0x00, 0x20, 0x00, 0x98}, {0x63, 0xC3}},                                // tries left
      {{0x00, 0x20, 0x00, 0x98, 0x04, 0x31, 0x32, 0x33, 0x34}, {0x90, 0x00}},  // PIN
      {{0x80, 0x2A, 0x00, 0x97, 0x01, 0xAA, 0x00}, Bytes(258, 0x01)},
      {{0x00, 0x2A, 0x00, 0x97, 0x01, 0xAA, 0x00}, {0x6E, 0x00}},  // not the JPKI CLA
  };
  const Trace trace = JpkiTraceFrom(recording);
  ASSERT_EQ(trace.size(), recording.size());
  EXPECT_TRUE(trace[0].work.empty());
  EXPECT_TRUE(trace[1].work.empty());
  EXPECT_TRUE(trace[2].work.empty());
  ASSERT_EQ(trace[3].work.size(), 1u);
  EXPECT_EQ(trace[3].work[0].op, OnCardOperation::kPinVerify);
  ASSERT_EQ(trace[4].work.size(), 1u);
  EXPECT_EQ(trace[4].work[0].op, OnCardOperation::kRsa2048Sign);
  EXPECT_TRUE(trace[5].work.empty());
  EXPECT_EQ(trace[1].command_size, 5u);
  EXPECT_EQ(trace[1].response_size, 258u);
  EXPECT_EQ(trace[4].label, "COMPUTE DIGITAL SIGNATURE");
}

TEST(JpkiDoorTraceTest, RecordsTheGatesDoorAuthentication) {
  auto recording = RecordJpkiDoorAuthentication();
  ASSERT_THAT(recording, IsOk());
  const Trace trace = JpkiTraceFrom(*recording);
  // docs/performance.md: 8 APDUs at the gate, one PIN comparison, one signature, and the
  // signature is the last command, answered with 256 bytes + SW.
  EXPECT_EQ(trace.size(), 8u);
  EXPECT_EQ(OperationCount(trace, OnCardOperation::kPinVerify), 1);
  EXPECT_EQ(OperationCount(trace, OnCardOperation::kRsa2048Sign), 1);
  ASSERT_FALSE(trace.empty());
  EXPECT_EQ(trace.front().label, "SELECT");
  EXPECT_EQ(trace.back().label, "COMPUTE DIGITAL SIGNATURE");
  EXPECT_EQ(trace.back().response_size, 258u);
  // The PIN is verified before the signature, and the tries are read before the PIN.
  auto pin = std::find_if(trace.begin(), trace.end(),
                          [](const TraceExchange& x) { return x.label == "VERIFY"; });
  auto tries = std::find_if(trace.begin(), trace.end(), [](const TraceExchange& x) {
    return x.label == "VERIFY (tries left)";
  });
  ASSERT_NE(pin, trace.end());
  ASSERT_NE(tries, trace.end());
  EXPECT_LT(tries, pin);
}

}  // namespace
}  // namespace sekisho::bench
