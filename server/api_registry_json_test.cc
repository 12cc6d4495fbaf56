#include "server/api_registry_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::StatusIs;
using ::testing::StartsWith;
using namespace std::chrono_literals;

TEST(ApiTimeTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatApiTime(FromUnixSeconds(1'775'001'600)), "2026-04-01T00:00:00.000Z");
  EXPECT_EQ(FormatApiTime(FromUnixSeconds(1'800'000'000) + 123ms), "2027-01-15T08:00:00.123Z");
  EXPECT_EQ(FormatApiTime(FromUnixSeconds(0)), "1970-01-01T00:00:00.000Z");
}

TEST(ApiTimeTest, ParsesRfc3339) {
  EXPECT_EQ(*ParseApiTime("t", "2026-04-01T00:00:00Z"), FromUnixSeconds(1'775'001'600));
  EXPECT_EQ(*ParseApiTime("t", "2026-04-01T09:00:00+09:00"), FromUnixSeconds(1'775'001'600));
  EXPECT_EQ(*ParseApiTime("t", "2026-03-31T23:30:00-00:30"), FromUnixSeconds(1'775'001'600));
  EXPECT_EQ(*ParseApiTime("t", "2027-01-15T08:00:00.123Z"), FromUnixSeconds(1'800'000'000) + 123ms);
  EXPECT_EQ(*ParseApiTime("t", "2027-01-15T08:00:00.1Z"), FromUnixSeconds(1'800'000'000) + 100ms);
  EXPECT_EQ(*ParseApiTime("t", "2028-02-29T00:00:00Z"), FromUnixSeconds(1'835'395'200));
  const TimePoint t = FromUnixSeconds(1'800'000'000) + 7ms;
  EXPECT_EQ(*ParseApiTime("t", FormatApiTime(t)), t);
}

TEST(ApiTimeTest, RefusesAnythingElse) {
  for (const char* bad :
       {"", "2026-04-01", "2026-04-01T00:00:00", "2026-04-01 00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-04-01T24:00:00Z",
        "2026-04-01T00:60:00Z", "2026-04-01T00:00:60Z", "2026-04-01T00:00:00.Z",
        "2026-04-01T00:00:00.1234Z", "2026-04-01T00:00:00+9:00", "2026-04-01T00:00:00+24:00",
        "2026-04-01T00:00:00Zjunk", "1969-12-31T23:59:59Z", "２026-04-01T00:00:00Z"}) {
    EXPECT_THAT(ParseApiTime("valid_from", bad),
                StatusIs(StatusCode::kInvalidArgument,
                         StartsWith("valid_from: expected an RFC 3339 time like")))
        << bad;
  }
}

TEST(RegistryJsonTest, CredentialCarriesNoKeyedValues) {
  store::Credential c;
  c.id = store::CredentialId(4);
  c.staff = store::StaffId(2);
  c.pseudonym = Bytes(32, 0xAB);
  c.keyed_serial = Bytes(32, 0xCD);
  const std::string text = CredentialToJson(c).dump();
  EXPECT_EQ(text.find("abab"), std::string::npos);
  EXPECT_EQ(text.find("cdcd"), std::string::npos);
  EXPECT_EQ(text.find("pseudonym"), std::string::npos);
  EXPECT_EQ(CredentialToJson(c)["replaced_by"], nullptr);
}

}  // namespace
}  // namespace sekisho::server
