// `sekisho pki ...`: the test PKI that simulated cards, demos and tests are issued from.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <optional>

#include "base/clock.h"
#include "base/random.h"
#include "card/sim/card_profile.h"
#include "cmd/sekisho/command.h"
#include "pki/certificate.h"
#include "pki/test_pki.h"

namespace sekisho::cli {
namespace {

struct InitTestOptions {
  std::filesystem::path out;
  std::optional<std::uint64_t> seed;
};

Status InitTestPki(const InitTestOptions& o) {
  if (std::filesystem::exists(o.out / "auth-ca.pem")) {
    return AlreadyExistsError("a test PKI already exists in " + o.out.string());
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) return UnavailableError("cannot create " + o.out.string() + ": " + ec.message());
  OsRandom os_random;
  std::optional<SeededRandom> seeded;
  if (o.seed) seeded.emplace(*o.seed);
  Random& random = seeded ? static_cast<Random&>(*seeded) : os_random;
  ASSIGN_OR_RETURN(pki::TestPki test_pki, pki::CreateTestPki(random, SystemClock().Now()));
  RETURN_IF_ERROR(pki::SaveTestPki(test_pki, o.out));
  std::printf("test PKI written to %s\n  auth CA: %s\n  sign CA: %s\n", o.out.c_str(),
              test_pki.auth_ca.SubjectText().c_str(), test_pki.sign_ca.SubjectText().c_str());
  std::printf("This is a TEST PKI (O=JPKI-TEST): never trust it on a production site.\n");
  return OkStatus();
}

struct RevokeTestOptions {
  std::filesystem::path pki_dir;
  std::filesystem::path card;
};

// Puts a simulated card's auth certificate on its test PKI's CRL (for revocation scenarios).
Status RevokeTest(const RevokeTestOptions& o) {
  ASSIGN_OR_RETURN(const card::sim::CardProfile profile, card::sim::LoadCardProfile(o.card));
  ASSIGN_OR_RETURN(const pki::Certificate cert,
                   pki::Certificate::FromDer(profile.auth_certificate));
  RETURN_IF_ERROR(pki::RevokeInTestPki(o.pki_dir, cert, SystemClock().Now()));
  std::printf("the auth certificate of %s is now on the CRL %s\n", o.card.c_str(),
              (o.pki_dir / pki::kAuthCaCrlFile).c_str());
  return OkStatus();
}

}  // namespace

void RegisterPkiCommands(CLI::App& app, Action& action) {
  CLI::App* pki = app.add_subcommand("pki", "Certificates and trust anchors");
  pki->require_subcommand(1);

  auto init = std::make_shared<InitTestOptions>();
  CLI::App* init_test = pki->add_subcommand(
      "init-test",
      "Create a test PKI shaped like JPKI (auth CA, signature CA, CRLs) under O=JPKI-TEST");
  init_test->add_option("--out", init->out, "Directory to write the PKI into")->required();
  init_test->add_option("--seed", init->seed,
                        "Derive the CA keys from this seed (reproducible; tests only)");
  init_test->callback([&action, init] { action = [init] { return InitTestPki(*init); }; });

  auto revoke = std::make_shared<RevokeTestOptions>();
  CLI::App* revoke_test = pki->add_subcommand(
      "revoke-test",
      "Revoke a simulated card's auth certificate in its TEST PKI (re-issues auth-ca.crl.pem)");
  revoke_test->add_option("--pki", revoke->pki_dir, "Test PKI directory")->required();
  revoke_test->add_option("--card", revoke->card, "Card file (sekisho card new)")->required();
  revoke_test->callback([&action, revoke] { action = [revoke] { return RevokeTest(*revoke); }; });
}

}  // namespace sekisho::cli
