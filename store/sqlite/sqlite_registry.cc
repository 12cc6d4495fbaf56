#include "store/sqlite/sqlite_registry.h"

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "store/sqlite/migrations.h"
#include "store/sqlite/registry_sql.h"
#include "store/validation.h"

namespace sekisho::store::sqlite {
namespace {

using Durability = Transaction::Durability;

constexpr std::string_view kReplacedReason = "replaced";
constexpr std::string_view kStaffLeftReason = "staff left";
constexpr std::string_view kCrlReason = "revoked by issuer CRL";

std::string Str(std::int64_t value) { return std::to_string(value); }

std::string_view AsText(ByteView bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A stored value that does not decode means the file was altered outside Sekisho.
template <typename T>
Result<T> Stored(Result<T> value, std::string_view row) {
  if (value.ok()) return value;
  return DataLossError("stored " + std::string(row) + ": " + value.status().message());
}

Statement& BindOptionalTime(Statement& s, int index, const std::optional<TimePoint>& t) {
  return t ? s.BindInt(index, ToUnixMillis(*t)) : s.BindNull(index);
}

Organisation ReadOrganisation(const Statement& s) {
  return Organisation{OrganisationId(s.ColumnInt(0)), s.ColumnText(1),
                      FromUnixMillis(s.ColumnInt(2))};
}

// Columns of kStaff* (registry_sql.h).
Result<Staff> ReadStaff(const Statement& s) {
  Staff staff;
  staff.id = StaffId(s.ColumnInt(0));
  const std::string row = "staff " + Str(staff.id.value());
  staff.org = OrganisationId(s.ColumnInt(1));
  ASSIGN_OR_RETURN(staff.staff_ref, Stored(StaffRef::FromBytes(s.ColumnBlob(2)), row));
  staff.staff_number = s.ColumnText(3);
  staff.display_name = s.ColumnText(4);
  staff.department = s.ColumnText(5);
  ASSIGN_OR_RETURN(staff.status, Stored(ParseStaffStatus(s.ColumnText(6)), row));
  staff.valid_from = FromUnixMillis(s.ColumnInt(7));
  if (!s.IsNull(8)) staff.valid_until = FromUnixMillis(s.ColumnInt(8));
  return staff;
}

// Columns of kCredential* (registry_sql.h).
Result<Credential> ReadCredential(const Statement& s) {
  Credential c;
  c.id = CredentialId(s.ColumnInt(0));
  const std::string row = "credential " + Str(c.id.value());
  c.org = OrganisationId(s.ColumnInt(1));
  c.staff = StaffId(s.ColumnInt(2));
  ASSIGN_OR_RETURN(c.kind, Stored(ParseCredentialKind(s.ColumnText(3)), row));
  c.pseudonym = s.ColumnBlob(4);
  if (!s.IsNull(5)) c.keyed_serial = s.ColumnBlob(5);
  c.not_after = FromUnixMillis(s.ColumnInt(6));
  ASSIGN_OR_RETURN(c.status, Stored(ParseCredentialStatus(s.ColumnText(7)), row));
  c.status_reason = s.ColumnText(8);
  c.status_changed_at = FromUnixMillis(s.ColumnInt(9));
  c.enrolled_at = FromUnixMillis(s.ColumnInt(10));
  c.enrolled_by = s.ColumnText(11);
  if (!s.IsNull(12)) c.replaced_by = CredentialId(s.ColumnInt(12));
  return c;
}

// Columns of kListEvents.
Result<AdminEvent> ReadEvent(const Statement& s) {
  AdminEvent e;
  e.id = AdminEventId(s.ColumnInt(0));
  e.org = OrganisationId(s.ColumnInt(1));
  e.at = FromUnixMillis(s.ColumnInt(2));
  e.actor = s.ColumnText(3);
  ASSIGN_OR_RETURN(e.action,
                   Stored(ParseAdminAction(s.ColumnText(4)), "admin event " + Str(e.id.value())));
  if (!s.IsNull(5)) e.staff = StaffId(s.ColumnInt(5));
  if (!s.IsNull(6)) e.credential = CredentialId(s.ColumnInt(6));
  e.detail = s.ColumnText(7);
  return e;
}

// The one row a bound lookup returns, or kNotFound "<what> not found".
template <typename T>
Result<T> ReadOne(Statement& s, Result<T> (*read)(const Statement&), std::string_view what) {
  ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return NotFoundError(std::string(what) + " not found");
  return read(s);
}

template <typename T>
Result<std::vector<T>> ReadAll(Statement& s, Result<T> (*read)(const Statement&)) {
  std::vector<T> items;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) return items;
    ASSIGN_OR_RETURN(T item, read(s));
    items.push_back(std::move(item));
  }
}

Result<Organisation> ReadOrganisationResult(const Statement& s) { return ReadOrganisation(s); }

std::string OrgText(OrganisationId org) { return "organisation " + Str(org.value()); }
std::string StaffText(StaffId id) { return "staff " + Str(id.value()); }
std::string CredentialText(CredentialId id) { return "credential " + Str(id.value()); }

// Keeps at most `limit` items and sets the token when the query returned one more.
template <typename T, typename IdOf>
Page<T> MakePage(std::vector<T> items, std::size_t limit, IdOf id_of) {
  Page<T> page;
  if (items.size() > limit) {
    items.resize(limit);
    page.next_page_token = EncodePageToken(id_of(items.back()));
  }
  page.items = std::move(items);
  return page;
}

}  // namespace

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::Open(const std::filesystem::path& path,
                                                             const Clock& clock) {
  return Open(path, clock, Options{});
}

