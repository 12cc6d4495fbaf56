// SimulatedCard: a software My Number Card that answers APDUs as the real chip does
// (../shared/spec/mynumber-card.md §0-§4, §6, §7, §9), backed by a CardProfile.
// What it implements and which UNCONFIRMED rows it follows: docs/card-simulator.md.
#pragma once

#include <functional>
#include <memory>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "card/sim/card_profile.h"
#include "card/virtual_card.h"

namespace sekisho::card::sim {

// Called with the whole profile each time a retry counter changes, before the card answers.
// A card file back-end saves it (SaveCardProfile) so that a locked card stays locked across
// restarts.
using PersistFn = std::function<Status(const CardProfile&)>;

class CardState;  // the applications, files and session state; simulated_card.cc
class BadgeApplet;

// Not thread-safe: one host at a time, as a real card.
//
// Retry counters follow the real card's anti-tearing order: a VERIFY with data first spends a
// try and persists that, then compares, and on success restores the counter and persists
// again. If `persist` fails, the card answers 6581 (memory failure) without comparing the
// PIN; a spent try stays spent in memory (the card can only become more locked, never less),
// and a correct PIN is not marked verified.
//
// Free area: when the profile has a `badge`, a BadgeApplet answers under kBadgeAid. A SELECT by
// that AID routes every command to the applet until a SELECT of another AID, which goes to the
// card's own applications and ends the applet's session; the card's applications are unchanged.
// The applet's PIN retry counter is saved in the profile's `badge` through `persist` whenever a
// command changes it, before the answer leaves the card; if that fails the card answers 6581
// (memory failure) instead, and the counter stays as the applet left it in memory.
class SimulatedCard final : public VirtualCard {
 public:
  // Validates the profile (ValidateCardProfile) and parses its keys and certificates.
  // kDataLoss naming the field for a broken profile. `persist` may be null (nothing saved).
  // The card starts powered on.
  static Result<std::unique_ptr<SimulatedCard>> Create(CardProfile profile,
                                                       PersistFn persist = nullptr);
  // The same with the clock (certificate dates) and randomness (TA challenges) of the badge
  // applet, which must outlive the card; the overload above uses the system clock and OS
  // randomness. kInternal if the applet cannot be set up.
  static Result<std::unique_ptr<SimulatedCard>> Create(CardProfile profile, PersistFn persist,
                                                       const Clock& clock, Random& random);
  ~SimulatedCard() override;
  SimulatedCard(const SimulatedCard&) = delete;
  SimulatedCard& operator=(const SimulatedCard&) = delete;

  // The profile with the current retry counters.
  const CardProfile& profile() const;

  Bytes Atr() const override;
  void PowerOn() override;
  void PowerOff() override;
  void Reset() override;
  // Answers any byte string (never crashes, never hangs). While powered off: 6F00 with no data.
  Bytes Process(ByteView command) override;

 private:
  SimulatedCard(std::unique_ptr<CardState> state, std::unique_ptr<BadgeApplet> badge);
  // The badge applet's answer, after saving a changed PIN retry counter.
  Bytes ProcessBadge(ByteView command);
  std::unique_ptr<CardState> state_;
  std::unique_ptr<BadgeApplet> badge_;  // null without a badge in the profile
  bool badge_selected_ = false;
};

}  // namespace sekisho::card::sim
