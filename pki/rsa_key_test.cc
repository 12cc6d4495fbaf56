#include "pki/rsa_key.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "base/digest.h"
#include "base/status_matchers.h"
#include "card/mynumber_card.h"

namespace sekisho::pki {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

// The DigestInfo a JPKI client sends to COMPUTE DIGITAL SIGNATURE (RFC 8017 §9.2 note 1).
Bytes Sha256DigestInfo(ByteView message) {
  Bytes out(card::mynumber::kSha256DigestInfoPrefix.begin(),
            card::mynumber::kSha256DigestInfoPrefix.end());
  Append(out, Sha256(message));
  return out;
}

EvpPkeyPtr PublicOnly(const EVP_PKEY& key) {
  Result<Bytes> der = PublicKeyToDer(key);
  EXPECT_THAT(der, IsOk());
  Result<EvpPkeyPtr> pub = PublicKeyFromDer(*der);
  EXPECT_THAT(pub, IsOk());
  return std::move(pub).value();
}

// SHA-256 of the SubjectPublicKeyInfo of GenerateRsaKey(SeededRandom(1)).
constexpr std::string_view kPinnedSpkiSha256 =
    "6AB31BB9E3F83FE77DE6FEEAA399854E02F2A5FFC3ED445B7220EA00B9555F28";

class RsaKeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SeededRandom random(1);
    Result<EvpPkeyPtr> key = GenerateRsaKey(random);
    ASSERT_THAT(key, IsOk());
    key_ = std::move(key).value().release();
  }
  static void TearDownTestSuite() { EVP_PKEY_free(key_); }

  static EVP_PKEY* key_;
};

EVP_PKEY* RsaKeyTest::key_ = nullptr;

TEST_F(RsaKeyTest, SeededKeyIsDeterministic) {
  SeededRandom same(1);
  Result<EvpPkeyPtr> again = GenerateRsaKey(same);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*PrivateKeyToPem(**again), *PrivateKeyToPem(*key_));

  SeededRandom other(2);
  Result<EvpPkeyPtr> different = GenerateRsaKey(other);
  ASSERT_THAT(different, IsOk());
  EXPECT_NE(*PrivateKeyToPem(**different), *PrivateKeyToPem(*key_));
  EXPECT_NE(EVP_PKEY_eq(different->get(), key_), 1);
}

// Pins the output for seed 1 so that simulated cards stay byte-identical across releases.
TEST_F(RsaKeyTest, SeededKeyMatchesPinnedValue) {
  Result<Bytes> spki = PublicKeyToDer(*key_);
  ASSERT_THAT(spki, IsOk());
  EXPECT_EQ(ToHex(Sha256(*spki)), kPinnedSpkiSha256);
}

TEST_F(RsaKeyTest, SeededKeyIsAValidRsa2048KeyPair) {
  EXPECT_EQ(EVP_PKEY_get_bits(key_), 2048);
  EXPECT_EQ(EVP_PKEY_get_size(key_), 256);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_, nullptr));
  ASSERT_NE(ctx, nullptr);
  EXPECT_EQ(EVP_PKEY_check(ctx.get()), 1) << OpenSslErrorText();
  EXPECT_EQ(EVP_PKEY_pairwise_check(ctx.get()), 1) << OpenSslErrorText();
  BIGNUM* e = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(key_, OSSL_PKEY_PARAM_RSA_E, &e), 1);
  BignumPtr owned(e);
  EXPECT_TRUE(BN_is_word(e, 65537));
}

TEST_F(RsaKeyTest, CardSignatureRoundTrip) {
  const Bytes challenge = ToBytes("sekisho challenge 0123456789");
  Result<Bytes> signature = SignPkcs1Raw(*key_, Sha256DigestInfo(challenge));
  ASSERT_THAT(signature, IsOk());
  EXPECT_EQ(signature->size(), 256u);
  EXPECT_THAT(VerifyPkcs1Sha256(*key_, challenge, *signature), IsOk());
  // Only the public half is needed to verify.
  EXPECT_THAT(VerifyPkcs1Sha256(*PublicOnly(*key_), challenge, *signature), IsOk());
  // Signing the DigestInfo by hand equals hash-then-sign (PKCS#1 v1.5 is deterministic).
  EXPECT_EQ(*SignPkcs1Sha256(*key_, challenge), *signature);
}

