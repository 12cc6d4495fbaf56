// DemoCards: one NewCard as the template, then per holder a fresh auth key and auth certificate
// from the test PKI, a My Number with a valid check digit (spec mynumber-card.md §2), a name and a
// PIN. The template's signature certificate is dropped (a card may have none, spec §4): it names
// the template's holder.
#include "demo/demo_cards.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <thread>

#include "base/random.h"
#include "card/sim/card_factory.h"
#include "pki/rsa_key.h"

namespace sekisho::demo {
namespace {

constexpr std::uint64_t kPkiSeed = 2026;
constexpr std::uint64_t kTemplateSeed = 610;
constexpr std::uint64_t kHolderSeedBase = 100000;
constexpr std::size_t kMaxCards = 10000;

struct Name {
  const char* latin;
  const char* kanji;
};
constexpr std::array<Name, 10> kSurnames = {{{"Tanaka", "田中"},
                                             {"Suzuki", "鈴木"},
                                             {"Takahashi", "高橋"},
                                             {"Watanabe", "渡辺"},
                                             {"Ito", "伊藤"},
                                             {"Yamamoto", "山本"},
                                             {"Nakamura", "中村"},
                                             {"Kobayashi", "小林"},
                                             {"Kato", "加藤"},
                                             {"Yoshida", "吉田"}}};
constexpr std::array<Name, 7> kGivenNames = {{{"Aoi", "葵"},
                                              {"Haruto", "陽翔"},
                                              {"Yui", "結衣"},
                                              {"Sota", "蒼太"},
                                              {"Hina", "陽菜"},
                                              {"Ren", "蓮"},
                                              {"Mei", "芽依"}}};

// The i-th holder's card: the template with its own key, certificate, number, name and PIN.
Result<card::sim::CardProfile> HolderCard(const pki::TestPki& pki,
                                          const card::sim::CardProfile& base, std::size_t i) {
  SeededRandom random(kHolderSeedBase + i);
  ASSIGN_OR_RETURN(const pki::EvpPkeyPtr key, pki::GenerateRsaKey(random));
  ASSIGN_OR_RETURN(const pki::Certificate cert,
                   pki::IssueAuthCertificate(pki, *key, random, kDemoCardsIssued,
                                             kDemoCardsIssued + std::chrono::years(5)));
  card::sim::CardProfile p = base;
  p.seed = kHolderSeedBase + i;
  ASSIGN_OR_RETURN(p.auth_key_pem, pki::PrivateKeyToPem(*key));
  p.auth_certificate = cert.Der();
  p.sign_certificate.reset();
  const std::string first_eleven = fmt::format("{:011}", 40000000000ULL + i * 7919ULL);
  p.my_number = first_eleven + *card::sim::MyNumberCheckDigit(first_eleven);
  p.identity.name = DemoHolderCardName(i);
  p.auth_pin = fmt::format("{:04}", (3917 + i * 6133) % 10000);
  RETURN_IF_ERROR(card::sim::ValidateCardProfile(p));
  return p;
}

std::mutex cache_mutex;
std::shared_ptr<const DemoCardSet> cache;

}  // namespace

std::string DemoHolderName(std::size_t i) {
  const Name& given = kGivenNames[i % kGivenNames.size()];
  const Name& surname = kSurnames[(i / kGivenNames.size()) % kSurnames.size()];
  return std::string(given.latin) + " " + surname.latin +
         (i >= kSurnames.size() * kGivenNames.size() ? fmt::format(" {}", i) : "");
}

std::string DemoHolderCardName(std::size_t i) {
  const Name& given = kGivenNames[i % kGivenNames.size()];
  const Name& surname = kSurnames[(i / kGivenNames.size()) % kSurnames.size()];
  return std::string(surname.kanji) + "\u3000" + given.kanji;
}

Result<std::shared_ptr<const DemoCardSet>> DemoCards(std::size_t count) {
  if (count == 0 || count > kMaxCards) {
    return InvalidArgumentError(
        fmt::format("demo cards: {} asked, 1 to {} possible", count, kMaxCards));
  }
  std::lock_guard lock(cache_mutex);
  if (cache && cache->profiles.size() >= count) return cache;

  std::vector<card::sim::CardProfile> profiles;
  if (cache) profiles = cache->profiles;
  // The same seed gives the same PKI, so the cached cards stay valid under the new set's PKI.
  SeededRandom pki_random(kPkiSeed);
  ASSIGN_OR_RETURN(pki::TestPki pki, pki::CreateTestPki(pki_random, kDemoCardsIssued));
  ASSIGN_OR_RETURN(
      const card::sim::CardProfile base,
      card::sim::NewCard(pki, kTemplateSeed, kDemoCardsIssued, {.with_sign_certificate = false}));
  const std::size_t first = profiles.size();
  profiles.resize(count);
  std::vector<Status> errors(count);
  const std::size_t workers = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      for (std::size_t i = first + w; i < count; i += workers) {
        Result<card::sim::CardProfile> card = HolderCard(pki, base, i);
        if (card.ok()) {
          profiles[i] = std::move(card).value();
        } else {
          errors[i] = card.status();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (std::size_t i = first; i < count; ++i) {
    if (!errors[i].ok()) return errors[i].WithContext(fmt::format("demo card {}", i));
  }
  auto set = std::make_shared<const DemoCardSet>(DemoCardSet{std::move(pki), std::move(profiles)});
  cache = set;
  return cache;
}

}  // namespace sekisho::demo
