// The cryptography of one EAC session, chip side (EacChip) and terminal side (EacTerminal), over
// OpenPACE: PACE v2 with Generic Mapping (TR-03110-2 §3.2), Chip Authentication v2 (§3.4),
// Restricted Identification (§3.5), and the Terminal Authentication v2 message (§3.3). No APDUs
// here: card/sim/badge_applet.h and badge/badge_terminal.h carry these values in GENERAL
// AUTHENTICATE and friends. Neither class is thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "badge/secure_messaging.h"
#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"

namespace sekisho::badge {

// The PACE password, and its reference in MSE:SET AT tag 83 (TR-03110-3 App. B.11.1, Table 40).
enum class PacePassword : std::uint8_t { kCan = 0x02, kPin = 0x03 };

// Comp(PK) for ECDH keys: the x coordinate of an uncompressed point (TR-03110-3 App. A.2.2.3).
// Empty when `point` is not kPointSize bytes.
Bytes CompressedPoint(ByteView point);

// The message a terminal signs in Terminal Authentication v2 (TR-03110-2 §3.3.2):
// ID_PICC || r_PICC || Comp(~PK_PCD), ID_PICC being Comp of the chip's PACE ephemeral key.
Bytes TerminalAuthenticationMessage(ByteView id_picc, ByteView r_picc,
                                    ByteView comp_terminal_ephemeral);

// RI (TR-03110-2 §3.5): SHA-256 of the x coordinate of ECDH(SK_ID, PK_Sector), 32 bytes.
// kInvalidArgument for a sector key not on the curve or a private key that does not load.
Result<Bytes> RestrictedIdentifier(const SecretBytes& ri_private_pkcs8, ByteView sector_public);

class EacChip {
 public:
  // `card_access` is the chip's EF.CardAccess (EncodeCardAccess()). kInternal if OpenPACE cannot
  // set up from it.
  static Result<std::unique_ptr<EacChip>> Create(ByteView card_access);
  ~EacChip();

  // PACE, GENERAL AUTHENTICATE steps 1-4 as the chip answers them. Each returns the chip's data
  // object value; kInvalidArgument for malformed terminal data, kUnauthenticated when the
  // terminal's token does not verify (a wrong password).
  Result<Bytes> PaceStart(const SecretBytes& password, PacePassword kind);  // encrypted nonce
  Result<Bytes> PaceMap(ByteView terminal_mapping_data);                    // chip mapping data
  Result<Bytes> PaceKeyAgreement(ByteView terminal_ephemeral_public);       // chip ephemeral key
  Result<Bytes> PaceAuthenticate(ByteView terminal_token);                  // chip token
  // After PaceAuthenticate: the session keys, and ID_PICC for Terminal Authentication.
  Result<SmKeys> PaceKeys() const;
  const Bytes& pace_ephemeral_public() const { return pace_ephemeral_public_; }

  // Chip Authentication v2 with the batch key: nonce and token for the terminal, and the new
  // session keys. kInvalidArgument when the terminal key is not on the curve.
  struct CaAnswer {
    Bytes nonce;
    Bytes token;
    SmKeys keys;
  };
  Result<CaAnswer> ChipAuthenticate(const SecretBytes& ca_private_pkcs8, ByteView ca_public,
                                    ByteView terminal_ephemeral_public);

 private:
  struct Impl;
  explicit EacChip(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  Bytes pace_ephemeral_public_;
};

class EacTerminal {
 public:
  // `card_access` as read from the badge. kInvalidArgument when OpenPACE does not accept it.
  static Result<std::unique_ptr<EacTerminal>> Create(ByteView card_access);
  ~EacTerminal();

  // PACE from the terminal's side: each takes the chip's last value and returns the next value
  // to send. kInvalidArgument for chip data OpenPACE refuses; PaceVerify gives kUnauthenticated
  // when the chip's token does not verify (a wrong password or a chip that does not know it).
  Result<Bytes> PaceMapping(const SecretBytes& password, PacePassword kind,
                            ByteView encrypted_nonce);
  Result<Bytes> PaceKeyAgreement(ByteView chip_mapping_data);
  Result<Bytes> PaceToken(ByteView chip_ephemeral_public);
  Status PaceVerify(ByteView chip_token);
  Result<SmKeys> PaceKeys() const;
  const Bytes& chip_pace_ephemeral_public() const { return chip_pace_ephemeral_public_; }

  // The terminal's ephemeral CA key pair, generated now (TA v2 step 3); returns its public point.
  Result<Bytes> CaEphemeralKey();
  // Completes CA with the chip's static key (from EF.CardSecurity) and its nonce and token.
  // kUnauthenticated when the token does not verify: the chip does not hold the CA key.
  Result<SmKeys> CaFinish(ByteView chip_static_public, ByteView nonce, ByteView token);

 private:
  struct Impl;
  explicit EacTerminal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  Bytes chip_pace_ephemeral_public_;
};

}  // namespace sekisho::badge
