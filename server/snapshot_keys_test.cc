#include "server/snapshot_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/random.h"
#include "base/secret_file.h"
#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"
#include "pki/file_io.h"
#include "sync/test_key_chain.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr SecretFileKind kTestSnapshotSeedKind{.name = "test seed",
                                               .secret = "a seed",
                                               .why_never_replaced = "test",
                                               .exposure = "test",
                                               .when_missing = ""};

class SnapshotKeysTest : public ::testing::Test {
 protected:
  std::filesystem::path Dir() const { return temp_.path(); }
  std::filesystem::path Path(std::string_view file) const { return temp_.path() / file; }
  Result<SnapshotKeys> Load() { return LoadSnapshotKeys(Dir(), "acme-corp", random_); }
  Result<SnapshotKeyRotation> Rotate() { return RotateSnapshotKey(Dir(), "acme-corp", random_); }
  void WriteSeed(std::string_view file, const Ed25519PrivateKey& key) {
    std::error_code ec;
    std::filesystem::remove(Path(file), ec);
    ASSERT_THAT(WriteSecretFile(Path(file), key.seed(), kTestSnapshotSeedKind), IsOk());
  }
  std::string ChainText() { return *pki::ReadSmallFile(Path(kSnapshotKeyChainFile)); }
  void WriteChainText(const std::string& text) {
    ASSERT_THAT(pki::WriteFileAtomically(Path(kSnapshotKeyChainFile), text, 0644), IsOk());
  }

  card::sim::testing::TempDir temp_;
  SeededRandom random_{17};
};

TEST_F(SnapshotKeysTest, TheKeyIsMadeOnceAndHasNoChainUntilRotated) {
  auto first = Load();
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->chain.has_value());
  auto again = Load();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->key.public_key(), first->key.public_key());
  const auto perms = std::filesystem::status(Path(kSnapshotKeyFile)).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(SnapshotKeysTest, RotationChainsEachKeyToTheNext) {
  auto before = Load();
  ASSERT_THAT(before, IsOk());
  const Ed25519PublicKey key0 = before->key.public_key();

  auto rotation = Rotate();
  ASSERT_THAT(rotation, IsOk());
  EXPECT_EQ(rotation->previous, key0);
  EXPECT_FALSE(rotation->next == key0);
  EXPECT_EQ(rotation->sequence, 1u);
  EXPECT_FALSE(rotation->resumed);
  EXPECT_FALSE(std::filesystem::exists(Path(kNextSnapshotKeyFile)));

  auto after = Load();
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->key.public_key(), rotation->next);
  ASSERT_TRUE(after->chain.has_value());
  EXPECT_EQ(after->chain->organisation, "acme-corp");
  EXPECT_EQ(after->chain->first_key, key0.bytes());
  auto end = sync::FollowKeyChain(*after->chain, key0, "acme-corp");
  ASSERT_THAT(end, IsOk());
  EXPECT_EQ(end->key, rotation->next);

  auto second = Rotate();
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->previous, rotation->next);
  EXPECT_EQ(second->sequence, 2u);
  auto latest = Load();
  ASSERT_THAT(latest, IsOk());
  ASSERT_EQ(latest->chain->rollovers.size(), 2u);
  // A gate that followed the first rollover follows the second from there.
  auto from_first = sync::FollowKeyChain(*latest->chain, rotation->next, "acme-corp");
  ASSERT_THAT(from_first, IsOk());
  EXPECT_EQ(from_first->key, second->next);
  EXPECT_EQ(from_first->followed, 1u);
}

// Stopped after step 1: only snapshot.key.next is there. The server refuses to start; the rerun
// finishes the rotation with that key.
TEST_F(SnapshotKeysTest, ARotationStoppedAfterTheNewKeyIsFinishedByARerun) {
  auto before = Load();
  ASSERT_THAT(before, IsOk());
  SeededRandom other(3);
  const Ed25519PrivateKey next = Ed25519PrivateKey::Generate(other);
  WriteSeed(kNextSnapshotKeyFile, next);
  EXPECT_THAT(Load().status(), StatusIs(StatusCode::kFailedPrecondition,
                                        HasSubstr("run `sekisho snapshot rotate-key` again")));
  auto rotation = Rotate();
  ASSERT_THAT(rotation, IsOk());
  EXPECT_TRUE(rotation->resumed);
  EXPECT_EQ(rotation->next, next.public_key());
  EXPECT_EQ(rotation->sequence, 1u);
  auto after = Load();
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->key.public_key(), next.public_key());
}

