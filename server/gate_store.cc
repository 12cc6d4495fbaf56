#include "server/gate_store.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <span>
#include <utility>

#include "base/digest.h"
#include "store/sqlite/migrations.h"

namespace sekisho::server {
namespace {

using store::sqlite::Database;
using store::sqlite::Migration;
using store::sqlite::Statement;
using store::sqlite::Transaction;

// docs/formats/sync-protocol.md "Server files". Times are Unix milliseconds.
constexpr std::string_view kGatesV1 = R"sql(
PRAGMA application_id = 1397050185;  -- "SEKI", store/sqlite/migrations.h kApplicationId

CREATE TABLE gates (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT CHECK (id BETWEEN 1 AND 4294967295),
  org_id             INTEGER NOT NULL,
  name               TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  status             TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
  token_sha256       BLOB CHECK (token_sha256 IS NULL OR length(token_sha256) = 32),
  certificate_sha256 TEXT UNIQUE CHECK (certificate_sha256 IS NULL OR
                                        length(certificate_sha256) = 64),
  batch_key          BLOB CHECK (batch_key IS NULL OR length(batch_key) = 32),
  created_at         INTEGER NOT NULL,
  registered_at      INTEGER,
  last_seen_at       INTEGER,
  next_sequence      INTEGER NOT NULL CHECK (next_sequence >= 1),
  chain_head         BLOB NOT NULL CHECK (length(chain_head) = 32),
  policy_version     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX gates_org ON gates (org_id, id);

CREATE TABLE published_policy (
  org_id         INTEGER PRIMARY KEY,
  version        INTEGER NOT NULL CHECK (version >= 1),
  content_sha256 BLOB NOT NULL CHECK (length(content_sha256) = 32)
) STRICT;
)sql";

constexpr Migration kGatesMigrations[] = {
    {1, "gates and published policy versions", kGatesV1},
};

constexpr std::string_view kGatesColumns =
    "id, org_id, name, status, certificate_sha256, batch_key, created_at, registered_at, "
    "last_seen_at, next_sequence, chain_head, policy_version";

std::int64_t Millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint FromMillis(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }
std::int64_t AsInt(std::uint64_t v) { return static_cast<std::int64_t>(v); }

Result<GateStatus> ParseStatus(std::string_view text) {
  for (GateStatus s : {GateStatus::kPending, GateStatus::kActive, GateStatus::kRevoked}) {
    if (GateStatusName(s) == text) return s;
  }
  return DataLossError("gate store: unknown gate status '" + std::string(text) + "'");
}

bool IsLowerHex(std::string_view text, std::size_t size) {
  return text.size() == size && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status CheckFingerprint(std::string_view sha256) {
  if (!IsLowerHex(sha256, 2 * kSha256Size)) {
    return InvalidArgumentError(
        "a certificate fingerprint is 64 lower-case hex digits (SHA-256 of the DER certificate)");
  }
  return OkStatus();
}

Result<GateRecord> ReadRecord(const Statement& row) {
  GateRecord gate;
  gate.id = static_cast<gate::GateId>(row.ColumnInt(0));
  gate.org = store::OrganisationId(row.ColumnInt(1));
  gate.name = row.ColumnText(2);
  ASSIGN_OR_RETURN(gate.status, ParseStatus(row.ColumnText(3)));
  if (!row.IsNull(4)) gate.certificate_sha256 = row.ColumnText(4);
  if (!row.IsNull(5)) {
    auto key = Ed25519PublicKey::FromBytes(row.ColumnBlob(5));
    if (!key.ok())
      return DataLossError("gate store: gate " + std::to_string(gate.id) +
                           ": stored batch key: " + key.status().message());
    gate.batch_key = std::move(key).value();
  }
  gate.created_at = FromMillis(row.ColumnInt(6));
  if (!row.IsNull(7)) gate.registered_at = FromMillis(row.ColumnInt(7));
  if (!row.IsNull(8)) gate.last_seen_at = FromMillis(row.ColumnInt(8));
  gate.chain.gate = gate.id;
  gate.chain.next_sequence = static_cast<std::uint64_t>(row.ColumnInt(9));
  ASSIGN_OR_RETURN(
      gate.chain.head,
      gate::ChainHashFromBytes(row.ColumnBlob(10), "gate store: gate " + std::to_string(gate.id)));
  gate.policy_version = static_cast<std::uint64_t>(row.ColumnInt(11));
  return gate;
}

}  // namespace

std::string_view GateStatusName(GateStatus status) {
  switch (status) {
    case GateStatus::kPending:
      return "pending";
    case GateStatus::kActive:
      return "active";
    case GateStatus::kRevoked:
      return "revoked";
  }
  return "unknown";
}

GateStore::~GateStore() = default;

Result<std::unique_ptr<GateStore>> GateStore::Open(const std::filesystem::path& path,
                                                   const Clock& clock, Random& random) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path));
  RETURN_IF_ERROR(store::sqlite::Migrate(*db,
                                         kGatesMigrations[std::size(kGatesMigrations) - 1].version,
                                         kGatesMigrations)
                      .WithContext("gate store " + path.string()));
  return std::unique_ptr<GateStore>(new GateStore(std::move(db), clock, random));
}

