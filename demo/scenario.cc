// The scripted day. Times are Tokyo time on kDemoDay; the clock is moved forward to each
// scenario's time (never back), so quiet hours and the night pass in an instant.
#include "demo/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "audit/log_directory.h"
#include "audit/record.h"
#include "card/apdu_firewall.h"
#include "card/command_apdu.h"
#include "card/counting_channel.h"
#include "card/jpki_client.h"
#include "card/mynumber_card.h"
#include "card/sim/sim_channel.h"
#include "net/http_client.h"
#include "pki/crl.h"
#include "server/auth_sessions.h"
#include "server/gate_hub.h"

namespace sekisho::demo {
namespace {

using policy::Reason;
using Steady = std::chrono::steady_clock;

// Gate indexes of world.gates: lanes 1 and 2, the office door (BuildDemoSite's order).
constexpr std::size_t kLane1 = 0;
constexpr std::size_t kLane2 = 1;
constexpr std::size_t kOfficeGate = 2;
constexpr std::size_t kRushThreads = 8;

TimePoint At(int day, int hour, int minute) {
  return kDemoDay + std::chrono::hours(24 * day + hour) + std::chrono::minutes(minute);
}

// "Wed 07:30" in Tokyo time.
std::string TokyoTime(TimePoint t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t + std::chrono::hours(9));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%a %H:%M", &tm);
  return buf;
}

std::string Date(TimePoint t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string Name(Reason r) { return std::string(policy::ReasonName(r)); }
std::string Name(const Result<Reason>& r) {
  return r.ok() ? Name(*r) : "error: " + r.status().ToString();
}
bool Is(const Result<Reason>& r, Reason expected) { return r.ok() && *r == expected; }

long long Millis(Steady::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

class Day {
 public:
  Day(DemoEnvironment& env, DemoReport& report) : env_(env), report_(report) {}

  std::optional<std::chrono::milliseconds> Run() {
    GatesOnline();
    MorningRush();
    OfficeDoor();
    PinSafety();
    LostCard();
    IssuerRevocation();
    FoundCard();
    Lockdown();
    OutsideSchedule();
    NextMorning();
    AuditVerification();
    return latency_;
  }

 private:
  void Add(std::string name, std::string expectation, std::string outcome, bool passed) {
    report_.Add({.name = fmt::format("{} {}", TokyoTime(started_), name),
                 .expectation = std::move(expectation),
                 .outcome = std::move(outcome),
                 .passed = passed});
  }

  const DemoStaffMember& Member(std::size_t i) const { return env_.world.staff[i]; }
  card::sim::SimulatedCard& CardOf(const DemoStaffMember& m) { return *env_.cards[m.card]; }
  std::string PinOf(const DemoStaffMember& m) { return CardOf(m).profile().auth_pin; }
  DemoGate& Gate(std::size_t i) { return *env_.gates[i]; }

  std::vector<gate::GateId> GateIds() const {
    std::vector<gate::GateId> ids;
    for (const auto& g : env_.gates) ids.push_back(g->id());
    return ids;
  }

  Result<Reason> PresentAt(std::size_t gate, const DemoStaffMember& m,
                           std::optional<std::string> pin) {
    return Gate(gate).PresentAndWait(CardOf(m), std::move(pin), env_.wait);
  }
  Result<Reason> PresentAt(std::size_t gate, const DemoStaffMember& m) {
    return PresentAt(gate, m, PinOf(m));
  }

  // The first member of `kind` from index `from` on.
  const DemoStaffMember& FirstOf(StaffKind kind, std::size_t from = 0) const {
    for (std::size_t i = from; i < env_.world.staff.size(); ++i) {
      if (Member(i).kind == kind) return Member(i);
    }
    return Member(from);
  }

  // Publishes the policy after a change and waits for every gate to apply it.
  Result<std::uint64_t> PublishAndWait() {
    ASSIGN_OR_RETURN(const std::uint64_t version, env_.server.PolicyChanged());
    if (!env_.applied.WaitAll(GateIds(), version, env_.wait)) {
      return DeadlineExceededError(
          fmt::format("not every gate applied policy version {} in time", version));
    }
    return version;
  }

  // Every gate connected and holding the published policy (its own status, as the console
  // shows it).
  void GatesOnline() {
    started_ = env_.clock.Now();
    const std::uint64_t version = env_.server.publisher().version();
    const Steady::time_point until = Steady::now() + env_.wait;
    auto ready = [&] {
      for (const auto& g : env_.gates) {
        const gate::GateStatus status = g->status();
        if (!status.online || status.policy_version < version) return false;
      }
      return true;
    };
    while (!ready() && Steady::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::size_t online = 0;
    std::size_t current = 0;
    for (const auto& g : env_.gates) {
      const gate::GateStatus status = g->status();
      online += status.online ? 1 : 0;
      current += status.policy_version >= version ? 1 : 0;
    }
    Add("gates online",
        fmt::format("all {} gates registered with their tokens, online, policy {} in force",
                    env_.gates.size(), version),
        fmt::format("{} online; {} hold policy {}", online, current, version),
        online == env_.gates.size() && current == env_.gates.size());
  }

  void MorningRush() {
    Begin(0, 7, 30);
    std::vector<std::size_t> lanes = {kLane1, kLane2};
    for (std::size_t g = 4; g < env_.gates.size(); ++g) lanes.push_back(g);
    std::vector<std::size_t> before;
    for (std::size_t lane : lanes) before.push_back(Gate(lane).events().size());

    const std::size_t n = env_.world.staff.size();
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> present_errors{0};
    const Steady::time_point start = Steady::now();
    std::vector<std::thread> holders;
    for (std::size_t t = 0; t < std::min(kRushThreads, n); ++t) {
      holders.emplace_back([&] {
        for (std::size_t i = next++; i < n; i = next++) {
          const DemoStaffMember& m = Member(i);
          const Status s =
              Gate(lanes[i % lanes.size()]).Present(CardOf(m), PinOf(m), env_.wait * 4);
          if (!s.ok()) ++present_errors;
        }
      });
    }
    for (std::thread& t : holders) t.join();
    // Each lane's events of the rush (the last one may still be on its way to the observer).
    std::size_t granted = 0;
    std::size_t events = 0;
    std::map<std::string, std::size_t> other;
    const Steady::time_point until = Steady::now() + env_.wait;
    for (std::size_t k = 0; k < lanes.size(); ++k) {
      const std::size_t expected = n / lanes.size() + (k < n % lanes.size() ? 1 : 0);
      std::vector<gate::Event> e = Gate(lanes[k]).events();
      while (e.size() < before[k] + expected && Steady::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        e = Gate(lanes[k]).events();
      }
      for (std::size_t j = before[k]; j < e.size(); ++j) {
        ++events;
        const Reason r = e[j].reason.value_or(Reason::kInternalError);
        if (r == Reason::kGranted) {
          ++granted;
        } else {
          ++other[Name(r)];
        }
      }
    }
    std::string denied;
    for (const auto& [reason, count] : other) denied += fmt::format(", {} {}", reason, count);
    Add("morning rush",
        fmt::format("all {} staff through {} entrance lanes at once ({} holders): granted", n,
                    lanes.size(), std::min(kRushThreads, n)),
        fmt::format(
            "{} of {} granted in {} ms{}{}", granted, n, Millis(Steady::now() - start), denied,
            present_errors > 0 ? fmt::format(", {} presentations failed", present_errors.load())
                               : ""),
        granted == n && events == n && present_errors == 0);
  }

  void OfficeDoor() {
    Begin(0, 9, 0);
    std::size_t granted = 0;
    std::string first_failure;
    for (const DemoStaffMember& m : env_.world.staff) {
      const Result<Reason> r = PresentAt(kOfficeGate, m);
      if (r.ok() && policy::IsGrant(*r)) {
        ++granted;
      } else if (first_failure.empty()) {
        first_failure = fmt::format(" ({}: {})", m.staff.staff_number, Name(r));
      }
    }
    Add("office door",
        fmt::format("all {} staff into the offices (card only, office hours): granted",
                    env_.world.staff.size()),
        fmt::format("{} granted{}", granted, first_failure), granted == env_.world.staff.size());
  }

  // Two mistyped PINs use two tries; the gate then refuses to spend the last one (P6).
  void PinSafety() {
    Begin(0, 10, 0);
    const DemoStaffMember& m = Member(1);
    const std::string wrong = PinOf(m) == "0000" ? "1111" : "0000";
    const Result<Reason> first = PresentAt(kLane1, m, wrong);
    const Result<Reason> second = PresentAt(kLane1, m, wrong);
    const int tries_before = CardOf(m).profile().counters.auth_pin;
    const Result<Reason> third = PresentAt(kLane1, m);
    const int tries_after = CardOf(m).profile().counters.auth_pin;
    Add("PIN with one try left",
        "two mistyped PINs: authentication-failed twice; then the right PIN with one try left: "
        "pin-refused, the last try not spent",
        fmt::format("{}, {}, then {}; tries left {} -> {}", Name(first), Name(second), Name(third),
                    tries_before, tries_after),
        Is(first, Reason::kAuthenticationFailed) && Is(second, Reason::kAuthenticationFailed) &&
            Is(third, Reason::kPinRefused) && tries_before == 1 && tries_after == 1);
  }

  // The staff login's own card: reported lost over HTTPS, then refused at every gate (P4).
  void LostCard() {
    Begin(0, 11, 0);
    const DemoStaffMember& m = Member(env_.world.staff_login_member);
    const DemoUser& user = env_.world.users.back();
    Steady::time_point reported{};
    const Status api = ReportLost(user, m.credential, reported);
    std::uint64_t version = env_.server.publisher().version();
    const bool applied = api.ok() && env_.applied.WaitAll(GateIds(), version, env_.wait);
    std::string latency = "not measured";
    if (applied) {
      if (auto last = env_.applied.LastApplied(GateIds(), version)) {
        latency_ = std::chrono::duration_cast<std::chrono::milliseconds>(*last - reported);
        latency = fmt::format("{} ms", latency_->count());
      }
    }
    std::size_t revoked = 0;
    std::string seen;
    for (std::size_t g = 0; g < env_.gates.size(); ++g) {
      const Result<Reason> r = PresentAt(g, m);
      revoked += Is(r, Reason::kRevoked) ? 1 : 0;
      seen += fmt::format("{}{}: {}", seen.empty() ? "" : "; ", Gate(g).name(), Name(r));
    }
    Add("lost card",
        "the holder reports it through the REST API (staff login, CSRF); every gate applies "
        "the new policy within seconds and refuses the card (revoked)",
        api.ok() ? fmt::format("report accepted; policy {} at all gates {} after the report; {}",
                               version, latency, seen)
                 : "report failed: " + api.ToString(),
        api.ok() && applied && revoked == env_.gates.size());
  }

  Status ReportLost(const DemoUser& user, store::CredentialId credential,
                    Steady::time_point& reported) {
    ASSIGN_OR_RETURN(std::shared_ptr<net::TlsClientContext> tls,
                     net::TlsClientContext::Create(env_.site.tls_path(server::kCaCertFile)));
    const net::FetchOptions options{
        .host = "127.0.0.1", .port = env_.server.port(), .tls = tls, .timeout = env_.wait};
    net::HttpRequest login{.method = "POST", .target = "/api/v1/auth/login"};
    login.headers["content-type"] = "application/json";
    login.body = nlohmann::json{{"login", user.login}, {"password", user.password}}.dump();
    ASSIGN_OR_RETURN(const net::HttpResponse session, net::Fetch(options, login));
    if (session.status != 200) {
      return UnauthenticatedError(fmt::format("login as {}: HTTP {}", user.login, session.status));
    }
    std::string cookie;
    for (const auto& [name, value] : session.headers) {
      if (name == "Set-Cookie" || name == "set-cookie") cookie = value.substr(0, value.find(';'));
    }
    const nlohmann::json body = nlohmann::json::parse(session.body, nullptr, false);
    if (cookie.empty() || !body.is_object() || !body.value("csrf", nlohmann::json()).is_string()) {
      return DataLossError("login response without session cookie or CSRF token");
    }
    net::HttpRequest report{
        .method = "POST",
        .target = fmt::format("/api/v1/me/credentials/{}/report-lost", credential.value())};
    report.headers["cookie"] = cookie;
    report.headers[std::string(server::kCsrfHeader)] = body["csrf"].get<std::string>();
    reported = Steady::now();
    ASSIGN_OR_RETURN(const net::HttpResponse answer, net::Fetch(options, report));
    if (answer.status != 200) {
      return FailedPreconditionError(fmt::format("report-lost: HTTP {}", answer.status));
    }
    return OkStatus();
  }

  // The issuer revokes a card's certificate; its CRL is imported (P4, keyed serials).
  void IssuerRevocation() {
    Begin(0, 13, 0);
    const DemoStaffMember& m = Member(2);
    Result<std::size_t> marked = ImportCrlListing(m);
    Result<std::uint64_t> version =
        marked.ok() ? PublishAndWait() : Result<std::uint64_t>(marked.status());
    const Result<Reason> r = version.ok() ? PresentAt(kLane1, m) : Result<Reason>(version.status());
    Add("issuer revocation (CRL)",
        "the test PKI revokes one card's certificate; the CRL is imported (keyed serials), the "
        "policy pushed and the card refused (revoked)",
        marked.ok()
            ? fmt::format("{} credential marked; policy {}; card: {}", *marked,
                          version.ok() ? fmt::format("{}", *version) : "not applied", Name(r))
            : "import failed: " + marked.status().ToString(),
        marked.ok() && *marked == 1 && Is(r, Reason::kRevoked));
  }

  Result<std::size_t> ImportCrlListing(const DemoStaffMember& m) {
    ASSIGN_OR_RETURN(const pki::Certificate cert,
                     pki::Certificate::FromDer(CardOf(m).profile().auth_certificate));
    const Bytes serials[] = {cert.SerialNumber()};
    const TimePoint now = env_.clock.Now();
    ASSIGN_OR_RETURN(
        const pki::Crl crl,
        pki::MakeCrl(*env_.card_set.pki.auth_ca_key, env_.card_set.pki.auth_ca, serials,
                     now - std::chrono::minutes(1), now + pki::kTestCrlLifetime));
    return ImportIssuerCrl(env_.site, crl);
  }

  // What a finder's reader learns from the lost card without a PIN, through the same APDU
  // firewall a gate uses (P1, P3): the public auth certificate and nothing of the employer's.
  void FoundCard() {
    Begin(0, 14, 0);
    const DemoStaffMember& m = Member(env_.world.staff_login_member);
    card::sim::SimChannel raw(CardOf(m));
    card::CountingChannel reached(raw);
    Result<std::string> learned = StrangerRead(reached, m);
    Add("found card, stranger's reader",
        "without PIN a reader learns only the public auth certificate; no employer, name or "
        "number; the other applications are refused before the card",
        learned.ok() ? *learned : "FAILED: " + learned.status().ToString(), learned.ok());
  }

  Result<std::string> StrangerRead(card::CountingChannel& reached, const DemoStaffMember& m) {
    ASSIGN_OR_RETURN(auto firewall, card::ApduFirewall::Create(
                                        reached, card::SharedJpkiUserAuthenticationPolicy()));
    card::JpkiClient jpki(*firewall);
    ASSIGN_OR_RETURN(const card::TokenKind token, jpki.DetectToken());
    ASSIGN_OR_RETURN(const Bytes der, jpki.ReadAuthCertificate(card::CertificateRead::kFull));
    ASSIGN_OR_RETURN(const pki::Certificate cert, pki::Certificate::FromDer(der));
    ASSIGN_OR_RETURN(const card::PinStatus pin, jpki.QueryAuthPinStatus());
    // The input-assist application (My Number, name, address): refused by the firewall.
    const card::CommandApdu select{.ins = 0xA4,
                                   .p1 = 0x04,
                                   .p2 = 0x0C,
                                   .data = Bytes(card::mynumber::kInputAssistAid.begin(),
                                                 card::mynumber::kInputAssistAid.end())};
    ASSIGN_OR_RETURN(const Bytes select_bytes, select.Encode());
    const std::size_t before = reached.counts().commands;
    const Result<Bytes> assist = firewall->Transmit(select_bytes);
    const bool refused = !assist.ok() && assist.status().code() == StatusCode::kPermissionDenied &&
                         reached.counts().commands == before;
    if (!refused) return InternalError("the firewall let a SELECT of the input-assist AP through");

    // Nothing of ours on what was read: no organisation, name, staff number or My Number.
    const std::string read = ToString(der) + cert.SubjectText() + cert.IssuerText();
    const std::string ours[] = {std::string(kDemoOrganisation), m.staff.display_name,
                                DemoHolderCardName(m.card),     m.staff.staff_number,
                                CardOf(m).profile().my_number,  "Ministry"};
    for (const std::string& s : ours) {
      if (read.find(s) != std::string::npos) {
        return InternalError("the card's public data holds the holder's or employer's data");
      }
    }
    (void)token;
    return fmt::format(
        "auth certificate issued by {}, valid {} to {}, RSA-{}; subject {} (random, no name); PIN "
        "{} tries left; {} APDUs, {} bytes; input-assist AP refused by the firewall; none of "
        "organisation, name, staff number, My Number found",
        cert.IssuerText(), Date(cert.NotBefore()), Date(cert.NotAfter()), cert.KeyBits(),
        cert.SubjectText(), pin.tries_left, reached.counts().commands,
        reached.counts().bytes_received);
  }

  void Lockdown() {
    Begin(0, 16, 0);
    const store::OrganisationId org = env_.site.org().id;
    const DemoStaffMember& staff = Member(3);
    const DemoStaffMember& security = FirstOf(StaffKind::kSecurity);
    Status set = env_.site.sites().SetLockdown(org, env_.world.site.site, true);
    Result<std::uint64_t> version = set.ok() ? PublishAndWait() : Result<std::uint64_t>(set);
    const Result<Reason> denied =
        version.ok() ? PresentAt(kLane1, staff) : Result<Reason>(version.status());
    const Result<Reason> override =
        version.ok() ? PresentAt(kLane1, security) : Result<Reason>(version.status());
    const Status lifted = env_.site.sites().SetLockdown(org, env_.world.site.site, false);
    const Result<std::uint64_t> after =
        lifted.ok() ? PublishAndWait() : Result<std::uint64_t>(lifted);
    Add("lockdown",
        "site locked down: staff denied (lockdown), security override granted; then lifted",
        fmt::format("{}: {}; {}: {}; lifted: {}", StaffKindName(staff.kind), Name(denied),
                    StaffKindName(security.kind), Name(override),
                    after.ok() ? "yes" : after.status().ToString()),
        version.ok() && Is(denied, Reason::kLockdown) && Is(override, Reason::kGrantedOverride) &&
            after.ok());
  }

  void OutsideSchedule() {
    Begin(0, 22, 0);
    const Result<Reason> r = PresentAt(kOfficeGate, Member(3));
    Add("outside schedule",
        "a staff member at the office door at 22:00 (office hours end at 21:00): "
        "denied (outside-schedule)",
        Name(r), Is(r, Reason::kOutsideSchedule));
  }

  void NextMorning() {
    Begin(1, 8, 0);
    const Result<Reason> r = PresentAt(kLane1, Member(3));
    Add("next morning", "after the night, the same staff member at lane 1: granted", Name(r),
        Is(r, Reason::kGranted));
  }

  // End of day (P5): every gate's events acknowledged and in the log exactly once, a signed
  // checkpoint, the whole log checked, and one gate event's inclusion proof verified.
  void AuditVerification() {
    started_ = env_.clock.Now();
    Result<std::string> outcome = VerifyAudit();
    Add("audit verification",
        "each gate's feed position = its acknowledged sequence = its events; signed checkpoint; "
        "log check; inclusion proof of a gate event verified",
        outcome.ok() ? *outcome : "FAILED: " + outcome.status().ToString(), outcome.ok());
  }

  Result<std::string> VerifyAudit() {
    std::string feeds;
    for (const auto& g : env_.gates) {
      const std::uint64_t recorded = g->events().size();
      const Steady::time_point until = Steady::now() + env_.wait;
      auto settled = [&] {
        const gate::QueueState q = g->status().queue;
        return q.last >= recorded && q.acknowledged == q.last;
      };
      while (!settled() && Steady::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      const gate::GateStatus status = g->status();
      ASSIGN_OR_RETURN(const std::optional<std::int64_t> position,
                       env_.site.audit_log().With([&](audit::AuditLog& log) {
                         return log.FeedPosition(server::GateFeed(g->id()));
                       }));
      const std::uint64_t at = position ? static_cast<std::uint64_t>(*position) : 0;
      if (status.queue.acknowledged != status.queue.last || at != status.queue.acknowledged ||
          at < recorded) {
        return DataLossError(
            fmt::format("{}: {} events recorded, queue last {}, acknowledged {}, feed position {}",
                        g->name(), recorded, status.queue.last, status.queue.acknowledged, at));
      }
      feeds += fmt::format("{}{} {}", feeds.empty() ? "" : ", ", g->name(), at);
    }
    OsRandom random;
    ASSIGN_OR_RETURN(const Ed25519PrivateKey key,
                     audit::LoadLogKey(env_.site.dir().root(), random));
    return env_.site.audit_log().With([&](audit::AuditLog& log) -> Result<std::string> {
      ASSIGN_OR_RETURN(const audit::SignedCheckpoint checkpoint, log.AddCheckpoint(key));
      ASSIGN_OR_RETURN(const audit::LogCheckReport check, log.Check());
      const std::uint64_t size = checkpoint.checkpoint.tree_size;
      std::optional<audit::StoredEntry> event;
      for (std::uint64_t i = size; i-- > 0 && !event;) {
        ASSIGN_OR_RETURN(audit::StoredEntry entry, log.GetRecord(i));
        if (entry.kind == audit::RecordKind::kGateEvent && !entry.erased()) event = entry;
      }
      if (!event) return DataLossError("no gate event in the audit log");
      const audit::Hash leaf = audit::RecordLeafHash(*event->salt, event->kind, *event->record);
      if (leaf != event->leaf_hash) return DataLossError("a gate event's leaf hash differs");
      ASSIGN_OR_RETURN(const audit::InclusionProof proof, log.ProveInclusion(event->index, size));
      RETURN_IF_ERROR(audit::VerifyInclusion(leaf, proof, checkpoint.checkpoint.root));
      return fmt::format(
          "feeds at {}; checkpoint of {} records signed; log check: {} records, {} checkpoints, "
          "root matches; record {} proven in {} hashes",
          feeds, size, check.tree_size, check.checkpoints, event->index, proof.path.size());
    });
  }

  // Moves the clock to the scenario's time (day 0 is kDemoDay) and notes it for its line.
  void Begin(int day, int hour, int minute) {
    env_.clock.AdvanceTo(At(day, hour, minute));
    started_ = env_.clock.Now();
  }

  DemoEnvironment& env_;
  DemoReport& report_;
  TimePoint started_{};
  std::optional<std::chrono::milliseconds> latency_;
};

}  // namespace

void AppliedVersions::Record(gate::GateId gate, std::uint64_t version, Steady::time_point at) {
  {
    std::lock_guard lock(mutex_);
    applied_[gate].emplace_back(version, at);
  }
  changed_.notify_all();
}

std::optional<Steady::time_point> AppliedVersions::LastApplied(
    const std::vector<gate::GateId>& gates, std::uint64_t version) const {
  std::lock_guard lock(mutex_);
  Steady::time_point last{};
  for (gate::GateId g : gates) {
    auto it = applied_.find(g);
    if (it == applied_.end()) return std::nullopt;
    std::optional<Steady::time_point> first;
    for (const auto& [v, at] : it->second) {
      if (v >= version) {
        first = at;
        break;
      }
    }
    if (!first) return std::nullopt;
    last = std::max(last, *first);
  }
  return last;
}

bool AppliedVersions::WaitAll(const std::vector<gate::GateId>& gates, std::uint64_t version,
                              std::chrono::milliseconds timeout) {
  const Steady::time_point until = Steady::now() + timeout;
  std::unique_lock lock(mutex_);
  auto all = [&] {
    for (gate::GateId g : gates) {
      auto it = applied_.find(g);
      if (it == applied_.end() || it->second.empty() || it->second.back().first < version) {
        return false;
      }
    }
    return true;
  };
  return changed_.wait_until(lock, until, all);
}

std::optional<std::chrono::milliseconds> RunDemoDay(DemoEnvironment& env, DemoReport& report) {
  return Day(env, report).Run();
}

DemoCounters CollectCounters(DemoEnvironment& env) {
  DemoCounters c;
  for (const auto& g : env.gates) {
    for (const gate::Event& e : g->events()) {
      const Reason r = e.reason.value_or(Reason::kInternalError);
      if (policy::IsGrant(r)) {
        ++c.grants;
      } else {
        ++c.denials[std::string(policy::ReasonName(r))];
      }
    }
    c.gates_online += g->status().online ? 1 : 0;
  }
  c.gates = env.gates.size();
  const server::GateHubStats stats = env.server.hub().Stats();
  c.events_committed = stats.events_committed;
  c.policy_version = env.server.publisher().version();
  return c;
}

}  // namespace sekisho::demo
