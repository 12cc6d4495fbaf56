#include "card/jpki_client.h"

#include <gtest/gtest.h>

#include <deque>

#include "base/log.h"
#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/apdu_firewall.h"
#include "card/certificate_prefix.h"
#include "card/counting_channel.h"
#include "card/test_apdus.h"
#include "card/tlv.h"

namespace sekisho::card {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using ::testing::Not;
using testing::StatusIs;

using ::sekisho::testing::H;
using ::sekisho::testing::kSelectJpki;
Bytes WithSw(ByteView data, std::string_view sw = "9000") {
  Bytes out(data.begin(), data.end());
  Append(out, H(sw));
  return out;
}

// A card that expects an exact sequence of command APDUs (a known-answer check of the bytes
// the client sends, spec §3 and §3.1) and answers each from the script.
class ScriptedCard : public CardChannel {
 public:
  void Expect(std::string_view command, Bytes answer) {
    script_.push_back({H(command), std::move(answer), false});
  }
  void Expect(std::string_view command, std::string_view answer) { Expect(command, H(answer)); }
  // The card is pulled out while this command is on its way.
  void ExpectRemoval(std::string_view command) { script_.push_back({H(command), {}, true}); }

  Result<Bytes> Transmit(ByteView command) override {
    sent.emplace_back(command.begin(), command.end());
    if (script_.empty()) {
      ADD_FAILURE() << "unexpected command " << ApduForLog(command);
      return UnavailableError("card removed");
    }
    Step step = std::move(script_.front());
    script_.pop_front();
    EXPECT_EQ(ToHex(command), ToHex(step.command)) << "command #" << sent.size();
    if (step.remove) return UnavailableError("card removed");
    return step.answer;
  }
  Result<Bytes> Atr() override { return H("3BE000FF8131FE4514"); }
  Status Reset() override { return OkStatus(); }
  bool IsPresent() override { return true; }

  bool Done() const { return script_.empty(); }
  std::vector<Bytes> sent;

 private:
  struct Step {
    Bytes command;
    Bytes answer;
    bool remove;
  };
  std::deque<Step> script_;
};

constexpr std::string_view kSha256Prefix = "3031300D060960864801650304020105000420";
// SHA-256("abc"), FIPS 180-4 / NIST CSRC example.
constexpr std::string_view kSha256Abc =
    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";

Bytes TokenLabelBytes(std::string_view label) {
  Bytes out = ToBytes(label);
  out.resize(32, ' ');
  return out;
}

// A DER structure shaped like a JPKI authentication certificate (sizes close to a real one):
// only its TLV headers matter to the client.
struct FakeCertificate {
  Bytes der;
  std::size_t spki_end = 0;
};
FakeCertificate MakeCertificate(std::size_t issuer_size = 130, std::size_t extensions_size = 400,
                                std::size_t key_size = 290) {
  Bytes tbs = EncodeTlv(0xA0, EncodeTlv(0x02, H("02")));
  Append(tbs, EncodeTlv(0x02, Bytes(16, 0x11)));
  const Bytes algorithm = EncodeTlv(0x30, H("06092A864886F70D01010B0500"));
  Append(tbs, algorithm);
  Append(tbs, EncodeTlv(0x30, Bytes(issuer_size, 0x31)));
  Append(tbs, EncodeTlv(0x30, Bytes(30, 0x17)));
  Append(tbs, EncodeTlv(0x30, Bytes(40, 0x31)));
  Append(tbs, EncodeTlv(0x30, Bytes(key_size, 0x42)));  // subjectPublicKeyInfo (294 bytes)
  const Bytes extensions = EncodeTlv(0xA3, Bytes(extensions_size, 0x30));
  Append(tbs, extensions);
  Bytes value = EncodeTlv(0x30, tbs);
  Append(value, algorithm);
  const Bytes signature = EncodeTlv(0x03, Bytes(257, 0x00));
  Append(value, signature);
  FakeCertificate cert;
  cert.der = EncodeTlv(0x30, value);
  cert.spki_end = cert.der.size() - signature.size() - algorithm.size() - extensions.size();
  return cert;
}

std::string ReadAt(std::string_view p1p2, std::size_t le) {
  return "00B0" + std::string(p1p2) + ToHex(std::array{static_cast<std::uint8_t>(le & 0xFF)});
}

// READ BINARY by offset of the current EF: 00 B0 <offset> <min(256, rest)>.
std::string ReadCurrentAt(std::size_t offset, std::size_t rest) {
  const std::uint8_t le = static_cast<std::uint8_t>(rest >= 256 ? 0 : rest);
  return "00B0" + ToHex(std::array{static_cast<std::uint8_t>(offset >> 8),
                                   static_cast<std::uint8_t>(offset & 0xFF), le});
}

Bytes Slice(const Bytes& b, std::size_t from, std::size_t n) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from),
               b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), from + n)));
}