Result<NewGate> GateStore::CreateGate(store::OrganisationId org, std::string_view name) {
  if (name.empty() || name.size() > 100) {
    return InvalidArgumentError("gate name: 1 to 100 characters, got " +
                                std::to_string(name.size()));
  }
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return std::iscntrl(static_cast<unsigned char>(c)) != 0; })) {
    return InvalidArgumentError("gate name: control characters are not allowed");
  }
  Bytes token(kRegistrationTokenSize);
  random_.Fill(token);
  NewGate created;
  created.token = ToHex(token);
  std::transform(created.token.begin(), created.token.end(), created.token.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  const Bytes token_sha256 = Sha256(token);
  OPENSSL_cleanse(token.data(), token.size());
  const TimePoint now = clock_.Now();

  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(*db_, Transaction::Durability::kSync));
  {
    ASSIGN_OR_RETURN(Statement insert,
                     db_->Prepare("INSERT INTO gates (org_id, name, status, token_sha256, "
                                  "created_at, next_sequence, chain_head) "
                                  "VALUES (?, ?, 'pending', ?, ?, 1, zeroblob(32))"));
    insert.BindInt(1, org.value())
        .BindText(2, name)
        .BindBlob(3, token_sha256)
        .BindInt(4, Millis(now));
    RETURN_IF_ERROR(insert.Run().WithContext("creating gate"));
  }
  const std::int64_t id = db_->LastInsertRowId();
  if (id < 1 || id > std::numeric_limits<gate::GateId>::max()) {
    return InternalError("gate store: gate id " + std::to_string(id) + " out of range");
  }
  const gate::GateChainState genesis = gate::GateChainState::Genesis(static_cast<gate::GateId>(id));
  {
    ASSIGN_OR_RETURN(Statement update,
                     db_->Prepare("UPDATE gates SET chain_head = ? WHERE id = ?"));
    update.BindBlob(1, genesis.head).BindInt(2, id);
    RETURN_IF_ERROR(update.Run().WithContext("creating gate"));
  }
  RETURN_IF_ERROR(transaction.Commit().WithContext("creating gate"));
  created.gate.id = genesis.gate;
  created.gate.org = org;
  created.gate.name = std::string(name);
  created.gate.status = GateStatus::kPending;
  created.gate.created_at = FromMillis(Millis(now));
  created.gate.chain = genesis;
  return created;
}

