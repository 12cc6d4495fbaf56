#include "card/sim/input_assist_application.h"

#include "base/digest.h"
#include "card/mynumber_card.h"
#include "card/sim/card_tlv_forms.h"
#include "card/sim/cv_certificate.h"
#include "card/sim/verification_code.h"
#include "card/tlv.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;

constexpr std::size_t kBasicFourEfSize = 512;
constexpr std::size_t kApInfoEfSize = 256;

void PutU16(Bytes& out, std::size_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

}  // namespace

Bytes InputAssistMyNumberEf(std::string_view my_number) {
  Bytes ef = EncodeTlv(0xFF10, ToBytes(my_number));
  ef.push_back(0xFF);
  ef.push_back(0xFF);
  return ef;
}

Bytes InputAssistBasicFourTlv(const CardIdentity& identity) {
  const Bytes fields[4] = {
      EncodeTlv(0xDF22, ToBytes(identity.name)),
      EncodeTlv(0xDF23, ToBytes(identity.address)),
      EncodeTlv(0xDF24, ToBytes(identity.birth_date)),
      EncodeTlv(0xDF25, Bytes{static_cast<std::uint8_t>(identity.sex)}),
  };
  // The offset table's size is fixed (DF 21 08 + 8 bytes), so the outer header's size is known
  // before the offsets are: build once with zeros to measure, then with the offsets.
  Bytes value = EncodeTlv(0xDF21, Bytes(8, 0));
  for (const Bytes& f : fields) Append(value, f);
  const std::size_t outer_header = EncodeTlv(0xFF20, value).size() - value.size();
  Bytes offsets;
  std::size_t position = outer_header + 11;  // DF 21 08 + 8 bytes
  for (const Bytes& f : fields) {
    PutU16(offsets, position);
    position += f.size();
  }
  value = EncodeTlv(0xDF21, offsets);
  for (const Bytes& f : fields) Append(value, f);
  return EncodeTlv(0xFF20, value);
}

Bytes InputAssistBasicFourEf(const CardIdentity& identity) {
  Bytes ef = InputAssistBasicFourTlv(identity);
  const std::size_t size = ef.size() + 16 <= kBasicFourEfSize ? kBasicFourEfSize : ef.size() + 16;
  ef.resize(size, 0xFF);
  return ef;
}

Result<Bytes> InputAssistIntegrityEf(ByteView my_number_ef, ByteView basic_four_tlv,
                                     const EVP_PKEY& key) {
  ASSIGN_OR_RETURN(const Tlv outer, ParseTlv(basic_four_tlv, TlvMode::kCardTolerant));
  if (outer.header.tag != 0xFF20) return InvalidArgumentError("basic four: not an FF20 TLV");
  ASSIGN_OR_RETURN(const Tlv table, ParseTlv(outer.value, TlvMode::kCardTolerant));
  if (table.header.tag != 0xDF21) return InvalidArgumentError("basic four: DF21 is not first");
  const ByteView from_name = outer.value.subspan(table.header.total_length());
  const Bytes signed_part =
      Concat({EncodeTlv(0xDF31, Sha256(my_number_ef)), EncodeTlv(0xDF32, Sha256(from_name))});
  ASSIGN_OR_RETURN(const Bytes signature, pki::SignPkcs1Sha256(key, signed_part));
  return EncodeTlv82(0xFF30, Concat({signed_part, EncodeTlv82(0xDF33, signature)}));
}