TEST(FakeCertificateTest, IsShapedLikeARealOne) {
  const FakeCertificate cert = MakeCertificate();
  EXPECT_EQ(CertificateTotalLength(cert.der).value_or(0), cert.der.size());
  EXPECT_EQ(SubjectPublicKeyInfoEnd(cert.der).value_or(std::nullopt),
            std::optional<std::size_t>(cert.spki_end));
  EXPECT_GT(cert.der.size(), 1024u);
  EXPECT_GT(cert.spki_end, 512u);
}

// --- Token -------------------------------------------------------------------------------------

TEST(TokenKindTest, LabelsFromTheTokenEf) {
  EXPECT_EQ(TokenKindFromLabel(TokenLabelBytes("JPKIAPICCTOKEN2")), TokenKind::kMyNumberCard);
  EXPECT_EQ(TokenKindFromLabel(TokenLabelBytes("JPKIAPICCTOKEN")), TokenKind::kJukiCard);
  EXPECT_EQ(TokenKindFromLabel(TokenLabelBytes("JPKIAPGPSETOKEN")),
            TokenKind::kAndroidSecureElement);
  EXPECT_EQ(TokenKindFromLabel(TokenLabelBytes("JPKIAPIOSTOKEN")), TokenKind::kIphone);
  EXPECT_EQ(TokenKindFromLabel(TokenLabelBytes("JPKIAPICCTOKEN3")), TokenKind::kUnknown);
  EXPECT_EQ(TokenKindFromLabel(TokenLabelBytes("")), TokenKind::kUnknown);
  EXPECT_EQ(TokenKindFromLabel({}), TokenKind::kUnknown);
  EXPECT_EQ(TokenKindFromLabel(ToBytes(std::string("JPKIAPICCTOKEN2\0\0", 17))),
            TokenKind::kMyNumberCard);
  EXPECT_EQ(TokenKindFromLabel(ToBytes(" JPKIAPICCTOKEN2")), TokenKind::kUnknown);
  for (TokenKind k : {TokenKind::kMyNumberCard, TokenKind::kJukiCard,
                      TokenKind::kAndroidSecureElement, TokenKind::kIphone}) {
    EXPECT_EQ(TokenKindFromLabel(ToBytes(TokenLabel(k))), k);
    EXPECT_FALSE(TokenKindName(k).empty());
  }
  EXPECT_TRUE(TokenLabel(TokenKind::kUnknown).empty());
}

TEST(JpkiClientTest, DetectTokenBySfi) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B0860020", WithSw(TokenLabelBytes("JPKIAPICCTOKEN2")));
  JpkiClient client(card);
  EXPECT_EQ(client.DetectToken().value_or(TokenKind::kUnknown), TokenKind::kMyNumberCard);
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, DetectTokenBySelectAsInSpecSequenceOne) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00A4020C020006", "9000");
  card.Expect("00B0000020", WithSw(TokenLabelBytes("JPKIAPGPSETOKEN")));
  JpkiClient client(card, {.use_sfi = false});
  EXPECT_EQ(client.DetectToken().value_or(TokenKind::kUnknown), TokenKind::kAndroidSecureElement);
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, DetectTokenReportsUnknownLabelsAsUnknown) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B0860020", WithSw(TokenLabelBytes("SOMETHINGELSE")));
  JpkiClient client(card);
  auto kind = client.DetectToken();
  ASSERT_THAT(kind, IsOk());
  EXPECT_EQ(*kind, TokenKind::kUnknown);
}

