#include "sync/key_rollover.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "sync/test_key_chain.h"

namespace sekisho::sync {
namespace {

using ::sekisho::sync::testing::MakeTestKeyChain;
using ::sekisho::testing::H;
using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

// docs/formats/sync-protocol.md §3.4: the signed bytes.
TEST(KeyRolloverTest, SignsTheDocumentedBytes) {
  const Bytes key(32, 0xAB);
  Bytes expected = ToBytes("sekisho snapshot key rollover v1");
  const Bytes rest = H("04 61636D65 0000000000000002");
  expected.insert(expected.end(), rest.begin(), rest.end());
  expected.insert(expected.end(), key.begin(), key.end());
  EXPECT_EQ(RolloverSignedBytes("acme", 2, key), expected);

  auto t = MakeTestKeyChain("acme", 1);
  const KeyRollover& r = t.chain.rollovers[0];
  EXPECT_EQ(r.sequence, 1u);
  EXPECT_EQ(r.key, t.keys[1].public_key().bytes());
  EXPECT_THAT(t.keys[0].public_key().Verify(RolloverSignedBytes("acme", 1, r.key), r.signature),
              IsOk());
}

TEST(KeyRolloverTest, FollowsTheChainFromAnyKeyOfIt) {
  auto t = MakeTestKeyChain("acme", 3);
  for (std::size_t held = 0; held <= 3; ++held) {
    auto end = FollowKeyChain(t.chain, t.keys[held].public_key(), "acme");
    ASSERT_THAT(end, IsOk()) << "from key " << held;
    EXPECT_EQ(end->key, t.keys[3].public_key());
    EXPECT_EQ(end->sequence, 3u);
    EXPECT_EQ(end->followed, 3 - held);
  }
  // Without an organisation to compare, the chain's own is taken.
  EXPECT_THAT(FollowKeyChain(t.chain, t.keys[0].public_key()), IsOk());
}

TEST(KeyRolloverTest, RefusesABadSignatureAtEachStep) {
  auto t = MakeTestKeyChain("acme", 3);
  for (std::size_t i = 0; i < 3; ++i) {
    KeyChain forged = t.chain;
    forged.rollovers[i].signature[5] ^= 0x01;
    auto end = FollowKeyChain(forged, t.keys[0].public_key(), "acme");
    EXPECT_THAT(end.status(), StatusIs(StatusCode::kUnauthenticated,
                                       "key chain: statement " + std::to_string(i + 1) +
                                           " does not verify under the key before it (key id " +
                                           SnapshotKeyIdHex(t.keys[i].public_key()) + ")"));
    // A gate past the broken statement does not need it.
    EXPECT_THAT(FollowKeyChain(forged, t.keys[i + 1].public_key(), "acme"), IsOk());
  }
}

// A statement signed by a key the chain does not hand over from: an attacker's own key.
TEST(KeyRolloverTest, RefusesAStatementSignedByAnotherKey) {
  auto t = MakeTestKeyChain("acme", 1);
  auto attacker = MakeTestKeyChain("acme", 1, /*seed=*/99);
  KeyChain forged = t.chain;
  forged.rollovers.push_back(
      SignRollover(attacker.keys[0], "acme", 2, attacker.keys[1].public_key()));
  EXPECT_THAT(FollowKeyChain(forged, t.keys[0].public_key(), "acme").status(),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("statement 2 does not verify")));
  // The new key replaced in a genuine statement.
  forged = t.chain;
  forged.rollovers[0].key = attacker.keys[1].public_key().bytes();
  EXPECT_THAT(FollowKeyChain(forged, t.keys[0].public_key(), "acme").status(),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("statement 1 does not verify")));
}

TEST(KeyRolloverTest, RefusesAnotherOrganisationsChain) {
  auto t = MakeTestKeyChain("acme", 2);
  EXPECT_THAT(FollowKeyChain(t.chain, t.keys[0].public_key(), "globex").status(),
              StatusIs(StatusCode::kPermissionDenied,
                       "key chain: the chain names organisation 'acme', expected 'globex'"));
  // Renamed: the signatures cover the organisation.
  KeyChain renamed = t.chain;
  renamed.organisation = "globex";
  EXPECT_THAT(FollowKeyChain(renamed, t.keys[0].public_key(), "globex").status(),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("statement 1 does not verify")));
}

