// Shared, lazily built test PKIs and keys for pki_test. RSA key generation is the slow part, so
// each is made once per build of the test binary and cached beside it (pki_test_cache/).
#pragma once

#include <filesystem>

#include "base/clock.h"
#include "pki/certificate_builder.h"
#include "pki/test_pki.h"
#include "pki/trust_anchors.h"

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
// GenerateRsaKey(SeededRandom(4), 1024): a key below every minimum.
const EVP_PKEY& SmallRsaKey();
// Another owner of `key` (EVP_PKEY_up_ref), e.g. to put a shared key into a TestPki.
EvpPkeyPtr ShareKey(const EVP_PKEY& key);

// The DN every generation of the real JPKI user-authentication root carries.
inline constexpr std::string_view kJpkiAuthRootDnText =
    "C=JP, O=JPKI, OU=JPKI for user authentication, "
    "OU=Japan Agency for Local Authority Information Systems";
X509NamePtr JpkiAuthRootName();

// Two root "generations" with that very DN (O=JPKI, so NOT marked as test anchors) and different
// keys: generation 1 uses SharedTestPki()'s auth key, generation 2 OtherTestPki()'s. The
// sign_ca members are copies of SharedTestPki()'s. Only for tests of matching by key.
const TestPki& JpkiDnPki(int generation);
// The auth CAs of both JpkiDnPki generations as trust anchors, in this order, labelled "gen1"
// and "gen2"; a failing Add fails the current test.
TrustAnchorSet BothGenerations();

// The extensions of a test root: basicConstraints CA:TRUE and keyUsage keyCertSign+cRLSign (both
// critical), subjectKeyIdentifier.
std::vector<std::pair<int, std::string>> RootExtensions();

// A self-signed certificate for `key` named `name`, valid 10 years from kTestNow, serial `serial`.
Certificate MakeSelfSigned(const EVP_PKEY& key, const X509_NAME& name,
                           std::vector<std::pair<int, std::string>> extensions,
                           std::uint8_t serial = 1);

// A certificate for HolderKey() issued by `issuer` (whose private key is `issuer_key`), valid one
// year from kTestNow, subject CN=leaf <serial>, with exactly `extensions` (and
// certificatePolicies when `policies` are given).
Certificate MakeLeaf(const Certificate& issuer, const EVP_PKEY& issuer_key,
                     std::vector<std::pair<int, std::string>> extensions, std::uint8_t serial = 2,
                     std::vector<std::string> policies = {});

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
