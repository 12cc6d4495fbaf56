// The privacy principles of DESIGN.md §1, one test per concern: a simulated My Number Card
// enrolled through access::Enrol into a real data directory (SQLite registry in WAL mode, key
// files, anchors, config) with the log and the audit log written into it as well.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <set>

#include "access/audit_feed.h"
#include "access/test_site.h"
#include "audit/audit_log.h"
#include "audit/key_file.h"
#include "base/log.h"
#include "base/status_matchers.h"
#include "card/apdu_firewall.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_channel.h"
#include "card/sim/simulated_card.h"
#include "identity/pseudonym.h"
#include "pki/certificate.h"
#include "pki/file_io.h"
#include "tests/privacy/card_data.h"
#include "tests/privacy/leak_scanner.h"

namespace sekisho::privacy {
namespace {

using access::testing::kEnrolTime;
using access::testing::kTestPin;
using access::testing::TempDir;
using access::testing::TestOrg;
using access::testing::TestSite;
using access::testing::World;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
namespace mn = card::mynumber;

// Between the firewall's output and the card: keeps the header (CLA INS P1 P2) and the data of
// every command that reached the card, so tests can say what the card was asked.
class RecordingChannel final : public card::CardChannel {
 public:
  struct Command {
    std::uint8_t ins, p1, p2;
    Bytes data;
  };
  explicit RecordingChannel(card::CardChannel& inner) : inner_(inner) {}
  Result<Bytes> Transmit(ByteView command) override {
    Command c{command.size() > 1 ? command[1] : std::uint8_t{0},
              command.size() > 2 ? command[2] : std::uint8_t{0},
              command.size() > 3 ? command[3] : std::uint8_t{0},
              {}};
    if (command.size() > 5 && command[4] != 0 && command.size() >= 5u + command[4]) {
      c.data.assign(command.begin() + 5, command.begin() + 5 + command[4]);
    }
    commands.push_back(std::move(c));
    return inner_.Transmit(command);
  }
  Result<Bytes> Atr() override { return inner_.Atr(); }
  Status Reset() override { return inner_.Reset(); }
  bool IsPresent() override { return inner_.IsPresent(); }

  std::vector<Command> commands;

 private:
  card::CardChannel& inner_;
};

// A simulated card in a channel, recorded.
struct RecordedCard {
  explicit RecordedCard(const card::sim::CardProfile& profile)
      : card(card::sim::testing::NewTestCard(profile)), channel(*card), recorder(channel) {}
  std::unique_ptr<card::sim::SimulatedCard> card;
  card::sim::SimChannel channel;
  RecordingChannel recorder;
};

pki::Certificate AuthCertificate() {
  auto cert = pki::Certificate::FromDer(World().profile.auth_certificate);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

// Logs go to data/logs/sekisho.log at debug level (the most that is ever logged), not stderr.
void LogInto(const access::DataDir& dir) {
  LogOptions options;
  options.level = spdlog::level::debug;
  options.file = dir.log_path();
  options.to_stderr = false;
  InitLogging(options);
}

std::size_t FileSize(const std::filesystem::path& p) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(p, ec);
  return ec ? 0 : static_cast<std::size_t>(size);
}

// The data directory's audit log as the CLI opens it (key file created on first use), with
// every admin event of the site's registry fed into it (P5).
struct FedAuditLog {
  SeededRandom random{7};
  std::unique_ptr<audit::AuditLog> log;
  std::size_t fed = 0;
};

void OpenAndFeedAuditLog(TestSite& site, FedAuditLog& out) {
  const std::filesystem::path root = site.dir().root();
  auto key = audit::LoadOrCreateCheckpointKeyFile(root / audit::kCheckpointKeyFileName, out.random);
  ASSERT_THAT(key, IsOk());
  auto log = audit::AuditLog::Open(root / audit::kAuditLogFileName,
                                   audit::LogOriginForKey(key->public_key()), key->public_key(),
                                   out.random, site.clock());
  ASSERT_THAT(log, IsOk());
  out.log = std::move(log).value();
  auto fed = access::FeedAdminEvents(site.registry(), *out.log);
  ASSERT_THAT(fed, IsOk());
  out.fed = *fed;
}

// The records of kind `admin` in the audit log file, read with plain SQLite.
std::vector<std::string> AdminRecordsInFile(const std::filesystem::path& db_path) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* rows = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT record FROM entries WHERE kind = 2 ORDER BY idx", -1,
                               &rows, nullptr),
            SQLITE_OK);
  while (sqlite3_step(rows) == SQLITE_ROW) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(rows, 0));
    out.emplace_back(p, p + sqlite3_column_bytes(rows, 0));
  }
  sqlite3_finalize(rows);
  sqlite3_close(db);
  return out;
}

