# The running server (DESIGN.md §4, §6, §7): the data directory's stores and keys (ServerSite), the
# gate routes, the console's live event stream and files, and the HTTPS listener with the REST
# API, the gates' sync WebSocket and the console.
add_library(sekisho_server
  badge_terminal_route.cc console_files.cc event_stream.cc gate_routes.cc server.cc server_certificate.cc server_site.cc
  snapshot_keys.cc tls_files.cc)
target_link_libraries(sekisho_server
  PUBLIC sekisho_server_api sekisho_server_sync sekisho_net sekisho_site sekisho_access
    sekisho_store_sqlite sekisho_base
  PRIVATE spdlog::spdlog)

sekisho_test(server_test
  SOURCES badge_terminal_route_test.cc console_files_test.cc event_stream_test.cc
    server_certificate_test.cc server_test.cc snapshot_keys_test.cc
    ${PROJECT_SOURCE_DIR}/access/test_site.cc ${PROJECT_SOURCE_DIR}/card/sim/sim_test_card.cc
  LIBS sekisho_server sekisho_gate_daemon sekisho_card_sim)
