#include "base/exit_code.h"

#include <gtest/gtest.h>

#include <set>

namespace sekisho {
namespace {

TEST(ExitCodeTest, EveryCodeHasItsOwnExitCode) {
  std::set<int> seen;
  for (StatusCode c : kAllStatusCodes) {
    const int e = ExitCodeFor(c);
    EXPECT_TRUE(seen.insert(e).second) << StatusCodeName(c);
    EXPECT_NE(e, kExitUsage) << StatusCodeName(c);
    EXPECT_EQ(e == 0, c == StatusCode::kOk);
    EXPECT_LT(e, 126);  // above 125 the shell reserves
  }
}

}  // namespace
}  // namespace sekisho
