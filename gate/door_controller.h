// DoorController: the door path of a gate (DESIGN.md §5 "At the door"), pure orchestration over
// injected interfaces: card authentication -> policy lookup -> policy::Decide -> event recorded
// durably -> door actuated -> policy state updated. Fails closed: whatever goes wrong, the door
// stays locked and the event says why. Docs: docs/gate.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "card/card_channel.h"
#include "gate/authenticator.h"
#include "gate/door.h"
#include "gate/event.h"
#include "gate/event_sink.h"
#include "policy/compiled_policy.h"
#include "policy/decide.h"
#include "policy/state.h"

namespace sekisho::gate {

struct DoorControllerOptions {
  // How long a grant releases the lock.
  std::chrono::milliseconds unlock_duration{5000};
};

// Thread-safe: OnCard may run for several doors at once and the policy may be replaced while it
// does. Decisions, their events and the state updates after them are serialised, so two cards
// at two doors of a two-person or anti-passback zone see each other's passages in order; card
// authentication (and the PIN entry in it) runs outside that lock.
class DoorController {
 public:
  using Options = DoorControllerOptions;

  // `doors` maps each door id this controller drives (never policy::kNone) to its actuator.
  // Every reference and pointer must outlive the controller. kInvalidArgument for a door id 0 or
  // a null door. Starts with no policy (every card is denied kNoSnapshot) and online.
  static Result<std::unique_ptr<DoorController>> Create(EventSink& events,
                                                        Authenticator& authenticator,
                                                        const Clock& clock,
                                                        std::map<policy::ObjectId, Door*> doors,
                                                        const Options& options = {});

  // A card was presented at `door` on `channel`. In order, first failure wins:
  //   - the door is not one this controller drives: kInternalError (error kNotFound);
  //   - no policy installed: kNoSnapshot (error kFailedPrecondition), the card is not touched;
  //   - the door is not in the policy: kUnknownDoor, the card is not touched;
  //   - the card is authenticated (Authenticator; the door's required assurance is passed on):
  //     its failure reason (kCardError, kPinRefused, kAuthenticationFailed, kInternalError) with
  //     the failure's status code as the error;
  //   - policy::Decide on the installed policy at the clock's time;
  // then the event is appended to `events`, and only once it is durable is the door unlocked (on
  // a grant) and the decision recorded in the policy state (policy::RecordPassage).
  // Returns the event as recorded. If the unlock fails after a recorded grant, a second event,
  // kInternalError with the actuator's error code, records that the holder was not let in, and
  // is returned. Errors: only the EventSink's, when the event could not be recorded; the door
  // stays locked then.
  Result<Event> OnCard(policy::ObjectId door, card::CardChannel& channel);

  // Collects the alarms of every door and records each as a door-held-open or door-forced
  // event (stamped with the alarm's time). Returns the recorded events; the EventSink's first
  // error otherwise (alarms after it are lost with it; the door raises them once only).
  Result<std::vector<Event>> PollDoors();

  // Replaces the policy (a new full snapshot); its version() is recorded in every event decided
  // with it. The policy state (anti-passback, two-person, first-person-in records) is kept.
  // Null removes the policy: every card is denied kNoSnapshot.
  void InstallPolicy(std::unique_ptr<policy::CompiledPolicy> policy);

  // Runs `update` on the installed policy while no decision is made: a delta applied in place,
  // or the index replaced through the pointer (never with null). Returns `update`'s status; the
  // policy is what `update` left. kFailedPrecondition when no policy is installed.
  using PolicyUpdate = std::function<Status(std::unique_ptr<policy::CompiledPolicy>&)>;
  Status UpdatePolicy(const PolicyUpdate& update);

  // The version of the installed policy; 0 when none is.
  std::uint64_t snapshot_version() const;

  // Whether the gate is connected to the server; offline events carry kEventFlagOffline. Doors
  // keep deciding offline with the policy they hold.
  void SetOnline(bool online) { online_.store(online); }

 private:
  DoorController(EventSink& events, Authenticator& authenticator, const Clock& clock,
                 std::map<policy::ObjectId, Door*> doors, const Options& options)
      : events_(events),
        authenticator_(authenticator),
        clock_(clock),
        doors_(std::move(doors)),
        options_(options) {}

  // An event at `door` with the time, the installed policy's version and the offline flag.
  // Called with mutex_ held.
  Event NewEvent(EventKind kind, policy::ObjectId door, TimePoint at) const;
  // Records an access event for a denial decided before the policy.
  Result<Event> RecordFailure(Event event, policy::Reason reason, const Status& status);

  EventSink& events_;
  Authenticator& authenticator_;
  const Clock& clock_;
  const std::map<policy::ObjectId, Door*> doors_;
  const Options options_;
  std::atomic<bool> online_{true};

  // Guards policy_ and state_, and serialises decide -> record -> actuate -> RecordPassage.
  mutable std::mutex mutex_;
  std::unique_ptr<policy::CompiledPolicy> policy_;
  policy::State state_;
};

}  // namespace sekisho::gate
