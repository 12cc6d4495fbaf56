// DemoGate: one gate of the demo as it runs in production, in-process: registered over HTTPS with
// its one-time token (gate::RegisterGate), then a gate::GateDaemon on its own thread with its own
// SimulatedCardReader (holders present simulated cards and type PINs) and SimulatedDoor.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "card/virtual_card.h"
#include "gate/event.h"
#include "gate/gate_daemon.h"
#include "gate/registration.h"
#include "gate/simulated_card_reader.h"
#include "gate/simulated_door.h"
#include "policy/reason.h"

namespace sekisho::demo {

// Thread-safe: holders present cards from any thread.
class DemoGate {
 public:
  // Registers the gate into `dir` (which must not exist) with `registration` and starts its
  // daemon at `door`. `clock` must outlive the gate. RegisterGate's and GateDaemon::Open's
  // errors.
  static Result<std::unique_ptr<DemoGate>> Start(const gate::RegistrationOptions& registration,
                                                 const std::filesystem::path& dir,
                                                 policy::ObjectId door, std::string name,
                                                 const Clock& clock);
  ~DemoGate();  // stops the daemon
  DemoGate(const DemoGate&) = delete;
  DemoGate& operator=(const DemoGate&) = delete;

  // A holder presents `card` and types `pin` (nullopt: nothing); returns once the gate is done
  // with the card (SimulatedCardReader::Present's errors), without waiting for the event.
  Status Present(card::VirtualCard& card, std::optional<std::string> pin,
                 std::chrono::milliseconds timeout);
  // Present, then the reason of the event it recorded. Calls are serialised per gate so that
  // the event is this card's. kDeadlineExceeded when no event is recorded within `timeout`.
  Result<policy::Reason> PresentAndWait(card::VirtualCard& card, std::optional<std::string> pin,
                                        std::chrono::milliseconds timeout);

  // The access events recorded so far, in order (door alarms are left out).
  std::vector<gate::Event> events() const;
  gate::GateStatus status() const { return daemon_->status(); }
  gate::GateId id() const { return daemon_->config().gate; }
  const std::string& name() const { return name_; }
  // Stops the daemon and joins its thread (idempotent).
  void Stop();

 private:
  DemoGate(std::string name, const Clock& clock);
  void OnEvent(const gate::Event& event);

  const std::string name_;
  OsRandom random_;
  gate::SimulatedCardReader reader_;
  gate::SimulatedDoor door_;
  std::unique_ptr<gate::GateDaemon> daemon_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex present_mutex_;  // one PresentAndWait at a time
  mutable std::mutex mutex_;  // guards events_
  std::condition_variable event_added_;
  std::vector<gate::Event> events_;
};

}  // namespace sekisho::demo
