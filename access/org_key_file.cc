#include "access/org_key_file.h"

#include "base/secret_file.h"

namespace sekisho::access {
namespace {

constexpr SecretFileKind kOrgKeyFileKind{
    .name = "organisation key file",
    .secret = "a key",
    .why_never_replaced = "every pseudonym depends on it",
    .exposure = "anyone who can read it can link pseudonyms to cards",
    .when_missing = "create the organisation with `sekisho init --org NAME`",
};

}  // namespace

Status WriteOrgKeyFile(const std::filesystem::path& path, const identity::OrgKey& key) {
  return WriteSecretFile(path, key.view(), kOrgKeyFileKind);
}

Result<identity::OrgKey> ReadOrgKeyFile(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(const SecretBytes secret,
                   ReadSecretFile(path, identity::OrgKey::kSize, kOrgKeyFileKind));
  return identity::OrgKey::FromBytes(secret.view());
}

}  // namespace sekisho::access
