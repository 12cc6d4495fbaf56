// libFuzzer target for the My Number Card simulator (card/sim): each input is a sequence of
// commands sent to a fresh card built from one fixed test profile.
// Input format, repeated: a length octet L and then L command bytes; L = FF: a two-octet
// big-endian length follows (extended APDUs); L = FE: warm reset; L = FD: power off and on.
// Checked: every answer carries a status word, the card never grows an answer beyond the
// largest response APDU, and a blocked credential (retry counter 0) never comes back.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/random.h"
#include "card/sim/card_factory.h"
#include "card/sim/card_profile.h"
#include "card/sim/simulated_card.h"
#include "pki/test_pki.h"

namespace {

using sekisho::ByteView;
using sekisho::card::sim::CardProfile;
using sekisho::card::sim::RetryCounters;
using sekisho::card::sim::SimulatedCard;

constexpr std::uint8_t kReset = 0xFE;
constexpr std::uint8_t kPowerCycle = 0xFD;
constexpr std::uint8_t kExtendedLength = 0xFF;
constexpr int kMaxCommands = 128;
constexpr std::size_t kMaxResponse = 65536 + 2;  // Ne up to 65536 plus SW1 SW2

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_simulated_card: %s\n", what);
    std::abort();
  }
}

// Building RSA keys and certificates is slow, so the profile is made once, deterministically.
const CardProfile& Profile() {
  static const CardProfile* profile = [] {
    const sekisho::TimePoint now = sekisho::FromUnixSeconds(1'700'000'000);
    sekisho::SeededRandom random(1);
    auto pki = sekisho::pki::CreateTestPki(random, now);
    Check(pki.ok(), "test PKI");
    auto made = sekisho::card::sim::NewCard(*pki, /*seed=*/1, now);
    Check(made.ok(), "NewCard");
    return new CardProfile(std::move(made).value());
  }();
  return *profile;
}

std::array<int, 10> Counters(const RetryCounters& c) {
  return {c.auth_pin,
          c.sign_password,
          c.input_assist_pin,
          c.input_assist_code_a,
          c.input_assist_code_b,
          c.card_face_code_a,
          c.card_face_code_b,
          c.card_face_birth_date,
          c.residence_pin,
          c.common_pin};
}

// A card in its initial state. Creating one costs milliseconds (keys and certificates are parsed
// and checked), so the previous card is reused when its persistent state, the profile, is still
// the initial one; a power cycle then clears everything else (VirtualCard's contract).
SimulatedCard& FreshCard() {
  static std::unique_ptr<SimulatedCard> card;
  if (card && card->profile() == Profile()) {
    card->PowerOff();
    card->PowerOn();
    return *card;
  }
  auto created = SimulatedCard::Create(Profile(), nullptr);
  Check(created.ok(), "SimulatedCard::Create on a valid profile");
  card = std::move(created).value();
  return *card;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  SimulatedCard& sim = FreshCard();
  std::array<int, 10> before = Counters(sim.profile().counters);
  const ByteView input(data, size);
  std::size_t pos = 0;
  for (int n = 0; n < kMaxCommands && pos < input.size(); ++n) {
    const std::uint8_t l = input[pos++];
    if (l == kReset) {
      sim.Reset();
      continue;
    }
    if (l == kPowerCycle) {
      sim.PowerOff();
      sim.PowerOn();
      continue;
    }
    std::size_t length = l;
    if (l == kExtendedLength) {
      if (input.size() - pos < 2) break;
      length = sekisho::ReadU16(input[pos], input[pos + 1]);
      pos += 2;
    }
    if (length > input.size() - pos) length = input.size() - pos;
    const sekisho::Bytes response = sim.Process(input.subspan(pos, length));
    pos += length;

    Check(response.size() >= 2, "answer without a status word");
    Check(response.size() <= kMaxResponse, "answer longer than any response APDU");
    const std::array<int, 10> after = Counters(sim.profile().counters);
    for (std::size_t i = 0; i < after.size(); ++i) {
      Check(after[i] >= 0, "negative retry counter");
      Check(before[i] != 0 || after[i] == 0, "a blocked credential was unblocked");
    }
    before = after;
  }
  return 0;
}
