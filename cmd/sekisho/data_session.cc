#include "cmd/sekisho/data_session.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "access/audit_feed.h"
#include "audit/key_file.h"
#include "audit/log_directory.h"

namespace sekisho::cli {
namespace {

std::string EnvOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::move(fallback);
}

std::string Strftime(TimePoint t, const char* format) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

void AddDataOptions(CLI::App* cmd, DataOptions& o, bool with_org) {
  o.data = EnvOr("SEKISHO_DATA", "./sekisho-data");
  o.actor = EnvOr("USER", "");
  cmd->add_option("--data", o.data, "Data directory (default: $SEKISHO_DATA, else ./sekisho-data)")
      ->capture_default_str();
  if (with_org) {
    cmd->add_option("--org", o.org, "Organisation (default: the only one in the data directory)");
  }
  cmd->add_option("--actor", o.actor,
                  "Who performs the action, recorded in the admin events (default: $USER)")
      ->capture_default_str();
}

Result<std::unique_ptr<store::sqlite::SqliteRegistry>> OpenRegistry(const access::DataDir& dir,
                                                                    const Clock& clock) {
  store::sqlite::SqliteRegistry::Options options;
  options.database.busy_timeout = dir.config().busy_timeout;
  auto registry = store::sqlite::SqliteRegistry::Open(dir.registry_path(), clock, options);
  if (!registry.ok()) return registry.status().WithContext(dir.registry_path().string());
  return registry;
}

void LogToDataDir(const access::DataDir& dir) {
  const std::filesystem::path path = dir.log_path();
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string(), false);
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    spdlog::default_logger()->sinks().push_back(std::move(sink));
  } catch (const spdlog::spdlog_ex& e) {
    spdlog::warn("cannot open the log file {}: {}", path.string(), e.what());
  }
}

Result<DataSession> OpenDataSession(const DataOptions& o) {
  if (o.actor.empty()) {
    return InvalidArgumentError("no actor: pass --actor NAME (who performs the action)");
  }
  DataSession session;
  session.actor = o.actor;
  ASSIGN_OR_RETURN(session.dir, access::DataDir::Open(o.data));
  LogToDataDir(*session.dir);
  ASSIGN_OR_RETURN(session.registry, OpenRegistry(*session.dir, *session.clock));
  if (o.org) {
    auto org = session.registry->FindOrganisationByName(*o.org);
    if (!org.ok()) {
      if (org.status().code() == StatusCode::kNotFound) {
        return NotFoundError("no organisation named '" + *o.org + "' in " + o.data +
                             "; list them with `sekisho staff list` without --org, or create it "
                             "with `sekisho init --org NAME`");
      }
      return org.status();
    }
    session.org = std::move(org).value();
    return session;
  }
  ASSIGN_OR_RETURN(const std::vector<store::Organisation> orgs,
                   session.registry->ListOrganisations());
  if (orgs.empty()) {
    return FailedPreconditionError("the data directory " + o.data +
                                   " has no organisation yet; create one with `sekisho init "
                                   "--data " +
                                   o.data + " --org NAME`");
  }
  if (orgs.size() > 1) {
    std::string names;
    for (const auto& org : orgs) names += (names.empty() ? "'" : ", '") + org.name + "'";
    return InvalidArgumentError("the data directory holds several organisations (" + names +
                                "); choose one with --org NAME");
  }
  session.org = orgs.front();
  return session;
}

Result<identity::OrgKey> LoadSessionKey(const DataSession& session) {
  return session.dir->LoadOrgKey(session.org.name);
}

Result<Ed25519PrivateKey> LoadAuditKey(const access::DataDir& dir, Random& random) {
  return audit::LoadLogKey(dir.root(), random);
}

Result<std::unique_ptr<audit::AuditLog>> OpenAuditLog(const access::DataDir& dir, Random& random,
                                                      const Clock& clock) {
  audit::AuditLog::Options options;
  options.database.busy_timeout = dir.config().busy_timeout;
  return audit::OpenLogInDirectory(dir.root(), random, clock, options);
}

Status FeedAuditLog(const access::DataDir& dir, store::Registry& registry, const Clock& clock,
                    Status outcome) {
  OsRandom random;
  Result<std::size_t> fed = [&]() -> Result<std::size_t> {
    ASSIGN_OR_RETURN(const std::unique_ptr<audit::AuditLog> log, OpenAuditLog(dir, random, clock));
    return access::FeedAdminEvents(registry, *log);
  }();
  if (fed.ok()) {
    if (*fed > 0) spdlog::info("audit log: {} admin record(s) appended", *fed);
    return outcome;
  }
  const std::string log_path = (dir.root() / audit::kAuditLogFileName).string();
  if (!outcome.ok()) {
    spdlog::warn("the admin records of this command were not appended to the audit log {}: {}",
                 log_path, fed.status().ToString());
    return outcome;
  }
  return fed.status().WithContext(
      "the change is saved in the registry, but its admin record was not appended to the audit "
      "log " +
      log_path + " (the next command that writes to the registry appends it once this is fixed)");
}

std::string FormatDate(TimePoint t) { return Strftime(t, "%Y-%m-%d"); }
std::string FormatTime(TimePoint t) { return Strftime(t, "%Y-%m-%dT%H:%M:%SZ"); }

Result<TimePoint> ParseDate(std::string_view text, std::string_view what) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char tail = 0;
  const std::string s(text);
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return InvalidArgumentError(std::string(what) + ": expected a date YYYY-MM-DD, got '" + s +
                                "'");
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return InvalidArgumentError(std::string(what) + ": no such date '" + s + "'");
  return TimePoint(std::chrono::sys_days(ymd));
}

}  // namespace sekisho::cli
