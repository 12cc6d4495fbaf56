// Decide and RecordPassage (policy/decide.h); the order of checks is documented in
// docs/policy.md, "Order of checks".
#include "policy/decide.h"

#include <algorithm>

#include "policy/calendar.h"

namespace sekisho::policy {
namespace {

// The holder's view of the policy at one instant: which assignments count, and the site's local
// time (computed on first use: many decisions end before a schedule is read).
class Evaluation {
 public:
  Evaluation(const CompiledPolicy& policy, const Site& site, const Credential& credential,
             UnixSeconds time)
      : policy_(policy), site_(site), credential_(credential), time_(time) {}

  // The level if `assignment` counts now: valid at the time, the level exists, and the site's
  // threat level does not exceed the level's max_threat_level.
  const AccessLevel* Counting(const LevelAssignment& assignment) const {
    if (time_ < assignment.valid_from || time_ >= assignment.valid_until) return nullptr;
    const AccessLevel* level = policy_.FindLevel(assignment.level);
    if (level == nullptr || level->max_threat_level < site_.threat_level) return nullptr;
    return level;
  }

  // True when the holder has a counting assignment of `level` (kNone: never).
  bool Holds(ObjectId level) const {
    if (level == kNone) return false;
    for (const LevelAssignment& assignment : credential_.levels) {
      if (assignment.level == level && Counting(assignment) != nullptr) return true;
    }
    return false;
  }

  // True when `rule`'s schedule is open now. Fails closed on a dangling schedule id: a deny
  // rule then applies, a grant rule never opens.
  bool RuleOpen(const LevelRule& rule, bool deny) {
    if (rule.schedule == kNone) return true;
    const Schedule* schedule = policy_.FindSchedule(rule.schedule);
    if (schedule == nullptr) return deny;
    if (!local_ready_) {
      local_ = ToLocalTime(time_, site_.utc_offset_minutes);
      holiday_ = IsHoliday(site_, local_.day);
      local_ready_ = true;
    }
    return IsOpen(*schedule, local_, holiday_);
  }

