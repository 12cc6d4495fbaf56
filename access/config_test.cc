#include "access/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::access {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ConfigTest, DefaultsAreDocumentedValues) {
  const Config config;
  EXPECT_EQ(config.busy_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(config.crl_max_age, std::chrono::hours(48));
  EXPECT_EQ(config.crl_at_enrolment, CrlRequirement::kIfPresent);
  EXPECT_EQ(config.last_try, LastTryPolicy::kRefuse);
  EXPECT_EQ(config.log_file, "logs/sekisho.log");
}

TEST(ConfigTest, WrittenFileNamesEveryKeyAndReadsBack) {
  Config config;
  config.busy_timeout = std::chrono::milliseconds(250);
  config.crl_max_age = std::chrono::hours(12);
  config.crl_at_enrolment = CrlRequirement::kRequired;
  config.last_try = LastTryPolicy::kAllowWithFlag;
  config.log_file = "";
  const std::string json = ConfigToJson(config);
  for (const char* key : {"format_version", "busy_timeout_ms", "max_age_hours", "at_enrolment",
                          "last_try_at_enrolment", "\"file\""}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  auto parsed = ParseConfig(json);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, config);
  EXPECT_EQ(ParseConfig(ConfigToJson(Config{})).value(), Config{});
}

TEST(ConfigTest, AbsentKeysKeepTheirDefaults) {
  auto parsed = ParseConfig(R"({"format_version": 1, "crl": {"max_age_hours": 6}})");
  ASSERT_THAT(parsed, IsOk());
  Config expected;
  expected.crl_max_age = std::chrono::hours(6);
  EXPECT_EQ(*parsed, expected);
}

TEST(ConfigTest, NewerFormatIsFailedPrecondition) {
  EXPECT_THAT(ParseConfig(R"({"format_version": 2})"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("upgrade sekisho")));
}

TEST(ConfigTest, MalformedInputNamesTheKey) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"{", "not valid JSON"},
      {"[]", "must be a JSON object"},
      {"{}", "format_version"},
      {R"({"format_version": "1"})", "format_version"},
      {R"({"format_version": 0})", "at least 1"},
      {R"({"format_version": 1, "crl": {"max_age_hour": 4}})", "crl.max_age_hour"},
      {R"({"format_version": 1, "colour": 1})", "\"colour\": unknown key"},
      {R"({"format_version": 1, "crl": 3})", "\"crl\": must be an object"},
      {R"({"format_version": 1, "crl": {"max_age_hours": 0}})", "crl.max_age_hours"},
      {R"({"format_version": 1, "crl": {"max_age_hours": 1.5}})", "must be an integer"},
      {R"({"format_version": 1, "crl": {"at_enrolment": "always"}})", "crl.at_enrolment"},
      {R"({"format_version": 1, "registry": {"busy_timeout_ms": -1}})", "busy_timeout_ms"},
      {R"({"format_version": 1, "pin": {"last_try_at_enrolment": "yes"}})", "pin.last_try"},
      {R"({"format_version": 1, "log": {"file": "/var/log/x"}})", "log.file"},
      {R"({"format_version": 1, "log": {"file": "../x.log"}})", "log.file"},
      {R"({"format_version": 1, "log": {"file": 7}})", "must be a string"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseConfig(c.json), StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.json;
  }
}

}  // namespace
}  // namespace sekisho::access
