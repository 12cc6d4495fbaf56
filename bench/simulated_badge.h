// A simulated badge (card::sim::BadgeApplet) of a throw-away test organisation, with what a gate
// of that organisation holds to read it, at a fixed date: the set-up the badge's transaction
// model (bench/badge_door_trace.h) and host-side benchmark (bench/badge_bench.cc) share.
#pragma once

#include <memory>

#include "badge/badge_terminal.h"
#include "badge/cv_certificate.h"
#include "badge/eac_session.h"
#include "badge/test_pki.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "base/secret.h"
#include "card/sim/badge_applet.h"

namespace sekisho::bench {

// The batch CAN and the badge PIN the simulated badge is issued with (6 digits each).
inline constexpr char kBadgeCan[] = "123456";
inline constexpr char kBadgePin[] = "246813";

// The card's date: 2026-11-18, 10:00 UTC on its clock.
inline constexpr badge::Date kBadgeToday{std::chrono::year(2026), std::chrono::November,
                                         std::chrono::day(18)};

class SimulatedBadge {
 public:
  // A new organisation (CVCA, DV, a gate terminal with rights::kGate), one issuance batch, one
  // badge with kBadgeCan and kBadgePin trusting the CVCA, and the organisation's RI sector key.
  // The organisation's and the chip's keys come from OpenSSL's generator; the applet's own
  // challenges from a fixed seed. kInternal when any of it cannot be built.
  static Result<std::unique_ptr<SimulatedBadge>> Create();

  card::sim::BadgeApplet& applet() { return *applet_; }
  // The gate's credentials for this badge's organisation and batch.
  const badge::TerminalCredentials& credentials() const { return credentials_; }
  // What ReadIdentifier must return: RI of the chip's key and the sector key (TR-03110-2 §3.5).
  const Bytes& expected_identifier() const { return expected_identifier_; }

  // The password of `kind`: kBadgeCan or kBadgePin.
  static SecretBytes Password(badge::PacePassword kind);

 private:
  SimulatedBadge(badge::testing::TestOrganisation org, badge::EcKeyPair sector);

  FakeClock clock_;
  SeededRandom random_{7};
  badge::testing::TestOrganisation org_;
  badge::EcKeyPair sector_;
  std::unique_ptr<card::sim::BadgeApplet> applet_;
  badge::TerminalCredentials credentials_;
  Bytes expected_identifier_;
};

}  // namespace sekisho::bench
