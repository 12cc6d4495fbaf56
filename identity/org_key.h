// OrgKey: the organisation's 32-byte secret K_org that keys every identifier Sekisho stores
// (DESIGN.md §3). A type of its own so that a key of the wrong length cannot reach the HMACs.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/random.h"
#include "base/result.h"
#include "base/secret.h"

namespace sekisho::identity {

class OrgKey {
 public:
  static constexpr std::size_t kSize = 32;

  // kInvalidArgument "organisation key: expected 32 bytes, got N" for any other length.
  static Result<OrgKey> FromBytes(ByteView bytes);
  // A fresh key from `random` (OsRandom in production).
  static OrgKey Generate(Random& random);

  OrgKey(OrgKey&&) noexcept = default;
  OrgKey& operator=(OrgKey&&) noexcept = default;

  // The 32 key bytes; never log or store them outside the key file. Empty after a move.
  ByteView view() const { return secret_.view(); }

 private:
  explicit OrgKey(SecretBytes secret) : secret_(std::move(secret)) {}

  SecretBytes secret_;
};

}  // namespace sekisho::identity
