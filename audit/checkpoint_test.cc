#include "audit/checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/test_vectors.h"
#include "base/digest.h"
#include "base/random.h"
#include "base/status_matchers.h"

namespace sekisho::audit {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kCheckpointOrigin = "example.org/sekisho-audit";

class CheckpointTest : public ::testing::Test {
 protected:
  CheckpointTest() : random_(7), key_(Ed25519PrivateKey::Generate(random_)) {
    checkpoint_.origin = std::string(kCheckpointOrigin);
    checkpoint_.tree_size = 8;
    checkpoint_.root = testing::FromHexOrDie(testing::CtRoots()[8]);
    checkpoint_.time = FromUnixSeconds(1743499800);
  }
  std::string Signed() { return *SignCheckpoint(checkpoint_, key_); }

  SeededRandom random_;
  Ed25519PrivateKey key_;
  Checkpoint checkpoint_;
};

TEST_F(CheckpointTest, TextIsASignedNoteOfFourLines) {
  const std::string text = Signed();
  const std::string body =
      "example.org/sekisho-audit\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
      "time 1743499800\n";
  EXPECT_EQ(CheckpointBody(checkpoint_), body);
  ASSERT_THAT(text, StartsWith(body + "\n\xE2\x80\x94 example.org/sekisho-audit "));
  EXPECT_EQ(text.back(), '\n');
  // base64 of 4 + 64 bytes is 92 characters.
  EXPECT_EQ(text.size(), body.size() + 1 + 4 + kCheckpointOrigin.size() + 1 + 92 + 1);
  auto opened = OpenCheckpoint(text, kCheckpointOrigin, key_.public_key());
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, checkpoint_);
}

TEST_F(CheckpointTest, OpensACheckpointWrittenByAnotherImplementation) {
  // Signed with Python's `cryptography` package from the format description alone, with the
  // Ed25519 seed of 32 bytes 0x42 (also the fuzzer's seed corpus).
  const std::string text =
      "fuzz.example/audit\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\ntime 1743499800\n\n"
      "\xE2\x80\x94 fuzz.example/audit lVXN+A8yUgp0iTnkmHKmsei7NiE9WvWKa9wDNV66v2YuTHnWfUkvWfXa8FTr"
      "vX03Zrv8v1rKygCRxKpcOo58HjrxmgA=\n";
  const Ed25519PrivateKey key = *Ed25519PrivateKey::FromSeed(Bytes(kEd25519SeedSize, 0x42));
  auto opened = OpenCheckpoint(text, "fuzz.example/audit", key.public_key());
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->tree_size, 8u);
  EXPECT_EQ(HashHex(opened->root), testing::CtRoots()[8]);
  EXPECT_EQ(opened->time, FromUnixSeconds(1743499800));
  // And this implementation writes the same bytes.
  EXPECT_EQ(*SignCheckpoint(*opened, key), text);
}

TEST_F(CheckpointTest, KeyIdIsTheSignedNoteKeyHash) {
  // The first four bytes of SHA-256("example.org/sekisho-audit\n" || 0x01 || public key).
  Bytes input = ToBytes("example.org/sekisho-audit\n");
  input.push_back(0x01);
  Append(input, key_.public_key().bytes());
  const Bytes digest = Sha256(input);
  const std::uint32_t expected = (std::uint32_t{digest[0]} << 24) |
                                 (std::uint32_t{digest[1]} << 16) |
                                 (std::uint32_t{digest[2]} << 8) | digest[3];
  EXPECT_EQ(CheckpointKeyId(kCheckpointOrigin, key_.public_key()), expected);
  auto parsed = ParseCheckpoint(Signed());
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->key_id, expected);
  EXPECT_EQ(parsed->key_name, kCheckpointOrigin);
  EXPECT_THAT(key_.public_key().Verify(ToBytes(parsed->body), parsed->signature), IsOk());
}

TEST_F(CheckpointTest, EveryFlippedBitIsRefused) {
  const std::string text = Signed();
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = text;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      auto opened = OpenCheckpoint(flipped, kCheckpointOrigin, key_.public_key());
      ASSERT_FALSE(opened.ok()) << "byte " << i << " bit " << bit;
      ASSERT_TRUE(opened.status().code() == StatusCode::kInvalidArgument ||
                  opened.status().code() == StatusCode::kUnauthenticated)
          << opened.status().ToString();
    }
  }
}

