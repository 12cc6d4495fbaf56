// DemoRun: `sekisho demo` end to end: a temporary (or kept) data directory built like `sekisho
// init` + HR + enrolment would build it, the server on 127.0.0.1 with TLS, every gate registered
// with its token and running as a daemon, and the scripted day at accelerated time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "base/result.h"
#include "card/sim/simulated_card.h"
#include "demo/demo_cards.h"
#include "demo/demo_clock.h"
#include "demo/demo_gate.h"
#include "demo/demo_site_builder.h"
#include "demo/report.h"
#include "demo/scenario.h"
#include "server/auth_password.h"
#include "server/server.h"
#include "server/server_site.h"

namespace sekisho::demo {

struct DemoOptions {
  std::size_t gates = 3;   // at least 3
  std::size_t staff = 50;  // at least 6 (the command asks for 50)
  std::uint16_t port = 0;  // 0: a free port
  // Where the data directory and the gates' directories go (kept afterwards); a fresh temporary
  // directory, removed at the end, when absent.
  std::optional<std::filesystem::path> keep;
  // Simulated seconds per real second during the day (600: a real second is ten minutes).
  double time_factor = 600;
  server::PasswordHashParams password_params = server::ProductPasswordParams();
  // How long one step of the day may wait.
  std::chrono::milliseconds wait = std::chrono::seconds(30);
};

class DemoRun {
 public:
  // Builds and starts everything, calling `progress` with a short line per stage. Errors:
  // kInvalidArgument for too few gates or staff; kAlreadyExists when `keep` holds a data
  // directory already; the stores', enrolment's, server's and registrations' errors.
  static Result<std::unique_ptr<DemoRun>> Create(
      const DemoOptions& options, std::function<void(std::string_view)> progress = nullptr);
  ~DemoRun();  // stops the gates and the server; removes a temporary directory
  DemoRun(const DemoRun&) = delete;
  DemoRun& operator=(const DemoRun&) = delete;

  // Runs the scripted day (scenario.h), adding its results to `report`; returns the counters
  // at its end.
  DemoCounters RunDay(DemoReport& report);
  // After the day: the clock runs at real speed (console sessions last what they say).
  void SwitchToRealTime() { clock_.SwitchToRealTime(); }

  std::uint16_t port() const { return server_->port(); }
  const DemoWorld& world() const { return world_; }
  const std::filesystem::path& root() const { return root_; }
  // Stops the gates, then the server (idempotent).
  void Stop();

 private:
  explicit DemoRun(const DemoOptions& options);
  Status Build(const std::function<void(std::string_view)>& progress);

  DemoOptions options_;
  std::filesystem::path root_;
  bool remove_root_ = false;
  DemoClock clock_;
  OsRandom random_;
  std::shared_ptr<const DemoCardSet> card_set_;
  std::vector<std::unique_ptr<card::sim::SimulatedCard>> cards_;
  std::unique_ptr<server::ServerSite> site_;
  DemoWorld world_;
  AppliedVersions applied_;
  std::unique_ptr<server::Server> server_;
  std::vector<std::unique_ptr<DemoGate>> gates_;
  std::unique_ptr<DemoEnvironment> env_;
};

}  // namespace sekisho::demo
