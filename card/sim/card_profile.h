// CardProfile: everything one simulated My Number Card holds (identity, credentials, retry
// counters, keys, certificates), and its JSON card file. Format: docs/card-simulator.md.
// Facts: ../shared/spec/mynumber-card.md §2 (credentials), §4 (JPKI files), §6 (input assist).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/status.h"
#include "card/sim/badge_profile.h"

namespace sekisho::card::sim {

// The version written by SaveCardProfile and the only one LoadCardProfile accepts.
inline constexpr int kCardProfileFormatVersion = 1;

// Maximum tries of each IEF (spec §2). The input-assist and card-face codes A/B and the
// card-face birth-date key are UNCONFIRMED there (about 10 reported); the common AP PIN is
// UNCONFIRMED and follows the residence PIN (3).
inline constexpr int kMaxAuthPinTries = 3;
inline constexpr int kMaxSignPasswordTries = 5;
inline constexpr int kMaxInputAssistPinTries = 3;
inline constexpr int kMaxVerificationCodeTries = 10;
inline constexpr int kMaxResidencePinTries = 3;
inline constexpr int kMaxCommonPinTries = 3;

// The basic four attributes (基本4情報) as the input-assist AP stores them (spec §6).
struct CardIdentity {
  std::string name;        // UTF-8, surname U+3000 given name
  std::string address;     // UTF-8, full-width digits
  std::string birth_date;  // YYYYMMDD, Gregorian
  char sex = '9';          // '1' male, '2' female, '9' not applicable

  friend bool operator==(const CardIdentity&, const CardIdentity&) = default;
};

// Tries left per IEF. Each counter lies in 0..its maximum; 0 means blocked. The input-assist
// IEF 0012 is blocked on every card and has no counter here.
struct RetryCounters {
  int auth_pin = kMaxAuthPinTries;                       // JPKI 0018
  int sign_password = kMaxSignPasswordTries;             // JPKI 001B
  int input_assist_pin = kMaxInputAssistPinTries;        // 入力補助 0011
  int input_assist_code_a = kMaxVerificationCodeTries;   // 入力補助 0014
  int input_assist_code_b = kMaxVerificationCodeTries;   // 入力補助 0015
  int card_face_code_a = kMaxVerificationCodeTries;      // 券面 0013
  int card_face_code_b = kMaxVerificationCodeTries;      // 券面 0012
  int card_face_birth_date = kMaxVerificationCodeTries;  // 券面 0011
  int residence_pin = kMaxResidencePinTries;             // 住基 001C
  int common_pin = kMaxCommonPinTries;                   // 共通 001C

  friend bool operator==(const RetryCounters&, const RetryCounters&) = default;
};

// The card file model. Credentials are stored in clear: this is a test card, and the file is
// written with mode 0600.
// A badge profile shared by copies of a CardProfile (its keys are SecretBytes, which do not
// copy); compared by value. Null: no badge.
struct SharedBadgeProfile {
  std::shared_ptr<const BadgeProfile> value;

  explicit operator bool() const { return value != nullptr; }
  const BadgeProfile& operator*() const { return *value; }
  friend bool operator==(const SharedBadgeProfile& a, const SharedBadgeProfile& b) {
    if (!a.value || !b.value) return a.value == b.value;
    return *a.value == *b.value;
  }
};

struct CardProfile {
  int format_version = kCardProfileFormatVersion;
  std::uint64_t seed = 0;  // the seed NewCard was called with; also drives derived data
  std::string my_number;   // 12 ASCII digits, valid check digit (照合番号A)
  CardIdentity identity;
  std::string card_expiry;       // YYYYMMDD
  std::string security_code;     // 4 digits printed on the card face
  std::string auth_pin;          // 4 digits
  std::string sign_password;     // 6-16 of A-Z0-9
  std::string input_assist_pin;  // 4 digits
  std::string residence_pin;     // 4 digits; also the reference value of the common AP PIN
  RetryCounters counters;
  std::string auth_key_pem;  // RSA-2048 private key, PKCS#8 PEM (JPKI 0017)
  std::string sign_key_pem;  // RSA-2048 private key, PKCS#8 PEM (JPKI 001A)
  // The input-assist AP's data-signing key, which signs EF 0003 (on a real card a J-LIS key;
  // here derived from the seed by NewCard). RSA-2048, PKCS#8 PEM.
  std::string input_assist_key_pem;
  Bytes auth_certificate;                 // DER (JPKI 000A)
  Bytes auth_ca_certificate;              // DER (JPKI 000B)
  std::optional<Bytes> sign_certificate;  // DER (JPKI 0001); none on some cards (spec §4)
  Bytes sign_ca_certificate;              // DER (JPKI 0002)
  // The badge applet in the card's free area (DESIGN.md `free-area`), under kBadgeAid; JSON
  // "badge": the BadgeProfileToJson object, absent or null for none.
  SharedBadgeProfile badge;

  friend bool operator==(const CardProfile&, const CardProfile&) = default;
};

// Spec §2: the check digit of a My Number from its first 11 digits (weights 6,5,4,3,2,7,6,5,4,3,2
// from the left; r = sum mod 11; 0 if r <= 1, else 11 - r). nullopt unless `first_eleven` is
// exactly 11 ASCII digits.
std::optional<char> MyNumberCheckDigit(std::string_view first_eleven);

// True for 12 ASCII digits whose last digit is the check digit of the first 11.
bool IsValidMyNumber(std::string_view my_number);

// Checks every field of `profile` (formats, counter ranges, PEM keys, DER certificates).
// kDataLoss naming the first bad field ("auth_pin: ...").
Status ValidateCardProfile(const CardProfile& profile);

// JSON text of the profile (format in docs/card-simulator.md); deterministic for a profile.
std::string CardProfileToJson(const CardProfile& profile);
// kDataLoss naming the field for malformed JSON, a wrong format version or any invalid field.
Result<CardProfile> CardProfileFromJson(std::string_view json);

// Reads and validates a card file. kNotFound if it does not exist, kDataLoss naming the field
// for anything malformed, kUnavailable if it cannot be read.
Result<CardProfile> LoadCardProfile(const std::filesystem::path& path);

// Writes the card file atomically: a temporary file in the same directory, fsync, rename,
// fsync of the directory. The file has mode 0600. kInvalidArgument if `profile` does not
// validate (the file is then untouched), kUnavailable on an I/O error.
Status SaveCardProfile(const CardProfile& profile, const std::filesystem::path& path);

}  // namespace sekisho::card::sim
