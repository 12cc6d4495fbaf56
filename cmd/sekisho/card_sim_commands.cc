// `sekisho card new` and `sekisho card simulate`: simulated My Number Cards and badges as files,
// served to pcscd through the vsmartcard vpcd driver.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/clock.h"
#include "base/random.h"
#include "card/sim/badge_applet.h"
#include "card/sim/badge_profile.h"
#include "card/sim/card_factory.h"
#include "card/sim/card_profile.h"
#include "card/sim/simulated_card.h"
#include "card/vpcd/vpcd_link.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/stop_signal.h"
#include "pki/file_io.h"
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
  std::optional<std::filesystem::path> card;
  std::optional<std::filesystem::path> badge;
  std::string host = "127.0.0.1";
  std::uint16_t port = 35963;
  int connect_timeout_seconds = 10;
};

// A badge served from its file: the PIN retry counter, the only state a badge keeps across
// sessions, is written back to the file whenever it changes.
class BadgeFromFile final : public card::VirtualCard {
 public:
  BadgeFromFile(std::unique_ptr<card::sim::BadgeApplet> applet, std::filesystem::path path)
      : applet_(std::move(applet)),
        path_(std::move(path)),
        saved_tries_(applet_->profile().pin_tries) {}

  Bytes Atr() const override { return applet_->Atr(); }
  void PowerOn() override { applet_->PowerOn(); }
  void PowerOff() override { applet_->PowerOff(); }
  void Reset() override { applet_->Reset(); }
  Bytes Process(ByteView command) override {
    Bytes response = applet_->Process(command);
    if (applet_->profile().pin_tries != saved_tries_) {
      std::string json = card::sim::BadgeProfileToJson(applet_->profile());
      const Status saved = pki::WriteFileAtomically(path_, json, 0600);
      OPENSSL_cleanse(json.data(), json.size());
      if (saved.ok()) {
        saved_tries_ = applet_->profile().pin_tries;
      } else {
        spdlog::error("cannot save the badge's PIN counter: {}", saved.ToString());
      }
    }
    return response;
  }

 private:
  std::unique_ptr<card::sim::BadgeApplet> applet_;
  std::filesystem::path path_;
  int saved_tries_;
};

// True when `path` holds a badge file (card::sim::BadgeProfileToJson's form: it has the chip's
// RI key) rather than a My Number Card file. A file that is not JSON is left to the card loader.
Result<bool> IsBadgeFile(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(std::string text, pki::ReadSmallFile(path));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  OPENSSL_cleanse(text.data(), text.size());
  return !j.is_discarded() && j.is_object() && j.contains("ri_private_key");
}

Status Serve(card::VirtualCard& card, const std::filesystem::path& file, const SimulateOptions& o) {
  std::atomic<bool>& stop = StopOnSignal();
  card::vpcd::VpcdOptions options;
  options.host = o.host;
  options.port = o.port;
  options.connect_timeout = std::chrono::seconds(o.connect_timeout_seconds);
  ASSIGN_OR_RETURN(auto link, card::vpcd::VpcdLink::Connect(options));
  spdlog::info("card {} inserted into the virtual reader at {}:{}; Ctrl-C removes it",
               file.filename().string(), o.host, o.port);
  Status served = link->Serve(card, stop);
  spdlog::info("card removed from the virtual reader");
  return served;
}

Status SimulateBadge(const std::filesystem::path& path, const SimulateOptions& o) {
  auto text = pki::ReadSmallFile(path);
  if (!text.ok()) return text.status().WithContext("badge file");
  auto profile = card::sim::BadgeProfileFromJson(*text);
  OPENSSL_cleanse(text->data(), text->size());
  if (!profile.ok()) return profile.status().WithContext(path.string());
  static SystemClock clock;
  static OsRandom random;
  ASSIGN_OR_RETURN(auto applet,
                   card::sim::BadgeApplet::Create(std::move(profile).value(), clock, random));
  BadgeFromFile badge(std::move(applet), path);
  return Serve(badge, path, o);
}

Status Simulate(const SimulateOptions& o) {
  if (o.card.has_value() == o.badge.has_value()) {
    return InvalidArgumentError("name exactly one of --card FILE or --badge FILE");
  }
  if (o.badge) return SimulateBadge(*o.badge, o);
  ASSIGN_OR_RETURN(const bool is_badge, IsBadgeFile(*o.card));
  if (is_badge) return SimulateBadge(*o.card, o);
  ASSIGN_OR_RETURN(card::sim::CardProfile profile, card::sim::LoadCardProfile(*o.card));
  const std::filesystem::path path = *o.card;
  ASSIGN_OR_RETURN(auto simulated,
                   card::sim::SimulatedCard::Create(
                       std::move(profile), [path](const card::sim::CardProfile& p) {
                         return card::sim::SaveCardProfile(p, path);
                       }));
  return Serve(*simulated, path, o);
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
      "Insert a simulated card into the vpcd virtual reader (pcscd must be running): a My Number "
      "Card file or a badge file (recognised by its contents); PIN counters and locks are "
      "written back to the file");
  cmd_sim->add_option("--card", s->card,
                      "Card file (sekisho card new), or a badge file (sekisho badge issue)");
  cmd_sim->add_option("--badge", s->badge, "Badge file (sekisho badge issue)");
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
