#include "card/sim/jpki_application.h"

#include <string_view>

#include "card/mynumber_card.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;

void PutPadded(Bytes& out, std::string_view text, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(i < text.size() ? static_cast<std::uint8_t>(text[i]) : std::uint8_t{' '});
  }
}

void PutU32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// PKCS#11 v2.40 §3.2 CK_TOKEN_INFO flags.
constexpr std::uint32_t kCkfRng = 0x00000001;
constexpr std::uint32_t kCkfLoginRequired = 0x00000004;
constexpr std::uint32_t kCkfUserPinInitialized = 0x00000008;
constexpr std::uint32_t kCkfTokenInitialized = 0x00000400;
constexpr std::uint32_t kCkUnavailableInformation = 0xFFFFFFFF;


}  // namespace

Bytes JpkiTokenInfo(const CardProfile& profile) {
  SeededRandom random = DerivedRandom(profile.seed, "jpki-token-serial");
  Bytes out;
  out.reserve(my::kTokenEfSize);
  PutPadded(out, my::kTokenMyNumberCard, my::kTokenLabelSize);  // label[32]
  PutPadded(out, "J-LIS", 32);                                  // manufacturerID[32]
  PutPadded(out, "JPKI-AP", 16);                                // model[16]
  PutPadded(out, RandomDigits(random, 16), 16);                 // serialNumber[16]
  PutU32(out, kCkfRng | kCkfLoginRequired | kCkfUserPinInitialized | kCkfTokenInitialized);
  PutU32(out, kCkUnavailableInformation);  // ulMaxSessionCount
  PutU32(out, kCkUnavailableInformation);  // ulSessionCount
  PutU32(out, kCkUnavailableInformation);  // ulMaxRwSessionCount
  PutU32(out, kCkUnavailableInformation);  // ulRwSessionCount
  PutU32(out, 16);                         // ulMaxPinLen (signature password)
  PutU32(out, 4);                          // ulMinPinLen (auth PIN)
  PutU32(out, kCkUnavailableInformation);  // ulTotalPublicMemory
  PutU32(out, kCkUnavailableInformation);  // ulFreePublicMemory
  PutU32(out, kCkUnavailableInformation);  // ulTotalPrivateMemory
  PutU32(out, kCkUnavailableInformation);  // ulFreePrivateMemory
  out.insert(out.end(), {1, 0, 1, 0});     // hardwareVersion, firmwareVersion
  PutPadded(out, "", 16);                  // utcTime (no clock on the card)
  return out;
}

Bytes JpkiCertificatePresence(bool has_sign_certificate) {
  return {static_cast<std::uint8_t>(has_sign_certificate ? 0x8F : 0x00), 0x8F, 0x00};
}

Application BuildJpkiApplication(const CardProfile& profile, const CardKeys& keys) {
  Application app;
  app.name = "JPKI";
  app.aid.assign(my::kJpkiAid.begin(), my::kJpkiAid.end());

  const bool has_sign = profile.sign_certificate.has_value();
  // Without a signature certificate the EF keeps its place but holds nothing (spec §4: EF 0008
  // tells the host; a READ then answers 6B00 at offset 0).
  app.Add(TransparentEf(my::kJpkiSignCert, has_sign ? *profile.sign_certificate : Bytes{},
                      AccessRule::AnyOf({my::kJpkiSignPassword})));
  app.Add(TransparentEf(my::kJpkiSignCaCert, profile.sign_ca_certificate, AccessRule::Free()));
  app.Add(TransparentEf(my::kJpkiToken, JpkiTokenInfo(profile), AccessRule::Free()));
  app.Add(
      TransparentEf(my::kJpkiCertPresence, JpkiCertificatePresence(has_sign), AccessRule::Free()));
  app.Add(TransparentEf(0x0009, Bytes(16, 0xFF), AccessRule::Never()));
  app.Add(TransparentEf(my::kJpkiAuthCert, profile.auth_certificate, AccessRule::Free()));
  app.Add(TransparentEf(my::kJpkiAuthCaCert, profile.auth_ca_certificate, AccessRule::Free()));

  ElementaryFile auth_pin;
  auth_pin.fid = my::kJpkiAuthPin;
  auth_pin.kind = EfKind::kPin;
  auth_pin.pin = {kMaxAuthPinTries, &RetryCounters::auth_pin, &CardProfile::auth_pin, {}, true};
  app.Add(std::move(auth_pin));

  ElementaryFile sign_password;
  sign_password.fid = my::kJpkiSignPassword;
  sign_password.kind = EfKind::kPin;
  sign_password.pin = {
      kMaxSignPasswordTries, &RetryCounters::sign_password, &CardProfile::sign_password, {}, true};
  app.Add(std::move(sign_password));

  ElementaryFile auth_key;
  auth_key.fid = my::kJpkiAuthKey;
  auth_key.kind = EfKind::kKey;
  auth_key.key = keys.auth.get();
  auth_key.key_pin = my::kJpkiAuthPin;
  app.Add(std::move(auth_key));

  ElementaryFile sign_key;
  sign_key.fid = my::kJpkiSignKey;
  sign_key.kind = EfKind::kKey;
  sign_key.key = keys.sign.get();
  sign_key.key_pin = my::kJpkiSignPassword;
  app.Add(std::move(sign_key));
  return app;
}

}  // namespace sekisho::card::sim
