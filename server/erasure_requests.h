// Erasure requests (DESIGN.md P5, docs/server.md "Erasure requests"): a security administrator or
// HR asks for the content of one audit record to be erased, giving a reason from a fixed list
// (never free text, which could itself carry personal data); an auditor, a different person,
// approves (the log erases the record) or rejects it. Kept in erasures.db beside users.db; every
// step is also an admin record of the audit log itself, so the log tells the whole story.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/sqlite/database.h"
#include "store/types.h"

namespace sekisho::server {

// Its name in the data directory (orgs/<slug>/).
inline constexpr std::string_view kErasureRequestFileName = "erasures.db";

using ErasureRequestId = store::Id<struct ErasureRequestTag>;

enum class ErasureReason {
  kDataSubjectRequest,  // the person the record is about asked for it (APPI Art. 35, GDPR Art. 17)
  kRetentionExpired,    // the organisation's retention period for it has passed
  kRecordedInError,     // it should never have been recorded (a test card, a wrong door)
};
// "data-subject-request", "retention-expired", "recorded-in-error".
std::string_view ErasureReasonName(ErasureReason reason);
// kInvalidArgument "reason: expected data-subject-request, retention-expired or
// recorded-in-error, got 'x'".
Result<ErasureReason> ParseErasureReason(std::string_view name);

enum class ErasureState { kPending, kApproved, kRejected };
// "pending", "approved", "rejected".
std::string_view ErasureStateName(ErasureState state);
// kInvalidArgument "state: expected pending, approved or rejected, got 'x'".
Result<ErasureState> ParseErasureState(std::string_view name);

struct ErasureRequest {
  ErasureRequestId id;
  store::OrganisationId org;
  std::uint64_t record = 0;  // the audit record whose content is to be erased
  ErasureReason reason = ErasureReason::kDataSubjectRequest;
  ErasureState state = ErasureState::kPending;
  std::string requested_by;  // login
  TimePoint requested_at;
  std::uint64_t request_entry = 0;  // the admin record of the request in the audit log
  std::optional<std::string> decided_by;
  std::optional<TimePoint> decided_at;
  std::optional<std::uint64_t> erasure_entry;  // the log's erasure record, once approved
  friend bool operator==(const ErasureRequest&, const ErasureRequest&) = default;
};

// Thread-safe: calls are serialised on one connection.
class ErasureRequestStore {
 public:
  // Opens erasures.db at `path`, creating it when absent. Database::Open's errors;
  // kFailedPrecondition when the file is another kind of Sekisho database or of a newer schema.
  static Result<std::unique_ptr<ErasureRequestStore>> Open(const std::filesystem::path& path,
                                                           const Clock& clock);

  // A pending request. kAlreadyExists "record N already has a pending erasure request (id M)".
  Result<ErasureRequest> Create(store::OrganisationId org, std::uint64_t record,
                                ErasureReason reason, std::string_view requested_by,
                                std::uint64_t request_entry);
  // kNotFound "no erasure request N".
  Result<ErasureRequest> Get(store::OrganisationId org, ErasureRequestId id);
  // The organisation's requests, newest first, only those in `state` when set.
  Result<std::vector<ErasureRequest>> List(store::OrganisationId org,
                                           std::optional<ErasureState> state);
  // Records the decision (kApproved with the log's erasure record, or kRejected without).
  // kNotFound as Get; kFailedPrecondition "erasure request N is approved already" when it is not
  // pending; kInvalidArgument for kPending, or an approval without an erasure record.
  Result<ErasureRequest> Decide(store::OrganisationId org, ErasureRequestId id,
                                ErasureState decision, std::string_view decided_by,
                                std::optional<std::uint64_t> erasure_entry);

 private:
  ErasureRequestStore(std::unique_ptr<store::sqlite::Database> db, const Clock& clock)
      : db_(std::move(db)), clock_(clock) {}
  Result<ErasureRequest> GetLocked(store::OrganisationId org, ErasureRequestId id);

  std::mutex mu_;
  std::unique_ptr<store::sqlite::Database> db_;
  const Clock& clock_;
};

}  // namespace sekisho::server
