#include "base/log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sekisho {
namespace {

TEST(LogTest, ApduShowsHeaderAndLengthsOnly) {
  // VERIFY with PIN "1234": the PIN bytes 31 32 33 34 must not appear.
  const Bytes verify = {0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34};
  EXPECT_EQ(ApduForLog(verify), "00 20 00 80 Lc=4");
  EXPECT_EQ(ApduForLog(Bytes{0x00, 0xB0, 0x00, 0x00, 0x00}), "00 B0 00 00 Le=256");
  EXPECT_EQ(ApduForLog(Bytes{0x00, 0x20, 0x00, 0x80}), "00 20 00 80");
  EXPECT_EQ(ApduForLog(Bytes{0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00}),
            "00 B0 00 00 Lc/Le(ext)=256");
  EXPECT_EQ(ApduForLog(Bytes{0x00, 0x20}), "<2-byte fragment>");
}

TEST(LogTest, ResponseShowsLengthAndStatusWordOnly) {
  const Bytes r = {0x30, 0x82, 0x04, 0x00, 0x90, 0x00};
  EXPECT_EQ(ResponseForLog(r), "4 bytes, SW 9000");
  EXPECT_EQ(ResponseForLog(Bytes{0x90}), "<1-byte response>");
}

TEST(LogTest, FileSinkReceivesRedactedLines) {
  const auto path = std::filesystem::temp_directory_path() / "sekisho_log_test.log";
  std::filesystem::remove(path);
  InitLogging({.level = spdlog::level::debug, .file = path, .to_stderr = false});
  const Bytes verify = {0x00, 0x20, 0x00, 0x80, 0x04, 0x39, 0x38, 0x37, 0x36};
  spdlog::info("card <- {}", ApduForLog(verify));
  spdlog::default_logger()->flush();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("00 20 00 80 Lc=4"), std::string::npos);
  EXPECT_EQ(text.str().find("9876"), std::string::npos);
  EXPECT_EQ(text.str().find("39 38 37 36"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace sekisho
