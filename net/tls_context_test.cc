#include "net/tls_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/status_matchers.h"
#include "net/test_support.h"

namespace sekisho::net {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("sekisho_tls_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& name, std::string_view contents) {
    std::filesystem::path path = dir_ / name;
    std::ofstream(path) << contents;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(TlsContextTest, ServerFromFiles) {
  const testing::TestPki& pki = testing::Pki();
  auto cert = Write("cert.pem", pki.server.cert_pem);
  auto key = Write("key.pem", pki.server.KeyPemText());
  auto ca = Write("ca.pem", pki.ca.cert_pem);
  EXPECT_THAT(TlsServerContext::Create(cert, key, ca), IsOk());
  EXPECT_THAT(TlsServerContext::Create(cert, key, std::nullopt), IsOk());
  EXPECT_THAT(TlsServerContext::Create(dir_ / "missing.pem", key, std::nullopt),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(TlsServerContext::Create(cert, key, dir_ / "missing.pem"),
              StatusIs(StatusCode::kNotFound));
}

TEST_F(TlsContextTest, ServerRejectsBadPem) {
  const testing::TestPki& pki = testing::Pki();
  EXPECT_THAT(TlsServerContext::CreateFromPem("garbage", pki.server.KeyPemText(), std::nullopt),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("server certificate")));
  EXPECT_THAT(TlsServerContext::CreateFromPem(pki.server.cert_pem, "garbage", std::nullopt),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("server key")));
  EXPECT_THAT(TlsServerContext::CreateFromPem(pki.server.cert_pem, pki.server.KeyPemText(),
                                              std::string_view("garbage")),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("client CA")));
}

TEST_F(TlsContextTest, ServerRejectsKeyOfAnotherCertificate) {
  const testing::TestPki& pki = testing::Pki();
  EXPECT_THAT(
      TlsServerContext::CreateFromPem(pki.server.cert_pem, pki.client.KeyPemText(), std::nullopt),
      StatusIs(StatusCode::kInvalidArgument));
}

TEST_F(TlsContextTest, ClientFromFiles) {
  const testing::TestPki& pki = testing::Pki();
  auto ca = Write("ca.pem", pki.ca.cert_pem);
  auto cert = Write("client.pem", pki.client.cert_pem);
  auto key = Write("client.key", pki.client.KeyPemText());
  EXPECT_THAT(TlsClientContext::Create(ca), IsOk());
  EXPECT_THAT(TlsClientContext::Create(ca, cert, key), IsOk());
  EXPECT_THAT(TlsClientContext::Create(ca, cert, std::nullopt),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(TlsClientContext::Create(dir_ / "missing.pem"), StatusIs(StatusCode::kNotFound));
}

TEST_F(TlsContextTest, ClientRejectsBadPem) {
  const testing::TestPki& pki = testing::Pki();
  EXPECT_THAT(TlsClientContext::CreateFromPem("", std::nullopt, std::nullopt),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("CA PEM")));
  EXPECT_THAT(TlsClientContext::CreateFromPem(pki.ca.cert_pem, pki.client.cert_pem,
                                              pki.other_client.KeyPemText()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("client key")));
  EXPECT_THAT(
      TlsClientContext::CreateFromPem(pki.ca.cert_pem, std::nullopt, pki.client.KeyPemText()),
      StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::net