TEST(JpkiClientTest, NoJpkiApplicationIsNotAMyNumberCard) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "6A82");
  JpkiClient client(card);
  EXPECT_THAT(client.DetectToken(), StatusIs(StatusCode::kFailedPrecondition,
                                             "not a My Number Card (no JPKI application)"));
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, OtherSelectAnswersNameTheStatusWord) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "6D00");
  JpkiClient client(card);
  EXPECT_THAT(client.SelectApplication(),
              StatusIs(StatusCode::kDataLoss, HasSubstr("6D00 (instruction code not supported)")));
}

// --- Certificates ------------------------------------------------------------------------------

TEST(JpkiClientTest, ReadsTheWholeCertificateBySfiIn256ByteChunks) {
  const FakeCertificate cert = MakeCertificate();
  const std::size_t size = cert.der.size();
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  // The SFI read made 000A current (ISO/IEC 7816-4:2005 §7.2): the rest is read by offset.
  card.Expect("00B0010000", WithSw(Slice(cert.der, 256, 256)));
  card.Expect("00B0020000", WithSw(Slice(cert.der, 512, 256)));
  card.Expect("00B0030000", WithSw(Slice(cert.der, 768, 256)));
  card.Expect(ReadAt("0400", size - 1024), WithSw(Slice(cert.der, 1024, 256)));
  JpkiClient client(card);
  auto read = client.ReadAuthCertificate(CertificateRead::kFull);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, cert.der);
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, ReadsTheWholeCertificateAfterSelectEf) {
  const FakeCertificate cert = MakeCertificate(130, 100);
  ASSERT_LT(cert.der.size(), 1024u);
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00A4020C02000A", "9000");
  card.Expect("00B0000000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect("00B0010000", WithSw(Slice(cert.der, 256, 256)));
  card.Expect("00B0020000", WithSw(Slice(cert.der, 512, 256)));
  card.Expect(ReadAt("0300", cert.der.size() - 768), WithSw(Slice(cert.der, 768, 256)));
  JpkiClient client(card, {.use_sfi = false});
  EXPECT_EQ(client.ReadAuthCertificate(CertificateRead::kFull).value_or(Bytes{}), cert.der);
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, UntilPublicKeyStopsAtTheEndOfTheSpki) {
  const FakeCertificate cert = MakeCertificate();
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect("00B0010000", WithSw(Slice(cert.der, 256, 256)));
  // The SPKI header is in: ask for exactly what is left of it.
  card.Expect(ReadAt("0200", cert.spki_end - 512),
              WithSw(Slice(cert.der, 512, cert.spki_end - 512)));
  JpkiClient client(card);
  auto prefix = client.ReadAuthCertificate(CertificateRead::kUntilPublicKey);
  ASSERT_THAT(prefix, IsOk());
  EXPECT_EQ(*prefix, Slice(cert.der, 0, cert.spki_end));
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, UntilPublicKeyAsksForExactlyTheRestOfTheSpki) {
  FakeCertificate cert = MakeCertificate(10, 10);
  ASSERT_GT(cert.spki_end, 256u);
  // The SPKI's header is inside the first chunk: the second read asks for what is left of it.
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect(ReadAt("0100", cert.spki_end - 256),
              WithSw(Slice(cert.der, 256, cert.spki_end - 256)));
  JpkiClient client(card);
  EXPECT_EQ(client.ReadAuthCertificate(CertificateRead::kUntilPublicKey).value_or(Bytes{}).size(),
            cert.spki_end);
}

TEST(JpkiClientTest, CardReturningFewerBytesThanAskedIsReadOn) {
  const FakeCertificate cert = MakeCertificate(130, 100);
  const std::size_t size = cert.der.size();
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 100)));
  card.Expect("00B0006400", WithSw(Slice(cert.der, 100, 200)));
  card.Expect("00B0012C00", WithSw(Slice(cert.der, 300, 1)));
  card.Expect("00B0012D00", WithSw({}));  // one empty answer is tolerated
  card.Expect("00B0012D00", WithSw(Slice(cert.der, 301, 256)));
  for (std::size_t offset = 557; offset < size; offset += 256) {
    card.Expect(ReadCurrentAt(offset, size - offset), WithSw(Slice(cert.der, offset, 256)));
  }
  JpkiClient client(card);
  EXPECT_EQ(client.ReadAuthCertificate(CertificateRead::kFull).value_or(Bytes{}), cert.der);
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, PaddingAfterTheCertificateIsDropped) {
  // A tiny DER SEQUENCE stands for a certificate: kFull looks only at the outer header.
  const Bytes tiny = EncodeTlv(0x30, EncodeTlv(0x30, Bytes(100, 0x01)));
  Bytes ef = tiny;
  ef.resize(256, 0xFF);
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(ef));
  JpkiClient client(card);
  EXPECT_EQ(client.ReadAuthCertificate(CertificateRead::kFull).value_or(Bytes{}), tiny);
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, EndOfFileWarningCompletingTheCertificateIsAccepted) {
  const FakeCertificate cert = MakeCertificate(10, 10, 50);
  ASSERT_LT(cert.der.size(), 512u);
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect(ReadAt("0100", cert.der.size() - 256),
              WithSw(Slice(cert.der, 256, cert.der.size() - 256), "6282"));
  JpkiClient client(card);
  EXPECT_EQ(client.ReadAuthCertificate(CertificateRead::kFull).value_or(Bytes{}), cert.der);
}

