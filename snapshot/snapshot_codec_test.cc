#include "snapshot/snapshot_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/random.h"
#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "policy/test_policy.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

using ::sekisho::testing::H;

using ::sekisho::snapshot::testing::kTestHeader;
using ::sekisho::snapshot::testing::kTestIssuedAt;
using ::sekisho::snapshot::testing::Repeat;
constexpr policy::UnixSeconds kIssueMinute = 1780272000;

template <std::size_t N>
std::array<std::uint8_t, N> Filled(std::uint8_t b) {
  std::array<std::uint8_t, N> a;
  a.fill(b);
  return a;
}

// The worked example of docs/formats/snapshot.md §5.3.
policy::Snapshot Tiny() {
  policy::Snapshot s;
  s.version = 5;
  s.sites = {{.id = 1, .utc_offset_minutes = 540, .holidays = {20605}, .daily_reset_minute = 180}};
  s.zones = {{.id = 10, .site = 1, .anti_passback = policy::AntiPassback::kHard}};
  s.doors = {{.id = 100, .site = 1, .to_zone = 10, .required = policy::Assurance::kCardAndPin}};
  s.schedules = {{.id = 5, .windows = {{.days = 0x1F, .start_minute = 480, .end_minute = 1080}}}};
  s.levels = {{.id = 20, .rules = {{.zone = 10, .schedule = 5}}}};
  s.credentials = {
      {.key = Filled<16>(0x11),
       .staff = Filled<16>(0xAA),
       .valid_until = kIssueMinute + 86400,
       .levels = {{.level = 20}}},
      {.key = Filled<16>(0x22),
       .staff = Filled<16>(0xBB),
       .valid_from = kIssueMinute - 90,
       .flags = policy::kCredentialRevoked,
       .levels = {{.level = 20}}},
      {.key = Filled<16>(0x33), .staff = Filled<16>(0xCC)},
  };
  return s;
}

// The bytes of Tiny(), section by section, so tests can break one.
struct TinyParts {
  std::string header = "534B534E 01 0102030405060708 00000001 000000006A1CCB9E";
  std::string version = "0000000000000005";
  std::string sites = "01  01 B808 01 FAC102 00 00 00 B401";
  std::string zones = "01  0A 01 02 00 1E 00";
  std::string doors = "01  64 01 0A 00 02";
  std::string schedules = "01  05 01 1F E003 B808 00 FFFFFFFF0F FEFFFFFF0F";
  std::string levels = "01  14 FF 01 0A 05 00";
  std::string sets = "02  01 14 00  00";
  std::string credentials = "03 " + Repeat("11", 16) + Repeat("AA", 16) + " 08 A00B 00 " +
                            Repeat("22", 16) + Repeat("BB", 16) + " 47 5A 00 " + Repeat("33", 16) +
                            Repeat("CC", 16) + " 00 01";
  Bytes Build() const {
    return H(header + version + sites + zones + doors + schedules + levels + sets + credentials);
  }
};

TEST(SnapshotCodecTest, TinySnapshotKnownAnswer) {
  auto encoded = EncodeSnapshot(kTestHeader, Tiny());
  ASSERT_THAT(encoded, IsOk());
  EXPECT_EQ(ToHex(*encoded), ToHex(TinyParts().Build()));
  auto decoded = DecodeSnapshot(*encoded);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->header, kTestHeader);
  EXPECT_EQ(decoded->snapshot, Tiny());
}

TEST(SnapshotCodecTest, ExampleSnapshotRoundTrips) {
  const policy::Snapshot example = policy::testing::ExampleSnapshot();
  auto encoded = EncodeSnapshot(kTestHeader, example);
  ASSERT_THAT(encoded, IsOk());
  auto decoded = DecodeSnapshot(*encoded);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->snapshot, example);
}

TEST(SnapshotCodecTest, RandomSnapshotsRoundTripByteForByte) {
  SeededRandom random(1);
  for (int i = 0; i < 40; ++i) {
    const policy::Snapshot s = testing::SmallRandomSnapshot(i, 1 + i, random);
    const Header header{.org_key_id = {9}, .gate_id = 7, .issued_at = 1780272000 + 7 * i};
    auto encoded = EncodeSnapshot(header, s);
    ASSERT_THAT(encoded, IsOk());
    auto decoded = DecodeSnapshot(*encoded);
    ASSERT_THAT(decoded, IsOk()) << i;
    EXPECT_EQ(decoded->snapshot, s) << i;
    EXPECT_EQ(decoded->header, header);
    EXPECT_EQ(*EncodeSnapshot(decoded->header, decoded->snapshot), *encoded) << i;
  }
}