Result<GateRecord> GateStore::Register(std::string_view token, std::string_view certificate_sha256,
                                       const Ed25519PublicKey& batch_key) {
  RETURN_IF_ERROR(CheckFingerprint(certificate_sha256));
  const Status unknown = UnauthenticatedError("unknown or used registration token");
  std::string lower(token);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  if (!IsLowerHex(lower, 2 * kRegistrationTokenSize)) return unknown;
  auto token_bytes = FromHex(lower);
  if (!token_bytes.ok()) return unknown;
  const Bytes token_sha256 = Sha256(*token_bytes);
  OPENSSL_cleanse(token_bytes->data(), token_bytes->size());
  OPENSSL_cleanse(lower.data(), lower.size());

  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(*db_, Transaction::Durability::kSync));
  // Every pending token is compared, whole and in constant time, so neither the time taken nor
  // an index lookup tells how much of a guess was right.
  std::int64_t match = 0;
  {
    ASSIGN_OR_RETURN(Statement pending,
                     db_->Prepare("SELECT id, token_sha256 FROM gates "
                                  "WHERE status = 'pending' AND token_sha256 IS NOT NULL"));
    while (true) {
      ASSIGN_OR_RETURN(const bool row, pending.Step());
      if (!row) break;
      const Bytes stored = pending.ColumnBlob(1);
      if (stored.size() == token_sha256.size() &&
          CRYPTO_memcmp(stored.data(), token_sha256.data(), stored.size()) == 0) {
        match = pending.ColumnInt(0);
      }
    }
  }
  if (match == 0) return unknown;
  {
    ASSIGN_OR_RETURN(Statement taken,
                     db_->Prepare("SELECT id FROM gates WHERE certificate_sha256 = ?"));
    taken.BindText(1, certificate_sha256);
    ASSIGN_OR_RETURN(const bool row, taken.Step());
    if (row) {
      return AlreadyExistsError("gate " + std::to_string(taken.ColumnInt(0)) +
                                " is registered with this certificate already");
    }
  }
  {
    ASSIGN_OR_RETURN(Statement update,
                     db_->Prepare("UPDATE gates SET status = 'active', token_sha256 = NULL, "
                                  "certificate_sha256 = ?, batch_key = ?, registered_at = ? "
                                  "WHERE id = ?"));
    update.BindText(1, certificate_sha256)
        .BindBlob(2, batch_key.bytes())
        .BindInt(3, Millis(clock_.Now()))
        .BindInt(4, match);
    RETURN_IF_ERROR(update.Run().WithContext("registering gate " + std::to_string(match)));
  }
  RETURN_IF_ERROR(transaction.Commit().WithContext("registering gate " + std::to_string(match)));
  return QueryOne(
      "id = ?", [&](Statement& q) { q.BindInt(1, match); }, "gate " + std::to_string(match));
}

Result<GateRecord> GateStore::QueryOne(std::string_view where,
                                       const std::function<void(Statement&)>& bind,
                                       std::string_view what) {
  ASSIGN_OR_RETURN(Statement query, db_->Prepare("SELECT " + std::string(kGatesColumns) +
                                                 " FROM gates WHERE " + std::string(where)));
  bind(query);
  ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return NotFoundError(std::string(what) + " does not exist");
  return ReadRecord(query);
}

Result<GateRecord> GateStore::FindByCertificate(std::string_view certificate_sha256) {
  RETURN_IF_ERROR(CheckFingerprint(certificate_sha256));
  std::lock_guard lock(mutex_);
  return QueryOne(
      "certificate_sha256 = ?", [&](Statement& q) { q.BindText(1, certificate_sha256); },
      "a gate with this client certificate");
}

Result<GateRecord> GateStore::Get(gate::GateId gate) {
  std::lock_guard lock(mutex_);
  return QueryOne(
      "id = ?", [&](Statement& q) { q.BindInt(1, gate); }, "gate " + std::to_string(gate));
}

Result<std::vector<GateRecord>> GateStore::List(store::OrganisationId org) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Statement query, db_->Prepare("SELECT " + std::string(kGatesColumns) +
                                                 " FROM gates WHERE org_id = ? ORDER BY id"));
  query.BindInt(1, org.value());
  std::vector<GateRecord> gates;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, query.Step());
    if (!row) return gates;
    ASSIGN_OR_RETURN(GateRecord gate, ReadRecord(query));
    gates.push_back(std::move(gate));
  }
}

Status GateStore::Revoke(gate::GateId gate) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(*db_, Transaction::Durability::kSync));
  ASSIGN_OR_RETURN(Statement update,
                   db_->Prepare("UPDATE gates SET status = 'revoked', token_sha256 = NULL "
                                "WHERE id = ?"));
  update.BindInt(1, gate);
  RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) return NotFoundError("gate " + std::to_string(gate) + " does not exist");
  return transaction.Commit();
}