TEST(JpkiClientTest, AnEfShorterThanItsCertificateIsDataLoss) {
  const FakeCertificate cert = MakeCertificate();
  {
    ScriptedCard card;  // 6B00: the offset is past the end of the EF
    card.Expect(kSelectJpki, "9000");
    card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
    card.Expect("00B0010000", "6B00");
    JpkiClient client(card);
    EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kFull),
                StatusIs(StatusCode::kDataLoss, HasSubstr("ends after 256 bytes")));
    EXPECT_TRUE(card.Done());
  }
  {
    ScriptedCard card;  // 6282 with the last bytes of a too-short EF
    card.Expect(kSelectJpki, "9000");
    card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
    card.Expect("00B0010000", WithSw(Slice(cert.der, 256, 10), "6282"));
    JpkiClient client(card);
    EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kFull),
                StatusIs(StatusCode::kDataLoss, HasSubstr("ends after 266 bytes")));
    EXPECT_TRUE(card.Done());
  }
}

TEST(JpkiClientTest, ACardAnsweringNoDataForeverIsDataLossNotAHang) {
  const FakeCertificate cert = MakeCertificate();
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  for (int i = 0; i < 3; ++i) card.Expect("00B0010000", "9000");
  JpkiClient client(card);
  EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kFull),
              StatusIs(StatusCode::kDataLoss, HasSubstr("no data")));
  EXPECT_TRUE(card.Done());
  ScriptedCard empty;
  empty.Expect(kSelectJpki, "9000");
  for (int i = 0; i < 3; ++i) empty.Expect(i == 0 ? "00B08A0000" : "00B0000000", "9000");
  JpkiClient client2(empty);
  EXPECT_THAT(client2.ReadAuthCertificate(CertificateRead::kUntilPublicKey),
              StatusIs(StatusCode::kDataLoss));
  EXPECT_TRUE(empty.Done());
}

