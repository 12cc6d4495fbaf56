// Test-only: a run of snapshot keys and the rollover chain between them (sync/key_rollover.h),
// for the codec, the gate's walk and the server's chain file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/ed25519.h"
#include "base/random.h"
#include "sync/key_rollover.h"

namespace sekisho::sync::testing {

struct TestKeyChain {
  std::vector<Ed25519PrivateKey> keys;  // keys[0] is the first key; statement i names keys[i]
  KeyChain chain;
};

// `rollovers` statements of `organisation`, the keys drawn from SeededRandom(seed).
inline TestKeyChain MakeTestKeyChain(const std::string& organisation, std::size_t rollovers,
                                     std::uint64_t seed = 7) {
  SeededRandom random(seed);
  TestKeyChain t;
  t.keys.push_back(Ed25519PrivateKey::Generate(random));
  t.chain.organisation = organisation;
  t.chain.first_key = t.keys.front().public_key().bytes();
  for (std::size_t i = 1; i <= rollovers; ++i) {
    t.keys.push_back(Ed25519PrivateKey::Generate(random));
    t.chain.rollovers.push_back(
        SignRollover(t.keys[i - 1], organisation, i, t.keys[i].public_key()));
  }
  return t;
}

}  // namespace sekisho::sync::testing