Result<std::unique_ptr<SqliteRegistry>> SqliteRegistry::Open(const std::filesystem::path& path,
                                                             const Clock& clock,
                                                             const Options& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(path, options.database));
  RETURN_IF_ERROR(Migrate(*db).WithContext("opening registry " + path.string()));
  return std::unique_ptr<SqliteRegistry>(new SqliteRegistry(std::move(db), clock, options));
}

TimePoint SqliteRegistry::Now() const { return TruncateToMillis(clock_.Now()); }

// --- Organisations -----------------------------------------------------------------------------

Result<Organisation> SqliteRegistry::CreateOrganisation(std::string_view name,
                                                        std::string_view actor) {
  RETURN_IF_ERROR(ValidateOrganisationName(name));
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kOrganisationByName));
    ASSIGN_OR_RETURN(const bool exists, s->BindText(1, name).Step());
    if (exists) {
      return AlreadyExistsError("an organisation with this name exists already (" +
                                OrgText(OrganisationId(s->ColumnInt(0))) + ")");
    }
  }
  const TimePoint now = Now();
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kInsertOrganisation));
    RETURN_IF_ERROR(s->BindText(1, name).BindInt(2, ToUnixMillis(now)).Run());
  }
  const Organisation organisation{OrganisationId(db_->LastInsertRowId()), std::string(name), now};
  RETURN_IF_ERROR(InsertEventLocked(organisation.id, now,
                                    {AdminAction::kOrganisationCreated, std::nullopt, std::nullopt,
                                     std::string(actor), ""})
                      .status());
  RETURN_IF_ERROR(transaction.Commit());
  return organisation;
}

Result<Organisation> SqliteRegistry::GetOrganisation(OrganisationId id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kOrganisationById));
  s->BindInt(1, id.value());
  return ReadOne<Organisation>(*s, &ReadOrganisationResult, OrgText(id));
}

Result<Organisation> SqliteRegistry::FindOrganisationByName(std::string_view name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kOrganisationByName));
  s->BindText(1, name);
  return ReadOne<Organisation>(*s, &ReadOrganisationResult, "organisation with this name");
}

Result<std::vector<Organisation>> SqliteRegistry::ListOrganisations() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kOrganisations));
  return ReadAll<Organisation>(*s, &ReadOrganisationResult);
}

Status SqliteRegistry::CheckOrganisationLocked(OrganisationId org) {
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kOrganisationById));
  ASSIGN_OR_RETURN(const bool exists, s->BindInt(1, org.value()).Step());
  if (!exists) return NotFoundError(OrgText(org) + " not found");
  return OkStatus();
}

// --- Staff -------------------------------------------------------------------------------------

