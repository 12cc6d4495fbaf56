#include "server/event_json.h"

#include <algorithm>
#include <cctype>

#include "server/api_registry_json.h"

namespace sekisho::server {
namespace {

using nlohmann::json;

json AssuranceJson(const std::optional<policy::Assurance>& assurance) {
  if (!assurance) return nullptr;
  switch (*assurance) {
    case policy::Assurance::kCard:
      return "card";
    case policy::Assurance::kCardAndPin:
      return "card+pin";
  }
  return nullptr;
}

json ErrorJson(StatusCode code) {
  if (code == StatusCode::kOk) return nullptr;
  std::string name(StatusCodeName(code));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

}  // namespace

Result<EventNames> LookUpEventNames(store::Registry& registry, site::SiteStore& sites,
                                    store::OrganisationId org,
                                    std::span<const IndexedEvent> events) {
  EventNames names;
  if (events.empty()) return names;
  ASSIGN_OR_RETURN(std::vector<site::Door> doors, sites.ListDoors(org));
  for (const site::Door& d : doors) names.doors[d.model.id] = d.name;
  std::map<policy::StaffRef, bool> looked_up;
  for (const IndexedEvent& e : events) {
    if (!e.event.staff || looked_up.contains(*e.event.staff)) continue;
    looked_up[*e.event.staff] = true;
    ASSIGN_OR_RETURN(store::StaffRef ref, store::StaffRef::FromBytes(*e.event.staff));
    Result<store::Staff> staff = registry.FindStaffByRef(org, ref);
    if (staff.ok()) {
      names.staff_ids[*e.event.staff] = staff->id.value();
    } else if (staff.status().code() != StatusCode::kNotFound) {
      return staff.status();
    }
  }
  return names;
}

json EventToJson(const IndexedEvent& indexed, const EventNames& names) {
  const gate::Event& e = indexed.event;
  const auto door = names.doors.find(e.door);
  json staff_id = nullptr;
  if (e.staff) {
    const auto found = names.staff_ids.find(*e.staff);
    if (found != names.staff_ids.end()) staff_id = found->second;
  }
  return {
      {"id", indexed.id},
      {"time", FormatApiTime(std::chrono::time_point_cast<TimePoint::duration>(e.time))},
      {"gate", e.gate},
      {"door",
       {{"id", e.door}, {"name", door == names.doors.end() ? json(nullptr) : json(door->second)}}},
      {"kind", gate::EventKindName(e.kind)},
      {"result", EventResultName(ResultOf(e))},
      {"reason", ReasonOf(e)},
      {"assurance", AssuranceJson(e.assurance)},
      {"error", ErrorJson(e.error)},
      {"offline", (e.flags & gate::kEventFlagOffline) != 0},
      {"anti_passback", (e.flags & gate::kEventFlagAntiPassback) != 0},
      {"staff_id", staff_id}};
}

}  // namespace sekisho::server
