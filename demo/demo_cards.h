// The demo's simulated My Number Cards: one test PKI and one card profile per staff member, each
// with its own JPKI user-authentication key (so every pseudonym differs), made-up holder data and
// PIN. Deterministic (fixed seeds) and generated once per process: RSA key generation is the slow
// part of the demo.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "card/sim/card_profile.h"
#include "pki/test_pki.h"

namespace sekisho::demo {

// 2026-04-01T00:00:00Z: the test PKI and the cards' certificates are issued then (valid 5 years).
inline constexpr TimePoint kDemoCardsIssued = FromUnixSeconds(1775001600);

struct DemoCardSet {
  pki::TestPki pki;
  // Card i: the holder's PIN is profiles[i].auth_pin; full retry counters.
  std::vector<card::sim::CardProfile> profiles;
};

// At least `count` profiles (the cached set grows when a larger one is asked for; the first
// `count` are the same in every call and every process). Thread-safe. kInvalidArgument for a
// count of 0 or above 10000; the PKI's and card factory's errors otherwise.
Result<std::shared_ptr<const DemoCardSet>> DemoCards(std::size_t count);

// Card i's made-up holder, as HR knows them ("Aoi Tanaka") and as the card face has them
// ("田中　葵", surname U+3000 given name).
std::string DemoHolderName(std::size_t i);
std::string DemoHolderCardName(std::size_t i);

}  // namespace sekisho::demo
