#include "gate/gate_files.h"

#include <nlohmann/json.hpp>

#include "access/org_key_file.h"
#include "base/secret_file.h"
#include "pki/file_io.h"

namespace sekisho::gate {
namespace {

using nlohmann::json;

constexpr SecretFileKind kBatchKeyKind{
    .name = "gate batch key file",
    .secret = "an Ed25519 seed",
    .why_never_replaced = "the server knows this gate by its public key",
    .exposure = "whoever reads it can sign event batches as this gate",
    .when_missing = "run `sekisho gate register`"};

Status ConfigError(std::string_view key, std::string_view why) {
  return InvalidArgumentError("gate.json: " + std::string(key) + ": " + std::string(why));
}

}  // namespace

Result<GateConfig> ParseGateConfig(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return ConfigError("(file)", "not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "server_host" && key != "server_port" && key != "gate" && key != "name" &&
        key != "doors" && key != "snapshot_public_key" && key != "organisation") {
      return ConfigError(key, "unknown key");
    }
  }
  GateConfig config;
  auto string_at = [&](const char* key, std::string& out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return ConfigError(key, "expected a string");
    out = it->get<std::string>();
    return OkStatus();
  };
  RETURN_IF_ERROR(string_at("server_host", config.server_host));
  RETURN_IF_ERROR(string_at("name", config.name));
  auto port = j.find("server_port");
  if (port == j.end() || !port->is_number_unsigned() || port->get<std::uint64_t>() == 0 ||
      port->get<std::uint64_t>() > 65535) {
    return ConfigError("server_port", "expected a port number 1..65535");
  }
  config.server_port = static_cast<std::uint16_t>(port->get<std::uint64_t>());
  auto gate = j.find("gate");
  if (gate == j.end() || !gate->is_number_unsigned() || gate->get<std::uint64_t>() == 0 ||
      gate->get<std::uint64_t>() > 0xFFFFFFFFu) {
    return ConfigError("gate", "expected a gate id 1..4294967295");
  }
  config.gate = static_cast<GateId>(gate->get<std::uint64_t>());
  auto doors = j.find("doors");
  if (doors == j.end() || !doors->is_array()) return ConfigError("doors", "expected an array");
  for (const json& door : *doors) {
    if (!door.is_number_unsigned() || door.get<std::uint64_t>() == 0 ||
        door.get<std::uint64_t>() > 0xFFFFFFFFu) {
      return ConfigError("doors", "expected door ids 1..4294967295");
    }
    config.doors.push_back(static_cast<policy::ObjectId>(door.get<std::uint64_t>()));
  }
  std::string key_hex;
  RETURN_IF_ERROR(string_at("snapshot_public_key", key_hex));
  Result<Bytes> key = FromHex(key_hex);
  if (!key.ok() || key->size() != 32) {
    return ConfigError("snapshot_public_key", "expected 32 bytes in hex");
  }
  config.snapshot_public_key = std::move(*key);
  if (j.contains("organisation")) RETURN_IF_ERROR(string_at("organisation", config.organisation));
  return config;
}

std::string FormatGateConfig(const GateConfig& config) {
  json j = {{"server_host", config.server_host},
            {"server_port", config.server_port},
            {"gate", config.gate},
            {"name", config.name},
            {"doors", config.doors},
            {"snapshot_public_key", ToHex(config.snapshot_public_key)}};
  if (!config.organisation.empty()) j["organisation"] = config.organisation;
  return j.dump(2) + "\n";
}

Result<GateConfig> GateFiles::ReadConfig() const {
  const std::filesystem::path path = Path(kGateConfigFile);
  Result<std::string> text = pki::ReadSmallFile(path);
  if (!text.ok() && text.status().code() == StatusCode::kNotFound) {
    return NotFoundError(path.string() + " not found; run `sekisho gate register` first");
  }
  if (!text.ok()) return text.status();
  return ParseGateConfig(*text);
}

Status GateFiles::WriteConfig(const GateConfig& config) const {
  return pki::WriteFileAtomically(Path(kGateConfigFile), FormatGateConfig(config), 0644);
}

Status GateFiles::SaveSnapshotKey(GateConfig& config, const Ed25519PublicKey& key,
                                  std::string_view organisation) const {
  GateConfig updated = config;
  updated.snapshot_public_key = key.bytes();
  updated.organisation = std::string(organisation);
  RETURN_IF_ERROR(WriteConfig(updated).WithContext("saving the rolled-over snapshot key"));
  config = std::move(updated);
  return OkStatus();
}

Result<Ed25519PrivateKey> GateFiles::ReadBatchKey() const {
  ASSIGN_OR_RETURN(SecretBytes seed, ReadSecretFile(Path(kBatchKeyFile), 32, kBatchKeyKind));
  return Ed25519PrivateKey::FromSeed(seed.view());
}

Status GateFiles::WriteBatchKey(const Ed25519PrivateKey& key) const {
  return WriteSecretFile(Path(kBatchKeyFile), key.seed(), kBatchKeyKind);
}

Result<identity::OrgKey> GateFiles::ReadOrgKey() const {
  return access::ReadOrgKeyFile(Path(kGateOrgKeyFile));
}

Status GateFiles::WriteOrgKey(const identity::OrgKey& key) const {
  return access::WriteOrgKeyFile(Path(kGateOrgKeyFile), key);
}

}  // namespace sekisho::gate