TEST(SnapshotCodecTest, ExtremeValidityBoundsRoundTrip) {
  const policy::UnixSeconds max = policy::kEndOfTime;
  const policy::UnixSeconds min = policy::kBeginningOfTime;
  const std::pair<policy::UnixSeconds, policy::UnixSeconds> bounds[] = {
      {min + 1, max},
      {min, max - 1},
      {min + 1, max - 1},
      {min, min + 1},
      {max - 1, max},
      {kIssueMinute, kIssueMinute + 1},
      {kIssueMinute - 1, kIssueMinute},
      {kIssueMinute - 60, kIssueMinute + 60},
      {0, 1},
      {-1, 0},
  };
  for (policy::UnixSeconds issued_at : {policy::UnixSeconds{0}, kTestIssuedAt, max}) {
    for (const auto& [from, until] : bounds) {
      policy::Snapshot s = Tiny();
      s.credentials[0].valid_from = from;
      s.credentials[0].valid_until = until;
      s.credentials[1].levels[0].valid_from = from;
      s.credentials[1].levels[0].valid_until = until;
      Header header = kTestHeader;
      header.issued_at = issued_at;
      auto encoded = EncodeSnapshot(header, s);
      ASSERT_THAT(encoded, IsOk());
      auto decoded = DecodeSnapshot(*encoded);
      ASSERT_THAT(decoded, IsOk()) << from << " " << until << " at " << issued_at;
      EXPECT_EQ(decoded->snapshot, s) << from << " " << until << " at " << issued_at;
    }
  }
}

TEST(SnapshotCodecTest, SharedLevelSetsAreWrittenOnceAndOrderedByUse) {
  policy::Snapshot s = Tiny();
  // Credential 0 alone holds [20, 20]; 1 and 2 share []: [] is used more and comes first.
  s.credentials[0].levels = {{.level = 20}, {.level = 20}};
  s.credentials[1].levels = {};
  auto encoded = EncodeSnapshot(kTestHeader, s);
  ASSERT_THAT(encoded, IsOk());
  TinyParts parts;
  parts.sets = "02  00  02 14 00 14 00";
  parts.credentials = "03 " + Repeat("11", 16) + Repeat("AA", 16) + " 08 A00B 01 " +
                      Repeat("22", 16) + Repeat("BB", 16) + " 47 5A 00 " + Repeat("33", 16) +
                      Repeat("CC", 16) + " 00 00";
  EXPECT_EQ(ToHex(*encoded), ToHex(parts.Build()));
}

TEST(SnapshotCodecTest, EncodeRefusesInvalidSnapshotsAndHeaders) {
  policy::Snapshot s = Tiny();
  s.doors[0].to_zone = 11;
  EXPECT_THAT(EncodeSnapshot(kTestHeader, s),
              StatusIs(StatusCode::kInvalidArgument,
                       "snapshot: door 100: to_zone 11 is not a zone of the snapshot"));
  Header header = kTestHeader;
  header.gate_id = 0;
  EXPECT_THAT(EncodeSnapshot(header, Tiny()),
              StatusIs(StatusCode::kInvalidArgument, "snapshot: gate id 0 is reserved"));
}

struct SnapshotMalformedCase {
  const char* name;
  std::function<void(TinyParts&)> breaks;
  const char* message;
};

void PrintTo(const SnapshotMalformedCase& c, std::ostream* os) { *os << c.name; }

class SnapshotMalformedTest : public ::testing::TestWithParam<SnapshotMalformedCase> {};

TEST_P(SnapshotMalformedTest, RefusesWithPreciseMessage) {
  TinyParts parts;
  GetParam().breaks(parts);
  EXPECT_THAT(DecodeSnapshot(parts.Build()),
              StatusIs(StatusCode::kInvalidArgument, GetParam().message));
}

const std::string kCred0 = Repeat("11", 16) + Repeat("AA", 16);
const std::string kCred1 = Repeat("22", 16) + Repeat("BB", 16);
const std::string kCred2 = Repeat("33", 16) + Repeat("CC", 16);

