// libFuzzer target for card files (card/sim/card_profile.h), which users hand to the simulator:
// CardProfileFromJson on any text. An accepted card validates, writes back to JSON that reads as
// the same card, and writing is deterministic.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "card/sim/card_profile.h"

namespace {

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_card_profile: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using sekisho::card::sim::CardProfileFromJson;
  using sekisho::card::sim::CardProfileToJson;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto profile = CardProfileFromJson(text);
  if (!profile.ok()) {
    Check(profile.status().code() == sekisho::StatusCode::kDataLoss,
          "a bad card file is not kDataLoss");
    return 0;
  }
  Check(sekisho::card::sim::ValidateCardProfile(*profile).ok(), "accepted card does not validate");
  const std::string json = CardProfileToJson(*profile);
  auto again = CardProfileFromJson(json);
  Check(again.ok(), "written card does not read back");
  Check(*again == *profile, "written card reads back as another card");
  Check(CardProfileToJson(*again) == json, "writing is not deterministic");
  return 0;
}
