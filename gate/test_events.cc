#include "gate/test_events.h"

#include <stdlib.h>

#include <cstdlib>
#include <string>

#include "base/random.h"

namespace sekisho::gate::testing {

Event GrantEvent() {
  Event e;
  e.kind = EventKind::kAccess;
  e.time = EventTime(std::chrono::milliseconds(1743465600123));
  e.door = 12;
  e.snapshot_version = 5;
  e.reason = policy::Reason::kGranted;
  e.assurance = policy::Assurance::kCardAndPin;
  e.credential.emplace();
  e.staff.emplace();
  for (std::uint8_t i = 0; i < 16; ++i) {
    (*e.credential)[i] = i;
    (*e.staff)[i] = static_cast<std::uint8_t>(16 + i);
  }
  return e;
}

Event CardErrorEvent() {
  Event e;
  e.kind = EventKind::kAccess;
  e.time = EventTime(std::chrono::milliseconds(1743465601000));
  e.door = 12;
  e.snapshot_version = 5;
  e.reason = policy::Reason::kCardError;
  e.error = StatusCode::kUnavailable;
  return e;
}

Event ForcedAlarmEvent() {
  Event e;
  e.kind = EventKind::kDoorForced;
  e.time = EventTime(std::chrono::milliseconds(1743465602000));
  e.door = 12;
  e.snapshot_version = 5;
  return e;
}

Event VariedEvent(std::uint64_t i) {
  Event e;
  switch (i % 4) {
    case 0:
      e = GrantEvent();
      (*e.credential)[0] = static_cast<std::uint8_t>(i);
      break;
    case 1:
      e = CardErrorEvent();
      break;
    case 2:
      e = GrantEvent();
      e.reason = policy::Reason::kOutsideSchedule;
      e.staff.reset();
      e.flags = kEventFlagOffline;
      break;
    default:
      e = ForcedAlarmEvent();
      e.kind = (i % 8 == 3) ? EventKind::kDoorForced : EventKind::kDoorHeldOpen;
      break;
  }
  e.time += std::chrono::milliseconds(i);
  e.door = static_cast<policy::ObjectId>(1 + i % 5);
  return e;
}

Ed25519PrivateKey TestGateKey(std::uint64_t seed) {
  SeededRandom random(seed);
  return Ed25519PrivateKey::Generate(random);
}

Batch MakeBatch(const Ed25519PrivateKey& key, GateId gate, std::uint64_t first,
                const ChainHash& previous, std::size_t count) {
  Batch batch;
  batch.gate = gate;
  batch.first_sequence = first;
  batch.last_sequence = first + count - 1;
  ChainHash head = previous;
  for (std::size_t i = 0; i < count; ++i) {
    Event e = VariedEvent(first + i);
    e.gate = gate;
    e.sequence = first + i;
    auto record = EncodeEvent(e);
    if (!record.ok()) std::abort();
    head = NextChainHash(head, *record);
    batch.records.push_back(std::move(record).value());
  }
  batch.chain_head = head;
  if (!SignBatch(batch, key).ok()) std::abort();
  return batch;
}

AuthenticationOutcome FakeAuthenticator::Authenticate(card::CardChannel&,
                                                      policy::Assurance required) {
  ++calls;
  last_required = required;
  if (during) during();
  if (outcomes.empty()) {
    return AuthenticationOutcome::Failure(policy::Reason::kInternalError,
                                          InternalError("no scripted outcome"));
  }
  AuthenticationOutcome next = outcomes.front();
  outcomes.pop_front();
  return next;
}

Result<Event> MemorySink::Append(Event event) {
  if (failing) return UnavailableError("disk full");
  event.gate = kTestGate;
  event.sequence = events.size() + 1;
  RETURN_IF_ERROR(ValidateEvent(event));
  unlocked_at_append.push_back(watched_ != nullptr && watched_->IsUnlocked());
  events.push_back(event);
  return event;
}

}  // namespace sekisho::gate::testing
