#include "snapshot/delta_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/random.h"
#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

using ::sekisho::testing::H;

using ::sekisho::snapshot::testing::kTestHeader;
using ::sekisho::snapshot::testing::kTestIssuedAt;
using ::sekisho::snapshot::testing::Repeat;
const std::string kHeaderHex = "534B444C 01 0102030405060708 00000001 000000006A1CCB9E";

policy::CredentialKey Key(std::uint8_t b) {
  policy::CredentialKey k;
  k.fill(b);
  return k;
}

// One of each op.
Delta EveryOp() {
  return Delta{
      .base_version = 41,
      .version = 42,
      .ops = {
          PutSite{{.id = 1,
                   .utc_offset_minutes = -300,
                   .holidays = {-1, 20000},
                   .threat_level = 3,
                   .lockdown = true,
                   .lockdown_override_level = 9,
                   .daily_reset_minute = 1439}},
          RemoveSite{2},
          PutZone{{.id = 3,
                   .site = 1,
                   .anti_passback = policy::AntiPassback::kSoft,
                   .two_person = true,
                   .two_person_window_seconds = 65535,
                   .first_person_in_level = 9}},
          RemoveZone{4},
          PutDoor{{.id = 5, .site = 1, .to_zone = 3, .from_zone = 6}},
          RemoveDoor{0xFFFFFFFF},
          PutSchedule{{.id = 7,
                       .windows = {{0x7F, 0, 1440}, {0x01, 60, 120}},
                       .holiday_windows = {{0, 600, 660}},
                       .first_day = -5,
                       .last_day = 5}},
          RemoveSchedule{8},
          PutLevel{{.id = 9,
                    .rules = {{3, 7, policy::Effect::kDeny}, {3, 0, policy::Effect::kGrant}},
                    .max_threat_level = 0}},
          RemoveLevel{10},
          PutCredential{
              {.key = Key(0x11),
               .staff = policy::StaffRef{7},
               .valid_from = kTestIssuedAt - 1,
               .valid_until = policy::kEndOfTime,
               .flags = policy::kCredentialRevoked,
               .levels = {{.level = 9, .valid_until = kTestIssuedAt + 3600}, {.level = 11}}}},
          RevokeCredential{Key(0x33)},
          RemoveCredential{Key(0x44)},
          SetLockdown{1, false},
          SetThreatLevel{1, 255},
      }};
}

TEST(DeltaCodecTest, OneRevocationKnownAnswer) {
  const Delta delta{.base_version = 7, .version = 8, .ops = {RevokeCredential{Key(0x5A)}}};
  auto encoded = EncodeDelta(kTestHeader, delta);
  ASSERT_THAT(encoded, IsOk());
  // docs/formats/snapshot.md §6.3: header, base version, version, one op, code 0C, the key.
  EXPECT_EQ(ToHex(*encoded),
            ToHex(H(kHeaderHex + "0000000000000007 0000000000000008 01 0C" + Repeat("5A", 16))));
  EXPECT_EQ(encoded->size(), 59u);
  auto decoded = DecodeDelta(*encoded);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->header, kTestHeader);
  EXPECT_EQ(decoded->delta, delta);
}

TEST(DeltaCodecTest, EveryOpRoundTrips) {
  auto encoded = EncodeDelta(kTestHeader, EveryOp());
  ASSERT_THAT(encoded, IsOk());
  auto decoded = DecodeDelta(*encoded);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->delta, EveryOp());
  EXPECT_EQ(*EncodeDelta(decoded->header, decoded->delta), *encoded);
}

TEST(DeltaCodecTest, DiffsOfRandomSnapshotsRoundTrip) {
  SeededRandom random(3);
  for (int i = 0; i < 40; ++i) {
    const policy::Snapshot from = testing::SmallRandomSnapshot(6, 1, random);
    const policy::Snapshot to = testing::Mutate(from, random);
    auto delta = Diff(from, to);
    ASSERT_THAT(delta, IsOk());
    auto encoded = EncodeDelta(kTestHeader, *delta);
    ASSERT_THAT(encoded, IsOk());
    auto decoded = DecodeDelta(*encoded);
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(decoded->delta, *delta);
    EXPECT_EQ(*EncodeDelta(decoded->header, decoded->delta), *encoded);
  }
}

