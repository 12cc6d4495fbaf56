// BuildDemoSite and CreateDemoDataDir: the equivalent of `sekisho init`, `staff add`, `enrol`,
// level assignments, users and gate creation, done through the same libraries.
#include "demo/demo_site_builder.h"

#include <fmt/format.h>

#include "access/anchor_store.h"
#include "access/data_dir.h"
#include "access/enrolment.h"
#include "access/revocation.h"
#include "access/revoked_serials.h"
#include "base/bytes.h"
#include "base/secret.h"
#include "card/sim/sim_channel.h"
#include "demo/demo_cards.h"
#include "identity/pseudonym.h"
#include "store/sqlite/sqlite_registry.h"

namespace sekisho::demo {
namespace {

constexpr std::size_t kMinStaff = 6;
constexpr std::size_t kMinGates = 3;
constexpr std::size_t kPasswordBytes = 9;  // 18 hex digits

std::string NewPassword(Random& random) {
  std::array<std::uint8_t, kPasswordBytes> bytes{};
  random.Fill(bytes);
  return ToHex(ByteView(bytes.data(), bytes.size()));
}

// "aoi.tanaka" from "Aoi Tanaka".
std::string LoginFor(std::string_view name) {
  std::string login;
  for (char c : name) {
    if (c == ' ') {
      login += '.';
    } else if (c >= 'A' && c <= 'Z') {
      login += static_cast<char>(c - 'A' + 'a');
    } else {
      login += c;
    }
  }
  return login;
}

StaffKind KindOf(std::size_t i, std::size_t n) {
  if (i + 2 >= n) return StaffKind::kSecurity;
  if (i + 5 >= n) return StaffKind::kIt;
  return StaffKind::kStaff;
}

Status Assign(site::SiteStore& sites, store::OrganisationId org, store::StaffId staff,
              policy::ObjectId level) {
  return sites.CreateAssignment(org, {.staff = staff, .model = {.level = level}}).status();
}

// The doors the gates drive, in gate order; entrance lanes beyond the second are added.
Result<std::vector<site::Door>> GateDoors(site::SiteStore& sites, store::OrganisationId org,
                                          const site::DemoSite& demo, std::size_t gates) {
  std::vector<site::Door> doors;
  for (policy::ObjectId id :
       {demo.entrance_lane_1, demo.entrance_lane_2, demo.office_door, demo.server_room_door}) {
    if (doors.size() == gates) break;
    ASSIGN_OR_RETURN(site::Door door, sites.GetDoor(org, id));
    doors.push_back(std::move(door));
  }
  for (std::size_t lane = 3; doors.size() < gates; ++lane) {
    ASSIGN_OR_RETURN(site::Door door, sites.GetDoor(org, demo.entrance_lane_1));
    door.name = fmt::format("Entrance gate lane {}", lane);
    door.model.id = policy::kNone;
    door.gate = 0;
    ASSIGN_OR_RETURN(door, sites.CreateDoor(org, door));
    doors.push_back(std::move(door));
  }
  return doors;
}

}  // namespace

std::string_view StaffKindName(StaffKind kind) {
  switch (kind) {
    case StaffKind::kStaff:
      return "Staff";
    case StaffKind::kIt:
      return "IT";
    case StaffKind::kSecurity:
      return "Security";
  }
  return "?";
}

Result<std::size_t> ImportIssuerCrl(server::ServerSite& site, const pki::Crl& crl) {
  ASSIGN_OR_RETURN(const pki::TrustAnchorSet anchors,
                   access::LoadAnchors(site.dir().anchors_dir()));
  const std::filesystem::path path = site.dir().revoked_serials_path(site.org().name);
  ASSIGN_OR_RETURN(access::RevokedSerials state, access::RevokedSerials::Load(path));
  ASSIGN_OR_RETURN(const access::CrlImportOutcome outcome,
                   access::ImportCrl(crl, anchors, site.registry(), site.org().id, site.org_key(),
                                     state, site.clock(), "crl-importer"));
  RETURN_IF_ERROR(state.Save(path));
  RETURN_IF_ERROR(site.FeedAuditLog());
  return outcome.marked;
}

Status CreateDemoDataDir(const std::filesystem::path& root, std::string_view org,
                         const pki::Certificate& anchor, const Clock& clock) {
  ASSIGN_OR_RETURN(const access::DataDir dir, access::DataDir::Create(root));
  ASSIGN_OR_RETURN(auto registry, store::sqlite::SqliteRegistry::Open(dir.registry_path(), clock));
  OsRandom random;
  RETURN_IF_ERROR(dir.CreateOrgFiles(org, random));
  RETURN_IF_ERROR(registry->CreateOrganisation(org, kDemoActor).status());
  return access::AddAnchor(dir.anchors_dir(), anchor, access::AnchorKind::kTest, clock.Now())
      .status();
}

Result<DemoWorld> BuildDemoSite(server::ServerSite& site,
                                std::span<card::sim::SimulatedCard* const> cards,
                                const DemoBuildOptions& options) {
  if (cards.size() < kMinStaff) {
    return InvalidArgumentError(fmt::format("the demo needs at least {} staff", kMinStaff));
  }
  if (options.gates < kMinGates) {
    return InvalidArgumentError(fmt::format("the demo needs at least {} gates", kMinGates));
  }
  const store::OrganisationId org = site.org().id;
  const TimePoint now = site.clock().Now();
  DemoWorld world;
  ASSIGN_OR_RETURN(world.site, site::PopulateDemoSite(site.sites(), org));
  ASSIGN_OR_RETURN(const pki::TrustAnchorSet anchors,
                   access::LoadAnchors(site.dir().anchors_dir()));
  ASSIGN_OR_RETURN(const access::RevokedSerials revoked,
                   access::RevokedSerials::Load(site.dir().revoked_serials_path(site.org().name)));
  const access::EnrolmentEnvironment env{anchors,        &revoked,     site.registry(),
                                         site.org_key(), site.clock(), site.random()};

  for (std::size_t i = 0; i < cards.size(); ++i) {
    store::NewStaff hr;
    hr.staff_ref = store::StaffRef::Generate(site.random());
    hr.staff_number = fmt::format("E-{:04}", 1001 + i);
    hr.display_name = DemoHolderName(i);
    const StaffKind kind = KindOf(i, cards.size());
    hr.department =
        kind == StaffKind::kStaff ? "Policy Planning" : std::string(StaffKindName(kind));
    hr.valid_from = now - std::chrono::hours(24 * 30);
    ASSIGN_OR_RETURN(store::Staff staff, site.registry().AddStaff(org, hr, "hr"));

    card::sim::SimChannel channel(*cards[i]);
    const std::string pin = cards[i]->profile().auth_pin;
    auto enrolled = access::Enrol(
        {.org = org, .staff = staff.id, .actor = "enrol-desk-1"}, channel,
        [&]() -> Result<SecretBytes> { return SecretBytes(pin); }, env);
    if (!enrolled.ok()) {
      return enrolled.status().WithContext(fmt::format("enrolling {}", staff.staff_number));
    }
    if (kind == StaffKind::kSecurity) {
      RETURN_IF_ERROR(Assign(site.sites(), org, staff.id, world.site.security_level));
    } else {
      RETURN_IF_ERROR(Assign(site.sites(), org, staff.id, world.site.staff_level));
      if (kind == StaffKind::kIt) {
        RETURN_IF_ERROR(Assign(site.sites(), org, staff.id, world.site.it_level));
      }
    }
    world.staff.push_back({.staff = std::move(staff),
                           .credential = enrolled->credential.id,
                           .card = i,
                           .kind = kind,
                           .pseudonym = enrolled->display_pseudonym});
  }

  const DemoStaffMember& member = world.staff[world.staff_login_member];
  const std::pair<std::string, server::Role> logins[] = {
      {"admin", server::Role::kSecurityAdmin},
      {"hr.officer", server::Role::kHr},
      {"auditor", server::Role::kAuditor},
      {LoginFor(member.staff.display_name), server::Role::kStaff}};
  for (const auto& [login, role] : logins) {
    DemoUser user{.login = login, .role = role, .password = NewPassword(site.random())};
    server::NewUser new_user{.org = org, .login = login, .role = role};
    if (role == server::Role::kStaff) new_user.staff = member.staff.id;
    RETURN_IF_ERROR(site.users().CreateUser(new_user, user.password).status());
    world.users.push_back(std::move(user));
  }

  ASSIGN_OR_RETURN(std::vector<site::Door> doors,
                   GateDoors(site.sites(), org, world.site, options.gates));
  for (site::Door& door : doors) {
    ASSIGN_OR_RETURN(server::NewGate gate, site.gates().CreateGate(org, door.name));
    door.gate = gate.gate.id;
    RETURN_IF_ERROR(site.sites().UpdateDoor(org, door).status());
    world.gates.push_back({.gate = std::move(gate), .door = door.model.id, .door_name = door.name});
  }
  RETURN_IF_ERROR(site.FeedAuditLog());
  return world;
}

}  // namespace sekisho::demo
