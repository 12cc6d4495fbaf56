#include "base/random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>

namespace sekisho {

void OsRandom::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

SeededRandom::SeededRandom(std::uint64_t seed) : seed_(seed) {}

void SeededRandom::Fill(std::span<std::uint8_t> out) {
  for (auto& b : out) {
    if (used_ == block_.size()) {
      std::uint8_t input[16];
      for (int i = 0; i < 8; ++i) {
        input[i] = static_cast<std::uint8_t>(seed_ >> (56 - 8 * i));
        input[8 + i] = static_cast<std::uint8_t>(counter_ >> (56 - 8 * i));
      }
      ++counter_;
      unsigned int len = 0;
      EVP_Digest(input, sizeof input, block_.data(), &len, EVP_sha256(), nullptr);
      used_ = 0;
    }
    b = block_[used_++];
  }
}

}  // namespace sekisho
