// ServerSite: everything a server of one organisation opens in its data directory (docs/formats/
// data-directory.md "Server files"): the registry, K_org, the audit log and its checkpoint key, the
// site store, the gate store, the door events' index, the users, the erasure requests, the snapshot
// signing key (with its rollover chain) and the server's TLS certificate authority. The TLS files
// and the snapshot key are created on first use.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "access/data_dir.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/folder_lock.h"
#include "base/random.h"
#include "identity/org_key.h"
#include "net/certificate_authority.h"
#include "server/auth_user_store.h"
#include "server/erasure_requests.h"
#include "server/event_index.h"
#include "server/gate_store.h"
#include "server/locked_audit_log.h"
#include "server/snapshot_keys.h"
#include "site/site_store.h"
#include "store/sqlite/sqlite_registry.h"

namespace sekisho::server {

inline constexpr std::string_view kTlsDir = "tls";
inline constexpr std::string_view kCaCertFile = "ca.pem";
inline constexpr std::string_view kCaKeyFile = "ca.key";
inline constexpr std::string_view kServerCertFile = "server.pem";
inline constexpr std::string_view kServerKeyFile = "server.key";
inline constexpr std::string_view kGatesFile = "gates.db";

// Creates tls/ (0700) in `root` with the server's own CA and a server certificate for
// `names` (DNS names and IP addresses), unless tls/ca.pem exists already. Returns true when it
// made them. The keys are 0600 files. kUnavailable on I/O errors.
Result<bool> EnsureServerCertificates(const std::filesystem::path& root,
                                      const std::vector<std::string>& names = {"localhost",
                                                                               "127.0.0.1"});

struct ServerSiteOptions {
  // Argon2id parameters of new password hashes (tests use cheaper ones).
  PasswordHashParams password_params = ProductPasswordParams();
};

class ServerSite {
 public:
  // Opens the data directory `root` for the organisation `org` (nullopt: the only one), holding
  // the organisation folder's lock shared until destroyed (server/snapshot_keys.h). Errors:
  // DataDir::Open's; kNotFound / kInvalidArgument for the organisation as `sekisho staff`
  // reports them; kFailedPrecondition while a snapshot key rotation runs or after one stopped
  // half-way; LoadSnapshotKeys's; the stores' and key files' errors, each naming its file.
  static Result<std::unique_ptr<ServerSite>> Open(const std::filesystem::path& root,
                                                  const std::optional<std::string>& org,
                                                  const Clock& clock, Random& random,
                                                  const ServerSiteOptions& options = {});

  // Appends the registry's admin events the audit log does not hold yet (access/audit_feed.h).
  Status FeedAuditLog();
  // Brings the event index up to date with the audit log, indexing the events of this
  // organisation's gates only; returns the events added (EventIndex::CatchUp, and its errors).
  Result<std::vector<IndexedEvent>> IndexEvents();

  const access::DataDir& dir() const { return dir_; }
  const store::Organisation& org() const { return org_; }
  store::sqlite::SqliteRegistry& registry() { return *registry_; }
  const identity::OrgKey& org_key() const { return *org_key_; }
  LockedAuditLog& audit_log() { return *audit_log_; }
  // The key that signs the audit log's checkpoints (audit-key).
  const Ed25519PrivateKey& audit_key() const { return *audit_key_; }
  // The door events' index, events.db in the organisation's folder (derived from the audit log).
  EventIndex& events() { return *events_; }
  site::SiteStore& sites() { return *sites_; }
  GateStore& gates() { return *gates_; }
  UserStore& users() { return *users_; }
  // Erasure requests, erasures.db in the organisation's folder.
  ErasureRequestStore& erasures() { return *erasures_; }
  const Ed25519PrivateKey& snapshot_key() const { return *snapshot_key_; }
  // The rollover chain that leads gates from earlier snapshot keys to snapshot_key(); none before
  // the key was first rotated (server/snapshot_keys.h).
  const std::optional<sync::KeyChain>& snapshot_key_chain() const { return snapshot_key_chain_; }
  // The organisation's folder name under orgs/ (its slug), which the chain names.
  const std::string& organisation_slug() const { return organisation_slug_; }
  const net::CertifiedKey& ca() const { return ca_; }
  std::filesystem::path tls_path(std::string_view file) const {
    return dir_.root() / kTlsDir / file;
  }
  const Clock& clock() const { return clock_; }
  Random& random() { return random_; }

 private:
  ServerSite(access::DataDir dir, const Clock& clock, Random& random)
      : dir_(std::move(dir)), clock_(clock), random_(random) {}

  access::DataDir dir_;
  const Clock& clock_;
  Random& random_;
  std::unique_ptr<store::sqlite::SqliteRegistry> registry_;
  store::Organisation org_;
  std::optional<identity::OrgKey> org_key_;
  std::optional<FolderLock> log_lock_;  // shared, while open
  std::unique_ptr<LockedAuditLog> audit_log_;
  std::optional<Ed25519PrivateKey> audit_key_;
  std::unique_ptr<EventIndex> events_;
  std::unique_ptr<site::SiteStore> sites_;
  std::unique_ptr<GateStore> gates_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<ErasureRequestStore> erasures_;
  std::optional<FolderLock> org_lock_;  // shared, while open
  std::string organisation_slug_;
  std::optional<Ed25519PrivateKey> snapshot_key_;
  std::optional<sync::KeyChain> snapshot_key_chain_;
  net::CertifiedKey ca_;
};

}  // namespace sekisho::server
