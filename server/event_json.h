// The JSON of a door event (server/event_index.h) as the REST API's /events routes and the
// console's live stream send it (docs/server.md §9): ids, the door's name, the staff member's id
// when the registry knows the event's staff reference. Never the credential key, the staff
// reference or anything read from a card.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "base/result.h"
#include "server/event_index.h"
#include "site/site_store.h"
#include "store/registry.h"

namespace sekisho::server {

// What an event's JSON names beyond the event itself.
struct EventNames {
  std::map<policy::ObjectId, std::string> doors;       // door id -> name
  std::map<policy::StaffRef, std::int64_t> staff_ids;  // staff reference -> staff id
};

// The door names of `org` and the staff ids of the staff references in `events` (references the
// registry does not know are left out). The stores' errors.
Result<EventNames> LookUpEventNames(store::Registry& registry, site::SiteStore& sites,
                                    store::OrganisationId org,
                                    std::span<const IndexedEvent> events);

// {"id", "time", "gate", "door": {"id", "name" (null once deleted)}, "kind", "result", "reason",
//  "assurance" (null, "card", "card+pin"), "error" (null, or the lower-case status code that made
//  the door path deny), "offline", "anti_passback", "staff_id" (null when unknown)}.
nlohmann::json EventToJson(const IndexedEvent& event, const EventNames& names);

}  // namespace sekisho::server
