#include "site/demo_site.h"

#include <string>

#include "site/model_json.h"

namespace sekisho::site {
namespace {

constexpr std::uint8_t kWeekdays = 0x1F;  // Monday ... Friday
constexpr std::uint8_t kEveryDay = 0x7F;

}  // namespace

Result<DemoSite> PopulateDemoSite(SiteStore& store, OrganisationId org) {
  DemoSite ids;
  Site site{"Kasumigaseki Building 3", {}};
  site.model.utc_offset_minutes = 9 * 60;
  ASSIGN_OR_RETURN(const policy::LocalDay new_year, ParseLocalDay("2026-01-01"));
  ASSIGN_OR_RETURN(const policy::LocalDay childrens_day, ParseLocalDay("2026-05-05"));
  site.model.holidays = {new_year, childrens_day};
  site.model.daily_reset_minute = 3 * 60;
  ASSIGN_OR_RETURN(site, store.CreateSite(org, site));
  ids.site = site.model.id;

  auto zone = [&](std::string name, policy::AntiPassback anti_passback,
                  bool two_person) -> Result<ObjectId> {
    Zone z{std::move(name), {}};
    z.model.site = ids.site;
    z.model.anti_passback = anti_passback;
    z.model.two_person = two_person;
    ASSIGN_OR_RETURN(z, store.CreateZone(org, z));
    return z.model.id;
  };
  ASSIGN_OR_RETURN(ids.lobby, zone("Lobby", policy::AntiPassback::kOff, false));
  ASSIGN_OR_RETURN(ids.offices, zone("Offices", policy::AntiPassback::kSoft, false));
  ASSIGN_OR_RETURN(ids.server_room, zone("Server room", policy::AntiPassback::kOff, true));

  auto door = [&](std::string name, ObjectId from, ObjectId to,
                  policy::Assurance required) -> Result<ObjectId> {
    Door d{std::move(name), {}, 0};
    d.model.site = ids.site;
    d.model.from_zone = from;
    d.model.to_zone = to;
    d.model.required = required;
    ASSIGN_OR_RETURN(d, store.CreateDoor(org, d));
    return d.model.id;
  };
  ASSIGN_OR_RETURN(ids.entrance_lane_1, door("Entrance gate lane 1", policy::kNone, ids.lobby,
                                             policy::Assurance::kCardAndPin));
  ASSIGN_OR_RETURN(ids.entrance_lane_2, door("Entrance gate lane 2", policy::kNone, ids.lobby,
                                             policy::Assurance::kCardAndPin));
  ASSIGN_OR_RETURN(ids.office_door,
                   door("Office door", ids.lobby, ids.offices, policy::Assurance::kCard));
  ASSIGN_OR_RETURN(ids.server_room_door, door("Server room door", ids.offices, ids.server_room,
                                              policy::Assurance::kCardAndPin));

  Schedule office_hours{"Office hours", {}};
  office_hours.model.windows = {{kWeekdays, 7 * 60, 21 * 60}};
  ASSIGN_OR_RETURN(office_hours, store.CreateSchedule(org, office_hours));
  ids.office_hours = office_hours.model.id;
  Schedule always{"24x7", {}};
  always.model.windows = {{kEveryDay, 0, 24 * 60}};
  always.model.holiday_windows = {{0, 0, 24 * 60}};
  ASSIGN_OR_RETURN(always, store.CreateSchedule(org, always));
  ids.always = always.model.id;

  auto level = [&](std::string name, std::vector<policy::LevelRule> rules) -> Result<ObjectId> {
    AccessLevel l{std::move(name), {}};
    l.model.rules = std::move(rules);
    ASSIGN_OR_RETURN(l, store.CreateLevel(org, l));
    return l.model.id;
  };
  ASSIGN_OR_RETURN(ids.staff_level, level("Staff", {{ids.lobby, ids.office_hours},
                                                    {ids.offices, ids.office_hours}}));
  ASSIGN_OR_RETURN(ids.it_level, level("IT", {{ids.server_room, ids.always}}));
  ASSIGN_OR_RETURN(ids.security_level, level("Security", {{ids.lobby, policy::kNone},
                                                          {ids.offices, policy::kNone},
                                                          {ids.server_room, policy::kNone}}));

  site.model.lockdown_override_level = ids.security_level;
  RETURN_IF_ERROR(store.UpdateSite(org, site).status());
  return ids;
}

}  // namespace sekisho::site
