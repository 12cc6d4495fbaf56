#include "card/pcsc/pcsc_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "base/status_matchers.h"

namespace sekisho::card::pcsc {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

struct Expected {
  std::string_view name;
  StatusCode code;
  std::string_view what;
};

// The table the back-end promises (pcsclite.h codes -> base/status.h codes), written out
// independently of the implementation.
const std::map<LONG, Expected>& ExpectedTable() {
  static const auto* table = new std::map<LONG, Expected>{
      {SCARD_E_NO_SERVICE,
       {"SCARD_E_NO_SERVICE", StatusCode::kUnavailable, "pcscd is not running"}},
      {SCARD_E_SERVICE_STOPPED, {"SCARD_E_SERVICE_STOPPED", StatusCode::kUnavailable, "pcscd"}},
      {SCARD_P_SHUTDOWN, {"SCARD_P_SHUTDOWN", StatusCode::kUnavailable, "pcscd"}},
      {SCARD_E_SERVER_TOO_BUSY, {"SCARD_E_SERVER_TOO_BUSY", StatusCode::kUnavailable, "busy"}},
      {SCARD_W_REMOVED_CARD, {"SCARD_W_REMOVED_CARD", StatusCode::kUnavailable, "card removed"}},
      {SCARD_E_NO_SMARTCARD, {"SCARD_E_NO_SMARTCARD", StatusCode::kUnavailable, "card removed"}},
      {SCARD_W_RESET_CARD, {"SCARD_W_RESET_CARD", StatusCode::kUnavailable, "card was reset"}},
      {SCARD_W_UNPOWERED_CARD, {"SCARD_W_UNPOWERED_CARD", StatusCode::kUnavailable, "powered"}},
      {SCARD_W_UNRESPONSIVE_CARD,
       {"SCARD_W_UNRESPONSIVE_CARD", StatusCode::kUnavailable, "does not answer"}},
      {SCARD_E_NOT_TRANSACTED,
       {"SCARD_E_NOT_TRANSACTED", StatusCode::kUnavailable, "could not exchange"}},
      {SCARD_E_COMM_DATA_LOST,
       {"SCARD_E_COMM_DATA_LOST", StatusCode::kUnavailable, "communication with the card"}},
      {SCARD_F_COMM_ERROR, {"SCARD_F_COMM_ERROR", StatusCode::kUnavailable, "pcscd"}},
      {SCARD_E_NOT_READY, {"SCARD_E_NOT_READY", StatusCode::kUnavailable, "not ready"}},
      {SCARD_E_READER_UNAVAILABLE,
       {"SCARD_E_READER_UNAVAILABLE", StatusCode::kUnavailable, "reader is not available"}},
      {SCARD_E_SHARING_VIOLATION,
       {"SCARD_E_SHARING_VIOLATION", StatusCode::kUnavailable, "another application"}},
      {SCARD_E_CANCELLED, {"SCARD_E_CANCELLED", StatusCode::kUnavailable, "cancelled"}},
      {SCARD_E_SYSTEM_CANCELLED,
       {"SCARD_E_SYSTEM_CANCELLED", StatusCode::kUnavailable, "cancelled"}},
      {SCARD_E_TIMEOUT, {"SCARD_E_TIMEOUT", StatusCode::kDeadlineExceeded, "timed out"}},
      {SCARD_E_UNKNOWN_READER, {"SCARD_E_UNKNOWN_READER", StatusCode::kNotFound, "no such reader"}},
      {SCARD_E_NO_READERS_AVAILABLE,
       {"SCARD_E_NO_READERS_AVAILABLE", StatusCode::kNotFound, "no reader"}},
      {SCARD_E_PROTO_MISMATCH,
       {"SCARD_E_PROTO_MISMATCH", StatusCode::kFailedPrecondition, "protocol"}},
      {SCARD_W_UNSUPPORTED_CARD,
       {"SCARD_W_UNSUPPORTED_CARD", StatusCode::kFailedPrecondition, "ATR"}},
      {SCARD_E_CARD_UNSUPPORTED,
       {"SCARD_E_CARD_UNSUPPORTED", StatusCode::kFailedPrecondition, "not supported"}},
      {SCARD_E_READER_UNSUPPORTED,
       {"SCARD_E_READER_UNSUPPORTED", StatusCode::kFailedPrecondition, "driver"}},
      {SCARD_E_UNSUPPORTED_FEATURE,
       {"SCARD_E_UNSUPPORTED_FEATURE", StatusCode::kFailedPrecondition, "does not support"}},
      {SCARD_E_NO_ACCESS, {"SCARD_E_NO_ACCESS", StatusCode::kPermissionDenied, "refused"}},
      {SCARD_W_SECURITY_VIOLATION,
       {"SCARD_W_SECURITY_VIOLATION", StatusCode::kPermissionDenied, "security"}},
      {SCARD_E_INVALID_HANDLE, {"SCARD_E_INVALID_HANDLE", StatusCode::kInternal, "handle"}},
      {SCARD_E_INVALID_PARAMETER,
       {"SCARD_E_INVALID_PARAMETER", StatusCode::kInternal, "parameter"}},
      {SCARD_E_INVALID_VALUE, {"SCARD_E_INVALID_VALUE", StatusCode::kInternal, "value"}},
      {SCARD_E_INSUFFICIENT_BUFFER,
       {"SCARD_E_INSUFFICIENT_BUFFER", StatusCode::kInternal, "buffer"}},
      {SCARD_E_PCI_TOO_SMALL, {"SCARD_E_PCI_TOO_SMALL", StatusCode::kInternal, "buffer"}},
      {SCARD_E_NO_MEMORY, {"SCARD_E_NO_MEMORY", StatusCode::kInternal, "memory"}},
      {SCARD_F_INTERNAL_ERROR, {"SCARD_F_INTERNAL_ERROR", StatusCode::kInternal, "internal"}},
      {SCARD_F_UNKNOWN_ERROR, {"SCARD_F_UNKNOWN_ERROR", StatusCode::kInternal, "internal"}},
      {SCARD_F_WAITED_TOO_LONG, {"SCARD_F_WAITED_TOO_LONG", StatusCode::kInternal, "timer"}},
  };
  return *table;
}

TEST(PcscErrorTest, SuccessIsOk) {
  EXPECT_THAT(PcscError("SCardConnect", SCARD_S_SUCCESS), IsOk());
}

TEST(PcscErrorTest, EveryHandledCodeMapsAsDocumented) {
  std::set<LONG> seen;
  for (LONG code : KnownPcscErrorCodes()) {
    EXPECT_TRUE(seen.insert(code).second) << "duplicate table entry " << std::hex << code;
    auto it = ExpectedTable().find(code);
    ASSERT_NE(it, ExpectedTable().end()) << "untested code 0x" << std::hex << code;
    const Expected& want = it->second;
    const Status s = PcscError("SCardTransmit", code);
    EXPECT_THAT(s, StatusIs(want.code)) << want.name;
    EXPECT_THAT(s.message(), HasSubstr("SCardTransmit: ")) << want.name;
    EXPECT_THAT(s.message(), HasSubstr(want.name));
    EXPECT_THAT(s.message(), HasSubstr(want.what)) << want.name;
    EXPECT_THAT(s.message(), HasSubstr(pcsc_stringify_error(code))) << want.name;
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(code) & 0xFFFFFFFFul);
    EXPECT_THAT(s.message(), HasSubstr(hex)) << want.name;
    // Every message says what to do next, after the code.
    EXPECT_THAT(s.message(), ::testing::MatchesRegex(".*\\); [a-z].*")) << s.message();
  }
  // And every expected code is handled by the table.
  EXPECT_EQ(seen.size(), ExpectedTable().size());
}

