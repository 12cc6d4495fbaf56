// Lost card to every gate (DESIGN.md §5 "Lost card", P4): a server on 127.0.0.1 (TLS, mutual TLS
// for gates) with N registered gates, each a GateDaemon on its own threads, all in this process.
// Each round suspends one credential and publishes; the figure is the time from just before the
// suspension to the moment the last gate reported the new version in force. Not Google Benchmark:
// a scenario with its own arguments, e.g. `revocation_bench --gates 200 --rounds 30`.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "access/test_site.h"
#include "base/clock.h"
#include "base/random.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "gate/gate_daemon.h"
#include "gate/registration.h"
#include "gate/simulated_card_reader.h"
#include "gate/simulated_door.h"
#include "policy/reason.h"
#include "server/auth_password.h"
#include "server/server.h"
#include "site/demo_site.h"
#include "site/snapshot_builder.h"
#include "snapshot/delta.h"
#include "snapshot/signed.h"

namespace sekisho::bench {
namespace {

using access::testing::kEnrolTime;
using access::testing::kTestPin;
using access::testing::TempDir;
using access::testing::TestProfile;
using access::testing::TestSite;
using Millis = std::chrono::duration<double, std::milli>;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr auto kSyncTimeout = std::chrono::seconds(120);
constexpr auto kRoundTimeout = std::chrono::seconds(60);
constexpr double kGoalSeconds = 2.0;

struct Options {
  int gates = 200;
  int rounds = 30;
  int staff = 10000;
  int server_threads = 4;  // ServerOptions' default
  bool verbose = false;
};

// A setup or verification step failed: the figures would mean nothing.
[[noreturn]] void Fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "revocation_bench: %s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

void Check(const Status& status, const std::string& what) {
  if (!status.ok()) Fail(what, status);
}

template <typename T>
T Take(Result<T> result, const std::string& what) {
  if (!result.ok()) Fail(what, result.status());
  return std::move(result).value();
}

// Nearest-rank percentile (p in (0, 1]) of a non-empty list.
double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

void PrintDistribution(const char* what, const std::vector<double>& ms) {
  if (ms.empty()) return;
  std::printf("%-34s n=%-5zu min %8.2f  median %8.2f  p90 %8.2f  p99 %8.2f  max %8.2f ms\n", what,
              ms.size(), Percentile(ms, 0.0), Percentile(ms, 0.5), Percentile(ms, 0.9),
              Percentile(ms, 0.99), Percentile(ms, 1.0));
}

policy::UnixSeconds UnixNow(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
}

// The thread ids of this process (/proc/self/task).
std::set<int> ThreadIds() {
  std::set<int> ids;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ignored)) {
    ids.insert(std::stoi(entry.path().filename().string()));
  }
  return ids;
}

// CPU time of thread `tid` of this process in nanoseconds: /proc/self/task/<tid>/schedstat (time
// on CPU, ns), else utime + stime of .../stat (clock ticks). 0 when the thread is gone.
std::int64_t ThreadCpuNanos(int tid) {
  const std::string base = "/proc/self/task/" + std::to_string(tid);
  if (std::ifstream schedstat(base + "/schedstat"); schedstat) {
    std::int64_t on_cpu = 0;
    if (schedstat >> on_cpu) return on_cpu;
  }
  std::ifstream stat(base + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return 0;
  // Fields after the command name, which is in parentheses and may hold spaces.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  std::int64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return (utime + stime) * (1000000000 / sysconf(_SC_CLK_TCK));
}

std::int64_t ThreadsCpuNanos(const std::vector<int>& tids) {
  std::int64_t total = 0;
  for (int tid : tids) total += ThreadCpuNanos(tid);
  return total;
}

// The whole process's CPU time (server and gates together), getrusage(RUSAGE_SELF).
std::int64_t ProcessCpuNanos() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto nanos = [](const timeval& t) {
    return std::int64_t{t.tv_sec} * 1000000000 + std::int64_t{t.tv_usec} * 1000;
  };
  return nanos(usage.ru_utime) + nanos(usage.ru_stime);
}

// The whole process's minor page faults (fresh pages from the kernel), getrusage(RUSAGE_SELF).
std::int64_t ProcessMinorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

std::int64_t ThisThreadCpuNanos() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::int64_t{t.tv_sec} * 1000000000 + t.tv_nsec;
}

