// A badge terminal certificate issuance and its JSON (terminal_issuance.h).
#include "gate/terminal_issuance.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "badge/ec_key.h"

namespace sekisho::gate {
namespace {

using nlohmann::json;

Status Bad(std::string_view field, std::string_view why) {
  return DataLossError("badge terminal issuance: '" + std::string(field) + "' " + std::string(why));
}

Result<std::string> TextField(const json& j, std::string_view field) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string()) return Bad(field, "is missing or not a string");
  return it->get<std::string>();
}

Result<Bytes> HexText(const json& value, std::string_view field) {
  if (!value.is_string()) return Bad(field, "is not a string");
  auto bytes = FromHex(value.get<std::string>());
  if (!bytes.ok()) return Bad(field, "is not hex");
  return bytes;
}

Result<Bytes> HexField(const json& j, std::string_view field) {
  auto it = j.find(field);
  if (it == j.end()) return Bad(field, "is missing");
  return HexText(*it, field);
}

Result<Bytes> PointField(const json& value, std::string_view field) {
  ASSIGN_OR_RETURN(Bytes point, HexText(value, field));
  if (!badge::CheckPublicPoint(point).ok()) {
    return Bad(field, "is not an uncompressed brainpoolP256r1 point");
  }
  return point;
}

Result<badge::Date> DateField(const json& j, std::string_view field) {
  ASSIGN_OR_RETURN(const std::string text, TextField(j, field));
  auto date = ParseDate(text);
  if (!date.ok()) return Bad(field, "is not a date YYYY-MM-DD");
  return date;
}

bool SameDay(badge::Date a, badge::Date b) {
  return std::chrono::sys_days(a) == std::chrono::sys_days(b);
}

}  // namespace

std::string FormatDate(badge::Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

Result<badge::Date> ParseDate(std::string_view text) {
  const auto digits = [&](std::size_t from, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return InvalidArgumentError("expected a date YYYY-MM-DD");
  }
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  const badge::Date date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                         std::chrono::day(static_cast<unsigned>(d))};
  if (y < 0 || m < 0 || d < 0 || !date.ok()) {
    return InvalidArgumentError("expected a date YYYY-MM-DD");
  }
  return date;
}

TimePoint StartOf(badge::Date date) {
  return std::chrono::time_point_cast<TimePoint::duration>(std::chrono::sys_days(date));
}

TimePoint EndOf(badge::Date date) { return StartOf(date) + std::chrono::days(1); }

json EncodeTerminalIssuance(const TerminalIssuance& issuance) {
  json keys = json::array();
  for (const Bytes& key : issuance.trusted_chip_keys) keys.push_back(ToHex(key));
  return {{"dv_certificate", ToHex(issuance.dv_certificate)},
          {"terminal_certificate", ToHex(issuance.terminal_certificate)},
          {"trusted_chip_keys", std::move(keys)},
          {"sector_public_key", ToHex(issuance.sector_public_point)},
          {"not_before", FormatDate(issuance.not_before)},
          {"not_after", FormatDate(issuance.not_after)}};
}

Result<TerminalIssuance> DecodeTerminalIssuance(const json& j) {
  if (!j.is_object()) return DataLossError("badge terminal issuance: not a JSON object");
  static constexpr std::string_view kFields[] = {"dv_certificate",    "terminal_certificate",
                                                 "trusted_chip_keys", "sector_public_key",
                                                 "not_before",        "not_after"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      return Bad(key, "is not a field of an issuance");
    }
  }
  TerminalIssuance out;
  ASSIGN_OR_RETURN(out.dv_certificate, HexField(j, "dv_certificate"));
  ASSIGN_OR_RETURN(out.terminal_certificate, HexField(j, "terminal_certificate"));
  auto dv = badge::CvCertificate::Parse(out.dv_certificate);
  if (!dv.ok() || dv->role() == badge::CvRole::kTerminal || dv->role() == badge::CvRole::kCvca) {
    return Bad("dv_certificate", "is not a DV certificate");
  }
  auto terminal = badge::CvCertificate::Parse(out.terminal_certificate);
  if (!terminal.ok() || terminal->role() != badge::CvRole::kTerminal) {
    return Bad("terminal_certificate", "is not a terminal certificate");
  }
  if (!terminal->VerifyIssuedBy(*dv).ok()) {
    return Bad("terminal_certificate", "is not issued by the DV");
  }
  auto keys = j.find("trusted_chip_keys");
  if (keys == j.end() || !keys->is_array() || keys->empty()) {
    return Bad("trusted_chip_keys", "is not a list of at least one key");
  }
  for (const json& key : *keys) {
    ASSIGN_OR_RETURN(Bytes point, PointField(key, "trusted_chip_keys"));
    out.trusted_chip_keys.push_back(std::move(point));
  }
  auto sector = j.find("sector_public_key");
  if (sector == j.end()) return Bad("sector_public_key", "is missing");
  ASSIGN_OR_RETURN(out.sector_public_point, PointField(*sector, "sector_public_key"));
  ASSIGN_OR_RETURN(out.not_before, DateField(j, "not_before"));
  ASSIGN_OR_RETURN(out.not_after, DateField(j, "not_after"));
  if (!SameDay(out.not_before, terminal->effective()) ||
      !SameDay(out.not_after, terminal->expiration())) {
    return Bad("not_after", "is not the terminal certificate's validity");
  }
  return out;
}

}  // namespace sekisho::gate
