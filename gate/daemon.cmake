# The gate daemon (DESIGN.md §6): its data directory, registration with the server, and the
# running gate (reader loop + sync connection). Docs: docs/gate.md.
set(_sekisho_gate_daemon_dir ${CMAKE_CURRENT_LIST_DIR})
add_library(sekisho_gate_daemon
  ${_sekisho_gate_daemon_dir}/gate_daemon.cc ${_sekisho_gate_daemon_dir}/gate_files.cc
  ${_sekisho_gate_daemon_dir}/registration.cc
  ${_sekisho_gate_daemon_dir}/terminal_credentials_file.cc
  ${_sekisho_gate_daemon_dir}/terminal_renewer.cc)
target_link_libraries(sekisho_gate_daemon PUBLIC sekisho_gate_sync sekisho_gate sekisho_net
  sekisho_access sekisho_base nlohmann_json::nlohmann_json)

sekisho_test(gate_daemon_test
  SOURCES ${_sekisho_gate_daemon_dir}/gate_files_test.cc
    ${_sekisho_gate_daemon_dir}/terminal_credentials_file_test.cc
    ${_sekisho_gate_daemon_dir}/terminal_renewer_test.cc
    ${PROJECT_SOURCE_DIR}/card/sim/sim_test_card.cc
  LIBS sekisho_gate_daemon sekisho_card_sim sekisho_badge_testing)
