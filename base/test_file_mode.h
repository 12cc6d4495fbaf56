// Test-only: the permission bits of a file, for tests of files that must stay private.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

namespace sekisho::testing {

// The permission bits of `path` (st_mode & 07777, e.g. 0600); a failing stat() fails the test.
inline mode_t ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

}  // namespace sekisho::testing