TEST(JpkiClientTest, AbsurdOrForeignContentIsDataLoss) {
  for (const char* header : {"30822001", "3083010000", "04820100", "3180", "FFFFFFFF"}) {
    ScriptedCard card;
    card.Expect(kSelectJpki, "9000");
    Bytes first = H(header);
    first.resize(256, 0x00);
    card.Expect("00B08A0000", WithSw(first));
    JpkiClient client(card);
    EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kFull), StatusIs(StatusCode::kDataLoss))
        << header;
  }
  // A certificate whose tbsCertificate is not one, in the lean mode.
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  Bytes first = H("308203E7048203E3");
  first.resize(256, 0x00);
  card.Expect("00B08A0000", WithSw(first));
  JpkiClient client(card);
  EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kUntilPublicKey),
              StatusIs(StatusCode::kDataLoss, HasSubstr("tbsCertificate")));
}

TEST(JpkiClientTest, CertificateErrorsNameTheStatusWord) {
  {
    ScriptedCard card;
    card.Expect(kSelectJpki, "9000");
    card.Expect("00B08A0000", "6A82");
    JpkiClient client(card);
    EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kFull),
                StatusIs(StatusCode::kNotFound, HasSubstr("6A82 (file or application not found)")));
  }
  {
    ScriptedCard card;  // a phone token wants the PIN first (spec §1)
    card.Expect(kSelectJpki, "9000");
    card.Expect("00B08A0000", "6982");
    JpkiClient client(card);
    EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kFull),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("6982")));
  }
}

TEST(JpkiClientTest, CaCertificateIsReadFromEf000B) {
  const FakeCertificate cert = MakeCertificate(10, 10, 50);
  ASSERT_LT(cert.der.size(), 512u);
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08B0000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect(ReadAt("0100", cert.der.size() - 256), WithSw(Slice(cert.der, 256, 256)));
  JpkiClient client(card);
  EXPECT_EQ(client.ReadAuthCaCertificate().value_or(Bytes{}), cert.der);
}

TEST(JpkiClientTest, ACardWithoutCurrentFileAfterAnSfiReadIsSelected) {
  const FakeCertificate cert = MakeCertificate(130, 100);
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect("00B0010000", "6986");
  card.Expect("00A4020C02000A", "9000");
  card.Expect("00B0010000", WithSw(Slice(cert.der, 256, 256)));
  card.Expect("00B0020000", WithSw(Slice(cert.der, 512, 256)));
  card.Expect(ReadAt("0300", cert.der.size() - 768), WithSw(Slice(cert.der, 768, 256)));
  JpkiClient client(card);
  EXPECT_EQ(client.ReadAuthCertificate(CertificateRead::kFull).value_or(Bytes{}), cert.der);
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, RemovalMidReadIsUnavailableAndForgetsTheSelection) {
  const FakeCertificate cert = MakeCertificate();
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  card.ExpectRemoval("00B0010000");
  // After the removal the client selects the application again.
  card.Expect(kSelectJpki, "9000");
  card.Expect("00200098", "63C3");
  JpkiClient client(card);
  EXPECT_THAT(client.ReadAuthCertificate(CertificateRead::kFull),
              StatusIs(StatusCode::kUnavailable));
  EXPECT_EQ(client.QueryAuthPinStatus().value_or(PinStatus{}), (PinStatus{3, false}));
  EXPECT_TRUE(card.Done());
}

// --- PIN ---------------------------------------------------------------------------------------

TEST(JpkiClientTest, QueryPinStatusBySfiAndBySelect) {
  struct Case {
    const char* sw;
    PinStatus expected;
  };
  for (const Case& c : {Case{"63C3", {3, false}}, Case{"63C2", {2, false}},
                        Case{"63C1", {1, false}}, Case{"63C0", {0, true}}, Case{"6984", {0, true}},
                        Case{"6983", {0, true}}, Case{"9000", {3, false}}}) {
    ScriptedCard card;
    card.Expect(kSelectJpki, "9000");
    card.Expect("00200098", c.sw);
    JpkiClient client(card);
    EXPECT_EQ(client.QueryAuthPinStatus().value_or(PinStatus{-1, false}), c.expected) << c.sw;

    ScriptedCard by_select;
    by_select.Expect(kSelectJpki, "9000");
    by_select.Expect("00A4020C020018", "9000");
    by_select.Expect("00200080", c.sw);
    JpkiClient client2(by_select, {.use_sfi = false});
    EXPECT_EQ(client2.QueryAuthPinStatus().value_or(PinStatus{-1, false}), c.expected) << c.sw;
    EXPECT_TRUE(by_select.Done());
  }
  ScriptedCard odd;
  odd.Expect(kSelectJpki, "9000");
  odd.Expect("00200098", "6A86");
  JpkiClient client(odd);
  EXPECT_THAT(client.QueryAuthPinStatus(), StatusIs(StatusCode::kDataLoss, HasSubstr("6A86")));
}

