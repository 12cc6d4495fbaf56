#include "pki/rsa_key.h"

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <string>

#include "base/secret.h"

namespace sekisho::pki {
namespace {

Status RsaKeyFailure(std::string_view what) {
  return InternalError(std::string(what) + ": " + OpenSslErrorText());
}

Status CheckBits(int bits) {
  if (bits < kMinRsaBits || bits > kMaxRsaBits || bits % 16 != 0) {
    return InvalidArgumentError("RSA key size " + std::to_string(bits) +
                                " bits: must be a multiple of 16 from " +
                                std::to_string(kMinRsaBits) + " to " + std::to_string(kMaxRsaBits));
  }
  return OkStatus();
}

BignumPtr NewBn() { return BignumPtr(BN_secure_new()); }

// Draws a `prime_bits`-bit probable prime p with gcd(e, p - 1) = 1 from `random` (see
// GenerateRsaKey). The stepping search is deterministic; BN_check_prime's own random witnesses
// only affect how fast composites are rejected, not which number is returned.
Result<BignumPtr> DrawPrime(Random& random, int prime_bits, const BIGNUM& e, BN_CTX* ctx) {
  const std::size_t size = static_cast<std::size_t>(prime_bits) / 8;
  BignumPtr p = NewBn();
  BignumPtr p_minus_1 = NewBn();
  BignumPtr gcd = NewBn();
  if (!p || !p_minus_1 || !gcd) return RsaKeyFailure("RSA key generation");
  for (;;) {
    Bytes draw = random.Generate(size);
    draw[0] |= 0xC0;  // top two bits: p * q then has exactly 2 * prime_bits bits
    draw[size - 1] |= 0x01;
    const bool converted = BN_bin2bn(draw.data(), static_cast<int>(size), p.get()) != nullptr;
    WipeBytes(draw);
    if (!converted) return RsaKeyFailure("RSA key generation");
    while (BN_num_bits(p.get()) == prime_bits) {
      if (!BN_sub(p_minus_1.get(), p.get(), BN_value_one()) ||
          !BN_gcd(gcd.get(), p_minus_1.get(), &e, ctx)) {
        return RsaKeyFailure("RSA key generation");
      }
      if (BN_is_one(gcd.get())) {
        const int prime = BN_check_prime(p.get(), ctx, nullptr);
        if (prime < 0) return RsaKeyFailure("RSA key generation: primality test");
        if (prime == 1) return p;
      }
      if (!BN_add_word(p.get(), 2)) return RsaKeyFailure("RSA key generation");
    }
    // Stepped past 2^prime_bits (vanishingly rare): draw a fresh candidate.
  }
}

bool IsRsa(const EVP_PKEY& key) { return EVP_PKEY_is_a(&key, "RSA") == 1; }

bool HasRsaPrivatePart(const EVP_PKEY& key) {
  BIGNUM* d = nullptr;
  const bool has = EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_RSA_D, &d) == 1 && d != nullptr;
  BignumPtr owned(d);
  ERR_clear_error();
  return has;
}

Status CheckRsaPrivateKey(const EVP_PKEY& key) {
  if (!IsRsa(key)) return InvalidArgumentError("RSA signature: key is not an RSA key");
  if (!HasRsaPrivatePart(key)) {
    return InvalidArgumentError("RSA signature: key has no private part");
  }
  return OkStatus();
}

// OpenSSL's EVP_PKEY_CTX and EVP_DigestSign/VerifyInit take a non-const EVP_PKEY only to bump
// its reference count; the key itself is not modified.
EVP_PKEY* Mutable(const EVP_PKEY& key) { return const_cast<EVP_PKEY*>(&key); }

int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

// STACK_OF(ASN1_TYPE), as d2i_ASN1_SEQUENCE_ANY returns it.
void FreeSequenceAny(ASN1_SEQUENCE_ANY* sequence) {
  sk_ASN1_TYPE_pop_free(sequence, ASN1_TYPE_free);
}
using Asn1SequenceAnyPtr = OpenSslPtr<ASN1_SEQUENCE_ANY, FreeSequenceAny>;
using X509AlgorPtr = OpenSslPtr<X509_ALGOR, X509_ALGOR_free>;

Status NotAnSpki(std::string_view why) {
  return InvalidArgumentError("public key DER: not a SubjectPublicKeyInfo: " + std::string(why));
}

// The element at `index` of a decoded SEQUENCE when it has the universal type `type`, else null.
const ASN1_TYPE* ElementOfType(const ASN1_SEQUENCE_ANY& sequence, int index, int type) {
  if (index >= sk_ASN1_TYPE_num(&sequence)) return nullptr;
  const ASN1_TYPE* element = sk_ASN1_TYPE_value(&sequence, index);
  return ASN1_TYPE_get(element) == type ? element : nullptr;
}

// A positive INTEGER as OSSL_PARAM(3) takes an unsigned integer: its magnitude in native byte
// order. kInvalidArgument naming `what` otherwise.
Result<Bytes> PositiveIntegerNative(const ASN1_TYPE* element, std::string_view what) {
  // OpenSSL keeps an INTEGER as its big-endian magnitude with the sign in the string's type
  // (V_ASN1_NEG_INTEGER), having refused non-minimal encodings.
  if (element == nullptr || ASN1_TYPE_get(element) != V_ASN1_INTEGER ||
      ASN1_STRING_type(element->value.integer) != V_ASN1_INTEGER) {
    return NotAnSpki("the RSA " + std::string(what) + " is not a positive INTEGER");
  }
  const ASN1_INTEGER& integer = *element->value.integer;
  const unsigned char* data = ASN1_STRING_get0_data(&integer);
  Bytes value(data, data + ASN1_STRING_length(&integer));
  if (std::all_of(value.begin(), value.end(), [](std::uint8_t b) { return b == 0; })) {
    return NotAnSpki("the RSA " + std::string(what) + " is zero");
  }
  static_assert(std::endian::native == std::endian::little ||
                std::endian::native == std::endian::big);
  if constexpr (std::endian::native == std::endian::little)
    std::reverse(value.begin(), value.end());
  return value;
}

// An rsaEncryption key: the parameters are NULL (RFC 3279 §2.3.1; absent is tolerated, as
// OpenSSL does) and the BIT STRING holds, with no unused bits, RSAPublicKey ::= SEQUENCE {
// modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1). The key is built from n and e
// with EVP_PKEY_fromdata: OpenSSL 3's generic decoder (d2i_PUBKEY) costs several times an RSA
// verification, which a door pays on every authentication.
Result<EvpPkeyPtr> RsaPublicKeyFromSpki(int parameters_type, const ASN1_BIT_STRING& key_bits) {
  if (parameters_type != V_ASN1_NULL && parameters_type != V_ASN1_UNDEF) {
    return NotAnSpki("rsaEncryption parameters are not NULL");
  }
  // X.690 §8.6.2.2: the initial octet (kept in the flags by OpenSSL) counts the unused bits.
  if ((key_bits.flags & ASN1_STRING_FLAG_BITS_LEFT) != 0 && (key_bits.flags & 0x07) != 0) {
    return NotAnSpki("the RSA public key BIT STRING has unused bits");
  }
  const unsigned char* p = ASN1_STRING_get0_data(&key_bits);
  const long size = ASN1_STRING_length(&key_bits);
  Asn1SequenceAnyPtr rsa_public_key(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, size));
  if (!rsa_public_key) {
    return NotAnSpki("the RSAPublicKey does not parse: " + OpenSslErrorText());
  }
  if (p != ASN1_STRING_get0_data(&key_bits) + size || sk_ASN1_TYPE_num(rsa_public_key.get()) != 2) {
    return NotAnSpki("the RSAPublicKey is not SEQUENCE { modulus, publicExponent }");
  }
  ASSIGN_OR_RETURN(Bytes n,
                   PositiveIntegerNative(sk_ASN1_TYPE_value(rsa_public_key.get(), 0), "modulus"));
  ASSIGN_OR_RETURN(Bytes e, PositiveIntegerNative(sk_ASN1_TYPE_value(rsa_public_key.get(), 1),
                                                  "public exponent"));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_N, n.data(), n.size()),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_E, e.data(), e.size()),
      OSSL_PARAM_construct_end(),
  };
  // One import context per thread: creating it looks the RSA key manager up by name, which costs
  // as much as the import itself.
  thread_local const EvpPkeyCtxPtr import_ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!import_ctx || EVP_PKEY_fromdata_init(import_ctx.get()) != 1) {
    return RsaKeyFailure("public key DER: import");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(import_ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return RsaKeyFailure("public key DER: import");
  }
  return EvpPkeyPtr(raw);
}

