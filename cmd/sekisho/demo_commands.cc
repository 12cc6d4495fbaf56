// `sekisho demo`: a whole site in one process (demo/demo_run.h): the data directory, 50 staff with
// enrolled simulated My Number Cards, the server, registered gates and a scripted day at
// accelerated time, with a line per scenario. Then the console stays up until Ctrl-C, or with
// --headless the exit code says whether every expectation held.
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "base/exit_code.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/stop_signal.h"
#include "demo/demo_run.h"
#include "demo/report.h"
#include "server/auth_role.h"

namespace sekisho::cli {
namespace {

struct DemoCommandOptions {
  bool headless = false;
  std::optional<int> duration;  // seconds
  std::size_t gates = 3;
  std::size_t staff = 50;
  std::uint16_t port = 0;
  std::optional<std::filesystem::path> keep;
};

// Ends the process with kExitDeadlineExceeded when the run outlasts --duration.
class Watchdog {
 public:
  explicit Watchdog(std::optional<int> seconds) {
    if (!seconds) return;
    thread_ = std::thread([this, limit = std::chrono::seconds(*seconds)] {
      std::unique_lock lock(mutex_);
      if (!done_changed_.wait_for(lock, limit, [this] { return done_; })) {
        std::fprintf(stderr, "sekisho demo: FAILED: the run took longer than --duration %llds\n",
                     static_cast<long long>(limit.count()));
        std::fflush(nullptr);
        std::_Exit(ExitCodeFor(StatusCode::kDeadlineExceeded));
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    done_changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_changed_;
  bool done_ = false;
  std::thread thread_;
};

Status RunDemo(const DemoCommandOptions& o) {
  Watchdog watchdog(o.duration);
  // The live summary is the output; routine log lines (50 enrolments ...) only with -v.
  if (spdlog::get_level() == spdlog::level::info) spdlog::set_level(spdlog::level::warn);
  std::atomic<bool>& stop = StopOnSignal();
  demo::DemoOptions options;
  options.gates = o.gates;
  options.staff = o.staff;
  options.port = o.port;
  options.keep = o.keep;
  std::printf("Sekisho demo: %zu staff, %zu gates, one day at 1 s = 10 min\n", o.staff, o.gates);
  ASSIGN_OR_RETURN(std::unique_ptr<demo::DemoRun> run,
                   demo::DemoRun::Create(options, [](std::string_view line) {
                     std::printf("  setup  %.*s\n", static_cast<int>(line.size()), line.data());
                     std::fflush(stdout);
                   }));
  std::printf("\nThe day (each line: expectation, then what happened):\n");
  demo::DemoReport report([](const demo::ScenarioResult& r) {
    std::printf("%s\n", demo::FormatScenarioLine(r).c_str());
    std::fflush(stdout);
  });
  const demo::DemoCounters counters = run->RunDay(report);
  std::printf("\n%s", demo::FormatCounters(counters).c_str());
  const std::vector<std::string> failed = report.Failed();
  std::printf("\n%zu of %zu scenarios passed\n", report.results().size() - failed.size(),
              report.results().size());

  if (!o.headless) {
    run->SwitchToRealTime();
    std::printf("\nconsole:   https://127.0.0.1:%u/  (TLS by the demo's own CA: %s)\n", run->port(),
                (run->root() / "data" / "tls" / "ca.pem").c_str());
    std::printf("logins (generated passwords, valid for this run only):\n");
    for (const demo::DemoUser& u : run->world().users) {
      std::printf("  %-15s %-18s %s\n", std::string(server::RoleName(u.role)).c_str(),
                  u.login.c_str(), u.password.c_str());
    }
    std::printf("press Ctrl-C to stop\n");
    std::fflush(stdout);
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::printf("stopping\n");
  }
  run->Stop();
  if (!failed.empty()) {
    std::string names;
    for (const std::string& f : failed) names += (names.empty() ? "" : ", ") + f;
    return InternalError("demo expectations failed: " + names);
  }
  return OkStatus();
}

}  // namespace

void RegisterDemoCommands(CLI::App& app, Action& action) {
  auto o = std::make_shared<DemoCommandOptions>();
  CLI::App* demo = app.add_subcommand(
      "demo",
      "Run a whole simulated site in one process: staff with enrolled simulated My Number "
      "Cards, the server, gates, and a scripted day checking every principle");
  demo->add_flag("--headless", o->headless,
                 "Exit after the day: 0 only if every expectation held (for CI)");
  demo->add_option("--duration", o->duration, "Upper bound of the whole run, in seconds")
      ->check(CLI::PositiveNumber);
  demo->add_option("--gates", o->gates, "Number of gates (3 or more)")->check(CLI::Range(3, 64));
  demo->add_option("--staff", o->staff, "Number of staff (50 or more)")
      ->check(CLI::Range(50, 10000));
  demo->add_option("--port", o->port, "HTTPS port of the server (default: a free one)");
  demo->add_option("--keep", o->keep,
                   "Build the data in this new directory and keep it (default: a temporary one)");
  demo->callback([&action, o] { action = [o] { return RunDemo(*o); }; });
}

}  // namespace sekisho::cli