// ---------------------------------------------------------------------------------------------
// C2: two organisations cannot link a person.

// Every stored value of every column of every table, as text for TEXT columns and bytes for BLOB
// columns, read with plain SQLite (no Sekisho code in between).
struct ColumnValues {
  std::map<std::string, std::set<Bytes>> blobs;       // "table.column" -> values
  std::map<std::string, std::set<std::string>> text;  // "table.column" -> values
};

ColumnValues ReadAllColumns(const std::filesystem::path& db_path) {
  ColumnValues out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<std::string> tables;
  sqlite3_stmt* list = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list,
                               nullptr),
            SQLITE_OK);
  while (sqlite3_step(list) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
  }
  sqlite3_finalize(list);
  for (const std::string& table : tables) {
    sqlite3_stmt* rows = nullptr;
    EXPECT_EQ(
        sqlite3_prepare_v2(db, ("SELECT * FROM \"" + table + "\"").c_str(), -1, &rows, nullptr),
        SQLITE_OK);
    while (sqlite3_step(rows) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(rows); ++i) {
        const std::string column = table + "." + sqlite3_column_name(rows, i);
        if (sqlite3_column_type(rows, i) == SQLITE_BLOB) {
          const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(rows, i));
          out.blobs[column].insert(Bytes(p, p + sqlite3_column_bytes(rows, i)));
        } else if (sqlite3_column_type(rows, i) == SQLITE_TEXT) {
          out.text[column].insert(reinterpret_cast<const char*>(sqlite3_column_text(rows, i)));
        }
      }
    }
    sqlite3_finalize(rows);
  }
  sqlite3_close(db);
  return out;
}

// Every window of 8 bytes of every BLOB value.
std::set<Bytes> Windows(const ColumnValues& values) {
  std::set<Bytes> windows;
  for (const auto& [column, set] : values.blobs) {
    for (const Bytes& v : set) {
      for (std::size_t i = 0; i + 8 <= v.size(); ++i)
        windows.insert(Bytes(v.begin() + i, v.begin() + i + 8));
    }
  }
  return windows;
}

