// Door decisions per second on one core for a large site (100,000 staff, 1,000 doors, 200 zones,
// 300 levels, 50 schedules: policy/test_policy.h, LargeSiteOptions), and the time to index such a
// snapshot. The baseline measured in the same run is one std::map lookup of the credential key
// per request, the lookup a naive policy would start with (docs/policy.md, "Cost").
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "base/random.h"
#include "bench/ratio_report.h"
#include "policy/compiled_policy.h"
#include "policy/decide.h"
#include "policy/test_policy.h"

namespace sekisho::policy {
namespace {

using testing::LargeSiteOptions;
using testing::RandomRequestOptions;
using testing::RandomSnapshot;
using testing::RequestGenerator;

constexpr std::size_t kRequests = 1 << 16;

// Built once, on first use (generation takes a few seconds and is not measured).
struct Fixture {
  Snapshot snapshot;
  std::unique_ptr<CompiledPolicy> policy;
  // Random credentials (5% unknown), mostly at doors into zones their levels cover (80%) and in
  // the daytime (80%), over a year.
  std::vector<Request> requests;
  // One busy day at the site, in time order, for state updates.
  std::vector<Request> ordered_requests;
  double granted_fraction = 0;
  double ordered_granted_fraction = 0;

  static const Fixture& Get() {
    static const Fixture* fixture = [] {
      auto* f = new Fixture();
      SeededRandom random(2026);
      f->snapshot = RandomSnapshot(LargeSiteOptions(), random);
      auto created = CompiledPolicy::Create(f->snapshot);
      if (!created.ok()) {
        std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
        std::abort();
      }
      f->policy = std::move(created).value();
      RandomRequestOptions options;
      options.unknown_credential = 0.05;
      options.own_door = 0.8;
      options.daytime = 0.8;
      options.days = LargeSiteOptions().days;
      const RequestGenerator generator(f->snapshot, options);
      for (std::size_t i = 0; i < kRequests; ++i) f->requests.push_back(generator.Next(random));
      options.days = 1;
      const RequestGenerator day(f->snapshot, options);
      for (std::size_t i = 0; i < kRequests; ++i) f->ordered_requests.push_back(day.Next(random));
      std::sort(f->ordered_requests.begin(), f->ordered_requests.end(),
                [](const Request& a, const Request& b) { return a.time < b.time; });
      const State empty;
      std::size_t granted = 0;
      for (const Request& r : f->requests) granted += Decide(r, *f->policy, empty).granted();
      f->granted_fraction = static_cast<double>(granted) / kRequests;
      State gate_state;
      granted = 0;
      for (const Request& r : f->ordered_requests) {
        const Decision decision = Decide(r, *f->policy, gate_state);
        RecordPassage(r, decision, gate_state);
        granted += decision.granted();
      }
      f->ordered_granted_fraction = static_cast<double>(granted) / kRequests;
      return f;
    }();
    return *fixture;
  }
};

void BM_Decide(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  const State empty;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Decide(f.requests[i], *f.policy, empty));
    i = (i + 1) & (kRequests - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["granted"] = f.granted_fraction;
}
BENCHMARK(BM_Decide);

// Decide and RecordPassage over a time-ordered stream: anti-passback, two-person and
// first-person-in records accumulate and expire as at a busy gate.
void BM_DecideAndRecord(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  State gate_state;
  std::size_t i = 0;
  for (auto _ : state) {
    const Request& request = f.ordered_requests[i];
    const Decision decision = Decide(request, *f.policy, gate_state);
    RecordPassage(request, decision, gate_state);
    benchmark::DoNotOptimize(decision);
    if (++i == kRequests) {
      i = 0;
      gate_state.Clear();  // time starts over
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["granted"] = f.ordered_granted_fraction;
}
BENCHMARK(BM_DecideAndRecord);

// The credential lookup alone (CompiledPolicy's flat index).
void BM_CredentialLookup(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.policy->FindCredential(f.requests[i].credential));
    i = (i + 1) & (kRequests - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CredentialLookup);

// Baseline: a std::map lookup of each request's credential key, nothing else.
void BM_StdMapCredentialLookup(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  std::map<CredentialKey, std::size_t> by_key;
  for (std::size_t j = 0; j < f.snapshot.credentials.size(); ++j) {
    by_key.emplace(f.snapshot.credentials[j].key, j);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(by_key.find(f.requests[i].credential));
    i = (i + 1) & (kRequests - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StdMapCredentialLookup);

// Indexing the whole snapshot (what a gate does with a new full snapshot); the copy it starts
// from is made outside the timed region.
void BM_CreateIndex(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) {
    state.PauseTiming();
    Snapshot copy = f.snapshot;
    state.ResumeTiming();
    auto created = CompiledPolicy::Create(std::move(copy));
    benchmark::DoNotOptimize(created);
    state.PauseTiming();
    { auto discard = std::move(created); }  // freeing is not part of building
    state.ResumeTiming();
  }
  state.counters["credentials"] = static_cast<double>(f.snapshot.credentials.size());
}
BENCHMARK(BM_CreateIndex)->Unit(benchmark::kMillisecond);

// One credential delta (revoke) applied in place.
void BM_RevokeCredential(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  auto created = CompiledPolicy::Create(f.snapshot);
  auto& policy = *created.value();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(policy.RevokeCredential(f.snapshot.credentials[i].key));
    i = (i + 1) % f.snapshot.credentials.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RevokeCredential);

}  // namespace
}  // namespace sekisho::policy

int main(int argc, char** argv) {
  // The usual table, then each benchmark's median time per item as a multiple of the baseline's,
  // in wall time and in CPU time (steadier on a shared machine).
  sekisho::bench::MedianReporter reporter(sekisho::bench::PrintRatios(
      {.baseline = "BM_StdMapCredentialLookup",
       .baseline_label = "std::map credential lookup",
       .name_width = 24,
       .ratio_width = 6,
       .only = {"BM_Decide", "BM_DecideAndRecord", "BM_CredentialLookup"}}));
  return sekisho::bench::RunBenchmarks(argc, argv, reporter);
}
