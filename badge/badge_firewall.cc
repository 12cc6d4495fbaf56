// The badge applet's firewall rule (TR-03110-3 App. B; ISO/IEC 7816-4:2020 §10, §11).
#include "badge/badge_firewall.h"

#include "badge/badge_ids.h"

namespace sekisho::badge {
namespace {

constexpr std::uint8_t kPlain = 0x00;
constexpr std::uint8_t kChained = 0x10;    // ISO/IEC 7816-4 §5.4.1: command chaining
constexpr std::uint8_t kProtected = 0x0C;  // secure messaging, header authenticated

card::CommandRule Rule(std::string name, std::uint8_t cla, std::uint8_t ins, std::uint16_t p1p2) {
  return {.name = std::move(name),
          .cla = cla,
          .ins = ins,
          .p1 = static_cast<std::uint8_t>(p1p2 >> 8),
          .p2 = static_cast<std::uint8_t>(p1p2 & 0xFF)};
}

}  // namespace

card::ApplicationRule BadgeApplicationRule() {
  card::ApplicationRule app;
  app.aid = Bytes(kBadgeAid.begin(), kBadgeAid.end());
  app.name = "the badge applet";
  const auto sfi = [](std::uint8_t s) { return static_cast<std::uint16_t>((0x80 | s) << 8); };
  app.commands = {
      Rule("READ BINARY of EF.CardAccess", kPlain, kInsReadBinary, sfi(kSfiCardAccess)),
      Rule("MSE:SET AT (PACE)", kPlain, kInsManageSecurityEnvironment, kMseSetAtPace),
      Rule("GENERAL AUTHENTICATE (PACE, chained)", kChained, kInsGeneralAuthenticate, 0x0000),
      Rule("GENERAL AUTHENTICATE (PACE; CA first, without PACE)", kPlain, kInsGeneralAuthenticate,
           0x0000),
      Rule("MSE:SET AT (CA first, without PACE)", kPlain, kInsManageSecurityEnvironment,
           kMseSetAtInternal),
      Rule("MSE:SET DST", kProtected, kInsManageSecurityEnvironment, kMseSetDst),
      Rule("PSO:VERIFY CERTIFICATE", kProtected, kInsPerformSecurityOperation,
           kPsoVerifyCertificate),
      Rule("MSE:SET AT (TA)", kProtected, kInsManageSecurityEnvironment, kMseSetAtTa),
      Rule("GET CHALLENGE", kProtected, kInsGetChallenge, 0x0000),
      Rule("EXTERNAL AUTHENTICATE", kProtected, kInsExternalAuthenticate, 0x0000),
      Rule("READ BINARY of EF.CardSecurity", kProtected, kInsReadBinary, sfi(kSfiCardSecurity)),
      Rule("MSE:SET AT (CA, RI)", kProtected, kInsManageSecurityEnvironment, kMseSetAtInternal),
      Rule("GENERAL AUTHENTICATE (CA, RI)", kProtected, kInsGeneralAuthenticate, 0x0000),
  };
  return app;
}

const card::FirewallPolicy& BadgeGatePolicy() {
  static const card::FirewallPolicy* const kPolicy = [] {
    auto* policy = new card::FirewallPolicy(card::JpkiUserAuthenticationPolicy());
    policy->use = "gate card reading (JPKI user authentication, badge)";
    policy->applications.push_back(BadgeApplicationRule());
    return policy;
  }();
  return *kPolicy;
}

}  // namespace sekisho::badge
