// The scanner must be able to fail: every item planted in every encoding it claims to cover is
// found, and a clean file gives nothing.
#include "tests/privacy/leak_scanner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "base/random.h"
#include "base/status_matchers.h"
#include "card/sim/sim_test_card.h"

namespace sekisho::privacy {
namespace {

using ::sekisho::testing::IsOk;
using ::testing::Contains;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::StartsWith;

Bytes Noise(std::uint64_t seed, std::size_t n) {
  SeededRandom random(seed);
  return random.Generate(n);
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) Append(out, p);
  return out;
}

// PEM-style: lines of 64 characters.
std::string Wrap(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 64) out += text.substr(i, 64) + "\n";
  return out;
}

class LeakScannerTest : public ::testing::Test {
 protected:
  LeakScannerTest() : item_(Noise(1, 100)) {
    scanner_.Add("item", item_, kRaw | kHex | kBase64, 32);
    scanner_.Add("pin", ToBytes("7391"), kRaw | kHex);
  }

  std::vector<Finding> Scan(ByteView haystack) const { return scanner_.ScanBytes(haystack, "f"); }

  Bytes item_;
  LeakScanner scanner_;
};

TEST_F(LeakScannerTest, CleanDataGivesNothing) {
  EXPECT_THAT(Scan(Noise(2, 1 << 16)), IsEmpty());
  EXPECT_THAT(Scan(ToBytes(Wrap(Base64(Noise(3, 4096))))), IsEmpty());
}

TEST_F(LeakScannerTest, FindsRawBytesAnywhere) {
  const auto findings = Scan(Concat({Noise(4, 333), item_, Noise(5, 77)}));
  EXPECT_THAT(findings, Contains(Field(&Finding::encoding, "raw")));
  EXPECT_THAT(findings, Contains(Field(&Finding::offset, 333u)));
}

TEST_F(LeakScannerTest, FindsAStoredPartOfTwoWindows) {
  const ByteView part = ByteView(item_).subspan(37, 63);
  EXPECT_THAT(Scan(Concat({Noise(6, 10), part, Noise(7, 10)})),
              Contains(Field(&Finding::encoding, "raw")));
}

TEST_F(LeakScannerTest, FindsEveryHexForm) {
  const std::string upper = ToHex(item_);
  std::string lower = upper;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [text, encoding] :
       std::vector<std::pair<std::string, std::string>>{{upper, "hex (upper)"},
                                                        {lower, "hex (lower)"},
                                                        {ToHex(item_, true), "hex (upper, spaced)"},
                                                        {Wrap(lower), "hex (lower)"}}) {
    EXPECT_THAT(Scan(ToBytes("id=" + text + ";")), Contains(Field(&Finding::encoding, encoding)))
        << encoding;
  }
}

TEST_F(LeakScannerTest, FindsBase64AtEveryAlignmentAcrossLineBreaks) {
  for (std::size_t prefix : {0, 1, 2, 3, 4, 5}) {
    const Bytes stream = Concat({Noise(8, prefix), item_, Noise(9, 7)});
    const std::string b64 = Base64(stream);
    EXPECT_THAT(Scan(ToBytes(Wrap(b64))), Contains(Field(&Finding::encoding, StartsWith("base64"))))
        << "prefix " << prefix;
    std::string url = b64;
    std::replace(url.begin(), url.end(), '+', '-');
    std::replace(url.begin(), url.end(), '/', '_');
    EXPECT_THAT(Scan(ToBytes(url)), Contains(Field(&Finding::encoding, StartsWith("base64"))))
        << "prefix " << prefix;
  }
}

TEST_F(LeakScannerTest, FindsAShortTextItemAsTextAndHex) {
  EXPECT_THAT(Scan(ToBytes("2025-04-01 info pin=7391 ok")), Contains(Field(&Finding::item, "pin")));
  EXPECT_THAT(Scan(ToBytes("00 20 00 98 04 37 33 39 31")),
              Contains(Field(&Finding::encoding, "hex (upper, spaced)")));
  EXPECT_THAT(Scan(ToBytes("verify 37333931")), Contains(Field(&Finding::encoding, "hex (upper)")));
}

TEST_F(LeakScannerTest, ScanTreeReadsEveryFileBelowTheRoot) {
  card::sim::testing::TempDir temp;
  std::filesystem::create_directories(temp.path() / "logs" / "old");
  std::ofstream(temp.path() / "clean.txt") << "nothing to see";
  std::ofstream(temp.path() / "logs" / "old" / "x.log") << "pin 7391\n";
  auto files = scanner_.Files(temp.path());
  ASSERT_THAT(files, IsOk());
  EXPECT_EQ(files->size(), 2u);
  auto findings = scanner_.ScanTree(temp.path());
  ASSERT_THAT(findings, IsOk());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ(findings->front().file, temp.path() / "logs" / "old" / "x.log");
  EXPECT_EQ(findings->front().offset, 4u);
}

TEST(LeakScannerCardPartTest, LeavesPublicRunsOutAndFindsTheRest) {
  const Bytes public_part = Noise(10, 40);
  const Bytes own = Noise(11, 70);
  const Bytes item = Concat({public_part, own});
  LeakScanner scanner;
  scanner.AddCardPart("cert", item, kRaw | kHex | kBase64, 32, Concat({Noise(12, 5), public_part}));
  // The public part alone (as in a CA certificate) is not a finding...
  EXPECT_THAT(scanner.ScanBytes(Concat({Noise(13, 9), public_part, Noise(14, 9)}), "ca"),
              IsEmpty());
  EXPECT_THAT(scanner.ScanBytes(ToBytes(Wrap(Base64(public_part))), "ca"), IsEmpty());
  // ... the card's own bytes are, in every encoding.
  const ByteView middle = ByteView(own).subspan(5, 63);
  EXPECT_THAT(scanner.ScanBytes(Concat({Noise(15, 3), middle}), "x"),
              Contains(Field(&Finding::encoding, "raw")));
  EXPECT_THAT(scanner.ScanBytes(ToBytes(ToHex(middle)), "x"),
              Contains(Field(&Finding::encoding, "hex (upper)")));
  EXPECT_THAT(scanner.ScanBytes(ToBytes(Wrap(Base64(Concat({Noise(16, 1), item})))), "x"),
              Contains(Field(&Finding::encoding, StartsWith("base64"))));
}

}  // namespace
}  // namespace sekisho::privacy
