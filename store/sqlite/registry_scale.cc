// registry_scale: the SQLite registry at the scale of DESIGN.md §8. Builds a registry of N
// credentials (default 1,000,000) and measures (a) pseudonym lookups per second (the door and
// enrolment lookup) and (b) CRL matching: MarkRevokedByKeyedSerials with 1,000,000 keyed serials
// against 100,000 enrolled credentials, for each matching plan. Not a test; prints its figures.
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "store/sqlite/database.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_registry.h"

namespace sekisho::store::sqlite {
namespace {

using Key = std::array<std::uint8_t, 32>;
using Seconds = std::chrono::duration<double>;

constexpr std::int64_t kNowMillis = 1743465600000;                           // 2025-04-01T00:00:00Z
constexpr std::int64_t kNotAfterMillis = kNowMillis + 5LL * 365 * 86400000;  // about five years

struct Options {
  std::size_t credentials = 1000000;
  std::size_t lookups = 100000;
  int lookup_runs = 5;
  std::size_t crl_credentials = 100000;
  std::size_t crl_serials = 1000000;
  std::size_t crl_matches = 1000;
  int crl_runs = 3;
  std::string dir;
  bool keep = false;
  Database::Options database;
};

[[noreturn]] void Fail(const Status& status, const char* what) {
  std::fprintf(stderr, "registry_scale: %s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

void Check(const Status& status, const char* what) {
  if (!status.ok()) Fail(status, what);
}

template <typename T>
T Take(Result<T> result, const char* what) {
  if (!result.ok()) Fail(result.status(), what);
  return std::move(result).value();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

Key RandomKey(Random& random) {
  Key key;
  random.Fill(key);
  return key;
}

struct Built {
  std::vector<Key> pseudonyms;
  std::vector<Key> keyed_serials;
};

// One organisation with `n` staff members and one jpki credential each, written in one
// transaction through prepared statements. Pseudonyms and keyed serials come from SeededRandom.
Built Build(const std::filesystem::path& path, std::size_t n, std::uint64_t seed) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<Database> db = Take(Database::Open(path), "opening");
  Check(Migrate(*db), "migrating");
  // A large page cache for the bulk load only: index inserts with random keys touch every page.
  Check(db->Exec("PRAGMA cache_size = -262144"), "cache size");
  SeededRandom random(seed);
  Built built;
  built.pseudonyms.reserve(n);
  built.keyed_serials.reserve(n);
  {
    Transaction transaction = Take(Transaction::Begin(*db), "begin");
    Statement org = Take(db->Prepare("INSERT INTO organisations (id, name, created_at) "
                                     "VALUES (1, 'Scale Ministry', ?1)"),
                         "prepare");
    Check(org.BindInt(1, kNowMillis).Run(), "organisation");
    Statement staff = Take(
        db->Prepare("INSERT INTO staff (id, org_id, staff_ref, staff_number, display_name, "
                    "department, status, valid_from) VALUES (?1, 1, ?2, ?3, ?4, ?5, 'active', ?6)"),
        "prepare");
    Statement credential = Take(
        db->Prepare("INSERT INTO credentials (org_id, staff_id, kind, pseudonym, keyed_serial, "
                    "not_after, status, status_reason, status_changed_at, enrolled_at, "
                    "enrolled_by) VALUES (1, ?1, 'jpki', ?2, ?3, ?4, 'active', '', ?5, ?5, "
                    "'registry_scale')"),
        "prepare");
    for (std::size_t i = 0; i < n; ++i) {
      const auto id = static_cast<std::int64_t>(i + 1);
      std::array<std::uint8_t, 16> ref;
      random.Fill(ref);
      staff.Reset();
      Check(staff.BindInt(1, id)
                .BindBlob(2, ref)
                .BindText(3, "E" + std::to_string(id))
                .BindText(4, "Staff " + std::to_string(id))
                .BindText(5, "Department " + std::to_string(id % 100))
                .BindInt(6, kNowMillis)
                .Run(),
            "staff");
      built.pseudonyms.push_back(RandomKey(random));
      built.keyed_serials.push_back(RandomKey(random));
      credential.Reset();
      Check(credential.BindInt(1, id)
                .BindBlob(2, built.pseudonyms.back())
                .BindBlob(3, built.keyed_serials.back())
                .BindInt(4, kNotAfterMillis)
                .BindInt(5, kNowMillis)
                .Run(),
            "credential");
    }
    Check(transaction.Commit(), "commit");
  }
  Check(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
  const double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  std::printf("  built %zu staff + %zu credentials in %.1f s (%.0f rows/s), file %.1f MB\n", n, n,
              seconds, 2.0 * static_cast<double>(n) / seconds,
              static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  return built;
}

// Median lookups per second of `lookups` random pseudonyms of `built` in the registry at `path`.
void MeasureLookups(const Options& options, const std::filesystem::path& path, const Built& built) {
  FakeClock clock(FromUnixMillis(kNowMillis));
  auto registry = Take(SqliteRegistry::Open(path, clock, {options.database}), "opening registry");
  const OrganisationId org(1);

  SeededRandom random(2);
  std::vector<std::size_t> picks(options.lookups);
  for (std::size_t& pick : picks) {
    std::uint64_t r = 0;
    random.Fill(std::span(reinterpret_cast<std::uint8_t*>(&r), sizeof r));
    pick = static_cast<std::size_t>(r % built.pseudonyms.size());
  }
  std::vector<double> rates;
  for (int run = 0; run < options.lookup_runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    std::size_t found = 0;
    for (std::size_t pick : picks) {
      const Result<Credential> c = registry->FindCredentialByPseudonym(org, built.pseudonyms[pick]);
      if (c.ok() && c->staff.value() == static_cast<std::int64_t>(pick + 1)) ++found;
    }
    const double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
    if (found != picks.size()) {
      std::fprintf(stderr, "registry_scale: %zu of %zu lookups failed\n", picks.size() - found,
                   picks.size());
      std::exit(1);
    }
    rates.push_back(static_cast<double>(picks.size()) / seconds);
    std::printf("  run %d: %.0f lookups/s\n", run + 1, rates.back());
  }
  const double median = Median(rates);
  std::printf("  median: %.0f lookups/s (%.1f us per lookup)\n\n", median, 1e6 / median);
}

void MeasureCrl(const Options& options, const std::filesystem::path& dir, std::size_t serials,
                std::size_t matches, const std::filesystem::path& base, const Built& built) {
  std::printf("  CRL of %zu keyed serials, %zu of them enrolled, median of %d runs:\n", serials,
              matches, options.crl_runs);
  SeededRandom random(4);
  std::vector<Bytes> crl;
  crl.reserve(serials);
  const std::size_t stride =
      matches == 0 ? serials + 1 : std::max<std::size_t>(1, serials / matches);
  std::size_t used = 0;
  for (std::size_t i = 0; i < serials; ++i) {
    if (used < matches && i % stride == 0) {
      const Key& key = built.keyed_serials[(used * 7919) % built.keyed_serials.size()];
      crl.emplace_back(key.begin(), key.end());
      ++used;
    } else {
      crl.push_back(random.Generate(32));
    }
  }
  using Plan = SqliteRegistry::CrlMatch;
  const std::pair<Plan, const char*> plans[] = {{Plan::kProbeIndex, "probe index"},
                                                {Plan::kScanAndHash, "scan and hash"},
                                                {Plan::kTempTable, "temp table"},
                                                {Plan::kAuto, "auto (default)"}};
  FakeClock clock(FromUnixMillis(kNowMillis));
  for (const auto& [plan, name] : plans) {
    std::vector<double> times;
    for (int run = 0; run < options.crl_runs; ++run) {
      const auto path = dir / "crl-run.db";
      std::filesystem::copy_file(base, path, std::filesystem::copy_options::overwrite_existing);
      auto registry = Take(SqliteRegistry::Open(path, clock, {options.database, plan}), "opening");
      std::size_t marked = 0;
      const auto start = std::chrono::steady_clock::now();
      Check(registry->MarkRevokedByKeyedSerials(OrganisationId(1), crl, clock.Now(), "crl-import",
                                                &marked),
            "MarkRevokedByKeyedSerials");
      times.push_back(Seconds(std::chrono::steady_clock::now() - start).count());
      if (marked != used) {
        std::fprintf(stderr, "registry_scale: marked %zu, expected %zu\n", marked, used);
        std::exit(1);
      }
    }
    std::printf("    %-15s %8.3f s  (marked %zu)\n", name, Median(times), used);
  }
}

void MeasureAll(const Options& options, const std::filesystem::path& dir) {
  std::printf("(a) pseudonym lookups: %zu credentials, %zu random lookups, median of %d runs\n",
              options.credentials, options.lookups, options.lookup_runs);
  {
    const auto path = dir / "lookups.db";
    const Built built = Build(path, options.credentials, 1);
    MeasureLookups(options, path, built);
    std::filesystem::remove(path);
  }
  std::printf("(b) CRL matching against %zu enrolled credentials\n", options.crl_credentials);
  const auto base = dir / "crl-base.db";
  const Built built = Build(base, options.crl_credentials, 3);
  MeasureCrl(options, dir, options.crl_serials, options.crl_matches, base, built);
  MeasureCrl(options, dir, 10000, 100, base, built);
  MeasureCrl(options, dir, 100, 10, base, built);
  std::printf("\n(a') pseudonym lookups in the same %zu-credential registry\n",
              options.crl_credentials);
  MeasureLookups(options, base, built);
}

}  // namespace
}  // namespace sekisho::store::sqlite

int main(int argc, char** argv) {
  using namespace sekisho::store::sqlite;
  Options options;
  CLI::App app{"Scale scenario of the SQLite registry: lookups per second and CRL matching time."};
  app.add_option("--credentials", options.credentials, "Credentials in the lookup registry");
  app.add_option("--lookups", options.lookups, "Random pseudonym lookups per run");
  app.add_option("--lookup-runs", options.lookup_runs, "Lookup runs (the median is reported)");
  app.add_option("--crl-credentials", options.crl_credentials, "Credentials in the CRL registry");
  app.add_option("--crl-serials", options.crl_serials, "Keyed serials in the large CRL");
  app.add_option("--crl-matches", options.crl_matches, "How many of them are enrolled");
  app.add_option("--crl-runs", options.crl_runs, "Runs per CRL plan (the median is reported)");
  app.add_option("--dir", options.dir,
                 "Directory for the database files (default: a new one "
                 "under $TMPDIR or /tmp, removed at the end)");
  app.add_flag("--keep", options.keep, "Keep the database files");
  app.add_option("--cache-kib", options.database.cache_kib, "Page cache per connection, KiB");
  app.add_option("--mmap-bytes", options.database.mmap_bytes, "Bytes read through mmap");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows even when redirected

  std::filesystem::path dir;
  bool remove = false;
  if (options.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/registry-scale-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("registry_scale: mkdtemp");
      return 1;
    }
    dir = pattern;
    remove = !options.keep;
  } else {
    dir = options.dir;
    std::filesystem::create_directories(dir);
  }
  std::printf("registry_scale: SQLite registry in %s, cache %lld KiB, mmap %lld bytes\n\n",
              dir.c_str(), static_cast<long long>(options.database.cache_kib),
              static_cast<long long>(options.database.mmap_bytes));
  MeasureAll(options, dir);
  if (remove) std::filesystem::remove_all(dir);
  return 0;
}