TEST(JpkiClientTest, VerifyAuthPinKnownAnswer) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00200098", "63C3");
  card.Expect("002000980431323334", "9000");
  JpkiClient client(card);
  EXPECT_THAT(client.VerifyAuthPin(SecretBytes("1234")), IsOk());
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, VerifyAuthPinBySelectAsInSpecSequenceFour) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00A4020C020018", "9000");
  card.Expect("00200080", "63C3");
  card.Expect("002000800439383736", "9000");
  card.Expect("00A4020C020017", "9000");
  card.Expect("802A008033" + std::string(kSha256Prefix) + std::string(kSha256Abc) + "00",
              WithSw(Bytes(256, 0x5A)));
  JpkiClient client(card, {.use_sfi = false});
  EXPECT_THAT(client.VerifyAuthPin(SecretBytes("9876")), IsOk());
  EXPECT_EQ(client.SignWithAuthKey(ToBytes("abc")).value_or(Bytes{}), Bytes(256, 0x5A));
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, WrongPinIsSentOnceAndNotRetried) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00200098", "63C3");
  card.Expect("002000980431313131", "63C2");
  JpkiClient client(card);
  EXPECT_THAT(client.VerifyAuthPin(SecretBytes("1111")),
              StatusIs(StatusCode::kUnauthenticated, "wrong PIN, 2 tries left"));
  EXPECT_TRUE(card.Done());  // a second VERIFY would have failed as unexpected
  ScriptedCard last;
  last.Expect(kSelectJpki, "9000");
  last.Expect("00200098", "63C2");
  last.Expect("002000980431313131", "63C1");
  JpkiClient client2(last);
  EXPECT_THAT(client2.VerifyAuthPin(SecretBytes("1111")),
              StatusIs(StatusCode::kUnauthenticated, "wrong PIN, 1 try left"));
}

TEST(JpkiClientTest, TheLastTryIsNotUsedUnlessAllowed) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00200098", "63C1");
  JpkiClient client(card);
  EXPECT_THAT(client.VerifyAuthPin(SecretBytes("1234")),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("municipal office")));
  EXPECT_TRUE(card.Done());  // only the empty VERIFY was sent

  ScriptedCard allowed;
  allowed.Expect(kSelectJpki, "9000");
  allowed.Expect("00200098", "63C1");
  allowed.Expect("002000980431323334", "9000");
  JpkiClient client2(allowed);
  EXPECT_THAT(client2.VerifyAuthPin(SecretBytes("1234"), PinSafety::kAllowLastTry), IsOk());
  EXPECT_TRUE(allowed.Done());
}

TEST(JpkiClientTest, ALockedPinIsNeverSent) {
  for (const char* sw : {"63C0", "6984"}) {
    ScriptedCard card;
    card.Expect(kSelectJpki, "9000");
    card.Expect("00200098", sw);
    JpkiClient client(card);
    EXPECT_THAT(client.VerifyAuthPin(SecretBytes("1234"), PinSafety::kAllowLastTry),
                StatusIs(StatusCode::kFailedPrecondition,
                         "the card's authentication PIN is locked; only the municipal office can "
                         "unlock it"))
        << sw;
    EXPECT_TRUE(card.Done());
  }
}

TEST(JpkiClientTest, TheTryThatLocksThePinSaysSo) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00200098", "63C1");
  card.Expect("002000980431313131", "63C0");
  JpkiClient client(card);
  EXPECT_THAT(client.VerifyAuthPin(SecretBytes("1111"), PinSafety::kAllowLastTry),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("locked")));
}

