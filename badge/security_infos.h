// The badge's SecurityInfos (BSI TR-03110-3 App. A.1.1): EF.CardAccess, readable by anyone and
// identical on every badge of a batch, and EF.CardSecurity, readable only after Terminal
// Authentication, carrying the batch's Chip Authentication public key.
#pragma once

#include "base/bytes.h"
#include "base/result.h"

namespace sekisho::badge {

// The key references of the batch CA key and the chip's RI key (TR-03110-3 App. A.1.1.2, keyId).
inline constexpr int kChipAuthenticationKeyId = 1;
inline constexpr int kRestrictedIdentificationKeyId = 1;

// The protocols of the badge's sequence, for MSE:SET AT tag 80 (TR-03110-3 App. B.11.1).
enum class EacProtocol {
  kPace,  // id-PACE-ECDH-GM-AES-CBC-CMAC-128
  kTa,    // id-TA-ECDSA-SHA-256
  kCa,    // id-CA-ECDH-AES-CBC-CMAC-128
  kRi,    // id-RI-ECDH-SHA-256
};
// The OID's content octets (no tag or length).
Bytes ProtocolOid(EacProtocol protocol);

// SET { PACEInfo (id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, parameterId 13),
//       TerminalAuthenticationInfo (id-TA, version 2),
//       ChipAuthenticationInfo (id-CA-ECDH-AES-CBC-CMAC-128, version 2, keyId),
//       ChipAuthenticationDomainParameterInfo (id-CA-ECDH, standardized 13, keyId),
//       RestrictedIdentificationInfo (id-RI-ECDH-SHA-256, version 1, keyId, authorizedOnly) }.
Bytes EncodeCardAccess();

// SET { ChipAuthenticationPublicKeyInfo (id-PK-ECDH, SubjectPublicKeyInfo of the CA key, keyId) }.
// kInvalidArgument when the point is not on brainpoolP256r1.
Result<Bytes> EncodeCardSecurity(ByteView ca_public_point);

// The CA public point from EncodeCardSecurity's form. kInvalidArgument naming the defect.
Result<Bytes> ParseCardSecurity(ByteView card_security);

}  // namespace sekisho::badge