TEST(PrivacyTest, C2_SameCardInTwoOrganisationsDatabasesShareNothing) {
  TempDir temp;
  TestSite a(temp.path() / "acme", 1);
  TestSite b(temp.path() / "globex", 2);
  TestOrg& acme = a.AddOrg("Acme", 101);
  TestOrg& globex = b.AddOrg("Globex", 202);
  // The same person, entered by each employer's HR: the name is the one thing they share.
  const store::Staff at_acme = a.AddStaff(acme, "A-0001", "Aoi Tanaka");
  const store::Staff at_globex = b.AddStaff(globex, "G-7777", "Aoi Tanaka");
  RecordedCard card_a(access::testing::TestProfile());
  auto enrolled_a = a.Enrol(acme, at_acme, card_a.recorder);
  ASSERT_THAT(enrolled_a, IsOk());
  RecordedCard card_b(access::testing::TestProfile());
  auto enrolled_b = b.Enrol(globex, at_globex, card_b.recorder);
  ASSERT_THAT(enrolled_b, IsOk());
  EXPECT_NE(enrolled_a->display_pseudonym, enrolled_b->display_pseudonym);
  a.CloseRegistry();
  b.CloseRegistry();

  const ColumnValues va = ReadAllColumns(a.dir().registry_path());
  const ColumnValues vb = ReadAllColumns(b.dir().registry_path());
  ASSERT_TRUE(va.blobs.contains("credentials.pseudonym"));
  ASSERT_TRUE(va.blobs.contains("credentials.keyed_serial"));
  ASSERT_TRUE(va.blobs.contains("staff.staff_ref"));

  // Join every BLOB column of one database with every BLOB column of the other: nothing.
  for (const auto& [ca, values_a] : va.blobs) {
    for (const auto& [cb, values_b] : vb.blobs) {
      for (const Bytes& v : values_a) {
        EXPECT_FALSE(values_b.contains(v)) << ca << " = " << cb;
      }
    }
  }
  // Not even a shared run of 8 bytes (a truncated or embedded identifier).
  const std::set<Bytes> wa = Windows(va);
  for (const Bytes& w : Windows(vb)) EXPECT_FALSE(wa.contains(w)) << ToHex(w);

  // Join every TEXT column with every TEXT column: only the HR-entered name and department, the
  // actors' names and the fixed vocabulary (statuses, kinds, actions, event details, SQLite's
  // own table names) match. The join does
  // find the name, which shows it would find a card-derived value as well.
  std::set<std::string> common;
  for (const auto& [ca, values_a] : va.text) {
    for (const auto& [cb, values_b] : vb.text) {
      for (const std::string& v : values_a) {
        if (values_b.contains(v)) common.insert(v);
      }
    }
  }
  EXPECT_TRUE(common.contains("Aoi Tanaka"));
  const std::set<std::string> allowed = {
      "Aoi Tanaka",  "Security",     "hr-admin",  "enrol-desk-1", "test-admin",
      "active",      "jpki",         "kind jpki", "enrolled",     "organisation-created",
      "staff-added", "admin_events", ""};
  for (const std::string& v : common) EXPECT_TRUE(allowed.contains(v)) << "shared text: " << v;
  // No pseudonym in display form crosses over either.
  for (const auto& [cb, values_b] : vb.text) {
    for (const std::string& v : values_b) {
      EXPECT_EQ(v.find(enrolled_a->display_pseudonym), std::string::npos) << cb;
    }
  }
}

