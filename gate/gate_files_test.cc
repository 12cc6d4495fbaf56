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
