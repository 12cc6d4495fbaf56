// Registry: the repository of organisations, staff, their credentials and the admin events that
// changed them (DESIGN.md §4 "Storage", §5 Enrolment and Lost card). One interface, implemented by
// store/sqlite (embedded default) and later store/postgres; store/registry_conformance.h is the
// test suite every implementation passes. Schema: docs/formats/registry-schema.md.
//
// PRIVACY RULE (DESIGN.md §3, P2/P3). A registry stores only:
//   - keyed values: pseudonyms and keyed serials (HMAC-SHA256 under K_org, which is not stored);
//   - what HR enters: staff number, display name, department, validity;
//   - the random staff reference, statuses, times, actor names and event details.
// It has NO column for, and no method that accepts, an Individual Number (My Number), a
// certificate or its bytes, an SPKI, a certificate serial, a PIN or anything else read from a card
// (the only card-derived plain value is the certificate's not_after). Free-text fields that could
// carry a 12-digit number are refused (store/validation.h). Tests scan the database files' bytes
// for the card data used in them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "store/types.h"

namespace sekisho::store {

// One credential with what a snapshot of the organisation needs of its staff member
// (ListOrganisationCredentials).
struct OrganisationCredential {
  Credential credential;
  StaffRef staff_ref;
  StaffStatus staff_status = StaffStatus::kActive;
  TimePoint staff_valid_from;
  std::optional<TimePoint> staff_valid_until;
  friend bool operator==(const OrganisationCredential&, const OrganisationCredential&) = default;
};

// Contract shared by every method:
// - Every lookup and change is scoped to one organisation: a staff member, credential or event of
//   another organisation is kNotFound, exactly as if it did not exist.
// - Every method that writes more than one row does so in ONE transaction: on any error nothing of
//   it is written. Each state change appends its admin event in the same transaction.
// - Inputs are checked with store/validation.h first (kInvalidArgument, nothing written).
// - Store failures: kAlreadyExists for a unique violation; kUnavailable when the store is locked
//   by another writer beyond the busy timeout, or cannot be reached; kDataLoss when stored data
//   is corrupt or undecodable; kInternal for a bug.
// - Times are taken from the Clock given to the implementation, truncated to milliseconds.
// - Implementations are safe to call from several threads.
class Registry {
 public:
  virtual ~Registry() = default;

  // --- Organisations -------------------------------------------------------------------------

  // Creates an organisation and its kOrganisationCreated event. kAlreadyExists when the name is
  // taken.
  virtual Result<Organisation> CreateOrganisation(std::string_view name,
                                                  std::string_view actor) = 0;
  // kNotFound when there is no such organisation.
  virtual Result<Organisation> GetOrganisation(OrganisationId id) = 0;
  virtual Result<Organisation> FindOrganisationByName(std::string_view name) = 0;
  // Every organisation, in creation order.
  virtual Result<std::vector<Organisation>> ListOrganisations() = 0;

  // --- Staff ---------------------------------------------------------------------------------

  // Adds an active staff member and a kStaffAdded event. kNotFound for an unknown organisation;
  // kAlreadyExists when the staff number is taken in this organisation or the staff reference is
  // taken anywhere.
  virtual Result<Staff> AddStaff(OrganisationId org, const NewStaff& staff,
                                 std::string_view actor) = 0;
  // kNotFound when absent (or of another organisation).
  virtual Result<Staff> GetStaff(OrganisationId org, StaffId id) = 0;
  virtual Result<Staff> FindStaffByNumber(OrganisationId org, std::string_view staff_number) = 0;
  virtual Result<Staff> FindStaffByRef(OrganisationId org, const StaffRef& staff_ref) = 0;
  // The organisation's staff in id order, optionally only those with one status. kNotFound for an
  // unknown organisation; kInvalidArgument for a bad limit or page token.
  virtual Result<Page<Staff>> ListStaff(OrganisationId org, const StaffQuery& query) = 0;
  // Sets the status with a kStaffUpdated event; an unchanged status writes nothing. Leaving
  // (kLeft) also retires every active or suspended credential of the staff member, each with a
  // kRetired event and the reason "staff left", so that nobody who left holds a usable
  // credential.
  virtual Status UpdateStaffStatus(OrganisationId org, StaffId id, StaffStatus status,
                                   std::string_view actor) = 0;
  // Replaces the validity period, with a kStaffUpdated event.
  virtual Status UpdateStaffValidity(OrganisationId org, StaffId id, TimePoint valid_from,
                                     std::optional<TimePoint> valid_until,
                                     std::string_view actor) = 0;

