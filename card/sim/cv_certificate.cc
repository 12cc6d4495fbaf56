#include "card/sim/cv_certificate.h"

#include "card/sim/card_tlv_forms.h"
#include "card/tlv.h"

namespace sekisho::card::sim {

Bytes JlisKeyId(std::string_view ascii) {
  Bytes id = ToBytes(ascii.substr(0, 7));
  id.resize(7, '0');
  Append(id, Bytes{0x08, 0x05, '0', '0', '1', 0x00, 0x00, 0x00, 0x00});
  return id;
}

Bytes CardPublicKey(ByteView modulus) {
  static constexpr std::uint8_t kExponent[] = {0x01, 0x00, 0x01};
  return Concat({EncodeTlv(0x90, kExponent), EncodeTlv82(0x91, modulus)});
}

Bytes CvCertificate(ByteView issuer_key_id, ByteView subject_key_id, ByteView modulus,
                    ByteView signature) {
  const Bytes body =
      EncodeTlv82(0x5F4E, Concat({issuer_key_id, subject_key_id, CardPublicKey(modulus)}));
  return EncodeTlv82(0x7F21, Concat({body, EncodeTlv82(0x5F37, signature)}));
}

}  // namespace sekisho::card::sim
