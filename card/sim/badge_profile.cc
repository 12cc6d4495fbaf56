// BadgeProfile and its JSON form (badge_profile.h).
#include "card/sim/badge_profile.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "badge/cv_certificate.h"
#include "badge/ec_key.h"

namespace sekisho::card::sim {
namespace {

using nlohmann::json;

Status FieldError(std::string_view field, std::string_view why) {
  return DataLossError("badge profile: " + std::string(field) + ": " + std::string(why));
}

bool IsSixDigits(std::string_view s) {
  return s.size() == 6 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status CheckTrustPoint(ByteView der) {
  auto cert = badge::CvCertificate::Parse(der);
  if (!cert.ok()) return cert.status();
  if (cert->role() != badge::CvRole::kCvca) return InvalidArgumentError("not a CVCA certificate");
  return OkStatus();
}

}  // namespace

std::string BadgeProfileToJson(const BadgeProfile& profile) {
  json j;
  j["format_version"] = profile.format_version;
  j["can"] = profile.can;
  if (profile.pin) j["pin"] = *profile.pin;
  j["pin_tries"] = profile.pin_tries;
  j["ca_private_key"] = ToHex(profile.ca_private_pkcs8.view());
  j["ca_public_key"] = ToHex(profile.ca_public_point);
  j["ri_private_key"] = ToHex(profile.ri_private_pkcs8.view());
  j["trust_points"] = json::array();
  for (const Bytes& t : profile.trust_points) j["trust_points"].push_back(ToHex(t));
  return j.dump(2);
}

BadgeProfile CopyBadgeProfile(const BadgeProfile& p) {
  return {.format_version = p.format_version,
          .can = p.can,
          .pin = p.pin,
          .pin_tries = p.pin_tries,
          .ca_private_pkcs8 = SecretBytes(p.ca_private_pkcs8.view()),
          .ca_public_point = p.ca_public_point,
          .ri_private_pkcs8 = SecretBytes(p.ri_private_pkcs8.view()),
          .trust_points = p.trust_points};
}

bool operator==(const BadgeProfile& a, const BadgeProfile& b) {
  const auto same_secret = [](const SecretBytes& x, const SecretBytes& y) {
    return x.size() == y.size() && CRYPTO_memcmp(x.view().data(), y.view().data(), x.size()) == 0;
  };
  return a.format_version == b.format_version && a.can == b.can && a.pin == b.pin &&
         a.pin_tries == b.pin_tries && same_secret(a.ca_private_pkcs8, b.ca_private_pkcs8) &&
         a.ca_public_point == b.ca_public_point &&
         same_secret(a.ri_private_pkcs8, b.ri_private_pkcs8) && a.trust_points == b.trust_points;
}

Result<BadgeProfile> BadgeProfileFromJson(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return FieldError("file", "not a JSON object");
  auto str = [&](const char* key) -> Result<std::string> {
    if (!j.contains(key) || !j[key].is_string()) return FieldError(key, "missing or not a string");
    return j[key].get<std::string>();
  };
  auto hex = [&](const char* key) -> Result<Bytes> {
    ASSIGN_OR_RETURN(std::string s, str(key));
    auto b = FromHex(s);
    if (!b.ok()) return FieldError(key, b.status().message());
    return b;
  };
  BadgeProfile p;
  if (!j.contains("format_version") || !j["format_version"].is_number_integer() ||
      j["format_version"].get<int>() != kBadgeProfileFormatVersion) {
    return FieldError("format_version", "not " + std::to_string(kBadgeProfileFormatVersion));
  }
  ASSIGN_OR_RETURN(p.can, str("can"));
  if (!IsSixDigits(p.can)) return FieldError("can", "not 6 digits");
  if (j.contains("pin")) {
    ASSIGN_OR_RETURN(std::string pin, str("pin"));
    if (!IsSixDigits(pin)) return FieldError("pin", "not 6 digits");
    p.pin = std::move(pin);
  }
  if (!j.contains("pin_tries") || !j["pin_tries"].is_number_integer() ||
      j["pin_tries"].get<int>() < 0 || j["pin_tries"].get<int>() > kMaxBadgePinTries) {
    return FieldError("pin_tries", "not an integer in 0..3");
  }
  p.pin_tries = j["pin_tries"].get<int>();
  {
    ASSIGN_OR_RETURN(Bytes ca, hex("ca_private_key"));
    p.ca_private_pkcs8 = SecretBytes(ca);
    WipeBytes(ca);
  }
  ASSIGN_OR_RETURN(p.ca_public_point, hex("ca_public_key"));
  auto derived = badge::PublicPointOf(p.ca_private_pkcs8);
  if (!derived.ok()) return FieldError("ca_private_key", derived.status().message());
  if (*derived != p.ca_public_point) return FieldError("ca_public_key", "does not match the key");
  {
    ASSIGN_OR_RETURN(Bytes ri, hex("ri_private_key"));
    p.ri_private_pkcs8 = SecretBytes(ri);
    WipeBytes(ri);
  }
  if (auto ri = badge::PublicPointOf(p.ri_private_pkcs8); !ri.ok()) {
    return FieldError("ri_private_key", ri.status().message());
  }
  if (!j.contains("trust_points") || !j["trust_points"].is_array() || j["trust_points"].empty()) {
    return FieldError("trust_points", "missing or empty");
  }
  for (const json& t : j["trust_points"]) {
    if (!t.is_string()) return FieldError("trust_points", "entry is not a string");
    auto der = FromHex(t.get<std::string>());
    if (!der.ok()) return FieldError("trust_points", der.status().message());
    if (Status s = CheckTrustPoint(*der); !s.ok()) return FieldError("trust_points", s.message());
    p.trust_points.push_back(std::move(der).value());
  }
  return p;
}

Result<BadgeBatch> NewBadgeBatch(std::string_view can) {
  if (!IsSixDigits(can)) return InvalidArgumentError("CAN is not 6 digits");
  ASSIGN_OR_RETURN(badge::EcKeyPair ca, badge::GenerateEcKeyPair());
  return BadgeBatch{std::string(can), std::move(ca.private_pkcs8), std::move(ca.public_point)};
}

Result<BadgeProfile> NewBadgeProfile(const BadgeBatch& batch, ByteView cvca_certificate,
                                     std::optional<std::string> pin) {
  if (pin && !IsSixDigits(*pin)) return InvalidArgumentError("badge PIN is not 6 digits");
  if (Status s = CheckTrustPoint(cvca_certificate); !s.ok()) return s.WithContext("trust point");
  ASSIGN_OR_RETURN(badge::EcKeyPair ri, badge::GenerateEcKeyPair());
  BadgeProfile p;
  p.can = batch.can;
  p.pin = std::move(pin);
  p.ca_private_pkcs8 = SecretBytes(batch.ca_private_pkcs8.view());
  p.ca_public_point = batch.ca_public_point;
  p.ri_private_pkcs8 = std::move(ri.private_pkcs8);
  p.trust_points.emplace_back(cvca_certificate.begin(), cvca_certificate.end());
  return p;
}

}  // namespace sekisho::card::sim
