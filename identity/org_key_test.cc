#include "identity/org_key.h"

#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::identity {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;

TEST(OrgKeyTest, FromBytesTakesExactly32Bytes) {
  const Bytes bytes(32, 0x5A);
  Result<OrgKey> key = OrgKey::FromBytes(bytes);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(Bytes(key->view().begin(), key->view().end()), bytes);
  for (std::size_t size : {0u, 16u, 31u, 33u, 64u}) {
    EXPECT_THAT(OrgKey::FromBytes(Bytes(size, 0x5A)),
                StatusIs(StatusCode::kInvalidArgument,
                         "organisation key: expected 32 bytes, got " + std::to_string(size)));
  }
}

TEST(OrgKeyTest, GenerateDrawsFromTheRandomSource) {
  SeededRandom a(1), b(1), c(2);
  const OrgKey ka = OrgKey::Generate(a);
  const OrgKey kb = OrgKey::Generate(b);
  const OrgKey kc = OrgKey::Generate(c);
  EXPECT_EQ(ka.view().size(), 32u);
  EXPECT_TRUE(std::equal(ka.view().begin(), ka.view().end(), kb.view().begin()));
  EXPECT_FALSE(std::equal(ka.view().begin(), ka.view().end(), kc.view().begin()));
  SeededRandom again(1);
  EXPECT_EQ(Bytes(ka.view().begin(), ka.view().end()), again.Generate(32));
}

TEST(OrgKeyTest, MoveLeavesTheSourceEmpty) {
  SeededRandom random(3);
  OrgKey key = OrgKey::Generate(random);
  OrgKey moved = std::move(key);
  EXPECT_EQ(moved.view().size(), 32u);
  EXPECT_TRUE(key.view().empty());  // NOLINT(bugprone-use-after-move): checked on purpose
}

}  // namespace
}  // namespace sekisho::identity
