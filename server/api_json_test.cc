#include "server/api_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(ParseJsonBodyTest, GivesThePositionWithoutEchoingTheBody) {
  EXPECT_THAT(ParseJsonBody(R"({"a": 1})"), IsOk());
  EXPECT_THAT(ParseJsonBody("{\"password\": \"secret-value"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("malformed JSON at line 1, column 27 (byte 27)"),
                             Not(HasSubstr("secret")))));
  EXPECT_THAT(
      ParseJsonBody("{\n  \"a\": tru }"),
      StatusIs(StatusCode::kInvalidArgument, StartsWith("malformed JSON at line 2, column")));
  EXPECT_THAT(ParseJsonBody(""), StatusIs(StatusCode::kInvalidArgument,
                                          StartsWith("malformed JSON at line 1, column 1")));
  EXPECT_THAT(ParseJsonBody("{} {}"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseJsonBody(R"({"n": 1e999})"),
              StatusIs(StatusCode::kInvalidArgument, "malformed JSON: a number is out of range"));
  EXPECT_THAT(ParseJsonBody(R"({"n": -1e999})"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseJsonBody("\"\xC0\xAF\""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(JsonFieldsTest, RefusesUnknownFieldsAndNonObjects) {
  const auto body = nlohmann::json::parse(R"({"login": "a", "colour": "red"})");
  EXPECT_THAT(JsonFields::Of(body, {"login"}),
              StatusIs(StatusCode::kInvalidArgument, "colour: unknown field"));
  EXPECT_THAT(
      JsonFields::Of(nlohmann::json::array(), {"login"}),
      StatusIs(StatusCode::kInvalidArgument, "request body: expected a JSON object, got array"));
  EXPECT_THAT(JsonFields::Of(body, {"login", "colour"}), IsOk());
}

TEST(JsonFieldsTest, TypedFields) {
  const auto body = nlohmann::json::parse(
      R"({"s": "x", "n": 5, "neg": -3, "big": 18446744073709551615, "huge": 1e300,
          "frac": 1.5, "b": true, "null": null})");
  Result<JsonFields> f =
      JsonFields::Of(body, {"s", "n", "neg", "big", "huge", "frac", "b", "null"});
  ASSERT_THAT(f, IsOk());
  EXPECT_EQ(*f->String("s"), "x");
  EXPECT_THAT(f->String("n"),
              StatusIs(StatusCode::kInvalidArgument, "n: expected a string, got number"));
  EXPECT_THAT(f->String("null"),
              StatusIs(StatusCode::kInvalidArgument, "null: required field is missing"));
  EXPECT_THAT(f->String("absent"),
              StatusIs(StatusCode::kInvalidArgument, "absent: required field is missing"));
  EXPECT_EQ(f->OptionalString("null")->has_value(), false);
  EXPECT_EQ(*f->Int("n", 1, 10), 5);
  EXPECT_THAT(f->Int("neg", 1, 10), StatusIs(StatusCode::kInvalidArgument,
                                             "neg: expected an integer from 1 to 10, got -3"));
  EXPECT_THAT(f->Int("big", 1, 10),
              StatusIs(StatusCode::kInvalidArgument,
                       "big: expected an integer from 1 to 10, got 18446744073709551615"));
  EXPECT_THAT(f->Int("huge", 1, 10),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("huge: expected an integer")));
  EXPECT_THAT(f->Int("frac", 1, 10), StatusIs(StatusCode::kInvalidArgument,
                                              "frac: expected an integer from 1 to 10, got 1.5"));
  EXPECT_THAT(f->Int("s", 1, 10), StatusIs(StatusCode::kInvalidArgument,
                                           "s: expected an integer from 1 to 10, got string"));
  EXPECT_EQ(*f->Bool("b"), true);
  EXPECT_THAT(f->Bool("s"),
              StatusIs(StatusCode::kInvalidArgument, "s: expected a boolean, got string"));
}

TEST(ParseQueryTest, DecodesAndRefusesRepeats) {
  ASSERT_THAT(ParseQuery("a=1&b=x%20y+z&c="), IsOk());
  const QueryParams q = *ParseQuery("a=1&b=x%20y+z&c=&&d");
  EXPECT_EQ(q.at("a"), "1");
  EXPECT_EQ(q.at("b"), "x y z");
  EXPECT_EQ(q.at("c"), "");
  EXPECT_EQ(q.at("d"), "");
  EXPECT_THAT(ParseQuery("a=1&a=2"),
              StatusIs(StatusCode::kInvalidArgument, "query: parameter 'a' given twice"));
  EXPECT_THAT(ParseQuery("a=%2"),
              StatusIs(StatusCode::kInvalidArgument, "query: malformed percent-encoding"));
  EXPECT_THAT(ParseQuery("a=%zz"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseQuery("=1"),
              StatusIs(StatusCode::kInvalidArgument, "query: parameter without a name"));
}

TEST(ParseIntParamTest, WholeDecimalInRange) {
  EXPECT_EQ(*ParseIntParam("limit", "10", 1, 100), 10);
  for (const char* bad : {"", "0", "101", "1x", " 1", "+1", "-1", "99999999999999999999999"}) {
    EXPECT_THAT(ParseIntParam("limit", bad, 1, 100),
                StatusIs(StatusCode::kInvalidArgument,
                         StartsWith("limit: expected an integer from 1 to 100, got '")))
        << bad;
  }
}

}  // namespace
}  // namespace sekisho::server
