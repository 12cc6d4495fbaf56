#include "base/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace sekisho {

Bytes Sha256(ByteView data) {
  Bytes out(kSha256Size);
  unsigned int len = 0;
  // EVP_Digest fails only on allocation failure; there is nothing sensible to return then.
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
  return out;
}

}  // namespace sekisho
