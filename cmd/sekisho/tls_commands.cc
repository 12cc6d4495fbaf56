// `sekisho tls server-cert`: the server's TLS certificate for the names gates and browsers use
// (docs/operations.md §4).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "access/data_dir.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "server/server_certificate.h"
#include "server/server_site.h"

namespace sekisho::cli {
namespace {

struct ServerCertOptions {
  DataOptions data;
  std::vector<std::string> names;
  int days = 397;
};

Status ServerCert(const ServerCertOptions& o) {
  ASSIGN_OR_RETURN(access::DataDir dir, access::DataDir::Open(o.data.data));
  const std::chrono::seconds validity = std::chrono::hours(24) * o.days;
  ASSIGN_OR_RETURN(const bool created, server::EnsureServerCertificates(dir.root(), o.names));
  if (!created) RETURN_IF_ERROR(server::ReissueServerCertificate(dir.root(), o.names, validity));
  std::string joined;
  for (const std::string& name : o.names) joined += (joined.empty() ? "" : ", ") + name;
  std::printf("%s %s for %s\n", created ? "created the server CA and" : "issued",
              (dir.root() / server::kTlsDir / server::kServerCertFile).c_str(), joined.c_str());
  std::printf("gates keep trusting %s; restart `sekisho serve` to use the new certificate\n",
              (dir.root() / server::kTlsDir / server::kCaCertFile).c_str());
  return OkStatus();
}

}  // namespace

void RegisterTlsCommands(CLI::App& app, Action& action) {
  CLI::App* tls = app.add_subcommand("tls", "The server's TLS certificate");
  tls->require_subcommand(1);
  auto cert = std::make_shared<ServerCertOptions>();
  CLI::App* c = tls->add_subcommand(
      "server-cert",
      "Issue the server certificate from the data directory's CA for the host names and "
      "addresses gates and browsers connect to (replaces tls/server.pem and tls/server.key)");
  AddDataOptions(c, cert->data, /*with_org=*/false);
  c->add_option("--name", cert->names,
                "A DNS name or IP address of the server (repeat for several; the first is the "
                "certificate's common name)")
      ->required();
  c->add_option("--days", cert->days, "Validity in days")->capture_default_str()->check(
      CLI::Range(1, 825));
  c->callback([cert, &action] { action = [cert] { return ServerCert(*cert); }; });
}

}  // namespace sekisho::cli
