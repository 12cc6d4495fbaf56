// The card data a privacy test looks for (DESIGN.md §3 "What is never stored anywhere"): every
// item a simulated My Number Card holds, with the encodings a careless program would store it in.
#pragma once

#include <initializer_list>
#include <string_view>

#include "card/sim/card_profile.h"
#include "tests/privacy/leak_scanner.h"

namespace sekisho::privacy {

// A scanner for the Individual Number, the authentication certificate (whole, its serial, its
// subjectPublicKeyInfo, and windows of the parts that are the card's own rather than the public
// CA's), the signature certificate, the card-face identity and each of `pins`.
LeakScanner CardDataScanner(const card::sim::CardProfile& profile,
                            std::initializer_list<std::string_view> pins);

}  // namespace sekisho::privacy
