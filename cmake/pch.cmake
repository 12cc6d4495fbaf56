# SEKISHO_PCH: precompile cmake/pch.h once and reuse it in every library and program, and
# cmake/pch_test.h once for every test binary. Every target is compiled with the same options
# (they are set for the whole project), which is what reusing a precompiled header requires; the
# one exception, libFuzzer's coverage (cmake/fuzz_coverage.cmake), gets its own copy of pch.h.
add_library(sekisho_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cc)
target_link_libraries(sekisho_pch PRIVATE spdlog::spdlog nlohmann_json::nlohmann_json)
target_precompile_headers(sekisho_pch PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch.h)
# Thread support is part of what a precompiled header records: every target is compiled with it.
target_compile_options(sekisho_pch PRIVATE -pthread)

if(SEKISHO_FUZZ)
  add_library(sekisho_fuzz_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cc)
  target_link_libraries(sekisho_fuzz_pch PRIVATE spdlog::spdlog nlohmann_json::nlohmann_json)
  target_precompile_headers(sekisho_fuzz_pch PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch.h)
  target_compile_options(sekisho_fuzz_pch PRIVATE -pthread -fsanitize=fuzzer-no-link)
endif()
get_property(sekisho_fuzz_covered GLOBAL PROPERTY SEKISHO_FUZZ_COVERED)

add_library(sekisho_test_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cc)
target_link_libraries(sekisho_test_pch PRIVATE
  spdlog::spdlog nlohmann_json::nlohmann_json GTest::gmock GTest::gtest)
target_precompile_headers(sekisho_test_pch PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch_test.h)
target_compile_options(sekisho_test_pch PRIVATE -pthread)

# Every C++ target under `dir` reuses one of them: test binaries (they link GoogleTest) the
# test header, targets with fuzzing coverage the coverage copy, the others the library header.
function(sekisho_reuse_pch dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$"
       OR target MATCHES "^sekisho(_test|_fuzz)?_pch$")
      continue()
    endif()
    target_compile_options(${target} PRIVATE -pthread)
    get_target_property(libs ${target} LINK_LIBRARIES)
    if(libs MATCHES "GTest::")
      target_precompile_headers(${target} REUSE_FROM sekisho_test_pch)
    elseif(target IN_LIST sekisho_fuzz_covered)
      target_precompile_headers(${target} REUSE_FROM sekisho_fuzz_pch)
    else()
      target_precompile_headers(${target} REUSE_FROM sekisho_pch)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    sekisho_reuse_pch(${subdir})
  endforeach()
endfunction()
sekisho_reuse_pch(${PROJECT_SOURCE_DIR})
