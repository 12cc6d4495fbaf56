#include "card/status_word.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>

namespace sekisho::card {
namespace {

// Every enumerator of StatusWord (ISO/IEC 7816-4:2020 §5.6 Table 6 and the card's own words).
constexpr StatusWord kAllStatusWords[] = {
    StatusWord::kOk,
    StatusWord::kWarningEndOfFile,
    StatusWord::kVerificationFailedNoTries,
    StatusWord::kWrongLength,
    StatusWord::kLogicalChannelNotSupported,
    StatusWord::kSecureMessagingNotSupported,
    StatusWord::kCommandIncompatibleWithFile,
    StatusWord::kSecurityStatusNotSatisfied,
    StatusWord::kAuthenticationMethodBlocked,
    StatusWord::kReferenceDataNotUsable,
    StatusWord::kConditionsOfUseNotSatisfied,
    StatusWord::kCommandNotAllowed,
    StatusWord::kSmDataObjectsIncorrect,
    StatusWord::kIncorrectData,
    StatusWord::kFunctionNotSupported,
    StatusWord::kFileNotFound,
    StatusWord::kRecordNotFound,
    StatusWord::kIncorrectP1P2,
    StatusWord::kReferencedDataNotFound,
    StatusWord::kWrongParametersOffset,
    StatusWord::kInsNotSupported,
    StatusWord::kClaNotSupported,
    StatusWord::kNoPreciseDiagnosis,
};

constexpr std::string_view kUnknown = "unknown status word";

TEST(StatusWordTest, EveryEnumeratorHasItsOwnName) {
  std::set<std::string_view> names;
  for (StatusWord sw : kAllStatusWords) {
    const std::string_view name = StatusWordName(ToU16(sw));
    EXPECT_FALSE(name.empty()) << std::hex << ToU16(sw);
    EXPECT_NE(name, kUnknown) << std::hex << ToU16(sw);
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kAllStatusWords));
}

TEST(StatusWordTest, KnownAnswerNames) {
  EXPECT_EQ(StatusWordName(0x9000), "normal processing");
  EXPECT_EQ(StatusWordName(0x6982), "security status not satisfied");
  EXPECT_EQ(StatusWordName(0x6A82), "file or application not found");
}

TEST(StatusWordTest, FamiliesAndUnknownWords) {
  EXPECT_EQ(StatusWordName(0x6100), "response bytes still available");
  EXPECT_EQ(StatusWordName(0x61FF), "response bytes still available");
  EXPECT_EQ(StatusWordName(0x6C11), "wrong Le field, exact length given");
  EXPECT_EQ(StatusWordName(0x63C3), "verification failed, counter warning");
  EXPECT_EQ(StatusWordName(0x63CF), "verification failed, counter warning");
  for (std::uint16_t sw :
       std::initializer_list<std::uint16_t>{0x0000, 0x1234, 0x6300, 0x63D0, 0x9001, 0xFFFF}) {
    EXPECT_EQ(StatusWordName(sw), kUnknown) << std::hex << sw;
  }
}

TEST(StatusWordTest, TriesLeftOnCounterWarnings) {
  for (int x = 0; x <= 0xF; ++x) {
    EXPECT_EQ(TriesLeft(static_cast<std::uint16_t>(0x63C0 + x)), x);
  }
  EXPECT_EQ(TriesLeft(ToU16(StatusWord::kVerificationFailedNoTries)), 0);
}

TEST(StatusWordTest, TriesLeftIsEmptyForOtherWords) {
  for (std::uint16_t sw :
       std::initializer_list<std::uint16_t>{0x9000, 0x6300, 0x63BF, 0x63D0, 0x63FF, 0x62C3, 0x73C3,
                                            0x6983, 0x6984, 0x0000, 0xFFFF}) {
    EXPECT_EQ(TriesLeft(sw), std::nullopt) << std::hex << sw;
  }
}

TEST(StatusWordTest, IsSuccess) {
  static_assert(IsSuccess(0x9000));
  EXPECT_TRUE(IsSuccess(0x9000));
  EXPECT_TRUE(IsSuccess(0x6100));
  EXPECT_TRUE(IsSuccess(0x6110));
  EXPECT_TRUE(IsSuccess(0x61FF));
  for (std::uint16_t sw :
       std::initializer_list<std::uint16_t>{0x9001, 0x9100, 0x6000, 0x6200, 0x6282, 0x62FF, 0x63C3,
                                            0x6C10, 0x6982, 0x6F00, 0x0000, 0x0090}) {
    EXPECT_FALSE(IsSuccess(sw)) << std::hex << sw;
  }
}

}  // namespace
}  // namespace sekisho::card