Result<Staff> SqliteRegistry::AddStaff(OrganisationId org, const NewStaff& staff,
                                       std::string_view actor) {
  RETURN_IF_ERROR(ValidateNewStaff(staff));
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  RETURN_IF_ERROR(CheckOrganisationLocked(org));
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kStaffByNumber));
    ASSIGN_OR_RETURN(const bool exists,
                     s->BindInt(1, org.value()).BindText(2, staff.staff_number).Step());
    if (exists) {
      return AlreadyExistsError("this staff number is taken in " + OrgText(org) + " (" +
                                StaffText(StaffId(s->ColumnInt(0))) + ")");
    }
  }
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kStaffByRefAnyOrganisation));
    ASSIGN_OR_RETURN(const bool exists, s->BindBlob(1, staff.staff_ref.view()).Step());
    if (exists) return AlreadyExistsError("this staff reference is taken");
  }
  Staff added{
      StaffId(),
      org,
      staff.staff_ref,
      staff.staff_number,
      staff.display_name,
      staff.department,
      StaffStatus::kActive,
      TruncateToMillis(staff.valid_from),
      staff.valid_until ? std::optional(TruncateToMillis(*staff.valid_until)) : std::nullopt};
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kInsertStaff));
    s->BindInt(1, org.value())
        .BindBlob(2, added.staff_ref.view())
        .BindText(3, added.staff_number)
        .BindText(4, added.display_name)
        .BindText(5, added.department)
        .BindText(6, StaffStatusName(added.status))
        .BindInt(7, ToUnixMillis(added.valid_from));
    RETURN_IF_ERROR(BindOptionalTime(*s, 8, added.valid_until).Run());
  }
  added.id = StaffId(db_->LastInsertRowId());
  RETURN_IF_ERROR(
      InsertEventLocked(org, Now(),
                        {AdminAction::kStaffAdded, added.id, std::nullopt, std::string(actor), ""})
          .status());
  RETURN_IF_ERROR(transaction.Commit());
  return added;
}

Result<Staff> SqliteRegistry::GetStaff(OrganisationId org, StaffId id) {
  std::lock_guard lock(mu_);
  return StaffLocked(org, id);
}

Result<Staff> SqliteRegistry::StaffLocked(OrganisationId org, StaffId id) {
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kStaffById));
  s->BindInt(1, org.value()).BindInt(2, id.value());
  return ReadOne<Staff>(*s, &ReadStaff, StaffText(id) + " of " + OrgText(org));
}

Result<Staff> SqliteRegistry::FindStaffByNumber(OrganisationId org, std::string_view staff_number) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kStaffByNumber));
  s->BindInt(1, org.value()).BindText(2, staff_number);
  return ReadOne<Staff>(*s, &ReadStaff, "staff with this number in " + OrgText(org));
}

Result<Staff> SqliteRegistry::FindStaffByRef(OrganisationId org, const StaffRef& staff_ref) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kStaffByRef));
  s->BindInt(1, org.value()).BindBlob(2, staff_ref.view());
  return ReadOne<Staff>(*s, &ReadStaff, "staff with this reference in " + OrgText(org));
}

Result<Page<Staff>> SqliteRegistry::ListStaff(OrganisationId org, const StaffQuery& query) {
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> after, ValidatePageRequest(query.page));
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckOrganisationLocked(org));
  const auto limit = static_cast<std::int64_t>(query.page.limit);
  ASSIGN_OR_RETURN(StatementLease s,
                   db_->Cached(query.status ? sql::kListStaffWithStatus : sql::kListStaff));
  s->BindInt(1, org.value());
  int index = 2;
  if (query.status) {
    s->BindText(index, StaffStatusName(*query.status));
    ++index;
  }
  s->BindInt(index, after.value_or(0));
  s->BindInt(index + 1, limit + 1);
  ASSIGN_OR_RETURN(std::vector<Staff> items, ReadAll<Staff>(*s, &ReadStaff));
  return MakePage(std::move(items), query.page.limit,
                  [](const Staff& staff) { return staff.id.value(); });
}

