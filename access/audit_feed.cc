#include "access/audit_feed.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <vector>

namespace sekisho::access {
namespace {

// The format version of admin records (docs/formats/audit-log.md "Admin records").
constexpr int kAdminRecordVersion = 1;

// RFC 3339 §5.6 in UTC with exactly three fraction digits: "2025-04-01T09:30:00.123Z".
std::string Rfc3339Millis(TimePoint t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd(day);
  const hh_mm_ss<milliseconds> time(ms - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return buf;
}

// kDataLoss when the registry's newest event of `org` (`newest`, nullopt for none) is older
// than what the log holds already.
Status CheckRegistryNotBehind(const store::Organisation& org, std::int64_t position,
                              std::optional<std::int64_t> newest) {
  if (newest && *newest >= position) return OkStatus();
  return DataLossError("the audit log holds the admin events of organisation '" + org.name +
                       "' up to #" + std::to_string(position) + ", but the registry's newest is " +
                       (newest ? "#" + std::to_string(*newest) : std::string("none")) +
                       ": the registry was replaced or restored from an older copy; restore the "
                       "registry that belongs to this audit log");
}

// The organisation's events after `position` (all of them for nullopt), oldest first.
Result<std::vector<store::AdminEvent>> EventsAfter(store::Registry& registry,
                                                   const store::Organisation& org,
                                                   std::optional<std::int64_t> position,
                                                   std::size_t page_size) {
  std::vector<store::AdminEvent> events;  // newest first
  store::PageRequest page;
  page.limit = page_size;
  for (bool first_page = true;; first_page = false) {
    ASSIGN_OR_RETURN(store::Page<store::AdminEvent> listed, registry.ListEvents(org.id, page));
    if (first_page && position) {
      RETURN_IF_ERROR(CheckRegistryNotBehind(
          org, *position,
          listed.items.empty() ? std::nullopt : std::optional(listed.items.front().id.value())));
    }
    bool reached = false;
    for (store::AdminEvent& event : listed.items) {
      reached = position && event.id.value() <= *position;
      if (reached) break;
      events.push_back(std::move(event));
    }
    if (reached || listed.next_page_token.empty()) break;
    page.page_token = std::move(listed.next_page_token);
  }
  std::reverse(events.begin(), events.end());
  return events;
}

Result<std::size_t> FeedOrganisation(store::Registry& registry, const store::Organisation& org,
                                     audit::AuditLog& log, const AdminFeedOptions& options) {
  if (options.batch_size == 0) return InvalidArgumentError("admin feed: batch size 0");
  const std::string feed = AdminEventFeed(org.id);
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> position, log.FeedPosition(feed));
  ASSIGN_OR_RETURN(const std::vector<store::AdminEvent> events,
                   EventsAfter(registry, org, position, options.page_size));
  std::size_t appended = 0;
  std::vector<audit::FeedRecord> batch;
  for (std::size_t first = 0; first < events.size(); first += options.batch_size) {
    batch.clear();
    for (const store::AdminEvent& event :
         std::span(events).subspan(first, std::min(options.batch_size, events.size() - first))) {
      batch.push_back(
          {event.id.value(), {audit::RecordKind::kAdminAction, EncodeAdminRecord(org, event)}});
    }
    ASSIGN_OR_RETURN(const std::size_t n, log.AppendFeed(feed, batch));
    appended += n;
  }
  return appended;
}

}  // namespace

Bytes EncodeAdminRecord(const store::Organisation& org, const store::AdminEvent& event) {
  // nlohmann::json keeps object keys in a std::map: sorted by their bytes, which for these ASCII
  // keys is RFC 8785 §3.2.3's order; dump() without indent writes no whitespace, integers in
  // decimal and strings as RFC 8785 §3.2.2.2 does (UTF-8, only '"', '\' and controls escaped).
  nlohmann::json record = {
      {"v", kAdminRecordVersion},
      {"org", org.name},
      {"org_id", org.id.value()},
      {"event", event.id.value()},
      {"at", Rfc3339Millis(event.at)},
      {"actor", event.actor},
      {"action", std::string(store::AdminActionName(event.action))},
      {"detail", event.detail},
  };
  if (event.staff) record["staff"] = event.staff->value();
  if (event.credential) record["credential"] = event.credential->value();
  return ToBytes(record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string AdminEventFeed(store::OrganisationId org) {
  return "registry/admin-events/org/" + std::to_string(org.value());
}

Result<std::size_t> FeedAdminEvents(store::Registry& registry, store::OrganisationId org,
                                    audit::AuditLog& log, const AdminFeedOptions& options) {
  ASSIGN_OR_RETURN(const store::Organisation organisation, registry.GetOrganisation(org));
  return FeedOrganisation(registry, organisation, log, options);
}

Result<std::size_t> FeedAdminEvents(store::Registry& registry, audit::AuditLog& log,
                                    const AdminFeedOptions& options) {
  ASSIGN_OR_RETURN(const std::vector<store::Organisation> orgs, registry.ListOrganisations());
  std::size_t appended = 0;
  for (const store::Organisation& org : orgs) {
    ASSIGN_OR_RETURN(const std::size_t n, FeedOrganisation(registry, org, log, options));
    appended += n;
  }
  return appended;
}

}  // namespace sekisho::access
