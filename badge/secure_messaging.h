// Secure messaging of an EAC session with AES-128 keys (BSI TR-03110-3 App. F; ISO/IEC
// 7816-4:2020 §10): DO 87 (padding indicator 01 + AES-CBC cryptogram, IV = E(K_enc, SSC)),
// DO 97 (Le), DO 99 (status word) and DO 8E (CMAC-AES over SSC || padded header || padded DOs,
// 8 bytes). The send sequence counter (16 bytes) is incremented before every command and every
// response, so a replayed or reordered APDU fails its MAC. The cryptography is OpenPACE's.
#pragma once

#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"
#include "card/command_apdu.h"
#include "card/response_apdu.h"

struct eac_ctx;  // OpenPACE's EAC_CTX; only badge/*.cc include OpenPACE headers.

namespace sekisho::badge {

inline constexpr std::size_t kSmKeySize = 16;  // AES-128 (id-CA-ECDH-AES-CBC-CMAC-128)
inline constexpr std::size_t kSmBlockSize = 16;
inline constexpr std::size_t kSmMacSize = 8;
// ISO/IEC 7816-4 §5.6 Table 6 values a card gives for bad SM.
inline constexpr std::uint16_t kSwSmObjectsMissing = 0x6987;
inline constexpr std::uint16_t kSwSmObjectsIncorrect = 0x6988;

// The session keys PACE or Chip Authentication derive (TR-03110-3 App. A.2.3).
struct SmKeys {
  SecretBytes k_enc;
  SecretBytes k_mac;
};

// ISO/IEC 9797-1 padding method 2: 80 then 00 up to a multiple of the block size (always adds).
Bytes IsoPad(ByteView data);
// The reverse. kInvalidArgument when the length is not a positive multiple of the block size or
// the last non-zero byte of the final block is not 80.
Result<Bytes> IsoUnpad(ByteView padded);

// One secure-messaging session, used by one side (terminal: WrapCommand/UnwrapResponse; card:
// UnwrapCommand/WrapResponse). Any failed unwrap ends the session: every later call fails with
// kFailedPrecondition (TR-03110-3 App. F: the keys are destroyed on an SM error).
class SmSession {
 public:
  // kInvalidArgument unless both keys are kSmKeySize bytes; kInternal if OpenPACE cannot set up
  // its context. The SSC starts at 0.
  static Result<SmSession> Create(SecretBytes k_enc, SecretBytes k_mac);
  static Result<SmSession> Create(SmKeys keys) {
    return Create(std::move(keys.k_enc), std::move(keys.k_mac));
  }

  // Terminal: the protected form of `command` (CLA | 0C). Case 1-4 commands, short or extended
  // (extended when the protected data needs it). kInvalidArgument if it does not encode.
  Result<Bytes> WrapCommand(const card::CommandApdu& command);
  // Terminal: the plain response of a protected one. kInvalidArgument when DO 99 or DO 8E is
  // missing, an object is malformed or unexpected, or the plain status word disagrees with
  // DO 99; kUnauthenticated when the MAC does not verify (tampered, replayed or out of order).
  Result<card::ResponseApdu> UnwrapResponse(ByteView response);

  // Card: the plain command of a protected one. kInvalidArgument for a command that is not an
  // SM command (CLA without 0C), lacks DO 8E, has objects out of order, unknown or malformed,
  // a bad padding indicator, or a cryptogram that is not whole blocks or badly padded;
  // kUnauthenticated when the MAC does not verify.
  Result<card::CommandApdu> UnwrapCommand(ByteView command);
  // Card: the protected form of `response` (DO 87 if data, DO 99, DO 8E; the status word is
  // repeated in clear). kFailedPrecondition after a failed unwrap.
  Result<Bytes> WrapResponse(const card::ResponseApdu& response);

  bool broken() const { return broken_; }

 private:
  struct ContextDeleter {
    void operator()(::eac_ctx* ctx) const;
  };
  using ContextPtr = std::unique_ptr<::eac_ctx, ContextDeleter>;

  explicit SmSession(ContextPtr ctx);
  Status IncrementSsc();
  Result<Bytes> Pad(ByteView data) const;
  Result<Bytes> Mac(ByteView padded_message) const;
  Status VerifyMac(ByteView padded_message, ByteView mac) const;
  Result<Bytes> Encrypt(ByteView plain) const;
  Result<Bytes> Decrypt(ByteView cryptogram) const;
  Status Fail(Status status);

  // An EAC_CTX whose secure-messaging key context holds k_enc, k_mac and the SSC.
  ContextPtr ctx_;
  bool broken_ = false;
};

}  // namespace sekisho::badge
