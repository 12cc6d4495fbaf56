// `sekisho init` (a data directory, organisations and their keys, test anchors) and
// `sekisho anchors add | list` (the JPKI user-authentication roots enrolment trusts).
// Layout: docs/formats/data-directory.md.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "access/anchor_store.h"
#include "access/data_dir.h"
#include "base/clock.h"
#include "base/random.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "pki/certificate.h"
#include "pki/file_io.h"
#include "pki/test_pki.h"

namespace sekisho::cli {
namespace {

struct InitOptions {
  DataOptions data;
  std::optional<std::string> org;
  std::optional<std::filesystem::path> test_anchors;
};

// A certificate file in PEM or DER.
Result<pki::Certificate> LoadCertificateFile(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(const std::string text, pki::ReadSmallFile(path));
  auto cert = text.find("-----BEGIN") != std::string::npos
                  ? pki::Certificate::FromPem(text)
                  : pki::Certificate::FromDer(ToBytes(text));
  if (!cert.ok()) return cert.status().WithContext(path.string());
  return cert;
}

Status AddAnchorFile(const access::DataDir& dir, const std::filesystem::path& file, bool test,
                     const Clock& clock, bool tolerate_duplicate) {
  ASSIGN_OR_RETURN(const pki::Certificate cert, LoadCertificateFile(file));
  auto added = access::AddAnchor(dir.anchors_dir(), cert,
                                 test ? access::AnchorKind::kTest : access::AnchorKind::kProduction,
                                 clock.Now());
  if (!added.ok()) {
    if (tolerate_duplicate && added.status().code() == StatusCode::kAlreadyExists) {
      std::printf("trust anchor already installed: %s\n", cert.SubjectText().c_str());
      return OkStatus();
    }
    return added.status().WithContext(file.string());
  }
  std::printf("trust anchor added:  %s%s\n                     %s\n", cert.SubjectText().c_str(),
              test ? "  [TEST ANCHOR]" : "", added->c_str());
  spdlog::info("trust anchor {} added ({})", added->filename().string(),
               test ? "test" : "production");
  return OkStatus();
}

// The organisation `name` in the registry, with its files (key K_org) in `dir`.
Status AddOrganisation(const access::DataDir& dir, store::Registry& registry,
                       const std::string& name, const std::string& actor) {
  if (actor.empty()) return InvalidArgumentError("no actor: pass --actor NAME");
  auto known = registry.FindOrganisationByName(name);
  if (known.ok()) {
    return AlreadyExistsError("organisation '" + name + "' exists already in " +
                              dir.root().string());
  }
  if (known.status().code() != StatusCode::kNotFound) return known.status();
  OsRandom random;
  RETURN_IF_ERROR(dir.CreateOrgFiles(name, random));
  auto org = registry.CreateOrganisation(name, actor);
  if (!org.ok()) {
    dir.RemoveOrgFiles(name);  // nothing half-made stays behind
    return org.status();
  }
  std::printf("organisation:        %s (key %s, mode 0600)\n", org->name.c_str(),
              dir.org_key_path(org->name).c_str());
  spdlog::info("organisation '{}' created by {}", org->name, actor);
  return OkStatus();
}

Status Init(const InitOptions& o) {
  SystemClock clock;
  const std::filesystem::path root = o.data.data;
  auto existing = access::DataDir::Open(root);
  std::optional<access::DataDir> dir;
  if (existing.ok()) {
    if (!o.org && !o.test_anchors) {
      return AlreadyExistsError(root.string() +
                                " is a Sekisho data directory already; pass --org NAME to add an "
                                "organisation, or --test-anchors PKI_DIR");
    }
    dir = std::move(existing).value();
  } else if (existing.status().code() == StatusCode::kNotFound) {
    ASSIGN_OR_RETURN(dir, access::DataDir::Create(root));
    std::printf("data directory:      %s (created)\n", root.c_str());
  } else {
    return existing.status();
  }
  LogToDataDir(*dir);
  // Creates registry.db (WAL) on first use, or checks its schema version.
  ASSIGN_OR_RETURN(auto registry, OpenRegistry(*dir, clock));
  std::printf("registry:            %s\n", dir->registry_path().c_str());

  if (o.test_anchors) {
    RETURN_IF_ERROR(AddAnchorFile(*dir, *o.test_anchors / pki::kAuthCaFile, /*test=*/true, clock,
                                  /*tolerate_duplicate=*/true));
  }
  if (o.org) {
    RETURN_IF_ERROR(FeedAuditLog(*dir, *registry, clock,
                                 AddOrganisation(*dir, *registry, *o.org, o.data.actor)));
  }
  std::printf(
      "next:                sekisho anchors add ROOT.pem; sekisho staff add ...; "
      "sekisho enrol --staff NUMBER\n");
  return OkStatus();
}

struct AnchorAddOptions {
  DataOptions data;
  std::filesystem::path file;
  bool test = false;
};

Status AnchorsAdd(const AnchorAddOptions& o) {
  SystemClock clock;
  ASSIGN_OR_RETURN(const access::DataDir dir, access::DataDir::Open(o.data.data));
  LogToDataDir(dir);
  return AddAnchorFile(dir, o.file, o.test, clock, /*tolerate_duplicate=*/false);
}

Status AnchorsList(const DataOptions& o) {
  ASSIGN_OR_RETURN(const access::DataDir dir, access::DataDir::Open(o.data));
  ASSIGN_OR_RETURN(const pki::TrustAnchorSet anchors, access::LoadAnchors(dir.anchors_dir()));
  if (anchors.empty()) {
    std::printf(
        "no trust anchors; add the JPKI user-authentication roots with `sekisho anchors "
        "add FILE`\n");
  }
  for (const pki::TrustAnchor& a : anchors.anchors()) {
    std::printf("%s\n  subject  %s\n  valid    %s to %s\n  sha256   %s\n", a.DisplayLabel().c_str(),
                a.certificate.SubjectText().c_str(), FormatDate(a.certificate.NotBefore()).c_str(),
                FormatDate(a.certificate.NotAfter()).c_str(),
                access::AnchorFingerprint(a.certificate).c_str());
  }
  return OkStatus();
}

}  // namespace

void RegisterInitCommands(CLI::App& app, Action& action) {
  auto i = std::make_shared<InitOptions>();
  CLI::App* init = app.add_subcommand(
      "init",
      "Create a data directory (registry, config, anchors), or add an organisation with its own "
      "secret key K_org to one");
  AddDataOptions(init, i->data, /*with_org=*/false);
  init->add_option("--org", i->org, "Create this organisation and its key (mode 0600)");
  init->add_option("--test-anchors", i->test_anchors,
                   "Trust the auth root of this TEST PKI (sekisho pki init-test); test sites "
                   "only");
  init->callback([&action, i] { action = [i] { return Init(*i); }; });

  CLI::App* anchors = app.add_subcommand(
      "anchors",
      "Trust anchors: the JPKI user-authentication roots that card certificates and "
      "CRLs must chain to");
  anchors->require_subcommand(1);
  auto a = std::make_shared<AnchorAddOptions>();
  CLI::App* add = anchors->add_subcommand(
      "add", "Add a root certificate (PEM or DER): self-signed RSA CA of 2048 bits or more");
  AddDataOptions(add, a->data, /*with_org=*/false);
  add->add_option("FILE", a->file, "Root certificate file")->required();
  add->add_flag("--test", a->test, "It is a TEST root (O=JPKI-TEST); it is labelled so everywhere");
  add->callback([&action, a] { action = [a] { return AnchorsAdd(*a); }; });

  auto l = std::make_shared<DataOptions>();
  CLI::App* list = anchors->add_subcommand("list", "List the trust anchors");
  AddDataOptions(list, *l, /*with_org=*/false);
  list->callback([&action, l] { action = [l] { return AnchorsList(*l); }; });
}

}  // namespace sekisho::cli
