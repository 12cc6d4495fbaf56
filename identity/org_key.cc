#include "identity/org_key.h"

#include <openssl/crypto.h>

#include <array>
#include <string>

namespace sekisho::identity {

Result<OrgKey> OrgKey::FromBytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return InvalidArgumentError("organisation key: expected 32 bytes, got " +
                                std::to_string(bytes.size()));
  }
  return OrgKey(SecretBytes(bytes));
}

OrgKey OrgKey::Generate(Random& random) {
  std::array<std::uint8_t, kSize> bytes;
  random.Fill(bytes);
  OrgKey key{SecretBytes(ByteView(bytes))};
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

}  // namespace sekisho::identity
