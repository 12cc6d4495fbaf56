// BadgeTerminal: a gate's side of the badge EAC sequence over any CardChannel
// (docs/decisions/badge-eac-sequence.md): without a password (card-only doors) SELECT, Chip
// Authentication v2, Terminal Authentication v2, Restricted Identification; with the badge PIN
// SELECT, PACE, Terminal Authentication v2, Chip Authentication v2, Restricted Identification.
// Returns the badge's identifier in the organisation's sector. Neither reads the badge's files:
// EF.CardAccess is the same on every badge and the gate holds its own copy, and the chip's
// static key is one of the gate's trusted batch keys, picked by the Chip Authentication token.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "badge/cv_certificate.h"
#include "badge/eac_session.h"
#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"
#include "card/card_channel.h"
#include "card/response_apdu.h"

namespace sekisho::badge {

// What a gate holds: its short-lived terminal certificate and key, the DV certificate above it,
// the batch Chip Authentication keys it accepts as genuine, and the organisation's RI sector
// public key (the sector private key stays with the organisation).
struct TerminalCredentials {
  Bytes dv_certificate;        // DER, issued by the organisation's CVCA
  Bytes terminal_certificate;  // DER, issued by the DV
  SecretBytes terminal_private_pkcs8;
  std::vector<Bytes> trusted_chip_keys;  // uncompressed CA public points of genuine batches
  Bytes sector_public_point;
};

// The steps, for error messages and tests.
enum class BadgeStep {
  kSelect,
  kPace,
  kTerminalAuthentication,
  kChipAuthentication,
  kRestrictedIdentification,
};
std::string_view BadgeStepName(BadgeStep step);

// The gate's certificates parsed and its sector key checked once, for every tap made with the
// same credentials (docs/performance.md "Badge authentication on the host"). Holds no secret.
class PreparedCredentials {
 public:
  // kInvalidArgument naming the malformed piece (DV certificate, terminal certificate, sector
  // public key).
  static Result<PreparedCredentials> Prepare(const TerminalCredentials& credentials);

  // Whether `credentials` have the certificates and sector key these were prepared from.
  bool Matches(const TerminalCredentials& credentials) const;

  const CvCertificate& dv() const { return dv_; }
  const CvCertificate& terminal() const { return terminal_; }

 private:
  PreparedCredentials(CvCertificate dv, CvCertificate terminal, Bytes sector_public_point)
      : dv_(std::move(dv)),
        terminal_(std::move(terminal)),
        sector_public_point_(std::move(sector_public_point)) {}
  CvCertificate dv_;
  CvCertificate terminal_;
  Bytes sector_public_point_;
};

// The RI identifier's size (SHA-256).
inline constexpr std::size_t kRestrictedIdentifierSize = 32;

// Whether a sequence starts with its own SELECT of the badge applet.
enum class AppletSelection {
  kSelect,
  // The caller has just selected the badge applet on this channel (9000) and sent nothing since:
  // the sequence starts with the command after the SELECT (a door's router, which sends the
  // SELECT to tell a badge from a My Number Card, gate/authenticator_router.h).
  kAlreadySelected,
};

class BadgeTerminal {
 public:
  // The channel and credentials must outlive the terminal.
  BadgeTerminal(card::CardChannel& channel, const TerminalCredentials& credentials);

  // The card-only sequence, without a password: SELECT, Chip Authentication in plain (the
  // token must verify under one of credentials.trusted_chip_keys), Terminal Authentication and
  // Restricted Identification under CA's secure messaging (the EAC1 order with the version 2
  // commands; docs/decisions/badge-eac-sequence.md). Returns the 32-byte sector-specific
  // identifier. Errors as ReadIdentifier's; kUnauthenticated also when the chip's token verifies
  // under no trusted batch key, kInvalidArgument when there is none. With kAlreadySelected the
  // SELECT is not sent again.
  Result<Bytes> ReadIdentifierWithoutPassword(AppletSelection selection = AppletSelection::kSelect);

  // SELECT and Chip Authentication in plain, nothing else: whether the chip is of a trusted
  // batch, before any password or anything of the terminal is sent. OK when its token verifies
  // under one of credentials.trusted_chip_keys; kUnauthenticated with chip_key_untrusted() when
  // under none; otherwise ReadIdentifierWithoutPassword's errors. The badge is left with CA's
  // secure messaging on: the next SELECT of another application ends it.
  Status CheckChip();

  // The EAC2 sequence (PACE, TA, CA, RI) with the badge PIN or the batch CAN;
  // returns the 32-byte sector-specific identifier. Errors name the step and, where the card
  // refused, its status word ("terminal authentication: PSO:VERIFY CERTIFICATE refused: 6300"):
  //   kUnauthenticated   PACE failed (wrong password), the badge refused the terminal's
  //                      certificates or signature, or the chip failed Chip Authentication or
  //                      has an untrusted CA key (not genuine);
  //   kPermissionDenied  the badge refused RI (the certificate lacks the right);
  //   kNotFound          no badge applet on the card;
  //   kDataLoss          the badge answered something malformed, or secure messaging failed;
  //   kInvalidArgument   the credentials are malformed or hold no trusted batch key;
  //   the channel's own errors (kUnavailable ...).
  Result<Bytes> ReadIdentifier(const SecretBytes& password, PacePassword kind);

  // Asked for the password once the badge has answered MSE:SET AT for PACE, before anything that
  // can spend a try: `set_at_sw` is that answer, 9000 or (with the PIN) 63Cx, the PIN tried
  // wrongly before and x > 0 tries left. An error ends the sequence, nothing spent, and is
  // returned as it is. Any other answer ends it before the source is asked.
  using PasswordSource = std::function<Result<SecretBytes>(std::uint16_t set_at_sw)>;

  // ReadIdentifier with the password asked for only when the badge has said what its retry
  // counter allows (DESIGN.md P6: a gate refuses a PIN with one try left before the holder
  // types it), in the same session: no second SELECT or MSE:SET AT.
  Result<Bytes> ReadIdentifier(PacePassword kind, const PasswordSource& password);

  // When set, every plain response (after SM unwrapping) is appended here, in order: for tests
  // that compare what different badges reveal.
  void set_transcript(std::vector<card::ResponseApdu>* transcript) { transcript_ = transcript; }

  // Credentials prepared beforehand (PreparedCredentials::Prepare of the same credentials): used
  // instead of parsing them again when they still Match(); must outlive the terminal.
  void set_prepared(const PreparedCredentials* prepared) { prepared_ = prepared; }

  // After ReadIdentifierWithoutPassword or CheckChip failed: true when the chip's Chip
  // Authentication token verified under none of the trusted batch keys, before anything of the
  // terminal was sent (a badge of another organisation or batch, or not a genuine one).
  bool chip_key_untrusted() const { return chip_key_untrusted_; }

 private:
  card::CardChannel& channel_;
  const TerminalCredentials& credentials_;
  std::vector<card::ResponseApdu>* transcript_ = nullptr;
  const PreparedCredentials* prepared_ = nullptr;
  bool chip_key_untrusted_ = false;
};

}  // namespace sekisho::badge
