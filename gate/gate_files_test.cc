#include "gate/gate_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/random.h"
#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

GateConfig SampleConfig() {
  return {.server_host = "127.0.0.1",
          .server_port = 8443,
          .gate = 3,
          .name = "Main entrance lane 1",
          .doors = {4, 9},
          .snapshot_public_key = Bytes(32, 0xAB)};
}

TEST(GateConfigTest, RoundTrips) {
  Result<GateConfig> parsed = ParseGateConfig(FormatGateConfig(SampleConfig()));
  ASSERT_THAT(parsed.status(), IsOk());
  EXPECT_EQ(*parsed, SampleConfig());
}

TEST(GateConfigTest, RefusesWhatIsWrongWithAPreciseMessage) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::string good = FormatGateConfig(SampleConfig());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const Case cases[] = {
      {"[]", "not a JSON object"},
      {"{", "not a JSON object"},
      {with("\"gate\": 3", "\"gate\": 0"), "gate: expected a gate id"},
      {with("\"server_port\": 8443", "\"server_port\": 70000"), "server_port"},
      {with("\"name\"", "\"nom\""), "nom: unknown key"},
      {with("\"doors\": [\n    4,", "\"doors\": [\n    0,"), "doors: expected door ids"},
      {with(std::string(64, 'a').replace(0, 64, ToHex(Bytes(32, 0xAB))), "abcd"),
       "snapshot_public_key: expected 32 bytes"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseGateConfig(c.text),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
}

// Files written before the organisation was recorded have none; files after have it.
TEST(GateConfigTest, OrganisationIsOptional) {
  GateConfig config = SampleConfig();
  EXPECT_EQ(FormatGateConfig(config).find("organisation"), std::string::npos);
  config.organisation = "acme-corp";
  Result<GateConfig> parsed = ParseGateConfig(FormatGateConfig(config));
  ASSERT_THAT(parsed.status(), IsOk());
  EXPECT_EQ(*parsed, config);
  std::string text = FormatGateConfig(config);
  text.replace(text.find("\"acme-corp\""), 11, "7");
  EXPECT_THAT(ParseGateConfig(text),
              StatusIs(StatusCode::kInvalidArgument, "gate.json: organisation: expected a string"));
}

TEST(GateFilesTest, SavesARolledOverSnapshotKey) {
  card::sim::testing::TempDir dir;
  GateFiles files(dir.path());
  GateConfig config = SampleConfig();
  ASSERT_THAT(files.WriteConfig(config), IsOk());
  SeededRandom random(6);
  const Ed25519PrivateKey next = Ed25519PrivateKey::Generate(random);
  ASSERT_THAT(files.SaveSnapshotKey(config, next.public_key(), "acme-corp"), IsOk());
  EXPECT_EQ(config.snapshot_public_key, next.public_key().bytes());
  EXPECT_EQ(config.organisation, "acme-corp");
  Result<GateConfig> read = files.ReadConfig();
  ASSERT_THAT(read.status(), IsOk());
  EXPECT_EQ(*read, config);

  // A failed write changes neither the file nor the config held.
  GateFiles gone(dir.path() / "missing");
  const Ed25519PrivateKey later = Ed25519PrivateKey::Generate(random);
  EXPECT_THAT(gone.SaveSnapshotKey(config, later.public_key(), "acme-corp"),
              StatusIs(StatusCode::kUnavailable, HasSubstr("saving the rolled-over snapshot key")));
  EXPECT_EQ(config.snapshot_public_key, next.public_key().bytes());
}

TEST(GateFilesTest, KeysAndConfigRoundTripWithPrivateModes) {
  card::sim::testing::TempDir dir;
  GateFiles files(dir.path());
  EXPECT_THAT(files.ReadConfig(), StatusIs(StatusCode::kNotFound, HasSubstr("gate register")));
  ASSERT_THAT(files.WriteConfig(SampleConfig()), IsOk());
  Result<GateConfig> config = files.ReadConfig();
  ASSERT_THAT(config.status(), IsOk());
  EXPECT_EQ(*config, SampleConfig());

  SeededRandom random(5);
  Ed25519PrivateKey key = Ed25519PrivateKey::Generate(random);
  ASSERT_THAT(files.WriteBatchKey(key), IsOk());
  Result<Ed25519PrivateKey> read = files.ReadBatchKey();
  ASSERT_THAT(read.status(), IsOk());
  EXPECT_EQ(read->public_key(), key.public_key());
  EXPECT_THAT(files.WriteBatchKey(key), StatusIs(StatusCode::kAlreadyExists));
  const auto perms = std::filesystem::status(files.Path(kBatchKeyFile)).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  identity::OrgKey org = identity::OrgKey::Generate(random);
  ASSERT_THAT(files.WriteOrgKey(org), IsOk());
  Result<identity::OrgKey> org_read = files.ReadOrgKey();
  ASSERT_THAT(org_read.status(), IsOk());
  EXPECT_TRUE(std::equal(org_read->view().begin(), org_read->view().end(), org.view().begin(),
                         org.view().end()));
}

}  // namespace
}  // namespace sekisho::gate
