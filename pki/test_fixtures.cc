#include "pki/test_fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <functional>
#include <string>

#include "base/random.h"
#include "base/status_matchers.h"
#include "pki/file_io.h"
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

// gtest_discover_tests runs every test in its own process and RSA key generation dominates each
// run, so the fixtures are generated once per build of this binary and kept beside it, in a
// directory named after the binary's size and modification time (a relink makes a new one and
// removes the old ones). Any problem with the cache falls back to generating.
std::filesystem::path CacheDir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  struct stat st {};
  if (ec || ::stat("/proc/self/exe", &st) != 0) return {};
  const std::filesystem::path root = exe.parent_path() / (exe.filename().string() + "_cache");
  const std::string key = std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) +
                          "-" + std::to_string(st.st_mtim.tv_nsec);
  std::filesystem::create_directories(root, ec);
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (!entry.path().filename().string().starts_with(key)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
  return root / key;
}

// Loads `name` from the cache, or makes it with `make` and stores it with `save` (into a fresh
// temporary path, renamed into place, so concurrent test processes never see a partial entry).
template <typename T>
T Cached(std::string_view name, const std::function<T()>& make,
         const std::function<Status(const T&, const std::filesystem::path&)>& save,
         const std::function<Result<T>(const std::filesystem::path&)>& load) {
  const std::filesystem::path dir = CacheDir();
  if (dir.empty()) return make();
  const std::filesystem::path path = dir / name;
  if (Result<T> cached = load(path); cached.ok()) return std::move(cached).value();
  T made = make();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string pattern = (dir / (std::string(name) + ".tmp.XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return made;
  const std::filesystem::path temp = std::filesystem::path(pattern) / "entry";
  if (save(made, temp).ok()) std::filesystem::rename(temp, path, ec);  // another run may win
  std::filesystem::remove_all(pattern, ec);
  return made;
}

TestPki CachedPki(std::uint64_t seed) {
  return Cached<TestPki>(
      "pki-" + std::to_string(seed), [seed] { return MakePki(seed); },
      [](const TestPki& pki, const std::filesystem::path& path) { return SaveTestPki(pki, path); },
      [](const std::filesystem::path& path) { return LoadTestPki(path); });
}

EvpPkeyPtr CachedKey(std::uint64_t seed, int bits) {
  auto make = [seed, bits] {
    SeededRandom random(seed);
    Result<EvpPkeyPtr> key = GenerateRsaKey(random, bits);
    if (!key.ok()) std::abort();
    return std::move(key).value();
  };
  auto save = [](const EvpPkeyPtr& key, const std::filesystem::path& path) -> Status {
    ASSIGN_OR_RETURN(const std::string pem, PrivateKeyToPem(*key));
    return WriteFileAtomically(path, pem, 0600);
  };
  auto load = [](const std::filesystem::path& path) -> Result<EvpPkeyPtr> {
    ASSIGN_OR_RETURN(const std::string pem, ReadSmallFile(path));
    return PrivateKeyFromPem(pem);
  };
  return Cached<EvpPkeyPtr>("rsa-" + std::to_string(seed) + "-" + std::to_string(bits), make, save,
                            load);
}

}  // namespace

const TestPki& SharedTestPki() {
  static const TestPki* const pki = new TestPki(CachedPki(1));
  return *pki;
}

const TestPki& OtherTestPki() {
  static const TestPki* const pki = new TestPki(CachedPki(2));
  return *pki;
}

const EVP_PKEY& HolderKey() {
  static EVP_PKEY* const key = CachedKey(3, kDefaultRsaBits).release();
  return *key;
}

const EVP_PKEY& SmallRsaKey() {
  static EVP_PKEY* const key = CachedKey(4, 1024).release();
  return *key;
}

EvpPkeyPtr ShareKey(const EVP_PKEY& key) {
  EVP_PKEY* k = const_cast<EVP_PKEY*>(&key);
  if (EVP_PKEY_up_ref(k) != 1) std::abort();
  return EvpPkeyPtr(k);
}

X509NamePtr JpkiAuthRootName() {
  Result<X509NamePtr> name =
      MakeName({{"C", "JP"},
                {"O", "JPKI"},
                {"OU", "JPKI for user authentication"},
                {"OU", "Japan Agency for Local Authority Information Systems"}});
  if (!name.ok()) std::abort();
  return std::move(name).value();
}

const TestPki& JpkiDnPki(int generation) {
  auto make = [](const TestPki& base, std::uint8_t serial) {
    const X509NamePtr name = JpkiAuthRootName();
    return new TestPki{ShareKey(*base.auth_ca_key),
                       MakeSelfSigned(*base.auth_ca_key, *name, RootExtensions(), serial),
                       ShareKey(*base.sign_ca_key), base.sign_ca.Clone()};
  };
  static const TestPki* const first = make(SharedTestPki(), 1);
  static const TestPki* const second = make(OtherTestPki(), 2);
  return generation == 1 ? *first : *second;
}

TrustAnchorSet BothGenerations() {
  TrustAnchorSet set;
  EXPECT_THAT(set.Add(JpkiDnPki(1).auth_ca.Clone(), "gen1"), ::sekisho::testing::IsOk());
  EXPECT_THAT(set.Add(JpkiDnPki(2).auth_ca.Clone(), "gen2"), ::sekisho::testing::IsOk());
  return set;
}

std::vector<std::pair<int, std::string>> RootExtensions() {
  return {{NID_basic_constraints, "critical,CA:TRUE"},
          {NID_key_usage, "critical,keyCertSign,cRLSign"},
          {NID_subject_key_identifier, "hash"}};
}

Certificate MakeSelfSigned(const EVP_PKEY& key, const X509_NAME& name,
                           std::vector<std::pair<int, std::string>> extensions,
                           std::uint8_t serial) {
  CertificateTemplate spec;
  spec.subject = &name;
  spec.serial = Bytes{serial};
  spec.not_before = kTestNow;
  spec.not_after = kTestNow + 3650 * kDay;
  spec.subject_key = &key;
  spec.signing_key = &key;
  spec.extensions = std::move(extensions);
  Result<Certificate> cert = BuildCertificate(spec);
  if (!cert.ok()) {
    ADD_FAILURE() << cert.status().ToString();
    std::abort();
  }
  return std::move(cert).value();
}

Certificate MakeLeaf(const Certificate& issuer, const EVP_PKEY& issuer_key,
                     std::vector<std::pair<int, std::string>> extensions, std::uint8_t serial,
                     std::vector<std::string> policies) {
  Result<X509NamePtr> name = MakeName({{"C", "JP"}, {"CN", "leaf " + std::to_string(serial)}});
  if (!name.ok()) std::abort();
  CertificateTemplate spec;
  spec.subject = name->get();
  spec.issuer = &issuer;
  spec.serial = Bytes{serial};
  spec.not_before = kTestNow;
  spec.not_after = kTestNow + 365 * kDay;
  spec.subject_key = &HolderKey();
  spec.signing_key = &issuer_key;
  spec.extensions = std::move(extensions);
  spec.policies = std::move(policies);
  Result<Certificate> cert = BuildCertificate(spec);
  if (!cert.ok()) {
    ADD_FAILURE() << cert.status().ToString();
    std::abort();
  }
  return std::move(cert).value();
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