  // Replaces the display name and/or department (StaffDetailsChange: an unset field is kept),
  // with a kStaffUpdated event naming the fields changed (never their values); fields that already
  // hold the given value are not changed, and a change of nothing writes nothing. The staff number
  // cannot be changed: it is the key HR finds a person by. kInvalidArgument as
  // ValidateStaffDetailsChange (the creation rules); kNotFound for an unknown staff member.
  virtual Status UpdateStaffDetails(OrganisationId org, StaffId id,
                                    const StaffDetailsChange& change, std::string_view actor) = 0;

  // --- Credentials ---------------------------------------------------------------------------

  // Enrols a credential for a staff member (active, enrolled_by = actor) together with its
  // kEnrolled event. kNotFound for an unknown staff member; kFailedPrecondition when
  // CheckCanEnrol refuses (left, validity ended, expired credential); kAlreadyExists when the
  // pseudonym or the keyed serial is already enrolled in this organisation (in any status: a
  // pseudonym names at most one credential per organisation, ever).
  virtual Result<Credential> AddCredential(OrganisationId org, StaffId staff,
                                           const NewCredential& credential,
                                           std::string_view actor) = 0;
  virtual Result<Credential> GetCredential(OrganisationId org, CredentialId id) = 0;
  // The door and enrolment lookup: the credential with this pseudonym, in any status (the caller
  // decides what a status means). An index lookup in every implementation. kNotFound when none.
  virtual Result<Credential> FindCredentialByPseudonym(OrganisationId org, ByteView pseudonym) = 0;
  // The credential with this keyed serial (CRL matching), in any status. kNotFound when none.
  virtual Result<Credential> FindCredentialByKeyedSerial(OrganisationId org,
                                                         ByteView keyed_serial) = 0;
  // Every credential of a staff member, in enrolment order. kNotFound for an unknown staff member.
  virtual Result<std::vector<Credential>> ListCredentials(OrganisationId org, StaffId staff) = 0;
  // Every credential of the organisation, in any status, with its staff member's reference,
  // status and validity, in credential id order, read in one query (the snapshot builder's
  // input, site/snapshot_builder.h). kNotFound for an unknown organisation.
  virtual Result<std::vector<OrganisationCredential>> ListOrganisationCredentials(
      OrganisationId org) = 0;
  // Moves a credential through its life cycle (CredentialTransition) with the event it names and
  // `reason` kept in status_reason. An unchanged status writes nothing and is OK;
  // kFailedPrecondition for a transition the life cycle forbids, and for reinstating a credential
  // of a staff member who has left. Withdrawals (suspend, revoke, retire) are committed durably
  // even across a power loss.
  virtual Status SetCredentialStatus(OrganisationId org, CredentialId id, CredentialStatus status,
                                     std::string_view reason, std::string_view actor) = 0;
  // Certificate renewal (DESIGN.md §5): in one transaction, retires `old_id` (reason "replaced",
  // replaced_by = the new id), enrols `replacement` for the same staff member and appends a
  // kRebound event naming both. Returns the new credential. kFailedPrecondition when the old
  // credential is revoked or retired or CheckCanEnrol refuses; kAlreadyExists as AddCredential.
  virtual Result<Credential> Rebind(OrganisationId org, CredentialId old_id,
                                    const NewCredential& replacement, std::string_view actor) = 0;
  // Issuer CRL import (DESIGN.md §3 keyed serial, P4): in one transaction, every active or
  // suspended credential of `org` whose keyed serial is in `keyed_serials` becomes revoked
  // (reason "revoked by issuer CRL", status_changed_at = at) with a kRevoked event each, and one
  // kCrlImported event records the counts. Serials that match nothing, credentials already
  // revoked or retired, and repeated serials are no error. `*marked` (when not null) receives the
  // number of credentials revoked. kInvalidArgument when a serial is not 32 bytes; kNotFound for
  // an unknown organisation. Committed durably.
  virtual Status MarkRevokedByKeyedSerials(OrganisationId org, std::span<const Bytes> keyed_serials,
                                           TimePoint at, std::string_view actor,
                                           std::size_t* marked) = 0;

  // --- Admin events --------------------------------------------------------------------------

  // Appends an event stamped with the clock's time. The named staff member and credential must
  // exist in `org` (kNotFound otherwise).
  virtual Result<AdminEvent> AppendEvent(OrganisationId org, const NewAdminEvent& event) = 0;
  // The organisation's events, newest (last appended) first. kNotFound for an unknown
  // organisation; kInvalidArgument for a bad limit or page token.
  virtual Result<Page<AdminEvent>> ListEvents(OrganisationId org, const PageRequest& page) = 0;
};

}  // namespace sekisho::store
