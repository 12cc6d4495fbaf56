// The demo's scripted day (DESIGN.md §1's concerns, one scenario each): morning rush, office door,
// PIN safety, a lost card reported through the REST API and refused at every gate, an issuer CRL,
// a found card read by a stranger's reader, lockdown, a door outside its schedule, the next
// morning, and the end-of-day audit verification. Each scenario adds its line to the report.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "card/sim/simulated_card.h"
#include "demo/demo_cards.h"
#include "demo/demo_clock.h"
#include "demo/demo_gate.h"
#include "demo/demo_site_builder.h"
#include "demo/report.h"
#include "server/server.h"

namespace sekisho::demo {

// 2026-06-10T00:00:00+09:00, a Wednesday: the demo's day (Tokyo time, the site's zone).
inline constexpr TimePoint kDemoDay = FromUnixSeconds(1781017200);

// When each gate first reported a policy version in force (GateHubObservers::on_policy_applied).
// Thread-safe.
class AppliedVersions {
 public:
  void Record(gate::GateId gate, std::uint64_t version, std::chrono::steady_clock::time_point at);
  // Waits until every gate of `gates` applied `version` or a later one; false after `timeout`.
  bool WaitAll(const std::vector<gate::GateId>& gates, std::uint64_t version,
               std::chrono::milliseconds timeout);
  // The time the last of `gates` applied `version` or a later one; nullopt while one has not.
  std::optional<std::chrono::steady_clock::time_point> LastApplied(
      const std::vector<gate::GateId>& gates, std::uint64_t version) const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // gate -> (version, first time reported), in the order reported
  std::map<gate::GateId,
           std::vector<std::pair<std::uint64_t, std::chrono::steady_clock::time_point>>>
      applied_;
};

// What the day runs on. Every reference must outlive the day.
struct DemoEnvironment {
  server::ServerSite& site;
  server::Server& server;
  const DemoWorld& world;
  const DemoCardSet& card_set;
  std::vector<std::unique_ptr<card::sim::SimulatedCard>>& cards;  // world.staff[i].card indexes
  std::vector<std::unique_ptr<DemoGate>>& gates;                  // world.gates order
  DemoClock& clock;
  AppliedVersions& applied;
  // How long one step may wait (a presentation, a policy push, a queue acknowledgement).
  std::chrono::milliseconds wait = std::chrono::seconds(30);
};

// Runs every scenario in order, adding one result each to `report`; a failed scenario does not
// stop the day. Returns the revocation latency measured by the lost-card scenario.
std::optional<std::chrono::milliseconds> RunDemoDay(DemoEnvironment& env, DemoReport& report);

// The day's counters as they stand (grants and denials from the gates' events, the hub's
// committed events, the published policy version, gates online).
DemoCounters CollectCounters(DemoEnvironment& env);

}  // namespace sekisho::demo
