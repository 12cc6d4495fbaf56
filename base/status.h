// Status: the outcome of a fallible operation, returned instead of thrown.
//
// The codes are a small fixed set (after absl::StatusCode). Choose by what the caller can do:
//   kInvalidArgument    the input itself is malformed (bad APDU, truncated TLV, bad hex); retrying
//                       with the same input never helps.
//   kNotFound           the named thing (file, reader, application, record) does not exist.
//   kAlreadyExists      creating something that exists already.
//   kUnauthenticated    a credential (PIN, signature, certificate) was presented and is wrong.
//   kPermissionDenied   policy forbids the operation (APDU firewall, last PIN try, file mode).
//   kFailedPrecondition the system is not in the state the operation needs (no card, card locked,
//                       nothing selected); fix the state, then retry.
//   kUnavailable        a transient failure of a peer (pcscd gone, card removed, socket closed);
//                       retrying later may succeed.
//   kDeadlineExceeded   a wait ran out of time.
//   kDataLoss           stored or received data is corrupt (bad card file, garbage from a card).
//   kInternal           a bug or a broken invariant in Sekisho or a library it calls.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace sekisho {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kUnauthenticated,
  kPermissionDenied,
  kFailedPrecondition,
  kUnavailable,
  kDeadlineExceeded,
  kDataLoss,
  kInternal,
};

// Every code, for tests and tables that must cover them all.
inline constexpr StatusCode kAllStatusCodes[] = {
    StatusCode::kOk,
    StatusCode::kInvalidArgument,
    StatusCode::kNotFound,
    StatusCode::kAlreadyExists,
    StatusCode::kUnauthenticated,
    StatusCode::kPermissionDenied,
    StatusCode::kFailedPrecondition,
    StatusCode::kUnavailable,
    StatusCode::kDeadlineExceeded,
    StatusCode::kDataLoss,
    StatusCode::kInternal,
};

// "INVALID_ARGUMENT" etc.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message"; the code is kept.
  Status WithContext(std::string_view context) const;

  // "NOT_FOUND: reader 'x' is not connected" or "OK".
  std::string ToString() const;

  // Marks a status as deliberately ignored.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status UnauthenticatedError(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

}  // namespace sekisho
