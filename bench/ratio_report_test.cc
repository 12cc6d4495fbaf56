#include "bench/ratio_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sekisho::bench {
namespace {

Medians ThreeRuns() {
  Medians medians;
  medians["BM_Base"] = {.real_time = 20, .cpu_time = 10};
  medians["BM_Fast"] = {.real_time = 10, .cpu_time = 4};
  medians["BM_Slow"] = {.real_time = 50, .cpu_time = 40};
  return medians;
}

TEST(FormatRatiosTest, TimeRatiosOfEveryBenchmarkButTheBaselineByName) {
  EXPECT_EQ(FormatRatios(ThreeRuns(), {.baseline = "BM_Base",
                                       .baseline_label = "the base",
                                       .name_width = 10,
                                       .ratio_width = 6}),
            "BM_Fast      0.50 x the base (median; CPU time 0.40 x)\n"
            "BM_Slow      2.50 x the base (median; CPU time 4.00 x)\n");
}

TEST(FormatRatiosTest, RatesAreTheBaselinesTimeOverTheBenchmarks) {
  EXPECT_EQ(FormatRatios(ThreeRuns(), {.baseline = "BM_Base",
                                       .baseline_label = "the base",
                                       .name_width = 8,
                                       .ratio_width = 5,
                                       .as_rate = true}),
            "BM_Fast  rate  2.00 x the base (median; CPU time 2.50 x)\n"
            "BM_Slow  rate  0.40 x the base (median; CPU time 0.25 x)\n");
}

TEST(FormatRatiosTest, OnlyTheNamedBenchmarksInTheirOrderSkippingThoseThatDidNotRun) {
  EXPECT_EQ(FormatRatios(ThreeRuns(), {.baseline = "BM_Base",
                                       .baseline_label = "b",
                                       .name_width = 1,
                                       .ratio_width = 1,
                                       .only = {"BM_Slow", "BM_Missing", "BM_Fast"}}),
            "BM_Slow 2.50 x b (median; CPU time 4.00 x)\n"
            "BM_Fast 0.50 x b (median; CPU time 0.40 x)\n");
}

TEST(FormatRatiosTest, NothingWithoutTheBaselineOrWithAZeroDivisor) {
  EXPECT_EQ(FormatRatios(ThreeRuns(), {.baseline = "BM_Absent", .baseline_label = "b"}), "");

  Medians zero_base = ThreeRuns();
  zero_base["BM_Base"].cpu_time = 0;
  EXPECT_EQ(FormatRatios(zero_base, {.baseline = "BM_Base", .baseline_label = "b"}), "");

  Medians zero_run = ThreeRuns();
  zero_run["BM_Fast"].real_time = 0;
  EXPECT_EQ(FormatRatios(zero_run, {.baseline = "BM_Base",
                                    .baseline_label = "b",
                                    .name_width = 1,
                                    .ratio_width = 1,
                                    .as_rate = true}),
            "BM_Slow rate 0.40 x b (median; CPU time 0.25 x)\n");
}

TEST(FormatRatiosTest, ALongNameIsWrittenWhole) {
  Medians medians = ThreeRuns();
  const std::string long_name(600, 'n');
  medians[long_name] = {.real_time = 20, .cpu_time = 10};
  const std::string lines =
      FormatRatios(medians, {.baseline = "BM_Base", .baseline_label = "b", .only = {long_name}});
  EXPECT_EQ(lines, long_name + "  1.00 x b (median; CPU time 1.00 x)\n");
}

}  // namespace
}  // namespace sekisho::bench
