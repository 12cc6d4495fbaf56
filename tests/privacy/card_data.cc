#include "tests/privacy/card_data.h"

#include <cstdlib>
#include <string>

#include "base/bytes.h"
#include "card/sim/sim_test_card.h"
#include "pki/certificate.h"

namespace sekisho::privacy {

LeakScanner CardDataScanner(const card::sim::CardProfile& profile,
                            std::initializer_list<std::string_view> pins) {
  auto parsed = pki::Certificate::FromDer(profile.auth_certificate);
  if (!parsed.ok()) std::abort();  // the simulator's own certificate
  const pki::Certificate& cert = *parsed;
  LeakScanner scanner;
  const std::string& my_number = profile.my_number;
  scanner.Add("My Number", ToBytes(my_number), kRaw | kHex);
  scanner.Add(
      "My Number (grouped)",
      ToBytes(my_number.substr(0, 4) + " " + my_number.substr(4, 4) + " " + my_number.substr(8, 4)),
      kRaw);
  scanner.Add("certificate serial", cert.SerialNumber(), kRaw | kHex | kBase64);
  // Whole, and in 32-byte windows of what is the card's own (the issuer's DN, algorithm
  // identifiers and key identifier are the public root's, found in the anchor file by design).
  const Bytes auth_ca = card::sim::testing::World().pki.auth_ca.Der();
  const Bytes sign_ca = card::sim::testing::World().pki.sign_ca.Der();
  scanner.Add("certificate DER", cert.Der(), kRaw | kHex | kBase64);
  scanner.AddCardPart("certificate DER", cert.Der(), kRaw | kHex | kBase64, 32, auth_ca);
  scanner.Add("SPKI", cert.SubjectPublicKeyInfoDer(), kRaw | kHex | kBase64);
  scanner.AddCardPart("SPKI", cert.SubjectPublicKeyInfoDer(), kRaw | kHex | kBase64, 32, auth_ca);
  if (profile.sign_certificate) {
    scanner.AddCardPart("signature certificate DER", *profile.sign_certificate,
                        kRaw | kHex | kBase64, 32, sign_ca);
  }
  for (std::string_view pin : pins)
    scanner.Add("PIN " + std::string(pin), ToBytes(pin), kRaw | kHex);
  const card::sim::CardIdentity& id = profile.identity;
  scanner.Add("name", ToBytes(id.name), kRaw | kHex | kBase64);
  const std::string space = "\u3000";  // surname U+3000 given name
  if (const auto at = id.name.find(space); at != std::string::npos) {
    scanner.Add("surname", ToBytes(id.name.substr(0, at)), kRaw);
    scanner.Add("given name", ToBytes(id.name.substr(at + space.size())), kRaw);
  }
  scanner.Add("address", ToBytes(id.address), kRaw | kHex | kBase64);
  scanner.Add("birth date", ToBytes(id.birth_date), kRaw);
  scanner.Add("birth date (ISO)",
              ToBytes(id.birth_date.substr(0, 4) + "-" + id.birth_date.substr(4, 2) + "-" +
                      id.birth_date.substr(6, 2)),
              kRaw);
  return scanner;
}

}  // namespace sekisho::privacy
