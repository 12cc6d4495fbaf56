# The REST API of `sekisho serve` (server/api_*, server/auth_*, server/event_*): users and
# passwords (Argon2id), sessions and CSRF tokens, the login rate limiter, the router, its routes,
# the door events' index and the OpenAPI document. Handlers see net/http_message.h only: no
# sockets, no Beast.
add_library(sekisho_server_api
  auth_password.cc auth_rate_limiter.cc auth_role.cc auth_sessions.cc auth_user_store.cc
  api_audit_record.cc api_error.cc api_json.cc api_openapi.cc api_registry_json.cc
  api_router.cc api_routes.cc api_routes_audit.cc api_routes_auth.cc api_routes_credentials.cc
  api_routes_erasure.cc erasure_requests.cc
  api_routes_site.cc api_routes_staff.cc api_routes_users.cc event_index.cc event_json.cc
  event_routes.cc)
target_link_libraries(sekisho_server_api
  PUBLIC sekisho_base sekisho_store sekisho_store_sqlite sekisho_audit sekisho_site sekisho_gate
    nlohmann_json::nlohmann_json
  PRIVATE PkgConfig::SODIUM spdlog::spdlog OpenSSL::Crypto)

sekisho_test(server_api_test
  SOURCES
    auth_password_test.cc auth_rate_limiter_test.cc auth_sessions_test.cc auth_user_store_test.cc
    api_json_test.cc api_registry_json_test.cc api_router_test.cc api_routes_test.cc
    erasure_requests_test.cc event_index_test.cc event_routes_test.cc
  LIBS sekisho_server_api)