TEST_F(RsaKeyTest, RawSignatureIsBlockType1OverTheInputAsGiven) {
  const Bytes input = {0x01, 0x02, 0x03};
  Result<Bytes> signature = SignPkcs1Raw(*key_, input);
  ASSERT_THAT(signature, IsOk());
  // s^e mod n must be EM = 00 01 FF..FF 00 || input (RFC 8017 §9.2 step 5).
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_, nullptr));
  ASSERT_EQ(EVP_PKEY_verify_recover_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING), 1);
  Bytes em(256);
  std::size_t size = em.size();
  ASSERT_EQ(
      EVP_PKEY_verify_recover(ctx.get(), em.data(), &size, signature->data(), signature->size()),
      1);
  ASSERT_EQ(size, 256u);
  Bytes expected = {0x00, 0x01};
  expected.insert(expected.end(), 256 - 3 - input.size(), 0xFF);
  expected.push_back(0x00);
  Append(expected, input);
  EXPECT_EQ(em, expected);
}

TEST_F(RsaKeyTest, EveryFlippedSignatureBitFails) {
  const Bytes message = ToBytes("door 7");
  Result<Bytes> signature = SignPkcs1Sha256(*key_, message);
  ASSERT_THAT(signature, IsOk());
  for (std::size_t bit = 0; bit < signature->size() * 8; ++bit) {
    Bytes bad = *signature;
    bad[bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    ASSERT_THAT(VerifyPkcs1Sha256(*key_, message, bad),
                StatusIs(StatusCode::kUnauthenticated, "signature does not verify"))
        << "bit " << bit;
  }
}

TEST_F(RsaKeyTest, WrongMessageOrTruncatedSignatureFails) {
  const Bytes message = ToBytes("door 7");
  Result<Bytes> signature = SignPkcs1Sha256(*key_, message);
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(VerifyPkcs1Sha256(*key_, ToBytes("door 8"), *signature),
              StatusIs(StatusCode::kUnauthenticated));
  Bytes truncated(signature->begin() + 1, signature->end());
  EXPECT_THAT(VerifyPkcs1Sha256(*key_, message, truncated), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifyPkcs1Sha256(*key_, message, Bytes{}), StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(RsaKeyTest, RawInputLengthLimits) {
  EXPECT_THAT(SignPkcs1Raw(*key_, Bytes(245, 0xAB)), IsOk());
  EXPECT_THAT(SignPkcs1Raw(*key_, Bytes(246, 0xAB)),
              StatusIs(StatusCode::kInvalidArgument,
                       "RSA signature: input of 246 bytes; must be 1 to 245"));
  EXPECT_THAT(SignPkcs1Raw(*key_, Bytes{}), StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(RsaKeyTest, SigningNeedsAnRsaPrivateKey) {
  EvpPkeyPtr pub = PublicOnly(*key_);
  EXPECT_THAT(SignPkcs1Raw(*pub, Bytes{1}),
              StatusIs(StatusCode::kInvalidArgument, "RSA signature: key has no private part"));
  EXPECT_THAT(SignPkcs1Sha256(*pub, Bytes{1}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(PrivateKeyToPem(*pub), StatusIs(StatusCode::kInvalidArgument));

  EvpPkeyPtr ed25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ASSERT_NE(ed25519, nullptr);
  EXPECT_THAT(SignPkcs1Raw(*ed25519, Bytes{1}),
              StatusIs(StatusCode::kInvalidArgument, "RSA signature: key is not an RSA key"));
  EXPECT_THAT(VerifyPkcs1Sha256(*ed25519, Bytes{1}, Bytes(64)),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(RsaKeyTest, PemRoundTrip) {
  Result<std::string> pem = PrivateKeyToPem(*key_);
  ASSERT_THAT(pem, IsOk());
  EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  Result<EvpPkeyPtr> back = PrivateKeyFromPem(*pem);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(back->get(), key_), 1);
  EXPECT_EQ(*PrivateKeyToPem(**back), *pem);
}

TEST_F(RsaKeyTest, PemRejectsGarbageAndEncryptedKeys) {
  EXPECT_THAT(PrivateKeyFromPem(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(PrivateKeyFromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
              StatusIs(StatusCode::kInvalidArgument));
  std::string pem = *PrivateKeyToPem(*key_);
  pem.erase(200, 65);  // one 64-character base64 line and its newline: the DER is cut short
  EXPECT_THAT(PrivateKeyFromPem(pem), StatusIs(StatusCode::kInvalidArgument));

  // An encrypted key must fail without prompting on the terminal.
  BioPtr bio(BIO_new(BIO_s_mem()));
  static char passphrase[] = "passphrase";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key_, EVP_aes_256_cbc(), passphrase,
                                          sizeof passphrase - 1, nullptr, nullptr),
            1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  EXPECT_THAT(PrivateKeyFromPem(std::string_view(data, static_cast<std::size_t>(size))),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(RsaKeyTest, PublicKeyDerRoundTrip) {
  Result<Bytes> spki = PublicKeyToDer(*key_);
  ASSERT_THAT(spki, IsOk());
  EXPECT_EQ(spki->size(), 294u);  // SEQUENCE { rsaEncryption, BIT STRING { 2048-bit n, e } }
  Result<EvpPkeyPtr> pub = PublicKeyFromDer(*spki);
  ASSERT_THAT(pub, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(pub->get(), key_), 1);
  EXPECT_EQ(*PublicKeyToDer(**pub), *spki);

  Bytes trailing = *spki;
  trailing.push_back(0x00);
  EXPECT_THAT(PublicKeyFromDer(trailing),
              StatusIs(StatusCode::kInvalidArgument,
                       "public key DER: 1 trailing bytes after the SubjectPublicKeyInfo"));
  Bytes truncated(spki->begin(), spki->end() - 1);
  EXPECT_THAT(PublicKeyFromDer(truncated), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(PublicKeyFromDer(Bytes{}), StatusIs(StatusCode::kInvalidArgument));
}

// DER TLV with a definite length (X.690 §8.1.3), for hand-made SubjectPublicKeyInfos.
Bytes Der(std::uint8_t tag, ByteView content) {
  Bytes out{tag};
  if (content.size() < 0x80) {
    out.push_back(static_cast<std::uint8_t>(content.size()));
  } else if (content.size() < 0x100) {
    out.insert(out.end(), {0x81, static_cast<std::uint8_t>(content.size())});
  } else {
    out.insert(out.end(), {0x82, static_cast<std::uint8_t>(content.size() >> 8),
                           static_cast<std::uint8_t>(content.size() & 0xFF)});
  }
  Append(out, content);
  return out;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView part : parts) Append(out, part);
  return out;
}

// OBJECT IDENTIFIER 1.2.840.113549.1.1.1 (rsaEncryption, RFC 8017 §A.1).
const Bytes kRsaEncryptionOid = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
const Bytes kDerNull = {0x05, 0x00};
const Bytes kExponent65537 = {0x01, 0x00, 0x01};

// SEQUENCE { SEQUENCE { algorithm }, BIT STRING { unused_bits, key } } (RFC 5280 §4.1.2.7).
Bytes Spki(ByteView algorithm, ByteView key, std::uint8_t unused_bits = 0) {
  return Der(0x30, Concat({Der(0x30, algorithm), Der(0x03, Concat({Bytes{unused_bits}, key}))}));
}

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1).
Bytes RsaPublicKey(ByteView modulus, ByteView exponent) {
  return Der(0x30, Concat({Der(0x02, modulus), Der(0x02, exponent)}));
}

class PublicKeyFromDerTest : public RsaKeyTest {
 protected:
  // The content octets of the INTEGER n of key_: a 0x00, then 256 bytes with the top bit set.
  static Bytes Modulus() {
    BIGNUM* n = nullptr;
    EXPECT_EQ(EVP_PKEY_get_bn_param(key_, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    BignumPtr owned(n);
    Bytes out(1 + static_cast<std::size_t>(BN_num_bytes(n)));
    BN_bn2bin(n, out.data() + 1);
    return out;
  }
  static Bytes Algorithm(ByteView parameters) { return Concat({kRsaEncryptionOid, parameters}); }
};

TEST_F(PublicKeyFromDerTest, HandMadeRsaSpkiIsTheKey) {
  const Bytes spki = Spki(Algorithm(kDerNull), RsaPublicKey(Modulus(), kExponent65537));
  EXPECT_EQ(spki, *PublicKeyToDer(*key_));  // the helpers encode as OpenSSL does
  Result<EvpPkeyPtr> key = PublicKeyFromDer(spki);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(key->get(), key_), 1);
  EXPECT_EQ(EVP_PKEY_is_a(key->get(), "RSA"), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 2048);
}

TEST_F(PublicKeyFromDerTest, AbsentRsaParametersAreTolerated) {
  Result<EvpPkeyPtr> key =
      PublicKeyFromDer(Spki(Algorithm({}), RsaPublicKey(Modulus(), kExponent65537)));
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(key->get(), key_), 1);
}

TEST_F(PublicKeyFromDerTest, MalformedRsaKeysAreRefusedPrecisely) {
  const Bytes n = Modulus();
  const Bytes good_key = RsaPublicKey(n, kExponent65537);
  const std::string prefix = "public key DER: not a SubjectPublicKeyInfo: ";
  struct Case {
    std::string_view name;
    Bytes spki;
    std::string message;
  };
  Bytes negative_n(n.begin() + 1, n.end());  // top bit set without the 0x00: negative
  const Case cases[] = {
      {"INTEGER parameters", Spki(Algorithm(Bytes{0x02, 0x01, 0x00}), good_key),
       prefix + "rsaEncryption parameters are not NULL"},
      {"unused bits", Spki(Algorithm(kDerNull), good_key, 1),
       prefix + "the RSA public key BIT STRING has unused bits"},
      {"negative modulus", Spki(Algorithm(kDerNull), RsaPublicKey(negative_n, kExponent65537)),
       prefix + "the RSA modulus is not a positive INTEGER"},
      {"zero exponent", Spki(Algorithm(kDerNull), RsaPublicKey(n, Bytes{0x00})),
       prefix + "the RSA public exponent is zero"},
      {"exponent as OCTET STRING",
       Spki(Algorithm(kDerNull), Der(0x30, Concat({Der(0x02, n), Der(0x04, kExponent65537)}))),
       prefix + "the RSA public exponent is not a positive INTEGER"},
      {"three INTEGERs",
       Spki(Algorithm(kDerNull),
            Der(0x30, Concat({Der(0x02, n), Der(0x02, kExponent65537), Der(0x02, Bytes{1})}))),
       prefix + "the RSAPublicKey is not SEQUENCE { modulus, publicExponent }"},
      {"bytes after the RSAPublicKey", Spki(Algorithm(kDerNull), Concat({good_key, Bytes{0x00}})),
       prefix + "the RSAPublicKey is not SEQUENCE { modulus, publicExponent }"},
      {"third element",
       Der(0x30, Concat({Der(0x30, Algorithm(kDerNull)), Der(0x03, Concat({Bytes{0x00}, good_key})),
                         kDerNull})),
       prefix + "not a SEQUENCE { AlgorithmIdentifier, BIT STRING }"},
      {"elements swapped",
       Der(0x30,
           Concat({Der(0x03, Concat({Bytes{0x00}, good_key})), Der(0x30, Algorithm(kDerNull))})),
       prefix + "not a SEQUENCE { AlgorithmIdentifier, BIT STRING }"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(PublicKeyFromDer(c.spki), StatusIs(StatusCode::kInvalidArgument, c.message))
        << c.name;
    EXPECT_EQ(OpenSslErrorText(), "no OpenSSL error reported") << c.name;
  }
  // Not DER inside the BIT STRING: OpenSSL's reason follows.
  Result<EvpPkeyPtr> garbage = PublicKeyFromDer(Spki(Algorithm(kDerNull), Bytes{0x30, 0x05, 0x02}));
  EXPECT_THAT(garbage,
              StatusIs(StatusCode::kInvalidArgument,
                       ::testing::StartsWith(prefix + "the RSAPublicKey does not parse: ")));
}

TEST_F(PublicKeyFromDerTest, OtherAlgorithmsStillParse) {
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(ec, nullptr);
  const Bytes spki = *PublicKeyToDer(*ec);
  Result<EvpPkeyPtr> key = PublicKeyFromDer(spki);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(EVP_PKEY_eq(key->get(), ec.get()), 1);
  // Parsed, but no RSA key: the verification says so rather than failing as a bad signature.
  EXPECT_THAT(
      VerifyPkcs1Sha256(**key, ToBytes("door 8"), Bytes(256)),
      StatusIs(StatusCode::kInvalidArgument, "RSA signature verification: key is not an RSA key"));

  Bytes broken = spki;
  broken[broken.size() - 40] ^= 0xFF;  // a point that is not on the curve
  EXPECT_THAT(PublicKeyFromDer(broken), StatusIs(StatusCode::kInvalidArgument));
  Bytes trailing = spki;
  trailing.push_back(0x00);
  EXPECT_THAT(PublicKeyFromDer(trailing),
              StatusIs(StatusCode::kInvalidArgument,
                       "public key DER: 1 trailing bytes after the SubjectPublicKeyInfo"));
}

TEST(RsaKeyGenerationTest, RejectsUnsupportedSizes) {
  SeededRandom random(1);
  for (int bits : {0, 512, 1000, 2047, 2056, 16384}) {
    EXPECT_THAT(GenerateRsaKey(random, bits), StatusIs(StatusCode::kInvalidArgument)) << bits;
    EXPECT_THAT(GenerateRsaKeyOs(bits), StatusIs(StatusCode::kInvalidArgument)) << bits;
  }
}

TEST(RsaKeyGenerationTest, SmallSeededKeyIsValid) {
  SeededRandom random(7);
  Result<EvpPkeyPtr> key = GenerateRsaKey(random, 1024);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 1024);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key->get(), nullptr));
  EXPECT_EQ(EVP_PKEY_check(ctx.get()), 1) << OpenSslErrorText();
}

TEST(RsaKeyGenerationTest, OsKeyIsValid) {
  Result<EvpPkeyPtr> key = GenerateRsaKeyOs(1024);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 1024);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(key->get(), nullptr));
  EXPECT_EQ(EVP_PKEY_check(ctx.get()), 1) << OpenSslErrorText();
}

TEST(OpenSslErrorTextTest, DrainsTheQueue) {
  EXPECT_EQ(OpenSslErrorText(), "no OpenSSL error reported");
  const unsigned char garbage[] = {0x30, 0x82, 0xFF};
  const unsigned char* p = garbage;
  EXPECT_EQ(d2i_X509(nullptr, &p, sizeof garbage), nullptr);
  const std::string text = OpenSslErrorText();
  EXPECT_NE(text, "no OpenSSL error reported");
  EXPECT_NE(text.find("asn1"), std::string::npos) << text;
  EXPECT_EQ(OpenSslErrorText(), "no OpenSSL error reported");
}

}  // namespace
}  // namespace sekisho::pki
