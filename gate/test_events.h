// Test support for gate_test: sample events and batches, the gate key, fakes of the door path's
// interfaces (authenticator, event sink, a channel without a card) and a temporary directory.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "base/ed25519.h"
#include "card/sim/sim_test_card.h"
#include "gate/authenticator.h"
#include "gate/batch.h"
#include "gate/chain.h"
#include "gate/event.h"
#include "gate/event_sink.h"
#include "gate/simulated_door.h"

namespace sekisho::gate::testing {

inline constexpr GateId kTestGate = 7;

// A grant at door 12 with both keys (credential 00..0F, staff 10..1F), decided with snapshot 5
// at 2025-04-01T00:00:00.123Z; gate and sequence unset (the queue assigns them).
Event GrantEvent();
// A denial before the policy: the card failed (kCardError, error kUnavailable), no keys.
Event CardErrorEvent();
// A door-forced alarm at door 12.
Event ForcedAlarmEvent();
// The i-th of a varied stream of valid events (grants, denials, alarms), for bulk tests.
Event VariedEvent(std::uint64_t i);

// The gate's batch key from a fixed seed (SeededRandom(seed)).
Ed25519PrivateKey TestGateKey(std::uint64_t seed = 1);

// A signed batch of `count` VariedEvents of `gate` numbered from `first`, chained from
// `previous`.
Batch MakeBatch(const Ed25519PrivateKey& key, GateId gate, std::uint64_t first,
                const ChainHash& previous, std::size_t count);

// Plays back authentication outcomes; counts the calls and remembers the required assurance.
class FakeAuthenticator final : public Authenticator {
 public:
  std::deque<AuthenticationOutcome> outcomes;
  std::function<void()> during;  // runs inside Authenticate, as a card session takes time
  int calls = 0;
  std::optional<policy::Assurance> last_required;

  // The next outcome; kInternalError "no scripted outcome" when there is none.
  AuthenticationOutcome Authenticate(card::CardChannel& channel,
                                     policy::Assurance required) override;
};

// An EventSink in memory (gate kTestGate, sequence numbers from 1) that validates what it gets,
// can be made to fail, and notes whether a watched door was unlocked when each event arrived.
class MemorySink final : public EventSink {
 public:
  explicit MemorySink(const SimulatedDoor* watched = nullptr) : watched_(watched) {}
  std::vector<Event> events;
  std::vector<bool> unlocked_at_append;
  bool failing = false;  // Append fails with kUnavailable "disk full"

  Result<Event> Append(Event event) override;

 private:
  const SimulatedDoor* watched_;
};

// A channel without a card, for door paths whose authenticator does not talk to one.
class NoCard final : public card::CardChannel {
 public:
  Result<Bytes> Transmit(ByteView) override { return UnavailableError("no card"); }
  Result<Bytes> Atr() override { return UnavailableError("no card"); }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return false; }
};

// Test directories: card::sim::testing::TempDir.
using card::sim::testing::TempDir;

}  // namespace sekisho::gate::testing
