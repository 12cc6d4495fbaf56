// `sekisho card new` and `sekisho card simulate`: simulated My Number Cards as files, served to
// pcscd through the vsmartcard vpcd driver.
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "card/sim/card_factory.h"
#include "card/sim/card_profile.h"
#include "card/sim/simulated_card.h"
#include "card/vpcd/vpcd_link.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/stop_signal.h"
#include "pki/test_pki.h"

namespace sekisho::cli {
namespace {

struct NewCardCliOptions {
  std::filesystem::path out;
  std::filesystem::path pki_dir;
  std::uint64_t seed = 1;
  std::string auth_pin = "1234";
  std::string sign_password = "ABC123";
  bool no_sign_certificate = false;
  bool force = false;
};

Status NewCardFile(const NewCardCliOptions& o) {
  if (!o.force && std::filesystem::exists(o.out)) {
    return AlreadyExistsError(o.out.string() + " exists; pass --force to overwrite it");
  }
  ASSIGN_OR_RETURN(pki::TestPki test_pki, pki::LoadTestPki(o.pki_dir));
  card::sim::NewCardOptions options;
  options.auth_pin = o.auth_pin;
  options.sign_password = o.sign_password;
  options.with_sign_certificate = !o.no_sign_certificate;
  // Certificates start when the test PKI did, so the same PKI and seed give the same card.
  ASSIGN_OR_RETURN(card::sim::CardProfile profile,
                   card::sim::NewCard(test_pki, o.seed, test_pki.auth_ca.NotBefore(), options));
  RETURN_IF_ERROR(card::sim::SaveCardProfile(profile, o.out));
  std::printf("simulated My Number Card written to %s (seed %llu)\n", o.out.c_str(),
              static_cast<unsigned long long>(o.seed));
  return OkStatus();
}

struct SimulateOptions {
  std::filesystem::path card;
  std::string host = "127.0.0.1";
  std::uint16_t port = 35963;
  int connect_timeout_seconds = 10;
};

Status Simulate(const SimulateOptions& o) {
  ASSIGN_OR_RETURN(card::sim::CardProfile profile, card::sim::LoadCardProfile(o.card));
  const std::filesystem::path path = o.card;
  ASSIGN_OR_RETURN(auto simulated,
                   card::sim::SimulatedCard::Create(
                       std::move(profile), [path](const card::sim::CardProfile& p) {
                         return card::sim::SaveCardProfile(p, path);
                       }));
  std::atomic<bool>& stop = StopOnSignal();

  card::vpcd::VpcdOptions options;
  options.host = o.host;
  options.port = o.port;
  options.connect_timeout = std::chrono::seconds(o.connect_timeout_seconds);
  ASSIGN_OR_RETURN(auto link, card::vpcd::VpcdLink::Connect(options));
  spdlog::info("card {} inserted into the virtual reader at {}:{}; Ctrl-C removes it",
               o.card.filename().string(), o.host, o.port);
  Status served = link->Serve(*simulated, stop);
  spdlog::info("card removed from the virtual reader");
  return served;
}

}  // namespace

void RegisterCardSimCommands(CLI::App& card, Action& action) {
  auto n = std::make_shared<NewCardCliOptions>();
  CLI::App* cmd_new = card.add_subcommand(
      "new", "Create a simulated My Number Card file, issued from a test PKI");
  cmd_new->add_option("--out", n->out, "Card file to write")->required();
  cmd_new->add_option("--pki", n->pki_dir, "Test PKI directory (sekisho pki init-test)")
      ->required();
  cmd_new->add_option("--seed", n->seed, "Seed: the same PKI and seed give the same card")
      ->capture_default_str();
  cmd_new->add_option("--auth-pin", n->auth_pin, "User-authentication PIN (4 digits)")
      ->capture_default_str();
  cmd_new->add_option("--sign-password", n->sign_password,
                      "Signature password (6-16 of A-Z, 0-9)")
      ->capture_default_str();
  cmd_new->add_flag("--no-sign-certificate", n->no_sign_certificate,
                    "Issue no signature certificate (as for holders under 15)");
  cmd_new->add_flag("--force", n->force, "Overwrite an existing card file");
  cmd_new->callback([&action, n] { action = [n] { return NewCardFile(*n); }; });

  auto s = std::make_shared<SimulateOptions>();
  CLI::App* cmd_sim = card.add_subcommand(
      "simulate",
      "Insert a simulated card into the vpcd virtual reader (pcscd must be running); PIN "
      "counters and locks are written back to the card file");
  cmd_sim->add_option("--card", s->card, "Card file (sekisho card new)")->required();
  cmd_sim->add_option("--host", s->host, "Host where the vpcd driver listens")
      ->capture_default_str();
  cmd_sim->add_option("--port", s->port,
                      "vpcd port: 35963 is reader 'Virtual PCD 00 00', 35964 is '00 01'")
      ->capture_default_str();
  cmd_sim->add_option("--connect-timeout", s->connect_timeout_seconds,
                      "Seconds to wait for the vpcd driver")
      ->capture_default_str();
  cmd_sim->callback([&action, s] { action = [s] { return Simulate(*s); }; });
}

}  // namespace sekisho::cli
