#include "card/sim/pin_counter.h"

#include <openssl/crypto.h>

namespace sekisho::card::sim {

bool ReferenceMatches(ByteView presented, ByteView reference) {
  if (presented.size() != reference.size()) return false;
  if (presented.empty()) return true;
  return CRYPTO_memcmp(presented.data(), reference.data(), presented.size()) == 0;
}

}  // namespace sekisho::card::sim
