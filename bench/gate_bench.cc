// The gate's door path (gate/door_controller.h) for one My Number Card at a card+PIN door:
// firewall, lean certificate read, PIN, challenge signature and its verification, pseudonym,
// policy lookup and Decide, the event encoded and chained, the door unlocked, against OpenSSL's
// raw RSA-2048 PKCS#1 v1.5 verify measured in the same run. Also the durable queue's appends per
// second in both durability modes.
//
// The host-side figure replays the card's recorded answers, so the simulated card's own RSA
// signing (work a real card does on its chip) is not counted, and records events in memory
// (encoded and chained as the queue does, without the disk); the queue's cost is measured apart.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "bench/door_path_figures.h"
#include "bench/ratio_report.h"
#include "bench/replay_channel.h"
#include "card/certificate_prefix.h"
#include "card/counting_channel.h"
#include "card/sim/card_factory.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "gate/chain.h"
#include "gate/door_controller.h"
#include "gate/event_queue.h"
#include "gate/jpki_authenticator.h"
#include "gate/simulated_door.h"
#include "identity/org_key.h"
#include "identity/pseudonym.h"
#include "pki/rsa_key.h"
#include "pki/test_pki.h"

namespace sekisho::gate {
namespace {

constexpr TimePoint kNow = FromUnixSeconds(1795000000);  // 2026-11-18
constexpr GateId kGate = 7;
constexpr policy::ObjectId kDoor = 12;

// The same challenge every time, so that the recorded signature command repeats.
class FixedRandom final : public Random {
 public:
  void Fill(std::span<std::uint8_t> out) override {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i * 7 + 1);
  }
};

class FixedPinKeypad final : public Keypad {
 public:
  Result<std::optional<SecretBytes>> ReadPin() override {
    return std::optional<SecretBytes>(SecretBytes(std::string_view("1234")));
  }
};

// Encodes and chains each event as the queue does, and keeps nothing.
class ChainingSink final : public EventSink {
 public:
  Result<Event> Append(Event event) override {
    event.gate = kGate;
    event.sequence = ++last_;
    ASSIGN_OR_RETURN(const Bytes record, EncodeEvent(event));
    head_ = NextChainHash(head_, record);
    return event;
  }

