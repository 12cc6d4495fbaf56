// Card-verifiable certificates and key IDs as the My Number Card's text and face APs hold them
// (spec mynumber-card.md §6 EF 0004, §7.1 EF 0004). Their issuer keys belong to J-LIS and are
// not on the card; the simulator fills the issuer signature with seed-derived opaque bytes.
#pragma once

#include <string_view>

#include "base/bytes.h"

namespace sekisho::card::sim {

// 16-byte key ID: `ascii` (7 characters) `08 05` "001" `00 00 00 00`, the layout of the issuer
// key ID "5000033" in spec §6.
Bytes JlisKeyId(std::string_view ascii);

// `90 03 01 00 01 91 82 01 00` + 256-byte modulus: an RSA-2048 public key in the card's own
// encoding (exponent 65537).
Bytes CardPublicKey(ByteView modulus);

// `7F 21 82 02 33` { `5F 4E 82 01 29` {issuer ID, subject ID, CardPublicKey(modulus)},
// `5F 37 82 01 00` signature } = 568 bytes for a 256-byte modulus and signature.
Bytes CvCertificate(ByteView issuer_key_id, ByteView subject_key_id, ByteView modulus,
                    ByteView signature);

}  // namespace sekisho::card::sim
