// A real-world JPKI client unchanged against the simulator through pcscd: OpenSC's jpki driver
// (it recognises the card by its ATR) lists and reads the certificates, and signs with the auth
// key after a PIN login, as it would with a real My Number Card.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "base/status_matchers.h"
#include "card/sim/simulated_card.h"
#include "pki/certificate.h"
#include "pki/rsa_key.h"
#include "tests/integration/test_card.h"
#include "tests/integration/virtual_reader.h"

namespace sekisho::integration {
namespace {

using ::sekisho::testing::IsOk;
using ::testing::HasSubstr;

constexpr char kOpenScPkcs11[] = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `command` through the shell with stderr folded into stdout.
ToolRun RunTool(const std::string& command) {
  ToolRun run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class OpenScTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SEKISHO_CONNECT_TO_PCSCD_OR_SKIP(context_);
    if (RunTool("command -v pkcs15-tool").exit_code != 0) {
      GTEST_SKIP() << "OpenSC is not installed (Debian package opensc)";
    }
    ASSERT_THAT(context_->WaitForRemoval(kReader, kCardEventTimeout), IsOk());
    auto card = card::sim::SimulatedCard::Create(World().profile);
    ASSERT_THAT(card, IsOk());
    card_ = std::move(card).value();
    auto inserted = InsertedCard::Insert(*card_);
    ASSERT_THAT(inserted, IsOk());
    inserted_ = std::move(inserted).value();
    ASSERT_THAT(context_->WaitForCard(kReader, kCardEventTimeout), IsOk());

    char dir_template[] = "/tmp/sekisho-opensc.XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<card::pcsc::PcscContext> context_;
  std::unique_ptr<card::sim::SimulatedCard> card_;
  std::unique_ptr<InsertedCard> inserted_;
  std::filesystem::path dir_;
};

TEST_F(OpenScTest, Pkcs15ToolListsAndReadsTheAuthCertificate) {
  const ToolRun list = RunTool("pkcs15-tool --reader 0 --list-certificates");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("User Authentication Certificate"));
  EXPECT_THAT(list.output, HasSubstr("User Authentication Certificate CA"));

  const std::filesystem::path pem_file = dir_ / "auth.pem";
  const ToolRun read =
      RunTool("pkcs15-tool --reader 0 --read-certificate 01 --output " + pem_file.string());
  ASSERT_EQ(read.exit_code, 0) << read.output;
  auto cert = pki::Certificate::FromPem(ReadFile(pem_file));
  ASSERT_THAT(cert, IsOk()) << read.output;
  EXPECT_EQ(cert->Der(), World().profile.auth_certificate);

  const std::filesystem::path ca_file = dir_ / "auth-ca.pem";
  const ToolRun read_ca =
      RunTool("pkcs15-tool --reader 0 --read-certificate 03 --output " + ca_file.string());
  ASSERT_EQ(read_ca.exit_code, 0) << read_ca.output;
  auto ca = pki::Certificate::FromPem(ReadFile(ca_file));
  ASSERT_THAT(ca, IsOk()) << read_ca.output;
  EXPECT_EQ(ca->Der(), World().pki.auth_ca.Der());
}

TEST_F(OpenScTest, Pkcs11ToolSignsWithTheAuthKeyAfterLogin) {
  const std::filesystem::path data = dir_ / "data.bin";
  const std::filesystem::path signature = dir_ / "signature.bin";
  {
    std::ofstream out(data, std::ios::binary);
    out << "sekisho: signed by OpenSC through pcscd";
  }
  const ToolRun sign = RunTool(std::string("pkcs11-tool --module ") + kOpenScPkcs11 +
                               " --slot-index 0 --login --pin " + std::string(kTestAuthPin) +
                               " --sign --id 01 -m SHA256-RSA-PKCS --input-file " + data.string() +
                               " --output-file " + signature.string());
  ASSERT_EQ(sign.exit_code, 0) << sign.output;
  const std::string sig = ReadFile(signature);
  ASSERT_EQ(sig.size(), 256u) << sign.output;
  auto cert = pki::Certificate::FromDer(World().profile.auth_certificate);
  ASSERT_THAT(cert, IsOk());
  EXPECT_THAT(pki::VerifyPkcs1Sha256(cert->PublicKey(), ToBytes(ReadFile(data)), ToBytes(sig)),
              IsOk());
}

}  // namespace
}  // namespace sekisho::integration
