// crl_scale: how long importing a large CRL takes. Makes a CRL of N entries (default 1,000,000)
// with MakeCrl, writes it as DER, then times LoadCrlFile, CheckCrl and KeyedRevokedSerials, and
// matching the keyed serials against M enrolled credentials (default 100,000), each the median of
// three runs. A scenario program for docs/pki.md, not a test.
// Usage: crl_scale [--entries N] [--enrolled M] [--dir DIR]
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random.h"
#include "identity/org_key.h"
#include "identity/pseudonym.h"
#include "pki/crl.h"
#include "pki/crl_check.h"
#include "pki/crl_source.h"
#include "pki/file_io.h"
#include "pki/test_pki.h"
#include "pki/trust_anchors.h"

namespace sekisho::pki {
namespace {

constexpr int kRuns = 3;
constexpr TimePoint kNow = FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

[[noreturn]] void Die(std::string_view what, const Status& status) {
  std::fprintf(stderr, "crl_scale: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> result, std::string_view what) {
  if (!result.ok()) Die(what, result.status());
  return std::move(result).value();
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// Runs `step` kRuns times; returns the median wall time in seconds.
double Median(const std::function<void()>& step) {
  std::vector<double> times;
  for (int i = 0; i < kRuns; ++i) {
    const auto start = std::chrono::steady_clock::now();
    step();
    times.push_back(Seconds(std::chrono::steady_clock::now() - start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// 8-byte positive serials, like the test PKI's and JPKI's.
Bytes Serial(Random& random) {
  Bytes serial = random.Generate(8);
  serial[0] = static_cast<std::uint8_t>((serial[0] & 0x7F) | 0x01);  // positive, 8 bytes long
  return serial;
}

std::size_t Flag(int argc, char** argv, std::string_view name, std::size_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return static_cast<std::size_t>(std::strtoull(argv[i + 1], nullptr, 10));
  }
  return fallback;
}

std::string TextFlag(int argc, char** argv, std::string_view name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return {};
}

int Main(int argc, char** argv) {
  const std::size_t entries = Flag(argc, argv, "--entries", 1'000'000);
  const std::size_t enrolled_count = Flag(argc, argv, "--enrolled", 100'000);
  const std::size_t revoked_enrolled = std::min<std::size_t>(enrolled_count / 100, entries);
  std::filesystem::path dir = TextFlag(argc, argv, "--dir");
  bool remove_dir = false;
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "crl_scale.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) Die("temporary directory", InternalError("mkdtemp"));
    dir = pattern;
    remove_dir = true;
  }

  SeededRandom random(2026);
  const TestPki pki = Check(CreateTestPki(random, kNow - std::chrono::hours(24)), "test PKI");
  TrustAnchorSet anchors;
  if (Status s = anchors.Add(pki.auth_ca.Clone(), "test auth root"); !s.ok()) Die("anchor", s);
  const identity::OrgKey k_org = identity::OrgKey::Generate(random);

  // Enrolled credentials' serials; the first 1% of them are also revoked.
  std::vector<Bytes> enrolled;
  for (std::size_t i = 0; i < enrolled_count; ++i) enrolled.push_back(Serial(random));
  std::vector<Bytes> revoked(enrolled.begin(),
                             enrolled.begin() + static_cast<std::ptrdiff_t>(revoked_enrolled));
  while (revoked.size() < entries) revoked.push_back(Serial(random));

  auto start = std::chrono::steady_clock::now();
  const Crl made = Check(
      MakeCrl(*pki.auth_ca_key, pki.auth_ca, revoked, kNow, kNow + std::chrono::hours(24 * 10)),
      "MakeCrl");
  const double make_seconds = Seconds(std::chrono::steady_clock::now() - start);
  const Bytes der = made.Der();
  const std::filesystem::path file = dir / "large.crl";
  if (Status s = WriteFileAtomically(file, std::string(der.begin(), der.end()), 0644); !s.ok()) {
    Die("writing the CRL", s);
  }

  std::size_t loaded_entries = 0;
  const double load_seconds = Median([&] {
    const Crl crl = Check(LoadCrlFile(file), "LoadCrlFile");
    loaded_entries = crl.RevokedSerials().size();
  });
  const Crl crl = Check(LoadCrlFile(file), "LoadCrlFile");
  const double check_seconds = Median([&] {
    if (Status s = CheckCrl(crl, anchors, kNow); !s.ok()) Die("CheckCrl", s);
  });
  std::vector<Bytes> keyed;
  const double keyed_seconds = Median([&] { keyed = KeyedRevokedSerials(crl, k_org); });

  // What enrolment stored: the keyed serial of each enrolled certificate (same issuer DN).
  const Bytes issuer = pki.auth_ca.IssuerNameDer();
  // Kept as fixed-size values, as an index would keep them.
  using KeyedValue = std::array<std::uint8_t, identity::kPseudonymSize>;
  auto value_of = [](const Bytes& bytes) {
    KeyedValue value{};
    std::copy_n(bytes.begin(), value.size(), value.begin());
    return value;
  };
  std::vector<KeyedValue> enrolled_keyed;
  for (const Bytes& serial : enrolled) {
    enrolled_keyed.push_back(value_of(identity::KeyedSerial(k_org, issuer, serial)));
  }
  std::sort(enrolled_keyed.begin(), enrolled_keyed.end());
  std::size_t matches = 0;
  const double match_seconds = Median([&] {
    matches = 0;
    for (const Bytes& value : keyed) {
      if (std::binary_search(enrolled_keyed.begin(), enrolled_keyed.end(), value_of(value))) {
        ++matches;
      }
    }
  });

  std::printf("CRL: %zu entries, %zu bytes DER (MakeCrl %.2f s)\n", loaded_entries, der.size(),
              make_seconds);
  std::printf("enrolled credentials: %zu, of which revoked: %zu\n", enrolled_count,
              revoked_enrolled);
  std::printf("median of %d runs:\n", kRuns);
  std::printf("  LoadCrlFile (read + d2i_X509_CRL + sort)   %8.3f s\n", load_seconds);
  std::printf("  CheckCrl (signature, scope, freshness)     %8.3f s\n", check_seconds);
  std::printf("  KeyedRevokedSerials (%zu HMAC-SHA256)   %8.3f s\n", keyed.size(), keyed_seconds);
  std::printf("  match against enrolled (binary search)     %8.3f s  (%zu matches)\n",
              match_seconds, matches);
  std::printf("  import total (load + check + keyed)        %8.3f s\n",
              load_seconds + check_seconds + keyed_seconds);
  std::printf("peak RSS: %ld MiB\n", PeakRssMiB());
  if (remove_dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return matches == revoked_enrolled ? 0 : 1;
}

}  // namespace
}  // namespace sekisho::pki

int main(int argc, char** argv) { return sekisho::pki::Main(argc, argv); }
