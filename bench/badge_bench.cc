// The gate's host-side cost of one badge authentication (badge::BadgeTerminal::ReadIdentifier:
// PACE, Terminal Authentication, Chip Authentication, Restricted Identification over secure
// messaging, through the gate's APDU firewall) against OpenSSL's raw ECDSA P-256 verify measured
// in the same run, and the whole exchange with the in-process simulated badge.
//
// The badge is simulated in the same process, so its own cryptography (work a real card does on
// its chip) would be counted; a timing channel around the card measures the time spent inside
// it and BM_Badge*HostSide reports each iteration's time without it (UseManualTime). Their CPU
// time column still includes the card's; the counter host_cpu_us is the thread's CPU time without
// the card's, and is compared with the baseline's CPU time after the table (steadier than wall
// time on a loaded machine). Figures: docs/performance.md.
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "badge/badge_firewall.h"
#include "badge/badge_terminal.h"
#include "bench/door_path_figures.h"
#include "bench/ratio_report.h"
#include "bench/simulated_badge.h"
#include "card/apdu_firewall.h"
#include "card/counting_channel.h"
#include "card/sim/sim_channel.h"

namespace sekisho::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// This thread's CPU time so far, in seconds (POSIX CLOCK_THREAD_CPUTIME_ID).
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Passes everything to `inner` and adds up the wall and CPU time its Transmit takes: the card's.
class TimingChannel final : public card::CardChannel {
 public:
  explicit TimingChannel(card::CardChannel& inner) : inner_(inner) {}

