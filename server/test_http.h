// Test-only: reading the HttpResponse a handler returned, for the server's route tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "net/http_message.h"

namespace sekisho::testing {

// The value of the first response header named exactly `name`; "" when there is none.
inline std::string HeaderOf(const net::HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

// The body parsed as JSON (nlohmann::json::parse: throws on a body that is not JSON, failing
// the test).
inline nlohmann::json Body(const net::HttpResponse& r) { return nlohmann::json::parse(r.body); }

}  // namespace sekisho::testing
