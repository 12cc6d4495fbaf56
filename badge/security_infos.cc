// SecurityInfos of the badge (BSI TR-03110-3 App. A.1.1), DER built with card::EncodeTlv.
#include "badge/security_infos.h"

#include <eac/objects.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "badge/eac_util.h"
#include "badge/ec_key.h"
#include "card/tlv.h"

namespace sekisho::badge {
namespace {

using internal::EvpPkeyPtr;

Bytes Oid(int nid) {
  internal::EnsureEacInitialized();
  const ASN1_OBJECT* obj = OBJ_nid2obj(nid);
  const std::size_t len = OBJ_length(obj);
  const std::uint8_t* p = OBJ_get0_data(obj);
  return card::EncodeTlv(0x06, ByteView(p, len));
}

Bytes Int(int value) { return card::EncodeTlv(0x02, Bytes{static_cast<std::uint8_t>(value)}); }

Bytes Seq(std::initializer_list<Bytes> parts) {
  Bytes v;
  for (const Bytes& p : parts) Append(v, p);
  return card::EncodeTlv(0x30, v);
}

}  // namespace

Bytes ProtocolOid(EacProtocol protocol) {
  internal::EnsureEacInitialized();
  int nid = NID_undef;
  switch (protocol) {
    case EacProtocol::kPace:
      nid = NID_id_PACE_ECDH_GM_AES_CBC_CMAC_128;
      break;
    case EacProtocol::kTa:
      nid = NID_id_TA_ECDSA_SHA_256;
      break;
    case EacProtocol::kCa:
      nid = NID_id_CA_ECDH_AES_CBC_CMAC_128;
      break;
    case EacProtocol::kRi:
      nid = NID_id_RI_ECDH_SHA_256;
      break;
  }
  const Bytes tlv = Oid(nid);
  return Bytes(tlv.begin() + 2, tlv.end());
}

Bytes EncodeCardAccess() {
  internal::EnsureEacInitialized();  // the NID_id_* values exist only after EAC_init()
  Bytes set;
  Append(set, Seq({Oid(NID_id_PACE_ECDH_GM_AES_CBC_CMAC_128), Int(2),
                   Int(kStandardizedDomainParameterId)}));
  Append(set, Seq({Oid(NID_id_TA), Int(2)}));
  Append(set, Seq({Oid(NID_id_CA_ECDH_AES_CBC_CMAC_128), Int(2), Int(kChipAuthenticationKeyId)}));
  Append(set,
         Seq({Oid(NID_id_CA_ECDH),
              Seq({Oid(NID_standardizedDomainParameters), Int(kStandardizedDomainParameterId)}),
              Int(kChipAuthenticationKeyId)}));
  Append(set, Seq({Oid(NID_id_RI_ECDH_SHA_256), Seq({Int(1), Int(kRestrictedIdentificationKeyId),
                                                     card::EncodeTlv(0x01, Bytes{0xFF})})}));
  return card::EncodeTlv(0x31, set);
}

Result<Bytes> EncodeCardSecurity(ByteView ca_public_point) {
  internal::EnsureEacInitialized();
  RETURN_IF_ERROR(CheckPublicPoint(ca_public_point));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>(kCurveName.data()), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                        const_cast<std::uint8_t*>(ca_public_point.data()),
                                        ca_public_point.size()),
      OSSL_PARAM_construct_end()};
  internal::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return internal::LibraryError(StatusCode::kInternal, "cannot build the CA public key");
  }
  EvpPkeyPtr key(raw);
  unsigned char* spki = nullptr;
  const int len = i2d_PUBKEY(key.get(), &spki);
  internal::OpenSslBytesPtr owner(spki);
  if (len <= 0) return internal::LibraryError(StatusCode::kInternal, "cannot encode the SPKI");
  const Bytes spki_der(spki, spki + len);
  return card::EncodeTlv(0x31, Seq({Oid(NID_id_PK_ECDH), spki_der, Int(kChipAuthenticationKeyId)}));
}

Result<Bytes> ParseCardSecurity(ByteView card_security) {
  internal::EnsureEacInitialized();
  auto set = card::ParseTlv(card_security, card::TlvMode::kStrict);
  if (!set.ok()) return set.status().WithContext("EF.CardSecurity");
  if (set->header.tag != 0x31 || set->header.total_length() != card_security.size()) {
    return InvalidArgumentError("EF.CardSecurity is not one SET of SecurityInfos");
  }
  ASSIGN_OR_RETURN(auto infos, card::ParseChildren(*set, card::TlvMode::kStrict));
  const Bytes pk_oid = Oid(NID_id_PK_ECDH);
  for (const card::Tlv& info : infos) {
    if (info.header.tag != 0x30) continue;
    ASSIGN_OR_RETURN(auto fields, card::ParseChildren(info, card::TlvMode::kStrict));
    if (fields.size() != 3 || fields[0].header.tag != 0x06 ||
        !std::equal(pk_oid.begin() + 2, pk_oid.end(), fields[0].value.begin(),
                    fields[0].value.end())) {
      continue;
    }
    const std::uint8_t* p = fields[1].value.data() - fields[1].header.header_length;
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(fields[1].header.total_length())));
    if (!key) {
      return internal::LibraryError(StatusCode::kInvalidArgument,
                                    "EF.CardSecurity: CA public key does not decode");
    }
    Bytes point(kPointSize);
    std::size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                        point.size(), &n) != 1 ||
        n != kPointSize) {
      return internal::LibraryError(StatusCode::kInvalidArgument,
                                    "EF.CardSecurity: CA public key is not brainpoolP256r1");
    }
    RETURN_IF_ERROR(CheckPublicPoint(point));
    return point;
  }
  return InvalidArgumentError("EF.CardSecurity holds no ChipAuthenticationPublicKeyInfo");
}

}  // namespace sekisho::badge
