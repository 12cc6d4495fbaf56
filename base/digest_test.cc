#include "base/digest.h"

#include <gtest/gtest.h>

namespace sekisho {
namespace {

TEST(Sha256Test, FipsKnownAnswers) {
  // FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): "abc" and the empty string.
  EXPECT_EQ(ToHex(Sha256(ToBytes("abc"))),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  EXPECT_EQ(ToHex(Sha256({})),
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
}

}  // namespace
}  // namespace sekisho
