#include "card/apdu_firewall.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <deque>

#include "base/log.h"
#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/test_apdus.h"
#include "card/transceive.h"

namespace sekisho::card {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using ::testing::Not;
using testing::StatusIs;

using ::sekisho::testing::H;
using ::sekisho::testing::kSelectAuthCert;
using ::sekisho::testing::kSelectAuthPin;
using ::sekisho::testing::kSelectJpki;

// The card behind the firewall: answers from a script (9000 when the script is empty), records
// what reached it, and fails the test when a command arrives while `guarded` is set.
class GuardedCard : public CardChannel {
 public:
  Result<Bytes> Transmit(ByteView command) override {
    if (guarded) ADD_FAILURE() << "a refused command reached the card: " << ApduForLog(command);
    received.emplace_back(command.begin(), command.end());
    if (removed) return UnavailableError("card removed");
    if (answers.empty()) return H("9000");
    Bytes answer = answers.front();
    answers.pop_front();
    return answer;
  }
  Result<Bytes> Atr() override { return H("3BE000FF8131FE4514"); }
  Status Reset() override {
    ++resets;
    return OkStatus();
  }
  bool IsPresent() override { return !removed; }

  bool guarded = false;
  bool removed = false;
  int resets = 0;
  std::deque<Bytes> answers;
  std::vector<Bytes> received;
};

// APDUs from spec §3 (AIDs from §1).
constexpr std::string_view kSelectInputAssist = "00A4040C0AD3921000310001010408";
constexpr std::string_view kSelectCardFace = "00A4040C0AD3921000310001010402";
constexpr std::string_view kSelectResidence = "00A4040C0AD3921000310001010401";
constexpr std::string_view kSelectCommon = "00A4040C0AD3921000310001010100";
constexpr std::string_view kSelectIsd = "00A4040C07A0000001510000";
constexpr std::string_view kSelectToken = "00A4020C020006";
constexpr std::string_view kSelectAuthCa = "00A4020C02000B";
constexpr std::string_view kSelectAuthKey = "00A4020C020017";
constexpr std::string_view kSelectSignCert = "00A4020C020001";
constexpr std::string_view kReadCurrent = "00B0000000";
constexpr std::string_view kVerifyPin = "002000800431323334";
constexpr std::string_view kDigestInfo =
    "3031300D060960864801650304020105000420"
    "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";

std::string Sign(std::string_view p1p2) {
  return "802A" + std::string(p1p2) + "33" + std::string(kDigestInfo) + "00";
}

class ApduFirewallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fw = ApduFirewall::Create(card_, JpkiUserAuthenticationPolicy());
    ASSERT_THAT(fw, IsOk());
    fw_ = std::move(*fw);
  }

  // Sends a command that must reach the card unchanged and come back with `answer`.
  void Allowed(std::string_view hex, std::string_view answer = "9000") {
    card_.answers.push_back(H(answer));
    const std::size_t before = card_.received.size();
    auto r = fw_->Transmit(H(hex));
    ASSERT_THAT(r, IsOk()) << hex;
    EXPECT_EQ(*r, H(answer));
    ASSERT_EQ(card_.received.size(), before + 1) << hex;
    EXPECT_EQ(card_.received.back(), H(hex));
  }

  // Sends a command that the firewall must refuse for `reason` without the card seeing it.
  void Refused(std::string_view hex, RefusalReason reason) {
    RefusedWith(hex, reason).IgnoreError();
  }
  Status RefusedWith(std::string_view hex, RefusalReason reason) {
    const FirewallStats before = fw_->stats();
    const std::size_t received = card_.received.size();
    card_.guarded = true;
    auto r = fw_->Transmit(*FromHex(hex));
    card_.guarded = false;
    EXPECT_EQ(card_.received.size(), received) << hex;
    EXPECT_THAT(r, StatusIs(StatusCode::kPermissionDenied)) << hex;
    EXPECT_EQ(fw_->stats().refused, before.refused + 1) << hex;
    EXPECT_EQ(fw_->stats().RefusedFor(reason), before.RefusedFor(reason) + 1)
        << hex << ": " << r.status().ToString();
    EXPECT_EQ(fw_->stats().allowed, before.allowed) << hex;
    if (r.ok()) return OkStatus();
    EXPECT_THAT(r.status().message(), HasSubstr("APDU firewall: "));
    EXPECT_THAT(r.status().message(), HasSubstr("is not allowed for JPKI user authentication"));
    return r.status();
  }

  GuardedCard card_;
  std::unique_ptr<ApduFirewall> fw_;
};

// --- The allowed path ----------------------------------------------------------------------

