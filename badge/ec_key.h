// Elliptic-curve keys of the badge system. Every EAC key (CVCA, DV, terminal, chip CA and RI
// keys, the organisation's RI sector key) is on brainpoolP256r1 (RFC 5639 §3.4), the
// standardized domain parameters with ID 13 of BSI TR-03110-3 App. A.2.1.1.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"

namespace sekisho::badge {

inline constexpr std::string_view kCurveName = "brainpoolP256r1";
inline constexpr int kStandardizedDomainParameterId = 13;  // TR-03110-3 Table 4
inline constexpr std::size_t kFieldSize = 32;
// Uncompressed point 04 || X || Y (BSI TR-03111 §3.2.1).
inline constexpr std::size_t kPointSize = 1 + 2 * kFieldSize;
// Plain ECDSA signature r || s (BSI TR-03111 §5.2.1), as CV certificates and TA carry it.
inline constexpr std::size_t kPlainSignatureSize = 2 * kFieldSize;

struct EcKeyPair {
  SecretBytes private_pkcs8;  // PKCS#8 DER of the private key; wiped when it dies
  Bytes public_point;         // uncompressed, kPointSize bytes
};

// A fresh key pair from OpenSSL's CSPRNG. kInternal if OpenSSL fails.
Result<EcKeyPair> GenerateEcKeyPair();

// The uncompressed public point of a PKCS#8 private key. kInvalidArgument when the bytes are not
// a PKCS#8 EC key on brainpoolP256r1.
Result<Bytes> PublicPointOf(const SecretBytes& private_pkcs8);

// kOk when `point` is an uncompressed point on brainpoolP256r1 (not the point at infinity);
// kInvalidArgument otherwise.
Status CheckPublicPoint(ByteView point);

// ECDSA-SHA-256 over `message` with a PKCS#8 private key, plain format (r || s).
// kInvalidArgument for a key that does not load.
Result<Bytes> SignPlain(const SecretBytes& private_pkcs8, ByteView message);

// kOk when `signature` (r || s) is a valid ECDSA-SHA-256 signature of `message` under the public
// point; kInvalidArgument for a malformed point or signature size, kUnauthenticated when the
// signature does not verify.
Status VerifyPlain(ByteView public_point, ByteView message, ByteView signature);

}  // namespace sekisho::badge
