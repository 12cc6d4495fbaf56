// DemoReport and its text form.
#include "demo/report.h"

#include <fmt/format.h>

namespace sekisho::demo {

void DemoReport::Add(ScenarioResult result) {
  {
    std::lock_guard lock(mutex_);
    results_.push_back(result);
  }
  if (on_result_) on_result_(result);
}

std::vector<ScenarioResult> DemoReport::results() const {
  std::lock_guard lock(mutex_);
  return results_;
}

bool DemoReport::AllPassed() const {
  std::lock_guard lock(mutex_);
  if (results_.empty()) return false;
  for (const ScenarioResult& r : results_) {
    if (!r.passed) return false;
  }
  return true;
}

std::vector<std::string> DemoReport::Failed() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> failed;
  for (const ScenarioResult& r : results_) {
    if (!r.passed) failed.push_back(r.name);
  }
  return failed;
}

std::string FormatScenarioLine(const ScenarioResult& result) {
  return fmt::format("{}  {:<40} expect: {}\n{:46}got:    {}", result.passed ? "PASS" : "FAIL",
                     result.name, result.expectation, "", result.outcome);
}

std::string FormatCounters(const DemoCounters& c) {
  std::string denials;
  for (const auto& [reason, n] : c.denials) {
    denials += fmt::format("{}{} {}", denials.empty() ? "" : ", ", reason, n);
  }
  if (denials.empty()) denials = "none";
  std::string text;
  text += fmt::format("grants:              {}\n", c.grants);
  text += fmt::format("denials:             {}\n", denials);
  text += fmt::format("events committed:    {}\n", c.events_committed);
  text += fmt::format("policy version:      {}\n", c.policy_version);
  text += fmt::format("gates online:        {} of {}\n", c.gates_online, c.gates);
  text +=
      fmt::format("revocation latency:  {}\n",
                  c.revocation_latency ? fmt::format("{} ms from the loss report to the last gate",
                                                     c.revocation_latency->count())
                                       : std::string("not measured"));
  return text;
}

}  // namespace sekisho::demo
