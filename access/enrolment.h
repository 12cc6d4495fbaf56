// Enrolment (DESIGN.md §5): binds a staff member to the JPKI user-authentication key of their
// My Number Card, storing only the keyed pseudonym, the keyed serial and the certificate's
// expiry. Pure of I/O apart from the injected card channel, PIN source, registry, clock and
// random source. Flow and errors: docs/enrolment.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "access/config.h"
#include "access/revoked_serials.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "base/secret.h"
#include "card/card_channel.h"
#include "card/pin_policy.h"
#include "identity/org_key.h"
#include "pki/trust_anchors.h"
#include "store/registry.h"

namespace sekisho::access {

inline constexpr std::size_t kChallengeSize = 32;

struct EnrolRequest {
  store::OrganisationId org;
  store::StaffId staff;
  std::string actor;  // who performs the enrolment: recorded as enrolled_by and in the event
  // Certificate renewal: the card holds a new key for the same person; the staff member's
  // current JPKI credential is retired and the new one takes its place (Registry::Rebind).
  bool rebind = false;
  card::PinSafety pin_safety = card::PinSafety::kRefuseLastTry;
  CrlRequirement crl_requirement = CrlRequirement::kIfPresent;
  std::chrono::hours crl_max_age{48};
};

// Asked for the PIN only once the card has been read, its certificate verified and its retry
// counter found safe (DESIGN.md P6). The PIN it returns is wiped when the VERIFY has been sent.
using PinSource = std::function<Result<SecretBytes>()>;

// What the enrolment works with. Every reference must outlive the call.
struct EnrolmentEnvironment {
  // The JPKI user-authentication roots (access/anchor_store.h).
  const pki::TrustAnchorSet& anchors;
  // The keyed serials of the organisation's imported CRLs; null when none were imported.
  const RevokedSerials* revoked = nullptr;
  store::Registry& registry;
  const identity::OrgKey& k_org;
  const Clock& clock;
  Random& random;  // the challenge
};

struct EnrolmentOutcome {
  store::Credential credential;
  std::string display_pseudonym;  // identity::DisplayPseudonym of the credential's pseudonym
  std::optional<store::CredentialId> replaced;  // with rebind: the retired credential
  std::size_t apdu_count = 0;                   // command APDUs that reached the card
  // The APDU firewall's account of every command it let through (names, never data), and how
  // many it refused (0 for a correct enrolment: it asks for nothing else).
  std::vector<std::string> card_log;
  std::uint64_t firewall_refused = 0;
};

// Enrols the card on `card` (the raw channel: Enrol puts the APDU firewall with
// JpkiUserAuthenticationPolicy in front of it itself) for request.staff. Steps, each ending the
// enrolment with its error and nothing written:
//   1. actor (kInvalidArgument when empty or malformed, store::ValidateActor), staff member
//      (kNotFound; kFailedPrecondition when left); with kRequired, the imported
//      CRLs must be current (RevokedSerials::CheckCurrent; otherwise a warning is logged).
//   2. token: kFailedPrecondition "not a My Number Card ..." for a card without the JPKI
//      application or whose token is not a My Number Card.
//   3. the whole authentication certificate (kDataLoss when it does not parse), verified to
//      `anchors` at the clock's time (kFailedPrecondition when there are no anchors;
//      pki::VerifyCertificate's codes: kUnauthenticated for an expired, unknown-issuer or
//      badly signed certificate, kPermissionDenied for a key or key usage policy refuses).
//   4. keyed serial and pseudonym: kUnauthenticated "... revoked ..." when an imported CRL or
//      this organisation's registry lists the certificate as revoked; kAlreadyExists when the
//      card is enrolled in this organisation already (any status); kFailedPrecondition when the
//      staff member has another active or suspended JPKI credential and `rebind` is false, or
//      has none to replace and it is true; store::CheckCanEnrol's kFailedPrecondition.
//   5. PIN tries, read without spending one: kFailedPrecondition when locked; kPermissionDenied
//      on the last try with kRefuseLastTry, telling the holder to visit the municipal office.
//      `pin` has not been called when these fail.
//   6. the PIN (the PinSource's errors; JpkiClient::VerifyAuthPin: kUnauthenticated "wrong
//      PIN, N tries left"); exactly one VERIFY, never retried.
//   7. a fresh 32-byte challenge signed by the card and verified with the certificate's key
//      (kUnauthenticated when it does not verify: the card does not hold that key).
//   8. Registry::AddCredential, or Registry::Rebind, which store the credential and its admin
//      event (who, what, when) in one transaction (their codes).
// Card errors: the channel's (kUnavailable when the card is removed). Messages never contain the
// PIN, certificate bytes, serials or anything else read from the card.
Result<EnrolmentOutcome> Enrol(const EnrolRequest& request, card::CardChannel& card,
                               const PinSource& pin, const EnrolmentEnvironment& env);

}  // namespace sekisho::access
