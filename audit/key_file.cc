#include "audit/key_file.h"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "base/digest.h"
#include "base/secret_file.h"

namespace sekisho::audit {
namespace {

constexpr SecretFileKind kCheckpointKeyFile{
    .name = "checkpoint key file",
    .secret = "a key",
    .why_never_replaced = "earlier checkpoints would no longer verify",
    .exposure = "anyone who can read it can sign false checkpoints",
    .when_missing = "",
};

std::string LowerHex(ByteView bytes) {
  std::string hex = ToHex(bytes);
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

}  // namespace

Status WriteCheckpointKeyFile(const std::filesystem::path& path, const Ed25519PrivateKey& key) {
  return WriteSecretFile(path, key.seed(), kCheckpointKeyFile);
}

Result<Ed25519PrivateKey> ReadCheckpointKeyFile(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(const SecretBytes seed,
                   ReadSecretFile(path, kEd25519SeedSize, kCheckpointKeyFile));
  return Ed25519PrivateKey::FromSeed(seed.view());
}

std::string LogOriginForKey(const Ed25519PublicKey& key) {
  const Bytes digest = Sha256(key.bytes());
  return "sekisho-audit/" + LowerHex(ByteView(digest).first(8));
}

Result<std::vector<Ed25519PublicKey>> ReadRetiredCheckpointKeys(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) return UnavailableError("cannot read " + path.string() + ": " + ec.message());
    return std::vector<Ed25519PublicKey>();
  }
  std::ifstream in(path);
  if (!in) return UnavailableError("cannot read " + path.string());
  const std::string where = "retired checkpoint keys " + path.string();
  std::vector<Ed25519PublicKey> keys;
  std::set<std::string> seen;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string at = where + ", line " + std::to_string(number) + ": ";
    if (keys.size() == kMaxRetiredCheckpointKeys) {
      return DataLossError(at + "more than " + std::to_string(kMaxRetiredCheckpointKeys) + " keys");
    }
    auto bytes = FromHex(line);
    if (!bytes.ok() || line.size() != 2 * kEd25519PublicKeySize) {
      return DataLossError(at + "expected an Ed25519 public key in 64 hex digits");
    }
    auto key = Ed25519PublicKey::FromBytes(*bytes);
    if (!key.ok()) return DataLossError(at + key.status().message());
    if (!seen.insert(LowerHex(*bytes)).second) return DataLossError(at + "the key is listed twice");
    keys.push_back(std::move(key).value());
  }
  if (in.bad()) return UnavailableError("cannot read " + path.string());
  return keys;
}

Status WriteRetiredCheckpointKeys(const std::filesystem::path& path,
                                  std::span<const Ed25519PublicKey> keys) {
  std::string text;
  for (const Ed25519PublicKey& key : keys) {
    text += LowerHex(key.bytes()) + "\n";
  }
  // Public keys: kept 0600 like the rest of the directory's key files.
  const std::filesystem::path next = path.string() + ".new";
  std::error_code ec;
  std::filesystem::remove(next, ec);  // left by an interrupted write
  RETURN_IF_ERROR(WriteSecretFile(next, ToBytes(text),
                                  SecretFileKind{.name = "retired checkpoint keys file",
                                                 .secret = "keys",
                                                 .why_never_replaced = "",
                                                 .exposure = "",
                                                 .when_missing = ""}));
  std::filesystem::rename(next, path, ec);
  if (ec) {
    std::filesystem::remove(next, ec);
    return UnavailableError("cannot replace " + path.string() + ": " + ec.message());
  }
  return OkStatus();
}

Result<Ed25519PrivateKey> LoadOrCreateCheckpointKeyFile(const std::filesystem::path& path,
                                                        Random& random) {
  auto key = ReadCheckpointKeyFile(path);
  if (key.ok() || key.status().code() != StatusCode::kNotFound) return key;
  Ed25519PrivateKey fresh = Ed25519PrivateKey::Generate(random);
  Status written = WriteCheckpointKeyFile(path, fresh);
  // Another process may have created it in between: use the one on disk.
  if (written.code() == StatusCode::kAlreadyExists) return ReadCheckpointKeyFile(path);
  RETURN_IF_ERROR(written);
  return fresh;
}

}  // namespace sekisho::audit
