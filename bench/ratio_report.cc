#include "bench/ratio_report.h"

#include <cstdio>
#include <utility>

namespace sekisho::bench {

void MedianReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
    if (median || single) {
      medians_[run.run_name.function_name] = {run.GetAdjustedRealTime(), run.GetAdjustedCPUTime(),
                                              run.counters};
    }
  }
}

void MedianReporter::Finalize() {
  ConsoleReporter::Finalize();
  if (after_table_) after_table_(medians_);
}

std::string FormatRatios(const Medians& medians, const RatioOptions& options) {
  const auto base = medians.find(options.baseline);
  if (base == medians.end()) return "";
  std::vector<std::string> names = options.only;
  if (names.empty()) {
    for (const auto& [name, median] : medians) {
      if (name != options.baseline) names.push_back(name);
    }
  }
  std::string lines;
  for (const std::string& name : names) {
    const auto it = medians.find(name);
    if (it == medians.end()) continue;
    const Median& a = options.as_rate ? base->second : it->second;
    const Median& b = options.as_rate ? it->second : base->second;
    if (b.real_time <= 0 || b.cpu_time <= 0) continue;
    const auto format = [&](char* out, std::size_t size) {
      return std::snprintf(out, size, "%-*s %s%*.2f x %s (median; CPU time %.2f x)\n",
                           options.name_width, name.c_str(), options.as_rate ? "rate " : "",
                           options.ratio_width, a.real_time / b.real_time,
                           options.baseline_label.c_str(), a.cpu_time / b.cpu_time);
    };
    std::string line(static_cast<std::size_t>(format(nullptr, 0)) + 1, '\0');
    line.resize(static_cast<std::size_t>(format(line.data(), line.size())));
    lines += line;
  }
  return lines;
}

std::function<void(const Medians&)> PrintRatios(RatioOptions options) {
  return [options = std::move(options)](const Medians& medians) {
    std::fputs(FormatRatios(medians, options).c_str(), stdout);
  };
}

int RunBenchmarks(int argc, char** argv, benchmark::BenchmarkReporter& reporter,
                  const std::function<void()>& before_run) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (before_run) before_run();
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace sekisho::bench
