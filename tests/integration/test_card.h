// The one test PKI and simulated My Number Card shared by the integration tests of a process
// (RSA key generation is slow in Debug builds), and raw JPKI APDUs for checking the stack below
// the JPKI client.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "card/card_channel.h"
#include "card/response_apdu.h"
#include "card/sim/card_profile.h"
#include "pki/test_pki.h"

namespace sekisho::integration {

inline constexpr TimePoint kTestNow = FromUnixSeconds(1743465600);  // 2025-04-01T00:00:00Z
inline constexpr std::string_view kTestAuthPin = "1234";

struct TestWorld {
  pki::TestPki pki;
  card::sim::CardProfile profile;  // auth PIN kTestAuthPin
};

// Built on first use; aborts with the reason if the PKI or the card cannot be made.
const TestWorld& World();

// One command on `channel` through card::Transceive, from hex text ("00 A4 04 0C ...").
Result<card::ResponseApdu> Send(card::CardChannel& channel, std::string_view hex);

// Spec §3.1 seq 2 with raw APDUs: SELECT EF `fid` (the JPKI application selected), READ BINARY
// of the 4-byte header (30 82 HH LL), then chunks of at most 256 bytes. kDataLoss for an answer
// that is not 9000 or not a DER SEQUENCE.
Result<Bytes> ReadCertificateRaw(card::CardChannel& channel, std::uint16_t fid);

}  // namespace sekisho::integration
