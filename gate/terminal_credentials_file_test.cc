#include "gate/terminal_credentials_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "badge/test_pki.h"
#include "base/status_matchers.h"
#include "base/test_file_mode.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::gate {
namespace {

using card::sim::testing::TempDir;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::ModeOf;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

Bytes AsBytes(ByteView v) { return Bytes(v.begin(), v.end()); }

const badge::Date kIssueDay{std::chrono::year(2026), std::chrono::November, std::chrono::day(28)};

// An issuance of a throw-away badge PKI and the terminal's key.
StoredTerminal TestStoredTerminal() {
  const badge::testing::TestOrganisation org =
      badge::testing::MakeTestOrganisation("GATE", kIssueDay);
  badge::EcKeyPair key;
  const badge::CvCertificate terminal = badge::testing::IssueTestTerminal(
      org, "JPGATETM007", kIssueDay, badge::testing::AddDays(kIssueDay, 2), badge::rights::kGate,
      &key);
  StoredTerminal stored;
  stored.issuance.dv_certificate = org.dv.der();
  stored.issuance.terminal_certificate = terminal.der();
  stored.issuance.trusted_chip_keys = {org.cvca_key.public_point};
  stored.issuance.sector_public_point = org.dv_key.public_point;
  stored.issuance.not_before = terminal.effective();
  stored.issuance.not_after = terminal.expiration();
  stored.private_pkcs8 = std::move(key.private_pkcs8);
  return stored;
}

std::string FileText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteText(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  ::chmod(p.c_str(), 0600);
}

class TerminalCredentialsFileTest : public ::testing::Test {
 protected:
  std::filesystem::path File() const { return temp_.path() / std::string(kBadgeTerminalFile); }
  TempDir temp_;
};

TEST_F(TerminalCredentialsFileTest, RoundTripIsMode0600AndKeepsEverything) {
  const StoredTerminal stored = TestStoredTerminal();
  ASSERT_THAT(WriteTerminalCredentials(File(), stored), IsOk());
  EXPECT_EQ(ModeOf(File()), 0600u);
  auto read = ReadTerminalCredentials(File());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->issuance.dv_certificate, stored.issuance.dv_certificate);
  EXPECT_EQ(read->issuance.terminal_certificate, stored.issuance.terminal_certificate);
  EXPECT_EQ(read->issuance.trusted_chip_keys, stored.issuance.trusted_chip_keys);
  EXPECT_EQ(read->issuance.sector_public_point, stored.issuance.sector_public_point);
  EXPECT_EQ(read->issuance.not_after, badge::testing::AddDays(kIssueDay, 2));
  EXPECT_EQ(AsBytes(read->private_pkcs8.view()), AsBytes(stored.private_pkcs8.view()));

  const auto held = HeldFrom(*read);
  ASSERT_TRUE(held->not_after.has_value());
  // Valid through the whole expiration day (UTC).
  EXPECT_EQ(*held->not_after, StartOf(badge::testing::AddDays(kIssueDay, 3)));

  // Replacing keeps the mode and leaves no temporary file behind.
  ASSERT_THAT(WriteTerminalCredentials(File(), TestStoredTerminal()), IsOk());
  EXPECT_EQ(ModeOf(File()), 0600u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(temp_.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(TerminalCredentialsFileTest, RefusesAFileOthersCouldRead) {
  ASSERT_THAT(WriteTerminalCredentials(File(), TestStoredTerminal()), IsOk());
  ASSERT_EQ(::chmod(File().c_str(), 0640), 0);
  EXPECT_THAT(ReadTerminalCredentials(File()),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("chmod 600")));
  ASSERT_EQ(::chmod(File().c_str(), 0600), 0);
  const std::filesystem::path link = temp_.path() / "link.json";
  std::filesystem::create_symlink(File(), link);
  EXPECT_THAT(ReadTerminalCredentials(link), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(ReadTerminalCredentials(temp_.path() / "none.json"), StatusIs(StatusCode::kNotFound));
}

TEST_F(TerminalCredentialsFileTest, MalformedFilesAreDataLossNamingWhat) {
  ASSERT_THAT(WriteTerminalCredentials(File(), TestStoredTerminal()), IsOk());
  const nlohmann::json good = nlohmann::json::parse(FileText(File()));
  const auto expect_data_loss = [&](const nlohmann::json& j, const std::string& what) {
    WriteText(File(), j.dump());
    EXPECT_THAT(ReadTerminalCredentials(File()), StatusIs(StatusCode::kDataLoss, HasSubstr(what)))
        << j.dump();
  };
  WriteText(File(), "{not json");
  EXPECT_THAT(ReadTerminalCredentials(File()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("not a JSON object")));

  nlohmann::json j = good;
  j["format_version"] = 2;
  expect_data_loss(j, "format_version");
  j = good;
  j.erase("private_key");
  expect_data_loss(j, "private_key");
  j = good;
  j["extra"] = 1;
  expect_data_loss(j, "extra");
  j = good;
  // A gate holds no batch CAN: an issuance that carries one is refused.
  j["issuance"]["can"] = "482913";
  expect_data_loss(j, "'can' is not a field");
  j = good;
  j["issuance"]["not_after"] = "2027-01-01";
  expect_data_loss(j, "not_after");
  j = good;
  j["issuance"]["trusted_chip_keys"] = nlohmann::json::array();
  expect_data_loss(j, "trusted_chip_keys");
  j = good;
  j["issuance"]["sector_public_key"] = "04";
  expect_data_loss(j, "sector_public_key");
  j = good;
  j["issuance"]["terminal_certificate"] = good["issuance"]["dv_certificate"];
  expect_data_loss(j, "terminal_certificate");
  j = good;
  j["issuance"]["dv_certificate"] = "zz";
  expect_data_loss(j, "dv_certificate");
  // A key of another terminal.
  j = good;
  StoredTerminal other = TestStoredTerminal();
  j["private_key"] = ToHex(other.private_pkcs8.view());
  expect_data_loss(j, "does not belong");

  // No message shows the private key.
  j = good;
  j["issuance"]["not_before"] = "yesterday";
  WriteText(File(), j.dump());
  auto read = ReadTerminalCredentials(File());
  EXPECT_THAT(read, StatusIs(StatusCode::kDataLoss,
                             Not(HasSubstr(good["private_key"].get<std::string>().substr(0, 16)))));
  WriteText(File(), std::string(65 * 1024, ' '));
  EXPECT_THAT(ReadTerminalCredentials(File()),
              StatusIs(StatusCode::kDataLoss, HasSubstr("64 KiB")));
}

TEST(TerminalIssuanceTest, EncodeDecodeRoundTripAndDates) {
  const StoredTerminal stored = TestStoredTerminal();
  auto decoded = DecodeTerminalIssuance(EncodeTerminalIssuance(stored.issuance));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->terminal_certificate, stored.issuance.terminal_certificate);
  EXPECT_EQ(FormatDate(kIssueDay), "2026-11-28");
  EXPECT_THAT(ParseDate("2026-11-28"), IsOk());
  EXPECT_EQ(*ParseDate("2026-11-28"), kIssueDay);
  EXPECT_THAT(ParseDate("2026-02-30"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDate("2026-1-28"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(EndOf(kIssueDay) - StartOf(kIssueDay), std::chrono::hours(24));
}

}  // namespace
}  // namespace sekisho::gate