Status SqliteRegistry::UpdateStaffStatus(OrganisationId org, StaffId id, StaffStatus status,
                                         std::string_view actor) {
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability::kSync));
  ASSIGN_OR_RETURN(const Staff staff, StaffLocked(org, id));
  if (staff.status == status) return OkStatus();
  const TimePoint now = Now();
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kUpdateStaffStatus));
    RETURN_IF_ERROR(s->BindInt(1, id.value()).BindText(2, StaffStatusName(status)).Run());
  }
  const std::string detail = "status " + std::string(StaffStatusName(staff.status)) + " -> " +
                             std::string(StaffStatusName(status));
  RETURN_IF_ERROR(
      InsertEventLocked(org, now,
                        {AdminAction::kStaffUpdated, id, std::nullopt, std::string(actor), detail})
          .status());
  if (status == StaffStatus::kLeft) {
    std::vector<Credential> credentials;
    {
      ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialsOfStaff));
      s->BindInt(1, org.value()).BindInt(2, id.value());
      ASSIGN_OR_RETURN(credentials, ReadAll<Credential>(*s, &ReadCredential));
    }
    for (const Credential& c : credentials) {
      if (!IsUsable(c.status)) continue;
      RETURN_IF_ERROR(
          UpdateCredentialStatusLocked(c.id, CredentialStatus::kRetired, kStaffLeftReason, now));
      const std::string retired = std::string(CredentialStatusName(c.status)) + " -> retired (" +
                                  std::string(kStaffLeftReason) + ")";
      RETURN_IF_ERROR(InsertEventLocked(
                          org, now, {AdminAction::kRetired, id, c.id, std::string(actor), retired})
                          .status());
    }
  }
  return transaction.Commit();
}

Status SqliteRegistry::UpdateStaffValidity(OrganisationId org, StaffId id, TimePoint valid_from,
                                           std::optional<TimePoint> valid_until,
                                           std::string_view actor) {
  RETURN_IF_ERROR(ValidateValidity(valid_from, valid_until));
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability::kSync));
  RETURN_IF_ERROR(StaffLocked(org, id).status());
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kUpdateStaffValidity));
    s->BindInt(1, id.value()).BindInt(2, ToUnixMillis(valid_from));
    RETURN_IF_ERROR(BindOptionalTime(*s, 3, valid_until).Run());
  }
  RETURN_IF_ERROR(InsertEventLocked(org, Now(),
                                    {AdminAction::kStaffUpdated, id, std::nullopt,
                                     std::string(actor), "validity changed"})
                      .status());
  return transaction.Commit();
}

Status SqliteRegistry::UpdateStaffDetails(OrganisationId org, StaffId id,
                                          const StaffDetailsChange& change,
                                          std::string_view actor) {
  RETURN_IF_ERROR(ValidateStaffDetailsChange(change));
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability::kSync));
  ASSIGN_OR_RETURN(const Staff staff, StaffLocked(org, id));
  const std::string display_name = change.display_name.value_or(staff.display_name);
  const std::string department = change.department.value_or(staff.department);
  std::string changed;
  if (display_name != staff.display_name) changed = "display name";
  if (department != staff.department) changed += changed.empty() ? "department" : ", department";
  if (changed.empty()) return OkStatus();
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kUpdateStaffDetails));
    RETURN_IF_ERROR(
        s->BindInt(1, id.value()).BindText(2, display_name).BindText(3, department).Run());
  }
  RETURN_IF_ERROR(InsertEventLocked(org, Now(),
                                    {AdminAction::kStaffUpdated, id, std::nullopt,
                                     std::string(actor), changed + " changed"})
                      .status());
  return transaction.Commit();
}

// --- Credentials -------------------------------------------------------------------------------

Result<Credential> SqliteRegistry::AddCredential(OrganisationId org, StaffId staff_id,
                                                 const NewCredential& credential,
                                                 std::string_view actor) {
  RETURN_IF_ERROR(ValidateNewCredential(credential));
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(const Staff staff, StaffLocked(org, staff_id));
  const TimePoint now = Now();
  RETURN_IF_ERROR(CheckCanEnrol(staff, credential, now));
  ASSIGN_OR_RETURN(Credential added, InsertCredentialLocked(org, staff, credential, actor, now));
  RETURN_IF_ERROR(InsertEventLocked(org, now,
                                    {AdminAction::kEnrolled, staff.id, added.id, std::string(actor),
                                     "kind " + std::string(CredentialKindName(added.kind))})
                      .status());
  RETURN_IF_ERROR(transaction.Commit());
  return added;
}

