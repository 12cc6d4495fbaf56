// The demo's data: a data directory as `sekisho init` makes it (organisation with K_org, the test
// PKI's auth root as a TEST anchor), then in the opened ServerSite the ministry site, its staff
// with their simulated cards enrolled for real (access::Enrol through a SimChannel), their access
// levels, the console users, and the gates with their doors assigned.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "card/sim/simulated_card.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "server/auth_role.h"
#include "server/gate_store.h"
#include "server/server_site.h"
#include "site/demo_site.h"
#include "store/types.h"

namespace sekisho::demo {

inline constexpr std::string_view kDemoOrganisation = "Ministry of Examples";
inline constexpr std::string_view kDemoActor = "demo";

// Creates the data directory `root` (DataDir::Create: it must not hold one already) with the
// organisation `org` and its key K_org (from OsRandom), and `anchor` as a TEST trust anchor.
// DataDir::Create's, the registry's and AddAnchor's errors.
Status CreateDemoDataDir(const std::filesystem::path& root, std::string_view org,
                         const pki::Certificate& anchor, const Clock& clock);

// Imports the issuer CRL `crl` for the site's organisation (access::ImportCrl with the site's
// anchors, at its clock's time) and saves the keyed serials beside the organisation's files.
// Returns how many credentials it revoked. ImportCrl's, LoadAnchors' and RevokedSerials' errors.
Result<std::size_t> ImportIssuerCrl(server::ServerSite& site, const pki::Crl& crl);

enum class StaffKind { kStaff, kIt, kSecurity };
std::string_view StaffKindName(StaffKind kind);

struct DemoStaffMember {
  store::Staff staff;
  store::CredentialId credential;
  std::size_t card = 0;  // index into the simulated cards
  StaffKind kind = StaffKind::kStaff;
  std::string pseudonym;  // display form
};

struct DemoUser {
  std::string login;
  server::Role role = server::Role::kStaff;
  std::string password;  // generated; printed once by the demo
};

struct DemoGateSpec {
  server::NewGate gate;  // its one-time registration token included
  policy::ObjectId door = policy::kNone;
  std::string door_name;
};

struct DemoWorld {
  site::DemoSite site;
  std::vector<DemoStaffMember> staff;
  std::vector<DemoUser> users;         // admin, hr, auditor, then the staff login
  std::size_t staff_login_member = 0;  // the staff member the staff login belongs to
  std::vector<DemoGateSpec> gates;
};

struct DemoBuildOptions {
  std::size_t gates = 3;
};

// Builds the demo in `site` (opened on a data directory made by CreateDemoDataDir), one staff
// member per card of `cards`, each checked against the imported CRLs, (card i's PIN is
// cards[i]->profile().auth_pin). Staff levels: the last two staff members are Security, the three
// before them IT (with Staff), the rest Staff; the first has the staff login. Gates: lanes 1 and 2,
// the office door, the server room door, then further entrance lanes (new doors) for more gates.
// kInvalidArgument for fewer than 6 cards or fewer than 3 gates; the stores' and enrolment's errors
// otherwise.
Result<DemoWorld> BuildDemoSite(server::ServerSite& site,
                                std::span<card::sim::SimulatedCard* const> cards,
                                const DemoBuildOptions& options);

}  // namespace sekisho::demo
