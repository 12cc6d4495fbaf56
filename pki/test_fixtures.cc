#include "pki/test_fixtures.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <string>

#include "base/random.h"
#include "pki/rsa_key.h"

namespace sekisho::pki::testing {
namespace {

TestPki MakePki(std::uint64_t seed) {
  SeededRandom random(seed);
  Result<TestPki> pki = CreateTestPki(random, kTestNow);
  if (!pki.ok()) {
    ADD_FAILURE() << pki.status().ToString();
    std::abort();
  }
  return std::move(pki).value();
}

}  // namespace

const TestPki& SharedTestPki() {
  static const TestPki* const pki = new TestPki(MakePki(1));
  return *pki;
}

const TestPki& OtherTestPki() {
  static const TestPki* const pki = new TestPki(MakePki(2));
  return *pki;
}

const EVP_PKEY& HolderKey() {
  static EVP_PKEY* const key = [] {
    SeededRandom random(3);
    Result<EvpPkeyPtr> k = GenerateRsaKey(random);
    if (!k.ok()) std::abort();
    return std::move(k).value().release();
  }();
  return *key;
}

TempDir::TempDir() {
  std::string pattern = ::testing::TempDir() + "sekisho-pki-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sekisho::pki::testing