TEST_F(ApduFirewallTest, UserAuthenticationPathByCurrentFilePassesThrough) {
  Allowed(kSelectJpki);
  Allowed(kSelectToken);
  Allowed("00B0000020",
          "4A504B49415049434354"
          "9000");
  Allowed(kSelectAuthCert);
  Allowed(kReadCurrent, "308203E79000");
  Allowed("00B0010000");
  Allowed(kSelectAuthCa);
  Allowed(kReadCurrent);
  Allowed(kSelectAuthPin);
  Allowed("00200080", "63C3");
  Allowed(kVerifyPin);
  Allowed(kSelectAuthKey);
  Allowed(Sign("0080"));
  EXPECT_EQ(fw_->stats().allowed, 13u);
  EXPECT_EQ(fw_->stats().refused, 0u);
  const std::vector<std::string> log = fw_->AllowedLog();
  ASSERT_EQ(log.size(), 13u);
  EXPECT_EQ(log[0], "SELECT of the JPKI application (公的個人認証AP)");
  EXPECT_EQ(log[4],
            "READ BINARY of the authentication certificate (利用者証明用電子証明書, EF 000A) in "
            "the JPKI application (公的個人認証AP)");
  EXPECT_EQ(log[9],
            "VERIFY (tries query) of the authentication PIN (利用者証明用PIN, EF 0018) in the JPKI "
            "application (公的個人認証AP)");
  EXPECT_EQ(log[12],
            "COMPUTE DIGITAL SIGNATURE with the authentication key (利用者証明用秘密鍵, EF 0017) "
            "in the JPKI application (公的個人認証AP)");
  for (const std::string& line : log) {
    EXPECT_THAT(line, Not(HasSubstr("1234")));
    EXPECT_THAT(line, Not(HasSubstr("31323334")));
  }
}

TEST_F(ApduFirewallTest, ShortEfIdentifierFormsPassThrough) {
  Allowed(kSelectJpki);
  Allowed("00B0860020");  // token by SFI 06
  Allowed("00B08B0000");  // auth CA by SFI 0B
  Allowed("00B08A0000");  // auth certificate by SFI 0A
  // §7.2.2: the SFI read made 000A current, so the rest of the certificate reads by offset.
  EXPECT_EQ(fw_->CurrentFile(), std::optional<std::uint16_t>(0x000A));
  Allowed("00B0010000");
  Allowed("00200098", "63C3");
  Allowed("002000980431323334");
  Allowed(Sign("0097"));
  EXPECT_EQ(fw_->AllowedLog()[3],
            "READ BINARY by SFI of the authentication certificate (利用者証明用電子証明書, EF "
            "000A) in the JPKI application (公的個人認証AP)");
}

TEST_F(ApduFirewallTest, AllowedLogNamesEachCommandAndItsTarget) {
  Allowed(kSelectJpki);
  Allowed(kSelectToken);
  Allowed(kReadCurrent);
  Allowed("00B08A0000");
  Allowed("00200098", "63C3");
  Allowed("002000980431323334");
  Allowed(kSelectAuthPin);
  Allowed(kVerifyPin);
  Allowed(Sign("0097"));
  Allowed(kSelectAuthKey);
  Allowed(Sign("0080"));
  const std::string jpki = " in the JPKI application (公的個人認証AP)";
  const std::string cert = "the authentication certificate (利用者証明用電子証明書, EF 000A)";
  const std::string pin = "the authentication PIN (利用者証明用PIN, EF 0018)";
  const std::string key = "the authentication key (利用者証明用秘密鍵, EF 0017)";
  EXPECT_EQ(fw_->AllowedLog(), (std::vector<std::string>{
                                   "SELECT of the JPKI application (公的個人認証AP)",
                                   "SELECT of the token information (EF 0006)" + jpki,
                                   "READ BINARY of the token information (EF 0006)" + jpki,
                                   "READ BINARY by SFI of " + cert + jpki,
                                   "VERIFY (tries query) by SFI of " + pin + jpki,
                                   "VERIFY by SFI of " + pin + jpki,
                                   "SELECT of " + pin + jpki,
                                   "VERIFY of " + pin + jpki,
                                   "COMPUTE DIGITAL SIGNATURE by SFI with " + key + jpki,
                                   "SELECT of " + key + jpki,
                                   "COMPUTE DIGITAL SIGNATURE with " + key + jpki,
                               }));
}

TEST_F(ApduFirewallTest, AllowedCommandsAreLoggedAtDebugLevelOnly) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("firewall_test", sink);
  spdlog::set_default_logger(logger);
  logger->set_level(spdlog::level::info);
  Allowed(kSelectJpki);
  logger->set_level(spdlog::level::debug);
  Allowed(kSelectAuthCert);
  spdlog::set_default_logger(previous);
  std::vector<std::string> lines;
  for (const auto& message : sink->last_raw()) {
    lines.emplace_back(message.payload.begin(), message.payload.end());
  }
  EXPECT_EQ(lines,
            std::vector<std::string>{
                "APDU firewall: allowed SELECT of the authentication certificate "
                "(利用者証明用電子証明書, EF 000A) in the JPKI application (公的個人認証AP)"});
}

TEST_F(ApduFirewallTest, GetResponseAfterAnAllowedCommand) {
  Allowed(kSelectJpki);
  Allowed("00B08A0000", "3082610A");
  Allowed("00C000000A", "000102030405060708099000");
  EXPECT_EQ(fw_->AllowedLog().back(), "GET RESPONSE");
  // Nothing is pending any more.
  EXPECT_THAT(RefusedWith("00C0000010", RefusalReason::kNoPendingResponse),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("GET RESPONSE")));
}

TEST_F(ApduFirewallTest, TransceiveFollows61xxThroughTheFirewall) {
  Allowed(kSelectJpki);
  card_.answers = {H("AABB6102"), H("CCDD9000")};
  auto r = Transceive(*fw_, CommandApdu{0x00, 0xB0, 0x8A, 0x00, {}, 4});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->data, H("AABBCCDD"));
  EXPECT_EQ(card_.received.back(), H("00C0000002"));
}

