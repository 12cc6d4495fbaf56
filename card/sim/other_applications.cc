#include "card/sim/other_applications.h"

#include "card/mynumber_card.h"
#include "card/sim/card_keys.h"
#include "card/sim/card_tlv_forms.h"
#include "card/sim/cv_certificate.h"
#include "card/sim/verification_code.h"
#include "card/tlv.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;

constexpr std::uint16_t kCardFaceBirthKey = 0x0011;
constexpr std::uint16_t kCardFaceCodeB = 0x0012;
constexpr std::uint16_t kCardFaceCodeA = 0x0013;
constexpr std::uint16_t kPin001C = 0x001C;

// Placeholders that carry the format signature of what the real EF holds, nothing more.
constexpr std::uint8_t kPngSignature[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::uint8_t kJpeg2000Signature[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50,
                                               0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A};





Bytes OpaqueModulus(Random& random) {
  Bytes m = random.Generate(my::kRsaModulusSize);
  m[0] |= 0x80;
  return m;
}

// `FF 20` offsets table + fields: the offsets are those of each field's tag from the file start.
Bytes WithOffsetTable(std::uint32_t outer_tag, const std::vector<Bytes>& fields) {
  Bytes value = EncodeTlv(0xDF21, Bytes(2 * fields.size(), 0));
  for (const Bytes& f : fields) Append(value, f);
  const std::size_t outer_header = EncodeTlv(outer_tag, value).size() - value.size();
  std::size_t position = outer_header + EncodeTlv(0xDF21, Bytes(2 * fields.size(), 0)).size();
  Bytes offsets;
  for (const Bytes& f : fields) {
    offsets.push_back(static_cast<std::uint8_t>(position >> 8));
    offsets.push_back(static_cast<std::uint8_t>(position & 0xFF));
    position += f.size();
  }
  value = EncodeTlv(0xDF21, offsets);
  for (const Bytes& f : fields) Append(value, f);
  return EncodeTlv(outer_tag, value);
}

}  // namespace

Application BuildCardFaceApplication(const CardProfile& profile) {
  Application app;
  app.name = "card face";
  app.aid.assign(my::kCardFaceAid.begin(), my::kCardFaceAid.end());
  const DerivedCardData derived = DeriveCardData(profile.seed);
  SeededRandom opaque = DerivedRandom(profile.seed, "card-face-opaque");
  const Bytes card_key = CardPublicKey(OpaqueModulus(opaque));

  // §7.1 EF 0001: FF10 { DF11 DOB, DF12 card public key, DF13 signature }.
  app.Add(TransparentEf(
      0x0001,
      EncodeTlv82(0xFF10, Concat({EncodeTlv(0xDF11, ToBytes(profile.identity.birth_date)),
                                  EncodeTlv82(0xDF12, card_key),
                                  EncodeTlv82(0xDF13, opaque.Generate(my::kRsaModulusSize))})),
      AccessRule::AnyOf({kCardFaceBirthKey})));
  // EF 0002: the card face, images replaced by their bare format signatures.
  app.Add(TransparentEf(
      0x0002,
      WithOffsetTable(
          0xFF20,
          {EncodeTlv(0xDF22, ToBytes(profile.identity.birth_date)),
           EncodeTlv(0xDF23, Bytes{static_cast<std::uint8_t>(profile.identity.sex)}),
           EncodeTlv82(0xDF24, card_key), EncodeTlv(0xDF25, kPngSignature),
           EncodeTlv(0xDF26, kPngSignature), EncodeTlv(0xDF27, kJpeg2000Signature),
           EncodeTlv82(0xDF28, opaque.Generate(my::kRsaModulusSize)),
           EncodeTlv(0xDF29, ToBytes(profile.card_expiry)), EncodeTlv(0xDF2A, kPngSignature)}),
      AccessRule::AnyOf({kCardFaceCodeA, kCardFaceCodeB})));
  // EF 0003: layout ID 06 03 0E 01, key ID, version, municipality code, key ID + opaque.
  app.Add(TransparentEf(
      0x0003,
      EncodeTlv(0xFF30,
                Concat({EncodeTlv(0xDF31, Bytes{0x06, 0x03, 0x0E, 0x01}),
                        EncodeTlv(0xDF32, JlisKeyId("5000024")), EncodeTlv(0xDF33, Bytes{0x01}),
                        EncodeTlv(0xDF34, ToBytes(derived.municipality_code)),
                        EncodeTlv82(0xDF35, Concat({JlisKeyId(derived.municipality_code + "01"),
                                                    opaque.Generate(my::kRsaModulusSize)}))})),
      AccessRule::Free()));
  app.Add(
      TransparentEf(0x0004,
                    CvCertificate(JlisKeyId("5000023"), JlisKeyId(derived.municipality_code + "01"),
                                  OpaqueModulus(opaque), opaque.Generate(my::kRsaModulusSize)),
                    AccessRule::Free()));
  app.Add(TransparentEf(
      0x0005,
      EncodeTlv82(0xFF40, Concat({EncodeTlv(0xDF41, kPngSignature), EncodeTlv82(0xDF42, card_key),
                                  EncodeTlv82(0xDF43, opaque.Generate(my::kRsaModulusSize))})),
      AccessRule::AnyOf({kCardFaceCodeA})));
  app.Add(
      TransparentEf(0x0006, Bytes(16, 0xFF), AccessRule::AnyOf({kCardFaceCodeA, kCardFaceCodeB})));

  app.Add(PinEf(kCardFaceBirthKey,
              {kMaxVerificationCodeTries, &RetryCounters::card_face_birth_date, nullptr,
               JapaneseEraDate(profile.identity.birth_date).value_or(""), false}));
  app.Add(PinEf(kCardFaceCodeB, {kMaxVerificationCodeTries, &RetryCounters::card_face_code_b, nullptr,
                               VerificationCodeB(profile.identity.birth_date, profile.card_expiry,
                                                 profile.security_code)
                                   .value_or(""),
                               false}));
  app.Add(PinEf(kCardFaceCodeA, {kMaxVerificationCodeTries,
                               &RetryCounters::card_face_code_a,
                               &CardProfile::my_number,
                               {},
                               false}));
  app.Add(UnsimulatedKeyEf(0x001A));
  return app;
}

