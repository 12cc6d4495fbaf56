#include "tests/integration/test_card.h"

#include <cstdlib>
#include <iostream>
#include <string>

#include "base/random.h"
#include "card/command_apdu.h"
#include "card/sim/card_factory.h"
#include "card/transceive.h"

namespace sekisho::integration {
namespace {

constexpr std::uint64_t kPkiSeed = 31;
constexpr std::uint64_t kCardSeed = 4242;

Status Expect9000(const card::ResponseApdu& r, std::string_view what) {
  if (r.ok()) return OkStatus();
  return DataLossError(std::string(what) + ": SW " + ToHex(Bytes{r.sw1(), r.sw2()}));
}

}  // namespace

const TestWorld& World() {
  static const TestWorld* const world = [] {
    SeededRandom random(kPkiSeed);
    auto pki = pki::CreateTestPki(random, kTestNow);
    if (!pki.ok()) {
      std::cerr << "test PKI: " << pki.status().ToString() << "\n";
      std::abort();
    }
    card::sim::NewCardOptions options;
    options.auth_pin = std::string(kTestAuthPin);
    auto profile = card::sim::NewCard(*pki, kCardSeed, kTestNow, options);
    if (!profile.ok()) {
      std::cerr << "test card: " << profile.status().ToString() << "\n";
      std::abort();
    }
    return new TestWorld{std::move(pki).value(), std::move(profile).value()};
  }();
  return *world;
}

Result<card::ResponseApdu> Send(card::CardChannel& channel, std::string_view hex) {
  ASSIGN_OR_RETURN(Bytes bytes, FromHex(hex));
  ASSIGN_OR_RETURN(card::CommandApdu command, card::CommandApdu::Parse(bytes));
  return card::Transceive(channel, command);
}

Result<Bytes> ReadCertificateRaw(card::CardChannel& channel, std::uint16_t fid) {
  const card::CommandApdu select{
      0x00,
      0xA4,
      0x02,
      0x0C,
      Bytes{static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid & 0xFF)},
      std::nullopt};
  ASSIGN_OR_RETURN(card::ResponseApdu selected, card::Transceive(channel, select));
  RETURN_IF_ERROR(Expect9000(selected, "SELECT EF"));
  ASSIGN_OR_RETURN(card::ResponseApdu header, Send(channel, "00 B0 00 00 04"));
  RETURN_IF_ERROR(Expect9000(header, "READ BINARY header"));
  if (header.data.size() != 4 || header.data[0] != 0x30 || header.data[1] != 0x82) {
    return DataLossError("the EF does not start with a DER SEQUENCE of two length bytes");
  }
  const std::size_t total = std::size_t{ReadU16(header.data[2], header.data[3])} + 4;
  Bytes der = header.data;
  while (der.size() < total) {
    const std::size_t chunk = std::min<std::size_t>(256, total - der.size());
    const card::CommandApdu read{0x00,
                                 0xB0,
                                 static_cast<std::uint8_t>(der.size() >> 8),
                                 static_cast<std::uint8_t>(der.size() & 0xFF),
                                 {},
                                 chunk};
    ASSIGN_OR_RETURN(card::ResponseApdu r, card::Transceive(channel, read));
    RETURN_IF_ERROR(Expect9000(r, "READ BINARY"));
    if (r.data.empty()) return DataLossError("READ BINARY returned no data before the end");
    Append(der, r.data);
  }
  return der;
}

}  // namespace sekisho::integration
