#include "store/validation.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::store {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

const TimePoint kNow = FromUnixSeconds(1743465600);

NewStaff ValidStaff() {
  return NewStaff{
      *StaffRef::FromBytes(Bytes(16, 1)), "E1001", "Hanako Yamada", "", kNow, std::nullopt};
}

NewCredential ValidJpki() {
  return NewCredential{CredentialKind::kJpki, Bytes(32, 1), Bytes(32, 2),
                       kNow + std::chrono::hours(1)};
}

TEST(IndividualNumberTest, FindsRunsOfTwelveDigits) {
  EXPECT_TRUE(ContainsIndividualNumberLike("123456789012"));
  EXPECT_TRUE(ContainsIndividualNumberLike("id 1234567890123 here"));
  EXPECT_FALSE(ContainsIndividualNumberLike("12345678901"));
  EXPECT_FALSE(ContainsIndividualNumberLike("1234-5678-9012"));
  EXPECT_FALSE(ContainsIndividualNumberLike(""));
  // An interrupted run does not count.
  EXPECT_FALSE(ContainsIndividualNumberLike("12345678901a2"));
}

TEST(ValidateTextTest, ChecksPresenceLengthAndCharacters) {
  EXPECT_THAT(ValidateText("field", "ok", 10, true, true), IsOk());
  EXPECT_THAT(ValidateText("field", "", 10, false, true), IsOk());
  EXPECT_THAT(ValidateText("field", "", 10, true, true),
              StatusIs(StatusCode::kInvalidArgument, "field is empty"));
  EXPECT_THAT(ValidateText("field", "12345678901", 10, true, true),
              StatusIs(StatusCode::kInvalidArgument, "field is longer than 10 bytes"));
  EXPECT_THAT(ValidateText("field", "a\tb", 10, true, true),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("control character")));
  EXPECT_THAT(ValidateText("field", std::string("a\x7f"), 10, true, true),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidateText("field", "123456789012", 20, true, true),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("Individual Number")));
  EXPECT_THAT(ValidateText("field", "123456789012", 20, true, false), IsOk());
  // UTF-8 text is accepted (names are Japanese).
  EXPECT_THAT(ValidateText("field", "山田 花子", 20, true, true), IsOk());
}

TEST(ValidateNewStaffTest, AcceptsAValidRecord) {
  EXPECT_THAT(ValidateNewStaff(ValidStaff()), IsOk());
  NewStaff twelve_digit_number = ValidStaff();
  twelve_digit_number.staff_number = "200012345678";  // an organisation's own scheme
  EXPECT_THAT(ValidateNewStaff(twelve_digit_number), IsOk());
}

TEST(ValidateNewStaffTest, NamesTheFieldThatIsWrong) {
  NewStaff s = ValidStaff();
  s.staff_ref = StaffRef();
  EXPECT_THAT(ValidateNewStaff(s), StatusIs(StatusCode::kInvalidArgument, HasSubstr("reference")));
  s = ValidStaff();
  s.staff_number = std::string(kMaxStaffNumberLength + 1, '1');
  EXPECT_THAT(ValidateNewStaff(s),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("staff number")));
  s = ValidStaff();
  s.display_name = "";
  EXPECT_THAT(ValidateNewStaff(s),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("display name")));
  s = ValidStaff();
  s.department = "Dept\n";
  EXPECT_THAT(ValidateNewStaff(s), StatusIs(StatusCode::kInvalidArgument, HasSubstr("department")));
  s = ValidStaff();
  s.valid_until = s.valid_from;
  EXPECT_THAT(ValidateNewStaff(s),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("valid_until")));
  // Equal after truncation to milliseconds is not later.
  s.valid_until = s.valid_from + std::chrono::microseconds(500);
  EXPECT_THAT(ValidateNewStaff(s), StatusIs(StatusCode::kInvalidArgument));
}

TEST(ValidateDisplayNameTest, RequiredBoundedFreeText) {
  EXPECT_THAT(ValidateDisplayName("Hanako Yamada"), IsOk());
  EXPECT_THAT(ValidateDisplayName(std::string(kMaxPersonTextLength, 'a')), IsOk());
  EXPECT_THAT(ValidateDisplayName(""),
              StatusIs(StatusCode::kInvalidArgument, "display name is empty"));
  EXPECT_THAT(ValidateDisplayName(std::string(kMaxPersonTextLength + 1, 'a')),
              StatusIs(StatusCode::kInvalidArgument, "display name is longer than 200 bytes"));
  EXPECT_THAT(ValidateDisplayName("No 123456789012"),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("12-digit")));
  EXPECT_THAT(ValidateDepartment(""), IsOk());
  EXPECT_THAT(ValidateDepartment(std::string(kMaxPersonTextLength + 1, 'a')),
              StatusIs(StatusCode::kInvalidArgument, "department is longer than 200 bytes"));
  EXPECT_THAT(ValidateDepartment("A\x7f"),
              StatusIs(StatusCode::kInvalidArgument, "department contains a control character"));
}