const SnapshotMalformedCase kSnapshotMalformedCases[] = {
    {"WrongMagic", [](TinyParts& p) { p.header.replace(6, 2, "4D"); },
     "snapshot: not a snapshot: magic 53 4B 53 4D (expected 53 4B 53 4E)"},
    {"DeltaMagic", [](TinyParts& p) { p.header.replace(4, 4, "444C"); },
     "snapshot: not a snapshot: magic 53 4B 44 4C (expected 53 4B 53 4E)"},
    {"NonMinimalVarint", [](TinyParts& p) { p.zones = "01  8A00 01 02 00 1E 00"; },
     "snapshot: zone at index 0: id at offset 47: varint not in its shortest form"},
    {"IdBeyond32Bits", [](TinyParts& p) { p.doors = "01  8080808010 01 0A 00 02"; },
     "snapshot: door at index 0: id at offset 54: 4294967296 exceeds 4294967295"},
    {"UtcOffsetBeyondInt16",
     [](TinyParts& p) { p.sites = "01  01 808004 01 FAC102 00 00 00 B401"; },
     "snapshot: site at index 0: UTC offset at offset 35: 32768 is out of range"},
    {"ReservedSiteFlag", [](TinyParts& p) { p.sites = "01  01 B808 01 FAC102 00 02 00 B401"; },
     "snapshot: site at index 0: site flags at offset 42: reserved bits 0x02 set"},
    {"UnknownAntiPassback", [](TinyParts& p) { p.zones = "01  0A 01 03 00 1E 00"; },
     "snapshot: zone at index 0: anti-passback at offset 49: unknown value 3 (expected 0..2)"},
    {"UnknownAssurance", [](TinyParts& p) { p.doors = "01  64 01 0A 00 00"; },
     "snapshot: door at index 0: required assurance at offset 58: unknown value 0 (expected "
     "1..2)"},
    {"UnknownEffect", [](TinyParts& p) { p.levels = "01  14 FF 01 0A 05 02"; },
     "snapshot: level at index 0: rule effect at offset 84: unknown value 2 (expected 0..1)"},
    {"WindowEndBeyondUint16",
     [](TinyParts& p) { p.schedules = "01  05 01 1F E003 808004 00 FFFFFFFF0F FEFFFFFF0F"; },
     "snapshot: schedule at index 0: window end at offset 65: 65536 exceeds 65535"},
    {"DayBeyondInt32",
     [](TinyParts& p) { p.schedules = "01  05 01 1F E003 B808 00 8080808010 FEFFFFFF0F"; },
     "snapshot: schedule at index 0: first day at offset 68: 2147483648 is out of range"},
    {"SiteCountTooLarge", [](TinyParts& p) { p.sites = "FF01" + p.sites.substr(2); },
     "snapshot: site count at offset 33: count 255 cannot fit in the 162 bytes left"},
    {"CredentialFlagReserved",
     [](TinyParts& p) {
       p.credentials = "03 " + kCred0 + " 88 A00B 00 " + kCred1 + " 47 5A 00 " + kCred2 + " 00 01";
     },
     "snapshot: credential at index 0: credential flags at offset 123: reserved bits 0x80 set"},
    {"AbsentBoundWithUnitBit",
     [](TinyParts& p) {
       p.credentials = "03 " + kCred0 + " 0C A00B 00 " + kCred1 + " 47 5A 00 " + kCred2 + " 00 01";
     },
     "snapshot: credential at index 0: valid_from at offset 124: direction or unit bits set on an "
     "absent bound"},
    {"WholeMinutesInSeconds",
     [](TinyParts& p) {
       p.credentials =
           "03 " + kCred0 + " 28 80A305 00 " + kCred1 + " 47 5A 00 " + kCred2 + " 00 01";
     },
     "snapshot: credential at index 0: valid_until at offset 124: a whole number of minutes "
     "written "
     "in seconds"},
    {"NegativeZero",
     [](TinyParts& p) {
       p.credentials = "03 " + kCred0 + " 08 A00B 00 " + kCred1 + " 43 00 00 " + kCred2 + " 00 01";
     },
     "snapshot: credential at index 1: valid_from at offset 160: zero distance marked as before"},
    {"BoundOverflows",
     [](TinyParts& p) {
       p.credentials = "03 " + kCred0 + " 08 FFFFFFFFFFFFFFFFFF01 00 " + kCred1 + " 47 5A 00 " +
                       kCred2 + " 00 01";
     },
     "snapshot: credential at index 0: valid_until at offset 124: bound out of range"},
    {"OpenEndWrittenAsBound",
     [](TinyParts& p) {
       // valid_until = issue minute + (2^63 - 1 - issue minute) seconds: exactly kEndOfTime.
       p.credentials = "03 " + kCred0 + " 28 FFE88CAFF9FFFFFF7F 00 " + kCred1 + " 47 5A 00 " +
                       kCred2 + " 00 01";
     },
     "snapshot: credential at index 0: valid_until at offset 124: the open end written as a bound"},
    {"SetIndexOutOfRange",
     [](TinyParts& p) {
       p.credentials = "03 " + kCred0 + " 08 A00B 00 " + kCred1 + " 47 5A 00 " + kCred2 + " 00 02";
     },
     "snapshot: credential at index 2: level set index at offset 195: 2 is not below the table's 2 "
     "sets"},
    {"UnusedLevelSet",
     [](TinyParts& p) {
       p.credentials = "03 " + kCred0 + " 08 A00B 00 " + kCred1 + " 47 5A 00 " + kCred2 + " 00 00";
     },
     "snapshot: level set 1 is used by no credential"},
    {"LevelSetsOutOfOrder",
     [](TinyParts& p) {
       p.sets = "02  00  01 14 00";
       p.credentials = "03 " + kCred0 + " 08 A00B 01 " + kCred1 + " 47 5A 01 " + kCred2 + " 00 00";
     },
     "snapshot: level set 1 (used 2 times, first by credential 0) is listed after set 0 (used 1 "
     "times, first by credential 2); sets are ordered by use, then by first use"},
    {"EqualLevelSets",
     [](TinyParts& p) {
       p.sets = "02  01 14 00  01 14 00";
       p.credentials = "03 " + kCred0 + " 08 A00B 00 " + kCred1 + " 47 5A 00 " + kCred2 + " 00 01";
     },
     "snapshot: level sets 0 and 1 are equal"},
    {"AssignmentReservedBits", [](TinyParts& p) { p.sets = "02  01 14 40  00"; },
     "snapshot: level set at index 0: assignment 0: assignment bounds at offset 88: reserved bits "
     "0x40 set"},
    {"TrailingBytes", [](TinyParts& p) { p.credentials += "00"; },
     "snapshot: 1 trailing bytes after the credentials (offset 196)"},
    {"CredentialsUnsorted",
     [](TinyParts& p) {
       p.credentials = "03 " + kCred1 + " 47 5A 00 " + kCred0 + " 08 A00B 00 " + kCred2 + " 00 01";
     },
     "snapshot: credentials: the key at index 1 does not follow the key at index 0 (keys must be "
     "ascending and unique)"},
    {"DanglingReference", [](TinyParts& p) { p.doors = "01  64 01 0B 00 02"; },
     "snapshot: door 100: to_zone 11 is not a zone of the snapshot"},
};

