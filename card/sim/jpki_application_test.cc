// Conformance of the simulated JPKI application: spec mynumber-card.md §3 (COMPUTE DIGITAL
// SIGNATURE rows), §3.1 sequences 1-5 over a SimChannel, §4 files and access.
#include "card/sim/jpki_application.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "base/digest.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_channel.h"
#include "card/sim/sim_test_card.h"
#include "card/transceive.h"
#include "pki/certificate.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;
using ::sekisho::card::sim::testing::DataOf;
using ::sekisho::card::sim::testing::NewTestCard;
using ::sekisho::card::sim::testing::ReadAll;
using ::sekisho::card::sim::testing::SelectAidAndEf;
using ::sekisho::card::sim::testing::SelectAidApdu;
using ::sekisho::card::sim::testing::SelectAndVerify;
using ::sekisho::card::sim::testing::SelectEfApdu;
using ::sekisho::card::sim::testing::Send;
using ::sekisho::card::sim::testing::SwOf;
using ::sekisho::card::sim::testing::World;

Bytes JpkiAid() { return Bytes(my::kJpkiAid.begin(), my::kJpkiAid.end()); }

Bytes Sha256DigestInfo(ByteView message) {
  Bytes out(my::kSha256DigestInfoPrefix.begin(), my::kSha256DigestInfoPrefix.end());
  Append(out, Sha256(message));
  return out;
}

Bytes SignApdu(std::uint8_t p1, std::uint8_t p2, ByteView data) {
  Bytes apdu = {0x80, 0x2A, p1, p2, static_cast<std::uint8_t>(data.size())};
  Append(apdu, data);
  apdu.push_back(0x00);
  return apdu;
}

pki::Certificate AuthCertificate() {
  auto cert = pki::Certificate::FromDer(World().profile.auth_certificate);
  EXPECT_TRUE(cert.ok()) << cert.status().ToString();
  return std::move(cert).value();
}

class JpkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    card_ = NewTestCard();
    ASSERT_NE(card_, nullptr);
    ASSERT_EQ(SwOf(card_->Process(SelectAidApdu(JpkiAid()))), 0x9000);
  }
  Bytes Process(ByteView apdu) { return card_->Process(apdu); }
  std::uint16_t Sw(ByteView apdu) { return SwOf(card_->Process(apdu)); }
  void VerifyAuthPin() {
    ASSERT_EQ(SelectAndVerify(*card_, my::kJpkiAuthPin, World().profile.auth_pin), 0x9000);
  }
  std::unique_ptr<SimulatedCard> card_;
};

// §4: files.

TEST_F(JpkiTest, TokenEf) {
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiToken)), 0x9000);
  const Bytes token = ReadAll(*card_);
  ASSERT_EQ(token.size(), my::kTokenEfSize);
  std::string label = ToString(ByteView(token).first(my::kTokenLabelSize));
  EXPECT_EQ(label, "JPKIAPICCTOKEN2                 ");  // space padded to 32
  EXPECT_EQ(token, JpkiTokenInfo(World().profile));
  // CK_TOKEN_INFO: 96 bytes of text, flags, four session counts, then ulMaxPinLen (offset
  // 116) and ulMinPinLen (offset 120), 32-bit big-endian.
  EXPECT_EQ(Bytes(token.begin() + 116, token.begin() + 124),
            FromHex("00 00 00 10 00 00 00 04").value());
}

TEST_F(JpkiTest, CertificatePresenceEf) {
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiCertPresence)), 0x9000);
  EXPECT_EQ(DataOf(Process(FromHex("00 B0 00 00 00").value())), FromHex("8F 8F 00").value());
  EXPECT_EQ(JpkiCertificatePresence(false), FromHex("00 8F 00").value());
}

TEST_F(JpkiTest, CertificateEfsHoldTheDerExactly) {
  const CardProfile& p = World().profile;
  for (auto [fid, der] : {std::pair{my::kJpkiAuthCert, p.auth_certificate},
                          std::pair{my::kJpkiAuthCaCert, p.auth_ca_certificate},
                          std::pair{my::kJpkiSignCaCert, p.sign_ca_certificate}}) {
    ASSERT_EQ(Sw(SelectEfApdu(fid)), 0x9000);
    EXPECT_EQ(ReadAll(*card_), der) << fid;
    // The physical size is the DER size: reading at that offset is past the end.
    EXPECT_EQ(Sw(Bytes{0x00, 0xB0, static_cast<std::uint8_t>(der.size() >> 8),
                       static_cast<std::uint8_t>(der.size() & 0xFF), 0x01}),
              0x6B00);
  }
}