// Any SubjectPublicKeyInfo OpenSSL knows, through its generic decoder.
Result<EvpPkeyPtr> PublicKeyFromDerByDecoder(ByteView spki) {
  const unsigned char* p = spki.data();
  EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!key) return NotAnSpki(OpenSslErrorText());
  if (p != spki.data() + spki.size()) {
    return InvalidArgumentError("public key DER: " + std::to_string(spki.data() + spki.size() - p) +
                                " trailing bytes after the SubjectPublicKeyInfo");
  }
  return key;
}

}  // namespace

Result<EvpPkeyPtr> GenerateRsaKey(Random& random, int bits) {
  RETURN_IF_ERROR(CheckBits(bits));
  const int prime_bits = bits / 2;
  BnCtxPtr ctx(BN_CTX_secure_new());
  BignumPtr e(BN_new());
  if (!ctx || !e || !BN_set_word(e.get(), kRsaPublicExponent)) {
    return RsaKeyFailure("RSA key generation");
  }
  ASSIGN_OR_RETURN(BignumPtr p, DrawPrime(random, prime_bits, *e, ctx.get()));

  BignumPtr q;
  BignumPtr n = NewBn();
  BignumPtr d = NewBn();
  BignumPtr p1 = NewBn();
  BignumPtr q1 = NewBn();
  BignumPtr phi = NewBn();
  BignumPtr gcd = NewBn();
  BignumPtr lcm = NewBn();
  BignumPtr diff = NewBn();
  BignumPtr dmp1 = NewBn();
  BignumPtr dmq1 = NewBn();
  BignumPtr iqmp = NewBn();
  for (const BignumPtr* bn : {&n, &d, &p1, &q1, &phi, &gcd, &lcm, &diff, &dmp1, &dmq1, &iqmp}) {
    if (!*bn) return RsaKeyFailure("RSA key generation");
  }
  for (;;) {
    ASSIGN_OR_RETURN(q, DrawPrime(random, prime_bits, *e, ctx.get()));
    // FIPS 186-4 §B.3.1 step 5.4: |p - q| > 2^(nlen/2 - 100).
    if (!BN_sub(diff.get(), p.get(), q.get())) return RsaKeyFailure("RSA key generation");
    BN_set_negative(diff.get(), 0);
    if (BN_num_bits(diff.get()) <= prime_bits - 100) continue;
    // d = e^-1 mod lcm(p - 1, q - 1) (FIPS 186-4 §B.3.1 step 3).
    if (!BN_sub(p1.get(), p.get(), BN_value_one()) || !BN_sub(q1.get(), q.get(), BN_value_one()) ||
        !BN_mul(phi.get(), p1.get(), q1.get(), ctx.get()) ||
        !BN_gcd(gcd.get(), p1.get(), q1.get(), ctx.get()) ||
        !BN_div(lcm.get(), nullptr, phi.get(), gcd.get(), ctx.get()) ||
        BN_mod_inverse(d.get(), e.get(), lcm.get(), ctx.get()) == nullptr) {
      return RsaKeyFailure("RSA key generation");
    }
    // FIPS 186-4 §B.3.1 step 3(b): d > 2^(nlen/2); otherwise draw q again.
    if (BN_num_bits(d.get()) > prime_bits) break;
  }
  if (!BN_mul(n.get(), p.get(), q.get(), ctx.get()) ||
      !BN_mod(dmp1.get(), d.get(), p1.get(), ctx.get()) ||
      !BN_mod(dmq1.get(), d.get(), q1.get(), ctx.get()) ||
      BN_mod_inverse(iqmp.get(), q.get(), p.get(), ctx.get()) == nullptr) {
    return RsaKeyFailure("RSA key generation");
  }

  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp.get())) {
    return RsaKeyFailure("RSA key generation: parameters");
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr pctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!params || !pctx || EVP_PKEY_fromdata_init(pctx.get()) != 1) {
    return RsaKeyFailure("RSA key generation: import");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(pctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return RsaKeyFailure("RSA key generation: import");
  }
  return EvpPkeyPtr(raw);
}

