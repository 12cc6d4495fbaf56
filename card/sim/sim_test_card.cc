#include "card/sim/sim_test_card.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "base/random.h"
#include "card/sim/card_factory.h"
#include "card/sim/card_profile.h"

namespace sekisho::card::sim::testing {
namespace {

TestCardWorld* Generate() {
  SeededRandom random(kTestPkiSeed);
  auto pki = pki::CreateTestPki(random, kTestNow);
  if (!pki.ok()) {
    std::cerr << "test PKI: " << pki.status().ToString() << "\n";
    std::abort();
  }
  auto profile = NewCard(*pki, kTestCardSeed, kTestNow);
  if (!profile.ok()) {
    std::cerr << "test card: " << profile.status().ToString() << "\n";
    std::abort();
  }
  return new TestCardWorld{std::move(pki).value(), std::move(profile).value()};
}

// gtest_discover_tests runs every test in its own process, and RSA key generation dominates
// each run; so the world is generated once per build of this binary and kept beside it, in a
// directory named after the binary's size and modification time (a relink makes a new one and
// removes the old ones). Any problem with the cache falls back to generating.
std::filesystem::path CacheRoot() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe.parent_path() / "card_sim_test_cache";
}

std::string CacheKey() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) return {};
  return std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "-" +
         std::to_string(st.st_mtim.tv_nsec);
}

TestCardWorld* LoadCached(const std::filesystem::path& dir) {
  auto pki = pki::LoadTestPki(dir / "pki");
  if (!pki.ok()) return nullptr;
  auto profile = LoadCardProfile(dir / "card.json");
  if (!profile.ok()) return nullptr;
  return new TestCardWorld{std::move(pki).value(), std::move(profile).value()};
}

void StoreCached(const TestCardWorld& world, const std::filesystem::path& root,
                 const std::string& key) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (!entry.path().filename().string().starts_with(key)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
  std::string pattern = (root / (key + ".tmp.XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return;
  const std::filesystem::path temp = pattern;
  if (pki::SaveTestPki(world.pki, temp / "pki").ok() &&
      SaveCardProfile(world.profile, temp / "card.json").ok()) {
    std::filesystem::rename(temp, root / key, ec);  // fails harmlessly if another run won
  }
  std::filesystem::remove_all(temp, ec);
}

TestCardWorld* BuildWorld() {
  const std::filesystem::path root = CacheRoot();
  const std::string key = CacheKey();
  if (root.empty() || key.empty()) return Generate();
  if (TestCardWorld* cached = LoadCached(root / key)) return cached;
  TestCardWorld* world = Generate();
  StoreCached(*world, root, key);
  return world;
}

}  // namespace

const TestCardWorld& World() {
  static const TestCardWorld* const world = BuildWorld();
  return *world;
}

std::unique_ptr<SimulatedCard> NewTestCard(PersistFn persist) {
  return NewTestCard(World().profile, std::move(persist));
}

std::unique_ptr<SimulatedCard> NewTestCard(const CardProfile& profile, PersistFn persist) {
  auto card = SimulatedCard::Create(profile, std::move(persist));
  EXPECT_TRUE(card.ok()) << card.status().ToString();
  if (!card.ok()) return nullptr;
  return std::move(card).value();
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "card_sim_test.XXXXXX").string();
  const char* made = ::mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  path_ = made != nullptr ? made : "";
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Bytes Send(VirtualCard& card, std::string_view hex) {
  auto bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return card.Process(bytes.value_or(Bytes{}));
}

Bytes SendBytes(VirtualCard& card, ByteView apdu) { return card.Process(apdu); }

std::uint16_t SwOf(ByteView response) {
  if (response.size() < 2) return 0;
  return ReadU16(response[response.size() - 2], response[response.size() - 1]);
}

Bytes DataOf(ByteView response) {
  if (response.size() < 2) return {};
  return Bytes(response.begin(), response.end() - 2);
}

Bytes SelectAidApdu(ByteView aid) {
  Bytes apdu = {0x00, 0xA4, 0x04, 0x0C, static_cast<std::uint8_t>(aid.size())};
  Append(apdu, aid);
  return apdu;
}

Bytes SelectEfApdu(std::uint16_t fid) {
  return {0x00,
          0xA4,
          0x02,
          0x0C,
          0x02,
          static_cast<std::uint8_t>(fid >> 8),
          static_cast<std::uint8_t>(fid & 0xFF)};
}

Bytes VerifyApdu(std::string_view value) {
  Bytes apdu = {0x00, 0x20, 0x00, 0x80, static_cast<std::uint8_t>(value.size())};
  Append(apdu, ToBytes(value));
  return apdu;
}

std::uint16_t SelectAidAndEf(VirtualCard& card, ByteView aid, std::uint16_t fid) {
  EXPECT_EQ(SwOf(card.Process(SelectAidApdu(aid))), 0x9000);
  return SwOf(card.Process(SelectEfApdu(fid)));
}

std::uint16_t SelectAndVerify(VirtualCard& card, std::uint16_t fid, std::string_view value) {
  EXPECT_EQ(SwOf(card.Process(SelectEfApdu(fid))), 0x9000);
  return SwOf(card.Process(VerifyApdu(value)));
}

Bytes ReadAll(VirtualCard& card) {
  Bytes out;
  while (out.size() <= 0x7FFF) {
    const Bytes apdu = {0x00, 0xB0, static_cast<std::uint8_t>(out.size() >> 8),
                        static_cast<std::uint8_t>(out.size() & 0xFF), 0x00};
    const Bytes response = card.Process(apdu);
    if (SwOf(response) != 0x9000) break;
    const Bytes data = DataOf(response);
    Append(out, data);
    if (data.size() < 256) break;
  }
  return out;
}

}  // namespace sekisho::card::sim::testing
