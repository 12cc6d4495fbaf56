#include "access/enrolment.h"

#include <spdlog/spdlog.h>

#include <string_view>

#include "card/apdu_firewall.h"
#include "card/counting_channel.h"
#include "card/jpki_client.h"
#include "identity/pseudonym.h"
#include "pki/rsa_key.h"
#include "pki/verify.h"
#include "store/validation.h"

namespace sekisho::access {
namespace {

std::string Describe(const store::Credential& c) {
  return "credential " + identity::DisplayPseudonym(c.pseudonym) + " (" +
         std::string(store::CredentialStatusName(c.status)) + ")";
}

// The staff member's usable JPKI credentials.
Result<std::vector<store::Credential>> UsableJpkiCredentials(store::Registry& registry,
                                                             store::OrganisationId org,
                                                             store::StaffId staff) {
  ASSIGN_OR_RETURN(std::vector<store::Credential> all, registry.ListCredentials(org, staff));
  std::vector<store::Credential> usable;
  for (store::Credential& c : all) {
    if (c.kind == store::CredentialKind::kJpki && store::IsUsable(c.status))
      usable.push_back(std::move(c));
  }
  return usable;
}

Status RevokedError(std::string_view where) {
  return UnauthenticatedError(
      "the card's authentication certificate is revoked (" + std::string(where) +
      "); it cannot be enrolled. The holder can have a new certificate issued at their "
      "municipal office");
}

// Step 4 against the registry: the card must be new to this organisation.
Status CheckNotEnrolled(store::Registry& registry, store::OrganisationId org,
                        const store::Staff& staff, ByteView keyed_serial, ByteView pseudonym) {
  auto by_serial = registry.FindCredentialByKeyedSerial(org, keyed_serial);
  if (by_serial.ok()) {
    if (by_serial->status == store::CredentialStatus::kRevoked) {
      return RevokedError("revoked in this organisation's registry: " + by_serial->status_reason);
    }
  } else if (by_serial.status().code() != StatusCode::kNotFound) {
    return by_serial.status();
  }
  auto by_psn = registry.FindCredentialByPseudonym(org, pseudonym);
  if (!by_psn.ok() && by_psn.status().code() != StatusCode::kNotFound) return by_psn.status();
  const store::Credential* existing = by_psn.ok()      ? &*by_psn
                                      : by_serial.ok() ? &*by_serial
                                                       : nullptr;
  if (existing == nullptr) return OkStatus();
  if (existing->staff == staff.id) {
    return AlreadyExistsError("this card is enrolled already for staff " + staff.staff_number +
                              " as " + Describe(*existing) +
                              "; a re-bind needs the card with the renewed certificate");
  }
  auto owner = registry.GetStaff(org, existing->staff);
  return AlreadyExistsError(
      "this card is enrolled already in this organisation as " + Describe(*existing) +
      " of staff " +
      (owner.ok() ? owner->staff_number : "#" + std::to_string(existing->staff.value())));
}

}  // namespace

Result<EnrolmentOutcome> Enrol(const EnrolRequest& request, card::CardChannel& card,
                               const PinSource& pin, const EnrolmentEnvironment& env) {
  store::Registry& registry = env.registry;
  const TimePoint now = env.clock.Now();

  // 1. The actor, the staff member, and the CRL policy.
  RETURN_IF_ERROR(store::ValidateActor(request.actor));
  ASSIGN_OR_RETURN(const store::Staff staff, registry.GetStaff(request.org, request.staff));
  if (staff.status == store::StaffStatus::kLeft) {
    return FailedPreconditionError("staff " + staff.staff_number +
                                   " has left; a credential cannot be enrolled for them");
  }
  const RevokedSerials none;
  const RevokedSerials& revoked = env.revoked != nullptr ? *env.revoked : none;
  if (Status crl = revoked.CheckCurrent(now, request.crl_max_age); !crl.ok()) {
    if (request.crl_requirement == CrlRequirement::kRequired) {
      return crl.WithContext("enrolment requires a current issuer CRL (crl.at_enrolment)");
    }
    spdlog::warn("enrolment goes on without a current CRL: {}", crl.message());
  }
  if (env.anchors.empty()) {
    return FailedPreconditionError(
        "no trust anchors are configured, so no card certificate can be verified; add the JPKI "
        "user-authentication roots with `sekisho anchors add FILE`");
  }

  // The card only ever sees what the JPKI user-authentication policy allows (DESIGN.md P3).
  card::CountingChannel counting(card);
  ASSIGN_OR_RETURN(auto firewall,
                   card::ApduFirewall::Create(counting, card::SharedJpkiUserAuthenticationPolicy()));
  card::JpkiClient jpki(*firewall);

  // 2. A My Number Card.
  auto token = jpki.DetectToken();
  if (!token.ok()) return token.status().WithContext("reading the card");
  if (*token != card::TokenKind::kMyNumberCard) {
    return FailedPreconditionError("not a My Number Card: the card's JPKI token is " +
                                   std::string(card::TokenKindName(*token)) +
                                   "; only My Number Cards can be enrolled");
  }

  // 3. The authentication certificate and its chain, at the injected time.
  auto der = jpki.ReadAuthCertificate(card::CertificateRead::kFull);
  if (!der.ok()) return der.status().WithContext("reading the authentication certificate");
  auto parsed = pki::Certificate::FromDer(*der);
  WipeBytes(*der);
  if (!parsed.ok()) {
    return DataLossError(
        "the card's authentication certificate is not a valid X.509 "
        "certificate: " +
        parsed.status().message());
  }
  const pki::Certificate cert = std::move(parsed).value();
  RETURN_IF_ERROR(pki::VerifyCertificate(cert, env.anchors, {.at = now})
                      .WithContext("the card's authentication certificate"));

  // 4. Keyed identifiers; the raw serial and SPKI go no further than this function.
  const Bytes keyed_serial =
      identity::KeyedSerial(env.k_org, cert.IssuerNameDer(), cert.SerialNumber());
  const Bytes pseudonym = identity::Pseudonym(env.k_org, cert.SubjectPublicKeyInfoDer());
  if (revoked.Contains(keyed_serial)) return RevokedError("listed on the imported issuer CRL");
  RETURN_IF_ERROR(CheckNotEnrolled(registry, request.org, staff, keyed_serial, pseudonym));
  ASSIGN_OR_RETURN(std::vector<store::Credential> current,
                   UsableJpkiCredentials(registry, request.org, staff.id));
  if (!request.rebind && !current.empty()) {
    return FailedPreconditionError(
        "staff " + staff.staff_number + " already has " + Describe(current.front()) +
        "; if the card's certificate was renewed, enrol with --rebind to replace it; if the "
        "old card is lost, revoke it first");
  }
  if (request.rebind && current.size() != 1) {
    return FailedPreconditionError(
        current.empty() ? "staff " + staff.staff_number +
                              " has no active or suspended JPKI credential to re-bind; enrol "
                              "without --rebind"
                        : "staff " + staff.staff_number + " has " + std::to_string(current.size()) +
                              " usable JPKI credentials; revoke all but the one to replace");
  }
  const store::NewCredential credential{store::CredentialKind::kJpki, pseudonym, keyed_serial,
                                        cert.NotAfter()};
  RETURN_IF_ERROR(store::CheckCanEnrol(staff, credential, now));

  // 5. PIN tries, without spending one (DESIGN.md P6); the PIN is asked for only when safe.
  ASSIGN_OR_RETURN(const card::PinStatus tries, jpki.QueryAuthPinStatus());
  RETURN_IF_ERROR(card::CheckPinSafety(tries, request.pin_safety));

  // 6. The PIN: one VERIFY, never retried.
  auto secret = pin();
  if (!secret.ok()) return secret.status().WithContext("reading the PIN");
  RETURN_IF_ERROR(jpki.VerifyAuthPin(std::move(secret).value(), request.pin_safety));

  // 7. Possession of the key: a fresh challenge, signed by the card, verified with the
  // certificate's key (PKCS#1 v1.5 with SHA-256, RFC 8017 §8.2.2).
  const Bytes challenge = env.random.Generate(kChallengeSize);
  ASSIGN_OR_RETURN(const Bytes signature, jpki.SignWithAuthKey(challenge));
  if (Status ok = pki::VerifyPkcs1Sha256(cert.PublicKey(), challenge, signature); !ok.ok()) {
    return UnauthenticatedError(
        "the card's signature over the challenge does not verify with its certificate's key: "
        "the card does not hold the key of the certificate it presented (" +
        ok.message() + ")");
  }

  // 8. Store, with the admin event, in one transaction.
  EnrolmentOutcome outcome;
  if (request.rebind) {
    ASSIGN_OR_RETURN(outcome.credential,
                     registry.Rebind(request.org, current.front().id, credential, request.actor));
    outcome.replaced = current.front().id;
  } else {
    ASSIGN_OR_RETURN(outcome.credential,
                     registry.AddCredential(request.org, staff.id, credential, request.actor));
  }
  outcome.display_pseudonym = identity::DisplayPseudonym(outcome.credential.pseudonym);
  outcome.apdu_count = counting.counts().commands;
  outcome.card_log = firewall->AllowedLog();
  outcome.firewall_refused = firewall->stats().refused;
  spdlog::info("{} credential {} for staff #{} by {} ({} APDUs)",
               request.rebind ? "re-bound" : "enrolled", outcome.display_pseudonym,
               staff.id.value(), request.actor, outcome.apdu_count);
  return outcome;
}

}  // namespace sekisho::access
