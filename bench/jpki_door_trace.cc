#include "bench/jpki_door_trace.h"

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "card/mynumber_card.h"
#include "card/sim/card_factory.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "gate/jpki_authenticator.h"
#include "gate/scripted_keypad.h"
#include "identity/org_key.h"
#include "pki/test_pki.h"

namespace sekisho::bench {
namespace {

constexpr TimePoint kIssued = FromUnixSeconds(1795000000);  // 2026-11-18
constexpr char kPin[] = "1234";                             // NewCardOptions' default auth PIN

}  // namespace

Trace JpkiTraceFrom(const std::vector<Exchange>& recording) {
  Trace trace;
  trace.reserve(recording.size());
  for (const Exchange& exchange : recording) {
    TraceExchange x;
    x.label = CommandLabel(exchange.command);
    x.command_size = exchange.command.size();
    x.response_size = exchange.response.size();
    const ByteView c = exchange.command;
    if (c.size() >= 2 && c[1] == card::mynumber::kInsVerify && c.size() > 4) {
      x.work.push_back({OnCardOperation::kPinVerify});
    } else if (c.size() >= 2 && c[0] == 0x80 && c[1] == card::mynumber::kInsComputeSignature) {
      x.work.push_back({OnCardOperation::kRsa2048Sign});
    }
    trace.push_back(std::move(x));
  }
  return trace;
}

Result<std::vector<Exchange>> RecordJpkiDoorAuthentication() {
  SeededRandom pki_random(1);
  auto test_pki = pki::CreateTestPki(pki_random, kIssued);
  if (!test_pki.ok()) return test_pki.status().WithContext("test PKI");
  auto profile = card::sim::NewCard(*test_pki, 7, kIssued);
  if (!profile.ok()) return profile.status().WithContext("simulated card");
  auto card = card::sim::SimulatedCard::Create(std::move(profile).value());
  if (!card.ok()) return card.status().WithContext("simulated card");

  SeededRandom key_random(3);
  const identity::OrgKey k_org = identity::OrgKey::Generate(key_random);
  gate::ScriptedKeypad keypad;
  keypad.AddPin(kPin);
  SeededRandom challenges(4);
  gate::JpkiAuthenticator authenticator(k_org, keypad, challenges);

  card::sim::SimChannel sim(**card);
  RecordingChannel recorder(sim);
  const gate::AuthenticationOutcome outcome =
      authenticator.Authenticate(recorder, policy::Assurance::kCardAndPin);
  if (!outcome.ok()) {
    return InternalError("the recorded JPKI door authentication failed: " +
                         outcome.status.ToString());
  }
  return recorder.exchanges();
}

}  // namespace sekisho::bench