Result<Credential> SqliteRegistry::InsertCredentialLocked(OrganisationId org, const Staff& staff,
                                                          const NewCredential& credential,
                                                          std::string_view actor, TimePoint now) {
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialByPseudonym));
    ASSIGN_OR_RETURN(const bool exists,
                     s->BindInt(1, org.value()).BindBlob(2, credential.pseudonym).Step());
    if (exists) {
      return AlreadyExistsError("this pseudonym is already enrolled in " + OrgText(org) + " (" +
                                CredentialText(CredentialId(s->ColumnInt(0))) + ")");
    }
  }
  if (credential.keyed_serial) {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialByKeyedSerial));
    ASSIGN_OR_RETURN(const bool exists,
                     s->BindInt(1, org.value()).BindBlob(2, *credential.keyed_serial).Step());
    if (exists) {
      return AlreadyExistsError("this keyed serial is already enrolled in " + OrgText(org) + " (" +
                                CredentialText(CredentialId(s->ColumnInt(0))) + ")");
    }
  }
  Credential added;
  added.org = org;
  added.staff = staff.id;
  added.kind = credential.kind;
  added.pseudonym = credential.pseudonym;
  added.keyed_serial = credential.keyed_serial;
  added.not_after = TruncateToMillis(credential.not_after);
  added.status = CredentialStatus::kActive;
  added.status_changed_at = now;
  added.enrolled_at = now;
  added.enrolled_by = std::string(actor);
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kInsertCredential));
    s->BindInt(1, org.value())
        .BindInt(2, staff.id.value())
        .BindText(3, CredentialKindName(added.kind))
        .BindBlob(4, added.pseudonym);
    if (added.keyed_serial) {
      s->BindBlob(5, *added.keyed_serial);
    } else {
      s->BindNull(5);
    }
    s->BindInt(6, ToUnixMillis(added.not_after)).BindInt(7, ToUnixMillis(now)).BindText(8, actor);
    RETURN_IF_ERROR(s->Run());
  }
  added.id = CredentialId(db_->LastInsertRowId());
  return added;
}

Result<Credential> SqliteRegistry::GetCredential(OrganisationId org, CredentialId id) {
  std::lock_guard lock(mu_);
  return CredentialLocked(org, id);
}

Result<Credential> SqliteRegistry::CredentialLocked(OrganisationId org, CredentialId id) {
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialById));
  s->BindInt(1, org.value()).BindInt(2, id.value());
  return ReadOne<Credential>(*s, &ReadCredential, CredentialText(id) + " of " + OrgText(org));
}

Result<Credential> SqliteRegistry::FindCredentialByPseudonym(OrganisationId org,
                                                             ByteView pseudonym) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialByPseudonym));
  s->BindInt(1, org.value()).BindBlob(2, pseudonym);
  return ReadOne<Credential>(*s, &ReadCredential, "credential with this pseudonym");
}

Result<Credential> SqliteRegistry::FindCredentialByKeyedSerial(OrganisationId org,
                                                               ByteView keyed_serial) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialByKeyedSerial));
  s->BindInt(1, org.value()).BindBlob(2, keyed_serial);
  return ReadOne<Credential>(*s, &ReadCredential, "credential with this keyed serial");
}

Result<std::vector<Credential>> SqliteRegistry::ListCredentials(OrganisationId org, StaffId staff) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(StaffLocked(org, staff).status());
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialsOfStaff));
  s->BindInt(1, org.value()).BindInt(2, staff.value());
  return ReadAll<Credential>(*s, &ReadCredential);
}