INSTANTIATE_TEST_SUITE_P(Canonical, SnapshotMalformedTest,
                         ::testing::ValuesIn(kSnapshotMalformedCases),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(SnapshotCodecTest, EveryTruncationIsRefused) {
  const Bytes full = *EncodeSnapshot(kTestHeader, Tiny());
  for (std::size_t n = 0; n < full.size(); ++n) {
    EXPECT_THAT(DecodeSnapshot(ByteView(full).first(n)), StatusIs(StatusCode::kInvalidArgument))
        << "length " << n;
  }
}

TEST(SnapshotCodecTest, EmptySnapshot) {
  policy::Snapshot empty;
  empty.version = 1;
  auto encoded = EncodeSnapshot(kTestHeader, empty);
  ASSERT_THAT(encoded, IsOk());
  EXPECT_EQ(encoded->size(), 25u + 8u + 7u);  // header, version, seven empty counts
  auto decoded = DecodeSnapshot(*encoded);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->snapshot, empty);
}

// The size goal (docs/formats/snapshot.md §5.4): at most 40 bytes per credential on a realistic
// site, everything else included. 20,000 staff keep the test fast; bench/snapshot_bench.cc
// measures 100,000.
TEST(SnapshotCodecTest, RealisticSnapshotFitsFortyBytesPerCredential) {
  SeededRandom random(42);
  const policy::Snapshot s = testing::RealisticSnapshot(20000, kTestIssuedAt, random);
  auto encoded = EncodeSnapshot(kTestHeader, s);
  ASSERT_THAT(encoded, IsOk());
  const double per_credential =
      static_cast<double>(encoded->size()) / static_cast<double>(s.credentials.size());
  EXPECT_LE(per_credential, 40.0);
  EXPECT_GE(per_credential, 34.0);  // key + staff reference + flags + set index at the least
  auto decoded = DecodeSnapshot(*encoded);
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->snapshot, s);
}

}  // namespace
}  // namespace sekisho::snapshot
