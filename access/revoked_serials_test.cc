#include "access/revoked_serials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::access {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr TimePoint kT0 = FromUnixSeconds(1743465600);
constexpr auto kDay = std::chrono::hours(24);

Bytes Serial(std::uint8_t fill) { return Bytes(32, fill); }

KeyedCrl Crl(std::string fingerprint, TimePoint this_update, std::vector<Bytes> serials) {
  return {"C=JP, O=JPKI-TEST", std::move(fingerprint), this_update, this_update + 30 * kDay,
          this_update,         std::move(serials)};
}

TEST(RevokedSerialsTest, AbsentFileIsAnEmptyState) {
  TempDir temp;
  auto state = RevokedSerials::Load(temp.path() / "revoked-serials.json");
  ASSERT_THAT(state, IsOk());
  EXPECT_TRUE(state->crls().empty());
  EXPECT_FALSE(state->Contains(Serial(1)));
}

TEST(RevokedSerialsTest, SavesAndLoadsSortedUniqueSerials) {
  TempDir temp;
  const auto path = temp.path() / "revoked-serials.json";
  RevokedSerials state;
  state.Replace(Crl("aa", kT0, {Serial(3), Serial(1), Serial(3)}));
  state.Replace(Crl("bb", kT0, {Serial(7)}));
  ASSERT_THAT(state.Save(path), IsOk());
  auto loaded = RevokedSerials::Load(path);
  ASSERT_THAT(loaded, IsOk());
  ASSERT_EQ(loaded->crls().size(), 2u);
  EXPECT_EQ(loaded->crls()[0].keyed_serials, (std::vector<Bytes>{Serial(1), Serial(3)}));
  EXPECT_EQ(loaded->crls(), state.crls());
  EXPECT_TRUE(loaded->Contains(Serial(3)));
  EXPECT_TRUE(loaded->Contains(Serial(7)));
  EXPECT_FALSE(loaded->Contains(Serial(2)));
}

TEST(RevokedSerialsTest, ReplaceSwapsTheListOfTheSameIssuerOnly) {
  RevokedSerials state;
  state.Replace(Crl("aa", kT0, {Serial(1)}));
  state.Replace(Crl("bb", kT0, {Serial(2)}));
  state.Replace(Crl("aa", kT0 + kDay, {Serial(4)}));
  EXPECT_FALSE(state.Contains(Serial(1)));
  EXPECT_TRUE(state.Contains(Serial(2)));
  EXPECT_TRUE(state.Contains(Serial(4)));
}

TEST(RevokedSerialsTest, AnOlderCrlOfTheSameIssuerIsRefused) {
  RevokedSerials state;
  state.Replace(Crl("aa", kT0 + kDay, {Serial(1)}));
  EXPECT_THAT(state.CheckNotOlder(Crl("aa", kT0, {})),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("older than the one imported")));
  EXPECT_THAT(state.CheckNotOlder(Crl("aa", kT0 + kDay, {})), IsOk());
  EXPECT_THAT(state.CheckNotOlder(Crl("bb", kT0, {})), IsOk());
}

TEST(RevokedSerialsTest, CurrencyNeedsAnImportedCrlNotExpiredNorTooOld) {
  RevokedSerials state;
  EXPECT_THAT(state.CheckCurrent(kT0, std::chrono::hours(48)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no issuer CRL")));
  state.Replace(Crl("aa", kT0, {}));
  EXPECT_THAT(state.CheckCurrent(kT0 + kDay, std::chrono::hours(48)), IsOk());
  EXPECT_THAT(state.CheckCurrent(kT0 + 3 * kDay, std::chrono::hours(48)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("more than 48 hours")));
  EXPECT_THAT(state.CheckCurrent(kT0 + 31 * kDay, std::chrono::hours(24 * 60)),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("expired")));
}

TEST(RevokedSerialsTest, DamagedFilesAreDataLoss) {
  TempDir temp;
  const auto path = temp.path() / "revoked-serials.json";
  const char* bad[] = {
      "not json",
      R"({"crls": []})",
      R"({"format_version": 1})",
      R"({"format_version": 1, "crls": [{"issuer": "x"}]})",
      R"({"format_version": 1, "crls": [{"issuer": "x", "issuer_sha256": "aa",
          "this_update_ms": 1, "next_update_ms": 2, "imported_at_ms": 1,
          "keyed_serials": ["00ff"]}]})",
  };
  for (const char* text : bad) {
    std::ofstream(path, std::ios::trunc) << text;
    EXPECT_THAT(RevokedSerials::Load(path), StatusIs(StatusCode::kDataLoss)) << text;
  }
  std::ofstream(path, std::ios::trunc) << R"({"format_version": 2, "crls": []})";
  EXPECT_THAT(RevokedSerials::Load(path),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("upgrade sekisho")));
}

}  // namespace
}  // namespace sekisho::access