TEST(JpkiClientTest, MalformedPinsAreRefusedBeforeAnythingIsSent) {
  for (const char* pin : {"", "123", "12345", "12a4", "１２３４", "12 4"}) {
    ScriptedCard card;
    JpkiClient client(card);
    const Status status = client.VerifyAuthPin(SecretBytes(pin));
    EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument)) << pin;
    if (std::string_view(pin).size() > 1) {
      EXPECT_THAT(status.message(), Not(HasSubstr(pin)));
    }
    EXPECT_TRUE(card.sent.empty()) << pin;
  }
}

TEST(PinPolicyTest, FormatAndSafetyChecks) {
  EXPECT_THAT(CheckAuthPinFormat(ToBytes("0000")), IsOk());
  EXPECT_THAT(CheckAuthPinFormat(ToBytes("9999")), IsOk());
  EXPECT_THAT(CheckAuthPinFormat(ToBytes("999/")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckAuthPinFormat(ToBytes("999:")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckPinSafety({3, false}, PinSafety::kRefuseLastTry), IsOk());
  EXPECT_THAT(CheckPinSafety({2, false}, PinSafety::kRefuseLastTry), IsOk());
  EXPECT_THAT(CheckPinSafety({1, false}, PinSafety::kRefuseLastTry),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("one try is left")));
  EXPECT_THAT(CheckPinSafety({1, false}, PinSafety::kAllowLastTry), IsOk());
  EXPECT_THAT(CheckPinSafety({0, true}, PinSafety::kAllowLastTry),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckPinSafety({0, false}, PinSafety::kAllowLastTry),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckPinSafety({3, true}, PinSafety::kAllowLastTry),
              StatusIs(StatusCode::kFailedPrecondition));
}

// --- Signature ---------------------------------------------------------------------------------

TEST(JpkiClientTest, SignKnownAnswerBySfi) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("802A009733" + std::string(kSha256Prefix) + std::string(kSha256Abc) + "00",
              WithSw(Bytes(256, 0xA5)));
  JpkiClient client(card);
  EXPECT_EQ(client.SignWithAuthKey(ToBytes("abc")).value_or(Bytes{}), Bytes(256, 0xA5));
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, SignWithoutPinAndOddSignatures) {
  const std::string sign =
      "802A009733" + std::string(kSha256Prefix) + std::string(kSha256Abc) + "00";
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect(sign, "6982");
  card.Expect(sign, WithSw(Bytes(128, 0xA5)));
  card.Expect(sign, "6985");
  JpkiClient client(card);
  EXPECT_THAT(client.SignWithAuthKey(ToBytes("abc")),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("PIN not verified")));
  EXPECT_THAT(client.SignWithAuthKey(ToBytes("abc")),
              StatusIs(StatusCode::kDataLoss, HasSubstr("128 bytes")));
  EXPECT_THAT(client.SignWithAuthKey(ToBytes("abc")),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("6985")));
  EXPECT_TRUE(card.Done());
}

TEST(JpkiClientTest, SignatureFollows61xxWithGetResponse) {
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("802A009733" + std::string(kSha256Prefix) + std::string(kSha256Abc) + "00", "6100");
  card.Expect("00C0000000", WithSw(Bytes(256, 0x11)));
  auto fw = ApduFirewall::Create(card, JpkiUserAuthenticationPolicy());
  ASSERT_THAT(fw, IsOk());
  JpkiClient client(**fw);
  EXPECT_EQ(client.SignWithAuthKey(ToBytes("abc")).value_or(Bytes{}), Bytes(256, 0x11));
  EXPECT_TRUE(card.Done());
}

// --- Through the firewall ------------------------------------------------------------------------

