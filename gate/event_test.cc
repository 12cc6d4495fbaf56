#include "gate/event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"
#include "gate/test_events.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using testing::CardErrorEvent;
using testing::ForcedAlarmEvent;
using testing::GrantEvent;
using ::testing::HasSubstr;
using testing::VariedEvent;

Event Numbered(Event e) {
  e.gate = 7;
  e.sequence = 1;
  return e;
}

Bytes Encoded(const Event& e) {
  auto bytes = EncodeEvent(e);
  EXPECT_THAT(bytes.status(), IsOk());
  return bytes.ok() ? *bytes : Bytes();
}

// The worked example of docs/formats/gate-events.md.
constexpr std::string_view kGrantHex =
    "01 01 00000007 0000000000000001 00000195EEA5D47B 0000000C 0000000000000005 00"
    " 00 02 00 03 000102030405060708090A0B0C0D0E0F 101112131415161718191A1B1C1D1E1F";

TEST(EventTest, KnownAnswerGrant) {
  const Bytes record = Encoded(Numbered(GrantEvent()));
  EXPECT_EQ(record, FromHex(kGrantHex).value());
  EXPECT_EQ(record.size(), kMaxEncodedEventSize);
  auto decoded = DecodeEvent(record);
  ASSERT_THAT(decoded.status(), IsOk());
  EXPECT_EQ(*decoded, Numbered(GrantEvent()));
}

TEST(EventTest, KnownAnswerAlarmHasNoAccessBody) {
  const Bytes record = Encoded(Numbered(ForcedAlarmEvent()));
  EXPECT_EQ(ToHex(record),
            "010300000007000000000000000100000195EEA5DBD00000000C000000000000000500");
}

TEST(EventTest, KnownAnswerCardError) {
  const Bytes record = Encoded(Numbered(CardErrorEvent()));
  // reason 50 (kCardError), no assurance, error 7 (kUnavailable), no keys.
  EXPECT_EQ(ToHex(record),
            "010100000007000000000000000100000195EEA5D7E80000000C00000000000000050032000700");
}

TEST(EventTest, RoundTripsVariedEvents) {
  for (std::uint64_t i = 0; i < 64; ++i) {
    Event e = VariedEvent(i);
    e.gate = 3;
    e.sequence = i + 1;
    const Bytes record = Encoded(e);
    auto decoded = DecodeEvent(record);
    ASSERT_THAT(decoded.status(), IsOk()) << i;
    EXPECT_EQ(*decoded, e) << i;
    EXPECT_EQ(Encoded(*decoded), record) << i;
  }
}

TEST(EventTest, NegativeTimeRoundTrips) {
  Event e = Numbered(GrantEvent());
  e.time = EventTime(std::chrono::milliseconds(-1));
  auto decoded = DecodeEvent(Encoded(e));
  ASSERT_THAT(decoded.status(), IsOk());
  EXPECT_EQ(decoded->time, e.time);
}

TEST(EventTest, EveryTruncationIsRefused) {
  const Bytes record = FromHex(kGrantHex).value();
  for (std::size_t n = 0; n < record.size(); ++n) {
    EXPECT_THAT(DecodeEvent(ByteView(record).first(n)),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr("event: truncated reading")))
        << n;
  }
}

TEST(EventTest, TrailingBytesAreRefused) {
  Bytes record = FromHex(kGrantHex).value();
  record.push_back(0);
  EXPECT_THAT(DecodeEvent(record),
              StatusIs(StatusCode::kInvalidArgument,
                       "event: 1 trailing bytes after the last field (offset 71)"));
}

TEST(EventTest, OtherVersionsAreRefused) {
  Bytes record = FromHex(kGrantHex).value();
  record[0] = 2;
  EXPECT_THAT(DecodeEvent(record),
              StatusIs(StatusCode::kInvalidArgument,
                       "event: format version at offset 0: version 2 is not supported (this "
                       "build reads version 1)"));
}

TEST(EventTest, UnknownValuesAreRefusedByName) {
  struct Case {
    std::size_t offset;
    std::uint8_t value;
    const char* message;
  };
  const Case cases[] = {
      {1, 4, "event: kind at offset 1: unknown kind 4"},
      {1, 0, "event: kind at offset 1: unknown kind 0"},
      {34, 0x04, "event: flags at offset 34: unknown flag bits 04"},
      {35, 5, "event: reason at offset 35: unknown reason 5"},
      {35, 53, "event: reason at offset 35: unknown reason 53"},
      {36, 3, "event: assurance at offset 36: unknown assurance 3"},
      {37, 11, "event: error code at offset 37: unknown error code 11"},
      {38, 0x07, "event: presence bits at offset 38: reserved bits set in 07"},
  };
  for (const Case& c : cases) {
    Bytes record = FromHex(kGrantHex).value();
    record[c.offset] = c.value;
    EXPECT_THAT(DecodeEvent(record), StatusIs(StatusCode::kInvalidArgument, c.message))
        << c.message;
  }
}

