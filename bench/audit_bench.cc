// The audit log (docs/audit.md): durable appends in batches against raw SQLite inserts of the
// same rows measured in the same run, and inclusion / consistency proofs at 1M leaves (a real
// tree in a temporary file, built once) and at 100M leaves (synthetic: random sibling hashes and
// the root the verifier must reproduce).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/proof.h"
#include "base/clock.h"
#include "base/ed25519.h"
#include "base/random.h"
#include "bench/ratio_report.h"
#include "store/sqlite/database.h"

namespace sekisho {
namespace {

using audit::AuditLog;
using audit::Hash;
using audit::NewRecord;
using store::sqlite::Database;
using store::sqlite::Transaction;

constexpr std::size_t kBatch = 1000;
constexpr std::size_t kRecordSize = 200;
constexpr std::uint64_t kMillion = 1'000'000;
constexpr std::uint64_t kHundredMillion = 100'000'000;
constexpr std::string_view kOrigin = "bench.example/audit";

// A directory removed when the process ends.
class BenchDir {
 public:
  BenchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sekisho-audit-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~BenchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

BenchDir& Dir() {
  static BenchDir dir;
  return dir;
}

const Ed25519PrivateKey& Key() {
  static const Ed25519PrivateKey key = *Ed25519PrivateKey::FromSeed(Bytes(32, 0x42));
  return key;
}

// 1000 records of 200 bytes, shaped like gate events (a readable prefix, then varying bytes).
std::vector<NewRecord> Batch(std::uint64_t first) {
  SeededRandom random(first);
  std::vector<NewRecord> batch(kBatch);
  for (std::size_t i = 0; i < kBatch; ++i) {
    batch[i].kind = audit::RecordKind::kGateEvent;
    batch[i].record =
        ToBytes("gate-event v1 door=17 decision=grant seq=" + std::to_string(first + i) + " ");
    const Bytes tail = random.Generate(kRecordSize - batch[i].record.size());
    Append(batch[i].record, tail);
  }
  return batch;
}

void Fail(benchmark::State& state, const Status& status) {
  state.SkipWithError(status.ToString().c_str());
}

// Durable appends (synchronous=FULL at each batch's commit), 1000 records per transaction.
void BM_AuditAppendDurable(benchmark::State& state) {
  static SystemClock clock;
  static OsRandom random;
  const auto path = Dir().path() / "append.db";
  std::filesystem::remove(path);
  auto log = AuditLog::Open(path, kOrigin, Key().public_key(), random, clock);
  if (!log.ok()) return Fail(state, log.status());
  const std::vector<NewRecord> batch = Batch(0);
  for (auto _ : state) {
    auto first = (*log)->Append(batch);
    if (!first.ok()) return Fail(state, first.status());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_AuditAppendDurable)->UseRealTime()->Unit(benchmark::kMillisecond);

// Baseline: the same rows into a table of the same shape, without hashing and without the
// tree's nodes, with the same durability and batch size.
void BM_RawSqliteInsertDurable(benchmark::State& state) {
  const auto path = Dir().path() / "raw.db";
  std::filesystem::remove(path);
  auto db = Database::Open(path);
  if (!db.ok()) return Fail(state, db.status());
  Status created = (*db)->Exec(
      "CREATE TABLE entries (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, kind INTEGER NOT "
      "NULL, salt BLOB, record BLOB) STRICT");
  if (!created.ok()) return Fail(state, created);
  const std::vector<NewRecord> batch = Batch(0);
  const Bytes salt(audit::kSaltSize, 0x5A);
  const Bytes leaf_hash(audit::kHashSize, 0xA5);
  std::int64_t next = 0;
  for (auto _ : state) {
    auto transaction = Transaction::Begin(**db, Transaction::Durability::kSync);
    if (!transaction.ok()) return Fail(state, transaction.status());
    for (const NewRecord& r : batch) {
      auto insert = (*db)->Cached(
          "INSERT INTO entries (idx, leaf_hash, kind, salt, record) "
          "VALUES (?, ?, ?, ?, ?)");
      if (!insert.ok()) return Fail(state, insert.status());
      Status s = (*insert)
                     ->BindInt(1, next++)
                     .BindBlob(2, leaf_hash)
                     .BindInt(3, static_cast<int>(r.kind))
                     .BindBlob(4, salt)
                     .BindBlob(5, r.record)
                     .Run();
      if (!s.ok()) return Fail(state, s);
    }
    Status committed = transaction->Commit();
    if (!committed.ok()) return Fail(state, committed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_RawSqliteInsertDurable)->UseRealTime()->Unit(benchmark::kMillisecond);

// A log of 1M records in a file, built once (batches of 10000, durable at the end).
AuditLog& MillionLog() {
  static SystemClock clock;
  static SeededRandom random(1);
  static std::unique_ptr<AuditLog> log = [] {
    AuditLog::Options options;
    options.durability = Transaction::Durability::kNormal;
    auto opened = AuditLog::Open(Dir().path() / "million.db", kOrigin, Key().public_key(), random,
                                 clock, options);
    if (!opened.ok()) std::abort();
    for (std::uint64_t first = 0; first < kMillion; first += 10 * kBatch) {
      std::vector<NewRecord> records;
      for (std::uint64_t b = 0; b < 10; ++b) {
        std::vector<NewRecord> batch = Batch(first + b * kBatch);
        records.insert(records.end(), batch.begin(), batch.end());
      }
      if (!(*opened)->Append(records).ok()) std::abort();
    }
    return std::move(opened).value();
  }();
  return *log;
}

void ReportProofSize(benchmark::State& state, std::size_t hashes) {
  state.counters["hashes"] = static_cast<double>(hashes);
  state.counters["proof_bytes"] = static_cast<double>(hashes * audit::kHashSize);
}

// Building an inclusion proof from the file: O(log n) node reads.
void BM_InclusionProve1M(benchmark::State& state) {
  AuditLog& log = MillionLog();
  SeededRandom random(7);
  std::size_t hashes = 0;
  for (auto _ : state) {
    const Bytes r = random.Generate(8);
    std::uint64_t index = 0;
    for (const std::uint8_t b : r) index = (index << 8) | b;
    auto proof = log.ProveInclusion(index % kMillion, kMillion);
    if (!proof.ok()) return Fail(state, proof.status());
    hashes = proof->path.size();
    benchmark::DoNotOptimize(proof->path.data());
  }
  ReportProofSize(state, hashes);
}
BENCHMARK(BM_InclusionProve1M)->Unit(benchmark::kMicrosecond);

void BM_InclusionVerify1M(benchmark::State& state) {
  AuditLog& log = MillionLog();
  const std::uint64_t index = 123'456;
  const audit::InclusionProof proof = *log.ProveInclusion(index, kMillion);
  const Hash leaf = log.GetRecord(index)->leaf_hash;
  const Hash root = log.Root();
  for (auto _ : state) {
    Status s = audit::VerifyInclusion(leaf, proof, root);
    if (!s.ok()) return Fail(state, s);
  }
  ReportProofSize(state, proof.path.size());
}
BENCHMARK(BM_InclusionVerify1M)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProveAndVerify1M(benchmark::State& state) {
  AuditLog& log = MillionLog();
  const std::uint64_t first = 654'321;
  const Hash first_root = *log.RootAt(first);
  const Hash root = log.Root();
  std::size_t hashes = 0;
  for (auto _ : state) {
    auto proof = log.ProveConsistency(first, kMillion);
    if (!proof.ok()) return Fail(state, proof.status());
    Status s = audit::VerifyConsistency(*proof, first_root, root);
    if (!s.ok()) return Fail(state, s);
    hashes = proof->path.size();
  }
  ReportProofSize(state, hashes);
}
BENCHMARK(BM_ConsistencyProveAndVerify1M)->Unit(benchmark::kMicrosecond);

// 100M leaves: a proof of the right length with random sibling hashes; the root is what the
// verifier computes from them, so verification does the full work and succeeds.
void BM_InclusionVerify100M(benchmark::State& state) {
  SeededRandom random(11);
  const std::uint64_t index = 76'543'210;
  audit::InclusionProof proof{index, kHundredMillion, {}};
  proof.path.resize(audit::InclusionProofLength(index, kHundredMillion));
  for (Hash& h : proof.path) random.Fill(h);
  Hash leaf;
  random.Fill(leaf);
  const Hash root = *audit::RootFromInclusionProof(leaf, proof);
  for (auto _ : state) {
    Status s = audit::VerifyInclusion(leaf, proof, root);
    if (!s.ok()) return Fail(state, s);
  }
  ReportProofSize(state, proof.path.size());
}
BENCHMARK(BM_InclusionVerify100M)->Unit(benchmark::kMicrosecond);

// "durable appends: N records/s; raw SQLite inserts of the same rows: M records/s; ratio R",
// from the medians' items_per_second; nothing when either benchmark did not run.
void PrintAppendRatio(const bench::Medians& medians) {
  const auto rate = [&](const char* name) -> std::optional<double> {
    const auto run = medians.find(name);
    if (run == medians.end()) return std::nullopt;
    const auto items = run->second.counters.find("items_per_second");
    if (items == run->second.counters.end()) return std::nullopt;
    return items->second.value;
  };
  const std::optional<double> log = rate("BM_AuditAppendDurable");
  const std::optional<double> raw = rate("BM_RawSqliteInsertDurable");
  if (!log || !raw || *raw <= 0) return;
  std::printf(
      "durable appends: %.0f records/s; raw SQLite inserts of the same rows: %.0f "
      "records/s; ratio %.2f\n",
      *log, *raw, *log / *raw);
}

}  // namespace
}  // namespace sekisho

int main(int argc, char** argv) {
  // The usual table, then the append rate against the raw-insert baseline.
  sekisho::bench::MedianReporter reporter(sekisho::PrintAppendRatio);
  return sekisho::bench::RunBenchmarks(argc, argv, reporter);
}