TEST(PrivacyTest, C2_SameCardInTwoOrganisationsOfOneDataDirectoryGetsUnrelatedIdentifiers) {
  TempDir temp;
  TestSite site(temp.path() / "shared");
  TestOrg& acme = site.AddOrg("Acme", 101);
  TestOrg& globex = site.AddOrg("Globex", 202);
  RecordedCard card_a(access::testing::TestProfile());
  auto a = site.Enrol(acme, site.AddStaff(acme, "A-0001", "Aoi Tanaka"), card_a.recorder);
  ASSERT_THAT(a, IsOk());
  // Not "already exists": the other organisation cannot even tell the card is known.
  RecordedCard card_b(access::testing::TestProfile());
  auto b = site.Enrol(globex, site.AddStaff(globex, "G-7777", "Aoi Tanaka"), card_b.recorder);
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(a->credential.pseudonym, b->credential.pseudonym);
  EXPECT_NE(a->credential.keyed_serial, b->credential.keyed_serial);
  EXPECT_NE(a->display_pseudonym, b->display_pseudonym);
  // Each organisation looks up only its own value.
  EXPECT_THAT(site.registry().FindCredentialByPseudonym(globex.org.id, a->credential.pseudonym),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(site.registry().FindCredentialByKeyedSerial(acme.org.id, *b->credential.keyed_serial),
              StatusIs(StatusCode::kNotFound));
}

// ---------------------------------------------------------------------------------------------
// C3: nothing from the card but keyed values is kept; only the JPKI auth path is touched.

TEST(PrivacyTest, C3_EnrolmentLeavesNoCardDataInDatabaseWalOrLogs) {
  TempDir temp;
  TestSite site(temp.path() / "data");
  LogInto(site.dir());
  TestOrg& org = site.AddOrg("Acme", 101);
  const store::Staff staff = site.AddStaff(org, "E-1001", "Aoi Tanaka");
  const card::sim::CardProfile profile = access::testing::TestProfile();
  constexpr std::string_view kWrongPin = "4826";

  // A full run: a wrong PIN first, then the enrolment, a CRL import, a revocation.
  RecordedCard card(profile);
  EXPECT_THAT(site.Enrol(org, staff, card.recorder, false, kWrongPin),
              StatusIs(StatusCode::kUnauthenticated));
  RecordedCard again(profile);
  auto enrolled = site.Enrol(org, staff, again.recorder);
  ASSERT_THAT(enrolled, IsOk());
  ASSERT_THAT(site.ImportCrl(org, access::testing::AuthCrl({}, kEnrolTime)), IsOk());
  ASSERT_THAT(org.revoked.Save(site.dir().revoked_serials_path("Acme")), IsOk());
  ASSERT_THAT(access::RevokeStaffCredentials(site.registry(), org.org.id, staff.id, "card lost",
                                             "security-admin"),
              IsOk());
  // Every admin action goes into the audit log in the data directory (P5).
  FedAuditLog audit_log;
  ASSERT_NO_FATAL_FAILURE(OpenAndFeedAuditLog(site, audit_log));
  spdlog::default_logger()->flush();

  const LeakScanner scanner = CardDataScanner(profile, {kTestPin, kWrongPin});
  const auto root = site.dir().root();
  // While the registry and the audit log are open, with their write-ahead logs...
  ASSERT_GT(FileSize(root / "registry.db-wal"), 0u);
  ASSERT_GT(FileSize(root / "registry.db-shm"), 0u);
  ASSERT_GT(FileSize(root / "audit.db-wal"), 0u);
  ASSERT_GT(FileSize(site.dir().log_path()), 0u);
  auto open_files = scanner.Files(root);
  ASSERT_THAT(open_files, IsOk());
  std::set<std::string> open_names;
  for (const auto& f : *open_files) open_names.insert(f.filename().string());
  for (const char* expected : {"registry.db-wal", "audit.db", "audit.db-wal", "audit-key"}) {
    EXPECT_TRUE(open_names.contains(expected)) << expected << " was not scanned";
  }
  auto findings = scanner.ScanTree(root);
  ASSERT_THAT(findings, IsOk());
  EXPECT_THAT(*findings, IsEmpty()) << Describe(*findings);
  // ... and after they were checkpointed into the database files and closed.
  audit_log.log.reset();
  site.CloseRegistry();
  ASSERT_GT(FileSize(root / "registry.db"), 0u);
  ASSERT_GT(FileSize(root / "audit.db"), 0u);
  findings = scanner.ScanTree(root);
  ASSERT_THAT(findings, IsOk());
  EXPECT_THAT(*findings, IsEmpty()) << Describe(*findings);

  // The same scanner finds each kind of item once it is planted there.
  const std::filesystem::path planted = root / "logs" / "planted.log";
  for (const Bytes& item :
       {ToBytes(profile.my_number), ToBytes(ToHex(AuthCertificate().SerialNumber())),
        ToBytes(Base64(AuthCertificate().SubjectPublicKeyInfoDer())), ToBytes(kTestPin),
        ToBytes(profile.identity.address)}) {
    {
      std::ofstream out(planted, std::ios::binary | std::ios::trunc);
      out << "line " << ToString(item) << "\n";
    }
    auto found = scanner.ScanTree(root);
    ASSERT_THAT(found, IsOk());
    EXPECT_FALSE(found->empty()) << "a planted item was not found";
  }
  std::filesystem::remove(planted);
  EXPECT_GT(scanner.needle_count(), 100u);

  auto files = scanner.Files(root);
  ASSERT_THAT(files, IsOk());
  std::set<std::string> names;
  for (const auto& f : *files) names.insert(f.filename().string());
  for (const char* expected : {"registry.db", "audit.db", "audit-key", "config.json", "sekisho.log",
                               "k_org", "org.json", "revoked-serials.json"}) {
    EXPECT_TRUE(names.contains(expected)) << expected << " was not scanned";
  }
  // The audit log holds the admin records, so its scan meant something: one per registry event,
  // the enrolment and the revocation among them, naming staff and credentials by row id only
  // (not the HR-entered name or number, nor the revocation's free-text reason).
  const std::vector<std::string> records = AdminRecordsInFile(root / "audit.db");
  EXPECT_EQ(records.size(), audit_log.fed);
  EXPECT_GE(records.size(), 5u);  // organisation, staff, enrolled, CRL imported, revoked
  std::string all;
  for (const std::string& r : records) all += r + "\n";
  EXPECT_THAT(all, HasSubstr("\"action\":\"enrolled\""));
  EXPECT_THAT(all, HasSubstr("\"action\":\"revoked\",\"actor\":\"security-admin\""));
  auto audit_file = pki::ReadSmallFile(root / "audit.db");
  ASSERT_THAT(audit_file, IsOk());
  for (const char* personal : {"Aoi Tanaka", "E-1001", "card lost"}) {
    EXPECT_EQ(all.find(personal), std::string::npos) << personal;
    EXPECT_EQ(audit_file->find(personal), std::string::npos) << personal << " in audit.db";
  }
  // The log says what happened, so its scan meant something.
  auto log = pki::ReadSmallFile(site.dir().log_path());
  ASSERT_THAT(log, IsOk());
  EXPECT_THAT(*log, HasSubstr("enrolled credential " + enrolled->display_pseudonym));
  EXPECT_THAT(*log, HasSubstr("APDU firewall: allowed "));
}

TEST(PrivacyTest, C3_FirewallLogShowsEnrolmentTouchedOnlyTheJpkiAuthPath) {
  TempDir temp;
  TestSite site(temp.path() / "data");
  LogInto(site.dir());
  TestOrg& org = site.AddOrg("Acme", 101);
  RecordedCard card(access::testing::TestProfile());
  auto enrolled = site.Enrol(org, site.AddStaff(org, "E-1001", "Aoi Tanaka"), card.recorder);
  ASSERT_THAT(enrolled, IsOk());

  // The firewall's own account: every command it let through was in the JPKI application, on
  // the token, the auth certificate, the auth PIN or the auth key; none was refused.
  EXPECT_EQ(enrolled->firewall_refused, 0u);
  ASSERT_FALSE(enrolled->card_log.empty());
  const std::vector<std::string> allowed_files = {"EF 0006", "EF 000A", "EF 0017", "EF 0018"};
  for (const std::string& line : enrolled->card_log) {
    EXPECT_THAT(line, HasSubstr("JPKI application")) << line;
    const bool selects_application = line.starts_with("SELECT of the JPKI application");
    bool names_allowed_file = false;
    for (const std::string& f : allowed_files)
      names_allowed_file |= line.find(f) != std::string::npos;
    EXPECT_TRUE(selects_application || names_allowed_file) << line;
    for (const char* forbidden : {"EF 0001", "EF 0002", "EF 001A", "EF 001B", "input-assist",
                                  "card-face", "residence", "common"}) {
      EXPECT_EQ(line.find(forbidden), std::string::npos) << line;
    }
  }
  // The same lines are in the log file (at debug level).
  spdlog::default_logger()->flush();
  auto log = pki::ReadSmallFile(site.dir().log_path());
  ASSERT_THAT(log, IsOk());
  for (const std::string& line : enrolled->card_log)
    EXPECT_THAT(*log, HasSubstr("APDU firewall: allowed " + line));

  // And what reached the card, seen below the firewall: the JPKI AID and its auth files only.
  ASSERT_EQ(card.recorder.commands.size(), enrolled->apdu_count);
  const Bytes jpki(mn::kJpkiAid.begin(), mn::kJpkiAid.end());
  const std::set<std::uint16_t> fids = {mn::kJpkiToken, mn::kJpkiAuthCert, mn::kJpkiAuthKey,
                                        mn::kJpkiAuthPin};
  for (const RecordingChannel::Command& c : card.recorder.commands) {
    if (c.ins == mn::kInsSelect && c.p1 == 0x04) {
      EXPECT_EQ(c.data, jpki);
    } else if (c.ins == mn::kInsSelect) {
      ASSERT_EQ(c.data.size(), 2u);
      EXPECT_TRUE(fids.contains(ReadU16(c.data[0], c.data[1])));
    } else if (c.ins == mn::kInsReadBinary) {
      if ((c.p1 & 0x80) != 0) {
        EXPECT_TRUE(fids.contains(c.p1 & 0x1F)) << int{c.p1};
      }
    } else if (c.ins == mn::kInsVerify) {
      EXPECT_TRUE(c.p2 == (0x80 | mn::kJpkiAuthPin) || c.p2 == 0x80) << int{c.p2};
    } else if (c.ins == mn::kInsComputeSignature) {
      EXPECT_TRUE(c.p2 == (0x80 | mn::kJpkiAuthKey) || c.p2 == 0x80) << int{c.p2};
    } else {
      ADD_FAILURE() << "instruction " << int{c.ins} << " reached the card";
    }
  }
}

// ---------------------------------------------------------------------------------------------
// C6: the last PIN try is never used.

TEST(PrivacyTest, C6_CardWithOneTryLeftIsRefusedBeforeThePinIsSent) {
  TempDir temp;
  TestSite site(temp.path() / "data");
  TestOrg& org = site.AddOrg("Acme", 101);
  const store::Staff staff = site.AddStaff(org, "E-1001", "Aoi Tanaka");
  RecordedCard card(access::testing::TestProfile(/*auth_tries=*/1));
  bool pin_asked = true;
  EXPECT_THAT(site.Enrol(org, staff, card.recorder, false, kTestPin, &pin_asked),
              StatusIs(StatusCode::kPermissionDenied,
                       ::testing::AllOf(HasSubstr("only one try is left"),
                                        HasSubstr("visit your municipal office"))));
  EXPECT_FALSE(pin_asked) << "the holder was asked for the PIN";
  for (const RecordingChannel::Command& c : card.recorder.commands) {
    EXPECT_FALSE(c.ins == mn::kInsVerify && !c.data.empty()) << "a PIN reached the card";
  }
  EXPECT_EQ(card.card->profile().counters.auth_pin, 1);
  auto credentials = site.registry().ListCredentials(org.org.id, staff.id);
  ASSERT_THAT(credentials, IsOk());
  EXPECT_THAT(*credentials, IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// C4 (P4): revocation by the issuer.

TEST(PrivacyTest, RevokedCertificate_OnTheTestCrlCannotBeEnrolled) {
  TempDir temp;
  TestSite site(temp.path() / "data");
  TestOrg& org = site.AddOrg("Acme", 101);
  const store::Staff staff = site.AddStaff(org, "E-1001", "Aoi Tanaka");
  const Bytes serial = AuthCertificate().SerialNumber();
  ASSERT_THAT(site.ImportCrl(org, access::testing::AuthCrl({&serial, 1}, kEnrolTime)), IsOk());
  RecordedCard card(access::testing::TestProfile());
  bool pin_asked = true;
  EXPECT_THAT(site.Enrol(org, staff, card.recorder, false, kTestPin, &pin_asked),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("revoked")));
  EXPECT_FALSE(pin_asked);
  auto credentials = site.registry().ListCredentials(org.org.id, staff.id);
  ASSERT_THAT(credentials, IsOk());
  EXPECT_THAT(*credentials, IsEmpty());
}

TEST(PrivacyTest, RevokedCertificate_AfterEnrolmentIsMarkedRevokedOnCrlImport) {
  TempDir temp;
  TestSite site(temp.path() / "data");
  TestOrg& org = site.AddOrg("Acme", 101);
  const store::Staff staff = site.AddStaff(org, "E-1001", "Aoi Tanaka");
  RecordedCard card(access::testing::TestProfile());
  auto enrolled = site.Enrol(org, staff, card.recorder);
  ASSERT_THAT(enrolled, IsOk());
  ASSERT_THAT(site.ImportCrl(org, access::testing::AuthCrl({}, kEnrolTime)), IsOk());
  auto still = site.registry().GetCredential(org.org.id, enrolled->credential.id);
  ASSERT_THAT(still, IsOk());
  EXPECT_EQ(still->status, store::CredentialStatus::kActive);

  site.clock().Advance(std::chrono::hours(24 * 7));
  const Bytes serial = AuthCertificate().SerialNumber();
  auto imported = site.ImportCrl(org, access::testing::AuthCrl({&serial, 1}, site.clock().Now()));
  ASSERT_THAT(imported, IsOk());
  EXPECT_EQ(imported->marked, 1u);
  auto revoked = site.registry().GetCredential(org.org.id, enrolled->credential.id);
  ASSERT_THAT(revoked, IsOk());
  EXPECT_EQ(revoked->status, store::CredentialStatus::kRevoked);
  EXPECT_EQ(revoked->status_changed_at, store::TruncateToMillis(site.clock().Now()));
}

}  // namespace
}  // namespace sekisho::privacy
