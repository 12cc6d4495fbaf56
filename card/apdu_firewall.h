// ApduFirewall: a CardChannel that lets through only the commands an allow-list policy names and
// refuses everything else before it reaches the card (DESIGN.md P3). Docs: docs/card-firewall.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "card/card_channel.h"
#include "card/command_apdu.h"

namespace sekisho::card {

// What one file of an application may be used for. Files are named by FID; a file with FID 00nn
// (nn = 01..1E) is also reachable by short EF identifier nn (ISO/IEC 7816-4:2005 §5.3.1.1, spec
// §3).
struct FileRule {
  std::uint16_t fid = 0;
  // For messages and the audit trail: "the authentication PIN (利用者証明用PIN, EF 0018)".
  std::string name;
  // SELECT EF: 00 A4 02 0C 02 <FID>.
  bool select = false;
  // READ BINARY: 00 B0 <offset> with the file current, or 00 B0 <80|SFI> <offset>.
  bool read = false;
  // VERIFY of this IEF, empty (tries query) or with data: P2 = 80 with the file current, or 80|SFI.
  bool verify = false;
  // COMPUTE DIGITAL SIGNATURE with this key: 80 2A <P1> 80 with the file current, or P2 = 80|SFI.
  bool sign = false;

  friend bool operator==(const FileRule&, const FileRule&) = default;
};

// A command that addresses no file, allowed by its header alone; for applets whose protocol is
// not file-based (a badge applet's BSI TR-03110 EAC commands, for example). `cla` is compared
// exactly, so a rule may name a secure-messaging class. SELECT, READ BINARY, VERIFY, COMPUTE
// DIGITAL SIGNATURE and GET RESPONSE cannot be named here: file rules decide those, except a
// READ BINARY by short EF identifier with P1 (80|SFI) and P2 (offset) both fixed, and a
// protected (CLA with 0C) PERFORM SECURITY OPERATION with P1-P2 fixed.
struct CommandRule {
  std::string name;  // "GENERAL AUTHENTICATE"
  std::uint8_t cla = 0x00;
  std::uint8_t ins = 0x00;
  std::optional<std::uint8_t> p1;  // nullopt: any value
  std::optional<std::uint8_t> p2;

  friend bool operator==(const CommandRule&, const CommandRule&) = default;
};

// An application that may be selected (by its full AID, 00 A4 04 0C), and what may be done in it.
struct ApplicationRule {
  Bytes aid;
  std::string name;  // "the JPKI application (公的個人認証AP)"
  std::vector<FileRule> files;
  std::vector<std::uint8_t> signature_schemes;  // allowed P1 of COMPUTE DIGITAL SIGNATURE
  std::vector<CommandRule> commands;

  friend bool operator==(const ApplicationRule&, const ApplicationRule&) = default;
};

// An allow-list for one use of the card. A value: policies are data, compared and copied freely.
struct FirewallPolicy {
  std::string use;  // "JPKI user authentication": the end of every refusal message
  std::vector<ApplicationRule> applications;

  // kInvalidArgument when `use` is empty, an AID is not 1-16 bytes or appears twice, a FID appears
  // twice in an application, or a CommandRule names an instruction that file rules decide (READ
  // BINARY only with P1 = 80|SFI and P2 fixed, PSO only protected with P1-P2 fixed).
  Status Validate() const;

  friend bool operator==(const FirewallPolicy&, const FirewallPolicy&) = default;
};

// DESIGN.md P3: the JPKI application's user-authentication path and nothing else. SELECT of the
// JPKI AID; SELECT EF of the token 0006, auth certificate 000A, auth CA 000B, auth key 0017,
// auth PIN 0018; READ BINARY of 0006/000A/000B (current EF or SFI 06/0A/0B); VERIFY (empty or
// with a PIN) of 0018 only; COMPUTE DIGITAL SIGNATURE with 0017 and P1=00 only; GET RESPONSE
// while a response is pending. Built once; copy it to derive another policy.
const FirewallPolicy& JpkiUserAuthenticationPolicy();

// The same, shared: what a door passes to ApduFirewall::Create for every card so that no
// authentication copies the policy.
const std::shared_ptr<const FirewallPolicy>& SharedJpkiUserAuthenticationPolicy();

// Why a command was refused; each has its own counter.
enum class RefusalReason {
  kMalformedApdu,          // not a well-formed ISO/IEC 7816-4 command APDU
  kClassNotAllowed,        // CLA other than 00 (80 for COMPUTE DIGITAL SIGNATURE): chaining, RFU
  kLogicalChannel,         // a logical channel other than 0, or MANAGE CHANNEL
  kSecureMessaging,        // secure messaging indicated in CLA
  kApplicationNotAllowed,  // SELECT of an application outside the policy, the MF, the ISD
  kSelectFormNotAllowed,   // SELECT by path, parent, P1=00 FID, or asking for FCI/FCP
  kNoApplicationSelected,  // a file command while no allowed application is known to be selected
  kFileNotAllowed,         // SELECT or READ BINARY of a file the policy does not allow
  kNoCurrentFile,          // a command on the current EF while none is known, or after a
                           // refused SELECT
  kCredentialNotAllowed,   // VERIFY of a credential the policy does not allow
  kKeyNotAllowed,          // COMPUTE DIGITAL SIGNATURE with a key the policy does not allow
  kSignatureSchemeNotAllowed,  // COMPUTE DIGITAL SIGNATURE with a P1 scheme the policy excludes
  kCommandNotAllowed,          // any other instruction (CHANGE REFERENCE DATA, GET DATA, ...)
  kNoPendingResponse,          // GET RESPONSE while the card announced no 61xx
};
inline constexpr std::size_t kRefusalReasonCount = 14;

// "logical channel", "file not allowed", ...
std::string_view RefusalReasonName(RefusalReason reason);

struct FirewallStats {
  std::uint64_t allowed = 0;
  std::uint64_t refused = 0;
  std::array<std::uint64_t, kRefusalReasonCount> refused_by_reason{};

