#include "audit/key_file.h"

#include <cctype>
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
  std::string hex = ToHex(ByteView(digest).first(8));
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "sekisho-audit/" + hex;
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
