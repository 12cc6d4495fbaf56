// The demo site: a small ministry building (lobby, offices, server room) used by `sekisho demo`
// and by tests that need a realistic model in a SiteStore.
#pragma once

#include "base/result.h"
#include "site/site_store.h"

namespace sekisho::site {

// The ids PopulateDemoSite assigned, so that callers can give staff their levels.
struct DemoSite {
  ObjectId site = policy::kNone;
  ObjectId lobby = policy::kNone;
  ObjectId offices = policy::kNone;
  ObjectId server_room = policy::kNone;
  ObjectId entrance_lane_1 = policy::kNone;
  ObjectId entrance_lane_2 = policy::kNone;
  ObjectId office_door = policy::kNone;
  ObjectId server_room_door = policy::kNone;
  ObjectId office_hours = policy::kNone;
  ObjectId always = policy::kNone;
  ObjectId staff_level = policy::kNone;
  ObjectId it_level = policy::kNone;
  ObjectId security_level = policy::kNone;
};

// Creates in `store`, for `org`:
//  - site "Kasumigaseki Building 3": UTC+09:00, holidays 2026-01-01 and 2026-05-05, daily reset
//    03:00, lockdown override by the security level;
//  - zones "Lobby", "Offices" (anti-passback soft), "Server room" (two-person rule, 30 s);
//  - doors "Entrance gate lane 1" and "lane 2" (outside -> lobby, card+PIN), "Office door"
//    (lobby -> offices, card), "Server room door" (offices -> server room, card+PIN); no gates;
//  - schedules "Office hours" (Mon-Fri 07:00-21:00, closed on holidays) and "24x7";
//  - levels "Staff" (lobby and offices in office hours), "IT" (the server room, always; IT staff
//    hold "Staff" as well) and "Security" (every zone, always; the lockdown override).
// Errors of the store (kAlreadyExists when the names are taken, e.g. when run twice).
Result<DemoSite> PopulateDemoSite(SiteStore& store, OrganisationId org);

}  // namespace sekisho::site