TEST(PcscErrorTest, TheCodesTheBriefNamesExplicitly) {
  EXPECT_THAT(PcscError("SCardEstablishContext", SCARD_E_NO_SERVICE),
              StatusIs(StatusCode::kUnavailable, HasSubstr("pcscd is not running")));
  EXPECT_THAT(PcscError("x", SCARD_W_REMOVED_CARD),
              StatusIs(StatusCode::kUnavailable, HasSubstr("card removed")));
  EXPECT_THAT(PcscError("x", SCARD_W_RESET_CARD),
              StatusIs(StatusCode::kUnavailable, HasSubstr("card was reset")));
  EXPECT_THAT(PcscError("x", SCARD_E_TIMEOUT), StatusIs(StatusCode::kDeadlineExceeded));
  EXPECT_THAT(PcscError("x", SCARD_E_UNKNOWN_READER), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(PcscError("x", SCARD_E_SHARING_VIOLATION), StatusIs(StatusCode::kUnavailable));
}

TEST(PcscErrorTest, UnknownCodeIsInternalAndNamesTheNumber) {
  const Status s = PcscError("SCardControl", static_cast<LONG>(0x80100099));
  EXPECT_THAT(s, StatusIs(StatusCode::kInternal, HasSubstr("0x80100099")));
  EXPECT_THAT(s.message(), HasSubstr("SCardControl"));
  EXPECT_THAT(PcscError("x", 1), StatusIs(StatusCode::kInternal, HasSubstr("0x00000001")));
}

}  // namespace
}  // namespace sekisho::card::pcsc
