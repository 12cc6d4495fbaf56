#include "audit/record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/test_vectors.h"
#include "base/status_matchers.h"

namespace sekisho::audit {
namespace {

using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

TEST(RecordTest, KindNamesRoundTrip) {
  for (const RecordKind kind :
       {RecordKind::kGateEvent, RecordKind::kAdminAction, RecordKind::kErasure}) {
    EXPECT_EQ(*ParseRecordKind(RecordKindName(kind)), kind);
    EXPECT_EQ(*RecordKindFromNumber(static_cast<int>(kind)), kind);
  }
  EXPECT_EQ(RecordKindName(RecordKind::kGateEvent), "gate");
  EXPECT_EQ(RecordKindName(RecordKind::kAdminAction), "admin");
  EXPECT_THAT(ParseRecordKind("Admin"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown record kind 'Admin'")));
  EXPECT_THAT(RecordKindFromNumber(0), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(RecordKindFromNumber(4),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown record kind number 4")));
}

TEST(RecordTest, LeafInputIsSaltKindRecord) {
  const Bytes salt(kSaltSize, 0x5A);
  const Bytes record = ToBytes("door 3 granted");
  const Bytes input = LeafInput(salt, RecordKind::kGateEvent, record);
  ASSERT_EQ(input.size(), 32u + 1u + record.size());
  EXPECT_TRUE(std::equal(salt.begin(), salt.end(), input.begin()));
  EXPECT_EQ(input[32], 0x01);
  EXPECT_TRUE(std::equal(record.begin(), record.end(), input.begin() + 33));
  // SHA-256(0x00 || salt || kind || record), computed independently.
  EXPECT_EQ(RecordLeafHash(salt, RecordKind::kGateEvent, record), testing::NaiveLeafHash(input));
  // The kind and the salt are covered by the hash.
  EXPECT_NE(RecordLeafHash(salt, RecordKind::kAdminAction, record),
            RecordLeafHash(salt, RecordKind::kGateEvent, record));
  Bytes other_salt = salt;
  other_salt[0] ^= 1;
  EXPECT_NE(RecordLeafHash(other_salt, RecordKind::kGateEvent, record),
            RecordLeafHash(salt, RecordKind::kGateEvent, record));
}

TEST(RecordTest, ErasureRecordsRoundTripAndNothingElseParses) {
  EXPECT_EQ(ToString(ErasureRecord(0)), "erased record 0");
  EXPECT_EQ(ToString(ErasureRecord(18446744073709551615u)), "erased record 18446744073709551615");
  for (const std::uint64_t index : {std::uint64_t{0}, std::uint64_t{7}, std::uint64_t{123456}}) {
    EXPECT_EQ(*ParseErasureRecord(ErasureRecord(index)), index);
  }
  for (const char* bad : {"", "erased record ", "erased record 01", "erased record 1 ",
                          "erased record -1", "erased record +1", "Erased record 1",
                          "erased record 18446744073709551616", "erased record 1x"}) {
    EXPECT_THAT(ParseErasureRecord(ToBytes(bad)),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("not an erasure record")))
        << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace sekisho::audit
