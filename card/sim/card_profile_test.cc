#include "card/sim/card_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::card::sim {
namespace {

using ::sekisho::card::sim::testing::TempDir;
using ::sekisho::card::sim::testing::World;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using json = nlohmann::json;

TEST(MyNumberCheckDigitTest, SpecExample) {
  // Spec §2: checked by hand against 537686677188.
  EXPECT_EQ(MyNumberCheckDigit("53768667718"), '8');
  EXPECT_TRUE(IsValidMyNumber("537686677188"));
}

TEST(MyNumberCheckDigitTest, RemainderRules) {
  EXPECT_EQ(MyNumberCheckDigit("00000000000"), '0');  // r = 0
  EXPECT_EQ(MyNumberCheckDigit("20000000000"), '0');  // 12 mod 11 = 1 -> 0
  EXPECT_EQ(MyNumberCheckDigit("10000000000"), '5');  // 6 -> 11 - 6
  EXPECT_EQ(MyNumberCheckDigit("00000000001"), '9');  // weight 2 on the last digit
  EXPECT_EQ(MyNumberCheckDigit("00000100000"), '4');  // weight 7 on the sixth digit
}

TEST(MyNumberCheckDigitTest, RejectsMalformedInput) {
  EXPECT_EQ(MyNumberCheckDigit("5376866771"), std::nullopt);
  EXPECT_EQ(MyNumberCheckDigit("537686677181"), std::nullopt);
  EXPECT_EQ(MyNumberCheckDigit("5376866771a"), std::nullopt);
  EXPECT_FALSE(IsValidMyNumber("537686677187"));  // wrong check digit
  EXPECT_FALSE(IsValidMyNumber("53768667718"));
  EXPECT_FALSE(IsValidMyNumber("5376866771888"));
  EXPECT_FALSE(IsValidMyNumber("53768667718 "));
}

TEST(CardProfileJsonTest, RoundTrips) {
  const CardProfile& profile = World().profile;
  auto parsed = CardProfileFromJson(CardProfileToJson(profile));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, profile);
}

TEST(CardProfileJsonTest, RoundTripsACardWithoutSignatureCertificate) {
  CardProfile profile = World().profile;
  profile.sign_certificate.reset();
  const std::string text = CardProfileToJson(profile);
  EXPECT_EQ(json::parse(text)["certificates"]["sign"], nullptr);
  auto parsed = CardProfileFromJson(text);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, profile);
}

TEST(CardProfileJsonTest, HasVersionAndReadableFields) {
  const json doc = json::parse(CardProfileToJson(World().profile));
  EXPECT_EQ(doc["format_version"], 1);
  EXPECT_EQ(doc["seed"], ::sekisho::card::sim::testing::kTestCardSeed);
  EXPECT_EQ(doc["my_number"], World().profile.my_number);
  EXPECT_EQ(doc["retry_counters"]["auth_pin"], 3);
  EXPECT_EQ(doc["retry_counters"]["sign_password"], 5);
  EXPECT_THAT(doc["keys"]["auth"].get<std::string>(), HasSubstr("BEGIN PRIVATE KEY"));
}

TEST(CardProfileFileTest, SaveThenLoad) {
  TempDir dir;
  const auto path = dir.path() / "card.json";
  ASSERT_THAT(SaveCardProfile(World().profile, path), IsOk());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadCardProfile(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(*loaded, World().profile);
  // Nothing but the card file is left in the directory (the temporary file was renamed).
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(CardProfileFileTest, SaveReplacesAnExistingFile) {
  TempDir dir;
  const auto path = dir.path() / "card.json";
  ASSERT_THAT(SaveCardProfile(World().profile, path), IsOk());
  CardProfile changed = World().profile;
  changed.counters.auth_pin = 1;
  ASSERT_THAT(SaveCardProfile(changed, path), IsOk());
  auto loaded = LoadCardProfile(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->counters.auth_pin, 1);
}

TEST(CardProfileFileTest, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_THAT(LoadCardProfile(dir.path() / "absent.json"), StatusIs(StatusCode::kNotFound));
}

TEST(CardProfileFileTest, SavingAnInvalidProfileLeavesTheFileAlone) {
  TempDir dir;
  const auto path = dir.path() / "card.json";
  ASSERT_THAT(SaveCardProfile(World().profile, path), IsOk());
  CardProfile bad = World().profile;
  bad.auth_pin = "12345";
  EXPECT_THAT(SaveCardProfile(bad, path),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("credentials.auth_pin")));
  auto loaded = LoadCardProfile(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->auth_pin, World().profile.auth_pin);
}

TEST(CardProfileFileTest, UnwritableDirectoryIsUnavailable) {
  EXPECT_THAT(SaveCardProfile(World().profile, "/nonexistent-dir/card.json"),
              StatusIs(StatusCode::kUnavailable));
}

TEST(CardProfileFileTest, GarbageFileIsDataLoss) {
  TempDir dir;
  const auto path = dir.path() / "card.json";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("{\"format_version\": 1, ", f);
    std::fclose(f);
  }
  EXPECT_THAT(LoadCardProfile(path), StatusIs(StatusCode::kDataLoss, HasSubstr("JSON")));
}

