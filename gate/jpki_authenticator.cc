#include "gate/jpki_authenticator.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "card/apdu_firewall.h"
#include "card/certificate_prefix.h"
#include "card/jpki_client.h"
#include "card/pin_policy.h"
#include "card/pinpad_entry.h"
#include "card/pinpad_jpki.h"
#include "card/pinpad_router.h"
#include "identity/pseudonym.h"
#include "pki/rsa_key.h"

namespace sekisho::gate {
namespace {

using policy::Reason;

AuthenticationOutcome Fail(Reason reason, const Status& status, std::string_view step,
                           std::optional<policy::CredentialKey> claimed = {}) {
  return AuthenticationOutcome::Failure(reason, status.WithContext(step), claimed);
}

// The reason for a failed VERIFY (JpkiClient::VerifyAuthPin's codes).
Reason ReasonForVerify(StatusCode code) {
  switch (code) {
    case StatusCode::kUnauthenticated:  // wrong PIN
    case StatusCode::kInvalidArgument:  // not 4 digits: nothing was sent
      return Reason::kAuthenticationFailed;
    case StatusCode::kFailedPrecondition:  // locked
    case StatusCode::kPermissionDenied:    // the last try
      return Reason::kPinRefused;
    default:
      return Reason::kCardError;
  }
}

// The reason for a failed verification on the reader's PIN pad (card::VerifyAuthPinOnPinPad's
// codes, which include card::SecurePinEntry::Verify's).
Reason ReasonForPinPadVerify(StatusCode code) {
  switch (code) {
    case StatusCode::kUnauthenticated:   // wrong PIN, or the holder cancelled
    case StatusCode::kDeadlineExceeded:  // nobody typed in time: nothing was sent
      return Reason::kAuthenticationFailed;
    case StatusCode::kFailedPrecondition:  // locked
    case StatusCode::kPermissionDenied:    // the last try
      return Reason::kPinRefused;
    default:  // the reader refused the request (kInvalidArgument), the card or reader went away
      return Reason::kCardError;
  }
}

}  // namespace

AuthenticationOutcome JpkiAuthenticator::Authenticate(card::CardChannel& channel,
                                                      policy::Assurance /*required*/) {
  // DESIGN.md P6: a reader with its own PIN pad collects the PIN, which then never enters the
  // host. Its VERIFY template goes through the firewall below like every APDU (P3).
  card::SecurePinEntry* pin_pad = card::SecurePinEntryOf(channel);
  std::optional<card::PinPadRouter> router;
  if (pin_pad != nullptr) router.emplace(channel, *pin_pad, card::kJpkiAuthPinFormat);
  card::CardChannel& card_side = router ? static_cast<card::CardChannel&>(*router) : channel;

  // DESIGN.md P3: the card sees only what the JPKI user-authentication policy allows.
  auto firewall = card::ApduFirewall::Create(card_side, card::SharedJpkiUserAuthenticationPolicy());
  if (!firewall.ok()) return Fail(Reason::kInternalError, firewall.status(), "APDU firewall");
  card::JpkiClient jpki(**firewall);

  // 1. The certificate up to its public key (spec §3.1 seq 2, read no further than needed).
  if (Status selected = jpki.SelectApplication(); !selected.ok()) {
    return Fail(Reason::kCardError, selected, "selecting the JPKI application");
  }
  auto prefix = jpki.ReadAuthCertificate(card::CertificateRead::kUntilPublicKey);
  if (!prefix.ok()) {
    return Fail(Reason::kCardError, prefix.status(), "reading the authentication certificate");
  }
  auto spki = card::SubjectPublicKeyInfoFromPrefix(*prefix);
  if (!spki.ok()) {
    return Fail(Reason::kCardError, DataLossError(spki.status().message()),
                "the card's authentication certificate");
  }

  // 2. The credential key: the pseudonym's first 16 bytes (policy/model.h).
  const policy::CredentialKey credential =
      policy::CredentialKeyOf(identity::Pseudonym(k_org_, *spki));
  auto key = pki::PublicKeyFromDer(*spki);
  if (!key.ok()) {
    return Fail(Reason::kCardError, DataLossError(key.status().message()),
                "the card's authentication key", credential);
  }

  // 3. PIN safety before the holder is asked (DESIGN.md P6).
  auto tries = jpki.QueryAuthPinStatus();
  if (!tries.ok()) {
    return Fail(Reason::kCardError, tries.status(), "reading the PIN's retry counter", credential);
  }
  if (Status safe = card::CheckPinSafety(*tries, card::PinSafety::kRefuseLastTry); !safe.ok()) {
    return Fail(Reason::kPinRefused, safe, "PIN safety", credential);
  }

  // 4-5. The PIN, typed on the reader's PIN pad: one VERIFY template, never retried.
  if (pin_pad != nullptr) {
    if (Status verified = card::VerifyAuthPinOnPinPad(**firewall, card::PinSafety::kRefuseLastTry);
        !verified.ok()) {
      return Fail(ReasonForPinPadVerify(verified.code()), verified, "PIN (reader's PIN pad)",
                  credential);
    }
  } else {
    // 4'. The PIN, typed on the gate's keypad.
    auto pin = keypad_.ReadPin();
    if (!pin.ok()) {
      const Reason reason = pin.status().code() == StatusCode::kDeadlineExceeded
                                ? Reason::kAuthenticationFailed
                                : Reason::kCardError;
      return Fail(reason, pin.status(), "reading the PIN from the keypad", credential);
    }
    if (!pin->has_value()) {
      return Fail(Reason::kAuthenticationFailed,
                  UnauthenticatedError("the holder cancelled the PIN entry"), "PIN", credential);
    }

    // 5. One VERIFY, never retried; the PIN is wiped by VerifyAuthPin.
    if (Status verified = jpki.VerifyAuthPin(std::move(**pin), card::PinSafety::kRefuseLastTry);
        !verified.ok()) {
      return Fail(ReasonForVerify(verified.code()), verified, "PIN", credential);
    }
  }

  // 6. Possession of the key: a fresh challenge (RFC 8017 §8.2.2, PKCS#1 v1.5 with SHA-256).
  const Bytes challenge = random_.Generate(kDoorChallengeSize);
  auto signature = jpki.SignWithAuthKey(challenge);
  if (!signature.ok()) {
    return Fail(Reason::kCardError, signature.status(), "signing the challenge", credential);
  }
  if (Status valid = pki::VerifyPkcs1Sha256(**key, challenge, *signature); !valid.ok()) {
    return Fail(Reason::kAuthenticationFailed,
                UnauthenticatedError("the card's signature over the challenge does not verify "
                                     "with its certificate's key"),
                "challenge", credential);
  }
  return AuthenticationOutcome::Success(credential, policy::Assurance::kCardAndPin);
}

}  // namespace sekisho::gate
