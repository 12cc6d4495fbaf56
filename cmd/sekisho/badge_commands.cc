// `sekisho badge init | issue`: the organisation's badge keys (access::BadgeKeys) and badges
// derived from a verified My Number Card enrolment (access::IssueBadge). docs/badge.md.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "access/badge_issuance.h"
#include "access/badge_keys.h"
#include "base/random.h"
#include "base/secret_file.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "cmd/sekisho/pin_entry.h"
#include "identity/pseudonym.h"

namespace sekisho::cli {
namespace {

constexpr SecretFileKind kBadgeCardFileKind{
    .name = "badge file",
    .secret = "a badge",
    .why_never_replaced = "a badge is issued once, to one holder, by one organisation",
    .exposure = "anyone who can read it can clone the badge",
    .when_missing = "",
};

std::string CvDate(badge::Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

void PrintKeys(const access::BadgeKeys& keys) {
  std::printf("CVCA:        %s, valid %s to %s\n", keys.cvca().chr().c_str(),
              CvDate(keys.cvca().effective()).c_str(), CvDate(keys.cvca().expiration()).c_str());
  std::printf(
      "DV:          %s, valid %s to %s (renewed from the CVCA when fewer than %lld days "
      "are left)\n",
      keys.dv().chr().c_str(), CvDate(keys.dv().effective()).c_str(),
      CvDate(keys.dv().expiration()).c_str(),
      static_cast<long long>(access::kDvRenewalMargin.count()));
  std::printf("batch:       %d (batch CAN and Chip Authentication key)\n", keys.batch_number());
  std::printf("sector key:  RI sector key pair; gates get only its public half\n");
}

struct BadgeInitOptions {
  DataOptions data;
  std::optional<std::string> can;
};

Status BadgeInit(const BadgeInitOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  const badge::Date today = access::DateOf(s.clock->Now());
  OsRandom random;
  auto keys = access::BadgeKeys::Create(*s.dir, s.org.name, today, random, o.can);
  if (!keys.ok() && keys.status().code() == StatusCode::kAlreadyExists) {
    ASSIGN_OR_RETURN(access::BadgeKeys existing,
                     access::BadgeKeys::Load(*s.dir, s.org.name, today));
    std::printf("badge keys of %s exist already in %s; nothing replaced%s\n", s.org.name.c_str(),
                existing.path().c_str(), o.can ? " (--can ignored)" : "");
    PrintKeys(existing);
    return OkStatus();
  }
  if (!keys.ok()) return keys.status();
  std::printf("badge keys of %s created in %s (mode 0700, files 0600)\n", s.org.name.c_str(),
              keys->path().c_str());
  PrintKeys(*keys);
  return OkStatus();
}

struct BadgeIssueOptions {
  DataOptions data;
  std::string staff;
  std::filesystem::path out;
  bool pin = false;
  std::optional<int> pin_fd;
};

// The badge PIN, entered twice. Six digits (checked by the profile).
Result<std::string> ObtainBadgePin(std::optional<int> pin_fd) {
  ASSIGN_OR_RETURN(SecretBytes first, ObtainPin(pin_fd, "New badge PIN (6 digits): "));
  ASSIGN_OR_RETURN(SecretBytes second, ObtainPin(pin_fd, "The badge PIN again: "));
  if (first.size() != second.size() ||
      CRYPTO_memcmp(first.view().data(), second.view().data(), first.size()) != 0) {
    return InvalidArgumentError("the two badge PINs differ; nothing was issued");
  }
  return std::string(first.view().begin(), first.view().end());
}

Status BadgeIssueIn(DataSession& s, const BadgeIssueOptions& o) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(o.out, ec))) {
    return AlreadyExistsError(o.out.string() +
                              " exists; a badge file is never rewritten (each badge is issued "
                              "once, by one organisation): choose a new file");
  }
  auto staff = s.registry->FindStaffByNumber(s.org.id, o.staff);
  if (!staff.ok()) {
    return staff.status().WithContext("staff " + o.staff +
                                      " (add them first with `sekisho staff add`)");
  }
  ASSIGN_OR_RETURN(identity::OrgKey k_org, LoadSessionKey(s));
  ASSIGN_OR_RETURN(const access::BadgeKeys keys,
                   access::BadgeKeys::Load(*s.dir, s.org.name, access::DateOf(s.clock->Now())));
  if (keys.dv_renewed()) spdlog::info("badge DV renewed: {}", keys.dv().chr());