// Each malformed field is reported as kDataLoss naming that field (and never its value).
struct Mutation {
  std::string field;  // expected in the message
  std::function<void(json&)> apply;
};

class CardProfileMalformedTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(CardProfileMalformedTest, IsDataLossNamingTheField) {
  json doc = json::parse(CardProfileToJson(World().profile));
  GetParam().apply(doc);
  auto parsed = CardProfileFromJson(doc.dump());
  EXPECT_THAT(parsed, StatusIs(StatusCode::kDataLoss, HasSubstr(GetParam().field)));
  if (!parsed.ok()) {
    EXPECT_THAT(parsed.status().message(), ::testing::Not(HasSubstr(World().profile.my_number)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Fields, CardProfileMalformedTest,
    ::testing::Values(
        Mutation{"format_version", [](json& d) { d["format_version"] = 2; }},
        Mutation{"format_version", [](json& d) { d.erase("format_version"); }},
        Mutation{"seed", [](json& d) { d["seed"] = -1; }},
        Mutation{"seed", [](json& d) { d["seed"] = "42"; }},
        Mutation{"my_number",
                 [](json& d) {
                   std::string n = d["my_number"];
                   n[11] = n[11] == '9' ? '0' : static_cast<char>(n[11] + 1);
                   d["my_number"] = n;
                 }},
        Mutation{"my_number", [](json& d) { d["my_number"] = "12345"; }},
        Mutation{"identity", [](json& d) { d["identity"] = "x"; }},
        Mutation{"identity.name", [](json& d) { d["identity"]["name"] = ""; }},
        Mutation{"identity.address", [](json& d) { d["identity"].erase("address"); }},
        Mutation{"identity.birth_date", [](json& d) { d["identity"]["birth_date"] = "19800230"; }},
        Mutation{"identity.sex", [](json& d) { d["identity"]["sex"] = "3"; }},
        Mutation{"identity.sex", [](json& d) { d["identity"]["sex"] = "12"; }},
        Mutation{"card_expiry", [](json& d) { d["card_expiry"] = "2035"; }},
        Mutation{"security_code", [](json& d) { d["security_code"] = "12a4"; }},
        Mutation{"credentials.auth_pin", [](json& d) { d["credentials"]["auth_pin"] = "123"; }},
        Mutation{"credentials.sign_password",
                 [](json& d) { d["credentials"]["sign_password"] = "abc123"; }},
        Mutation{"credentials.sign_password",
                 [](json& d) { d["credentials"]["sign_password"] = "ABCDEFG"; }},
        Mutation{"credentials.sign_password",
                 [](json& d) { d["credentials"]["sign_password"] = "A1234567890123456"; }},
        Mutation{"credentials.input_assist_pin",
                 [](json& d) { d["credentials"]["input_assist_pin"] = 1234; }},
        Mutation{"credentials.residence_pin",
                 [](json& d) { d["credentials"]["residence_pin"] = "12345"; }},
        Mutation{"retry_counters.auth_pin", [](json& d) { d["retry_counters"]["auth_pin"] = 4; }},
        Mutation{"retry_counters.sign_password",
                 [](json& d) { d["retry_counters"]["sign_password"] = -1; }},
        Mutation{"retry_counters.input_assist_code_a",
                 [](json& d) { d["retry_counters"]["input_assist_code_a"] = 11; }},
        Mutation{"retry_counters.common_pin",
                 [](json& d) { d["retry_counters"].erase("common_pin"); }},
        Mutation{"retry_counters.residence_pin",
                 [](json& d) { d["retry_counters"]["residence_pin"] = 1.5; }},
        Mutation{"keys.auth", [](json& d) { d["keys"]["auth"] = "-----BEGIN PRIVATE KEY-----"; }},
        Mutation{"keys.input_assist", [](json& d) { d["keys"]["input_assist"] = ""; }},
        // The sign key replaced by the auth key no longer matches the sign certificate.
        Mutation{"certificates.sign", [](json& d) { d["keys"]["sign"] = d["keys"]["auth"]; }},
        Mutation{"certificates.auth", [](json& d) { d["certificates"]["auth"] = "not base64!"; }},
        // Valid base64 ("foobar", RFC 4648 §10) that is no certificate.
        Mutation{"certificates.auth", [](json& d) { d["certificates"]["auth"] = "Zm9vYmFy"; }},
        Mutation{"certificates.auth_ca",
                 [](json& d) {
                   std::string b64 = d["certificates"]["auth_ca"];
                   d["certificates"]["auth_ca"] = b64.substr(0, b64.size() - 8);
                 }},
        Mutation{"certificates.sign", [](json& d) { d["certificates"].erase("sign"); }},
        Mutation{"certificates.sign_ca", [](json& d) { d["certificates"]["sign_ca"] = 5; }}));

TEST(CardProfileMalformedTest, NotAnObjectIsDataLoss) {
  EXPECT_THAT(CardProfileFromJson("[1, 2]"), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(CardProfileFromJson(""), StatusIs(StatusCode::kDataLoss));
}

TEST(CardProfileValidateTest, ValidProfilePasses) {
  EXPECT_THAT(ValidateCardProfile(World().profile), IsOk());
}

}  // namespace
}  // namespace sekisho::card::sim
