#include "gate/door_controller.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace sekisho::gate {
namespace {

using policy::Reason;

policy::UnixSeconds ToUnixSeconds(TimePoint at) {
  return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

EventKind KindOf(DoorAlarmKind kind) {
  return kind == DoorAlarmKind::kHeldOpen ? EventKind::kDoorHeldOpen : EventKind::kDoorForced;
}

}  // namespace

Result<std::unique_ptr<DoorController>> DoorController::Create(
    EventSink& events, Authenticator& authenticator, const Clock& clock,
    std::map<policy::ObjectId, Door*> doors, const Options& options) {
  for (const auto& [id, door] : doors) {
    if (id == policy::kNone)
      return InvalidArgumentError("door controller: door id 0 is not a door");
    if (door == nullptr) {
      return InvalidArgumentError("door controller: door " + std::to_string(id) +
                                  " has no actuator");
    }
  }
  return std::unique_ptr<DoorController>(
      new DoorController(events, authenticator, clock, std::move(doors), options));
}

Event DoorController::NewEvent(EventKind kind, policy::ObjectId door, TimePoint at) const {
  Event event;
  event.kind = kind;
  event.time = std::chrono::floor<std::chrono::milliseconds>(at);
  event.door = door;
  event.snapshot_version = policy_ ? policy_->version() : 0;
  if (!online_.load()) event.flags |= kEventFlagOffline;
  return event;
}

Result<Event> DoorController::RecordFailure(Event event, Reason reason, const Status& status) {
  event.reason = reason;
  event.error = status.ok() ? StatusCode::kInternal : status.code();
  // Configuration and internal failures need someone's attention; a wrong PIN or a card pulled
  // out too early does not.
  const bool attention = reason == Reason::kInternalError || reason == Reason::kNoSnapshot;
  spdlog::log(attention ? spdlog::level::warn : spdlog::level::info, "door {}: denied, {}: {}",
              event.door, policy::ReasonName(reason), status.ToString());
  return events_.Append(std::move(event));
}

Result<Event> DoorController::OnCard(policy::ObjectId door, card::CardChannel& channel) {
  if (door == policy::kNone) return InvalidArgumentError("door id 0 is not a door");
  policy::Assurance required = policy::Assurance::kCard;
  {
    std::lock_guard lock(mutex_);
    const Event event = NewEvent(EventKind::kAccess, door, clock_.Now());
    if (!doors_.contains(door)) {
      return RecordFailure(
          event, Reason::kInternalError,
          NotFoundError("door " + std::to_string(door) + " is not driven by this gate controller"));
    }
    if (!policy_) {
      return RecordFailure(event, Reason::kNoSnapshot,
                           FailedPreconditionError("the gate holds no policy snapshot"));
    }
    const policy::Door* known = policy_->FindDoor(door);
    if (known == nullptr) {
      Event unknown = event;
      unknown.reason = Reason::kUnknownDoor;
      spdlog::warn("door {}: denied, {}: the door is not in snapshot {}", door,
                   policy::ReasonName(Reason::kUnknownDoor), event.snapshot_version);
      return events_.Append(std::move(unknown));
    }
    required = known->required;
  }

  // The card, outside the lock: the holder may take a while over the PIN.
  const AuthenticationOutcome auth = authenticator_.Authenticate(channel, required);

  std::lock_guard lock(mutex_);
  const TimePoint now = clock_.Now();
  Event event = NewEvent(EventKind::kAccess, door, now);
  event.credential = auth.credential;
  if (auth.credential && policy_) {
    if (const policy::Credential* known = policy_->FindCredential(*auth.credential)) {
      event.staff = known->staff;
    }
  }
  if (!auth.ok()) return RecordFailure(std::move(event), auth.reason, auth.status);
  if (!policy_) {
    return RecordFailure(std::move(event), Reason::kNoSnapshot,
                         FailedPreconditionError("the policy was removed during authentication"));
  }

  const policy::Request request{door, *auth.credential, *auth.assurance, ToUnixSeconds(now)};
  const policy::Decision decision = policy::Decide(request, *policy_, state_);
  event.reason = decision.reason;
  event.assurance = auth.assurance;
  event.staff = decision.staff;
  if (decision.anti_passback_violation) event.flags |= kEventFlagAntiPassback;

  // Durable before the door opens: a door is never opened without its event on disk.
  ASSIGN_OR_RETURN(Event recorded, events_.Append(event));
  if (decision.granted()) {
    if (Status unlocked = doors_.at(door)->Unlock(options_.unlock_duration); !unlocked.ok()) {
      // The grant is on record but the holder cannot pass: say so, and record no passage.
      event.flags &= static_cast<std::uint8_t>(~kEventFlagAntiPassback);
      return RecordFailure(
          std::move(event), Reason::kInternalError,
          unlocked.WithContext("unlocking after grant event " + std::to_string(recorded.sequence)));
    }
  }
  policy::RecordPassage(request, decision, state_);
  // The event is the record; the log line is for debugging only.
  spdlog::debug("door {}: {} (event {})", door, policy::ReasonName(decision.reason),
                recorded.sequence);
  return recorded;
}

Result<std::vector<Event>> DoorController::PollDoors() {
  std::lock_guard lock(mutex_);
  std::vector<Event> recorded;
  for (const auto& [id, door] : doors_) {
    for (const DoorAlarm& alarm : door->TakeAlarms()) {
      ASSIGN_OR_RETURN(Event event, events_.Append(NewEvent(KindOf(alarm.kind), id, alarm.at)));
      spdlog::warn("door {}: {} (event {})", id, EventKindName(event.kind), event.sequence);
      recorded.push_back(std::move(event));
    }
  }
  return recorded;
}

void DoorController::InstallPolicy(std::unique_ptr<policy::CompiledPolicy> policy) {
  std::unique_ptr<policy::CompiledPolicy> old;
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(policy_, std::move(policy));
  }
  // The old index is freed outside the lock.
}

Status DoorController::UpdatePolicy(const PolicyUpdate& update) {
  std::lock_guard lock(mutex_);
  if (!policy_) return FailedPreconditionError("no policy is installed to update");
  Status status = update(policy_);
  if (!policy_) {
    return InternalError(
        "a policy update removed the policy; every card is denied until the "
        "next snapshot");
  }
  return status;
}

std::uint64_t DoorController::snapshot_version() const {
  std::lock_guard lock(mutex_);
  return policy_ ? policy_->version() : 0;
}

}  // namespace sekisho::gate
