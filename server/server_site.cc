#include "server/server_site.h"

#include <sys/stat.h>

#include "access/audit_feed.h"
#include "audit/log_directory.h"
#include "base/secret_file.h"
#include "pki/file_io.h"
#include "server/snapshot_keys.h"
#include "server/tls_files.h"

namespace sekisho::server {

Result<bool> EnsureServerCertificates(const std::filesystem::path& root,
                                      const std::vector<std::string>& names) {
  const std::filesystem::path tls = root / kTlsDir;
  std::error_code ec;
  if (std::filesystem::exists(tls / kCaCertFile, ec)) return false;
  std::filesystem::create_directories(tls, ec);
  if (ec) return UnavailableError("cannot create " + tls.string() + ": " + ec.message());
  ::chmod(tls.c_str(), 0700);
  ASSIGN_OR_RETURN(
      net::CertifiedKey ca,
      net::CreateCertificateAuthority("Sekisho server CA", std::chrono::hours(24 * 365 * 10)));
  ASSIGN_OR_RETURN(net::CertifiedKey server, net::IssueServerCertificate(ca, names));
  RETURN_IF_ERROR(WriteSecretFile(tls / kCaKeyFile, ca.key_pem.view(), kCaKeyKind));
  RETURN_IF_ERROR(WriteSecretFile(tls / kServerKeyFile, server.key_pem.view(), kServerKeyKind));
  RETURN_IF_ERROR(pki::WriteFileAtomically(tls / kServerCertFile, server.cert_pem, 0644));
  // Last: its presence says the set is complete.
  RETURN_IF_ERROR(pki::WriteFileAtomically(tls / kCaCertFile, ca.cert_pem, 0644));
  return true;
}

Result<std::unique_ptr<ServerSite>> ServerSite::Open(const std::filesystem::path& root,
                                                     const std::optional<std::string>& org,
                                                     const Clock& clock, Random& random,
                                                     const ServerSiteOptions& options) {
  ASSIGN_OR_RETURN(access::DataDir dir, access::DataDir::Open(root));
  std::unique_ptr<ServerSite> site(new ServerSite(std::move(dir), clock, random));
  const access::DataDir& d = site->dir_;
  store::sqlite::SqliteRegistry::Options registry_options;
  registry_options.database.busy_timeout = d.config().busy_timeout;
  auto registry = store::sqlite::SqliteRegistry::Open(d.registry_path(), clock, registry_options);
  if (!registry.ok()) return registry.status().WithContext(d.registry_path().string());
  site->registry_ = std::move(registry).value();

  if (org) {
    auto found = site->registry_->FindOrganisationByName(*org);
    if (!found.ok()) return found.status().WithContext("organisation '" + *org + "'");
    site->org_ = std::move(found).value();
  } else {
    ASSIGN_OR_RETURN(const std::vector<store::Organisation> orgs,
                     site->registry_->ListOrganisations());
    if (orgs.empty()) {
      return FailedPreconditionError("the data directory " + root.string() +
                                     " has no organisation yet; create one with `sekisho init "
                                     "--org NAME`");
    }
    if (orgs.size() > 1) {
      return InvalidArgumentError("the data directory " + root.string() +
                                  " holds several organisations; name one with --org");
    }
    site->org_ = orgs.front();
  }
  ASSIGN_OR_RETURN(identity::OrgKey k_org, d.LoadOrgKey(site->org_.name));
  site->org_key_.emplace(std::move(k_org));

  // Held while the site is open: the checkpoint key is not rotated under it.
  ASSIGN_OR_RETURN(FolderLock log_lock,
                   audit::LockLogDirectory(d.root(), FolderLock::Mode::kShared));
  site->log_lock_.emplace(std::move(log_lock));
  audit::AuditLog::Options audit_options;
  audit_options.database.busy_timeout = d.config().busy_timeout;
  ASSIGN_OR_RETURN(std::unique_ptr<audit::AuditLog> log,
                   audit::OpenLogInDirectory(d.root(), random, clock, audit_options));
  site->audit_log_ = std::make_unique<LockedAuditLog>(std::move(log));
  ASSIGN_OR_RETURN(Ed25519PrivateKey audit_key, audit::LoadLogKey(d.root(), random));
  site->audit_key_.emplace(std::move(audit_key));

  const std::filesystem::path org_dir = d.org_dir(site->org_.name);
  auto sites = site::SiteStore::Open(org_dir / site::kSiteFile);
  if (!sites.ok()) return sites.status().WithContext((org_dir / site::kSiteFile).string());
  site->sites_ = std::move(sites).value();
  auto gates = GateStore::Open(org_dir / kGatesFile, clock, random);
  if (!gates.ok()) return gates.status().WithContext((org_dir / kGatesFile).string());
  site->gates_ = std::move(gates).value();
  auto events = EventIndex::Open(org_dir / kEventIndexFile);
  if (!events.ok()) return events.status().WithContext((org_dir / kEventIndexFile).string());
  site->events_ = std::move(events).value();
  auto users = UserStore::Open(org_dir / kUserStoreFileName, clock, options.password_params);
  if (!users.ok()) return users.status().WithContext((org_dir / kUserStoreFileName).string());
  site->users_ = std::move(users).value();
  auto erasures = ErasureRequestStore::Open(org_dir / kErasureRequestFileName, clock);
  if (!erasures.ok()) {
    return erasures.status().WithContext((org_dir / kErasureRequestFileName).string());
  }
  site->erasures_ = std::move(erasures).value();
  // Held while the site is open: the snapshot key is not rotated under it.
  ASSIGN_OR_RETURN(FolderLock lock, LockOrgFolder(org_dir, FolderLock::Mode::kShared));
  site->org_lock_.emplace(std::move(lock));
  site->organisation_slug_ = org_dir.filename().string();
  ASSIGN_OR_RETURN(SnapshotKeys snapshot_keys,
                   LoadSnapshotKeys(org_dir, site->organisation_slug_, random));
  site->snapshot_key_.emplace(std::move(snapshot_keys.key));
  site->snapshot_key_chain_ = std::move(snapshot_keys.chain);

  RETURN_IF_ERROR(EnsureServerCertificates(d.root()).status());
  ASSIGN_OR_RETURN(site->ca_.cert_pem, pki::ReadSmallFile(site->tls_path(kCaCertFile)));
  ASSIGN_OR_RETURN(site->ca_.key_pem, ReadPemSecret(site->tls_path(kCaKeyFile), kCaKeyKind));
  return site;
}

Status ServerSite::FeedAuditLog() {
  return audit_log_
      ->With([&](audit::AuditLog& log) { return access::FeedAdminEvents(*registry_, log); })
      .status();
}

Result<std::vector<IndexedEvent>> ServerSite::IndexEvents() {
  const store::OrganisationId org = org_.id;
  return events_->CatchUp(*audit_log_, [this, org](gate::GateId id) -> Result<bool> {
    Result<GateRecord> gate = gates_->Get(id);
    if (gate.ok()) return gate->org == org;
    if (gate.status().code() == StatusCode::kNotFound) return false;
    return gate.status();
  });
}

}  // namespace sekisho::server