// The lean door path: the firewall lets every command through, and it fits the budget of 8 APDUs
// and 1 KiB of data.
TEST(JpkiClientTest, LeanDoorPathThroughTheFirewall) {
  const FakeCertificate cert = MakeCertificate();
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00B08A0000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect("00B0010000", WithSw(Slice(cert.der, 256, 256)));
  card.Expect(ReadAt("0200", cert.spki_end - 512),
              WithSw(Slice(cert.der, 512, cert.spki_end - 512)));
  card.Expect("00200098", "63C3");
  card.Expect("002000980431323334", "9000");
  card.Expect("802A009733" + std::string(kSha256Prefix) + std::string(kSha256Abc) + "00",
              WithSw(Bytes(256, 0x77)));
  CountingChannel counted(card);
  auto fw = ApduFirewall::Create(counted, JpkiUserAuthenticationPolicy());
  ASSERT_THAT(fw, IsOk());
  JpkiClient client(**fw);
  ASSERT_THAT(client.SelectApplication(), IsOk());
  ASSERT_THAT(client.ReadAuthCertificate(CertificateRead::kUntilPublicKey), IsOk());
  ASSERT_THAT(client.VerifyAuthPin(SecretBytes("1234")), IsOk());
  ASSERT_THAT(client.SignWithAuthKey(ToBytes("abc")), IsOk());
  EXPECT_TRUE(card.Done());
  EXPECT_LE(counted.counts().commands, 8u);
  EXPECT_LE(counted.counts().bytes_received, 1024u);
  EXPECT_EQ((*fw)->stats().refused, 0u);
  for (const std::string& line : (*fw)->AllowedLog()) {
    EXPECT_THAT(line, HasSubstr("JPKI application")) << line;
  }
}

// Without SFIs the client uses the SELECT forms of spec §3.1, which the firewall allows too.
TEST(JpkiClientTest, SelectFormsPassTheFirewall) {
  const FakeCertificate cert = MakeCertificate(10, 10, 50);
  ASSERT_LT(cert.der.size(), 512u);
  ScriptedCard card;
  card.Expect(kSelectJpki, "9000");
  card.Expect("00A4020C020006", "9000");
  card.Expect("00B0000020", WithSw(TokenLabelBytes("JPKIAPICCTOKEN2")));
  card.Expect("00A4020C02000A", "9000");
  card.Expect("00B0000000", WithSw(Slice(cert.der, 0, 256)));
  card.Expect(ReadAt("0100", cert.der.size() - 256), WithSw(Slice(cert.der, 256, 256)));
  card.Expect("00A4020C020018", "9000");
  card.Expect("00200080", "63C3");
  card.Expect("002000800431323334", "9000");
  card.Expect("00A4020C020017", "9000");
  card.Expect("802A008033" + std::string(kSha256Prefix) + std::string(kSha256Abc) + "00",
              WithSw(Bytes(256, 0x77)));
  auto fw = ApduFirewall::Create(card, JpkiUserAuthenticationPolicy());
  ASSERT_THAT(fw, IsOk());
  JpkiClient client(**fw, {.use_sfi = false});
  EXPECT_EQ(client.DetectToken().value_or(TokenKind::kUnknown), TokenKind::kMyNumberCard);
  EXPECT_EQ(client.ReadAuthCertificate(CertificateRead::kFull).value_or(Bytes{}), cert.der);
  EXPECT_THAT(client.VerifyAuthPin(SecretBytes("1234")), IsOk());
  EXPECT_THAT(client.SignWithAuthKey(ToBytes("abc")), IsOk());
  EXPECT_TRUE(card.Done());
  EXPECT_EQ((*fw)->stats().refused, 0u);
}

TEST(JpkiClientTest, FirewallRefusalsReachTheCallerAsPermissionDenied) {
  ScriptedCard card;
  auto policy = JpkiUserAuthenticationPolicy();
  policy.applications[0].files.pop_back();  // no VERIFY of 0018 at all
  auto fw = ApduFirewall::Create(card, policy);
  ASSERT_THAT(fw, IsOk());
  card.Expect(kSelectJpki, "9000");
  JpkiClient client(**fw);
  EXPECT_THAT(client.VerifyAuthPin(SecretBytes("1234")),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("APDU firewall")));
  EXPECT_TRUE(card.Done());
}

}  // namespace
}  // namespace sekisho::card