TEST_F(ApduFirewallTest, GetResponseWithNothingPendingIsRefused) {
  Refused("00C0000000", RefusalReason::kNoPendingResponse);
  Allowed(kSelectJpki);
  Refused("00C0000000", RefusalReason::kNoPendingResponse);
  Refused("00C0010000", RefusalReason::kMalformedApdu);
}

// --- Applications ------------------------------------------------------------------------------

TEST_F(ApduFirewallTest, SelectOfTheInputAssistApplicationIsRefused) {
  EXPECT_THAT(RefusedWith(kSelectInputAssist, RefusalReason::kApplicationNotAllowed),
              StatusIs(StatusCode::kPermissionDenied,
                       "APDU firewall: SELECT of the input-assist application (券面事項入力補助AP) "
                       "is not allowed for JPKI user authentication"));
}

TEST_F(ApduFirewallTest, SelectOfTheCardFaceApplicationIsRefused) {
  EXPECT_THAT(RefusedWith(kSelectCardFace, RefusalReason::kApplicationNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("券面事項確認AP")));
}

TEST_F(ApduFirewallTest, SelectOfTheResidenceApplicationIsRefused) {
  EXPECT_THAT(RefusedWith(kSelectResidence, RefusalReason::kApplicationNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("住基AP")));
}

TEST_F(ApduFirewallTest, SelectOfTheCommonApplicationIsRefused) {
  EXPECT_THAT(RefusedWith(kSelectCommon, RefusalReason::kApplicationNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("共通AP")));
}

TEST_F(ApduFirewallTest, SelectOfAnUnknownOrPartialAidIsRefused) {
  EXPECT_THAT(RefusedWith("00A4040C05A000000003", RefusalReason::kApplicationNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("an unknown application")));
  // A prefix of the JPKI AID could match by partial name on some cards: not the JPKI AID.
  Refused("00A4040C05D392F00026", RefusalReason::kApplicationNotAllowed);
  // The JPKI AID with a byte more.
  Refused("00A4040C0BD392F00026010000000100", RefusalReason::kApplicationNotAllowed);
}

TEST_F(ApduFirewallTest, SelectOfTheMasterFileIsRefused) {
  EXPECT_THAT(RefusedWith("00A40000", RefusalReason::kApplicationNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("master file (MF)")));
  Refused("00A4000C023F00", RefusalReason::kApplicationNotAllowed);
  Refused("00A40000023F00", RefusalReason::kApplicationNotAllowed);
}

TEST_F(ApduFirewallTest, SelectOfTheIssuerSecurityDomainIsRefused) {
  EXPECT_THAT(RefusedWith(kSelectIsd, RefusalReason::kApplicationNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("issuer security domain")));
}

TEST_F(ApduFirewallTest, OtherSelectFormsAreRefused) {
  Allowed(kSelectJpki);
  Refused("00A4020402000A", RefusalReason::kSelectFormNotAllowed);      // FCP of 000A
  Refused("00A4000C02000A", RefusalReason::kSelectFormNotAllowed);      // P1=00 by FID
  Refused("00A4010C020001", RefusalReason::kSelectFormNotAllowed);      // child DF
  Refused("00A4030C", RefusalReason::kSelectFormNotAllowed);            // parent DF
  Refused("00A4080C04000A000A", RefusalReason::kSelectFormNotAllowed);  // path
  // The JPKI AID asking for FCI (P2=00).
  Refused("00A404000AD392F000260100000001", RefusalReason::kSelectFormNotAllowed);
}

// --- Files -------------------------------------------------------------------------------------

TEST_F(ApduFirewallTest, SelectOfTheSignatureCertificateIsRefused) {
  Allowed(kSelectJpki);
  EXPECT_THAT(
      RefusedWith(kSelectSignCert, RefusalReason::kFileNotAllowed),
      StatusIs(StatusCode::kPermissionDenied,
               "APDU firewall: SELECT of the signature certificate (署名用電子証明書, EF "
               "0001) in the JPKI application (公的個人認証AP) is not allowed for JPKI user "
               "authentication"));
}

TEST_F(ApduFirewallTest, SelectOfTheSignatureCaCertificateIsRefused) {
  Allowed(kSelectJpki);
  EXPECT_THAT(RefusedWith("00A4020C020002", RefusalReason::kFileNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("signature CA certificate")));
}

TEST_F(ApduFirewallTest, ReadOfTheSignatureCertificatesBySfiIsRefused) {
  Allowed(kSelectJpki);
  EXPECT_THAT(RefusedWith("00B0810000", RefusalReason::kFileNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("署名用電子証明書")));
  Refused("00B0820000", RefusalReason::kFileNotAllowed);
  Refused("00B0880000", RefusalReason::kFileNotAllowed);  // certificate presence flags 0008
}

TEST_F(ApduFirewallTest, ReadOfKeyAndPinFilesIsRefused) {
  Allowed(kSelectJpki);
  Allowed(kSelectAuthPin);
  Refused(kReadCurrent, RefusalReason::kFileNotAllowed);
  Refused("00B0980000", RefusalReason::kFileNotAllowed);
  Allowed(kSelectAuthKey);
  Refused(kReadCurrent, RefusalReason::kFileNotAllowed);
  Refused("00B0970000", RefusalReason::kFileNotAllowed);
}

