// GateStore: the server's record of the organisation's gates (door controllers) in its own SQLite
// file, gates.db: registration by one-time token, the mutual-TLS client certificate and batch key
// of each gate, the event chain the server holds of it, and the policy version last published,
// which never goes back (DESIGN.md §6). Schema: docs/formats/sync-protocol.md "Server files".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/random.h"
#include "base/result.h"
#include "gate/batch_verifier.h"
#include "gate/event.h"
#include "store/sqlite/database.h"
#include "store/types.h"

namespace sekisho::server {

inline constexpr std::string_view kGateStoreFile = "gates.db";
// Registration tokens are this many random bytes, shown once as lower-case hex.
inline constexpr std::size_t kRegistrationTokenSize = 32;

enum class GateStatus {
  kPending,  // created, waiting for its registration
  kActive,   // registered: its certificate may connect
  kRevoked,  // refused from now on
};

// "pending", "active", "revoked".
std::string_view GateStatusName(GateStatus status);

struct GateRecord {
  gate::GateId id = 0;
  store::OrganisationId org;
  std::string name;
  GateStatus status = GateStatus::kPending;
  // Lower-case hex SHA-256 of the gate's DER client certificate; set at registration.
  std::optional<std::string> certificate_sha256;
  // The key its event batches are signed with; set at registration.
  std::optional<Ed25519PublicKey> batch_key;
  TimePoint created_at{};
  std::optional<TimePoint> registered_at;
  std::optional<TimePoint> last_seen_at;
  // The events the server holds of this gate (Genesis until the first batch).
  gate::GateChainState chain;
  // The last policy version the gate reported in force (0: none).
  std::uint64_t policy_version = 0;
};

struct NewGate {
  GateRecord gate;
  // The one-time registration token, 64 lower-case hex digits. Only its SHA-256 is stored: show
  // it once, to the person installing the gate.
  std::string token;
};

// The last policy an organisation published (PolicyPublisher), kept so versions never go back
// across a restart.
struct PublishedPolicy {
  std::uint64_t version = 0;  // 0: nothing published yet
  Bytes content_sha256;       // of the published content (PolicyPublisher); empty with version 0
};

// Thread-safe: every call takes an internal lock.
class GateStore {
 public:
  // Opens or creates the store at `path` (Database::Open's errors; Migrate's, among them
  // kFailedPrecondition for a file of a newer sekisho or another application). `clock` stamps
  // the times and `random` draws tokens; both must outlive the store.
  static Result<std::unique_ptr<GateStore>> Open(const std::filesystem::path& path,
                                                 const Clock& clock, Random& random);
  ~GateStore();
  GateStore(const GateStore&) = delete;
  GateStore& operator=(const GateStore&) = delete;

  // A new pending gate of `org` named `name` (1-100 characters) and its registration token.
  // Gate ids start at 1, are never reused and fit 32 bits. kInvalidArgument for a bad name.
  Result<NewGate> CreateGate(store::OrganisationId org, std::string_view name);

  // Registers the pending gate whose token is `token`, binding the certificate fingerprint
  // (64 lower-case hex digits) and batch key; the gate becomes active and the token is used up.
  // kUnauthenticated "unknown or used registration token" for any token that does not name a
  // pending gate (compared in constant time; a malformed token is refused the same way);
  // kInvalidArgument for a malformed fingerprint; kAlreadyExists when another gate has that
  // certificate.
  Result<GateRecord> Register(std::string_view token, std::string_view certificate_sha256,
                              const Ed25519PublicKey& batch_key);

  // kNotFound when no gate has that certificate (or the gate). Revoked gates are returned too:
  // the caller refuses them.
  Result<GateRecord> FindByCertificate(std::string_view certificate_sha256);
  Result<GateRecord> Get(gate::GateId gate);
  // The gates of `org` in id order.
  Result<std::vector<GateRecord>> List(store::OrganisationId org);

  // The gate's certificate is refused from now on. Revoking twice is OK. kNotFound.
  Status Revoke(gate::GateId gate);

  // Stores the chain the server now holds of `state.gate`, synced to disk (the audit log has the
  // events by then). kNotFound; kInvalidArgument when the state goes back (a lower next
  // sequence).
  Status SaveChainState(const gate::GateChainState& state);
  Status SetLastSeen(gate::GateId gate, TimePoint at);
  // The policy version the gate reported in force. kNotFound.
  Status SetPolicyVersion(gate::GateId gate, std::uint64_t version);

  // The organisation's last published policy ({0, empty} before the first).
  Result<PublishedPolicy> GetPublishedPolicy(store::OrganisationId org);
  // Stores it, synced. kFailedPrecondition when `policy.version` is below the stored one; the
  // same version is stored again only with the same content hash.
  Status SetPublishedPolicy(store::OrganisationId org, const PublishedPolicy& policy);

 private:
  GateStore(std::unique_ptr<store::sqlite::Database> db, const Clock& clock, Random& random)
      : db_(std::move(db)), clock_(clock), random_(random) {}
  // The one gate `where` (with one parameter, bound by `bind`) selects; kNotFound "WHAT does
  // not exist". Called with mutex_ held.
  Result<GateRecord> QueryOne(std::string_view where,
                              const std::function<void(store::sqlite::Statement&)>& bind,
                              std::string_view what);

  std::mutex mutex_;
  std::unique_ptr<store::sqlite::Database> db_;
  const Clock& clock_;
  Random& random_;
};

}  // namespace sekisho::server
