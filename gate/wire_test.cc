#include "gate/wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

TEST(WireTest, WritesBigEndian) {
  Bytes out;
  PutU8(out, 0x01);
  PutU16(out, 0x0203);
  PutU32(out, 0x04050607);
  PutU64(out, 0x08090A0B0C0D0E0F);
  EXPECT_EQ(ToHex(out), "0102030405060708090A0B0C0D0E0F");
}

TEST(WireTest, ReadsWhatWasWritten) {
  Bytes in = FromHex("01 0203 04050607 08090A0B0C0D0E0F AABB").value();
  WireReader r(in, "thing");
  EXPECT_EQ(r.U8("a").value(), 0x01);
  EXPECT_EQ(r.U16("b").value(), 0x0203);
  EXPECT_EQ(r.U32("c").value(), 0x04050607u);
  EXPECT_EQ(r.U64("d").value(), 0x08090A0B0C0D0E0Fu);
  EXPECT_THAT(r.ExpectEnd(), StatusIs(StatusCode::kInvalidArgument,
                                      "thing: 2 trailing bytes after the last field (offset 15)"));
  auto tail = r.Take(2, "e");
  ASSERT_THAT(tail.status(), IsOk());
  EXPECT_EQ(ToHex(*tail), "AABB");
  EXPECT_THAT(r.ExpectEnd(), IsOk());
}

TEST(WireTest, NeverReadsPastTheEnd) {
  Bytes in = FromHex("01 02 03").value();
  WireReader r(in, "thing");
  EXPECT_THAT(
      r.U32("door id"),
      StatusIs(StatusCode::kInvalidArgument,
               "thing: truncated reading the door id at offset 0 (4 bytes needed, 3 left)"));
  EXPECT_EQ(r.offset(), 0u);  // a failed read consumes nothing
  EXPECT_THAT(r.U16("x"), IsOk());
  EXPECT_THAT(r.U64("y"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("offset 2")));
  EXPECT_THAT(r.Take(2, "z"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(r.U8("w"), IsOk());
  EXPECT_THAT(r.U8("v"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("0 left")));
}

TEST(WireTest, InvalidNamesFieldAndOffset) {
  WireReader r(ByteView(), "batch");
  EXPECT_THAT(
      r.Invalid("gate id", 1, "0 is not a gate"),
      StatusIs(StatusCode::kInvalidArgument, "batch: gate id at offset 1: 0 is not a gate"));
}

}  // namespace
}  // namespace sekisho::gate