  Result<Bytes> Transmit(ByteView command) override {
    const double cpu_start = ThreadCpuSeconds();
    const SteadyClock::time_point start = SteadyClock::now();
    auto response = inner_.Transmit(command);
    inside_ += SteadyClock::now() - start;
    cpu_inside_ += ThreadCpuSeconds() - cpu_start;
    return response;
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

  SteadyClock::duration inside() const { return inside_; }
  double cpu_inside() const { return cpu_inside_; }
  void ResetTime() {
    inside_ = {};
    cpu_inside_ = 0;
  }

 private:
  card::CardChannel& inner_;
  SteadyClock::duration inside_{};
  double cpu_inside_ = 0;  // seconds
};

struct Fixture {
  std::unique_ptr<SimulatedBadge> simulated;
  // Shared by every authentication's firewall, as a gate does for every card.
  std::shared_ptr<const card::FirewallPolicy> policy =
      std::make_shared<const card::FirewallPolicy>(badge::BadgeGatePolicy());
  card::ChannelCounts counts;  // of one authentication at a card-only door
  // The gate's credentials parsed once, as gate::BadgeAuthenticator keeps them between taps.
  std::optional<badge::PreparedCredentials> prepared;
};

void Die(const char* what, const Status& status) {
  std::fprintf(stderr, "badge_bench: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

Fixture& GetFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    auto created = SimulatedBadge::Create();
    if (!created.ok()) Die("badge", created.status());
    f->simulated = std::move(created).value();
    auto prepared = badge::PreparedCredentials::Prepare(f->simulated->credentials());
    if (!prepared.ok()) Die("credentials", prepared.status());
    f->prepared.emplace(std::move(prepared).value());
    card::sim::SimChannel sim(f->simulated->applet());
    card::CountingChannel counting(sim);
    auto firewall = card::ApduFirewall::Create(counting, f->policy);
    if (!firewall.ok()) Die("firewall", firewall.status());
    badge::BadgeTerminal terminal(**firewall, f->simulated->credentials());
    auto id = terminal.ReadIdentifierWithoutPassword();
    if (!id.ok()) Die("authentication", id.status());
    if (*id != f->simulated->expected_identifier())
      Die("authentication", InternalError("identifier"));
    f->counts = counting.counts();
    return f;
  }();
  return *fixture;
}

// One gate authentication per iteration: a firewall for the card, then the whole EAC sequence.
// With `host_only`, each iteration's time is its wall time minus the time inside the card.
void Authenticate(benchmark::State& state, badge::PacePassword password, bool host_only) {
  Fixture& f = GetFixture();
  card::sim::SimChannel sim(f.simulated->applet());
  TimingChannel timed(sim);
  const SecretBytes secret = SimulatedBadge::Password(password);
  double card_seconds = 0;
  double host_cpu_seconds = 0;
  for (auto _ : state) {
    // A new tap: the badge enters the field powered afresh (the last session's keys are gone).
    if (Status reset = timed.Reset(); !reset.ok()) {
      state.SkipWithError(reset.ToString().c_str());
      break;
    }
    timed.ResetTime();
    const double cpu_start = ThreadCpuSeconds();
    const SteadyClock::time_point start = SteadyClock::now();
    auto firewall = card::ApduFirewall::Create(timed, f.policy);
    if (!firewall.ok()) {
      state.SkipWithError(firewall.status().ToString().c_str());
      break;
    }
    badge::BadgeTerminal terminal(**firewall, f.simulated->credentials());
    terminal.set_prepared(&*f.prepared);
    auto id = password == badge::PacePassword::kPin ? terminal.ReadIdentifier(secret, password)
                                                    : terminal.ReadIdentifierWithoutPassword();
    const SteadyClock::duration elapsed = SteadyClock::now() - start;
    host_cpu_seconds += ThreadCpuSeconds() - cpu_start - timed.cpu_inside();
    if (!id.ok() || *id != f.simulated->expected_identifier()) {
      state.SkipWithError(id.ok() ? "another identifier" : id.status().ToString().c_str());
      break;
    }
    const double inside = std::chrono::duration<double>(timed.inside()).count();
    card_seconds += inside;
    if (host_only) state.SetIterationTime(std::chrono::duration<double>(elapsed).count() - inside);
  }
  ReportChannelCounts(state, f.counts);
  // Per authentication, in microseconds: the simulated card's wall time, and the thread's CPU
  // time outside the card (the gate's own).
  state.counters["card_us"] =
      benchmark::Counter(card_seconds * 1e6, benchmark::Counter::kAvgIterations);
  state.counters["host_cpu_us"] =
      benchmark::Counter(host_cpu_seconds * 1e6, benchmark::Counter::kAvgIterations);
}

// The gate's own work at card-only doors (no PACE; kCan stands for "without the PIN"): the
// figure compared with the baseline.
void BM_BadgeAuthenticationHostSide(benchmark::State& state) {
  Authenticate(state, badge::PacePassword::kCan, true);
}
BENCHMARK(BM_BadgeAuthenticationHostSide)->UseManualTime()->Unit(benchmark::kMicrosecond);

// The same with the badge PIN (card+PIN doors; the PIN as if already typed).
void BM_BadgePinAuthenticationHostSide(benchmark::State& state) {
  Authenticate(state, badge::PacePassword::kPin, true);
}
BENCHMARK(BM_BadgePinAuthenticationHostSide)->UseManualTime()->Unit(benchmark::kMicrosecond);

// The whole exchange, gate and simulated badge together, at a card-only door.
void BM_BadgeAuthenticationWithSimulatedCard(benchmark::State& state) {
  Authenticate(state, badge::PacePassword::kCan, false);
}
BENCHMARK(BM_BadgeAuthenticationWithSimulatedCard)->Unit(benchmark::kMicrosecond);

// Baseline: OpenSSL's raw ECDSA P-256 verify, key parsed beforehand.
void BM_OpenSslRawEcdsaP256Verify(benchmark::State& state) { RawEcdsaVerify(state, "P-256"); }
BENCHMARK(BM_OpenSslRawEcdsaP256Verify)->Unit(benchmark::kMicrosecond);

// The same on the badge's curve, which OpenSSL computes without P-256's dedicated code.
void BM_OpenSslRawEcdsaBrainpoolP256r1Verify(benchmark::State& state) {
  RawEcdsaVerify(state, "brainpoolP256r1");
}
BENCHMARK(BM_OpenSslRawEcdsaBrainpoolP256r1Verify)->Unit(benchmark::kMicrosecond);

// After the ratio lines: the host-side figures' CPU time without the card (counter host_cpu_us,
// median) over the baseline's median CPU time. Every benchmark here is in microseconds.
void PrintHostCpuRatios(const Medians& medians) {
  const auto base = medians.find("BM_OpenSslRawEcdsaP256Verify");
  if (base == medians.end() || base->second.cpu_time <= 0) return;
  for (const char* name : {"BM_BadgeAuthenticationHostSide", "BM_BadgePinAuthenticationHostSide"}) {
    const auto it = medians.find(name);
    if (it == medians.end()) continue;
    const auto counter = it->second.counters.find("host_cpu_us");
    if (counter == it->second.counters.end()) continue;
    std::printf("%-40s %6.2f x OpenSSL raw ECDSA P-256 verify (host CPU time without the card)\n",
                name, counter->second.value / base->second.cpu_time);
  }
}

}  // namespace
}  // namespace sekisho::bench

int main(int argc, char** argv) {
  // The usual table, then each figure's median as a multiple of the raw P-256 verify: "one badge
  // authentication on the host costs N raw verifies", in wall time and in CPU time.
  auto ratios = sekisho::bench::PrintRatios(
      {.baseline = "BM_OpenSslRawEcdsaP256Verify",
       .baseline_label = "OpenSSL raw ECDSA P-256 verify",
       .name_width = 40,
       .ratio_width = 6,
       .as_rate = false,
       .only = {"BM_BadgeAuthenticationHostSide", "BM_BadgePinAuthenticationHostSide",
                "BM_BadgeAuthenticationWithSimulatedCard",
                "BM_OpenSslRawEcdsaBrainpoolP256r1Verify"}});
  sekisho::bench::MedianReporter reporter([ratios](const sekisho::bench::Medians& medians) {
    ratios(medians);
    sekisho::bench::PrintHostCpuRatios(medians);
  });
  // The organisation, the badge and one authentication are made before anything is measured.
  return sekisho::bench::RunBenchmarks(argc, argv, reporter, [] { sekisho::bench::GetFixture(); });
}