Result<std::vector<OrganisationCredential>> SqliteRegistry::ListOrganisationCredentials(
    OrganisationId org) {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckOrganisationLocked(org));
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCredentialsOfOrganisation));
  s->BindInt(1, org.value());
  std::vector<OrganisationCredential> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, s->Step());
    if (!row) return out;
    OrganisationCredential item;
    ASSIGN_OR_RETURN(item.credential, ReadCredential(*s));
    const std::string staff_row = StaffText(item.credential.staff);
    ASSIGN_OR_RETURN(item.staff_ref, Stored(StaffRef::FromBytes(s->ColumnBlob(13)), staff_row));
    ASSIGN_OR_RETURN(item.staff_status, Stored(ParseStaffStatus(s->ColumnText(14)), staff_row));
    item.staff_valid_from = FromUnixMillis(s->ColumnInt(15));
    if (!s->IsNull(16)) item.staff_valid_until = FromUnixMillis(s->ColumnInt(16));
    out.push_back(std::move(item));
  }
}

Status SqliteRegistry::UpdateCredentialStatusLocked(CredentialId id, CredentialStatus status,
                                                    std::string_view reason, TimePoint at) {
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kUpdateCredentialStatus));
  return s->BindInt(1, id.value())
      .BindText(2, CredentialStatusName(status))
      .BindText(3, reason)
      .BindInt(4, ToUnixMillis(at))
      .Run();
}

Status SqliteRegistry::SetCredentialStatus(OrganisationId org, CredentialId id,
                                           CredentialStatus status, std::string_view reason,
                                           std::string_view actor) {
  RETURN_IF_ERROR(ValidateStatusReason(reason));
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability::kSync));
  ASSIGN_OR_RETURN(const Credential credential, CredentialLocked(org, id));
  if (credential.status == status) return OkStatus();
  ASSIGN_OR_RETURN(const AdminAction action, CredentialTransition(credential.status, status));
  if (status == CredentialStatus::kActive) {
    ASSIGN_OR_RETURN(const Staff staff, StaffLocked(org, credential.staff));
    if (staff.status == StaffStatus::kLeft) {
      return FailedPreconditionError(StaffText(staff.id) +
                                     " has left; their credentials cannot be reinstated");
    }
  }
  const TimePoint now = Now();
  RETURN_IF_ERROR(UpdateCredentialStatusLocked(id, status, reason, now));
  const std::string detail = std::string(CredentialStatusName(credential.status)) + " -> " +
                             std::string(CredentialStatusName(status));
  RETURN_IF_ERROR(
      InsertEventLocked(org, now, {action, credential.staff, id, std::string(actor), detail})
          .status());
  return transaction.Commit();
}

Result<Credential> SqliteRegistry::Rebind(OrganisationId org, CredentialId old_id,
                                          const NewCredential& replacement,
                                          std::string_view actor) {
  RETURN_IF_ERROR(ValidateNewCredential(replacement));
  RETURN_IF_ERROR(ValidateActor(actor));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability::kSync));
  ASSIGN_OR_RETURN(const Credential old, CredentialLocked(org, old_id));
  if (!IsUsable(old.status)) {
    return FailedPreconditionError(CredentialText(old_id) + " is " +
                                   std::string(CredentialStatusName(old.status)) +
                                   "; only an active or suspended credential can be replaced");
  }
  ASSIGN_OR_RETURN(const Staff staff, StaffLocked(org, old.staff));
  const TimePoint now = Now();
  RETURN_IF_ERROR(CheckCanEnrol(staff, replacement, now));
  // Retire first: the unique checks of the new credential then run after a write, and a failure
  // there must (and does) undo it.
  RETURN_IF_ERROR(
      UpdateCredentialStatusLocked(old_id, CredentialStatus::kRetired, kReplacedReason, now));
  ASSIGN_OR_RETURN(Credential added, InsertCredentialLocked(org, staff, replacement, actor, now));
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kSetReplacedBy));
    RETURN_IF_ERROR(s->BindInt(1, old_id.value()).BindInt(2, added.id.value()).Run());
  }
  RETURN_IF_ERROR(
      InsertEventLocked(org, now,
                        {AdminAction::kRebound, staff.id, added.id, std::string(actor),
                         CredentialText(old_id) + " replaced by " + CredentialText(added.id)})
          .status());
  RETURN_IF_ERROR(transaction.Commit());
  return added;
}

