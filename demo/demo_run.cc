// DemoRun: setup, the day and teardown.
#include "demo/demo_run.h"

#include <fmt/format.h>

#include <cstdlib>
#include <system_error>

#include "pki/crl.h"

namespace sekisho::demo {
namespace {

// Setup happens the afternoon before the demo day (enrolment, registration), Tokyo time.
constexpr TimePoint kSetupTime = kDemoDay - std::chrono::hours(9);

Result<std::filesystem::path> MakeTemporaryDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sekisho-demo-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return UnavailableError("cannot create a temporary directory under " +
                            std::filesystem::temp_directory_path().string());
  }
  return std::filesystem::path(pattern);
}

}  // namespace

DemoRun::DemoRun(const DemoOptions& options)
    : options_(options), clock_(kSetupTime, options.time_factor) {}

Result<std::unique_ptr<DemoRun>> DemoRun::Create(const DemoOptions& options,
                                                 std::function<void(std::string_view)> progress) {
  if (options.gates < 3) return InvalidArgumentError("the demo needs at least 3 gates");
  if (options.staff < 6) return InvalidArgumentError("the demo needs at least 6 staff");
  std::unique_ptr<DemoRun> run(new DemoRun(options));
  const Status built = run->Build(progress ? progress : [](std::string_view) {});
  if (!built.ok()) return built;
  return run;
}

Status DemoRun::Build(const std::function<void(std::string_view)>& progress) {
  if (options_.keep) {
    root_ = *options_.keep;
  } else {
    ASSIGN_OR_RETURN(root_, MakeTemporaryDirectory());
    remove_root_ = true;
  }
  const std::filesystem::path data = root_ / "data";

  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(card_set_, DemoCards(options_.staff));
  for (std::size_t i = 0; i < options_.staff; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<card::sim::SimulatedCard> card,
                     card::sim::SimulatedCard::Create(card_set_->profiles[i]));
    cards_.push_back(std::move(card));
  }
  progress(fmt::format("{} simulated My Number Cards, each with its own RSA-2048 key ({} ms)",
                       cards_.size(),
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start)
                           .count()));

  RETURN_IF_ERROR(CreateDemoDataDir(data, kDemoOrganisation, card_set_->pki.auth_ca, clock_));
  ASSIGN_OR_RETURN(site_,
                   server::ServerSite::Open(data, std::string(kDemoOrganisation), clock_, random_,
                                            {.password_params = options_.password_params}));
  progress(fmt::format("data directory {} (organisation \"{}\", K_org, TEST anchor)", data.string(),
                       kDemoOrganisation));

  // The issuer's current (empty) CRL, as a site imports it before enrolling anyone.
  const TimePoint now = clock_.Now();
  ASSIGN_OR_RETURN(const pki::Crl crl,
                   pki::MakeCrl(*card_set_->pki.auth_ca_key, card_set_->pki.auth_ca, {},
                                now - std::chrono::hours(1), now + pki::kTestCrlLifetime));
  RETURN_IF_ERROR(ImportIssuerCrl(*site_, crl).status());

  std::vector<card::sim::SimulatedCard*> cards;
  for (const auto& c : cards_) cards.push_back(c.get());
  ASSIGN_OR_RETURN(world_, BuildDemoSite(*site_, cards, {.gates = options_.gates}));
  progress(fmt::format("{} staff enrolled with their cards and PINs; {} gates created",
                       world_.staff.size(), world_.gates.size()));

  ASSIGN_OR_RETURN(server_,
                   server::Server::Create(
                       *site_, {.address = "127.0.0.1", .port = options_.port, .threads = 4},
                       {.on_policy_applied = [this](gate::GateId gate, std::uint64_t version,
                                                    std::chrono::steady_clock::time_point at) {
                         applied_.Record(gate, version, at);
                       }}));
  RETURN_IF_ERROR(server_->Start());
  progress(fmt::format("server on https://127.0.0.1:{}/", server_->port()));

  for (std::size_t i = 0; i < world_.gates.size(); ++i) {
    const DemoGateSpec& spec = world_.gates[i];
    const gate::RegistrationOptions registration{
        .host = "127.0.0.1",
        .port = server_->port(),
        .server_ca_file = site_->tls_path(server::kCaCertFile),
        .token = spec.gate.token};
    ASSIGN_OR_RETURN(std::unique_ptr<DemoGate> g,
                     DemoGate::Start(registration, root_ / "gates" / fmt::format("gate-{}", i + 1),
                                     spec.door, spec.door_name, clock_));
    gates_.push_back(std::move(g));
  }
  progress(fmt::format("{} gates registered over HTTPS with their one-time tokens and running",
                       gates_.size()));
  env_ = std::make_unique<DemoEnvironment>(DemoEnvironment{.site = *site_,
                                                           .server = *server_,
                                                           .world = world_,
                                                           .card_set = *card_set_,
                                                           .cards = cards_,
                                                           .gates = gates_,
                                                           .clock = clock_,
                                                           .applied = applied_,
                                                           .wait = options_.wait});
  return OkStatus();
}

DemoCounters DemoRun::RunDay(DemoReport& report) {
  DemoCounters counters;
  const std::optional<std::chrono::milliseconds> latency = RunDemoDay(*env_, report);
  counters = CollectCounters(*env_);
  counters.revocation_latency = latency;
  return counters;
}

void DemoRun::Stop() {
  for (auto& g : gates_) g->Stop();
  if (server_) server_->Stop();
}

DemoRun::~DemoRun() {
  Stop();
  env_.reset();
  gates_.clear();
  server_.reset();
  site_.reset();
  if (remove_root_) {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
}

}  // namespace sekisho::demo