TEST(ValidateStaffDetailsChangeTest, AppliesTheCreationRulesToTheFieldsSet) {
  EXPECT_THAT(ValidateStaffDetailsChange({"Hanako Sato", std::nullopt}), IsOk());
  EXPECT_THAT(ValidateStaffDetailsChange({std::nullopt, ""}), IsOk());  // department cleared
  EXPECT_THAT(ValidateStaffDetailsChange({"Hanako Sato", "Finance"}), IsOk());
  EXPECT_THAT(ValidateStaffDetailsChange({}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("nothing to change")));
  EXPECT_THAT(ValidateStaffDetailsChange({"", std::nullopt}),
              StatusIs(StatusCode::kInvalidArgument, "display name is empty"));
  EXPECT_THAT(ValidateStaffDetailsChange({std::string(kMaxPersonTextLength + 1, 'a'), "Finance"}),
              StatusIs(StatusCode::kInvalidArgument, "display name is longer than 200 bytes"));
  EXPECT_THAT(ValidateStaffDetailsChange({std::string(kMaxPersonTextLength, 'a'), "Finance"}),
              IsOk());
  EXPECT_THAT(ValidateStaffDetailsChange({"Hanako Sato", "Dept\t"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("department")));
  EXPECT_THAT(ValidateStaffDetailsChange({std::nullopt, "Room 123456789012"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("12-digit")));
}

TEST(ValidateNewCredentialTest, ChecksSizesAndTheSerialOfJpki) {
  EXPECT_THAT(ValidateNewCredential(ValidJpki()), IsOk());
  NewCredential c = ValidJpki();
  c.pseudonym = Bytes(33, 0);
  EXPECT_THAT(ValidateNewCredential(c),
              StatusIs(StatusCode::kInvalidArgument, "pseudonym: expected 32 bytes, got 33"));
  c = ValidJpki();
  c.keyed_serial = Bytes();
  EXPECT_THAT(ValidateNewCredential(c),
              StatusIs(StatusCode::kInvalidArgument, "keyed serial: expected 32 bytes, got 0"));
  c = ValidJpki();
  c.keyed_serial.reset();
  EXPECT_THAT(ValidateNewCredential(c), StatusIs(StatusCode::kInvalidArgument));
  c.kind = CredentialKind::kBadge;
  EXPECT_THAT(ValidateNewCredential(c), IsOk());
}

TEST(ValidateKeyedSerialsTest, NamesTheFirstBadSerial) {
  const std::vector<Bytes> good = {Bytes(32, 1), Bytes(32, 2)};
  EXPECT_THAT(ValidateKeyedSerials(good), IsOk());
  EXPECT_THAT(ValidateKeyedSerials({}), IsOk());
  const std::vector<Bytes> bad = {Bytes(32, 1), Bytes(32, 2), Bytes(20, 3)};
  EXPECT_THAT(ValidateKeyedSerials(bad),
              StatusIs(StatusCode::kInvalidArgument, "keyed serial #2: expected 32 bytes, got 20"));
}

TEST(ValidatePageRequestTest, ChecksLimitAndToken) {
  const Result<std::optional<std::int64_t>> first = ValidatePageRequest({10, ""});
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, std::nullopt);
  const Result<std::optional<std::int64_t>> next = ValidatePageRequest({10, EncodePageToken(7)});
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(*next, 7);
  EXPECT_THAT(ValidatePageRequest({kMaxPageSize, ""}), IsOk());
  EXPECT_THAT(ValidatePageRequest({0, ""}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ValidatePageRequest({kMaxPageSize + 1, ""}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("page limit")));
  EXPECT_THAT(ValidatePageRequest({10, "x"}), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CheckCanEnrolTest, RefusesLeftExpiredAndOutOfValidity) {
  Staff staff;
  staff.id = StaffId(3);
  staff.valid_from = kNow - std::chrono::hours(1);
  EXPECT_THAT(CheckCanEnrol(staff, ValidJpki(), kNow), IsOk());
  staff.status = StaffStatus::kSuspended;
  EXPECT_THAT(CheckCanEnrol(staff, ValidJpki(), kNow), IsOk());
  staff.status = StaffStatus::kLeft;
  EXPECT_THAT(CheckCanEnrol(staff, ValidJpki(), kNow),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("staff 3 has left")));
  staff.status = StaffStatus::kActive;
  staff.valid_until = kNow;
  EXPECT_THAT(CheckCanEnrol(staff, ValidJpki(), kNow),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no longer valid")));
  staff.valid_until.reset();
  NewCredential expired = ValidJpki();
  expired.not_after = kNow;
  EXPECT_THAT(CheckCanEnrol(staff, expired, kNow),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("expired")));
}

TEST(CredentialTransitionTest, FollowsTheLifeCycleTable) {
  using S = CredentialStatus;
  struct Case {
    S from;
    S to;
    std::optional<AdminAction> action;  // none: refused
  };
  const Case cases[] = {
      {S::kActive, S::kSuspended, AdminAction::kSuspended},
      {S::kActive, S::kRevoked, AdminAction::kRevoked},
      {S::kActive, S::kRetired, AdminAction::kRetired},
      {S::kSuspended, S::kActive, AdminAction::kReinstated},
      {S::kSuspended, S::kRevoked, AdminAction::kRevoked},
      {S::kSuspended, S::kRetired, AdminAction::kRetired},
      {S::kRevoked, S::kActive, std::nullopt},
      {S::kRevoked, S::kSuspended, std::nullopt},
      {S::kRevoked, S::kRetired, std::nullopt},
      {S::kRetired, S::kActive, std::nullopt},
      {S::kRetired, S::kSuspended, std::nullopt},
      {S::kRetired, S::kRevoked, std::nullopt},
  };
  for (const Case& c : cases) {
    const Result<AdminAction> action = CredentialTransition(c.from, c.to);
    if (c.action) {
      ASSERT_THAT(action, IsOk());
      EXPECT_EQ(*action, *c.action);
    } else {
      EXPECT_THAT(action,
                  StatusIs(StatusCode::kFailedPrecondition,
                           HasSubstr("cannot become " + std::string(CredentialStatusName(c.to)))));
    }
  }
}

}  // namespace
}  // namespace sekisho::store