Status SqliteRegistry::MarkRevokedByKeyedSerials(OrganisationId org,
                                                 std::span<const Bytes> keyed_serials, TimePoint at,
                                                 std::string_view actor, std::size_t* marked) {
  if (marked != nullptr) *marked = 0;
  RETURN_IF_ERROR(ValidateKeyedSerials(keyed_serials));
  RETURN_IF_ERROR(ValidateActor(actor));
  at = TruncateToMillis(at);
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_, Durability::kSync));
  RETURN_IF_ERROR(CheckOrganisationLocked(org));
  ASSIGN_OR_RETURN(std::vector<CrlMatchRow> matches, MatchCrlLocked(org, keyed_serials));
  for (const auto& [id, staff] : matches) {
    RETURN_IF_ERROR(UpdateCredentialStatusLocked(id, CredentialStatus::kRevoked, kCrlReason, at));
    RETURN_IF_ERROR(InsertEventLocked(org, at,
                                      {AdminAction::kRevoked, staff, id, std::string(actor),
                                       std::string(kCrlReason)})
                        .status());
  }
  const std::string summary = Str(static_cast<std::int64_t>(keyed_serials.size())) +
                              " keyed serials, " + Str(static_cast<std::int64_t>(matches.size())) +
                              " credentials revoked";
  RETURN_IF_ERROR(InsertEventLocked(org, at,
                                    {AdminAction::kCrlImported, std::nullopt, std::nullopt,
                                     std::string(actor), summary})
                      .status());
  RETURN_IF_ERROR(transaction.Commit());
  if (marked != nullptr) *marked = matches.size();
  return OkStatus();
}

Result<std::vector<SqliteRegistry::CrlMatchRow>> SqliteRegistry::MatchCrlLocked(
    OrganisationId org, std::span<const Bytes> keyed_serials) {
  CrlMatch plan = options_.crl_match;
  if (plan == CrlMatch::kAuto) {
    plan = keyed_serials.size() <= kAutoProbeLimit ? CrlMatch::kProbeIndex : CrlMatch::kScanAndHash;
  }
  Result<std::vector<CrlMatchRow>> found =
      plan == CrlMatch::kProbeIndex  ? MatchCrlByProbe(org, keyed_serials)
      : plan == CrlMatch::kTempTable ? MatchCrlByTempTable(org, keyed_serials)
                                     : MatchCrlByScan(org, keyed_serials);
  if (!found.ok()) return found.status();
  std::vector<CrlMatchRow> matches = std::move(found).value();
  // One entry per credential (a CRL may repeat a serial), in id order for a stable event order.
  std::sort(matches.begin(), matches.end());
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  return matches;
}

Result<std::vector<SqliteRegistry::CrlMatchRow>> SqliteRegistry::MatchCrlByProbe(
    OrganisationId org, std::span<const Bytes> keyed_serials) {
  std::vector<CrlMatchRow> matches;
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCrlProbe));
  for (const Bytes& serial : keyed_serials) {
    s->Reset();
    ASSIGN_OR_RETURN(const bool row, s->BindInt(1, org.value()).BindBlob(2, serial).Step());
    if (!row) continue;
    ASSIGN_OR_RETURN(const CredentialStatus status,
                     Stored(ParseCredentialStatus(s->ColumnText(2)),
                            CredentialText(CredentialId(s->ColumnInt(0)))));
    if (IsUsable(status)) {
      matches.emplace_back(CredentialId(s->ColumnInt(0)), StaffId(s->ColumnInt(1)));
    }
  }
  return matches;
}

