#include "card/sim/badge_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "badge/test_pki.h"
#include "base/status_matchers.h"

namespace sekisho::card::sim {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr badge::Date kProfileToday{std::chrono::year(2026), std::chrono::November, std::chrono::day(28)};

class BadgeProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_ = std::make_unique<badge::testing::TestOrganisation>(
        badge::testing::MakeTestOrganisation("ORGP", kProfileToday));
    batch_ = std::make_unique<BadgeBatch>(NewBadgeBatch("112233").value());
  }
  std::unique_ptr<badge::testing::TestOrganisation> org_;
  std::unique_ptr<BadgeBatch> batch_;
};

TEST_F(BadgeProfileTest, JsonRoundTrip) {
  auto profile = NewBadgeProfile(*batch_, org_->cvca.der(), "135790");
  ASSERT_THAT(profile, IsOk());
  profile->pin_tries = 2;
  auto back = BadgeProfileFromJson(BadgeProfileToJson(*profile));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->can, "112233");
  EXPECT_EQ(back->pin, "135790");
  EXPECT_EQ(back->pin_tries, 2);
  EXPECT_EQ(back->ca_public_point, batch_->ca_public_point);
  EXPECT_TRUE(std::ranges::equal(back->ri_private_pkcs8.view(), profile->ri_private_pkcs8.view()));
  EXPECT_EQ(back->trust_points, profile->trust_points);
}

TEST_F(BadgeProfileTest, MalformedFieldsAreDataLoss) {
  auto profile = NewBadgeProfile(*batch_, org_->cvca.der());
  ASSERT_THAT(profile, IsOk());
  const auto good = nlohmann::json::parse(BadgeProfileToJson(*profile));
  auto with = [&](const char* key, nlohmann::json value) {
    auto j = good;
    j[key] = std::move(value);
    return BadgeProfileFromJson(j.dump());
  };
  EXPECT_THAT(BadgeProfileFromJson("{"), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(with("format_version", 2), StatusIs(StatusCode::kDataLoss, HasSubstr("format")));
  EXPECT_THAT(with("can", "12345"), StatusIs(StatusCode::kDataLoss, HasSubstr("can")));
  EXPECT_THAT(with("pin", "abcdef"), StatusIs(StatusCode::kDataLoss, HasSubstr("pin")));
  EXPECT_THAT(with("pin_tries", 4), StatusIs(StatusCode::kDataLoss, HasSubstr("pin_tries")));
  EXPECT_THAT(with("ca_private_key", "00"), StatusIs(StatusCode::kDataLoss));
  EXPECT_THAT(with("ca_public_key", ToHex(org_->dv_key.public_point)),
              StatusIs(StatusCode::kDataLoss, HasSubstr("does not match")));
  EXPECT_THAT(with("trust_points", nlohmann::json::array({ToHex(org_->dv.der())})),
              StatusIs(StatusCode::kDataLoss, HasSubstr("CVCA")));
  EXPECT_THAT(with("trust_points", nlohmann::json::array()), StatusIs(StatusCode::kDataLoss));
}

TEST_F(BadgeProfileTest, NewBadgesShareTheBatchButNotTheRiKey) {
  auto a = NewBadgeProfile(*batch_, org_->cvca.der());
  auto b = NewBadgeProfile(*batch_, org_->cvca.der());
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->ca_public_point, b->ca_public_point);
  EXPECT_FALSE(std::ranges::equal(a->ri_private_pkcs8.view(), b->ri_private_pkcs8.view()));
  EXPECT_THAT(NewBadgeBatch("12ab56"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(NewBadgeProfile(*batch_, org_->dv.der()), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::card::sim