Result<EvpPkeyPtr> GenerateRsaKeyOs(int bits) {
  RETURN_IF_ERROR(CheckBits(bits));
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  if (!key) return RsaKeyFailure("RSA key generation");
  return key;
}

Result<std::string> PrivateKeyToPem(const EVP_PKEY& key) {
  // Secure-heap memory BIO: the PEM text is key material.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio) return RsaKeyFailure("private key PEM");
  if (PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return InvalidArgumentError("private key PEM: cannot encode (no private part?): " +
                                OpenSslErrorText());
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return RsaKeyFailure("private key PEM");
  return std::string(data, static_cast<std::size_t>(size));
}

Result<EvpPkeyPtr> PrivateKeyFromPem(std::string_view pem) {
  if (pem.size() > INT_MAX) return InvalidArgumentError("private key PEM: input too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return RsaKeyFailure("private key PEM");
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) {
    return InvalidArgumentError("private key PEM: not an unencrypted private key: " +
                                OpenSslErrorText());
  }
  return key;
}

Result<Bytes> PublicKeyToDer(const EVP_PKEY& key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(&key, &der);
  if (size <= 0 || der == nullptr) {
    return InvalidArgumentError("public key DER: cannot encode: " + OpenSslErrorText());
  }
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

Result<EvpPkeyPtr> PublicKeyFromDer(ByteView spki) {
  if (spki.size() > LONG_MAX) return InvalidArgumentError("public key DER: input too large");
  // RFC 5280 §4.1.2.7: SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
  // subjectPublicKey BIT STRING }.
  const unsigned char* p = spki.data();
  Asn1SequenceAnyPtr outer(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, static_cast<long>(spki.size())));
  if (!outer) return NotAnSpki(OpenSslErrorText());
  if (p != spki.data() + spki.size()) {
    return InvalidArgumentError("public key DER: " + std::to_string(spki.data() + spki.size() - p) +
                                " trailing bytes after the SubjectPublicKeyInfo");
  }
  const ASN1_TYPE* algorithm = ElementOfType(*outer, 0, V_ASN1_SEQUENCE);
  const ASN1_TYPE* subject_public_key = ElementOfType(*outer, 1, V_ASN1_BIT_STRING);
  if (sk_ASN1_TYPE_num(outer.get()) != 2 || algorithm == nullptr || subject_public_key == nullptr) {
    return NotAnSpki("not a SEQUENCE { AlgorithmIdentifier, BIT STRING }");
  }
  const ASN1_STRING& algorithm_der = *algorithm->value.sequence;
  const unsigned char* q = ASN1_STRING_get0_data(&algorithm_der);
  X509AlgorPtr algor(d2i_X509_ALGOR(nullptr, &q, ASN1_STRING_length(&algorithm_der)));
  if (!algor) return NotAnSpki("the AlgorithmIdentifier does not parse: " + OpenSslErrorText());
  const ASN1_OBJECT* oid = nullptr;
  int parameters_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(&oid, &parameters_type, nullptr, algor.get());
  if (OBJ_obj2nid(oid) == NID_rsaEncryption) {
    return RsaPublicKeyFromSpki(parameters_type, *subject_public_key->value.bit_string);
  }
  // Other algorithms (EC, RSASSA-PSS, ...): OpenSSL's decoders, slower but general.
  return PublicKeyFromDerByDecoder(spki);
}

Result<Bytes> SignPkcs1Raw(const EVP_PKEY& key, ByteView input) {
  RETURN_IF_ERROR(CheckRsaPrivateKey(key));
  const std::size_t modulus_size = static_cast<std::size_t>(EVP_PKEY_get_size(&key));
  // RFC 8017 §9.2 step 3: emLen >= tLen + 11 (0x00 0x01, at least 8 x 0xFF, 0x00).
  if (input.empty() || input.size() + RSA_PKCS1_PADDING_SIZE > modulus_size) {
    return InvalidArgumentError("RSA signature: input of " + std::to_string(input.size()) +
                                " bytes; must be 1 to " +
                                std::to_string(modulus_size - RSA_PKCS1_PADDING_SIZE));
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(Mutable(key), nullptr));
  // No signature digest is set, so the provider pads `input` as is (RSA_private_encrypt).
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
    return RsaKeyFailure("RSA signature");
  }
  std::size_t size = modulus_size;
  Bytes signature(size);
  if (EVP_PKEY_sign(ctx.get(), signature.data(), &size, input.data(), input.size()) != 1) {
    return RsaKeyFailure("RSA signature");
  }
  signature.resize(size);
  return signature;
}

