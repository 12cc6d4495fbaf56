// DemoReport: what `sekisho demo` checked and saw: one line per scenario (its expectation, what
// happened, PASS/FAIL) and the counters of the day (grants, denials by reason, events committed,
// policy version, gates online, revocation latency), in the terminal's plain-text form.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::demo {

struct ScenarioResult {
  std::string name;         // "morning rush", "lost card", ...
  std::string expectation;  // what must happen
  std::string outcome;      // what happened
  bool passed = false;
};

struct DemoCounters {
  std::uint64_t grants = 0;
  std::map<std::string, std::uint64_t> denials;  // by policy::ReasonName
  std::uint64_t events_committed = 0;            // gate events in the audit log
  std::uint64_t policy_version = 0;
  std::size_t gates_online = 0;
  std::size_t gates = 0;
  // From the holder's loss report to the last gate applying the policy without the card.
  std::optional<std::chrono::milliseconds> revocation_latency;
};

// Thread-safe. `on_result` (optional) sees each result as it is added: the live terminal lines.
class DemoReport {
 public:
  explicit DemoReport(std::function<void(const ScenarioResult&)> on_result = nullptr)
      : on_result_(std::move(on_result)) {}

  void Add(ScenarioResult result);
  std::vector<ScenarioResult> results() const;
  // True when at least one scenario ran and every one passed.
  bool AllPassed() const;
  // The names of the scenarios that failed, in order.
  std::vector<std::string> Failed() const;

 private:
  std::function<void(const ScenarioResult&)> on_result_;
  mutable std::mutex mutex_;
  std::vector<ScenarioResult> results_;
};

// "PASS  lost card  expect: ...  got: ..." (one line, no trailing newline).
std::string FormatScenarioLine(const ScenarioResult& result);
// The counters as a few lines of text, each ending in a newline.
std::string FormatCounters(const DemoCounters& counters);

}  // namespace sekisho::demo
