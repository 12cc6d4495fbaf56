#include "net/certificate_authority.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/status_matchers.h"
#include "net/test_support.h"
#include "pki/certificate.h"
#include "pki/openssl_types.h"

namespace sekisho::net {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Generated with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256`; fingerprint from
// `openssl x509 -noout -fingerprint -sha256`.
constexpr char kKatCertificate[] = R"(-----BEGIN CERTIFICATE-----
MIIBcTCCARegAwIBAgIUbZ2+cb1VjEHZ1pBUkKDLW9sbwEMwCgYIKoZIzj0EAwIw
DjEMMAoGA1UEAwwDa2F0MB4XDTI2MTEyNzIxMjUxNVoXDTM2MTEyNDIxMjUxNVow
DjEMMAoGA1UEAwwDa2F0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeN9+i5tq
9X6OqLzXf7gAMU7jaUkjhjBxROZArO6xWxkwyk+t53/K5fWzOjnxQDr9Vy4XDtLQ
E1Xtx3E60B6zLaNTMFEwHQYDVR0OBBYEFOAobWYjU7cjJ7SsOsPGNPcvKE0XMB8G
A1UdIwQYMBaAFOAobWYjU7cjJ7SsOsPGNPcvKE0XMA8GA1UdEwEB/wQFMAMBAf8w
CgYIKoZIzj0EAwIDSAAwRQIhALy/ZTwGHilwOpt5nFJswU/gkK2LSuUDt4JHL7kG
vwYJAiBiEBWFsZpBt57wIL2NSNeHm/CmYAVjchepqHWsejqfeQ==
-----END CERTIFICATE-----
)";
constexpr char kKatFingerprint[] =
    "47061245fec7069190cb5c74cd68c030ab0423ae26e17feeefeb533aae810f5d";

// A CSR for a P-384 key (`openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384`).
constexpr char kP384Csr[] = R"(-----BEGIN CERTIFICATE REQUEST-----
MIIBBzCBjgIBADAPMQ0wCwYDVQQDDARwMzg0MHYwEAYHKoZIzj0CAQYFK4EEACID
YgAEuGJzMaRTnp7FfoegwW7oG1sMOlhOlGJQbXDgSW2V8B15xSbt2b6vu9lbZLVR
652hKpcIbbSQPzc19YZ7JI0/5zHdcRFDpxxml2mmK4loxDkx5k/t40aHxszwEeUk
hKgMoAAwCgYIKoZIzj0EAwIDaAAwZQIxAPeUm5xIgt6HkfuQzE95JwFGQxQPUC07
sb2stmMZuPZDewQdBBfLvv+0Xh/KjCQ4SQIwNHvtrcTQOqqUo3QZITPupLbzLZj9
FYFDOXP15mqr+OAM9u4bTvzgS6JknIQgDjtb
-----END CERTIFICATE REQUEST-----
)";

pki::Certificate Parse(const std::string& pem) {
  auto cert = pki::Certificate::FromPem(pem);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

// True when `cert` chains to `ca` for `purpose` (X509_PURPOSE_SSL_SERVER / _CLIENT).
bool ChainsTo(const pki::Certificate& cert, const pki::Certificate& ca, int purpose) {
  pki::X509StorePtr store(X509_STORE_new());
  pki::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca.get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1 ||
      X509_STORE_CTX_set_purpose(ctx.get(), purpose) != 1) {
    return false;
  }
  return X509_verify_cert(ctx.get()) == 1;
}

TEST(CertificateAuthorityTest, CaIsSelfSignedCaCertificate) {
  const CertifiedKey& ca = testing::Pki().ca;
  pki::Certificate cert = Parse(ca.cert_pem);
  EXPECT_EQ(cert.SubjectText(), "CN=Sekisho Test CA");
  EXPECT_EQ(cert.IssuerText(), cert.SubjectText());
  EXPECT_GT(X509_check_ca(cert.get()), 0);
  EXPECT_EQ(X509_verify(cert.get(), const_cast<EVP_PKEY*>(&cert.PublicKey())), 1);
  EXPECT_EQ(EVP_PKEY_get_base_id(&cert.PublicKey()), EVP_PKEY_EC);
  EXPECT_EQ(cert.KeyBits(), 256);
  EXPECT_THAT(std::string(ca.KeyPemText()), HasSubstr("-----BEGIN PRIVATE KEY-----"));
}

TEST(CertificateAuthorityTest, RejectsBadCaParameters) {
  EXPECT_THAT(CreateCertificateAuthority("", 1h), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CreateCertificateAuthority("CA", 0s), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CertificateAuthorityTest, ServerCertificateNamesHostsAndChains) {
  const testing::TestPki& pki = testing::Pki();
  pki::Certificate ca = Parse(pki.ca.cert_pem);
  pki::Certificate server = Parse(pki.server.cert_pem);
  EXPECT_EQ(server.SubjectText(), "CN=localhost");
  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_TRUE(ChainsTo(server, ca, X509_PURPOSE_SSL_SERVER));
  EXPECT_FALSE(ChainsTo(server, Parse(pki.other_ca.cert_pem), X509_PURPOSE_SSL_SERVER));
}

TEST(CertificateAuthorityTest, ServerCertificateWithOtherNames) {
  auto issued = IssueServerCertificate(testing::Pki().ca, {"sekisho.example", "::1", "10.1.2.3"});
  ASSERT_THAT(issued, IsOk());
  pki::Certificate cert = Parse(issued->cert_pem);
  EXPECT_EQ(X509_check_host(cert.get(), "sekisho.example", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "10.1.2.3", 0), 1);
  EXPECT_NE(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
}

TEST(CertificateAuthorityTest, RejectsBadServerNames) {
  const CertifiedKey& ca = testing::Pki().ca;
  EXPECT_THAT(IssueServerCertificate(ca, {}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(IssueServerCertificate(ca, {"bad name"}),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("'bad name'")));
  EXPECT_THAT(IssueServerCertificate(ca, {"a,IP:1.2.3.4"}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(IssueServerCertificate(ca, {"localhost"}, 0s),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(CertificateAuthorityTest, RejectsCaWhoseKeyDoesNotMatch) {
  const testing::TestPki& pki = testing::Pki();
  CertifiedKey mixed{pki.ca.cert_pem, SecretBytes(pki.other_ca.KeyPemText())};
  EXPECT_THAT(IssueServerCertificate(mixed),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("does not match")));
  CertifiedKey garbage{pki.ca.cert_pem, SecretBytes(std::string_view("not a key"))};
  EXPECT_THAT(IssueServerCertificate(garbage), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CertificateAuthorityTest, SignCsrSetsNameAndClientAuth) {
  const testing::TestPki& pki = testing::Pki();
  auto request = MakeKeyAndCsr("what-the-gate-asked");
  ASSERT_THAT(request, IsOk());
  EXPECT_THAT(request->csr_pem, HasSubstr("-----BEGIN CERTIFICATE REQUEST-----"));
  auto first = SignCsr(pki.ca, request->csr_pem, "gate-7", 24h);
  auto second = SignCsr(pki.ca, request->csr_pem, "gate-7", 24h);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  pki::Certificate cert = Parse(*first);
  EXPECT_EQ(cert.SubjectText(), "CN=gate-7");
  EXPECT_EQ(cert.IssuerText(), "CN=Sekisho Test CA");
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_TRUE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_CLIENT);
  EXPECT_FALSE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER);
  EXPECT_TRUE(ChainsTo(cert, Parse(pki.ca.cert_pem), X509_PURPOSE_SSL_CLIENT));
  EXPECT_FALSE(ChainsTo(cert, Parse(pki.ca.cert_pem), X509_PURPOSE_SSL_SERVER));
  EXPECT_GE(cert.SerialNumber().size(), 15u);
  EXPECT_NE(cert.SerialNumber(), Parse(*second).SerialNumber());
  EXPECT_LE(cert.NotAfter() - cert.NotBefore(), 24h + 2min);
  // The certificate is for the CSR's key.
  std::string_view key_pem = request->KeyPemText();
  pki::BioPtr bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  pki::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
}

TEST(CertificateAuthorityTest, SignCsrRejectsTamperedSignature) {
  auto request = MakeKeyAndCsr("gate");
  ASSERT_THAT(request, IsOk());
  pki::BioPtr in(
      BIO_new_mem_buf(request->csr_pem.data(), static_cast<int>(request->csr_pem.size())));
  using X509ReqPtr = pki::OpenSslPtr<X509_REQ, X509_REQ_free>;
  X509ReqPtr csr(PEM_read_bio_X509_REQ(in.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(csr, nullptr);
  unsigned char* der = nullptr;
  int size = i2d_X509_REQ(csr.get(), &der);
  ASSERT_GT(size, 0);
  Bytes bytes(der, der + size);
  OPENSSL_free(der);
  bytes.back() ^= 0x01;  // the last byte of the signature's s
  const unsigned char* p = bytes.data();
  X509ReqPtr tampered(d2i_X509_REQ(nullptr, &p, static_cast<long>(bytes.size())));
  ASSERT_NE(tampered, nullptr);
  pki::BioPtr out(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_X509_REQ(out.get(), tampered.get()), 1);
  char* data = nullptr;
  long length = BIO_get_mem_data(out.get(), &data);
  std::string pem(data, static_cast<std::size_t>(length));
  EXPECT_THAT(SignCsr(testing::Pki().ca, pem, "gate", 1h),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("signature")));
}

TEST(CertificateAuthorityTest, SignCsrRejectsMalformedInput) {
  const CertifiedKey& ca = testing::Pki().ca;
  EXPECT_THAT(SignCsr(ca, "", "gate", 1h), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SignCsr(ca, "garbage", "gate", 1h), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SignCsr(ca, ca.cert_pem, "gate", 1h), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SignCsr(ca, kP384Csr, "gate", 1h),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("P-256")));
  auto request = MakeKeyAndCsr("gate");
  ASSERT_THAT(request, IsOk());
  EXPECT_THAT(SignCsr(ca, request->csr_pem, "", 1h), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SignCsr(ca, request->csr_pem, "gate", -1s), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CertificateAuthorityTest, MakeKeyAndCsrRejectsEmptyName) {
  EXPECT_THAT(MakeKeyAndCsr(""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(CertificateSha256HexTest, KnownAnswer) {
  auto fingerprint = CertificateSha256Hex(kKatCertificate);
  ASSERT_THAT(fingerprint, IsOk());
  EXPECT_EQ(*fingerprint, kKatFingerprint);
}

TEST(CertificateSha256HexTest, RejectsNonCertificates) {
  EXPECT_THAT(CertificateSha256Hex(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CertificateSha256Hex(kP384Csr), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::net