Status GateStore::SaveChainState(const gate::GateChainState& state) {
  std::lock_guard lock(mutex_);
  const std::string what = "gate " + std::to_string(state.gate);
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(*db_, Transaction::Durability::kSync));
  {
    ASSIGN_OR_RETURN(Statement current,
                     db_->Prepare("SELECT next_sequence FROM gates WHERE id = ?"));
    current.BindInt(1, state.gate);
    ASSIGN_OR_RETURN(const bool row, current.Step());
    if (!row) return NotFoundError(what + " does not exist");
    if (static_cast<std::uint64_t>(current.ColumnInt(0)) > state.next_sequence) {
      return InvalidArgumentError(what + ": the chain state would go back from sequence " +
                                  std::to_string(current.ColumnInt(0)) + " to " +
                                  std::to_string(state.next_sequence));
    }
  }
  ASSIGN_OR_RETURN(Statement update,
                   db_->Prepare("UPDATE gates SET next_sequence = ?, chain_head = ? WHERE id = ?"));
  update.BindInt(1, AsInt(state.next_sequence)).BindBlob(2, state.head).BindInt(3, state.gate);
  RETURN_IF_ERROR(update.Run().WithContext(what));
  return transaction.Commit().WithContext(what);
}

Status GateStore::SetLastSeen(gate::GateId gate, TimePoint at) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Statement update,
                   db_->Prepare("UPDATE gates SET last_seen_at = ? WHERE id = ?"));
  update.BindInt(1, Millis(at)).BindInt(2, gate);
  RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) return NotFoundError("gate " + std::to_string(gate) + " does not exist");
  return OkStatus();
}

Status GateStore::SetPolicyVersion(gate::GateId gate, std::uint64_t version) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Statement update,
                   db_->Prepare("UPDATE gates SET policy_version = ? WHERE id = ?"));
  update.BindInt(1, AsInt(version)).BindInt(2, gate);
  RETURN_IF_ERROR(update.Run());
  if (db_->Changes() == 0) return NotFoundError("gate " + std::to_string(gate) + " does not exist");
  return OkStatus();
}

Result<PublishedPolicy> GateStore::GetPublishedPolicy(store::OrganisationId org) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Statement query, db_->Prepare("SELECT version, content_sha256 FROM "
                                                 "published_policy WHERE org_id = ?"));
  query.BindInt(1, org.value());
  ASSIGN_OR_RETURN(const bool row, query.Step());
  if (!row) return PublishedPolicy{};
  return PublishedPolicy{static_cast<std::uint64_t>(query.ColumnInt(0)), query.ColumnBlob(1)};
}

Status GateStore::SetPublishedPolicy(store::OrganisationId org, const PublishedPolicy& policy) {
  if (policy.version == 0 || policy.content_sha256.size() != kSha256Size) {
    return InvalidArgumentError("published policy: version >= 1 and a 32-byte content hash");
  }
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(Transaction transaction,
                   Transaction::Begin(*db_, Transaction::Durability::kSync));
  {
    ASSIGN_OR_RETURN(Statement query, db_->Prepare("SELECT version, content_sha256 FROM "
                                                   "published_policy WHERE org_id = ?"));
    query.BindInt(1, org.value());
    ASSIGN_OR_RETURN(const bool row, query.Step());
    if (row) {
      const auto stored = static_cast<std::uint64_t>(query.ColumnInt(0));
      if (policy.version < stored ||
          (policy.version == stored && query.ColumnBlob(1) != policy.content_sha256)) {
        return FailedPreconditionError("policy version " + std::to_string(policy.version) +
                                       " would not advance the " + "published version " +
                                       std::to_string(stored) + ": gates refuse older versions");
      }
    }
  }
  ASSIGN_OR_RETURN(Statement upsert,
                   db_->Prepare("INSERT INTO published_policy (org_id, version, content_sha256) "
                                "VALUES (?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET "
                                "version = excluded.version, "
                                "content_sha256 = excluded.content_sha256"));
  upsert.BindInt(1, org.value())
      .BindInt(2, AsInt(policy.version))
      .BindBlob(3, policy.content_sha256);
  RETURN_IF_ERROR(upsert.Run());
  return transaction.Commit();
}

}  // namespace sekisho::server