// "VmRSS" or "VmHWM" of /proc/self/status, in MiB.
double ProcessMemoryMib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return static_cast<double>(std::stoll(line.substr(field.size() + 1))) / 1024.0;
    }
  }
  return 0;
}

// Raises the soft limit on open files to the hard limit; returns the soft limit in force.
rlim_t RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

// Which gates reported which version in force, and when (GateHubObservers.on_policy_applied).
class AppliedTracker {
 public:
  void AddGate(gate::GateId gate) {
    std::lock_guard lock(mutex_);
    const std::size_t index = index_.size();
    index_.emplace(gate, index);
    at_.resize(index_.size());
  }

  // From now on, records the first report of `version` (or later) per gate.
  void Expect(std::uint64_t version) {
    std::lock_guard lock(mutex_);
    target_ = version;
    std::fill(at_.begin(), at_.end(), std::nullopt);
    count_ = 0;
  }

  void OnApplied(gate::GateId gate, std::uint64_t version, SteadyTime at) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(gate);
    if (target_ == 0 || version < target_ || it == index_.end() || at_[it->second]) return;
    at_[it->second] = at;
    ++count_;
    if (count_ == at_.size()) all_applied_.notify_all();
  }

  // The time each gate applied the expected version, or nullopt when not all did within
  // `timeout` (*applied then says how many did).
  std::optional<std::vector<SteadyTime>> Wait(std::chrono::seconds timeout, std::size_t* applied) {
    std::unique_lock lock(mutex_);
    all_applied_.wait_for(lock, timeout, [this] { return count_ == at_.size(); });
    *applied = count_;
    if (count_ != at_.size()) return std::nullopt;
    std::vector<SteadyTime> times;
    for (const auto& t : at_) times.push_back(*t);
    return times;
  }

 private:
  std::mutex mutex_;
  std::condition_variable all_applied_;
  std::map<gate::GateId, std::size_t> index_;
  std::vector<std::optional<SteadyTime>> at_;
  std::uint64_t target_ = 0;
  std::size_t count_ = 0;
};

// One gate: its hardware, its daemon and the thread running it.
struct Gate {
  gate::GateId id = 0;
  std::filesystem::path dir;
  OsRandom random;
  gate::SimulatedCardReader reader;
  gate::SimulatedDoor door;
  std::unique_ptr<gate::GateDaemon> daemon;
  std::thread thread;

  Gate(std::string name, const Clock& clock)
      : reader(std::move(name)), door(clock, std::chrono::seconds(30)) {}
};

struct RoundFigures {
  double all_applied_ms = 0;
  std::vector<double> per_gate_ms;
  double suspend_ms = 0;         // SetCredentialStatus (a durable commit)
  double policy_changed_ms = 0;  // Server::PolicyChanged(), wall
  double caller_cpu_ms = 0;      // the calling thread's CPU over both
  double io_threads_cpu_ms = 0;  // the server's own threads, start of round to last report
  double process_cpu_ms = 0;     // everything in the process over the same span
  double minor_faults = 0;       // the process's minor page faults over the same span
  std::size_t delta_bytes = 0;   // the signed delta for one gate
  std::size_t delta_ops = 0;
};