TEST(DeltaCodecTest, EncodeRefusesWhatTheWireCannotCarry) {
  Delta delta{.base_version = 3, .version = 3};
  EXPECT_THAT(
      EncodeDelta(kTestHeader, delta),
      StatusIs(StatusCode::kInvalidArgument, "delta: version 3 is not above the base version 3"));
  delta.version = 4;
  delta.ops = {RemoveSite{1},
               PutZone{{.id = 1, .site = 1, .anti_passback = policy::AntiPassback{7}}}};
  EXPECT_THAT(EncodeDelta(kTestHeader, delta),
              StatusIs(StatusCode::kInvalidArgument,
                       "delta: op 1 (put-zone): zone 1: unknown anti-passback mode 7"));
  delta.ops = {PutCredential{{.flags = 0x02}}};
  EXPECT_THAT(EncodeDelta(kTestHeader, delta),
              StatusIs(StatusCode::kInvalidArgument,
                       "delta: op 0 (put-credential): credential: unknown flag bits 0x02"));
  delta.ops = {PutDoor{{.id = 2, .required = policy::Assurance{0}}}};
  EXPECT_THAT(EncodeDelta(kTestHeader, delta), StatusIs(StatusCode::kInvalidArgument));
  delta.ops = {PutLevel{{.id = 2, .rules = {{1, 0, policy::Effect{5}}}}}};
  EXPECT_THAT(EncodeDelta(kTestHeader, delta), StatusIs(StatusCode::kInvalidArgument));
  delta.ops = {};
  Header header = kTestHeader;
  header.issued_at = -60;
  EXPECT_THAT(EncodeDelta(header, delta),
              StatusIs(StatusCode::kInvalidArgument, "delta: issue time -60 is before 1970-01-01"));
}

struct DeltaMalformedCase {
  const char* name;
  std::string after_header;
  const char* message;
};

void PrintTo(const DeltaMalformedCase& c, std::ostream* os) { *os << c.name; }

class DeltaMalformedTest : public ::testing::TestWithParam<DeltaMalformedCase> {};

TEST_P(DeltaMalformedTest, RefusesWithPreciseMessage) {
  EXPECT_THAT(DecodeDelta(H(kHeaderHex + GetParam().after_header)),
              StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

const std::string kVersions = "0000000000000007 0000000000000008 ";

const DeltaMalformedCase kDeltaMalformedCases[] = {
    {"VersionNotAboveBase", "0000000000000008 0000000000000008 00",
     "delta: version at offset 33: 8 is not above the base version 8"},
    {"OpCodeZero", kVersions + "01 00 01", "delta: op 0: op code at offset 42: unknown op code 0"},
    {"OpCodeSixteen", kVersions + "01 10 01",
     "delta: op 0: op code at offset 42: unknown op code 16"},
    {"LockdownNotABoolean", kVersions + "01 0E 01 02",
     "delta: op 0 (set-lockdown): lockdown at offset 44: 2 is not 0 or 1"},
    {"OpCountTooLarge", kVersions + "20 0C" + Repeat("00", 16),
     "delta: op count at offset 41: count 32 cannot fit in the 17 bytes left"},
    {"TruncatedKey", kVersions + "01 0C" + Repeat("00", 15),
     "delta: op 0 (revoke-credential): key at offset 43: needs 16 bytes, 15 left"},
    {"RemoveIdBeyond32Bits", kVersions + "01 06 8080808010",
     "delta: op 0 (remove-door): id at offset 43: 4294967296 exceeds 4294967295"},
    {"TrailingBytes", kVersions + "01 0F 01 05 FF",
     "delta: 1 trailing bytes after the ops (offset 45)"},
    {"PutCredentialAssignmentsTruncated", kVersions + "01 0B" + Repeat("00", 32) + "00 02 01 00",
     "delta: op 0 (put-credential): assignment count at offset 76: count 2 cannot fit in the 2 "
     "bytes left"},
};

INSTANTIATE_TEST_SUITE_P(Canonical, DeltaMalformedTest, ::testing::ValuesIn(kDeltaMalformedCases),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(DeltaCodecTest, RefusesASnapshotMagic) {
  Bytes body = H(kHeaderHex + kVersions + "00");
  body[2] = 'S';
  body[3] = 'N';
  EXPECT_THAT(DecodeDelta(body),
              StatusIs(StatusCode::kInvalidArgument,
                       "delta: not a delta: magic 53 4B 53 4E (expected 53 4B 44 4C)"));
}

TEST(DeltaCodecTest, EveryTruncationIsRefused) {
  const Bytes full = *EncodeDelta(kTestHeader, EveryOp());
  for (std::size_t n = 0; n < full.size(); ++n) {
    EXPECT_THAT(DecodeDelta(ByteView(full).first(n)), StatusIs(StatusCode::kInvalidArgument))
        << "length " << n;
  }
}

}  // namespace
}  // namespace sekisho::snapshot
