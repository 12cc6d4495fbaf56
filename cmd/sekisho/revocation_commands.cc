// `sekisho revoke` (an administrator withdraws credentials) and `sekisho revocation import-crl |
// status` (issuer CRLs, matched by keyed serial: no raw serial is stored).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <string>

#include "access/anchor_store.h"
#include "access/revocation.h"
#include "access/revoked_serials.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "identity/pseudonym.h"
#include "pki/crl_source.h"

namespace sekisho::cli {
namespace {

struct RevokeOptions {
  DataOptions data;
  std::optional<std::string> staff;
  std::optional<std::string> credential;
  std::string reason;
};

Status RevokeIn(DataSession& s, const RevokeOptions& o) {
  if (o.staff) {
    auto staff = s.registry->FindStaffByNumber(s.org.id, *o.staff);
    if (!staff.ok()) return staff.status().WithContext("staff " + *o.staff);
    ASSIGN_OR_RETURN(
        const std::vector<store::Credential> revoked,
        access::RevokeStaffCredentials(*s.registry, s.org.id, staff->id, o.reason, s.actor));
    if (revoked.empty()) {
      std::printf("staff %s has no active or suspended credential; nothing revoked\n",
                  staff->staff_number.c_str());
    }
    for (const store::Credential& c : revoked) {
      std::printf("revoked:     %s of staff %s (%s)\n",
                  identity::DisplayPseudonym(c.pseudonym).c_str(), staff->staff_number.c_str(),
                  o.reason.c_str());
    }
    return OkStatus();
  }
  ASSIGN_OR_RETURN(const store::Credential found,
                   access::FindCredentialByDisplayPseudonym(*s.registry, s.org.id, *o.credential));
  const bool already = found.status == store::CredentialStatus::kRevoked;
  ASSIGN_OR_RETURN(const store::Credential c,
                   access::RevokeCredential(*s.registry, s.org.id, found.id, o.reason, s.actor));
  std::printf("%s %s (%s)\n", already ? "already revoked:" : "revoked:    ",
              identity::DisplayPseudonym(c.pseudonym).c_str(), c.status_reason.c_str());
  return OkStatus();
}

Status Revoke(const RevokeOptions& o) {
  if (o.staff.has_value() == o.credential.has_value()) {
    return InvalidArgumentError("name exactly one of --staff NUMBER or --credential PSEUDONYM");
  }
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  return FeedAuditLog(s, RevokeIn(s, o));
}

struct ImportOptions {
  DataOptions data;
  std::optional<std::string> file;
  std::optional<std::string> url;
};

Status ImportCrlIn(DataSession& s, const ImportOptions& o) {
  ASSIGN_OR_RETURN(const pki::Crl crl, o.file ? pki::LoadCrlFile(*o.file) : pki::FetchCrl(*o.url));
  ASSIGN_OR_RETURN(const identity::OrgKey key, LoadSessionKey(s));
  ASSIGN_OR_RETURN(const pki::TrustAnchorSet anchors, access::LoadAnchors(s.dir->anchors_dir()));
  const auto state_path = s.dir->revoked_serials_path(s.org.name);
  ASSIGN_OR_RETURN(access::RevokedSerials state, access::RevokedSerials::Load(state_path));
  ASSIGN_OR_RETURN(
      const access::CrlImportOutcome outcome,
      access::ImportCrl(crl, anchors, *s.registry, s.org.id, key, state, *s.clock, s.actor));
  RETURN_IF_ERROR(state.Save(state_path)
                      .WithContext("the registry is updated, but the keyed CRL state for enrolment "
                                   "was not saved; import the "
                                   "CRL again"));
  std::printf(
      "CRL of:      %s\nissued:      %s, next update %s\nentries:     %zu\n"
      "revoked:     %zu credential(s) of %s\n",
      outcome.issuer.c_str(), FormatTime(outcome.this_update).c_str(),
      FormatTime(outcome.next_update).c_str(), outcome.listed, outcome.marked, s.org.name.c_str());
  return OkStatus();
}

Status ImportCrl(const ImportOptions& o) {
  if (o.file.has_value() == o.url.has_value()) {
    return InvalidArgumentError("name exactly one of --crl FILE or --url http://...");
  }
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  return FeedAuditLog(s, ImportCrlIn(s, o));
}

Status RevocationStatus(const DataOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o));
  ASSIGN_OR_RETURN(const access::RevokedSerials state,
                   access::RevokedSerials::Load(s.dir->revoked_serials_path(s.org.name)));
  if (state.crls().empty()) std::printf("no CRL imported for %s\n", s.org.name.c_str());
  for (const access::KeyedCrl& crl : state.crls()) {
    std::printf("%s\n  issued %s, next update %s, %zu entries, imported %s\n", crl.issuer.c_str(),
                FormatTime(crl.this_update).c_str(), FormatTime(crl.next_update).c_str(),
                crl.keyed_serials.size(), FormatTime(crl.imported_at).c_str());
  }
  const Status current = state.CheckCurrent(s.clock->Now(), s.dir->config().crl_max_age);
  std::printf("status:      %s\n", current.ok() ? "current" : current.message().c_str());
  std::printf("enrolment:   %s\n",
              s.dir->config().crl_at_enrolment == access::CrlRequirement::kRequired
                  ? "requires a current CRL (crl.at_enrolment = required)"
                  : "uses the imported CRL if any (crl.at_enrolment = if-present)");
  return OkStatus();
}

}  // namespace

void RegisterRevocationCommands(CLI::App& app, Action& action) {
  auto r = std::make_shared<RevokeOptions>();
  CLI::App* revoke = app.add_subcommand(
      "revoke", "Revoke every usable credential of a staff member, or one credential");
  AddDataOptions(revoke, r->data);
  revoke->add_option("--staff", r->staff, "Staff number: revoke all their credentials");
  revoke->add_option("--credential", r->credential,
                     "Display pseudonym of one credential (XXXX-XXXX-XXXX-XXXX-C)");
  revoke->add_option("--reason", r->reason, "Why (recorded; no personal data)")->required();
  revoke->callback([&action, r] { action = [r] { return Revoke(*r); }; });

  CLI::App* revocation = app.add_subcommand(
      "revocation", "Issuer revocation: import JPKI CRLs (matched by keyed serial)");
  revocation->require_subcommand(1);
  auto i = std::make_shared<ImportOptions>();
  CLI::App* import_crl = revocation->add_subcommand(
      "import-crl",
      "Check a CRL (signed by a trust anchor, current) and revoke every credential it lists");
  AddDataOptions(import_crl, i->data);
  import_crl->add_option("--crl", i->file, "CRL file (PEM or DER)");
  import_crl->add_option("--url", i->url, "Fetch the CRL from this http:// URL");
  import_crl->callback([&action, i] { action = [i] { return ImportCrl(*i); }; });

  auto st = std::make_shared<DataOptions>();
  CLI::App* status = revocation->add_subcommand(
      "status", "The CRLs imported for an organisation and whether they are current");
  AddDataOptions(status, *st);
  status->callback([&action, st] { action = [st] { return RevocationStatus(*st); }; });
}

}  // namespace sekisho::cli