int Run(const Options& options) {
  if (options.staff < 2 * options.rounds) {
    Fail("options",
         InvalidArgumentError("--staff must be at least twice --rounds: each round "
                              "and each baseline round suspends a credential of its own"));
  }
  if (!options.verbose) spdlog::set_level(spdlog::level::warn);
  const rlim_t open_files = RaiseOpenFileLimit();
  const auto setup_start = std::chrono::steady_clock::now();

  TempDir root;
  const std::filesystem::path data = root.path() / "data";
  FakeClock clock{kEnrolTime};  // Wednesday 09:00 in Tokyo: the staff level's office hours
  OsRandom random;

  // The one card presented at the end: a simulated My Number Card, enrolled for real.
  TestSite test_site(data);
  access::testing::TestOrg& org = test_site.AddOrg("Ministry of Examples", 5);
  const store::Staff holder = test_site.AddStaff(org, "E-0000001", "Aoi Tanaka");
  std::unique_ptr<card::sim::SimulatedCard> card = card::sim::testing::NewTestCard(TestProfile());
  store::CredentialId holder_credential;
  {
    card::sim::SimChannel channel(*card);
    holder_credential =
        Take(test_site.Enrol(org, holder, channel), "enrolling the card").credential.id;
  }

  std::unique_ptr<server::ServerSite> site =
      Take(server::ServerSite::Open(data, org.org.name, clock, random,
                                    {.password_params = server::TestOnlyPasswordParams()}),
           "opening the server's data directory");
  const store::OrganisationId org_id = site->org().id;
  const site::DemoSite demo = Take(site::PopulateDemoSite(site->sites(), org_id), "demo site");
  Check(site->sites()
            .CreateAssignment(org_id, {.staff = holder.id, .model = {.level = demo.staff_level}})
            .status(),
        "assigning the holder's level");

  // The rest of the staff: made-up pseudonyms and keyed serials straight into the registry, each
  // with the staff level, so that the snapshot has a realistic size.
  SeededRandom made_up(20260401);
  std::vector<store::CredentialId> credentials;
  credentials.reserve(options.staff);
  for (int i = 0; i < options.staff; ++i) {
    const store::Staff staff =
        Take(site->registry().AddStaff(org_id,
                                       {.staff_ref = store::StaffRef::Generate(made_up),
                                        .staff_number = fmt::format("S-{:06d}", i + 1),
                                        .display_name = fmt::format("Staff {}", i + 1),
                                        .valid_from = kEnrolTime - std::chrono::hours(24 * 30)},
                                       "bench"),
             "adding staff");
    Bytes pseudonym(32), keyed_serial(32);
    made_up.Fill(pseudonym);
    made_up.Fill(keyed_serial);
    credentials.push_back(Take(site->registry().AddCredential(
                                   org_id, staff.id,
                                   {.kind = store::CredentialKind::kJpki,
                                    .pseudonym = std::move(pseudonym),
                                    .keyed_serial = std::move(keyed_serial),
                                    .not_after = kEnrolTime + std::chrono::hours(24 * 365 * 4)},
                                   "bench"),
                               "adding a credential")
                              .id);
    Check(site->sites()
              .CreateAssignment(org_id, {.staff = staff.id, .model = {.level = demo.staff_level}})
              .status(),
          "assigning a level");
  }

  // One door per gate: the demo's entrance lane 1 for the first, copies of it for the others.
  const site::Door lane = Take(site->sites().GetDoor(org_id, demo.entrance_lane_1), "door");
  std::vector<server::NewGate> new_gates;
  for (int g = 0; g < options.gates; ++g) {
    server::NewGate created =
        Take(site->gates().CreateGate(org_id, fmt::format("Entrance lane {}", g + 1)), "gate");
    site::Door door = lane;
    if (g > 0) {
      door.name = fmt::format("Entrance gate lane {}", g + 100);
      door.model.id = policy::kNone;
      door = Take(site->sites().CreateDoor(org_id, door), "creating a door");
    }
    door.gate = created.gate.id;
    Check(site->sites().UpdateDoor(org_id, door).status(), "assigning a door");
    new_gates.push_back(std::move(created));
  }

  AppliedTracker tracker;
  const std::set<int> before_server = ThreadIds();
  std::unique_ptr<server::Server> server = Take(
      server::Server::Create(
          *site,
          {.port = 0, .threads = options.server_threads, .rebuild_interval = std::chrono::hours(1)},
          {.on_policy_applied = [&tracker](
                                    gate::GateId gate, std::uint64_t version,
                                    SteadyTime at) { tracker.OnApplied(gate, version, at); }}),
      "creating the server");
  Check(server->Start(), "starting the server");
  std::vector<int> server_threads;
  for (int tid : ThreadIds()) {
    if (!before_server.contains(tid)) server_threads.push_back(tid);
  }
  const double rss_server_mib = ProcessMemoryMib("VmRSS");

  // Registered for real, one after the other, then all started.
  std::vector<std::unique_ptr<Gate>> gates;
  for (int g = 0; g < options.gates; ++g) {
    auto gate = std::make_unique<Gate>(fmt::format("lane {}", g + 1), clock);
    gate->dir = root.path() / fmt::format("gate-{}", g + 1);
    const gate::GateConfig config =
        Take(gate::RegisterGate({.host = "127.0.0.1",
                                 .port = server->port(),
                                 .server_ca_file = site->tls_path(server::kCaCertFile),
                                 .token = new_gates[g].token},
                                gate->dir, gate->random),
             fmt::format("registering gate {}", g + 1));
    gate->id = config.gate;
    tracker.AddGate(gate->id);
    gates.push_back(std::move(gate));
  }
  std::mutex reasons_mutex;
  std::vector<policy::Reason> reasons;  // events of the first gate
  std::atomic<bool> stop{false};
  for (std::size_t g = 0; g < gates.size(); ++g) {
    Gate& gate = *gates[g];
    gate::ReaderLoop::EventObserver observer = nullptr;
    if (g == 0) {
      observer = [&](const gate::Event& e) {
        std::lock_guard lock(reasons_mutex);
        reasons.push_back(e.reason.value_or(policy::Reason::kInternalError));
      };
    }
    gate.daemon = Take(gate::GateDaemon::Open(gate.dir, gate.reader, gate.reader.keypad(),
                                              gate.door, clock, gate.random, {}, observer),
                       fmt::format("opening gate {}", g + 1));
    gate.thread = std::thread([&gate, &stop] {
      Status s = gate.daemon->Run(stop);
      if (!s.ok()) spdlog::error("gate {}: {}", gate.id, s.ToString());
    });
  }
  auto stop_all = [&] {
    stop = true;
    for (auto& gate : gates) gate->reader.Cancel();
    for (auto& gate : gates) {
      if (gate->thread.joinable()) gate->thread.join();
    }
    server->Stop();
  };

  // Every gate in sync with the current version.
  const std::uint64_t first_version = server->publisher().version();
  const auto sync_until = std::chrono::steady_clock::now() + kSyncTimeout;
  std::size_t in_sync = 0;
  while (std::chrono::steady_clock::now() < sync_until) {
    in_sync = std::count_if(gates.begin(), gates.end(), [&](const auto& gate) {
      return gate->daemon->status().policy_version == first_version;
    });
    if (in_sync == gates.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (in_sync != gates.size()) {
    stop_all();
    Fail("initial sync", DeadlineExceededError(fmt::format(
                             "{} of {} gates hold policy version {} after {} s", in_sync,
                             gates.size(), first_version, kSyncTimeout.count())));
  }
  const double rss_gates_mib = ProcessMemoryMib("VmRSS");
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();

  // The first gate grants the holder before anything is suspended.
  auto present = [&]() -> policy::Reason {
    std::size_t before = 0;
    {
      std::lock_guard lock(reasons_mutex);
      before = reasons.size();
    }
    Check(gates[0]->reader.Present(*card, std::string(kTestPin), std::chrono::seconds(30)),
          "presenting the card");
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard lock(reasons_mutex);
        if (reasons.size() > before) return reasons.back();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return policy::Reason::kInternalError;
  };
  const policy::Reason before_reason = present();
  if (before_reason != policy::Reason::kGranted) {
    stop_all();
    Fail("the card before suspension",
         FailedPreconditionError(
             fmt::format("expected granted, the gate said {}", policy::ReasonName(before_reason))));
  }

  // The rounds: the last one suspends the holder's card.
  std::vector<RoundFigures> rounds;
  for (int r = 0; r < options.rounds; ++r) {
    const store::CredentialId lost = r + 1 == options.rounds ? holder_credential : credentials[r];
    const std::optional<policy::Snapshot> previous = server->publisher().current();
    tracker.Expect(server->publisher().version() + 1);
    RoundFigures figures;

    const std::int64_t process_cpu_start = ProcessCpuNanos();
    const std::int64_t faults_start = ProcessMinorFaults();
    const std::int64_t io_cpu_start = ThreadsCpuNanos(server_threads);
    const std::int64_t caller_cpu_start = ThisThreadCpuNanos();
    const SteadyTime start = std::chrono::steady_clock::now();
    Check(site->registry().SetCredentialStatus(org_id, lost, store::CredentialStatus::kSuspended,
                                               "reported lost", "bench"),
          "suspending");
    const SteadyTime suspended = std::chrono::steady_clock::now();
    const std::uint64_t version = Take(server->PolicyChanged(), "publishing");
    const SteadyTime published = std::chrono::steady_clock::now();
    figures.caller_cpu_ms = static_cast<double>(ThisThreadCpuNanos() - caller_cpu_start) / 1e6;
    std::size_t applied = 0;
    const std::optional<std::vector<SteadyTime>> times = tracker.Wait(kRoundTimeout, &applied);
    figures.io_threads_cpu_ms =
        static_cast<double>(ThreadsCpuNanos(server_threads) - io_cpu_start) / 1e6;
    figures.process_cpu_ms = static_cast<double>(ProcessCpuNanos() - process_cpu_start) / 1e6;
    figures.minor_faults = static_cast<double>(ProcessMinorFaults() - faults_start);
    if (!times) {
      stop_all();
      Fail(fmt::format("round {}", r + 1),
           DeadlineExceededError(fmt::format("{} of {} gates applied version {} within {} s",
                                             applied, gates.size(), version,
                                             kRoundTimeout.count())));
    }
    figures.suspend_ms = Millis(suspended - start).count();
    figures.policy_changed_ms = Millis(published - suspended).count();
    for (const SteadyTime& t : *times) figures.per_gate_ms.push_back(Millis(t - start).count());
    figures.all_applied_ms =
        *std::max_element(figures.per_gate_ms.begin(), figures.per_gate_ms.end());

    const std::optional<policy::Snapshot> current = server->publisher().current();
    if (previous && current) {
      const snapshot::Delta delta = Take(snapshot::Diff(*previous, *current), "diff");
      figures.delta_ops = delta.ops.size();
      figures.delta_bytes =
          Take(snapshot::SignDelta(site->snapshot_key(), gates[0]->id, UnixNow(clock), delta),
               "signing")
              .size();
    }
    rounds.push_back(std::move(figures));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the gates go idle
  }

  // The policy is enforced: the first gate refuses the holder's suspended card.
  const policy::Reason after_reason = present();
  const bool refused = after_reason == policy::Reason::kRevoked;

  // Baseline, same run: the server's work for one change without the network. A further
  // credential is suspended in the registry (not published), then the snapshot is built, diffed
  // against the one before and signed for every gate, as PolicyChanged() does.
  std::vector<double> build_ms, diff_ms, sign_ms, baseline_ms;
  std::optional<policy::Snapshot> base = server->publisher().current();
  for (int r = 0; r < options.rounds && base; ++r) {
    Check(site->registry().SetCredentialStatus(org_id, credentials[options.rounds + r],
                                               store::CredentialStatus::kSuspended, "reported lost",
                                               "bench"),
          "suspending (baseline)");
    const SteadyTime t0 = std::chrono::steady_clock::now();
    policy::Snapshot built =
        Take(site::BuildSnapshot(site->registry(), site->sites(), org_id, clock.Now()), "build");
    built.version = base->version + 1;
    const SteadyTime t1 = std::chrono::steady_clock::now();
    const snapshot::Delta delta = Take(snapshot::Diff(*base, built), "diff");
    const SteadyTime t2 = std::chrono::steady_clock::now();
    for (const auto& gate : gates) {
      Take(snapshot::SignDelta(site->snapshot_key(), gate->id, UnixNow(clock), delta), "signing");
    }
    const SteadyTime t3 = std::chrono::steady_clock::now();
    build_ms.push_back(Millis(t1 - t0).count());
    diff_ms.push_back(Millis(t2 - t1).count());
    sign_ms.push_back(Millis(t3 - t2).count());
    baseline_ms.push_back(Millis(t3 - t0).count());
    base = std::move(built);
  }
  const double rss_end_mib = ProcessMemoryMib("VmRSS");
  const std::size_t thread_count = ThreadIds().size();
  const unsigned port = server->port();
  const double hwm_mib = ProcessMemoryMib("VmHWM");
  stop_all();

  // The report.
  std::vector<double> all_applied, per_gate, suspend, policy_changed, caller_cpu, io_cpu,
      server_cpu, gates_cpu, faults;
  for (const RoundFigures& f : rounds) {
    all_applied.push_back(f.all_applied_ms);
    per_gate.insert(per_gate.end(), f.per_gate_ms.begin(), f.per_gate_ms.end());
    suspend.push_back(f.suspend_ms);
    policy_changed.push_back(f.policy_changed_ms);
    caller_cpu.push_back(f.caller_cpu_ms);
    io_cpu.push_back(f.io_threads_cpu_ms);
    server_cpu.push_back(f.caller_cpu_ms + f.io_threads_cpu_ms);
    gates_cpu.push_back(f.process_cpu_ms - f.caller_cpu_ms - f.io_threads_cpu_ms);
    faults.push_back(f.minor_faults);
  }
  const double p99 = Percentile(all_applied, 0.99);
  std::string in_order, faults_in_order;
  for (double ms : all_applied) in_order += fmt::format(" {:.0f}", ms);
  for (double n : faults) faults_in_order += fmt::format(" {:.0f}", n);
  std::printf("revocation_bench: lost card to every gate\n");
  std::printf(
      "setup: %d gates registered over mutual TLS to 127.0.0.1:%u, one GateDaemon each; "
      "%d staff + 1 enrolled card; server %d I/O threads; all in ONE process "
      "(%zu threads, open-file limit %llu); setup %.1f s\n",
      options.gates, port, options.staff, options.server_threads, thread_count,
      static_cast<unsigned long long>(open_files), setup_s);
  std::printf(
      "rounds: %d (each: suspend one credential, Server::PolicyChanged(), wait for every "
      "gate's policy-applied report)\n\n",
      options.rounds);
  std::printf("all gates applied, ms, round by round:%s\n", in_order.c_str());
  PrintDistribution("all gates applied (per round)", all_applied);
  PrintDistribution("per gate (all rounds)", per_gate);
  PrintDistribution("  suspend (registry commit)", suspend);
  PrintDistribution("  PolicyChanged() call", policy_changed);
  std::printf("goal p99(all gates applied) <= %.0f s: %s (p99 %.2f ms)\n\n", kGoalSeconds,
              p99 <= kGoalSeconds * 1000 ? "MET" : "NOT MET", p99);
  PrintDistribution("server CPU per round, total", server_cpu);
  PrintDistribution("  caller thread (suspend+publish)", caller_cpu);
  PrintDistribution("  server I/O threads (/proc)", io_cpu);
  PrintDistribution("gates' CPU per round", gates_cpu);
  std::printf("minor page faults of the process, round by round:%s\n", faults_in_order.c_str());
  std::printf(
      "server CPU source: %s of the server's %zu own threads + "
      "CLOCK_THREAD_CPUTIME_ID of the calling thread; gates: getrusage(RUSAGE_SELF) minus "
      "server\n\n",
      std::filesystem::exists("/proc/thread-self/schedstat") ? "schedstat" : "stat (10 ms ticks)",
      server_threads.size());
  PrintDistribution("baseline: build+diff+sign all", baseline_ms);
  PrintDistribution("  BuildSnapshot", build_ms);
  PrintDistribution("  snapshot::Diff", diff_ms);
  PrintDistribution(fmt::format("  SignDelta x {}", gates.size()).c_str(), sign_ms);
  if (!baseline_ms.empty()) {
    const double base_median = Percentile(baseline_ms, 0.5);
    std::printf(
        "ratio median(all gates applied) / median(baseline): %.1f x (the rest is the "
        "network, the gates and the durable writes)\n\n",
        Percentile(all_applied, 0.5) / base_median);
  }
  if (!rounds.empty()) {
    std::printf("delta: %zu op(s), %zu bytes signed, per gate\n", rounds.back().delta_ops,
                rounds.back().delta_bytes);
  }
  std::printf(
      "memory (whole process): RSS %.1f MiB with the server alone, %.1f MiB with the "
      "gates in sync, %.1f MiB at the end; peak %.1f MiB\n",
      rss_server_mib, rss_gates_mib, rss_end_mib, hwm_mib);
  std::printf("enforced: gate 1 %s the suspended card (%s)\n",
              refused ? "refuses" : "DOES NOT refuse",
              std::string(policy::ReasonName(after_reason)).c_str());
  return refused ? 0 : 1;
}

}  // namespace
}  // namespace sekisho::bench

int main(int argc, char** argv) {
  sekisho::bench::Options options;
  CLI::App app{"Lost card to every gate: revocation latency over loopback mutual TLS"};
  app.add_option("--gates", options.gates, "gates, each a GateDaemon on its own threads")
      ->check(CLI::Range(1, 5000));
  app.add_option("--rounds", options.rounds, "credentials suspended, one per round")
      ->check(CLI::Range(1, 10000));
  app.add_option("--staff", options.staff, "staff with a made-up credential in the registry")
      ->check(CLI::Range(2, 1000000));
  app.add_option("--server-threads", options.server_threads, "the server's I/O threads")
      ->check(CLI::Range(1, 64));
  app.add_flag("--verbose", options.verbose, "keep the info-level logs of server and gates");
  CLI11_PARSE(app, argc, argv);
  return sekisho::bench::Run(options);
}
