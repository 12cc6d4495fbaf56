#include "snapshot/header.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/digest.h"
#include "base/status_matchers.h"
#include "base/test_hex.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

using ::sekisho::testing::H;

TEST(HeaderTest, OrgKeyIdIsTheStartOfTheKeysSha256) {
  // RFC 8032 §7.1 TEST 1 public key.
  auto key = Ed25519PublicKey::FromBytes(
      H("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  ASSERT_THAT(key.status(), IsOk());
  const Bytes digest = Sha256(key->bytes());
  const OrgKeyId id = OrgKeyIdOf(*key);
  EXPECT_EQ(Bytes(id.begin(), id.end()), Bytes(digest.begin(), digest.begin() + 8));
}

TEST(HeaderTest, WritesTheDocumentedLayout) {
  const Header header{.org_key_id = {1, 2, 3, 4, 5, 6, 7, 8},
                      .gate_id = 0x00000102,
                      .issued_at = 1780272000};  // 0x6A1CCB80
  Writer w;
  WriteHeader(w, kSnapshotMagic, header);
  // docs/formats/snapshot.md §3.
  EXPECT_EQ(w.bytes(), H("534B534E 01 0102030405060708 00000102 000000006A1CCB80"));
  Reader r(w.bytes());
  auto back = ReadHeader(r, kSnapshotMagic, "snapshot");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, header);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(HeaderTest, RefusesAnotherMagic) {
  Writer w;
  WriteHeader(w, kDeltaMagic, Header{.gate_id = 1});
  Reader r(w.bytes());
  EXPECT_THAT(ReadHeader(r, kSnapshotMagic, "snapshot"),
              StatusIs(StatusCode::kInvalidArgument,
                       "not a snapshot: magic 53 4B 44 4C (expected 53 4B 53 4E)"));
}

TEST(HeaderTest, RefusesAnotherFormatVersion) {
  const Bytes b = H("534B534E 02 0102030405060708 00000001 0000000000000000");
  Reader r(b);
  EXPECT_THAT(ReadHeader(r, kSnapshotMagic, "snapshot"),
              StatusIs(StatusCode::kInvalidArgument,
                       "snapshot format version 2 is not supported (this build reads version 1)"));
}

TEST(HeaderTest, RefusesGateZeroAndNegativeIssueTime) {
  const Bytes gate_zero = H("534B534E 01 0102030405060708 00000000 0000000000000000");
  Reader r1(gate_zero);
  EXPECT_THAT(ReadHeader(r1, kSnapshotMagic, "snapshot"),
              StatusIs(StatusCode::kInvalidArgument, "gate id at offset 13: 0 is reserved"));
  const Bytes negative = H("534B534E 01 0102030405060708 00000001 8000000000000000");
  Reader r2(negative);
  EXPECT_THAT(ReadHeader(r2, kSnapshotMagic, "snapshot"),
              StatusIs(StatusCode::kInvalidArgument, "issue time at offset 17: before 1970-01-01"));
  EXPECT_THAT(CheckHeader(Header{.gate_id = 0}),
              StatusIs(StatusCode::kInvalidArgument, "gate id 0 is reserved"));
  EXPECT_THAT(CheckHeader(Header{.gate_id = 1, .issued_at = -1}),
              StatusIs(StatusCode::kInvalidArgument, "issue time -1 is before 1970-01-01"));
}

TEST(HeaderTest, IssueMinuteRoundsDown) {
  EXPECT_EQ(IssueMinute(0), 0);
  EXPECT_EQ(IssueMinute(59), 0);
  EXPECT_EQ(IssueMinute(60), 60);
  EXPECT_EQ(IssueMinute(1780272059), 1780272000);
}

}  // namespace
}  // namespace sekisho::snapshot
