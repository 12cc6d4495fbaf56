// Benchmark figures as ratios against a baseline measured in the same run, from medians: the
// machines they run on are shared and noisy. A console reporter that keeps each benchmark's
// median, the ratio lines printed under its table, and a main() for benchmark binaries.
#pragma once

#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::bench {

// A benchmark's median run (its only run when it is not repeated).
struct Median {
  double real_time = 0;  // per iteration, in the benchmark's own time unit
  double cpu_time = 0;
  benchmark::UserCounters counters;
};

// Keyed by the benchmark's function name ("BM_Decide"), without arguments: of the runs of one
// function with different arguments, the last is kept.
using Medians = std::map<std::string, Median>;

// The console table, as benchmark::ConsoleReporter prints it, then `after_table(medians)` once
// every benchmark has run.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  explicit MedianReporter(std::function<void(const Medians&)> after_table)
      : after_table_(std::move(after_table)) {}

  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::function<void(const Medians&)> after_table_;
  Medians medians_;
};

// What FormatRatios compares, and how its lines are laid out.
struct RatioOptions {
  std::string baseline;        // the baseline's function name: "BM_OpenSslRawRsa2048Verify"
  std::string baseline_label;  // how lines name it: "OpenSSL raw RSA-2048 verify"
  int name_width = 32;         // columns of the benchmark's name
  int ratio_width = 5;         // columns of the wall-time ratio
  // false: time / the baseline's time ("costs N baselines"); true: the baseline's time / time,
  // written "rate N x" ("runs at N times the baseline's rate").
  bool as_rate = false;
  // The benchmarks to compare, in this order; empty: every one but the baseline, by name.
  std::vector<std::string> only;
};

// One line per compared benchmark,
//   "<name> [rate ]<wall-time ratio> x <baseline_label> (median; CPU time <CPU-time ratio> x)\n"
// with ratios to two decimals. Empty without the baseline; no line for a benchmark that did not
// run, nor for one whose wall or CPU ratio would divide by a time that is not positive.
std::string FormatRatios(const Medians& medians, const RatioOptions& options);

// An `after_table` for MedianReporter that prints FormatRatios(medians, options) to stdout.
std::function<void(const Medians&)> PrintRatios(RatioOptions options);

// The body of a benchmark binary's main(): parses the flags (exit code 1 for an unknown one),
// calls `before_run` (set-up that must not be measured, e.g. under a profiler), runs the selected
// benchmarks with `reporter` and returns main's exit code.
int RunBenchmarks(int argc, char** argv, benchmark::BenchmarkReporter& reporter,
                  const std::function<void()>& before_run = {});

}  // namespace sekisho::bench
