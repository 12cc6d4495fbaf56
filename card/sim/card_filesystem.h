// The simulated card's file model: applications (DFs selected by AID) holding EFs, each with its
// kind and read access rule (ISO/IEC 7816-4:2020 §7.1; spec mynumber-card.md §4, §6, §7).
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "card/sim/card_profile.h"

namespace sekisho::card::sim {

enum class EfKind {
  kTransparent,  // READ BINARY
  kRecord,       // READ RECORD (linear records)
  kPin,          // IEF holding a PIN or verification code: VERIFY only
  kKey,          // IEF holding a private key: COMPUTE DIGITAL SIGNATURE only
};

// Which verified IEFs of the same application open an EF for reading.
class AccessRule {
 public:
  static AccessRule Free() { return AccessRule(Kind::kFree, {}); }
  // Open when any one of `pins` is verified.
  static AccessRule AnyOf(std::initializer_list<std::uint16_t> pins) {
    return AccessRule(Kind::kAnyOf, pins);
  }
  // Held behind a credential the simulator does not model (for example JPKI 0009): always 6982.
  static AccessRule Never() { return AccessRule(Kind::kNever, {}); }

  bool Allows(const std::set<std::uint16_t>& verified) const;

 private:
  enum class Kind { kFree, kAnyOf, kNever };
  AccessRule(Kind kind, std::set<std::uint16_t> pins) : kind_(kind), pins_(std::move(pins)) {}
  Kind kind_;
  std::set<std::uint16_t> pins_;
};

// A PIN IEF: its retry counter lives in the profile (so it is persisted), its reference value
// either in the profile (changeable PINs) or fixed at build time (verification codes).
struct PinReference {
  int max_tries = 0;
  int RetryCounters::*counter = nullptr;       // null: blocked at issuance, 0 tries forever
  std::string CardProfile::*stored = nullptr;  // reference in the profile (CHANGE REF. DATA)
  std::string fixed;                           // used when `stored` is null
  bool changeable = false;                     // 00 24 01 80 allowed after VERIFY

  int TriesLeft(const CardProfile& profile) const {
    return counter == nullptr ? 0 : profile.counters.*counter;
  }
  const std::string& Reference(const CardProfile& profile) const {
    return stored != nullptr ? profile.*stored : fixed;
  }
};

struct ElementaryFile {
  std::uint16_t fid = 0;
  EfKind kind = EfKind::kTransparent;
  AccessRule read = AccessRule::Free();
  Bytes content;                  // kTransparent: the physical bytes (size = EF size)
  std::vector<Bytes> records;     // kRecord: records 1..n
  PinReference pin;               // kPin
  const EVP_PKEY* key = nullptr;  // kKey: owned by the card; null = not simulated (6A88)
  std::uint16_t key_pin = 0;      // kKey: the PIN IEF that must be verified; 0 = none
};

// Constructors of each kind of EF, for the applications' file tables.
ElementaryFile TransparentEf(std::uint16_t fid, Bytes content, AccessRule read);
ElementaryFile RecordEf(std::uint16_t fid, std::vector<Bytes> records, AccessRule read);
ElementaryFile PinEf(std::uint16_t fid, PinReference pin);
// A key EF whose key is not simulated: commands that use it answer 6A88.
ElementaryFile UnsimulatedKeyEf(std::uint16_t fid);

struct Application {
  std::string name;  // short name for documents and errors ("JPKI", "input assist")
  Bytes aid;
  std::map<std::uint16_t, ElementaryFile> files;

  // The EF with `fid`, or nullptr.
  const ElementaryFile* Find(std::uint16_t fid) const;
  void Add(ElementaryFile file) { files[file.fid] = std::move(file); }
};

}  // namespace sekisho::card::sim