TEST_F(ApduFirewallTest, MalformedShortEfIdentifiersAreRefused) {
  Allowed(kSelectJpki);
  Refused("00B0800000", RefusalReason::kMalformedApdu);      // SFI 0
  Refused("00B09F0000", RefusalReason::kMalformedApdu);      // SFI 31
  Refused("00B0AA0000", RefusalReason::kMalformedApdu);      // b6 set
  Refused("00B0000002AABB", RefusalReason::kMalformedApdu);  // READ BINARY with data
}

// --- Credentials and keys ----------------------------------------------------------------------

TEST_F(ApduFirewallTest, VerifyOfTheSignaturePasswordIsRefused) {
  Allowed(kSelectJpki);
  auto status = RefusedWith("0020009B06414243313233", RefusalReason::kCredentialNotAllowed);
  EXPECT_THAT(status, StatusIs(StatusCode::kPermissionDenied, HasSubstr("署名用パスワード")));
  EXPECT_THAT(status.message(), Not(HasSubstr("ABC123")));
  EXPECT_THAT(status.message(), Not(HasSubstr("414243313233")));
  Refused("0020009B", RefusalReason::kCredentialNotAllowed);  // not even the tries query
  Refused("00A4020C02001B", RefusalReason::kFileNotAllowed);
  Refused("00200080", RefusalReason::kNoCurrentFile);  // follows the refused SELECT of 001B
}

TEST_F(ApduFirewallTest, VerifyAppliesOnlyToTheAuthenticationPin) {
  Allowed(kSelectJpki);
  Refused("00200080", RefusalReason::kNoCurrentFile);  // nothing current yet
  Allowed(kSelectAuthCert);
  Refused(kVerifyPin, RefusalReason::kCredentialNotAllowed);
  Allowed(kSelectAuthKey);
  Refused(kVerifyPin, RefusalReason::kCredentialNotAllowed);
  Refused("002000010431323334", RefusalReason::kCredentialNotAllowed);  // global reference 01
  Refused("002000000431323334", RefusalReason::kCredentialNotAllowed);  // P2=00
  Refused("0020FF98", RefusalReason::kCommandNotAllowed);               // P1=FF (reset)
  Refused("002000910431323334", RefusalReason::kCredentialNotAllowed);  // input-assist style 0011
}

TEST_F(ApduFirewallTest, SigningWithTheSignatureKeyIsRefused) {
  Allowed(kSelectJpki);
  EXPECT_THAT(RefusedWith(Sign("009A"), RefusalReason::kKeyNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("署名用秘密鍵")));
  Refused("00A4020C02001A", RefusalReason::kFileNotAllowed);
  // The SELECT of 001A was refused, so a signature with "the current key" is not sent either.
  Refused(Sign("0080"), RefusalReason::kNoCurrentFile);
}

TEST_F(ApduFirewallTest, SigningNeedsTheAuthenticationKeyAndSchemeZero) {
  Allowed(kSelectJpki);
  Refused(Sign("0080"), RefusalReason::kNoCurrentFile);
  Allowed(kSelectAuthCert);
  Refused(Sign("0080"), RefusalReason::kKeyNotAllowed);
  Refused(Sign("0000"), RefusalReason::kKeyNotAllowed);  // the application's default key
  for (const char* p1 : {"01", "02", "03", "04", "05", "FF"}) {
    Refused(Sign(std::string(p1) + "97"), RefusalReason::kSignatureSchemeNotAllowed);
  }
  Allowed(kSelectAuthKey);
  Refused(Sign("0180"), RefusalReason::kSignatureSchemeNotAllowed);
  Refused("802A008000", RefusalReason::kMalformedApdu);  // nothing to sign (case 2)
  Allowed(Sign("0080"));
}

// --- Other instructions ------------------------------------------------------------------------

TEST_F(ApduFirewallTest, ChangeReferenceDataIsRefused) {
  Allowed(kSelectJpki);
  Allowed(kSelectAuthPin);
  EXPECT_THAT(RefusedWith("00240180083132333435363738", RefusalReason::kCommandNotAllowed),
              StatusIs(StatusCode::kPermissionDenied,
                       "APDU firewall: CHANGE REFERENCE DATA is not allowed for JPKI user "
                       "authentication"));
  Refused("803200800431323334", RefusalReason::kCommandNotAllowed);  // JICSAP CHANGE KEY
  Refused("002C0080", RefusalReason::kCommandNotAllowed);            // RESET RETRY COUNTER
}

TEST_F(ApduFirewallTest, GetDataIsRefused) {
  EXPECT_THAT(RefusedWith("00CA004500", RefusalReason::kCommandNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("GET DATA")));
  Refused("00CA00F000", RefusalReason::kCommandNotAllowed);
}

TEST_F(ApduFirewallTest, ReadRecordIsRefused) {
  Allowed(kSelectJpki);
  EXPECT_THAT(RefusedWith("00B2010C00", RefusalReason::kCommandNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("READ RECORD")));
  Refused("00B2010400", RefusalReason::kCommandNotAllowed);
}

