#include "card/sim/simulated_card.h"

#include "card/mynumber_card.h"
#include "card/sim/card_state.h"

namespace sekisho::card::sim {

Result<std::unique_ptr<SimulatedCard>> SimulatedCard::Create(CardProfile profile,
                                                             PersistFn persist) {
  ASSIGN_OR_RETURN(auto state, CardState::Create(std::move(profile), std::move(persist)));
  return std::unique_ptr<SimulatedCard>(new SimulatedCard(std::move(state)));
}

SimulatedCard::SimulatedCard(std::unique_ptr<CardState> state) : state_(std::move(state)) {}
SimulatedCard::~SimulatedCard() = default;

const CardProfile& SimulatedCard::profile() const { return state_->profile(); }

Bytes SimulatedCard::Atr() const {
  return Bytes(mynumber::kContactAtr.begin(), mynumber::kContactAtr.end());
}

void SimulatedCard::PowerOn() { state_->PowerOn(); }
void SimulatedCard::PowerOff() { state_->PowerOff(); }
void SimulatedCard::Reset() { state_->Reset(); }
Bytes SimulatedCard::Process(ByteView command) { return state_->Process(command); }

}  // namespace sekisho::card::sim
