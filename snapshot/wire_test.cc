#include "snapshot/wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "base/status_matchers.h"
#include "base/test_hex.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

using ::sekisho::testing::H;

Bytes VarintBytes(std::uint64_t v) {
  Writer w;
  w.Varint(v);
  return std::move(w).Take();
}

TEST(WireTest, VarintKnownEncodings) {
  // Unsigned LEB128 (as in Protocol Buffers' encoding guide: 150 -> 96 01).
  EXPECT_EQ(VarintBytes(0), H("00"));
  EXPECT_EQ(VarintBytes(1), H("01"));
  EXPECT_EQ(VarintBytes(127), H("7F"));
  EXPECT_EQ(VarintBytes(128), H("80 01"));
  EXPECT_EQ(VarintBytes(150), H("96 01"));
  EXPECT_EQ(VarintBytes(16383), H("FF 7F"));
  EXPECT_EQ(VarintBytes(16384), H("80 80 01"));
  EXPECT_EQ(VarintBytes(std::numeric_limits<std::uint64_t>::max()),
            H("FF FF FF FF FF FF FF FF FF 01"));
}

TEST(WireTest, VarintRoundTripsAtEveryLengthBoundary) {
  for (int bits = 0; bits <= 64; ++bits) {
    for (std::uint64_t v :
         {bits == 64 ? ~0ull : (1ull << bits) - 1, bits == 64 ? 0ull : 1ull << bits}) {
      const Bytes b = VarintBytes(v);
      Reader r(b);
      auto got = r.Varint("v");
      ASSERT_THAT(got, IsOk()) << v;
      EXPECT_EQ(*got, v);
      EXPECT_EQ(r.remaining(), 0u);
    }
  }
}

TEST(WireTest, ZigZagKnownValues) {
  EXPECT_EQ(ZigZag(0), 0u);
  EXPECT_EQ(ZigZag(-1), 1u);
  EXPECT_EQ(ZigZag(1), 2u);
  EXPECT_EQ(ZigZag(-2), 3u);
  EXPECT_EQ(ZigZag(std::numeric_limits<std::int64_t>::max()), ~0ull - 1);
  EXPECT_EQ(ZigZag(std::numeric_limits<std::int64_t>::min()), ~0ull);
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{540}, std::int64_t{-300},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_EQ(UnZigZag(ZigZag(v)), v);
  }
}

TEST(WireTest, RefusesNonMinimalVarints) {
  for (const char* hex : {"80 00", "FF 00", "80 80 00", "81 80 80 00"}) {
    const Bytes b = H(hex);
    Reader r(b);
    EXPECT_THAT(r.Varint("count"), StatusIs(StatusCode::kInvalidArgument,
                                            "count at offset 0: varint not in its shortest form"))
        << hex;
  }
}

TEST(WireTest, RefusesOverlongAndOverflowingVarints) {
  const Bytes eleven = H("80 80 80 80 80 80 80 80 80 80 01");
  Reader r1(eleven);
  EXPECT_THAT(r1.Varint("v"),
              StatusIs(StatusCode::kInvalidArgument, "v at offset 0: varint longer than 10 bytes"));
  const Bytes overflow = H("FF FF FF FF FF FF FF FF FF 02");
  Reader r2(overflow);
  EXPECT_THAT(r2.Varint("v"),
              StatusIs(StatusCode::kInvalidArgument, "v at offset 0: varint exceeds 64 bits"));
}

TEST(WireTest, RefusesTruncation) {
  const Bytes b = H("05 80 80");
  Reader r(b);
  ASSERT_THAT(r.U8("first"), IsOk());
  EXPECT_THAT(r.Varint("id"),
              StatusIs(StatusCode::kInvalidArgument, "id at offset 1: varint runs past the input"));
  Reader empty({});
  EXPECT_THAT(empty.U8("flags"),
              StatusIs(StatusCode::kInvalidArgument, "flags at offset 0: input ends before it"));
  EXPECT_THAT(empty.U32("gate id"),
              StatusIs(StatusCode::kInvalidArgument, "gate id at offset 0: needs 4 bytes, 0 left"));
  EXPECT_THAT(empty.U64("version"),
              StatusIs(StatusCode::kInvalidArgument, "version at offset 0: needs 8 bytes, 0 left"));
  EXPECT_THAT(empty.Raw("key", 16),
              StatusIs(StatusCode::kInvalidArgument, "key at offset 0: needs 16 bytes, 0 left"));
}

TEST(WireTest, FixedWidthIsBigEndian) {
  Writer w;
  w.U32(0x01020304);
  w.U64(0x0A0B0C0D0E0F1011);
  EXPECT_EQ(w.bytes(), H("01020304 0A0B0C0D0E0F1011"));
  Reader r(w.bytes());
  EXPECT_EQ(*r.U32("a"), 0x01020304u);
  EXPECT_EQ(*r.U64("b"), 0x0A0B0C0D0E0F1011u);
  EXPECT_THAT(r.ExpectEnd("b"), IsOk());
}

TEST(WireTest, BoundedVarint) {
  const Bytes b = H("FF FF 03 FF FF 04");
  Reader r(b);
  EXPECT_EQ(*r.BoundedVarint("window end", 65535), 65535u);
  EXPECT_THAT(
      r.BoundedVarint("window end", 65535),
      StatusIs(StatusCode::kInvalidArgument, "window end at offset 3: 81919 exceeds 65535"));
}

TEST(WireTest, CountMustFitTheRemainingBytes) {
  const Bytes b = H("03 AA BB CC");
  Reader ok(b);
  EXPECT_EQ(*ok.Count("n", 1), 3u);
  Reader too_many(b);
  EXPECT_THAT(too_many.Count("site count", 2),
              StatusIs(StatusCode::kInvalidArgument,
                       "site count at offset 0: count 3 cannot fit in the 3 bytes left"));
  const Bytes huge = H("FF FF FF FF FF FF FF FF FF 01");
  Reader forged(huge);
  EXPECT_THAT(forged.Count("n", 1), StatusIs(StatusCode::kInvalidArgument));
}

TEST(WireTest, ExpectEndNamesTrailingBytes) {
  const Bytes b = H("01 02 03");
  Reader r(b);
  ASSERT_THAT(r.U8("a"), IsOk());
  EXPECT_THAT(
      r.ExpectEnd("the credentials"),
      StatusIs(StatusCode::kInvalidArgument, "2 trailing bytes after the credentials (offset 1)"));
}

}  // namespace
}  // namespace sekisho::snapshot