  std::optional<std::string> pin;
  if (o.pin || o.pin_fd) {
    ASSIGN_OR_RETURN(pin, ObtainBadgePin(o.pin_fd));
  }
  access::BadgeIssueRequest request{s.org.id, staff->id, s.actor, std::move(pin)};
  bool written = false;
  const std::filesystem::path out = o.out;
  auto personalise = [&written, out](const card::sim::BadgeProfile& profile) {
    std::string json = card::sim::BadgeProfileToJson(profile);
    Status status = WriteSecretFile(out, ToBytes(json), kBadgeCardFileKind);
    OPENSSL_cleanse(json.data(), json.size());
    written = status.ok();
    return status;
  };
  const access::BadgeIssueEnvironment env{keys, *s.registry, k_org, *s.clock};
  auto outcome = access::IssueBadge(request, personalise, env);
  if (request.pin) OPENSSL_cleanse(request.pin->data(), request.pin->size());
  if (!outcome.ok()) {
    if (written) std::filesystem::remove(out, ec);  // the registry refused: no badge exists
    return outcome.status().WithContext("badge for staff " + o.staff);
  }
  std::printf("issued:      badge for staff %s (%s) in %s\n", staff->staff_number.c_str(),
              staff->display_name.c_str(), s.org.name.c_str());
  std::printf("credential:  %s (badge valid until %s%s)\n", outcome->display_pseudonym.c_str(),
              FormatDate(outcome->credential.not_after).c_str(),
              request.pin ? ", with a badge PIN" : ", card only");
  std::printf(
      "badge file:  %s (batch %d; the simulated card: serve it with `sekisho card "
      "simulate --badge`)\n",
      o.out.c_str(), keys.batch_number());
  return OkStatus();
}

Status BadgeIssue(const BadgeIssueOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  return FeedAuditLog(s, BadgeIssueIn(s, o));
}

}  // namespace

void RegisterBadgeCommands(CLI::App& app, Action& action) {
  CLI::App* badge = app.add_subcommand(
      "badge", "Organisation badges (BSI TR-03110 EAC): the badge keys, and issuing badges");
  badge->require_subcommand(1);

  auto i = std::make_shared<BadgeInitOptions>();
  CLI::App* init = badge->add_subcommand(
      "init",
      "Create the organisation's badge keys in DIR/orgs/<slug>/badge/: CVCA (3 years), DV (90 "
      "days, renewed automatically), RI sector key, and issuance batch 1. Never replaces them: "
      "run again, it shows what exists");
  AddDataOptions(init, i->data);
  init->add_option("--can", i->can,
                   "The batch CAN (6 digits) printed on the batch's badges; default random");
  init->callback([&action, i] { action = [i] { return BadgeInit(*i); }; });

  auto s = std::make_shared<BadgeIssueOptions>();
  CLI::App* issue = badge->add_subcommand(
      "issue",
      "Issue a badge of the current batch to a staff member with an active jpki enrolment, and "
      "store only its keyed RI pseudonym. FILE receives the badge's secrets: here it is the "
      "simulated card's file; a real deployment writes the same secrets to a card at a "
      "personalisation station");
  AddDataOptions(issue, s->data);
  issue->add_option("--staff", s->staff, "Staff number")->required();
  issue->add_option("--out", s->out, "Badge file to create (mode 0600; never overwritten)")
      ->required();
  issue->add_flag("--pin", s->pin,
                  "Give the badge a 6-digit PIN for card+PIN doors, typed twice without echo");
  issue->add_option("--pin-fd", s->pin_fd,
                    "Read the badge PIN twice (two lines) from this file descriptor (automation); "
                    "implies --pin");
  issue->callback([&action, s] { action = [s] { return BadgeIssue(*s); }; });
}

}  // namespace sekisho::cli
