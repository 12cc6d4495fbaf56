#include "access/config.h"

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace sekisho::access {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxBusyTimeoutMs = 600000;
constexpr std::int64_t kMaxCrlAgeHours = 24 * 365;

Status KeyError(std::string_view key, std::string_view why) {
  return InvalidArgumentError("config.json: \"" + std::string(key) + "\": " + std::string(why));
}

// Every key of `object` must be one of `known`; `where` names the object in messages.
Status CheckKeys(const json& object, std::string_view where,
                 std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    bool found = false;
    for (std::string_view k : known) found = found || key == k;
    if (!found) {
      return KeyError(std::string(where) + key,
                      "unknown key (check its spelling against "
                      "docs/formats/data-directory.md)");
    }
  }
  return OkStatus();
}

Result<std::optional<std::int64_t>> OptionalInt(const json& object, std::string_view where,
                                                const char* key, std::int64_t min,
                                                std::int64_t max) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<std::int64_t>();
  const std::string name = std::string(where) + key;
  if (!it->is_number_integer()) return KeyError(name, "must be an integer");
  const auto value = it->get<std::int64_t>();
  if (value < min || value > max) {
    return KeyError(name, "must be in " + std::to_string(min) + "-" + std::to_string(max));
  }
  return std::optional<std::int64_t>(value);
}

Result<std::optional<std::string>> OptionalString(const json& object, std::string_view where,
                                                  const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::optional<std::string>();
  if (!it->is_string()) return KeyError(std::string(where) + key, "must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

// The object under `key` of `root` (an empty object when absent).
Result<json> Section(const json& root, const char* key) {
  const auto it = root.find(key);
  if (it == root.end()) return json::object();
  if (!it->is_object()) return KeyError(key, "must be an object");
  return *it;
}

}  // namespace

std::string_view CrlRequirementName(CrlRequirement value) {
  return value == CrlRequirement::kRequired ? "required" : "if-present";
}

std::string_view LastTryPolicyName(LastTryPolicy value) {
  return value == LastTryPolicy::kAllowWithFlag ? "allow-with-flag" : "refuse";
}

std::string ConfigToJson(const Config& config) {
  const nlohmann::ordered_json root = {
      {"format_version", config.format_version},
      {"registry", {{"busy_timeout_ms", config.busy_timeout.count()}}},
      {"crl",
       {{"max_age_hours", config.crl_max_age.count()},
        {"at_enrolment", CrlRequirementName(config.crl_at_enrolment)}}},
      {"pin", {{"last_try_at_enrolment", LastTryPolicyName(config.last_try)}}},
      {"log", {{"file", config.log_file}}},
  };
  return root.dump(2) + "\n";
}

Result<Config> ParseConfig(std::string_view text) {
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidArgumentError("config.json: not valid JSON");
  if (!root.is_object()) return InvalidArgumentError("config.json: must be a JSON object");
  RETURN_IF_ERROR(CheckKeys(root, "", {"format_version", "registry", "crl", "pin", "log"}));

  Config config;
  const auto version = root.find("format_version");
  if (version == root.end() || !version->is_number_integer()) {
    return KeyError("format_version", "missing or not an integer");
  }
  config.format_version = version->get<int>();
  if (config.format_version > kConfigFormatVersion) {
    return FailedPreconditionError("config.json has format version " +
                                   std::to_string(config.format_version) +
                                   ", newer than this sekisho understands (" +
                                   std::to_string(kConfigFormatVersion) + "); upgrade sekisho");
  }
  if (config.format_version < 1) return KeyError("format_version", "must be at least 1");

  ASSIGN_OR_RETURN(const json registry, Section(root, "registry"));
  RETURN_IF_ERROR(CheckKeys(registry, "registry.", {"busy_timeout_ms"}));
  ASSIGN_OR_RETURN(auto busy,
                   OptionalInt(registry, "registry.", "busy_timeout_ms", 0, kMaxBusyTimeoutMs));
  if (busy) config.busy_timeout = std::chrono::milliseconds(*busy);

  ASSIGN_OR_RETURN(const json crl, Section(root, "crl"));
  RETURN_IF_ERROR(CheckKeys(crl, "crl.", {"max_age_hours", "at_enrolment"}));
  ASSIGN_OR_RETURN(auto age, OptionalInt(crl, "crl.", "max_age_hours", 1, kMaxCrlAgeHours));
  if (age) config.crl_max_age = std::chrono::hours(*age);
  ASSIGN_OR_RETURN(auto requirement, OptionalString(crl, "crl.", "at_enrolment"));
  if (requirement) {
    if (*requirement == "required") {
      config.crl_at_enrolment = CrlRequirement::kRequired;
    } else if (*requirement == "if-present") {
      config.crl_at_enrolment = CrlRequirement::kIfPresent;
    } else {
      return KeyError("crl.at_enrolment", "must be \"if-present\" or \"required\"");
    }
  }

  ASSIGN_OR_RETURN(const json pin, Section(root, "pin"));
  RETURN_IF_ERROR(CheckKeys(pin, "pin.", {"last_try_at_enrolment"}));
  ASSIGN_OR_RETURN(auto last_try, OptionalString(pin, "pin.", "last_try_at_enrolment"));
  if (last_try) {
    if (*last_try == "refuse") {
      config.last_try = LastTryPolicy::kRefuse;
    } else if (*last_try == "allow-with-flag") {
      config.last_try = LastTryPolicy::kAllowWithFlag;
    } else {
      return KeyError("pin.last_try_at_enrolment", "must be \"refuse\" or \"allow-with-flag\"");
    }
  }

  ASSIGN_OR_RETURN(const json log, Section(root, "log"));
  RETURN_IF_ERROR(CheckKeys(log, "log.", {"file"}));
  ASSIGN_OR_RETURN(auto log_file, OptionalString(log, "log.", "file"));
  if (log_file) {
    const std::filesystem::path p(*log_file);
    bool escapes = p.is_absolute();
    for (const auto& part : p) escapes = escapes || part == "..";
    if (escapes) {
      return KeyError("log.file", "must be a path inside the data directory (relative, no '..')");
    }
    config.log_file = *log_file;
  }
  return config;
}

}  // namespace sekisho::access