 private:
  const CompiledPolicy& policy_;
  const Site& site_;
  const Credential& credential_;
  const UnixSeconds time_;
  bool local_ready_ = false;
  LocalTime local_;
  bool holiday_ = false;
};

enum class LevelOutcome { kOpen, kDenied, kNoRule, kClosed };

// Levels (docs/policy.md, "Overlapping levels"): an open deny rule for the zone wins over any
// grant; otherwise an open grant rule opens; else "no grant rule" or "none open".
LevelOutcome EvaluateLevels(const Credential& credential, ObjectId zone, Evaluation& evaluation) {
  bool any_grant = false;
  bool open_grant = false;
  for (const LevelAssignment& assignment : credential.levels) {
    const AccessLevel* level = evaluation.Counting(assignment);
    if (level == nullptr) continue;
    for (const LevelRule& rule : level->rules) {
      if (rule.zone != zone) continue;
      // Any effect other than kGrant is read as a deny (fail closed).
      if (rule.effect != Effect::kGrant) {
        if (evaluation.RuleOpen(rule, /*deny=*/true)) return LevelOutcome::kDenied;
        continue;
      }
      any_grant = true;
      if (!open_grant && evaluation.RuleOpen(rule, /*deny=*/false)) open_grant = true;
    }
  }
  if (open_grant) return LevelOutcome::kOpen;
  return any_grant ? LevelOutcome::kClosed : LevelOutcome::kNoRule;
}

// The door's anti-passback mode: the stricter of the zone entered and the zone left, so both
// entering and leaving an anti-passback zone are checked. Values above kHard read as kHard.
AntiPassback DoorAntiPassback(const Door& door, const Zone& to_zone, const CompiledPolicy& policy) {
  AntiPassback mode = to_zone.anti_passback;
  if (door.from_zone != kNone) {
    if (const Zone* from = policy.FindZone(door.from_zone); from != nullptr) {
      mode = std::max(mode, from->anti_passback);
    }
  }
  return std::min(mode, AntiPassback::kHard);
}

UnixSeconds SaturatingAdd(UnixSeconds time, UnixSeconds seconds) {
  return time > kEndOfTime - seconds ? kEndOfTime : time + seconds;
}

}  // namespace

Decision Decide(const Request& request, const CompiledPolicy& policy, const State& state) {
  Decision decision;
  const UnixSeconds time = request.time;

  const Door* door = policy.FindDoor(request.door);
  if (door == nullptr) return decision;  // kUnknownDoor
  const Site* site = policy.FindSite(door->site);
  const Zone* zone = policy.FindZone(door->to_zone);
  // A door whose site or zone is missing cannot be judged: treat it as not configured.
  if (site == nullptr || zone == nullptr) return decision;
  decision.site = site->id;
  decision.zone = zone->id;

  const Credential* credential = policy.FindCredential(request.credential);
  if (credential == nullptr) {
    decision.reason = Reason::kUnknownCredential;
    return decision;
  }
  decision.staff = credential->staff;
  auto finish = [&decision](Reason reason) {
    decision.reason = reason;
    return decision;
  };
  if ((credential->flags & kCredentialRevoked) != 0) return finish(Reason::kRevoked);
  if (time < credential->valid_from) return finish(Reason::kNotYetValid);
  if (time >= credential->valid_until) return finish(Reason::kExpired);

  Evaluation evaluation(policy, *site, *credential, time);
  const bool assurance_met = request.presented >= door->required;

  // Lockdown: only the override level passes, at the door's assurance; schedules, rules,
  // first-person-in, anti-passback and two-person do not apply to it (docs/policy.md).
  if (site->lockdown) {
    if (!evaluation.Holds(site->lockdown_override_level)) return finish(Reason::kLockdown);
    if (!assurance_met) return finish(Reason::kInsufficientAssurance);
    decision.unlocks_first_person_in = evaluation.Holds(zone->first_person_in_level);
    decision.records_expire = NextDailyReset(time, *site);
    return finish(Reason::kGrantedOverride);
  }
  if (!assurance_met) return finish(Reason::kInsufficientAssurance);

  switch (EvaluateLevels(*credential, zone->id, evaluation)) {
    case LevelOutcome::kDenied:
      return finish(Reason::kDeniedByRule);
    case LevelOutcome::kNoRule:
      return finish(Reason::kNoAccessLevel);
    case LevelOutcome::kClosed:
      return finish(Reason::kOutsideSchedule);
    case LevelOutcome::kOpen:
      break;
  }

  // The pending first card at this door, if it still stands: live, another holder, and that
  // holder's credential not revoked or removed meanwhile.
  const PendingEntry* pending = nullptr;
  if (zone->two_person) {
    pending = state.Pending(door->id, time);
    if (pending != nullptr) {
      const Credential* first = policy.FindCredential(pending->credential);
      if (pending->staff == credential->staff || first == nullptr ||
          (first->flags & kCredentialRevoked) != 0) {
        pending = nullptr;
      }
    }
  }

  // First-person-in: the zone opens to others once a holder of its level entered today; a
  // pending first card of such a holder at this door lets the pair in together.
  if (zone->first_person_in_level != kNone) {
    decision.unlocks_first_person_in = evaluation.Holds(zone->first_person_in_level);
    const bool unlocked = decision.unlocks_first_person_in ||
                          state.Unlocked(zone->id, time) != nullptr ||
                          (pending != nullptr && pending->first_person_in);
    if (!unlocked) return finish(Reason::kAwaitingFirstPersonIn);
  }

  const AntiPassback anti_passback = DoorAntiPassback(*door, *zone, policy);
  if (anti_passback != AntiPassback::kOff) {
    const LocationRecord* location = state.Location(credential->staff, time);
    const ObjectId recorded_zone = location == nullptr ? kNone : location->zone;
    if (recorded_zone != door->from_zone) {
      decision.anti_passback_violation = true;
      if (anti_passback == AntiPassback::kHard) return finish(Reason::kAntiPassback);
    }
  }

  if (zone->two_person) {
    if (pending == nullptr) {
      decision.records_expire = SaturatingAdd(time, zone->two_person_window_seconds);
      return finish(Reason::kAwaitingSecondPerson);
    }
    decision.companion = pending->staff;
    decision.unlocks_first_person_in |= pending->first_person_in;
    decision.records_expire = NextDailyReset(time, *site);
    return finish(Reason::kGrantedSecondPerson);
  }

  decision.records_expire = NextDailyReset(time, *site);
  return finish(decision.anti_passback_violation ? Reason::kGrantedAntiPassbackSoft
                                                 : Reason::kGranted);
}

void RecordPassage(const Request& request, const Decision& decision, State& state) {
  const UnixSeconds time = request.time;
  state.Prune(time);
  if (!decision.staff.has_value()) return;
  if (decision.reason == Reason::kAwaitingSecondPerson) {
    PendingEntry entry;
    entry.staff = *decision.staff;
    entry.credential = request.credential;
    entry.first_person_in = decision.unlocks_first_person_in;
    entry.since = time;
    entry.expires = decision.records_expire;
    state.SetPending(request.door, entry);
    return;
  }
  if (!decision.granted()) return;
  const LocationRecord location{decision.zone, time, decision.records_expire};
  state.SetLocation(*decision.staff, location);
  if (decision.companion.has_value()) {
    state.SetLocation(*decision.companion, location);
    state.ClearPending(request.door);
  }
  if (decision.unlocks_first_person_in && state.Unlocked(decision.zone, time) == nullptr) {
    state.SetUnlocked(decision.zone, UnlockRecord{time, decision.records_expire});
  }
}

}  // namespace sekisho::policy