// Stopped after step 2: the chain names the new key, snapshot.key is still the old one.
TEST_F(SnapshotKeysTest, ARotationStoppedAfterTheStatementIsFinishedByARerun) {
  auto before = Load();
  ASSERT_THAT(before, IsOk());
  auto rotation = Rotate();
  ASSERT_THAT(rotation, IsOk());
  auto rotated = Load();
  ASSERT_THAT(rotated, IsOk());
  // Put the files back as they were between steps 2 and 3.
  WriteSeed(kNextSnapshotKeyFile, rotated->key);
  WriteSeed(kSnapshotKeyFile, before->key);
  const std::string chain = ChainText();

  auto resumed = Rotate();
  ASSERT_THAT(resumed, IsOk());
  EXPECT_TRUE(resumed->resumed);
  EXPECT_EQ(resumed->sequence, 1u);
  EXPECT_EQ(resumed->next, rotation->next);
  EXPECT_EQ(ChainText(), chain);  // no second statement
  auto after = Load();
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->key.public_key(), rotation->next);
}

TEST_F(SnapshotKeysTest, NoRotationBesideAnOpenSiteAndNoOpeningDuringOne) {
  ASSERT_THAT(Load(), IsOk());
  {
    auto shared = LockOrgFolder(Dir(), FolderLock::Mode::kShared);
    ASSERT_THAT(shared, IsOk());
    auto another = LockOrgFolder(Dir(), FolderLock::Mode::kShared);
    EXPECT_THAT(another, IsOk());  // several sites may be open together
    EXPECT_THAT(Rotate().status(),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("`sekisho serve`")));
  }
  {
    auto exclusive = LockOrgFolder(Dir(), FolderLock::Mode::kExclusive);
    ASSERT_THAT(exclusive, IsOk());
    EXPECT_THAT(LockOrgFolder(Dir(), FolderLock::Mode::kShared).status(),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("rotation is under way")));
  }
  EXPECT_THAT(Rotate(), IsOk());
}

TEST_F(SnapshotKeysTest, NothingToRotateBeforeTheKeyExists) {
  EXPECT_THAT(Rotate().status(),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("no snapshot key to rotate")));
}

TEST_F(SnapshotKeysTest, RefusesABrokenChainFile) {
  ASSERT_THAT(Load(), IsOk());
  ASSERT_THAT(Rotate(), IsOk());
  const std::string good = ChainText();
  auto chain = ParseKeyChainFile(good);
  ASSERT_THAT(chain, IsOk());

  sync::KeyChain forged = *chain;
  forged.rollovers[0].signature[3] ^= 0x10;
  WriteChainText(FormatKeyChainFile(forged));
  EXPECT_THAT(Load().status(),
              StatusIs(StatusCode::kDataLoss, HasSubstr("statement 1 does not verify")));
  EXPECT_THAT(Rotate().status(), StatusIs(StatusCode::kDataLoss));

  sync::KeyChain other_org = *chain;
  other_org.organisation = "globex";
  WriteChainText(FormatKeyChainFile(other_org));
  EXPECT_THAT(Load().status(),
              StatusIs(StatusCode::kDataLoss, HasSubstr("names organisation 'globex'")));

  // A genuine chain of another key run: it does not end at snapshot.key.
  WriteChainText(FormatKeyChainFile(sync::testing::MakeTestKeyChain("acme-corp", 1).chain));
  EXPECT_THAT(Load().status(), StatusIs(StatusCode::kDataLoss, HasSubstr("the chain ends at")));

  WriteChainText(good);
  EXPECT_THAT(Load(), IsOk());
  // A chain without snapshot.key: no fresh key is made behind the gates' back.
  std::filesystem::remove(Path(kSnapshotKeyFile));
  EXPECT_THAT(Load().status(), StatusIs(StatusCode::kNotFound));
}

TEST(KeyChainFileTest, RoundTripsAndRefusesWhatIsWrong) {
  const sync::KeyChain chain = sync::testing::MakeTestKeyChain("acme-corp", 2).chain;
  auto parsed = ParseKeyChainFile(FormatKeyChainFile(chain));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, chain);
  const std::string good = FormatKeyChainFile(chain);
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"[]", "snapshot-keys.json: not a JSON object"},
      {with("\"v\": 1", "\"v\": 2"), "\"v\" is not 1"},
      {with("\"organisation\"", "\"org\""), "unknown key \"org\""},
      {with("\"sequence\": 1", "\"sequence\": -1"), "rollover 1 is not"},
      {with("\"first_key\": \"", "\"first_key\": \"0"), "\"first_key\":"},
      {with("\"rollovers\": [", "\"rollovers\": [], \"x\": ["), "unknown key \"x\""},
      {with("\"acme-corp\"", "\"\""), "key chain: no organisation"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseKeyChainFile(c.text), StatusIs(StatusCode::kDataLoss, HasSubstr(c.message)))
        << c.text;
  }
}

}  // namespace
}  // namespace sekisho::server
