// One JPKI door authentication done the lean way (spec §3.1; docs/card.md): how many APDUs and
// bytes cross the card interface, and what the host spends on it, against OpenSSL's raw
// RSA-2048 PKCS#1 v1.5 verify measured in the same run.
//
// The host-side figure replays the card's recorded answers, so the simulator's own RSA signing
// (work a real card does on its chip) is not counted; a second figure includes it.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "bench/door_path_figures.h"
#include "bench/ratio_report.h"
#include "bench/replay_channel.h"
#include "card/apdu_firewall.h"
#include "card/certificate_prefix.h"
#include "card/counting_channel.h"
#include "card/jpki_client.h"
#include "card/sim/card_factory.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "identity/org_key.h"
#include "identity/pseudonym.h"
#include "pki/rsa_key.h"
#include "pki/test_pki.h"

namespace sekisho {
namespace {

constexpr TimePoint kNow = FromUnixSeconds(1795000000);  // 2026-11-18

struct Fixture {
  std::unique_ptr<card::sim::SimulatedCard> card;
  identity::OrgKey org_key = [] {
    SeededRandom random(3);
    return identity::OrgKey::Generate(random);
  }();
  Bytes challenge = SeededRandom(4).Generate(32);
  std::vector<bench::Exchange> recording;
  Bytes signature;
  Bytes spki;
};

// The door path: firewall, lean certificate read, PIN (safely), signature, verification,
// pseudonym. Returns the pseudonym; aborts the benchmark on any error.
Result<Bytes> DoorAuthentication(card::CardChannel& card_side, ByteView challenge,
                                 const identity::OrgKey& org_key, card::ChannelCounts* counts,
                                 Bytes* signature_out = nullptr) {
  card::CountingChannel counting(card_side);
  // A door keeps one policy for every card (card/apdu_firewall.h).
  ASSIGN_OR_RETURN(auto firewall, card::ApduFirewall::Create(
                                      counting, card::SharedJpkiUserAuthenticationPolicy()));
  card::JpkiClient jpki(*firewall);
  RETURN_IF_ERROR(jpki.SelectApplication());
  ASSIGN_OR_RETURN(Bytes prefix, jpki.ReadAuthCertificate(card::CertificateRead::kUntilPublicKey));
  ASSIGN_OR_RETURN(ByteView spki, card::SubjectPublicKeyInfoFromPrefix(prefix));
  RETURN_IF_ERROR(jpki.VerifyAuthPin(SecretBytes("1234")));
  ASSIGN_OR_RETURN(Bytes signature, jpki.SignWithAuthKey(challenge));
  ASSIGN_OR_RETURN(auto key, pki::PublicKeyFromDer(spki));
  RETURN_IF_ERROR(pki::VerifyPkcs1Sha256(*key, challenge, signature));
  if (counts) *counts = counting.counts();
  if (signature_out) *signature_out = signature;
  return identity::Pseudonym(org_key, spki);
}

Fixture& GetFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    SeededRandom random(1);
    auto test_pki = pki::CreateTestPki(random, kNow);
    if (!test_pki.ok()) std::abort();
    auto profile = card::sim::NewCard(*test_pki, 7, kNow);
    if (!profile.ok()) std::abort();
    auto card = card::sim::SimulatedCard::Create(std::move(profile).value());
    if (!card.ok()) std::abort();
    f->card = std::move(card).value();
    card::sim::SimChannel sim(*f->card);
    bench::RecordingChannel recorder(sim);
    if (!DoorAuthentication(recorder, f->challenge, f->org_key, nullptr, &f->signature).ok()) {
      std::abort();
    }
    f->recording = recorder.exchanges();
    auto prefix = card::SubjectPublicKeyInfoFromPrefix(f->card->profile().auth_certificate);
    if (!prefix.ok()) std::abort();
    f->spki.assign(prefix->begin(), prefix->end());
    return f;
  }();
  return *fixture;
}

// Host-side cost of one door authentication (card answers replayed). Its instruction count, steady
// where times are not: run
//   valgrind --tool=callgrind --dump-before='sekisho::(anonymous namespace)::DoorAuthentication(*'
//     --dump-after='sekisho::(anonymous namespace)::DoorAuthentication(*' build/bench/card_bench
//     --benchmark_filter=HostSide --benchmark_min_time=0.2
// and the last callgrind.out.<pid>.<n> holds exactly one authentication (callgrind_annotate).
void BM_DoorAuthenticationHostSide(benchmark::State& state) {
  Fixture& f = GetFixture();
  bench::ReplayChannel replay(f.recording);
  card::ChannelCounts counts;
  for (auto _ : state) {
    replay.Rewind();
    auto psn = DoorAuthentication(replay, f.challenge, f.org_key, &counts);
    if (!psn.ok()) {
      state.SkipWithError(psn.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(psn->data());
  }
  bench::ReportChannelCounts(state, counts);
}
BENCHMARK(BM_DoorAuthenticationHostSide);

// The same with the simulated card answering live (includes its RSA-2048 private-key operation).
void BM_DoorAuthenticationWithSimulatedCard(benchmark::State& state) {
  Fixture& f = GetFixture();
  card::sim::SimChannel sim(*f.card);
  card::ChannelCounts counts;
  for (auto _ : state) {
    auto psn = DoorAuthentication(sim, f.challenge, f.org_key, &counts);
    if (!psn.ok()) {
      state.SkipWithError(psn.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(psn->data());
  }
  bench::ReportChannelCounts(state, counts);
}
BENCHMARK(BM_DoorAuthenticationWithSimulatedCard);

// Baseline: OpenSSL's raw RSA-2048 PKCS#1 v1.5 verify of the same signature over the same
// SHA-256 digest, with the public key already parsed.
void BM_OpenSslRawRsa2048Verify(benchmark::State& state) {
  const Fixture& f = GetFixture();
  bench::RawRsa2048Verify(state, f.spki, f.challenge, f.signature);
}
BENCHMARK(BM_OpenSslRawRsa2048Verify);

}  // namespace
}  // namespace sekisho

int main(int argc, char** argv) {
  // The usual table, then the door path's median as a multiple of the baseline's, in wall time
  // and in CPU time (steadier than wall time on a machine shared with other work).
  sekisho::bench::MedianReporter reporter(
      sekisho::bench::PrintRatios({.baseline = "BM_OpenSslRawRsa2048Verify",
                                   .baseline_label = "OpenSSL raw RSA-2048 verify",
                                   .name_width = 42,
                                   .ratio_width = 8}));
  return sekisho::bench::RunBenchmarks(argc, argv, reporter);
}