TEST_F(ApduFirewallTest, InternalAuthenticateIsRefused) {
  EXPECT_THAT(RefusedWith("0088009908010203040506070800", RefusalReason::kCommandNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("INTERNAL AUTHENTICATE")));
}

TEST_F(ApduFirewallTest, GetChallengeIsRefused) {
  EXPECT_THAT(RefusedWith("0084000008", RefusalReason::kCommandNotAllowed),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("GET CHALLENGE")));
}

TEST_F(ApduFirewallTest, WritingAndOtherInstructionsAreRefused) {
  Allowed(kSelectJpki);
  Allowed(kSelectAuthCert);
  Refused("00D6000001FF", RefusalReason::kCommandNotAllowed);        // UPDATE BINARY
  Refused("00B1000000", RefusalReason::kCommandNotAllowed);          // READ BINARY, odd INS
  Refused("002A9E9A0401020304", RefusalReason::kCommandNotAllowed);  // ISO PSO: CDS
  Refused("00E4000002000A", RefusalReason::kCommandNotAllowed);      // DELETE FILE
  Refused("00FE0000", RefusalReason::kCommandNotAllowed);            // unknown instruction
}

// --- Class byte --------------------------------------------------------------------------------

TEST_F(ApduFirewallTest, LogicalChannelsAreRefused) {
  EXPECT_THAT(RefusedWith("01A4040C0AD392F000260100000001", RefusalReason::kLogicalChannel),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("logical channel 1")));
  Refused("03B0000000", RefusalReason::kLogicalChannel);
  Refused("40A4040C0AD392F000260100000001", RefusalReason::kLogicalChannel);  // channel 4
  Refused("4FB0000000", RefusalReason::kLogicalChannel);
  Refused(
      "812A0097"
      "33" +
          std::string(kDigestInfo) + "00",
      RefusalReason::kLogicalChannel);
  EXPECT_THAT(RefusedWith("0070000001", RefusalReason::kLogicalChannel),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("MANAGE CHANNEL")));
}

TEST_F(ApduFirewallTest, SecureMessagingClassIsRefused) {
  EXPECT_THAT(RefusedWith("0CA4040C0AD392F000260100000001", RefusalReason::kSecureMessaging),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("secure messaging (CLA 0C)")));
  Allowed(kSelectJpki);
  Refused("0CB08A0000", RefusalReason::kSecureMessaging);
  Refused("08200098", RefusalReason::kSecureMessaging);
  Refused("04200098", RefusalReason::kSecureMessaging);
  // A further interindustry class with SM (6C) names channel 16 first.
  Refused("6CB0000000", RefusalReason::kLogicalChannel);
  Refused(
      "8C2A0097"
      "33" +
          std::string(kDigestInfo) + "00",
      RefusalReason::kSecureMessaging);
}

TEST_F(ApduFirewallTest, OtherClassBytesAreRefused) {
  Allowed(kSelectJpki);
  Refused("10B08A0000", RefusalReason::kClassNotAllowed);  // command chaining
  Refused("80B08A0000", RefusalReason::kClassNotAllowed);  // READ BINARY with CLA 80
  Refused("80A4040C0AD392F000260100000001", RefusalReason::kClassNotAllowed);
  Refused("A0B08A0000", RefusalReason::kClassNotAllowed);
  Refused("20B08A0000", RefusalReason::kClassNotAllowed);
  Refused("FFB08A0000", RefusalReason::kClassNotAllowed);
  Refused("E0B08A0000", RefusalReason::kClassNotAllowed);
}

TEST_F(ApduFirewallTest, UnparseableApdusAreRefused) {
  Allowed(kSelectJpki);
  Refused("00A4020C03000A00", RefusalReason::kMalformedApdu);  // a 3-byte file identifier
  Refused("", RefusalReason::kMalformedApdu);
  Refused("00", RefusalReason::kMalformedApdu);
  Refused("00A404", RefusalReason::kMalformedApdu);
  Refused("00A4040C0AD392F0", RefusalReason::kMalformedApdu);  // Lc disagrees with the body
  Refused("00A4040C0000", RefusalReason::kMalformedApdu);      // extended, truncated
  Refused("00A4040C", RefusalReason::kMalformedApdu);          // SELECT by name without a name
}

TEST_F(ApduFirewallTest, RefusalMessagesNeverCarryTheDataField) {
  // An unknown AID whose bytes would be recognisable in a message or a log.
  auto status = RefusedWith("00A4040C08DEADBEEFCAFEF00D", RefusalReason::kApplicationNotAllowed);
  EXPECT_THAT(status.message(), Not(HasSubstr("DEADBEEF")));
  EXPECT_THAT(status.message(), Not(HasSubstr("deadbeef")));
  status = RefusedWith("00240180083938373635343332", RefusalReason::kCommandNotAllowed);
  EXPECT_THAT(status.message(), Not(HasSubstr("3938")));
  EXPECT_THAT(status.message(), Not(HasSubstr("9876")));
}

// --- State tracking ----------------------------------------------------------------------------

TEST_F(ApduFirewallTest, NothingButSelectBeforeAnApplicationIsSelected) {
  Refused("00B08A0000", RefusalReason::kNoApplicationSelected);
  Refused(kSelectAuthCert, RefusalReason::kNoApplicationSelected);
  Refused("00200098", RefusalReason::kNoApplicationSelected);
  Refused(Sign("0097"), RefusalReason::kNoApplicationSelected);
}

