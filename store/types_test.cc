#include "store/types.h"

#include <gtest/gtest.h>

#include <limits>

#include "base/random.h"
#include "base/status_matchers.h"

namespace sekisho::store {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

TEST(IdTest, ComparesByValueAndDefaultsToZero) {
  EXPECT_EQ(StaffId().value(), 0);
  EXPECT_EQ(StaffId(5), StaffId(5));
  EXPECT_LT(StaffId(4), StaffId(5));
  EXPECT_NE(CredentialId(1), CredentialId(2));
}

TEST(StaffRefTest, GeneratesSixteenRandomBytes) {
  SeededRandom random(1);
  const StaffRef a = StaffRef::Generate(random);
  const StaffRef b = StaffRef::Generate(random);
  EXPECT_EQ(a.view().size(), StaffRef::kSize);
  EXPECT_NE(a, b);
  EXPECT_NE(a, StaffRef());
  EXPECT_EQ(a.ToHex().size(), 32u);
}

TEST(StaffRefTest, FromBytesChecksTheLength) {
  const Bytes sixteen(16, 0xAB);
  const Result<StaffRef> ref = StaffRef::FromBytes(sixteen);
  ASSERT_THAT(ref, IsOk());
  EXPECT_EQ(ref->ToHex(), "ABABABABABABABABABABABABABABABAB");
  EXPECT_THAT(StaffRef::FromBytes(Bytes(15, 0)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("expected 16 bytes, got 15")));
  EXPECT_THAT(StaffRef::FromBytes(Bytes(17, 0)), StatusIs(StatusCode::kInvalidArgument));
}

TEST(EnumNamesTest, RoundTripEveryValue) {
  for (StaffStatus s : {StaffStatus::kActive, StaffStatus::kSuspended, StaffStatus::kLeft}) {
    const Result<StaffStatus> parsed = ParseStaffStatus(StaffStatusName(s));
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, s);
  }
  for (CredentialKind k :
       {CredentialKind::kJpki, CredentialKind::kBadge, CredentialKind::kFreeArea}) {
    const Result<CredentialKind> parsed = ParseCredentialKind(CredentialKindName(k));
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, k);
  }
  for (CredentialStatus s : {CredentialStatus::kActive, CredentialStatus::kSuspended,
                             CredentialStatus::kRevoked, CredentialStatus::kRetired}) {
    const Result<CredentialStatus> parsed = ParseCredentialStatus(CredentialStatusName(s));
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, s);
  }
  for (AdminAction a : {AdminAction::kOrganisationCreated, AdminAction::kStaffAdded,
                        AdminAction::kStaffUpdated, AdminAction::kEnrolled, AdminAction::kRebound,
                        AdminAction::kSuspended, AdminAction::kReinstated, AdminAction::kRevoked,
                        AdminAction::kRetired, AdminAction::kCrlImported}) {
    const Result<AdminAction> parsed = ParseAdminAction(AdminActionName(a));
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, a);
  }
}

// The stored names are a format: changing one breaks existing databases.
TEST(EnumNamesTest, StoredNamesAreStable) {
  EXPECT_EQ(StaffStatusName(StaffStatus::kLeft), "left");
  EXPECT_EQ(CredentialKindName(CredentialKind::kFreeArea), "free-area");
  EXPECT_EQ(CredentialStatusName(CredentialStatus::kRetired), "retired");
  EXPECT_EQ(AdminActionName(AdminAction::kOrganisationCreated), "organisation-created");
  EXPECT_EQ(AdminActionName(AdminAction::kCrlImported), "crl-imported");
}

TEST(EnumNamesTest, UnknownNamesAreRefused) {
  EXPECT_THAT(ParseStaffStatus("Active"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown staff status 'Active'")));
  EXPECT_THAT(ParseCredentialKind(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCredentialStatus("revoked "), StatusIs(StatusCode::kInvalidArgument));
  // Control characters from a damaged database are not copied into the message.
  EXPECT_THAT(ParseAdminAction(std::string("x\ny", 3)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'x?y'")));
}

TEST(UnixMillisTest, ConvertsAndTruncatesTowardsThePast) {
  const TimePoint t = FromUnixSeconds(1743465600) + std::chrono::microseconds(123999);
  EXPECT_EQ(ToUnixMillis(t), 1743465600123);
  EXPECT_EQ(FromUnixMillis(1743465600123),
            FromUnixSeconds(1743465600) + std::chrono::milliseconds(123));
  EXPECT_EQ(TruncateToMillis(t), FromUnixMillis(1743465600123));
  // Before the epoch, truncation still goes to the earlier millisecond.
  EXPECT_EQ(ToUnixMillis(FromUnixSeconds(0) - std::chrono::microseconds(1)), -1);
  EXPECT_EQ(ToUnixMillis(FromUnixSeconds(0)), 0);
}

TEST(PageTokenTest, RoundTrips) {
  for (std::int64_t id : {std::int64_t{1}, std::int64_t{42}, std::int64_t{999999999999999999}}) {
    const Result<std::optional<std::int64_t>> decoded = DecodePageToken(EncodePageToken(id));
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(*decoded, id);
  }
  const Result<std::optional<std::int64_t>> first = DecodePageToken("");
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, std::nullopt);
}

TEST(PageTokenTest, RefusesMalformedTokens) {
  for (const char* token : {"42", "after:", "after:0", "after:-3", "after:042", "after:4x",
                            "after:1234567890123456789", "before:5", " after:5"}) {
    EXPECT_THAT(DecodePageToken(token),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("malformed page token")))
        << token;
  }
}

}  // namespace
}  // namespace sekisho::store
