#include "bench/simulated_badge.h"

#include <string_view>
#include <utility>

#include "badge/ec_key.h"
#include "card/sim/badge_profile.h"

namespace sekisho::bench {

SimulatedBadge::SimulatedBadge(badge::testing::TestOrganisation org, badge::EcKeyPair sector)
    : clock_(std::chrono::sys_days(kBadgeToday) + std::chrono::hours(10)),
      org_(std::move(org)),
      sector_(std::move(sector)) {}

Result<std::unique_ptr<SimulatedBadge>> SimulatedBadge::Create() {
  auto sector = badge::GenerateEcKeyPair();
  if (!sector.ok()) return InternalError("sector key: " + sector.status().ToString());
  std::unique_ptr<SimulatedBadge> b(new SimulatedBadge(
      badge::testing::MakeTestOrganisation("SEKI", kBadgeToday), std::move(sector).value()));

  auto batch = card::sim::NewBadgeBatch(kBadgeCan);
  if (!batch.ok()) return InternalError("badge batch: " + batch.status().ToString());
  auto profile = card::sim::NewBadgeProfile(*batch, b->org_.cvca.der(), kBadgePin);
  if (!profile.ok()) return InternalError("badge profile: " + profile.status().ToString());
  auto identifier = badge::RestrictedIdentifier(profile->ri_private_pkcs8, b->sector_.public_point);
  if (!identifier.ok()) return InternalError("RI identifier: " + identifier.status().ToString());
  b->expected_identifier_ = std::move(identifier).value();
  auto applet = card::sim::BadgeApplet::Create(std::move(profile).value(), b->clock_, b->random_);
  if (!applet.ok()) return InternalError("badge applet: " + applet.status().ToString());
  b->applet_ = std::move(applet).value();

  b->credentials_.dv_certificate = b->org_.dv.der();
  b->credentials_.terminal_certificate = b->org_.terminal.der();
  b->credentials_.terminal_private_pkcs8 = SecretBytes(b->org_.terminal_key.private_pkcs8.view());
  b->credentials_.trusted_chip_keys = {batch->ca_public_point};
  b->credentials_.sector_public_point = b->sector_.public_point;
  return b;
}

SecretBytes SimulatedBadge::Password(badge::PacePassword kind) {
  return SecretBytes(std::string_view(kind == badge::PacePassword::kPin ? kBadgePin : kBadgeCan));
}

}  // namespace sekisho::bench
