// Size and speed of signed policy snapshots and deltas (docs/formats/snapshot.md §9) on a realistic
// site of 100,000 staff and 1,000 doors (snapshot/test_snapshots.h RealisticSnapshot): bytes per
// credential, the signed size of a one-revocation delta, encode+sign and verify+decode times of
// the whole snapshot, and the time to apply one revocation (to the plain snapshot, and in place to
// the gate's lookup index). Baselines measured in the same run:
// copying the Snapshot value (the least a pure ApplyDelta does) and the Ed25519 verify alone.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "base/random.h"
#include "policy/test_policy.h"
#include "snapshot/acceptor.h"
#include "snapshot/delta.h"
#include "snapshot/index_update.h"
#include "snapshot/signed.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::snapshot {
namespace {

constexpr int kStaff = 100000;
constexpr GateId kGate = 1;
constexpr policy::UnixSeconds kIssuedAt = policy::testing::kTestEpoch + 12345;

template <typename T>
T OrDie(Result<T> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

// Built once, on first use (generation is not measured).
struct Fixture {
  Ed25519PrivateKey key;
  policy::Snapshot snapshot;
  Bytes signed_snapshot;
  policy::Snapshot revoked;  // the next version: one more credential revoked
  Delta delta;
  Bytes signed_delta;
  std::size_t generator_snapshot_size = 0;  // policy generator's LargeSiteOptions, for comparison
  std::size_t generator_credentials = 0;

  static const Fixture& Get() {
    static const Fixture* fixture = [] {
      SeededRandom random(2026);
      auto* f = new Fixture{Ed25519PrivateKey::Generate(random)};
      f->snapshot = testing::RealisticSnapshot(kStaff, kIssuedAt, random);
      f->snapshot.version = 1000;
      f->signed_snapshot = OrDie(SignSnapshot(f->key, kGate, kIssuedAt, f->snapshot));
      f->revoked = f->snapshot;
      f->revoked.version = 1001;
      for (auto& c : f->revoked.credentials) {
        if (c.flags == 0) {
          c.flags = policy::kCredentialRevoked;
          break;
        }
      }
      f->delta = OrDie(Diff(f->snapshot, f->revoked));
      f->signed_delta = OrDie(SignDelta(f->key, kGate, kIssuedAt + 60, f->delta));

      policy::Snapshot generated =
          policy::testing::RandomSnapshot(policy::testing::LargeSiteOptions(), random);
      f->generator_credentials = generated.credentials.size();
      f->generator_snapshot_size =
          OrDie(SignSnapshot(f->key, kGate, policy::testing::kTestEpoch, generated)).size();
      return f;
    }();
    return *fixture;
  }
};

void SizeCounters(benchmark::State& state, const Fixture& f) {
  const double credentials = static_cast<double>(f.snapshot.credentials.size());
  state.counters["credentials"] = credentials;
  state.counters["snapshot_bytes"] = static_cast<double>(f.signed_snapshot.size());
  state.counters["bytes_per_credential"] =
      static_cast<double>(f.signed_snapshot.size()) / credentials;
  state.counters["revocation_delta_bytes"] = static_cast<double>(f.signed_delta.size());
  state.counters["generator_bytes_per_credential"] =
      static_cast<double>(f.generator_snapshot_size) / static_cast<double>(f.generator_credentials);
}

void BM_EncodeAndSignSnapshot(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) {
    benchmark::DoNotOptimize(SignSnapshot(f.key, kGate, kIssuedAt, f.snapshot));
  }
  SizeCounters(state, f);
}
BENCHMARK(BM_EncodeAndSignSnapshot)->Unit(benchmark::kMillisecond);

void BM_VerifyAndDecodeSnapshot(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) {
    auto opened = OpenSnapshot(f.key.public_key(), kGate, f.signed_snapshot);
    if (!opened.ok()) state.SkipWithError(opened.status().ToString().c_str());
    benchmark::DoNotOptimize(opened);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(f.signed_snapshot.size()));
}
BENCHMARK(BM_VerifyAndDecodeSnapshot)->Unit(benchmark::kMillisecond);

// Baseline: the signature check alone over the same bytes.
void BM_VerifyOnlySnapshot(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyBody(kSnapshotDomain, f.key.public_key(), f.signed_snapshot));
  }
}
BENCHMARK(BM_VerifyOnlySnapshot)->Unit(benchmark::kMillisecond);

void BM_DiffOneRevocation(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) benchmark::DoNotOptimize(Diff(f.snapshot, f.revoked));
  state.counters["ops"] = static_cast<double>(f.delta.ops.size());
}
BENCHMARK(BM_DiffOneRevocation)->Unit(benchmark::kMillisecond);

// The pure reference: copy, revoke, validate the whole result.
void BM_ApplyOneRevocation(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) {
    auto next = ApplyDelta(f.snapshot, f.delta);
    if (!next.ok()) state.SkipWithError(next.status().ToString().c_str());
    benchmark::DoNotOptimize(next);
  }
  state.counters["revocation_delta_bytes"] = static_cast<double>(f.signed_delta.size());
}
BENCHMARK(BM_ApplyOneRevocation)->Unit(benchmark::kMillisecond);

// What the gate does on receipt: verify, decode, replay check, apply.
void BM_AcceptOneRevocation(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) {
    auto acceptor = OrDie(Acceptor::Create(kGate, f.key.public_key(), f.snapshot.version));
    auto applied = acceptor->AcceptDelta(f.snapshot, f.signed_delta);
    if (!applied.ok()) state.SkipWithError(applied.status().ToString().c_str());
    benchmark::DoNotOptimize(applied);
  }
}
BENCHMARK(BM_AcceptOneRevocation)->Unit(benchmark::kMillisecond);

// What the gate's door path sees change: the same delta applied in place to its lookup index
// (snapshot/index_update.h). Setting the version back each round costs one store.
void BM_ApplyOneRevocationToIndex(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  auto index = OrDie(policy::CompiledPolicy::Create(f.snapshot));
  for (auto _ : state) {
    index->set_version(f.snapshot.version);
    const Status status = ApplyToIndex(f.delta, *index);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  }
}
BENCHMARK(BM_ApplyOneRevocationToIndex);

// Baseline: copying the snapshot value.
void BM_CopySnapshot(benchmark::State& state) {
  const Fixture& f = Fixture::Get();
  for (auto _ : state) {
    policy::Snapshot copy = f.snapshot;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_CopySnapshot)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sekisho::snapshot

BENCHMARK_MAIN();
