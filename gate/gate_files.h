// A gate's data directory (docs/gate.md "Files"): what `sekisho gate register` writes and the gate
// daemon reads. Secrets (the TLS client key, the batch key, K_org) are 0600 files; gate.json holds
// the rest. Nothing in it names a person.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/ed25519.h"
#include "base/result.h"
#include "gate/event.h"
#include "identity/org_key.h"
#include "policy/model.h"

namespace sekisho::gate {

inline constexpr std::string_view kGateConfigFile = "gate.json";
inline constexpr std::string_view kServerCaFile = "server-ca.pem";
inline constexpr std::string_view kClientCertFile = "client.pem";
inline constexpr std::string_view kClientKeyFile = "client.key";
inline constexpr std::string_view kBatchKeyFile = "batch.key";
inline constexpr std::string_view kGateOrgKeyFile = "k_org";

// gate.json.
struct GateConfig {
  std::string server_host;  // what the server's certificate names
  std::uint16_t server_port = 0;
  GateId gate = 0;
  std::string name;
  // The doors this gate drives (the server's door ids).
  std::vector<policy::ObjectId> doors;
  // The organisation's snapshot key: snapshots and deltas must verify with it. Registration
  // pins the server's current key; a key rollover the gate followed (gate/sync_session.h)
  // replaces it.
  Bytes snapshot_public_key;
  // The server's name for the organisation (its data folder), which the rollover chain must
  // name; empty in files written before it was recorded, then taken from the first chain the
  // gate follows.
  std::string organisation;
  friend bool operator==(const GateConfig&, const GateConfig&) = default;
};

// Strict: kInvalidArgument "gate.json: <key>: ..." for a missing or mistyped key, an unknown key,
// gate 0, port 0, a door id 0, or a snapshot key that is not 32 bytes of hex. "organisation" may
// be absent.
Result<GateConfig> ParseGateConfig(std::string_view text);
std::string FormatGateConfig(const GateConfig& config);

// The files of the gate directory `dir`.
class GateFiles {
 public:
  explicit GateFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path Path(std::string_view file) const { return dir_ / file; }

  // gate.json: kNotFound "... run `sekisho gate register`" when absent; ParseGateConfig's errors.
  Result<GateConfig> ReadConfig() const;
  // Writes gate.json (replacing it atomically).
  Status WriteConfig(const GateConfig& config) const;
  // After a key rollover: writes `config` with `key` as the snapshot key and `organisation` as the
  // organisation (WriteConfig: a crash leaves the old file or the new one), then updates
  // `config`; on error `config` and the file are as they were.
  Status SaveSnapshotKey(GateConfig& config, const Ed25519PublicKey& key,
                         std::string_view organisation) const;
  // The batch key (Ed25519 seed, 0600). ReadSecretFile's errors.
  Result<Ed25519PrivateKey> ReadBatchKey() const;
  Status WriteBatchKey(const Ed25519PrivateKey& key) const;
  // K_org (0600): the gate computes pseudonyms of the cards presented to it.
  Result<identity::OrgKey> ReadOrgKey() const;
  Status WriteOrgKey(const identity::OrgKey& key) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace sekisho::gate
