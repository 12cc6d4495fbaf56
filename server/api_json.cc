#include "server/api_json.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace sekisho::server {
namespace {

std::string RangeText(std::int64_t min, std::int64_t max) {
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

// The text after the parser's "... - " (what it expected), without its "last read: '...'" part,
// which would echo the body.
std::string ParserExpectation(const std::string& what) {
  std::string text = what;
  const std::size_t dash = text.rfind(" - ");
  if (dash != std::string::npos) text = text.substr(dash + 3);
  const std::size_t last_read = text.find("; last read");
  if (last_read != std::string::npos) text = text.substr(0, last_read);
  return text;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) {
        return InvalidArgumentError("query: malformed percent-encoding");
      }
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgumentError("query: malformed percent-encoding");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

Result<nlohmann::json> ParseJsonBody(std::string_view body) {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte at which the parser stopped.
    const std::size_t byte = std::min<std::size_t>(e.byte, body.size() + 1);
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i + 1 < byte && i < body.size(); ++i) {
      if (body[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return InvalidArgumentError("malformed JSON at line " + std::to_string(line) + ", column " +
                                std::to_string(column) + " (byte " + std::to_string(byte) +
                                "): " + ParserExpectation(e.what()));
  } catch (const nlohmann::json::out_of_range&) {
    // 406: a number beyond a double ("1e999"); the parser gives no position for it.
    return InvalidArgumentError("malformed JSON: a number is out of range");
  } catch (const nlohmann::json::exception&) {
    return InvalidArgumentError("malformed JSON");
  }
}

std::string JsonTypeName(const nlohmann::json& value) {
  if (value.is_number()) return "number";
  return value.type_name();
}

Result<JsonFields> JsonFields::Of(const nlohmann::json& value,
                                  std::initializer_list<std::string_view> known) {
  if (!value.is_object()) {
    return InvalidArgumentError("request body: expected a JSON object, got " + JsonTypeName(value));
  }
  for (const auto& [key, unused] : value.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return InvalidArgumentError(key + ": unknown field");
    }
  }
  return JsonFields(value);
}

const nlohmann::json* JsonFields::Get(std::string_view name) const {
  auto it = value_.find(name);
  if (it == value_.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::optional<std::string>> JsonFields::OptionalString(std::string_view name) const {
  const nlohmann::json* v = Get(name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) {
    return InvalidArgumentError(std::string(name) + ": expected a string, got " + JsonTypeName(*v));
  }
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> JsonFields::String(std::string_view name) const {
  ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(name));
  if (!s.has_value())
    return InvalidArgumentError(std::string(name) + ": required field is missing");
  return std::move(*s);
}

Result<std::optional<std::int64_t>> JsonFields::OptionalInt(std::string_view name, std::int64_t min,
                                                            std::int64_t max) const {
  const nlohmann::json* v = Get(name);
  if (v == nullptr) return std::optional<std::int64_t>();
  const std::string expected = std::string(name) + ": expected " + RangeText(min, max) + ", got ";
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(max)) return std::optional<std::int64_t>(u);
    return InvalidArgumentError(expected + std::to_string(u));
  }
  if (v->is_number_integer()) {
    const auto i = v->get<std::int64_t>();
    if (i >= min && i <= max) return std::optional<std::int64_t>(i);
    return InvalidArgumentError(expected + std::to_string(i));
  }
  if (v->is_number()) return InvalidArgumentError(expected + v->dump());
  return InvalidArgumentError(expected + JsonTypeName(*v));
}

Result<std::int64_t> JsonFields::Int(std::string_view name, std::int64_t min,
                                     std::int64_t max) const {
  ASSIGN_OR_RETURN(std::optional<std::int64_t> i, OptionalInt(name, min, max));
  if (!i.has_value())
    return InvalidArgumentError(std::string(name) + ": required field is missing");
  return *i;
}

Result<bool> JsonFields::Bool(std::string_view name) const {
  const nlohmann::json* v = Get(name);
  if (v == nullptr) return InvalidArgumentError(std::string(name) + ": required field is missing");
  if (!v->is_boolean()) {
    return InvalidArgumentError(std::string(name) + ": expected a boolean, got " +
                                JsonTypeName(*v));
  }
  return v->get<bool>();
}

Result<QueryParams> ParseQuery(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    ASSIGN_OR_RETURN(std::string name, PercentDecode(pair.substr(0, eq)));
    ASSIGN_OR_RETURN(
        std::string value,
        PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1)));
    if (name.empty()) return InvalidArgumentError("query: parameter without a name");
    if (params.contains(name)) {
      return InvalidArgumentError("query: parameter '" + name + "' given twice");
    }
    params.emplace(std::move(name), std::move(value));
  }
  return params;
}

Result<std::int64_t> ParseIntParam(std::string_view what, std::string_view text, std::int64_t min,
                                   std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    std::string shown(text.substr(0, 40));
    return InvalidArgumentError(std::string(what) + ": expected " + RangeText(min, max) +
                                ", got '" + shown + "'");
  }
  return value;
}

}  // namespace sekisho::server