Result<Application> BuildInputAssistApplication(const CardProfile& profile, const CardKeys& keys) {
  Application app;
  app.name = "input assist";
  app.aid.assign(my::kInputAssistAid.begin(), my::kInputAssistAid.end());
  const DerivedCardData derived = DeriveCardData(profile.seed);
  SeededRandom opaque = DerivedRandom(profile.seed, "input-assist-opaque");

  const auto pin_or_any_code =
      AccessRule::AnyOf({my::kInputAssistPin, my::kInputAssistCodeA, my::kInputAssistCodeB});
  const Bytes my_number_ef = InputAssistMyNumberEf(profile.my_number);
  const Bytes basic_four_tlv = InputAssistBasicFourTlv(profile.identity);
  ASSIGN_OR_RETURN(const Bytes integrity,
                   InputAssistIntegrityEf(my_number_ef, basic_four_tlv, *keys.input_assist));
  const Bytes modulus = RsaModulus(*keys.input_assist, my::kRsaModulusSize);
  if (modulus.empty()) return DataLossError("card profile: keys.input_assist: not an RSA key");

  app.Add(TransparentEf(my::kInputAssistMyNumber, my_number_ef,
                      AccessRule::AnyOf({my::kInputAssistPin, my::kInputAssistCodeA})));
  app.Add(TransparentEf(my::kInputAssistBasicFour, InputAssistBasicFourEf(profile.identity),
                      AccessRule::AnyOf({my::kInputAssistPin, my::kInputAssistCodeB})));
  app.Add(TransparentEf(my::kInputAssistIntegrity, integrity, pin_or_any_code));
  // EF 0004: issuer J-LIS "5000033" (its key is not on the card: opaque signature); subject =
  // the data-signing key, named after the card's municipality.
  app.Add(
      TransparentEf(my::kInputAssistCvCert,
                    CvCertificate(JlisKeyId("5000033"), JlisKeyId(derived.municipality_code + "00"),
                                  modulus, opaque.Generate(my::kRsaModulusSize)),
                    AccessRule::Free()));
  // EF 0005: DF41 as seen on cards (01 03 0E 01), DF42 key ID, DF43 32 opaque + 96 FF.
  Bytes df43 = opaque.Generate(32);
  df43.resize(128, 0xFF);
  Bytes ap_info = EncodeTlv82(
      0xFF40, Concat({EncodeTlv(0xDF41, Bytes{0x01, 0x03, 0x0E, 0x01}),
                      EncodeTlv(0xDF42, JlisKeyId("5000034")), EncodeTlv82(0xDF43, df43)}));
  ap_info.resize(kApInfoEfSize, 0xFF);
  app.Add(TransparentEf(my::kInputAssistApInfo, std::move(ap_info), AccessRule::Free()));
  // EF 0006: the session-key delivery key (A1 + card-encoded RSA key); secure messaging is not
  // simulated, so the modulus is opaque.
  Bytes session_modulus = opaque.Generate(my::kRsaModulusSize);
  session_modulus[0] |= 0x80;
  app.Add(TransparentEf(0x0006, EncodeTlv82(0xA1, CardPublicKey(session_modulus)), pin_or_any_code));
  // EF 0007: FF50 { DF51 public key of signing key 0013, DF52 issuer signature }, opaque.
  Bytes signing_modulus = opaque.Generate(my::kRsaModulusSize);
  signing_modulus[0] |= 0x80;
  app.Add(TransparentEf(
      0x0007,
      EncodeTlv82(0xFF50, Concat({EncodeTlv82(0xDF51, CardPublicKey(signing_modulus)),
                                  EncodeTlv82(0xDF52, opaque.Generate(my::kRsaModulusSize))})),
      pin_or_any_code));
  app.Add(TransparentEf(0x0008, Bytes(16, 0xFF), pin_or_any_code));

  app.Add(PinEf(my::kInputAssistPin, {kMaxInputAssistPinTries,
                                    &RetryCounters::input_assist_pin,
                                    &CardProfile::input_assist_pin,
                                    {},
                                    true}));
  app.Add(PinEf(my::kInputAssistBlockedRef, {0, nullptr, nullptr, {}, false}));
  app.Add(PinEf(my::kInputAssistCodeA, {kMaxVerificationCodeTries,
                                      &RetryCounters::input_assist_code_a,
                                      &CardProfile::my_number,
                                      {},
                                      false}));
  app.Add(PinEf(
      my::kInputAssistCodeB,
      {kMaxVerificationCodeTries, &RetryCounters::input_assist_code_b, nullptr,
       VerificationCodeB(profile.identity.birth_date, profile.card_expiry, profile.security_code)
           .value_or(""),
       false}));
  ElementaryFile signing_key;
  signing_key.fid = 0x0013;
  signing_key.kind = EfKind::kKey;
  app.Add(std::move(signing_key));
  return app;
}

}  // namespace sekisho::card::sim