Result<Bytes> SignPkcs1Sha256(const EVP_PKEY& key, ByteView message) {
  RETURN_IF_ERROR(CheckRsaPrivateKey(key));
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, Mutable(key)) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    return RsaKeyFailure("RSA signature");
  }
  std::size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()) != 1) {
    return RsaKeyFailure("RSA signature");
  }
  Bytes signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()) != 1) {
    return RsaKeyFailure("RSA signature");
  }
  signature.resize(size);
  return signature;
}

Status VerifyPkcs1Sha256(const EVP_PKEY& public_key, ByteView message, ByteView signature) {
  if (!IsRsa(public_key)) {
    return InvalidArgumentError("RSA signature verification: key is not an RSA key");
  }
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(&public_key))) {
    return UnauthenticatedError("signature does not verify (length " +
                                std::to_string(signature.size()) + " is not the modulus size)");
  }
  // RFC 8017 §8.2.2 with EMSA-PKCS1-v1_5 (§9.2): hash the message, then verify the DigestInfo.
  // SHA-256 is fetched once per process (an implicit fetch per call costs more than the hash).
  static const EvpMdPtr sha256(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, Mutable(public_key), nullptr));
  if (!sha256 || !ctx ||
      EVP_Digest(message.data(), message.size(), digest, &digest_size, sha256.get(), nullptr) != 1 ||
      EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), sha256.get()) != 1) {
    return RsaKeyFailure("RSA signature verification");
  }
  const int verified =
      EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest, digest_size);
  // A mismatch leaves reasons on the error queue; they say nothing the caller needs.
  ERR_clear_error();
  if (verified != 1) return UnauthenticatedError("signature does not verify");
  return OkStatus();
}

}  // namespace sekisho::pki