TEST(KeyRolloverTest, RefusesSequenceGapsAndReordering) {
  auto t = MakeTestKeyChain("acme", 3);
  KeyChain gap = t.chain;
  gap.rollovers.erase(gap.rollovers.begin() + 1);
  EXPECT_THAT(FollowKeyChain(gap, t.keys[0].public_key(), "acme").status(),
              StatusIs(StatusCode::kInvalidArgument,
                       "key chain: statement 2 has sequence 3: a gap or reordering"));
  KeyChain swapped = t.chain;
  std::swap(swapped.rollovers[1], swapped.rollovers[2]);
  EXPECT_THAT(FollowKeyChain(swapped, t.keys[0].public_key(), "acme").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("statement 2 has sequence 3")));
  // A statement re-signed with the wrong number is a gap too, even with a valid signature.
  KeyChain renumbered = t.chain;
  renumbered.rollovers[0] = SignRollover(t.keys[0], "acme", 2, t.keys[1].public_key());
  EXPECT_THAT(FollowKeyChain(renumbered, t.keys[0].public_key(), "acme").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("statement 1 has sequence 2")));
}

TEST(KeyRolloverTest, RefusesAKeyNotInTheChain) {
  auto t = MakeTestKeyChain("acme", 2);
  auto other = MakeTestKeyChain("acme", 0, /*seed=*/42);
  EXPECT_THAT(
      FollowKeyChain(t.chain, other.keys[0].public_key(), "acme").status(),
      StatusIs(StatusCode::kPermissionDenied, "key chain: the trusted key (key id " +
                                                  SnapshotKeyIdHex(other.keys[0].public_key()) +
                                                  ") is not in the organisation's chain"));
}

TEST(KeyRolloverTest, ChecksTheStructure) {
  auto t = MakeTestKeyChain("acme", 1);
  EXPECT_THAT(CheckKeyChain(t.chain), IsOk());
  KeyChain c = t.chain;
  c.organisation = "";
  EXPECT_THAT(CheckKeyChain(c),
              StatusIs(StatusCode::kInvalidArgument, "key chain: no organisation"));
  c.organisation = "Acme";
  EXPECT_THAT(CheckKeyChain(c),
              StatusIs(StatusCode::kInvalidArgument,
                       "key chain: organisation name: character at offset 0 is not one of a-z, "
                       "0-9, -"));
  c.organisation = std::string(kMaxChainOrganisationSize + 1, 'a');
  EXPECT_THAT(CheckKeyChain(c), StatusIs(StatusCode::kInvalidArgument, HasSubstr("exceeds 64")));
  c = t.chain;
  c.first_key.pop_back();
  EXPECT_THAT(CheckKeyChain(c), StatusIs(StatusCode::kInvalidArgument,
                                         "key chain: first key of 31 bytes, expected 32"));
  c = t.chain;
  c.rollovers.clear();
  EXPECT_THAT(CheckKeyChain(c), StatusIs(StatusCode::kInvalidArgument, "key chain: no statement"));
  c = t.chain;
  c.rollovers[0].key.push_back(0);
  EXPECT_THAT(CheckKeyChain(c), StatusIs(StatusCode::kInvalidArgument,
                                         "key chain: statement 1: key of 33 bytes, expected 32"));
  c = t.chain;
  c.rollovers[0].signature.resize(10);
  EXPECT_THAT(CheckKeyChain(c),
              StatusIs(StatusCode::kInvalidArgument,
                       "key chain: statement 1: signature of 10 bytes, expected 64"));
  c = t.chain;
  c.rollovers.resize(kMaxKeyRollovers + 1, c.rollovers[0]);
  EXPECT_THAT(CheckKeyChain(c),
              StatusIs(StatusCode::kInvalidArgument, "key chain: 1001 statements exceed 1000"));
}

TEST(KeyRolloverTest, KeyIdIsTheSnapshotFormatsInLowerCaseHex) {
  auto t = MakeTestKeyChain("acme", 0);
  const std::string id = SnapshotKeyIdHex(t.keys[0].public_key());
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(id, SnapshotKeyIdHex(MakeTestKeyChain("acme", 0, 8).keys[0].public_key()));
}

}  // namespace
}  // namespace sekisho::sync
