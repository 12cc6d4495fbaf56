#include "card/sim/verification_code.h"

#include <gtest/gtest.h>

namespace sekisho::card::sim {
namespace {

TEST(CalendarDateTest, AcceptsRealDatesOnly) {
  EXPECT_TRUE(IsValidCalendarDate("19800217"));
  EXPECT_TRUE(IsValidCalendarDate("20000229"));  // divisible by 400: leap
  EXPECT_TRUE(IsValidCalendarDate("20240229"));
  EXPECT_FALSE(IsValidCalendarDate("19000229"));  // divisible by 100: not leap
  EXPECT_FALSE(IsValidCalendarDate("20230229"));
  EXPECT_FALSE(IsValidCalendarDate("19800230"));
  EXPECT_FALSE(IsValidCalendarDate("19801301"));
  EXPECT_FALSE(IsValidCalendarDate("19800100"));
  EXPECT_FALSE(IsValidCalendarDate("1980021"));
  EXPECT_FALSE(IsValidCalendarDate("1980-2-17"));
  EXPECT_FALSE(IsValidCalendarDate("18671231"));
}

TEST(JapaneseEraDateTest, EraBoundaries) {
  EXPECT_EQ(JapaneseEraDate("19800217"), "550217");  // 昭和55 (spec §2 example)
  EXPECT_EQ(JapaneseEraDate("19261225"), "011225");  // 昭和元年
  EXPECT_EQ(JapaneseEraDate("19261224"), "151224");  // 大正15
  EXPECT_EQ(JapaneseEraDate("19120730"), "010730");  // 大正元年
  EXPECT_EQ(JapaneseEraDate("19120729"), "450729");  // 明治45
  EXPECT_EQ(JapaneseEraDate("19890107"), "640107");  // 昭和64
  EXPECT_EQ(JapaneseEraDate("19890108"), "010108");  // 平成元年
  EXPECT_EQ(JapaneseEraDate("20190430"), "310430");  // 平成31
  EXPECT_EQ(JapaneseEraDate("20190501"), "010501");  // 令和元年
  EXPECT_EQ(JapaneseEraDate("20250401"), "070401");  // 令和7
}

TEST(JapaneseEraDateTest, RejectsInvalidDates) {
  EXPECT_EQ(JapaneseEraDate("18680101"), std::nullopt);  // before 明治
  EXPECT_EQ(JapaneseEraDate("19800230"), std::nullopt);
  EXPECT_EQ(JapaneseEraDate(""), std::nullopt);
}

TEST(VerificationCodeBTest, SpecExample) {
  // Spec §2: born 1980-02-17 (昭和55), card expiring 2035, code 2285.
  EXPECT_EQ(VerificationCodeB("19800217", "20350217", "2285"), "55021720352285");
}

TEST(VerificationCodeBTest, RejectsMalformedParts) {
  EXPECT_EQ(VerificationCodeB("19800230", "20350217", "2285"), std::nullopt);
  EXPECT_EQ(VerificationCodeB("19800217", "2035", "2285"), std::nullopt);
  EXPECT_EQ(VerificationCodeB("19800217", "20350217", "228"), std::nullopt);
  EXPECT_EQ(VerificationCodeB("19800217", "20350217", "22a5"), std::nullopt);
}

}  // namespace
}  // namespace sekisho::card::sim
