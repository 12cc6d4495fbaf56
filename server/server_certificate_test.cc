#include "server/server_certificate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include "base/status_matchers.h"
#include "pki/certificate.h"
#include "pki/file_io.h"
#include "pki/rsa_key.h"
#include "server/server_site.h"
#include "store/test_util.h"

namespace sekisho::server {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

pki::Certificate ReadCertificate(const std::filesystem::path& path) {
  auto pem = pki::ReadSmallFile(path);
  EXPECT_THAT(pem, IsOk());
  auto cert = pki::Certificate::FromPem(*pem);
  EXPECT_THAT(cert, IsOk());
  return std::move(cert).value();
}

class ReissueServerCertificateTest : public ::testing::Test {
 protected:
  std::filesystem::path tls(std::string_view file) const { return dir_.path() / kTlsDir / file; }
  store::testing::ScopedTempDir dir_;
};

TEST_F(ReissueServerCertificateTest, NamesTheNewHostsUnderTheSameCa) {
  ASSERT_THAT(EnsureServerCertificates(dir_.path()), IsOk());
  const std::string ca_before = *pki::ReadSmallFile(tls(kCaCertFile));
  const std::string key_before = *pki::ReadSmallFile(tls(kServerKeyFile));

  ASSERT_THAT(ReissueServerCertificate(dir_.path(), {"sekisho.example.jp", "10.0.0.5"}), IsOk());

  EXPECT_EQ(*pki::ReadSmallFile(tls(kCaCertFile)), ca_before);
  EXPECT_NE(*pki::ReadSmallFile(tls(kServerKeyFile)), key_before);
  pki::Certificate server = ReadCertificate(tls(kServerCertFile));
  pki::Certificate ca = ReadCertificate(tls(kCaCertFile));
  EXPECT_EQ(X509_check_host(server.get(), "sekisho.example.jp", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "10.0.0.5", 0), 1);
  EXPECT_NE(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_verify(server.get(), const_cast<EVP_PKEY*>(&ca.PublicKey())), 1);
  // The key on disk is the certificate's.
  auto key = pki::PrivateKeyFromPem(*pki::ReadSmallFile(tls(kServerKeyFile)));
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(X509_check_private_key(server.get(), key->get()), 1);
  struct stat st {};
  ASSERT_EQ(::stat(tls(kServerKeyFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ReissueServerCertificateTest, RefusesADirectoryWithoutItsCa) {
  EXPECT_THAT(ReissueServerCertificate(dir_.path(), {"sekisho.example.jp"}),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("sekisho serve")));
}

TEST_F(ReissueServerCertificateTest, BadNamesChangeNothing) {
  ASSERT_THAT(EnsureServerCertificates(dir_.path()), IsOk());
  const std::string cert_before = *pki::ReadSmallFile(tls(kServerCertFile));
  const std::string key_before = *pki::ReadSmallFile(tls(kServerKeyFile));
  EXPECT_THAT(ReissueServerCertificate(dir_.path(), {}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ReissueServerCertificate(dir_.path(), {"not a host/name"}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ReissueServerCertificate(dir_.path(), {"ok.example"}, std::chrono::seconds(0)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(*pki::ReadSmallFile(tls(kServerCertFile)), cert_before);
  EXPECT_EQ(*pki::ReadSmallFile(tls(kServerKeyFile)), key_before);
}

}  // namespace
}  // namespace sekisho::server