TEST_F(CheckpointTest, ParserNamesTheBrokenRule) {
  const std::string text = Signed();
  const std::size_t blank = text.find("\n\n");
  const std::string body = text.substr(0, blank + 1);
  const std::string signature = text.substr(blank + 2);
  struct Case {
    std::string text;
    std::string message;
  };
  const std::string b64root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
  const Case cases[] = {
      {body + signature, "no blank line"},
      {"", "no blank line"},
      {"o\n8\n" + b64root + "\n\n" + signature, "the body has 3 lines"},
      {body + "extra\n\n" + signature, "the body has 5 lines"},
      {"o\tx\n8\n" + b64root + "\ntime 1\n\n" + signature, "body line 1 holds a character"},
      {"o x\n8\n" + b64root + "\ntime 1\n\n" + signature, "log origin"},
      {"o\n08\n" + b64root + "\ntime 1\n\n" + signature, "tree size is not a decimal"},
      {"o\n-8\n" + b64root + "\ntime 1\n\n" + signature, "tree size is not a decimal"},
      {"o\n9223372036854775808\n" + b64root + "\ntime 1\n\n" + signature,
       "tree size is not a decimal"},
      {"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\ntime 1\n\n" + signature,
       "canonical base64 of 32 bytes"},
      {"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQw==\ntime 1\n\n" + signature,
       "canonical base64 of 32 bytes"},
      {"o\n8\n" + b64root + "\ntime 01\n\n" + signature, "time <Unix seconds>"},
      {"o\n8\n" + b64root + "\ntime: 1\n\n" + signature, "time <Unix seconds>"},
      {"o\n8\n" + b64root + "\ntime 9223372036\n\n" + signature, "time <Unix seconds>"},
      {body + "\n" + signature.substr(0, signature.size() - 1), "does not end the text"},
      {body + "\n" + signature + signature, "more than one signature line"},
      {body + "\n- " + signature.substr(4), "does not start with an em dash"},
      {body + "\n\xE2\x80\x94 " + std::string(kCheckpointOrigin) + "\n", "no space between"},
      {body + "\n\xE2\x80\x94  AAAA\n", "key name is not a valid name"},
      {body + "\n\xE2\x80\x94 " + std::string(kCheckpointOrigin) + " AAAA\n",
       "key ID and a 64-byte Ed25519 signature"},
      {body + "\n\xE2\x80\x94 " + std::string(kCheckpointOrigin) + " \xC3\xA9\n",
       "not printable ASCII"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseCheckpoint(c.text),
                StatusIs(StatusCode::kInvalidArgument,
                         ::testing::AllOf(StartsWith("checkpoint"), HasSubstr(c.message))))
        << c.text;
  }
}

TEST_F(CheckpointTest, WrongLogOrKeyOrSignatureIsUnauthenticated) {
  const std::string text = Signed();
  EXPECT_THAT(OpenCheckpoint(text, "other.example/log", key_.public_key()),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("checkpoint is for log 'example.org/sekisho-audit', not "
                                 "'other.example/log'")));
  SeededRandom other_random(8);
  const Ed25519PrivateKey other = Ed25519PrivateKey::Generate(other_random);
  EXPECT_THAT(OpenCheckpoint(text, kCheckpointOrigin, other.public_key()),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("not by this log's key")));
  // This key's signature of another body under this body: the signature fails.
  Checkpoint changed = checkpoint_;
  changed.tree_size = 9;
  const std::string changed_text = *SignCheckpoint(changed, key_);
  const std::string swapped =
      text.substr(0, text.find("\n\n") + 2) + changed_text.substr(changed_text.find("\n\n") + 2);
  EXPECT_THAT(OpenCheckpoint(swapped, kCheckpointOrigin, key_.public_key()),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("checkpoint of tree size 8: Ed25519 signature does not verify")));
}

TEST_F(CheckpointTest, SigningRefusesWhatCannotBeWritten) {
  Checkpoint bad = checkpoint_;
  bad.origin = "has space";
  EXPECT_THAT(SignCheckpoint(bad, key_), StatusIs(StatusCode::kInvalidArgument));
  bad.origin = "a+b";
  EXPECT_THAT(SignCheckpoint(bad, key_), StatusIs(StatusCode::kInvalidArgument));
  bad.origin = "";
  EXPECT_THAT(SignCheckpoint(bad, key_), StatusIs(StatusCode::kInvalidArgument));
  bad.origin = std::string(256, 'a');
  EXPECT_THAT(SignCheckpoint(bad, key_),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("1 to 255 characters, got 256")));
  bad = checkpoint_;
  bad.time = FromUnixSeconds(-1);
  EXPECT_THAT(SignCheckpoint(bad, key_), StatusIs(StatusCode::kInvalidArgument));
  bad.time = FromUnixSeconds(9223372036);
  EXPECT_THAT(SignCheckpoint(bad, key_), StatusIs(StatusCode::kInvalidArgument));
  bad.time = FromUnixSeconds(9223372035);
  EXPECT_THAT(OpenCheckpoint(*SignCheckpoint(bad, key_), kCheckpointOrigin, key_.public_key()),
              IsOk());
  bad = checkpoint_;
  bad.tree_size = kMaxTreeSize + 1;
  EXPECT_THAT(SignCheckpoint(bad, key_), StatusIs(StatusCode::kInvalidArgument));
  bad.tree_size = kMaxTreeSize;
  EXPECT_THAT(OpenCheckpoint(*SignCheckpoint(bad, key_), kCheckpointOrigin, key_.public_key()),
              IsOk());
}

}  // namespace
}  // namespace sekisho::audit