TEST_F(ApduFirewallTest, ReadAfterARefusedSelectDoesNotReadWhatWasCurrentBefore) {
  Allowed(kSelectJpki);
  Refused(kSelectSignCert, RefusalReason::kFileNotAllowed);
  EXPECT_THAT(RefusedWith(kReadCurrent, RefusalReason::kNoCurrentFile),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("follows the refused SELECT")));
  // The same with a readable file current before: the READ was meant for 0001, not for 000A.
  Allowed(kSelectAuthCert);
  Refused(kSelectSignCert, RefusalReason::kFileNotAllowed);
  Refused(kReadCurrent, RefusalReason::kNoCurrentFile);
  Refused("00B0010000", RefusalReason::kNoCurrentFile);
}

TEST_F(ApduFirewallTest, ARefusedSelectDoesNotChangeTheTrackedState) {
  Allowed(kSelectJpki);
  Allowed(kSelectAuthCert);
  const Bytes jpki = H("D392F000260100000001");
  Refused(kSelectSignCert, RefusalReason::kFileNotAllowed);
  EXPECT_EQ(fw_->SelectedApplication(), std::optional<Bytes>(jpki));
  EXPECT_EQ(fw_->CurrentFile(), std::optional<std::uint16_t>(0x000A));
  // Commands that name their file do not depend on the refused SELECT.
  Allowed("00B08B0000");
  Refused(kSelectInputAssist, RefusalReason::kApplicationNotAllowed);
  EXPECT_EQ(fw_->SelectedApplication(), std::optional<Bytes>(jpki));
  EXPECT_EQ(fw_->CurrentFile(), std::optional<std::uint16_t>(0x000B));
  // But everything inside "the application" is refused: it was meant for the input-assist one.
  Refused("00B08A0000", RefusalReason::kNoApplicationSelected);
  Refused(kSelectAuthCert, RefusalReason::kNoApplicationSelected);
  Refused("00200098", RefusalReason::kNoApplicationSelected);
  // Selecting the JPKI application again restores the path.
  Allowed(kSelectJpki);
  EXPECT_EQ(fw_->CurrentFile(), std::nullopt);
  Allowed("00B08A0000");
  Allowed(kSelectAuthCert);
  Allowed(kReadCurrent);
}

TEST_F(ApduFirewallTest, StateChangesOnlyWhenTheCardAnswers9000) {
  Allowed(kSelectJpki);
  Allowed(kSelectAuthCert);
  Allowed(kSelectToken, "6A82");  // the card did not select the token EF
  EXPECT_EQ(fw_->CurrentFile(), std::nullopt);
  Refused(kReadCurrent, RefusalReason::kNoCurrentFile);
  Allowed(kSelectJpki, "6A82");  // not a JPKI card after all
  EXPECT_EQ(fw_->SelectedApplication(), std::nullopt);
  Refused(kSelectAuthCert, RefusalReason::kNoApplicationSelected);
  Refused("00B08A0000", RefusalReason::kNoApplicationSelected);
  Allowed(kSelectJpki);
  Allowed("00B08A0000", "6A82");  // a failed SFI read makes nothing current
  EXPECT_EQ(fw_->CurrentFile(), std::nullopt);
}

TEST_F(ApduFirewallTest, CardRemovalAndResetForgetTheSelection) {
  Allowed(kSelectJpki);
  Allowed(kSelectAuthCert);
  card_.removed = true;
  EXPECT_THAT(fw_->Transmit(H(kReadCurrent)), StatusIs(StatusCode::kUnavailable));
  card_.removed = false;
  EXPECT_EQ(fw_->SelectedApplication(), std::nullopt);
  Refused(kReadCurrent, RefusalReason::kNoApplicationSelected);

  Allowed(kSelectJpki);
  Allowed(kSelectAuthCert);
  ASSERT_THAT(fw_->Reset(), IsOk());
  EXPECT_EQ(card_.resets, 1);
  EXPECT_EQ(fw_->SelectedApplication(), std::nullopt);
  Refused(kReadCurrent, RefusalReason::kNoApplicationSelected);
  // A card answering garbage leaves nothing known either.
  Allowed(kSelectJpki);
  card_.answers.push_back(H("90"));
  EXPECT_THAT(fw_->Transmit(H(kSelectAuthCert)), IsOk());
  EXPECT_EQ(fw_->SelectedApplication(), std::nullopt);
}

TEST_F(ApduFirewallTest, StatsCountEachReason) {
  Refused(kSelectInputAssist, RefusalReason::kApplicationNotAllowed);
  Refused(kSelectCardFace, RefusalReason::kApplicationNotAllowed);
  Refused("0084000008", RefusalReason::kCommandNotAllowed);
  Allowed(kSelectJpki);
  EXPECT_EQ(fw_->stats().allowed, 1u);
  EXPECT_EQ(fw_->stats().refused, 3u);
  EXPECT_EQ(fw_->stats().RefusedFor(RefusalReason::kApplicationNotAllowed), 2u);
  EXPECT_EQ(fw_->stats().RefusedFor(RefusalReason::kCommandNotAllowed), 1u);
  EXPECT_EQ(fw_->stats().RefusedFor(RefusalReason::kLogicalChannel), 0u);
  EXPECT_EQ(fw_->AllowedLog().size(), 1u);
}

