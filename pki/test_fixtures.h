// Shared, lazily built test PKIs and holder keys for pki_test (RSA key generation is the slow
// part, so each is made once per test process).
#pragma once

#include <filesystem>

#include "base/clock.h"
#include "pki/test_pki.h"

namespace sekisho::pki::testing {

// 2026-01-01T00:00:00Z: "now" in these tests.
inline constexpr TimePoint kTestNow = FromUnixSeconds(1767225600);
inline constexpr auto kDay = std::chrono::hours(24);

// CreateTestPki(SeededRandom(1), kTestNow).
const TestPki& SharedTestPki();
// CreateTestPki(SeededRandom(2), kTestNow): same DNs, different keys.
const TestPki& OtherTestPki();
// GenerateRsaKey(SeededRandom(3)): a card holder's key pair.
const EVP_PKEY& HolderKey();

// A fresh empty directory under the test temporary directory, removed when this dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sekisho::pki::testing
