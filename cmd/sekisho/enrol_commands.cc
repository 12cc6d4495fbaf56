// `sekisho enrol`: binds a staff member to the card in a reader (access::Enrol: firewall, chain
// and CRL check, PIN tries, PIN, challenge signature), or re-binds after a certificate renewal.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <string>

#include "access/anchor_store.h"
#include "access/enrolment.h"
#include "access/revoked_serials.h"
#include "base/random.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "cmd/sekisho/pin_entry.h"
#include "cmd/sekisho/reader_session.h"
#include "identity/pseudonym.h"

namespace sekisho::cli {
namespace {

struct EnrolOptions {
  DataOptions data;
  ReaderOptions reader;
  std::string staff;
  std::optional<int> pin_fd;
  bool rebind = false;
  bool allow_last_try = false;
};

Status EnrolIn(DataSession& s, const EnrolOptions& o) {
  const access::Config& config = s.dir->config();
  if (o.allow_last_try && config.last_try != access::LastTryPolicy::kAllowWithFlag) {
    return PermissionDeniedError(
        "--allow-last-try is refused by this data directory's config (pin.last_try_at_enrolment "
        "is \"refuse\"); the holder should have the PIN reset at their municipal office");
  }
  auto staff = s.registry->FindStaffByNumber(s.org.id, o.staff);
  if (!staff.ok()) {
    return staff.status().WithContext("staff " + o.staff +
                                      " (add them first with `sekisho staff add`)");
  }
  ASSIGN_OR_RETURN(identity::OrgKey key, LoadSessionKey(s));
  ASSIGN_OR_RETURN(const pki::TrustAnchorSet anchors, access::LoadAnchors(s.dir->anchors_dir()));
  ASSIGN_OR_RETURN(const access::RevokedSerials revoked,
                   access::RevokedSerials::Load(s.dir->revoked_serials_path(s.org.name)));
  ASSIGN_OR_RETURN(OpenCard open, Open(o.reader));

  access::EnrolRequest request;
  request.org = s.org.id;
  request.staff = staff->id;
  request.actor = s.actor;
  request.rebind = o.rebind;
  request.pin_safety =
      o.allow_last_try ? card::PinSafety::kAllowLastTry : card::PinSafety::kRefuseLastTry;
  request.crl_requirement = config.crl_at_enrolment;
  request.crl_max_age = config.crl_max_age;
  OsRandom random;
  const access::EnrolmentEnvironment env{anchors, &revoked, *s.registry, key, *s.clock, random};
  const std::optional<int> pin_fd = o.pin_fd;
  auto outcome = access::Enrol(
      request, *open.channel,
      [pin_fd] { return ObtainPin(pin_fd, "User-authentication PIN (4 digits): "); }, env);
  if (!outcome.ok()) return outcome.status().WithContext("enrolment of staff " + o.staff);

  std::printf("%s staff %s (%s) in %s\n",
              o.rebind ? "re-bound:  " : "enrolled:  ", staff->staff_number.c_str(),
              staff->display_name.c_str(), s.org.name.c_str());
  std::printf("credential:  %s (certificate valid until %s)\n", outcome->display_pseudonym.c_str(),
              FormatDate(outcome->credential.not_after).c_str());
  if (outcome->replaced) {
    auto old = s.registry->GetCredential(s.org.id, *outcome->replaced);
    std::printf("retired:     %s (replaced; kept in the history)\n",
                old.ok() ? identity::DisplayPseudonym(old->pseudonym).c_str() : "?");
  }
  std::printf("card traffic: %zu APDUs through the firewall (%llu refused) on %s\n",
              outcome->apdu_count, static_cast<unsigned long long>(outcome->firewall_refused),
              open.reader.c_str());
  return OkStatus();
}

Status Enrol(const EnrolOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  return FeedAuditLog(s, EnrolIn(s, o));
}

}  // namespace

void RegisterEnrolCommands(CLI::App& app, Action& action) {
  auto e = std::make_shared<EnrolOptions>();
  CLI::App* enrol = app.add_subcommand(
      "enrol",
      "Enrol the My Number Card in the reader for a staff member: verify its auth certificate "
      "(chain, CRL), check the PIN tries, ask for the PIN (never on the last try), verify a "
      "challenge signature, store only keyed values");
  AddDataOptions(enrol, e->data);
  AddReaderOptions(enrol, e->reader);
  enrol->add_option("--staff", e->staff, "Staff number")->required();
  enrol->add_option("--pin-fd", e->pin_fd,
                    "Read the PIN from this file descriptor instead of prompting (automation)");
  enrol->add_flag("--rebind", e->rebind,
                  "The card's certificate was renewed: replace the staff member's current "
                  "credential (retired, kept in the history)");
  enrol->add_flag("--allow-last-try", e->allow_last_try,
                  "Send the PIN even on its last try, when the config allows it "
                  "(pin.last_try_at_enrolment = allow-with-flag); a wrong PIN then locks the card");
  enrol->callback([&action, e] { action = [e] { return Enrol(*e); }; });
}

}  // namespace sekisho::cli
