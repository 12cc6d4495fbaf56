// SqliteRegistry: the Registry in one SQLite file (WAL) in the data directory, the embedded
// default of DESIGN.md §4 and §8 (100k staff, one machine). Schema:
// docs/formats/registry-schema.md; migrations: store/sqlite/migrations.h.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/registry.h"
#include "store/sqlite/database.h"

namespace sekisho::store::sqlite {

class SqliteRegistry final : public Registry {
 public:
  // How MarkRevokedByKeyedSerials finds the credentials a CRL names. Every plan gives the same
  // result; they differ in speed (store/sqlite/registry_scale.cc measures them).
  enum class CrlMatch {
    kAuto,         // kProbeIndex for short lists, kScanAndHash for long ones
    kProbeIndex,   // one index lookup per keyed serial
    kScanAndHash,  // read the organisation's usable keyed serials once, match in a hash table
    kTempTable,    // load the serials into a temporary table and join in SQL
  };
  // kAuto probes the index for lists up to this many serials (delta CRLs) and scans beyond
  // (full CRLs); docs/decisions/registry-crl-matching.md has the measurements.
  static constexpr std::size_t kAutoProbeLimit = 16384;

  struct Options {
    Database::Options database;
    CrlMatch crl_match = CrlMatch::kAuto;
  };

  // Opens the registry at `path`, creating it when absent, and brings its schema to the latest
  // version. `clock` must outlive the registry. Errors: those of Database::Open (kNotFound,
  // kPermissionDenied, kDataLoss for a corrupt file or one that is not a database, kUnavailable)
  // and of Migrate (kFailedPrecondition for a newer schema or another application's database,
  // which are left unmodified).
  static Result<std::unique_ptr<SqliteRegistry>> Open(const std::filesystem::path& path,
                                                      const Clock& clock);
  static Result<std::unique_ptr<SqliteRegistry>> Open(const std::filesystem::path& path,
                                                      const Clock& clock, const Options& options);

  Result<Organisation> CreateOrganisation(std::string_view name, std::string_view actor) override;
  Result<Organisation> GetOrganisation(OrganisationId id) override;
  Result<Organisation> FindOrganisationByName(std::string_view name) override;
  Result<std::vector<Organisation>> ListOrganisations() override;

  Result<Staff> AddStaff(OrganisationId org, const NewStaff& staff,
                         std::string_view actor) override;
  Result<Staff> GetStaff(OrganisationId org, StaffId id) override;
  Result<Staff> FindStaffByNumber(OrganisationId org, std::string_view staff_number) override;
  Result<Staff> FindStaffByRef(OrganisationId org, const StaffRef& staff_ref) override;
  Result<Page<Staff>> ListStaff(OrganisationId org, const StaffQuery& query) override;
  Status UpdateStaffStatus(OrganisationId org, StaffId id, StaffStatus status,
                           std::string_view actor) override;
  Status UpdateStaffValidity(OrganisationId org, StaffId id, TimePoint valid_from,
                             std::optional<TimePoint> valid_until, std::string_view actor) override;
  Status UpdateStaffDetails(OrganisationId org, StaffId id, const StaffDetailsChange& change,
                            std::string_view actor) override;

  Result<Credential> AddCredential(OrganisationId org, StaffId staff,
                                   const NewCredential& credential,
                                   std::string_view actor) override;
  Result<Credential> GetCredential(OrganisationId org, CredentialId id) override;
  Result<Credential> FindCredentialByPseudonym(OrganisationId org, ByteView pseudonym) override;
  Result<Credential> FindCredentialByKeyedSerial(OrganisationId org,
                                                 ByteView keyed_serial) override;
  Result<std::vector<Credential>> ListCredentials(OrganisationId org, StaffId staff) override;
  Result<std::vector<OrganisationCredential>> ListOrganisationCredentials(
      OrganisationId org) override;
  Status SetCredentialStatus(OrganisationId org, CredentialId id, CredentialStatus status,
                             std::string_view reason, std::string_view actor) override;
  Result<Credential> Rebind(OrganisationId org, CredentialId old_id,
                            const NewCredential& replacement, std::string_view actor) override;
  Status MarkRevokedByKeyedSerials(OrganisationId org, std::span<const Bytes> keyed_serials,
                                   TimePoint at, std::string_view actor,
                                   std::size_t* marked) override;

  Result<AdminEvent> AppendEvent(OrganisationId org, const NewAdminEvent& event) override;
  Result<Page<AdminEvent>> ListEvents(OrganisationId org, const PageRequest& page) override;

 private:
  // A credential a CRL names: its id and staff member.
  using CrlMatchRow = std::pair<CredentialId, StaffId>;

  SqliteRegistry(std::unique_ptr<Database> db, const Clock& clock, const Options& options)
      : db_(std::move(db)), clock_(clock), options_(options) {}

  // The helpers below expect mu_ held; those that write expect an open transaction.
  TimePoint Now() const;
  // kNotFound unless the organisation exists.
  Status CheckOrganisationLocked(OrganisationId org);
  Result<Staff> StaffLocked(OrganisationId org, StaffId id);
  Result<Credential> CredentialLocked(OrganisationId org, CredentialId id);
  // Inserts an active credential after checking that its pseudonym and keyed serial are free.
  Result<Credential> InsertCredentialLocked(OrganisationId org, const Staff& staff,
                                            const NewCredential& credential, std::string_view actor,
                                            TimePoint now);
  Status UpdateCredentialStatusLocked(CredentialId id, CredentialStatus status,
                                      std::string_view reason, TimePoint at);
  Result<AdminEvent> InsertEventLocked(OrganisationId org, TimePoint at,
                                       const NewAdminEvent& event);
  Result<std::vector<CrlMatchRow>> MatchCrlLocked(OrganisationId org,
                                                  std::span<const Bytes> keyed_serials);
  Result<std::vector<CrlMatchRow>> MatchCrlByProbe(OrganisationId org,
                                                   std::span<const Bytes> keyed_serials);
  Result<std::vector<CrlMatchRow>> MatchCrlByScan(OrganisationId org,
                                                  std::span<const Bytes> keyed_serials);
  Result<std::vector<CrlMatchRow>> MatchCrlByTempTable(OrganisationId org,
                                                       std::span<const Bytes> keyed_serials);

  std::mutex mu_;
  std::unique_ptr<Database> db_;
  const Clock& clock_;
  const Options options_;
};

}  // namespace sekisho::store::sqlite