TEST_F(ApduFirewallTest, RefusalIsLoggedAsAPolicyViolationAtWarnLevel) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("firewall_test", sink);
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  Refused("0020009B06414243313233", RefusalReason::kNoApplicationSelected);
  spdlog::set_default_logger(previous);
  bool found = false;
  for (const auto& message : sink->last_raw()) {
    const std::string text(message.payload.begin(), message.payload.end());
    EXPECT_THAT(text, Not(HasSubstr("414243")));
    if (message.level == spdlog::level::warn &&
        text.starts_with("policy violation: APDU firewall: VERIFY")) {
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(ApduFirewallTest, AllowedLogKeepsTheLatestLines) {
  for (std::size_t i = 0; i < ApduFirewall::kAllowedLogLimit + 5; ++i) {
    ASSERT_THAT(fw_->Transmit(H(kSelectJpki)), IsOk());
  }
  Allowed(kSelectAuthCert);
  EXPECT_EQ(fw_->AllowedLog().size(), ApduFirewall::kAllowedLogLimit);
  EXPECT_THAT(fw_->AllowedLog().back(), HasSubstr("EF 000A"));
  EXPECT_EQ(fw_->stats().allowed, ApduFirewall::kAllowedLogLimit + 6);
}

TEST(RefusalReasonTest, EveryReasonHasAName) {
  for (std::size_t i = 0; i < kRefusalReasonCount; ++i) {
    EXPECT_NE(RefusalReasonName(static_cast<RefusalReason>(i)), "unknown reason") << i;
  }
}

// --- Policies are data -------------------------------------------------------------------------

TEST(FirewallPolicyTest, JpkiPolicyNamesOnlyTheUserAuthenticationPath) {
  const FirewallPolicy policy = JpkiUserAuthenticationPolicy();
  EXPECT_THAT(policy.Validate(), IsOk());
  ASSERT_EQ(policy.applications.size(), 1u);
  const ApplicationRule& jpki = policy.applications[0];
  EXPECT_EQ(jpki.aid, H("D392F000260100000001"));
  std::vector<std::uint16_t> fids;
  for (const FileRule& f : jpki.files) fids.push_back(f.fid);
  EXPECT_EQ(fids, (std::vector<std::uint16_t>{0x0006, 0x000A, 0x000B, 0x0017, 0x0018}));
  EXPECT_EQ(jpki.signature_schemes, Bytes{0x00});
  EXPECT_TRUE(jpki.commands.empty());
}

TEST(FirewallPolicyTest, ValidateRefusesInconsistentPolicies) {
  FirewallPolicy no_use = JpkiUserAuthenticationPolicy();
  no_use.use.clear();
  EXPECT_THAT(no_use.Validate(), StatusIs(StatusCode::kInvalidArgument));
  FirewallPolicy twice = JpkiUserAuthenticationPolicy();
  twice.applications.push_back(twice.applications[0]);
  EXPECT_THAT(twice.Validate(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("twice")));
  FirewallPolicy bad_aid = JpkiUserAuthenticationPolicy();
  bad_aid.applications[0].aid = Bytes(17, 0xA0);
  EXPECT_THAT(bad_aid.Validate(), StatusIs(StatusCode::kInvalidArgument));
  FirewallPolicy dup_file = JpkiUserAuthenticationPolicy();
  dup_file.applications[0].files.push_back(dup_file.applications[0].files[0]);
  EXPECT_THAT(dup_file.Validate(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("EF 0006")));
  FirewallPolicy sneaky = JpkiUserAuthenticationPolicy();
  sneaky.applications[0].commands.push_back({"raw read", 0x00, 0xB0, std::nullopt, std::nullopt});
  EXPECT_THAT(sneaky.Validate(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("raw read")));
  GuardedCard card;
  EXPECT_THAT(ApduFirewall::Create(card, sneaky), StatusIs(StatusCode::kInvalidArgument));
}

TEST(FirewallPolicyTest, JpkiPolicyIsBuiltOnceAndSharedWithoutCopies) {
  EXPECT_EQ(&JpkiUserAuthenticationPolicy(), &JpkiUserAuthenticationPolicy());
  EXPECT_EQ(SharedJpkiUserAuthenticationPolicy().get(), &JpkiUserAuthenticationPolicy());
  GuardedCard card;
  auto first = ApduFirewall::Create(card, SharedJpkiUserAuthenticationPolicy());
  auto second = ApduFirewall::Create(card, SharedJpkiUserAuthenticationPolicy());
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(&(*first)->policy(), &JpkiUserAuthenticationPolicy());
  EXPECT_EQ(&(*second)->policy(), &JpkiUserAuthenticationPolicy());
  // A policy given by value is the firewall's own copy.
  auto own = ApduFirewall::Create(card, JpkiUserAuthenticationPolicy());
  ASSERT_THAT(own, IsOk());
  EXPECT_NE(&(*own)->policy(), &JpkiUserAuthenticationPolicy());
  EXPECT_EQ((*own)->policy(), JpkiUserAuthenticationPolicy());

  EXPECT_THAT(ApduFirewall::Create(card, std::shared_ptr<const FirewallPolicy>()),
              StatusIs(StatusCode::kInvalidArgument, "firewall policy: none given"));
  auto unnamed = std::make_shared<FirewallPolicy>(JpkiUserAuthenticationPolicy());
  unnamed->use.clear();
  EXPECT_THAT(ApduFirewall::Create(card, std::shared_ptr<const FirewallPolicy>(unnamed)),
              StatusIs(StatusCode::kInvalidArgument));
}

// A second application is one more ApplicationRule: here a badge-like applet that speaks a
// header-ruled protocol with secure messaging and has one readable file.
TEST(FirewallPolicyTest, AnotherApplicationIsAddedAsData) {
  FirewallPolicy policy = JpkiUserAuthenticationPolicy();
  policy.use = "badge and JPKI";
  ApplicationRule badge;
  badge.aid = H("E8280000010203");
  badge.name = "the badge applet";
  badge.files = {{0x011C, "the card access file (EF 011C)", true, true, false, false}};
  badge.commands = {{"MANAGE SECURITY ENVIRONMENT: SET AT", 0x00, 0x22, 0xC1, 0xA4},
                    {"GENERAL AUTHENTICATE (chained)", 0x10, 0x86, 0x00, 0x00},
                    {"GENERAL AUTHENTICATE (secure messaging)", 0x0C, 0x86, 0x00, 0x00}};
  policy.applications.push_back(badge);
  GuardedCard card;
  auto fw = ApduFirewall::Create(card, policy);
  ASSERT_THAT(fw, IsOk());
  ASSERT_THAT((*fw)->Transmit(H("00A4040C07E8280000010203")), IsOk());
  EXPECT_THAT((*fw)->Transmit(H("0022C1A4038001FF")), IsOk());
  EXPECT_THAT((*fw)->Transmit(H("1086000002 7C00 00")), IsOk());
  EXPECT_THAT((*fw)->Transmit(H("0C86000002 7C00 00")), IsOk());
  EXPECT_THAT((*fw)->Transmit(H("00A4020C02011C")), IsOk());
  EXPECT_THAT((*fw)->Transmit(H(kReadCurrent)), IsOk());
  EXPECT_EQ((*fw)->AllowedLog()[1], "MANAGE SECURITY ENVIRONMENT: SET AT in the badge applet");
  // The badge's commands are not allowed in the JPKI application, nor its other forms anywhere.
  card.guarded = true;
  EXPECT_THAT((*fw)->Transmit(H("0022C1B6038001FF")),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("badge and JPKI")));
  EXPECT_THAT((*fw)->Transmit(H("00A4020C02000A")), StatusIs(StatusCode::kPermissionDenied));
  card.guarded = false;
  ASSERT_THAT((*fw)->Transmit(H(kSelectJpki)), IsOk());
  card.guarded = true;
  EXPECT_THAT((*fw)->Transmit(H("0022C1A4038001FF")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT((*fw)->Transmit(H("0C86000002 7C00 00")), StatusIs(StatusCode::kPermissionDenied));
  card.guarded = false;
  EXPECT_EQ((*fw)->stats().refused, 4u);
}

TEST(FirewallPolicyTest, CommandRulesMayNameOnlyHeaderDecidedFileInstructions) {
  const auto with_rule = [](CommandRule rule) {
    FirewallPolicy policy = JpkiUserAuthenticationPolicy();
    policy.applications.push_back(
        {.aid = Bytes{0xD3, 0x92, 0xF0, 0x00, 0x4F, 0x01}, .name = "an applet", .commands = {rule}});
    return policy.Validate();
  };
  // READ BINARY by SFI at a fixed offset, and a protected PSO with fixed P1-P2: allowed.
  EXPECT_THAT(with_rule({.name = "r", .cla = 0x00, .ins = 0xB0, .p1 = 0x9C, .p2 = 0x00}), IsOk());
  EXPECT_THAT(with_rule({.name = "p", .cla = 0x0C, .ins = 0x2A, .p1 = 0x00, .p2 = 0xBE}), IsOk());
  // READ BINARY of the current EF, by SFI 0, or with any offset; PSO in clear or class 80; any
  // P1-P2 of a protected PSO; SELECT and VERIFY at all.
  EXPECT_THAT(with_rule({.name = "r", .cla = 0x00, .ins = 0xB0, .p1 = 0x00, .p2 = 0x00}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(with_rule({.name = "r", .cla = 0x00, .ins = 0xB0, .p1 = 0x80, .p2 = 0x00}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(with_rule({.name = "r", .cla = 0x00, .ins = 0xB0, .p1 = 0x9C}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(with_rule({.name = "p", .cla = 0x80, .ins = 0x2A, .p1 = 0x00, .p2 = 0x80}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(with_rule({.name = "p", .cla = 0x00, .ins = 0x2A, .p1 = 0x00, .p2 = 0xBE}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(with_rule({.name = "p", .cla = 0x0C, .ins = 0x2A}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(with_rule({.name = "s", .cla = 0x00, .ins = 0xA4, .p1 = 0x04, .p2 = 0x0C}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(with_rule({.name = "v", .cla = 0x0C, .ins = 0x20, .p1 = 0x00, .p2 = 0x80}),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::card
