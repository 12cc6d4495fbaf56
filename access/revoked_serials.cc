#include "access/revoked_serials.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "pki/file_io.h"

namespace sekisho::access {
namespace {

using nlohmann::json;

constexpr std::size_t kKeyedSerialSize = 32;

std::int64_t Millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromMillis(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

Status Corrupt(const std::string& why) { return DataLossError("revoked serials file: " + why); }

Result<std::int64_t> IntField(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) {
    return Corrupt(std::string("\"") + key + "\" missing or not an integer");
  }
  return it->get<std::int64_t>();
}

Result<std::string> StringField(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return Corrupt(std::string("\"") + key + "\" missing or not a string");
  }
  return it->get<std::string>();
}

void SortUnique(std::vector<Bytes>& serials) {
  std::sort(serials.begin(), serials.end());
  serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
}

}  // namespace

Result<RevokedSerials> RevokedSerials::Load(const std::filesystem::path& path) {
  RevokedSerials state;
  auto text = pki::ReadSmallFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return state;
    return text.status().WithContext(path.string());
  }
  const json root = json::parse(*text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return Corrupt("not a JSON object").WithContext(path.string());
  }
  auto version = IntField(root, "format_version");
  if (!version.ok()) return version.status().WithContext(path.string());
  if (*version > kRevokedSerialsFormatVersion) {
    return FailedPreconditionError(path.string() + " has format version " +
                                   std::to_string(*version) +
                                   ", newer than this sekisho understands; upgrade sekisho");
  }
  const auto lists = root.find("crls");
  if (lists == root.end() || !lists->is_array()) {
    return Corrupt("\"crls\" missing or not an array").WithContext(path.string());
  }
  for (const json& item : *lists) {
    if (!item.is_object())
      return Corrupt("a CRL entry is not an object").WithContext(path.string());
    KeyedCrl crl;
    auto read = [&]() -> Status {
      ASSIGN_OR_RETURN(crl.issuer, StringField(item, "issuer"));
      ASSIGN_OR_RETURN(crl.issuer_fingerprint, StringField(item, "issuer_sha256"));
      ASSIGN_OR_RETURN(const std::int64_t this_update, IntField(item, "this_update_ms"));
      ASSIGN_OR_RETURN(const std::int64_t next_update, IntField(item, "next_update_ms"));
      ASSIGN_OR_RETURN(const std::int64_t imported_at, IntField(item, "imported_at_ms"));
      crl.this_update = FromMillis(this_update);
      crl.next_update = FromMillis(next_update);
      crl.imported_at = FromMillis(imported_at);
      const auto serials = item.find("keyed_serials");
      if (serials == item.end() || !serials->is_array()) {
        return Corrupt("\"keyed_serials\" missing or not an array");
      }
      for (const json& s : *serials) {
        if (!s.is_string()) return Corrupt("a keyed serial is not a string");
        auto bytes = FromHex(s.get<std::string>());
        if (!bytes.ok() || bytes->size() != kKeyedSerialSize) {
          return Corrupt("a keyed serial is not 64 hex digits");
        }
        crl.keyed_serials.push_back(std::move(bytes).value());
      }
      return OkStatus();
    };
    RETURN_IF_ERROR(read().WithContext(path.string()));
    SortUnique(crl.keyed_serials);
    state.crls_.push_back(std::move(crl));
  }
  return state;
}

Status RevokedSerials::Save(const std::filesystem::path& path) const {
  json lists = json::array();
  for (const KeyedCrl& crl : crls_) {
    json serials = json::array();
    for (const Bytes& s : crl.keyed_serials) serials.push_back(ToHex(s));
    lists.push_back({{"issuer", crl.issuer},
                     {"issuer_sha256", crl.issuer_fingerprint},
                     {"this_update_ms", Millis(crl.this_update)},
                     {"next_update_ms", Millis(crl.next_update)},
                     {"imported_at_ms", Millis(crl.imported_at)},
                     {"keyed_serials", std::move(serials)}});
  }
  const json root = {{"format_version", kRevokedSerialsFormatVersion}, {"crls", std::move(lists)}};
  return pki::WriteFileAtomically(path, root.dump(2) + "\n", 0600);
}

Status RevokedSerials::CheckNotOlder(const KeyedCrl& crl) const {
  for (const KeyedCrl& known : crls_) {
    if (known.issuer_fingerprint == crl.issuer_fingerprint && known.this_update > crl.this_update) {
      return FailedPreconditionError(
          "this CRL (thisUpdate " + FormatUtc(crl.this_update) +
          ") is older than the one imported " + "before from the same issuer (thisUpdate " +
          FormatUtc(known.this_update) +
          "); importing it would forget newer revocations. Get the current CRL");
    }
  }
  return OkStatus();
}

void RevokedSerials::Replace(KeyedCrl crl) {
  SortUnique(crl.keyed_serials);
  for (KeyedCrl& known : crls_) {
    if (known.issuer_fingerprint == crl.issuer_fingerprint) {
      known = std::move(crl);
      return;
    }
  }
  crls_.push_back(std::move(crl));
}

bool RevokedSerials::Contains(ByteView keyed_serial) const {
  const Bytes key(keyed_serial.begin(), keyed_serial.end());
  for (const KeyedCrl& crl : crls_) {
    if (std::binary_search(crl.keyed_serials.begin(), crl.keyed_serials.end(), key)) return true;
  }
  return false;
}

Status RevokedSerials::CheckCurrent(TimePoint now, std::chrono::hours max_age) const {
  if (crls_.empty()) {
    return FailedPreconditionError(
        "no issuer CRL has been imported for this organisation, so a revoked certificate "
        "cannot be recognised; run `sekisho revocation import-crl --crl FILE`");
  }
  for (const KeyedCrl& crl : crls_) {
    if (now >= crl.next_update) {
      return FailedPreconditionError("the CRL imported from " + crl.issuer + " expired at " +
                                     FormatUtc(crl.next_update) +
                                     "; import a current one with `sekisho revocation "
                                     "import-crl`");
    }
    if (now - crl.this_update > max_age) {
      return FailedPreconditionError(
          "the CRL imported from " + crl.issuer + " was issued " + FormatUtc(crl.this_update) +
          ", more than " + std::to_string(max_age.count()) +
          " hours ago (crl.max_age_hours); import a current one with `sekisho revocation "
          "import-crl`");
    }
  }
  return OkStatus();
}

}  // namespace sekisho::access
