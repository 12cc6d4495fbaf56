# The server's side of gate sync (DESIGN.md §6; docs/formats/sync-protocol.md): the gate store
# (gates.db), the policy publisher, the locked audit log and the hub that serves the gates'
# WebSocket connections. Transport-agnostic: it uses net/websocket.h only.
set(_sekisho_server_sync_dir ${CMAKE_CURRENT_LIST_DIR})
add_library(sekisho_server_sync
  ${_sekisho_server_sync_dir}/gate_hub.cc ${_sekisho_server_sync_dir}/gate_store.cc
  ${_sekisho_server_sync_dir}/policy_publisher.cc)
target_link_libraries(sekisho_server_sync
  PUBLIC sekisho_sync sekisho_gate sekisho_audit sekisho_snapshot sekisho_store_sqlite
    sekisho_base OpenSSL::Crypto)

# The hub is tested back-to-back with real gates (sekisho_gate_sync) in one process.
sekisho_test(server_sync_test
  SOURCES
    ${_sekisho_server_sync_dir}/gate_hub_test.cc ${_sekisho_server_sync_dir}/gate_store_test.cc
    ${_sekisho_server_sync_dir}/policy_publisher_test.cc
    ${PROJECT_SOURCE_DIR}/gate/test_events.cc
    ${PROJECT_SOURCE_DIR}/card/sim/sim_test_card.cc
  LIBS sekisho_server_sync sekisho_gate_sync sekisho_card_sim sekisho_snapshot_testing)
