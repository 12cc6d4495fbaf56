#include "card/sim/simulated_card.h"

#include <algorithm>

#include "badge/badge_ids.h"
#include "card/command_apdu.h"
#include "card/mynumber_card.h"
#include "card/sim/badge_applet.h"
#include "card/sim/card_state.h"

namespace sekisho::card::sim {

Result<std::unique_ptr<SimulatedCard>> SimulatedCard::Create(CardProfile profile,
                                                             PersistFn persist) {
  static const SystemClock kSystemClock;
  static OsRandom os_random;
  return Create(std::move(profile), std::move(persist), kSystemClock, os_random);
}

Result<std::unique_ptr<SimulatedCard>> SimulatedCard::Create(CardProfile profile, PersistFn persist,
                                                             const Clock& clock, Random& random) {
  std::unique_ptr<BadgeApplet> badge;
  if (profile.badge) {
    auto applet = BadgeApplet::Create(CopyBadgeProfile(*profile.badge), clock, random);
    if (!applet.ok()) return applet.status().WithContext("free-area badge applet");
    badge = std::move(applet).value();
  }
  ASSIGN_OR_RETURN(auto state, CardState::Create(std::move(profile), std::move(persist)));
  return std::unique_ptr<SimulatedCard>(new SimulatedCard(std::move(state), std::move(badge)));
}

SimulatedCard::SimulatedCard(std::unique_ptr<CardState> state, std::unique_ptr<BadgeApplet> badge)
    : state_(std::move(state)), badge_(std::move(badge)) {}
SimulatedCard::~SimulatedCard() = default;

const CardProfile& SimulatedCard::profile() const { return state_->profile(); }

Bytes SimulatedCard::Atr() const {
  return Bytes(mynumber::kContactAtr.begin(), mynumber::kContactAtr.end());
}

void SimulatedCard::PowerOn() {
  badge_selected_ = false;
  if (badge_) badge_->PowerOn();
  state_->PowerOn();
}
void SimulatedCard::PowerOff() {
  badge_selected_ = false;
  if (badge_) badge_->PowerOff();
  state_->PowerOff();
}
void SimulatedCard::Reset() {
  badge_selected_ = false;
  if (badge_) badge_->Reset();
  state_->Reset();
}

Bytes SimulatedCard::Process(ByteView command) {
  if (!badge_) return state_->Process(command);
  // SELECT by DF name (ISO/IEC 7816-4:2020 §11.2.2, P1 = 04) on the basic channel decides which
  // application answers.
  const bool select_by_name = command.size() >= 5 && (command[0] & 0xF3) == 0x00 &&
                              command[1] == badge::kInsSelect && command[2] == 0x04;
  if (select_by_name) {
    auto parsed = CommandApdu::Parse(command);
    const bool badge_aid = parsed.ok() && std::ranges::equal(parsed->data, badge::kBadgeAid);
    if (badge_aid) {
      badge_selected_ = true;
      return ProcessBadge(command);
    }
    if (badge_selected_) {
      badge_selected_ = false;
      badge_->Reset();
    }
    return state_->Process(command);
  }
  return badge_selected_ ? ProcessBadge(command) : state_->Process(command);
}

Bytes SimulatedCard::ProcessBadge(ByteView command) {
  Bytes response = badge_->Process(command);
  if (badge_->profile().pin_tries != (*state_->profile().badge).pin_tries &&
      !state_->UpdateBadge(badge_->profile()).ok()) {
    return {static_cast<std::uint8_t>(kSwMemoryFailure >> 8),
            static_cast<std::uint8_t>(kSwMemoryFailure & 0xFF)};
  }
  return response;
}

}  // namespace sekisho::card::sim
