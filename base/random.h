// Random: the only source of randomness, injected so tests are reproducible.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "base/bytes.h"

namespace sekisho {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` completely.
  virtual void Fill(std::span<std::uint8_t> out) = 0;

  Bytes Generate(std::size_t n) {
    Bytes b(n);
    Fill(b);
    return b;
  }
};

// OpenSSL's CSPRNG (RAND_bytes). Aborts if the OS cannot provide entropy: there is no safe
// way to go on without it.
class OsRandom final : public Random {
 public:
  void Fill(std::span<std::uint8_t> out) override;
};

// A deterministic stream (SHA-256 in counter mode over a seed). For simulated cards and tests
// only; never for keys that protect anything real.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed);
  void Fill(std::span<std::uint8_t> out) override;

 private:
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
  std::array<std::uint8_t, 32> block_{};
  std::size_t used_ = 32;
};

}  // namespace sekisho
