# The gate's end of gate sync (DESIGN.md §6; docs/formats/sync-protocol.md): its persistent policy
# state (gate-state.db) and the session that speaks the protocol over an injected transport.
set(_sekisho_gate_sync_dir ${CMAKE_CURRENT_LIST_DIR})
add_library(sekisho_gate_sync
  ${_sekisho_gate_sync_dir}/gate_state.cc ${_sekisho_gate_sync_dir}/sync_session.cc)
target_link_libraries(sekisho_gate_sync PUBLIC sekisho_gate sekisho_sync sekisho_snapshot
  sekisho_store_sqlite sekisho_base)

sekisho_test(gate_sync_test
  SOURCES
    ${_sekisho_gate_sync_dir}/gate_state_test.cc ${_sekisho_gate_sync_dir}/sync_session_test.cc
    ${_sekisho_gate_sync_dir}/test_events.cc
    ${PROJECT_SOURCE_DIR}/card/sim/sim_test_card.cc
  LIBS sekisho_gate_sync sekisho_card_sim sekisho_snapshot_testing)
