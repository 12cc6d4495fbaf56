# The running server (DESIGN.md §4, §6): the data directory's stores and keys (ServerSite), the
# gate routes, and the HTTPS listener with the REST API and the gates' sync WebSocket.
add_library(sekisho_server
  gate_routes.cc server.cc server_site.cc)
target_link_libraries(sekisho_server
  PUBLIC sekisho_server_api sekisho_server_sync sekisho_net sekisho_site sekisho_access
    sekisho_store_sqlite sekisho_base
  PRIVATE spdlog::spdlog)

sekisho_test(server_test
  SOURCES server_test.cc
    ${PROJECT_SOURCE_DIR}/access/test_site.cc ${PROJECT_SOURCE_DIR}/card/sim/sim_test_card.cc
  LIBS sekisho_server sekisho_gate_daemon sekisho_card_sim)
