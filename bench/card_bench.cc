// One JPKI door authentication done the lean way (spec §3.1; docs/card.md): how many APDUs and
// bytes cross the card interface, and what the host spends on it, against OpenSSL's raw
// RSA-2048 PKCS#1 v1.5 verify measured in the same run.
//
// The host-side figure replays the card's recorded answers, so the simulator's own RSA signing
// (work a real card does on its chip) is not counted; a second figure includes it.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/digest.h"
#include "base/random.h"
#include "card/apdu_firewall.h"
#include "card/certificate_prefix.h"
#include "card/counting_channel.h"
#include "card/jpki_client.h"
#include "card/mynumber_card.h"
#include "card/sim/card_factory.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "identity/org_key.h"
#include "identity/pseudonym.h"
#include "pki/openssl_types.h"
#include "pki/rsa_key.h"
#include "pki/test_pki.h"

namespace sekisho {
namespace {

constexpr TimePoint kNow = FromUnixSeconds(1795000000);  // 2026-11-18

// Records each command and the card's answer, in order.
class RecordingChannel final : public card::CardChannel {
 public:
  explicit RecordingChannel(card::CardChannel& inner) : inner_(inner) {}
  Result<Bytes> Transmit(ByteView command) override {
    auto r = inner_.Transmit(command);
    if (r.ok()) exchanges.push_back({Bytes(command.begin(), command.end()), *r});
    return r;
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }
  std::vector<std::pair<Bytes, Bytes>> exchanges;

 private:
  card::CardChannel& inner_;
};

// Plays recorded answers back; a command that differs from the recording is an error.
class ReplayChannel final : public card::CardChannel {
 public:
  explicit ReplayChannel(const std::vector<std::pair<Bytes, Bytes>>& exchanges)
      : exchanges_(exchanges) {}
  Result<Bytes> Transmit(ByteView command) override {
    if (next_ >= exchanges_.size()) return UnavailableError("replay: no more answers");
    const auto& [expected, answer] = exchanges_[next_++];
    if (!std::equal(command.begin(), command.end(), expected.begin(), expected.end())) {
      return InternalError("replay: the client sent a different command");
    }
    return answer;
  }
  Result<Bytes> Atr() override {
    return Bytes(card::mynumber::kContactAtr.begin(), card::mynumber::kContactAtr.end());
  }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }
  void Rewind() { next_ = 0; }

 private:
  const std::vector<std::pair<Bytes, Bytes>>& exchanges_;
  std::size_t next_ = 0;
};

struct Fixture {
  std::unique_ptr<card::sim::SimulatedCard> card;
  identity::OrgKey org_key = [] {
    SeededRandom random(3);
    return identity::OrgKey::Generate(random);
  }();
  Bytes challenge = SeededRandom(4).Generate(32);
  std::vector<std::pair<Bytes, Bytes>> recording;
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
    RecordingChannel recorder(sim);
    if (!DoorAuthentication(recorder, f->challenge, f->org_key, nullptr, &f->signature).ok()) {
      std::abort();
    }
    f->recording = recorder.exchanges;
    auto prefix = card::SubjectPublicKeyInfoFromPrefix(f->card->profile().auth_certificate);
    if (!prefix.ok()) std::abort();
    f->spki.assign(prefix->begin(), prefix->end());
    return f;
  }();
  return *fixture;
}

void ReportCounts(benchmark::State& state, const card::ChannelCounts& c) {
  state.counters["apdus"] = static_cast<double>(c.commands);
  state.counters["bytes_read"] = static_cast<double>(c.bytes_received);
  state.counters["bytes_sent"] = static_cast<double>(c.bytes_sent);
}

// Host-side cost of one door authentication (card answers replayed). Its instruction count, steady
// where times are not: run
//   valgrind --tool=callgrind --dump-before='sekisho::(anonymous namespace)::DoorAuthentication(*'
//     --dump-after='sekisho::(anonymous namespace)::DoorAuthentication(*' build/bench/card_bench
//     --benchmark_filter=HostSide --benchmark_min_time=0.2
// and the last callgrind.out.<pid>.<n> holds exactly one authentication (callgrind_annotate).
void BM_DoorAuthenticationHostSide(benchmark::State& state) {
  Fixture& f = GetFixture();
  ReplayChannel replay(f.recording);
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
  ReportCounts(state, counts);
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
  ReportCounts(state, counts);
}
BENCHMARK(BM_DoorAuthenticationWithSimulatedCard);

// Baseline: OpenSSL's raw RSA-2048 PKCS#1 v1.5 verify of the same signature over the same
// SHA-256 digest, with the public key already parsed.
void BM_OpenSslRawRsa2048Verify(benchmark::State& state) {
  Fixture& f = GetFixture();
  auto key = pki::PublicKeyFromDer(f.spki);
  if (!key.ok()) std::abort();
  const Bytes digest = Sha256(f.challenge);
  for (auto _ : state) {
    pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key->get(), nullptr));
    int ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1 &&
             EVP_PKEY_verify(ctx.get(), f.signature.data(), f.signature.size(), digest.data(),
                             digest.size()) == 1;
    if (!ok) {
      state.SkipWithError("OpenSSL verify failed");
      break;
    }
  }
}
BENCHMARK(BM_OpenSslRawRsa2048Verify);

// Prints the usual table, then the door path's median as a multiple of the baseline's, in wall
// time and in CPU time (steadier than wall time on a machine shared with other work).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      if (median || single) {
        medians_[run.run_name.function_name] = {run.GetAdjustedRealTime(),
                                                run.GetAdjustedCPUTime()};
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const auto base = medians_.find("BM_OpenSslRawRsa2048Verify");
    if (base == medians_.end() || base->second.real <= 0 || base->second.cpu <= 0) return;
    for (const auto& [name, t] : medians_) {
      if (name == base->first) continue;
      std::printf("%-42s %8.2f x OpenSSL raw RSA-2048 verify (median; CPU time %.2f x)\n",
                  name.c_str(), t.real / base->second.real, t.cpu / base->second.cpu);
    }
  }

 private:
  struct Times {
    double real = 0;
    double cpu = 0;
  };
  std::map<std::string, Times> medians_;
};

}  // namespace
}  // namespace sekisho

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  sekisho::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
