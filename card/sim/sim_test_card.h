// Test support for card_sim_test: one test PKI and one simulated card profile per process
// (RSA key generation is slow in Debug builds), and helpers to talk APDU hex to a card.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "card/sim/card_profile.h"
#include "card/sim/simulated_card.h"
#include "pki/test_pki.h"

namespace sekisho::card::sim::testing {

// 2025-04-01T00:00:00Z, the creation time of the shared PKI and card.
inline constexpr TimePoint kTestNow = FromUnixSeconds(1743465600);
inline constexpr std::uint64_t kTestPkiSeed = 7;
inline constexpr std::uint64_t kTestCardSeed = 42;
// The authentication PIN of the test cards (NewCardOptions' default auth_pin).
inline constexpr std::string_view kTestCardPin = "1234";

struct TestCardWorld {
  pki::TestPki pki;
  CardProfile profile;  // NewCard(pki, kTestCardSeed, kTestNow) with default options
};

// Built on first use, then shared; aborts the test binary if generation fails.
const TestCardWorld& World();

// A fresh card from World().profile (or `profile`); fails the current test if Create fails.
std::unique_ptr<SimulatedCard> NewTestCard(PersistFn persist = nullptr);
std::unique_ptr<SimulatedCard> NewTestCard(const CardProfile& profile, PersistFn persist = nullptr);

// Sends the hex APDU ("00 A4 04 0C 0A ...") and returns the whole response.
Bytes Send(VirtualCard& card, std::string_view hex);
// Sends `apdu` (bytes).
Bytes SendBytes(VirtualCard& card, ByteView apdu);
// SW1 SW2 of a response as a number (0 for a response shorter than 2 bytes).
std::uint16_t SwOf(ByteView response);
// The response without its status word.
Bytes DataOf(ByteView response);

// A fresh directory under the system temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Convenience APDUs (spec §3).
Bytes SelectAidApdu(ByteView aid);
Bytes SelectEfApdu(std::uint16_t fid);
Bytes VerifyApdu(std::string_view value);  // 00 20 00 80 Lc value
// SELECT the AID then the EF; returns the SW of the EF's SELECT.
std::uint16_t SelectAidAndEf(VirtualCard& card, ByteView aid, std::uint16_t fid);
// SELECT EF then VERIFY `value` against it; returns the SW of the VERIFY.
std::uint16_t SelectAndVerify(VirtualCard& card, std::uint16_t fid, std::string_view value);
// Reads the current EF completely in 256-byte chunks (READ BINARY until 6B00 or a short read).
Bytes ReadAll(VirtualCard& card);

}  // namespace sekisho::card::sim::testing