Application BuildResidenceApplication(const CardProfile& profile) {
  Application app;
  app.name = "residence";
  app.aid.assign(my::kResidenceAid.begin(), my::kResidenceAid.end());
  const DerivedCardData derived = DeriveCardData(profile.seed);
  SeededRandom opaque = DerivedRandom(profile.seed, "residence-opaque");
  app.Add(RecordEf(0x0001, {EncodeTlv(0x01, ToBytes(derived.resident_code))},
                  AccessRule::AnyOf({kPin001C})));
  app.Add(TransparentEf(0x0002, opaque.Generate(16), AccessRule::Free()));
  app.Add(PinEf(kPin001C, {kMaxResidencePinTries,
                         &RetryCounters::residence_pin,
                         &CardProfile::residence_pin,
                         {},
                         false}));
  return app;
}

Application BuildCommonApplication(const CardProfile& profile) {
  Application app;
  app.name = "common";
  app.aid.assign(my::kCommonAid.begin(), my::kCommonAid.end());
  const DerivedCardData derived = DeriveCardData(profile.seed);
  // The 住基AP's EF 0002 is identical (spec §7.3): same stream.
  SeededRandom opaque = DerivedRandom(profile.seed, "residence-opaque");
  app.Add(RecordEf(0x0001,
                  {EncodeTlv(0x01, ToBytes(derived.card_serial + derived.municipality_code +
                                           profile.card_expiry))},
                  AccessRule::Free()));
  app.Add(TransparentEf(0x0002, opaque.Generate(16), AccessRule::Free()));
  app.Add(UnsimulatedKeyEf(0x0019));
  app.Add(PinEf(
      kPin001C,
      {kMaxCommonPinTries, &RetryCounters::common_pin, &CardProfile::residence_pin, {}, false}));
  return app;
}

std::map<std::uint16_t, Bytes> MfDataObjects(const CardProfile& profile) {
  const DerivedCardData derived = DeriveCardData(profile.seed);
  return {
      {0x0045, ToBytes(derived.card_serial)},
      {0x00F0, ToBytes(derived.municipality_code)},
      {0x00F2, ToBytes(profile.card_expiry)},
      {0x5F51, Bytes(my::kContactAtr.begin() + 1, my::kContactAtr.end())},
  };
}

}  // namespace sekisho::card::sim
