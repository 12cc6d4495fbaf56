// `sekisho staff add | list | show` (what HR enters; never an Individual Number) and
// `sekisho events` (the admin events: who did what, when).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <string>

#include "base/random.h"
#include "cmd/sekisho/command.h"
#include "cmd/sekisho/data_session.h"
#include "identity/pseudonym.h"
#include "store/types.h"

namespace sekisho::cli {
namespace {

struct StaffAddOptions {
  DataOptions data;
  std::string number;
  std::string name;
  std::string department;
  std::optional<std::string> valid_from;
  std::optional<std::string> valid_until;
};

Status StaffAddIn(DataSession& s, const StaffAddOptions& o) {
  store::NewStaff staff;
  OsRandom random;
  staff.staff_ref = store::StaffRef::Generate(random);
  staff.staff_number = o.number;
  staff.display_name = o.name;
  staff.department = o.department;
  staff.valid_from = s.clock->Now();
  if (o.valid_from) {
    ASSIGN_OR_RETURN(staff.valid_from, ParseDate(*o.valid_from, "--valid-from"));
  }
  if (o.valid_until) {
    ASSIGN_OR_RETURN(staff.valid_until, ParseDate(*o.valid_until, "--valid-until"));
  }
  ASSIGN_OR_RETURN(const store::Staff added, s.registry->AddStaff(s.org.id, staff, s.actor));
  std::printf("staff added:         %s (%s) in %s\n", added.staff_number.c_str(),
              added.display_name.c_str(), s.org.name.c_str());
  std::printf("next:                sekisho enrol --staff %s\n", added.staff_number.c_str());
  spdlog::info("staff #{} added by {}", added.id.value(), s.actor);
  return OkStatus();
}

Status StaffAdd(const StaffAddOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  return FeedAuditLog(s, StaffAddIn(s, o));
}

// "ABCD-EFGH-IJKL-MNOP-Q active" for each usable credential, "-" when none.
std::string UsableCredentials(store::Registry& registry, store::OrganisationId org,
                              store::StaffId staff) {
  auto credentials = registry.ListCredentials(org, staff);
  if (!credentials.ok()) return "?";
  std::string out;
  for (const store::Credential& c : *credentials) {
    if (c.status != store::CredentialStatus::kActive &&
        c.status != store::CredentialStatus::kSuspended) {
      continue;
    }
    out += (out.empty() ? "" : ", ") + identity::DisplayPseudonym(c.pseudonym) + " " +
           std::string(store::CredentialStatusName(c.status));
  }
  return out.empty() ? "-" : out;
}

struct StaffListOptions {
  DataOptions data;
  std::optional<std::string> status;
};

Status StaffList(const StaffListOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  store::StaffQuery query;
  if (o.status) {
    ASSIGN_OR_RETURN(query.status, store::ParseStaffStatus(*o.status));
  }
  query.page.limit = store::kMaxPageSize;
  std::printf("%-12s %-24s %-16s %-9s %s\n", "NUMBER", "NAME", "DEPARTMENT", "STATUS",
              "CREDENTIALS");
  for (;;) {
    ASSIGN_OR_RETURN(store::Page<store::Staff> page, s.registry->ListStaff(s.org.id, query));
    for (const store::Staff& staff : page.items) {
      std::printf("%-12s %-24s %-16s %-9s %s\n", staff.staff_number.c_str(),
                  staff.display_name.c_str(), staff.department.c_str(),
                  std::string(store::StaffStatusName(staff.status)).c_str(),
                  UsableCredentials(*s.registry, s.org.id, staff.id).c_str());
    }
    if (page.next_page_token.empty()) break;
    query.page.page_token = page.next_page_token;
  }
  return OkStatus();
}

struct StaffShowOptions {
  DataOptions data;
  std::string number;
};

Status StaffShow(const StaffShowOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  auto staff = s.registry->FindStaffByNumber(s.org.id, o.number);
  if (!staff.ok()) return staff.status().WithContext("staff " + o.number);
  std::printf("staff:       %s (%s)\ndepartment:  %s\nstatus:      %s\nvalid:       %s to %s\n",
              staff->staff_number.c_str(), staff->display_name.c_str(), staff->department.c_str(),
              std::string(store::StaffStatusName(staff->status)).c_str(),
              FormatDate(staff->valid_from).c_str(),
              staff->valid_until ? FormatDate(*staff->valid_until).c_str() : "open-ended");
  ASSIGN_OR_RETURN(const std::vector<store::Credential> credentials,
                   s.registry->ListCredentials(s.org.id, staff->id));
  if (credentials.empty())
    std::printf("credentials: none (enrol with `sekisho enrol --staff %s`)\n",
                staff->staff_number.c_str());
  for (const store::Credential& c : credentials) {
    std::printf("credential:  %s  %s  %s%s%s\n             %s valid until %s; enrolled %s by %s\n",
                identity::DisplayPseudonym(c.pseudonym).c_str(),
                std::string(store::CredentialKindName(c.kind)).c_str(),
                std::string(store::CredentialStatusName(c.status)).c_str(),
                c.status_reason.empty() ? "" : " - ", c.status_reason.c_str(),
                c.kind == store::CredentialKind::kJpki ? "certificate" : "badge",
                FormatDate(c.not_after).c_str(), FormatTime(c.enrolled_at).c_str(),
                c.enrolled_by.c_str());
  }
  return OkStatus();
}

struct EventsOptions {
  DataOptions data;
  std::size_t limit = 50;
};

Status Events(const EventsOptions& o) {
  ASSIGN_OR_RETURN(DataSession s, OpenDataSession(o.data));
  store::PageRequest page;
  page.limit = o.limit;
  ASSIGN_OR_RETURN(const store::Page<store::AdminEvent> events,
                   s.registry->ListEvents(s.org.id, page));
  std::printf("%-20s %-16s %-20s %-12s %-21s %s\n", "WHEN (UTC)", "ACTOR", "ACTION", "STAFF",
              "CREDENTIAL", "DETAIL");
  for (const store::AdminEvent& e : events.items) {
    std::string staff = "-";
    if (e.staff) {
      auto found = s.registry->GetStaff(s.org.id, *e.staff);
      staff = found.ok() ? found->staff_number : "#" + std::to_string(e.staff->value());
    }
    std::string credential = "-";
    if (e.credential) {
      auto found = s.registry->GetCredential(s.org.id, *e.credential);
      credential = found.ok() ? identity::DisplayPseudonym(found->pseudonym)
                              : "#" + std::to_string(e.credential->value());
    }
    std::printf("%-20s %-16s %-20s %-12s %-21s %s\n", FormatTime(e.at).c_str(), e.actor.c_str(),
                std::string(store::AdminActionName(e.action)).c_str(), staff.c_str(),
                credential.c_str(), e.detail.c_str());
  }
  return OkStatus();
}

}  // namespace

void RegisterStaffCommands(CLI::App& app, Action& action) {
  CLI::App* staff =
      app.add_subcommand("staff", "Staff records as HR enters them (never an Individual Number)");
  staff->require_subcommand(1);

  auto a = std::make_shared<StaffAddOptions>();
  CLI::App* add = staff->add_subcommand("add", "Add a staff member");
  AddDataOptions(add, a->data);
  add->add_option("--number", a->number, "The organisation's own staff number")->required();
  add->add_option("--name", a->name, "Display name")->required();
  add->add_option("--department", a->department, "Department");
  add->add_option("--valid-from", a->valid_from,
                  "First day of validity, YYYY-MM-DD (default: now)");
  add->add_option("--valid-until", a->valid_until, "End of validity, YYYY-MM-DD (default: none)");
  add->callback([&action, a] { action = [a] { return StaffAdd(*a); }; });

  auto l = std::make_shared<StaffListOptions>();
  CLI::App* list = staff->add_subcommand("list", "List staff and their usable credentials");
  AddDataOptions(list, l->data);
  list->add_option("--status", l->status, "Only this status: active, suspended or left");
  list->callback([&action, l] { action = [l] { return StaffList(*l); }; });

  auto w = std::make_shared<StaffShowOptions>();
  CLI::App* show = staff->add_subcommand("show", "Show a staff member and all their credentials");
  AddDataOptions(show, w->data);
  show->add_option("--staff", w->number, "Staff number")->required();
  show->callback([&action, w] { action = [w] { return StaffShow(*w); }; });

  auto e = std::make_shared<EventsOptions>();
  CLI::App* events = app.add_subcommand(
      "events", "The admin events of an organisation, newest first: who did what, when");
  AddDataOptions(events, e->data);
  events->add_option("--limit", e->limit, "How many")->capture_default_str();
  events->callback([&action, e] { action = [e] { return Events(*e); }; });
}

}  // namespace sekisho::cli