 private:
  std::uint64_t last_ = 0;
  ChainHash head_ = GenesisChainHash(kGate);
};

struct Fixture {
  std::unique_ptr<card::sim::SimulatedCard> card;
  identity::OrgKey org_key = [] {
    SeededRandom seeded(3);
    return identity::OrgKey::Generate(seeded);
  }();
  Bytes spki;
  Bytes signature;  // of FixedRandom's challenge
  Bytes challenge;
  std::vector<bench::Exchange> recording;
  card::ChannelCounts counts;
  FakeClock clock{kNow};
  FixedRandom challenges;
  FixedPinKeypad keypad;
  std::unique_ptr<JpkiAuthenticator> authenticator;
  SimulatedDoor door{clock, std::chrono::seconds(30)};
  ChainingSink sink;
  std::unique_ptr<DoorController> controller;
};

void Die(const char* what, const Status& status) {
  std::fprintf(stderr, "gate_bench: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

// One site, one zone, one card+PIN door, one level, the card's credential plus `others` more.
std::unique_ptr<policy::CompiledPolicy> BenchPolicy(const policy::CredentialKey& key, int others) {
  policy::Snapshot s;
  s.version = 1;
  s.sites = {policy::Site{.id = 1, .utc_offset_minutes = 540}};
  s.zones = {policy::Zone{.id = 2, .site = 1}};
  s.doors = {policy::Door{kDoor, 1, 2, policy::kNone, policy::Assurance::kCardAndPin}};
  s.levels = {policy::AccessLevel{5, {policy::LevelRule{2}}}};
  SeededRandom random(9);
  for (int i = 0; i <= others; ++i) {
    policy::Credential c;
    if (i == 0) {
      c.key = key;
    } else {
      random.Fill(c.key);
    }
    random.Fill(c.staff);
    c.levels = {policy::LevelAssignment{5}};
    s.credentials.push_back(c);
  }
  std::sort(s.credentials.begin(), s.credentials.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  auto compiled = policy::CompiledPolicy::Create(std::move(s));
  if (!compiled.ok()) Die("policy", compiled.status());
  return std::move(compiled).value();
}

Fixture& GetFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    SeededRandom random(1);
    auto test_pki = pki::CreateTestPki(random, kNow);
    if (!test_pki.ok()) Die("test PKI", test_pki.status());
    auto profile = card::sim::NewCard(*test_pki, 7, kNow);
    if (!profile.ok()) Die("card", profile.status());
    auto card = card::sim::SimulatedCard::Create(std::move(profile).value());
    if (!card.ok()) Die("card", card.status());
    f->card = std::move(card).value();
    auto spki = card::SubjectPublicKeyInfoFromPrefix(f->card->profile().auth_certificate);
    if (!spki.ok()) Die("SPKI", spki.status());
    f->spki.assign(spki->begin(), spki->end());
    const policy::CredentialKey key =
        policy::CredentialKeyOf(identity::Pseudonym(f->org_key, f->spki));

    f->authenticator = std::make_unique<JpkiAuthenticator>(f->org_key, f->keypad, f->challenges);
    auto controller =
        DoorController::Create(f->sink, *f->authenticator, f->clock, {{kDoor, &f->door}});
    if (!controller.ok()) Die("controller", controller.status());
    f->controller = std::move(controller).value();
    // A site of the design size: 100k credentials in the index.
    f->controller->InstallPolicy(BenchPolicy(key, 100000));

    card::sim::SimChannel sim(*f->card);
    bench::RecordingChannel recorder(sim);
    card::CountingChannel counting(recorder);
    auto event = f->controller->OnCard(kDoor, counting);
    if (!event.ok()) Die("recording", event.status());
    if (event->reason != policy::Reason::kGranted) Die("recording", InternalError("not granted"));
    f->recording = recorder.exchanges();
    f->counts = counting.counts();
    f->challenge = f->challenges.Generate(kDoorChallengeSize);
    const Bytes& last_response = f->recording.back().response;
    f->signature = Bytes(last_response.begin(), last_response.end() - 2);
    return f;
  }();
  return *fixture;
}

// Host-side cost of one door decision (card answers replayed, events in memory).
void BM_DoorPathHostSide(benchmark::State& state) {
  Fixture& f = GetFixture();
  bench::ReplayChannel replay(f.recording);
  for (auto _ : state) {
    replay.Rewind();
    auto event = f.controller->OnCard(kDoor, replay);
    if (!event.ok() || event->reason != policy::Reason::kGranted) {
      state.SkipWithError(event.ok() ? "not granted" : event.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(event->sequence);
  }
  bench::ReportChannelCounts(state, f.counts);
}
BENCHMARK(BM_DoorPathHostSide);

// The same with the simulated card answering live (includes its RSA-2048 private-key operation).
void BM_DoorPathWithSimulatedCard(benchmark::State& state) {
  Fixture& f = GetFixture();
  card::sim::SimChannel sim(*f.card);
  for (auto _ : state) {
    auto event = f.controller->OnCard(kDoor, sim);
    if (!event.ok() || event->reason != policy::Reason::kGranted) {
      state.SkipWithError(event.ok() ? "not granted" : event.status().ToString().c_str());
      break;
    }
  }
  bench::ReportChannelCounts(state, f.counts);
}
BENCHMARK(BM_DoorPathWithSimulatedCard);

// Baseline: OpenSSL's raw RSA-2048 PKCS#1 v1.5 verify of the same signature over the same
// SHA-256 digest, with the public key already parsed.
void BM_OpenSslRawRsa2048Verify(benchmark::State& state) {
  const Fixture& f = GetFixture();
  bench::RawRsa2048Verify(state, f.spki, f.challenge, f.signature);
}
BENCHMARK(BM_OpenSslRawRsa2048Verify);

// What any door path pays for the card's key: it is new for every card (keys are not kept:
// DESIGN.md §3), so it is parsed (pki::PublicKeyFromDer) and OpenSSL sets up its Montgomery
// context before the verify. The same signature and digest as the baseline.
void BM_FreshKeyRsa2048Verify(benchmark::State& state) {
  Fixture& f = GetFixture();
  for (auto _ : state) {
    auto key = pki::PublicKeyFromDer(f.spki);
    if (!key.ok() || !pki::VerifyPkcs1Sha256(**key, f.challenge, f.signature).ok()) {
      state.SkipWithError("fresh-key verify failed");
      break;
    }
  }
}
BENCHMARK(BM_FreshKeyRsa2048Verify);

// Durable appends to the queue file (in $TMPDIR): arg 0 syncs every commit (the default, power
// loss safe), arg 1 only survives a process crash.
void BM_QueueAppend(benchmark::State& state) {
  std::string pattern = (std::filesystem::temp_directory_path() / "gate_bench.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  const std::filesystem::path dir = pattern;
  {
    SeededRandom random(5);
    const QueueDurability durability = state.range(0) == 0 ? QueueDurability::kPowerLossSafe
                                                           : QueueDurability::kProcessCrashSafeOnly;
    auto queue = EventQueue::Open(dir / kEventQueueFile, kGate, Ed25519PrivateKey::Generate(random),
                                  {.durability = durability});
    if (!queue.ok()) Die("queue", queue.status());
    Event event;
    event.kind = EventKind::kAccess;
    event.door = kDoor;
    event.snapshot_version = 1;
    event.reason = policy::Reason::kGranted;
    event.assurance = policy::Assurance::kCardAndPin;
    event.credential.emplace();
    event.staff.emplace();
    for (auto _ : state) {
      auto stored = (*queue)->Append(event);
      if (!stored.ok()) {
        state.SkipWithError(stored.status().ToString().c_str());
        break;
      }
    }
    state.SetItemsProcessed(state.iterations());
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_QueueAppend)->Arg(0)->Arg(1)->ArgName("crash_safe_only")->UseRealTime();

}  // namespace
}  // namespace sekisho::gate

int main(int argc, char** argv) {
  // The usual table, then each door path's median rate as a multiple of the raw verify rate
  // (>= 0.8 is the goal for the host side), in wall time and in CPU time.
  sekisho::bench::MedianReporter reporter(
      sekisho::bench::PrintRatios({.baseline = "BM_OpenSslRawRsa2048Verify",
                                   .baseline_label = "OpenSSL raw RSA-2048 verify",
                                   .name_width = 32,
                                   .ratio_width = 5,
                                   .as_rate = true,
                                   .only = {"BM_DoorPathHostSide", "BM_DoorPathWithSimulatedCard",
                                            "BM_FreshKeyRsa2048Verify"}}));
  // The card, the policy and the recording are made before anything is measured, so that a
  // profiler collecting inside DoorController::OnCard sees only the measured decisions.
  return sekisho::bench::RunBenchmarks(argc, argv, reporter, [] { sekisho::gate::GetFixture(); });
}
