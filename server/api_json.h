// Strict reading of the REST API's inputs: JSON request bodies (RFC 8259) with their parse
// position on error, objects whose unknown fields are refused, typed fields with precise
// messages, and query strings (RFC 3986 §3.4, form-encoded). Errors are kInvalidArgument
// "<field>: <what>", the convention of site/model_json.h.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sekisho::server {

// The body parsed as JSON. kInvalidArgument "malformed JSON at line L, column C (byte B): <what
// the parser expected>", "malformed JSON: a number is out of range" for a number beyond a
// double; the message never repeats the body's content (it may be a password).
Result<nlohmann::json> ParseJsonBody(std::string_view body);

// The fields of one JSON object, read strictly.
class JsonFields {
 public:
  // kInvalidArgument "request body: expected a JSON object, got array" when `value` is not an
  // object, "<name>: unknown field" for a field not in `known`.
  static Result<JsonFields> Of(const nlohmann::json& value,
                               std::initializer_list<std::string_view> known);

  // A required string: "<name>: required field is missing", "<name>: expected a string, got
  // number". An explicit null counts as missing.
  Result<std::string> String(std::string_view name) const;
  // An optional string: nullopt when absent or null.
  Result<std::optional<std::string>> OptionalString(std::string_view name) const;
  // An integer in [min, max]: "<name>: expected an integer from MIN to MAX, got 1e+30" (also for
  // fractions and numbers beyond 64 bits).
  Result<std::int64_t> Int(std::string_view name, std::int64_t min, std::int64_t max) const;
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view name, std::int64_t min,
                                                  std::int64_t max) const;
  Result<bool> Bool(std::string_view name) const;

 private:
  explicit JsonFields(const nlohmann::json& value) : value_(value) {}
  const nlohmann::json* Get(std::string_view name) const;
  const nlohmann::json& value_;
};

// The JSON type name for messages: "object", "array", "string", "number", "boolean", "null".
std::string JsonTypeName(const nlohmann::json& value);

using QueryParams = std::map<std::string, std::string, std::less<>>;

// "a=1&b=x%20y" -> {a: "1", b: "x y"} ('+' is a space). kInvalidArgument "query: malformed
// percent-encoding", "query: parameter 'a' given twice", "query: parameter without a name".
Result<QueryParams> ParseQuery(std::string_view query);

// A decimal integer in [min, max] named `what` in the message: "<what>: expected an integer from
// MIN to MAX, got 'x'".
Result<std::int64_t> ParseIntParam(std::string_view what, std::string_view text, std::int64_t min,
                                   std::int64_t max);

}  // namespace sekisho::server
