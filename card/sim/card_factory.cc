#include "card/sim/card_factory.h"

#include <array>
#include <chrono>
#include <string_view>

#include "card/sim/card_keys.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

// Clearly fictional identities: 試験 (test), 見本 (sample), 仮 (provisional) names and
// addresses with made-up block numbers; full-width digits and U+3000 as on real cards (§6).
constexpr std::array<std::string_view, 4> kSurnames = {"試験", "見本", "仮名", "模擬"};
constexpr std::array<std::string_view, 3> kMaleGivenNames = {"太郎", "一郎", "次郎"};
constexpr std::array<std::string_view, 3> kFemaleGivenNames = {"花子", "春子", "桜子"};
constexpr std::array<std::string_view, 2> kOtherGivenNames = {"光", "渚"};
constexpr std::array<std::string_view, 4> kAddresses = {
    "東京都千代田区霞が関１－２－３",
    "大阪府大阪市北区試験町４－５－６",
    "北海道札幌市中央区見本通７－８",
    "福岡県福岡市博多区仮町９－１０－１１",
};

std::uint8_t Byte(Random& random) {
  std::uint8_t b = 0;
  random.Fill(std::span<std::uint8_t>(&b, 1));
  return b;
}

// Uniform in [0, n) for n <= 256 (rejection sampling).
std::size_t Below(Random& random, std::size_t n) {
  const std::size_t limit = 256 - 256 % n;
  while (true) {
    const std::size_t b = Byte(random);
    if (b < limit) return b % n;
  }
}

template <std::size_t N>
std::string_view Pick(Random& random, const std::array<std::string_view, N>& list) {
  return list[Below(random, N)];
}

std::string TwoDigits(unsigned v) {
  return {static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

std::string DateText(int year, unsigned month, unsigned day) {
  return std::to_string(year) + TwoDigits(month) + TwoDigits(day);
}

CardIdentity NewIdentity(Random& random) {
  CardIdentity identity;
  const std::size_t sex = Below(random, 10);  // 5 in 10 male, 4 female, 1 not applicable
  identity.sex = sex < 5 ? '1' : sex < 9 ? '2' : '9';
  const std::string_view surname = Pick(random, kSurnames);
  const std::string_view given = identity.sex == '1'   ? Pick(random, kMaleGivenNames)
                                 : identity.sex == '2' ? Pick(random, kFemaleGivenNames)
                                                       : Pick(random, kOtherGivenNames);
  identity.name = std::string(surname) + "\u3000" + std::string(given);
  identity.address = std::string(Pick(random, kAddresses));
  const int year = 1945 + static_cast<int>(Below(random, 61));  // 1945..2005
  const auto month = static_cast<unsigned>(1 + Below(random, 12));
  const auto day = static_cast<unsigned>(1 + Below(random, 28));
  identity.birth_date = DateText(year, month, day);
  return identity;
}

bool IsDigits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status CheckOptions(const NewCardOptions& o) {
  if (!IsDigits(o.auth_pin, 4)) return InvalidArgumentError("new card: auth PIN is not 4 digits");
  if (!IsDigits(o.input_assist_pin, 4)) {
    return InvalidArgumentError("new card: input-assist PIN is not 4 digits");
  }
  if (!IsDigits(o.residence_pin, 4)) {
    return InvalidArgumentError("new card: residence PIN is not 4 digits");
  }
  bool letter = false;
  bool digit = false;
  bool other = false;
  for (char c : o.sign_password) {
    letter |= c >= 'A' && c <= 'Z';
    digit |= c >= '0' && c <= '9';
    other |= !((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  }
  if (o.sign_password.size() < 6 || o.sign_password.size() > 16 || !letter || !digit || other) {
    return InvalidArgumentError(
        "new card: signature password is not 6-16 of A-Z0-9 with a letter and a digit");
  }
  return OkStatus();
}

// The calendar date `years` after `now` (UTC), 29 Feb becoming 28 Feb in a common year.
std::string DateAfterYears(TimePoint now, int years) {
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(now)};
  std::chrono::year_month_day later{today.year() + std::chrono::years(years), today.month(),
                                    today.day()};
  if (!later.ok()) later = later.year() / later.month() / std::chrono::last;
  return DateText(static_cast<int>(later.year()), static_cast<unsigned>(later.month()),
                  static_cast<unsigned>(later.day()));
}

}  // namespace

Result<CardProfile> NewCard(const pki::TestPki& pki, std::uint64_t seed, TimePoint now,
                            const NewCardOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  SeededRandom random(seed);
  CardProfile p;
  p.seed = seed;
  const std::string first_eleven = RandomDigits(random, 11);
  p.my_number = first_eleven + *MyNumberCheckDigit(first_eleven);
  p.identity = NewIdentity(random);
  p.security_code = RandomDigits(random, 4);
  p.card_expiry = DateAfterYears(now, 10);
  p.auth_pin = options.auth_pin;
  p.sign_password = options.sign_password;
  p.input_assist_pin = options.input_assist_pin;
  p.residence_pin = options.residence_pin;

  ASSIGN_OR_RETURN(const pki::EvpPkeyPtr auth_key, pki::GenerateRsaKey(random));
  ASSIGN_OR_RETURN(const pki::EvpPkeyPtr sign_key, pki::GenerateRsaKey(random));
  ASSIGN_OR_RETURN(const pki::EvpPkeyPtr assist_key, pki::GenerateRsaKey(random));
  ASSIGN_OR_RETURN(p.auth_key_pem, pki::PrivateKeyToPem(*auth_key));
  ASSIGN_OR_RETURN(p.sign_key_pem, pki::PrivateKeyToPem(*sign_key));
  ASSIGN_OR_RETURN(p.input_assist_key_pem, pki::PrivateKeyToPem(*assist_key));

  // Spec §5: both certificates valid for five years (and within the card's ten).
  const TimePoint not_after = now + std::chrono::years(5);
  ASSIGN_OR_RETURN(const pki::Certificate auth_cert,
                   pki::IssueAuthCertificate(pki, *auth_key, random, now, not_after));
  p.auth_certificate = auth_cert.Der();
  p.auth_ca_certificate = pki.auth_ca.Der();
  if (options.with_sign_certificate) {
    const pki::TestIdentity holder{p.identity.name, p.identity.address, p.identity.birth_date,
                                   p.identity.sex};
    ASSIGN_OR_RETURN(const pki::Certificate sign_cert,
                     pki::IssueSignCertificate(pki, *sign_key, holder, random, now, not_after));
    p.sign_certificate = sign_cert.Der();
  }
  p.sign_ca_certificate = pki.sign_ca.Der();

  if (Status s = ValidateCardProfile(p); !s.ok()) {
    return InternalError("new card does not validate: " + s.message());
  }
  return p;
}

}  // namespace sekisho::card::sim
