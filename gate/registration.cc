#include "gate/registration.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "base/secret_file.h"
#include "net/certificate_authority.h"
#include "net/http_client.h"
#include "net/http_status.h"
#include "net/tls_context.h"
#include "pki/file_io.h"

namespace sekisho::gate {
namespace {

using nlohmann::json;

constexpr SecretFileKind kClientKeyKind{
    .name = "gate TLS key file",
    .secret = "a PEM private key",
    .why_never_replaced = "the gate's client certificate is issued for it",
    .exposure = "whoever reads it can connect to the server as this gate",
    .when_missing = "run `sekisho gate register`"};

Status ResponseError(std::string_view why) {
  return DataLossError("gate registration: the server's answer " + std::string(why));
}

// Parses the server's answer into the config (and K_org, the certificate).
Status ParseAnswer(const net::HttpResponse& response, const RegistrationOptions& options,
                   GateConfig& config, Bytes& org_key, std::string& certificate) {
  const json j = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return ResponseError("is not a JSON object");
  auto number = [&](const char* key) -> Result<std::uint64_t> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) {
      return ResponseError(std::string("has no number \"") + key + "\"");
    }
    return it->get<std::uint64_t>();
  };
  auto text = [&](const char* key) -> Result<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) {
      return ResponseError(std::string("has no string \"") + key + "\"");
    }
    return it->get<std::string>();
  };
  ASSIGN_OR_RETURN(std::uint64_t gate, number("gate"));
  ASSIGN_OR_RETURN(config.name, text("name"));
  ASSIGN_OR_RETURN(certificate, text("certificate"));
  ASSIGN_OR_RETURN(std::string org_hex, text("organisation_key"));
  ASSIGN_OR_RETURN(std::string snapshot_hex, text("snapshot_public_key"));
  auto doors = j.find("doors");
  if (doors == j.end() || !doors->is_array()) return ResponseError("has no array \"doors\"");
  for (const json& door : *doors) {
    if (!door.is_number_unsigned() || door.get<std::uint64_t>() == 0 ||
        door.get<std::uint64_t>() > 0xFFFFFFFFu) {
      return ResponseError("has a door id that is not 1..4294967295");
    }
    config.doors.push_back(static_cast<policy::ObjectId>(door.get<std::uint64_t>()));
  }
  if (gate == 0 || gate > 0xFFFFFFFFu) return ResponseError("has a gate id out of range");
  config.gate = static_cast<GateId>(gate);
  Result<Bytes> org = FromHex(org_hex);
  Result<Bytes> snapshot_key = FromHex(snapshot_hex);
  if (!org.ok() || org->size() != identity::OrgKey::kSize) {
    return ResponseError("has an organisation key that is not 32 bytes of hex");
  }
  if (!snapshot_key.ok() || snapshot_key->size() != 32) {
    return ResponseError("has a snapshot key that is not 32 bytes of hex");
  }
  org_key = std::move(*org);
  config.snapshot_public_key = std::move(*snapshot_key);
  // Servers before key rotation do not name the organisation; the first chain followed does.
  if (auto organisation = j.find("organisation"); organisation != j.end()) {
    if (!organisation->is_string()) {
      return ResponseError("has an \"organisation\" that is not a string");
    }
    config.organisation = organisation->get<std::string>();
  }
  config.server_host = options.host;
  config.server_port = options.port;
  return OkStatus();
}

Result<GateConfig> Register(const RegistrationOptions& options, const GateFiles& files,
                            Random& random) {
  ASSIGN_OR_RETURN(std::string ca_pem, pki::ReadSmallFile(options.server_ca_file));
  ASSIGN_OR_RETURN(std::shared_ptr<net::TlsClientContext> tls,
                   net::TlsClientContext::CreateFromPem(ca_pem, std::nullopt, std::nullopt));
  ASSIGN_OR_RETURN(net::KeyAndCsr key_and_csr, net::MakeKeyAndCsr("sekisho gate"));
  Ed25519PrivateKey batch_key = Ed25519PrivateKey::Generate(random);

  net::HttpRequest request;
  request.method = "POST";
  request.target = std::string(kRegistrationPath);
  request.headers["content-type"] = "application/json";
  request.body = json{{"token", options.token},
                      {"csr", key_and_csr.csr_pem},
                      {"batch_public_key", ToHex(batch_key.public_key().bytes())}}
                     .dump();
  ASSIGN_OR_RETURN(net::HttpResponse response,
                   net::Fetch({.host = options.host, .port = options.port, .tls = tls}, request));
  if (response.status != 200) {
    const json error = json::parse(response.body, nullptr, false);
    std::string message = "HTTP " + std::to_string(response.status);
    if (error.is_object() && error.contains("message") && error["message"].is_string()) {
      message = error["message"].get<std::string>();
    }
    return Status(net::StatusCodeForHttpStatus(response.status),
                  "gate registration refused: " + message);
  }
  GateConfig config;
  Bytes org_bytes;
  std::string certificate;
  RETURN_IF_ERROR(ParseAnswer(response, options, config, org_bytes, certificate));
  ASSIGN_OR_RETURN(identity::OrgKey org_key, identity::OrgKey::FromBytes(org_bytes));
  WipeBytes(org_bytes);

  RETURN_IF_ERROR(pki::WriteFileAtomically(files.Path(kServerCaFile), ca_pem, 0644));
  RETURN_IF_ERROR(pki::WriteFileAtomically(files.Path(kClientCertFile), certificate, 0644));
  RETURN_IF_ERROR(
      WriteSecretFile(files.Path(kClientKeyFile), key_and_csr.key_pem.view(), kClientKeyKind));
  RETURN_IF_ERROR(files.WriteBatchKey(batch_key));
  RETURN_IF_ERROR(files.WriteOrgKey(org_key));
  RETURN_IF_ERROR(files.WriteConfig(config));
  return config;
}

}  // namespace

Result<GateConfig> RegisterGate(const RegistrationOptions& options,
                                const std::filesystem::path& dir, Random& random) {
  GateFiles files(dir);
  std::error_code ec;
  if (std::filesystem::exists(files.Path(kGateConfigFile), ec)) {
    return AlreadyExistsError(dir.string() + " holds a registered gate already (" +
                              std::string(kGateConfigFile) + ")");
  }
  const bool created = std::filesystem::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  Result<GateConfig> config = Register(options, files, random);
  if (!config.ok()) {
    // Leave nothing half-written behind.
    for (std::string_view file : {kServerCaFile, kClientCertFile, kClientKeyFile, kBatchKeyFile,
                                  kGateOrgKeyFile, kGateConfigFile}) {
      std::filesystem::remove(files.Path(file), ec);
    }
    if (created) std::filesystem::remove(dir, ec);
  }
  return config;
}

}  // namespace sekisho::gate