TEST_F(JpkiTest, SignCertificateNeedsThePassword) {
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiSignCert)), 0x9000);
  EXPECT_EQ(Sw(FromHex("00 B0 00 00 04").value()), 0x6982);
  VerifyAuthPin();  // the auth PIN does not open it
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiSignCert)), 0x9000);
  EXPECT_EQ(Sw(FromHex("00 B0 00 00 04").value()), 0x6982);
  ASSERT_EQ(SelectAndVerify(*card_, my::kJpkiSignPassword, "ABC123"), 0x9000);
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiSignCert)), 0x9000);
  EXPECT_EQ(ReadAll(*card_), *World().profile.sign_certificate);
}

TEST_F(JpkiTest, Ef0009IsProtected) {
  ASSERT_EQ(Sw(SelectEfApdu(0x0009)), 0x9000);
  ASSERT_EQ(SelectAndVerify(*card_, my::kJpkiSignPassword, "ABC123"), 0x9000);
  ASSERT_EQ(Sw(SelectEfApdu(0x0009)), 0x9000);
  EXPECT_EQ(Sw(FromHex("00 B0 00 00 01").value()), 0x6982);
}

TEST(JpkiNoSignCertificateTest, PresenceByteAndEmptyEf) {
  CardProfile profile = World().profile;
  profile.sign_certificate.reset();
  auto card = NewTestCard(profile);
  ASSERT_NE(card, nullptr);
  ASSERT_EQ(SelectAidAndEf(*card, JpkiAid(), my::kJpkiCertPresence), 0x9000);
  EXPECT_EQ(DataOf(Send(*card, "00 B0 00 00 00")), FromHex("00 8F 00").value());
  ASSERT_EQ(SelectAndVerify(*card, my::kJpkiSignPassword, "ABC123"), 0x9000);
  ASSERT_EQ(SwOf(card->Process(SelectEfApdu(my::kJpkiSignCert))), 0x9000);
  EXPECT_EQ(SwOf(Send(*card, "00 B0 00 00 04")), 0x6B00);
}

// §3 COMPUTE DIGITAL SIGNATURE.

TEST_F(JpkiTest, SignNeedsTheKeysPin) {
  const Bytes input = Sha256DigestInfo(ToBytes("challenge"));
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiAuthKey)), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x80, input)), 0x6982);
  ASSERT_EQ(SelectAndVerify(*card_, my::kJpkiSignPassword, "ABC123"), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x97, input)), 0x6982);  // password does not open the auth key
  VerifyAuthPin();
  EXPECT_EQ(Sw(SignApdu(0x00, 0x97, input)), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x9A, input)), 0x9000);  // both verified now
}

TEST_F(JpkiTest, SignP1ZeroSignsTheInputAsGiven) {
  VerifyAuthPin();
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiAuthKey)), 0x9000);
  const Bytes message = ToBytes("door 7 at 2025-04-01T09:00");
  const Bytes response = Process(SignApdu(0x00, 0x80, Sha256DigestInfo(message)));
  ASSERT_EQ(SwOf(response), 0x9000);
  const Bytes signature = DataOf(response);
  EXPECT_EQ(signature.size(), 256u);
  EXPECT_TRUE(pki::VerifyPkcs1Sha256(AuthCertificate().PublicKey(), message, signature).ok());
  // A flipped bit does not verify (the check can fail).
  Bytes bad = signature;
  bad[100] ^= 0x01;
  EXPECT_FALSE(pki::VerifyPkcs1Sha256(AuthCertificate().PublicKey(), message, bad).ok());
  // P2 = 97 names the same key by SFI: PKCS#1 v1.5 is deterministic.
  EXPECT_EQ(DataOf(Process(SignApdu(0x00, 0x97, Sha256DigestInfo(message)))), signature);
}

