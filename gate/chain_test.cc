#include "gate/chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status_matchers.h"

namespace sekisho::gate {
namespace {

using ::sekisho::testing::StatusIs;

// Computed independently: SHA-256 over the label and the inputs as the format document gives them.
TEST(ChainTest, KnownAnswers) {
  const ChainHash genesis = GenesisChainHash(7);
  EXPECT_EQ(ToHex(genesis), "6B2BECFA250EF35A29A2BF73928F824D3D8A2D77E918203401739376B334E867");
  // The worked grant record of docs/formats/gate-events.md.
  const Bytes record =
      FromHex(
          "01 01 00000007 0000000000000001 00000195EEA5D47B 0000000C 0000000000000005 00"
          " 00 02 00 03 000102030405060708090A0B0C0D0E0F 101112131415161718191A1B1C1D1E1F")
          .value();
  EXPECT_EQ(ToHex(NextChainHash(genesis, record)),
            "89D93828FD81D0F32977EE43470CD8E27210E38D71FD6DF917623345EF69AC43");
}

TEST(ChainTest, EveryInputMatters) {
  const Bytes record = {1, 2, 3};
  EXPECT_NE(GenesisChainHash(7), GenesisChainHash(8));
  const ChainHash a = NextChainHash(GenesisChainHash(7), record);
  EXPECT_NE(a, NextChainHash(GenesisChainHash(8), record));
  EXPECT_NE(a, NextChainHash(GenesisChainHash(7), Bytes{1, 2, 4}));
  // Order matters: two records chained the other way round end elsewhere.
  const Bytes other = {9};
  EXPECT_NE(NextChainHash(NextChainHash(GenesisChainHash(7), record), other),
            NextChainHash(NextChainHash(GenesisChainHash(7), other), record));
}

TEST(ChainTest, StoredHashMustBe32Bytes) {
  EXPECT_THAT(ChainHashFromBytes(Bytes(31), "row"),
              StatusIs(StatusCode::kDataLoss, "row: a chain hash is 32 bytes, got 31"));
  auto ok = ChainHashFromBytes(Bytes(32, 0xAB), "row");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[31], 0xAB);
}

}  // namespace
}  // namespace sekisho::gate