Result<std::vector<SqliteRegistry::CrlMatchRow>> SqliteRegistry::MatchCrlByScan(
    OrganisationId org, std::span<const Bytes> keyed_serials) {
  struct Row {
    CrlMatchRow ids;
    Bytes serial;
  };
  std::vector<Row> rows;
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCrlUsableSerials));
    s->BindInt(1, org.value());
    while (true) {
      ASSIGN_OR_RETURN(const bool row, s->Step());
      if (!row) break;
      rows.push_back({{CredentialId(s->ColumnInt(0)), StaffId(s->ColumnInt(1))}, s->ColumnBlob(2)});
    }
  }
  // Keys view the serials in `rows`, which no longer changes size.
  std::unordered_map<std::string_view, std::size_t> by_serial;
  by_serial.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) by_serial.emplace(AsText(rows[i].serial), i);
  std::vector<CrlMatchRow> matches;
  for (const Bytes& serial : keyed_serials) {
    const auto it = by_serial.find(AsText(serial));
    if (it != by_serial.end()) matches.push_back(rows[it->second].ids);
  }
  return matches;
}

Result<std::vector<SqliteRegistry::CrlMatchRow>> SqliteRegistry::MatchCrlByTempTable(
    OrganisationId org, std::span<const Bytes> keyed_serials) {
  RETURN_IF_ERROR(db_->Exec(sql::kCrlCreateTemp));
  RETURN_IF_ERROR(db_->Exec(sql::kCrlClearTemp));
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCrlInsertTemp));
    for (const Bytes& serial : keyed_serials) {
      s->Reset();
      RETURN_IF_ERROR(s->BindBlob(1, serial).Run());
    }
  }
  std::vector<CrlMatchRow> matches;
  {
    ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kCrlJoinTemp));
    s->BindInt(1, org.value());
    while (true) {
      ASSIGN_OR_RETURN(const bool row, s->Step());
      if (!row) break;
      matches.emplace_back(CredentialId(s->ColumnInt(0)), StaffId(s->ColumnInt(1)));
    }
  }
  RETURN_IF_ERROR(db_->Exec(sql::kCrlClearTemp));
  return matches;
}

// --- Admin events ------------------------------------------------------------------------------

Result<AdminEvent> SqliteRegistry::InsertEventLocked(OrganisationId org, TimePoint at,
                                                     const NewAdminEvent& event) {
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kInsertEvent));
  s->BindInt(1, org.value())
      .BindInt(2, ToUnixMillis(at))
      .BindText(3, event.actor)
      .BindText(4, AdminActionName(event.action));
  if (event.staff) {
    s->BindInt(5, event.staff->value());
  } else {
    s->BindNull(5);
  }
  if (event.credential) {
    s->BindInt(6, event.credential->value());
  } else {
    s->BindNull(6);
  }
  RETURN_IF_ERROR(s->BindText(7, event.detail).Run().WithContext("appending an admin event"));
  return AdminEvent{AdminEventId(db_->LastInsertRowId()),
                    org,
                    at,
                    event.actor,
                    event.action,
                    event.staff,
                    event.credential,
                    event.detail};
}

Result<AdminEvent> SqliteRegistry::AppendEvent(OrganisationId org, const NewAdminEvent& event) {
  RETURN_IF_ERROR(ValidateNewAdminEvent(event));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  RETURN_IF_ERROR(CheckOrganisationLocked(org));
  if (event.staff) RETURN_IF_ERROR(StaffLocked(org, *event.staff).status());
  if (event.credential) RETURN_IF_ERROR(CredentialLocked(org, *event.credential).status());
  ASSIGN_OR_RETURN(AdminEvent appended, InsertEventLocked(org, Now(), event));
  RETURN_IF_ERROR(transaction.Commit());
  return appended;
}

Result<Page<AdminEvent>> SqliteRegistry::ListEvents(OrganisationId org, const PageRequest& page) {
  ASSIGN_OR_RETURN(const std::optional<std::int64_t> before, ValidatePageRequest(page));
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(CheckOrganisationLocked(org));
  ASSIGN_OR_RETURN(StatementLease s, db_->Cached(sql::kListEvents));
  s->BindInt(1, org.value())
      .BindInt(2, before.value_or(std::numeric_limits<std::int64_t>::max()))
      .BindInt(3, static_cast<std::int64_t>(page.limit) + 1);
  ASSIGN_OR_RETURN(std::vector<AdminEvent> items, ReadAll<AdminEvent>(*s, &ReadEvent));
  return MakePage(std::move(items), page.limit,
                  [](const AdminEvent& event) { return event.id.value(); });
}

}  // namespace sekisho::store::sqlite