TEST(EventTest, EveryBitFlipIsRefusedOrDecodesToAnotherEvent) {
  const Event original = Numbered(GrantEvent());
  const Bytes record = Encoded(original);
  int refused = 0;
  for (std::size_t bit = 0; bit < record.size() * 8; ++bit) {
    Bytes flipped = record;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto decoded = DecodeEvent(flipped);
    if (!decoded.ok()) {
      EXPECT_THAT(decoded.status(), StatusIs(StatusCode::kInvalidArgument)) << bit;
      ++refused;
      continue;
    }
    EXPECT_NE(*decoded, original) << bit;
    EXPECT_EQ(Encoded(*decoded), flipped) << bit;  // canonical: one encoding per event
  }
  // Version, kind, reason, assurance, presence bits and most flag bits cannot flip unnoticed.
  EXPECT_GE(refused, 30);
}

TEST(EventTest, RulesAreEnforcedOnBothSides) {
  struct Case {
    const char* name;
    Event event;
    const char* message;
  };
  std::vector<Case> cases;
  auto add = [&](const char* name, auto change, const char* message) {
    Event e = Numbered(GrantEvent());
    change(e);
    cases.push_back({name, e, message});
  };
  add(
      "gate 0", [](Event& e) { e.gate = 0; }, "event: gate id 0 is not a gate");
  add(
      "sequence 0", [](Event& e) { e.sequence = 0; }, "event: sequence numbers start at 1");
  add(
      "door 0", [](Event& e) { e.door = 0; }, "event: door id 0 is not a door");
  add(
      "no reason", [](Event& e) { e.reason.reset(); }, "event: an access event needs a reason");
  add(
      "staff without credential",
      [](Event& e) {
        e.reason = policy::Reason::kUnknownCredential;
        e.credential.reset();
      },
      "event: a staff reference without a credential key");
  add(
      "grant without staff", [](Event& e) { e.staff.reset(); },
      "event: a grant (reason 0) needs the credential key, staff reference and assurance, and "
      "no error");
  add(
      "grant without assurance", [](Event& e) { e.assurance.reset(); },
      "event: a grant (reason 0) needs the credential key, staff reference and assurance, and "
      "no error");
  add(
      "policy denial with error",
      [](Event& e) {
        e.reason = policy::Reason::kRevoked;
        e.error = StatusCode::kInternal;
      },
      "event: reason 17 is a policy decision and carries no error code");
  add(
      "door-path denial without error", [](Event& e) { e.reason = policy::Reason::kCardError; },
      "event: reason 50 is a door-path failure and needs its error code");
  add(
      "alarm with reason", [](Event& e) { e.kind = EventKind::kDoorHeldOpen; },
      "event: a door-held-open alarm carries no reason, error, assurance, credential or staff");
  add(
      "alarm with anti-passback flag",
      [](Event& e) {
        e = Numbered(ForcedAlarmEvent());
        e.flags = kEventFlagAntiPassback;
      },
      "event: the anti-passback flag is for access events only, not door-forced");
  for (const Case& c : cases) {
    EXPECT_THAT(ValidateEvent(c.event), StatusIs(StatusCode::kInvalidArgument, c.message))
        << c.name;
    EXPECT_THAT(EncodeEvent(c.event), StatusIs(StatusCode::kInvalidArgument, c.message)) << c.name;
  }

  // The decoder applies the rules too: a grant whose staff-reference bit is cleared.
  Bytes record = FromHex(kGrantHex).value();
  record[38] = 0x01;
  record.resize(record.size() - 16);
  EXPECT_THAT(DecodeEvent(record), StatusIs(StatusCode::kInvalidArgument,
                                            HasSubstr("a grant (reason 0) needs the credential")));
}

TEST(EventTest, KindNames) {
  EXPECT_EQ(EventKindName(EventKind::kAccess), "access");
  EXPECT_EQ(EventKindName(EventKind::kDoorHeldOpen), "door-held-open");
  EXPECT_EQ(EventKindName(EventKind::kDoorForced), "door-forced");
}

}  // namespace
}  // namespace sekisho::gate
