// The keyed identifiers of DESIGN.md §3: per-organisation pseudonyms of a card's key, the keyed
// certificate serial for CRL matching, and the display form people read and type.
// Format: docs/formats/identifiers.md.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "identity/hmac.h"
#include "identity/org_key.h"

namespace sekisho::identity {

// Domain-separation labels: ASCII, no terminator, prefixed to the HMAC input.
inline constexpr std::string_view kPseudonymLabel = "sekisho/psn/v1";
inline constexpr std::string_view kRiPseudonymLabel = "sekisho/psn/ri/v1";
inline constexpr std::string_view kKeyedSerialLabel = "sekisho/serial/v1";

inline constexpr std::size_t kPseudonymSize = 32;
// The display form shows the first 10 bytes: 16 base32 characters, 80 bits.
inline constexpr std::size_t kDisplayBytes = 10;

// psn = HMAC-SHA256(K_org, "sekisho/psn/v1" || spki_der) for a `jpki` credential, where spki_der
// is the certificate's DER SubjectPublicKeyInfo exactly as encoded in it
// (pki::Certificate::SubjectPublicKeyInfoDer()). 32 bytes.
Bytes Pseudonym(const OrgKey& k_org, ByteView spki_der);

// psn = HMAC-SHA256(K_org, "sekisho/psn/ri/v1" || ri) for `badge` / `free-area` credentials,
// where ri is the chip's Restricted Identification output (BSI TR-03110-3 §3.5). 32 bytes.
Bytes RiPseudonym(const OrgKey& k_org, ByteView ri);

// HMAC-SHA256(K_org, "sekisho/serial/v1" || SHA-256(issuer_dn_der) || serial), where serial is
// the minimal big-endian magnitude of the serial number (leading 0x00 bytes are removed here,
// so a certificate's and a CRL entry's encodings of one serial agree). 32 bytes.
Bytes KeyedSerial(const OrgKey& k_org, ByteView issuer_dn_der, ByteView serial);

// KeyedSerial for many serials of one issuer (the entries of a CRL): the HMAC state after the
// label and the issuer hash is computed once. The same values, several times faster. Const
// methods may be called from several threads at once.
class KeyedSerialHasher {
 public:
  KeyedSerialHasher(const OrgKey& k_org, ByteView issuer_dn_der);
  // KeyedSerial(k_org, issuer_dn_der, serial).
  Bytes Of(ByteView serial) const;

 private:
  HmacSha256Prefixed hmac_;
};

// "XXXX-XXXX-XXXX-XXXX-C": base32 (RFC 4648 §6, A-Z2-7) of the first 10 bytes of `psn`, in
// groups of four, then one check character computed with the Luhn mod N algorithm (N = 32) over
// the 16 symbols. Precondition: psn.size() >= 10 (aborts otherwise: a caller bug).
std::string DisplayPseudonym(ByteView psn);

// The 10 bytes a display pseudonym shows. Case-insensitive; '-' and ' ' anywhere are ignored.
// kInvalidArgument naming the problem: a character outside A-Z2-7 (with its position), a
// length other than 17 symbols, or a check character that does not match (a typing error).
Result<Bytes> ParseDisplayPseudonym(std::string_view text);

// The Luhn mod N check character (N = 32, base32 alphabet) for base32 `symbols`.
// Precondition: every character is in the base32 alphabet (upper or lower case).
char LuhnMod32CheckCharacter(std::string_view symbols);

}  // namespace sekisho::identity