  std::uint64_t RefusedFor(RefusalReason reason) const {
    return refused_by_reason[static_cast<std::size_t>(reason)];
  }
};

// Judges each command against the policy and the selection state it tracks itself from the
// commands it let through and the card's answers (the selection changes only when the card
// answers 9000; any other answer to a SELECT leaves nothing known as selected). A refused SELECT
// leaves the tracked state as it was, but the commands that would act on what that SELECT meant
// to select (the current EF, or everything in the application after a refused application
// SELECT) are refused until the next SELECT (or, for the current EF, READ BINARY by short EF
// identifier, which makes its file current) the firewall lets through.
//
// A refusal is kPermissionDenied, "APDU firewall: <what> is not allowed for <use>[: <why>]",
// naming the rule and the application or file by name and never the APDU's data field; it is
// counted per reason and logged at warn level as "policy violation: ...". Not thread-safe (as
// every CardChannel); `inner` must outlive the firewall.
class ApduFirewall : public CardChannel {
 public:
  // kInvalidArgument when the policy does not Validate().
  static Result<std::unique_ptr<ApduFirewall>> Create(CardChannel& inner, FirewallPolicy policy);
  // The same with a policy shared between firewalls (one per card, for example), which is not
  // copied; kInvalidArgument also when `policy` is null.
  static Result<std::unique_ptr<ApduFirewall>> Create(CardChannel& inner,
                                                      std::shared_ptr<const FirewallPolicy> policy);

  Result<Bytes> Transmit(ByteView command) override;
  Result<Bytes> Atr() override { return inner_.Atr(); }
  // Forwards the reset and forgets every selection.
  Status Reset() override;
  bool IsPresent() override { return inner_.IsPresent(); }

  const FirewallPolicy& policy() const { return *policy_; }
  const FirewallStats& stats() const { return stats_; }

  // What was let through, oldest first, one line per command: the instruction and the names of the
  // application and file it acted on ("READ BINARY by SFI of the authentication certificate
  // (利用者証明用電子証明書, EF 000A) in the JPKI application (公的個人認証AP)"). No data, no PIN.
  // Holds the last kAllowedLogLimit lines.
  static constexpr std::size_t kAllowedLogLimit = 4096;
  std::vector<std::string> AllowedLog() const;

  // The tracked selection: the AID of the application known to be selected and the FID of the EF
  // known to be current (nullopt when none is known).
  std::optional<Bytes> SelectedApplication() const;
  std::optional<std::uint16_t> CurrentFile() const { return current_file_; }

 private:
  struct Verdict;
  // What a command let through was, in indices into the policy: its AllowedLog() line is
  // written only when it is read (or logged at debug level), not for every command.
  struct AllowedCommand {
    enum class Kind : std::uint8_t {
      kCommandRule,
      kGetResponse,
      kSelectApplication,
      kSelectFile,
      kReadBinary,
      kVerify,
      kVerifyQuery,
      kSign,
    };
    Kind kind = Kind::kGetResponse;
    bool by_sfi = false;
    std::uint16_t fid = 0;
    std::size_t application = 0;
    std::size_t rule = 0;  // kCommandRule: the index in the application's commands
  };

  ApduFirewall(CardChannel& inner, std::shared_ptr<const FirewallPolicy> policy);

  Verdict Judge(ByteView raw) const;
  Verdict JudgeSelect(const CommandApdu& c) const;
  Verdict JudgeFileCommand(const CommandApdu& c, std::string_view instruction) const;
  Verdict Refuse(RefusalReason reason, std::string_view what, std::string_view why = {}) const;
  std::string Describe(const AllowedCommand& command) const;
  void Forget();

  CardChannel& inner_;
  const std::shared_ptr<const FirewallPolicy> policy_;
  FirewallStats stats_;
  std::deque<AllowedCommand> allowed_log_;

  // Tracked selection: an index into policy_.applications, and the FID of the current EF.
  std::optional<std::size_t> application_;
  std::optional<std::uint16_t> current_file_;
  // Set by a refused SELECT, cleared by the next SELECT let through: describes what it tried.
  std::optional<std::string> refused_application_select_;
  std::optional<std::string> refused_file_select_;
  // The card's last answer was 61xx: a GET RESPONSE may follow.
  bool response_pending_ = false;
};

}  // namespace sekisho::card
