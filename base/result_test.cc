#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>

#include "base/status_matchers.h"

namespace sekisho {
namespace {

using testing::IsOk;
using testing::StatusIs;

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckQuarter(int x) {
  RETURN_IF_ERROR(Quarter(x).status());
  return OkStatus();
}

TEST(ResultTest, HoldsValueOrStatus) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_THAT(Quarter(6), StatusIs(StatusCode::kInvalidArgument, "odd: 3"));
  EXPECT_THAT(CheckQuarter(4), IsOk());
  EXPECT_THAT(CheckQuarter(2), StatusIs(StatusCode::kInvalidArgument));
}

TEST(ResultTest, OkStatusIsNotAValue) {
  Result<int> r{OkStatus()};
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r, StatusIs(StatusCode::kInternal));
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(StatusTest, ContextAndNames) {
  Status s = NotFoundError("no reader").WithContext("card inspect");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: card inspect: no reader");
  EXPECT_EQ(OkStatus().WithContext("x").ToString(), "OK");
  for (StatusCode c : kAllStatusCodes) EXPECT_NE(StatusCodeName(c), "UNKNOWN");
}

}  // namespace
}  // namespace sekisho
