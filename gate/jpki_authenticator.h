// JpkiAuthenticator: the door's authentication of a My Number Card by its JPKI user-authentication
// key (DESIGN.md §2 `jpki`, P3, P6), on the lean path of docs/card.md: the certificate is read
// only up to its public key, the pseudonym (keyed with K_org) names the credential, and a fresh
// challenge signed by the card after the holder's PIN (typed on the reader's PIN pad when it has
// one, docs/gate.md "PIN entry") proves possession of the key.
#pragma once

#include <cstddef>

#include "base/random.h"
#include "card/card_channel.h"
#include "gate/authenticator.h"
#include "gate/keypad.h"
#include "identity/org_key.h"

namespace sekisho::gate {

inline constexpr std::size_t kDoorChallengeSize = 32;

// Not thread-safe (one card at a time); every reference must outlive the authenticator.
class JpkiAuthenticator final : public Authenticator {
 public:
  JpkiAuthenticator(const identity::OrgKey& k_org, Keypad& keypad, Random& random)
      : k_org_(k_org), keypad_(keypad), random_(random) {}

  // Puts the APDU firewall with the JPKI user-authentication policy in front of `channel` (and,
  // when the reader has its own PIN pad, card::SecurePinEntryOf(channel), a card::PinPadRouter
  // below the firewall, so that the PIN pad's VERIFY template is judged like every APDU) and:
  //   1. selects the JPKI application and reads the authentication certificate up to its
  //      subjectPublicKeyInfo (a card or reader failure, a card without JPKI, or bytes that are
  //      not a certificate: kCardError);
  //   2. computes the pseudonym of the subjectPublicKeyInfo; its first 16 bytes are the
  //      credential key (from here on, failures carry it as the claimed key);
  //   3. reads the PIN's retry counter without spending a try; a blocked PIN or one try left
  //      is kPinRefused and the holder is not asked (P6: a gate never spends the last try);
  //   4. on a reader with a PIN pad, the holder types the PIN on the reader and the keypad is
  //      never asked (card::VerifyAuthPinOnPinPad: the tries are checked again, then one VERIFY
  //      template that the reader completes; the PIN never enters the host). A wrong PIN,
  //      a cancelled or timed-out entry is kAuthenticationFailed; a reader that refuses the
  //      request is kCardError (there is no fall back to the keypad);
  //   4'. otherwise asks the keypad for the PIN: cancelled, timed out or malformed is
  //      kAuthenticationFailed (nothing sent); a keypad failure is kCardError; then
  //   5. one VERIFY, never retried: a wrong PIN is kAuthenticationFailed;
  //   6. signs a fresh 32-byte challenge from `random` on the card and verifies the signature
  //      with the certificate's key (PKCS#1 v1.5, SHA-256): a mismatch is kAuthenticationFailed.
  // The JPKI authentication key signs only after its PIN (spec §3.1 seq 4, 6982 otherwise), so
  // the PIN is asked whatever `required` is, and success is always Assurance::kCardAndPin.
  AuthenticationOutcome Authenticate(card::CardChannel& channel,
                                     policy::Assurance required) override;

 private:
  const identity::OrgKey& k_org_;
  Keypad& keypad_;
  Random& random_;
};

}  // namespace sekisho::gate