TEST_F(JpkiTest, SignSchemesByP1) {
  VerifyAuthPin();
  auto key = pki::PrivateKeyFromPem(World().profile.auth_key_pem);
  ASSERT_TRUE(key.ok());
  const Bytes message = ToBytes("message");
  const Bytes digest = Sha256(message);
  const Bytes p0 = DataOf(Process(SignApdu(0x00, 0x97, Sha256DigestInfo(message))));
  // 01: card hashes, no DigestInfo.
  EXPECT_EQ(DataOf(Process(SignApdu(0x01, 0x97, message))),
            pki::SignPkcs1Raw(**key, digest).value());
  // 02: 32-byte hash, the card adds the DigestInfo.
  EXPECT_EQ(DataOf(Process(SignApdu(0x02, 0x97, digest))), p0);
  // 03: the card hashes and wraps.
  EXPECT_EQ(DataOf(Process(SignApdu(0x03, 0x97, message))), p0);
  // 04 / 05: PSS (randomised), verified with OpenSSL.
  for (auto [p1, input] : {std::pair<std::uint8_t, Bytes>{0x04, digest},
                           std::pair<std::uint8_t, Bytes>{0x05, message}}) {
    const Bytes response = Process(SignApdu(p1, 0x97, input));
    ASSERT_EQ(SwOf(response), 0x9000);
    const Bytes sig = DataOf(response);
    pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(
        nullptr, const_cast<EVP_PKEY*>(&AuthCertificate().PublicKey()), nullptr));
    ASSERT_NE(ctx, nullptr);
    ASSERT_EQ(EVP_PKEY_verify_init(ctx.get()), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()), 1);
    EXPECT_EQ(EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), digest.data(), digest.size()), 1)
        << int{p1};
  }
}

TEST_F(JpkiTest, SignRefusals) {
  EXPECT_EQ(Sw(SignApdu(0x00, 0x80, Bytes{1})), 0x6986);  // no current EF
  VerifyAuthPin();
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiAuthKey)), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x06, 0x80, Bytes{1})), 0x6A86);       // P1 > 05
  EXPECT_EQ(Sw(SignApdu(0x00, 0x80, Bytes(246, 1))), 0x6985);  // > 245 bytes
  EXPECT_EQ(Sw(SignApdu(0x00, 0x80, Bytes(245, 1))), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x80, Bytes(1, 1))), 0x9000);
  EXPECT_EQ(Sw(FromHex("80 2A 00 80 00").value()), 0x6700);   // no data
  EXPECT_EQ(Sw(SignApdu(0x02, 0x80, Bytes(31, 1))), 0x6985);  // not a SHA-256 hash
  EXPECT_EQ(Sw(SignApdu(0x04, 0x80, Bytes(33, 1))), 0x6985);
  EXPECT_EQ(Sw(FromHex("80 2A 00 80 01 01 80").value()), 0x6C00);  // Le 128 < 256
  EXPECT_EQ(Sw(FromHex("80 2A 00 80 01 01").value()), 0x9000);     // no Le: still answered
  EXPECT_EQ(Sw(SignApdu(0x00, 0x00, Bytes{1})), 0x6A88);           // no default key in JPKI
  EXPECT_EQ(Sw(SignApdu(0x00, 0x85, Bytes{1})), 0x6A88);           // no EF 0005
  EXPECT_EQ(Sw(SignApdu(0x00, 0x81, Bytes{1})), 0x6981);           // SFI 01: a certificate
  EXPECT_EQ(Sw(SignApdu(0x00, 0x17, Bytes{1})), 0x6A86);           // b8 clear
  ASSERT_EQ(Sw(SelectEfApdu(my::kJpkiAuthCert)), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x80, Bytes{1})), 0x6981);  // current EF is not a key
}

TEST_F(JpkiTest, VerificationEndsWithTheDf) {
  VerifyAuthPin();
  const Bytes input = Sha256DigestInfo(ToBytes("x"));
  EXPECT_EQ(Sw(SignApdu(0x00, 0x97, input)), 0x9000);
  // Re-selecting the same DF keeps it (UNCONFIRMED in the spec; documented).
  ASSERT_EQ(Sw(SelectAidApdu(JpkiAid())), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x97, input)), 0x9000);
  // Another DF drops it.
  ASSERT_EQ(Sw(SelectAidApdu(Bytes(my::kInputAssistAid.begin(), my::kInputAssistAid.end()))),
            0x9000);
  ASSERT_EQ(Sw(SelectAidApdu(JpkiAid())), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x97, input)), 0x6982);
  // So does a reset.
  VerifyAuthPin();
  card_->Reset();
  ASSERT_EQ(Sw(SelectAidApdu(JpkiAid())), 0x9000);
  EXPECT_EQ(Sw(SignApdu(0x00, 0x97, input)), 0x6982);
}

// §3.1 sequences 1-5, through a SimChannel and card::Transceive as a host would send them.

class JpkiSequenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    card_ = NewTestCard();
    ASSERT_NE(card_, nullptr);
    channel_ = std::make_unique<SimChannel>(*card_);
  }
  ResponseApdu Run(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2,
                   Bytes data = {}, std::optional<std::size_t> ne = std::nullopt) {
    auto r = Transceive(*channel_, CommandApdu{cla, ins, p1, p2, std::move(data), ne});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.value_or(ResponseApdu{});
  }
  void SelectJpki() { ASSERT_TRUE(Run(0x00, 0xA4, 0x04, 0x0C, JpkiAid()).ok()); }
  void SelectEf(std::uint16_t fid) {
    ASSERT_TRUE(Run(0x00, 0xA4, 0x02, 0x0C,
                    {static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)})
                    .ok());
  }
  // Sequence 2: 4-byte header, then chunks of at most 256 bytes.
  Bytes ReadCertificate() {
    const ResponseApdu head = Run(0x00, 0xB0, 0x00, 0x00, {}, 4);
    EXPECT_TRUE(head.ok());
    if (head.data.size() != 4 || head.data[0] != 0x30 || head.data[1] != 0x82) return {};
    const std::size_t total = ReadU16(head.data[2], head.data[3]) + 4u;
    Bytes out;
    while (out.size() < total) {
      const std::size_t n = std::min<std::size_t>(256, total - out.size());
      const ResponseApdu chunk = Run(0x00, 0xB0, static_cast<std::uint8_t>(out.size() >> 8),
                                     static_cast<std::uint8_t>(out.size() & 0xFF), {}, n);
      EXPECT_TRUE(chunk.ok());
      if (!chunk.ok() || chunk.data.empty()) break;
      Append(out, chunk.data);
    }
    return out;
  }
  std::unique_ptr<SimulatedCard> card_;
  std::unique_ptr<SimChannel> channel_;
};

TEST_F(JpkiSequenceTest, OneToken) {
  SelectJpki();
  SelectEf(my::kJpkiToken);
  const ResponseApdu r = Run(0x00, 0xB0, 0x00, 0x00, {}, 0x20);
  ASSERT_TRUE(r.ok());
  std::string label = ToString(r.data);
  label.erase(label.find_last_not_of(' ') + 1);
  EXPECT_EQ(label, my::kTokenMyNumberCard);
}

TEST_F(JpkiSequenceTest, TwoReadCertificatesInChunks) {
  SelectJpki();
  SelectEf(my::kJpkiAuthCert);
  EXPECT_EQ(ReadCertificate(), World().profile.auth_certificate);
  SelectEf(my::kJpkiAuthCaCert);
  EXPECT_EQ(ReadCertificate(), World().profile.auth_ca_certificate);
  SelectEf(my::kJpkiSignCaCert);
  EXPECT_EQ(ReadCertificate(), World().profile.sign_ca_certificate);
  // Eight commands per certificate at most for ~1 kB DER: selects + header + chunks.
  EXPECT_GT(channel_->stats().commands, 6u);
}

TEST_F(JpkiSequenceTest, ThreeReadSignatureCertificate) {
  SelectJpki();
  SelectEf(my::kJpkiSignPassword);
  ASSERT_TRUE(Run(0x00, 0x20, 0x00, 0x80, ToBytes("ABC123")).ok());
  SelectEf(my::kJpkiSignCert);
  EXPECT_EQ(ReadCertificate(), *World().profile.sign_certificate);
}

TEST_F(JpkiSequenceTest, FourSignWithTheAuthKey) {
  SelectJpki();
  SelectEf(my::kJpkiAuthPin);
  ASSERT_TRUE(Run(0x00, 0x20, 0x00, 0x80, ToBytes(World().profile.auth_pin)).ok());
  SelectEf(my::kJpkiAuthKey);
  const Bytes challenge = ToBytes("random challenge from the gate");
  const Bytes digest_info = Sha256DigestInfo(challenge);
  ASSERT_EQ(digest_info.size(), 51u);
  const ResponseApdu r = Run(0x80, 0x2A, 0x00, 0x80, digest_info, 256);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.data.size(), 256u);
  EXPECT_TRUE(pki::VerifyPkcs1Sha256(AuthCertificate().PublicKey(), challenge, r.data).ok());
}

TEST_F(JpkiSequenceTest, FiveTriesLeft) {
  SelectJpki();
  SelectEf(my::kJpkiAuthPin);
  EXPECT_EQ(Run(0x00, 0x20, 0x00, 0x80).sw, 0x63C3);
  SelectEf(my::kJpkiSignPassword);
  EXPECT_EQ(Run(0x00, 0x20, 0x00, 0x80).sw, 0x63C5);
  EXPECT_EQ(card_->profile().counters, World().profile.counters);  // no try used
}

}  // namespace
}  // namespace sekisho::card::sim
