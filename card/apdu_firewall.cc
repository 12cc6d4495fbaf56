#include "card/apdu_firewall.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "card/mynumber_card.h"
#include "card/status_word.h"

namespace sekisho::card {
namespace {

namespace mn = mynumber;

std::string Hex8(std::uint8_t b) { return ToHex(std::array{b}); }
Bytes AidBytes(ByteView aid) { return Bytes(aid.begin(), aid.end()); }

// Names of what the card holds beyond any policy, so that refusals say what was asked for.
// Source: ../shared/spec/mynumber-card.md §1 and §4.
struct NamedFile {
  std::uint16_t fid;
  std::string_view name;
};
struct KnownApplication {
  ByteView aid;
  std::string_view name;
  std::span<const NamedFile> files;
};

constexpr NamedFile kJpkiFiles[] = {
    {mn::kJpkiSignCert, "the signature certificate (署名用電子証明書, EF 0001)"},
    {mn::kJpkiSignCaCert, "the signature CA certificate (EF 0002)"},
    {mn::kJpkiToken, "the token information (EF 0006)"},
    {mn::kJpkiCertPresence, "the certificate presence flags (EF 0008)"},
    {mn::kJpkiAuthCert, "the authentication certificate (利用者証明用電子証明書, EF 000A)"},
    {mn::kJpkiAuthCaCert, "the authentication CA certificate (EF 000B)"},
    {mn::kJpkiAuthKey, "the authentication key (利用者証明用秘密鍵, EF 0017)"},
    {mn::kJpkiAuthPin, "the authentication PIN (利用者証明用PIN, EF 0018)"},
    {mn::kJpkiSignKey, "the signature key (署名用秘密鍵, EF 001A)"},
    {mn::kJpkiSignPassword, "the signature password (署名用パスワード, EF 001B)"},
};

const std::vector<KnownApplication>& KnownApplications() {
  static const std::vector<KnownApplication> known = {
      {mn::kJpkiAid, "the JPKI application (公的個人認証AP)", kJpkiFiles},
      {mn::kInputAssistAid, "the input-assist application (券面事項入力補助AP)", {}},
      {mn::kCardFaceAid, "the card-face application (券面事項確認AP)", {}},
      {mn::kResidenceAid, "the residence application (住基AP)", {}},
      {mn::kCommonAid, "the common application (共通AP)", {}},
      {mn::kIssuerSecurityDomainAid, "the issuer security domain (GlobalPlatform ISD)", {}},
  };
  return known;
}

const KnownApplication* FindKnown(ByteView aid) {
  for (const KnownApplication& app : KnownApplications()) {
    if (std::ranges::equal(app.aid, aid)) return &app;
  }
  return nullptr;
}

std::string DescribeApplication(const FirewallPolicy& policy, ByteView aid) {
  for (const ApplicationRule& app : policy.applications) {
    if (std::ranges::equal(app.aid, aid)) return app.name;
  }
  if (const KnownApplication* known = FindKnown(aid)) return std::string(known->name);
  return "an unknown application (AID outside the policy)";
}

std::string DescribeFile(const ApplicationRule& app, std::uint16_t fid) {
  for (const FileRule& file : app.files) {
    if (file.fid == fid) return file.name;
  }
  if (const KnownApplication* known = FindKnown(app.aid)) {
    for (const NamedFile& file : known->files) {
      if (file.fid == fid) return std::string(file.name);
    }
  }
  return "the EF " + ToHex16(fid);
}

const FileRule* FindFile(const ApplicationRule& app, std::uint16_t fid) {
  for (const FileRule& file : app.files) {
    if (file.fid == fid) return &file;
  }
  return nullptr;
}

// Names of instructions for refusal messages: ISO/IEC 7816-4:2005 §5.1.2 Table 4 (interindustry
// INS codes), and the card's JICSAP commands in class 80 (spec §3).
std::string_view InstructionName(std::uint8_t cla, std::uint8_t ins) {
  if (cla == 0x80) {
    switch (ins) {
      case mn::kInsComputeSignature:
        return "COMPUTE DIGITAL SIGNATURE";
      case mn::kInsChangeKey:
        return "CHANGE KEY (JICSAP)";
      case 0xA2:
        return "VERIFY CERTIFICATE (JICSAP)";
      default:
        break;
    }
  }
  switch (ins) {
    case 0x04:
      return "DEACTIVATE FILE";
    case 0x0E:
    case 0x0F:
      return "ERASE BINARY";
    case mn::kInsVerify:
      return "VERIFY";
    case 0x21:
      return "VERIFY (odd instruction)";
    case 0x22:
      return "MANAGE SECURITY ENVIRONMENT";
    case mn::kInsChangeReferenceData:
      return "CHANGE REFERENCE DATA";
    case 0x26:
      return "DISABLE VERIFICATION REQUIREMENT";
    case 0x28:
      return "ENABLE VERIFICATION REQUIREMENT";
    case mn::kInsComputeSignature:
      return "PERFORM SECURITY OPERATION";
    case 0x2C:
      return "RESET RETRY COUNTER";
    case 0x44:
      return "ACTIVATE FILE";
    case 0x46:
    case 0x47:
      return "GENERATE ASYMMETRIC KEY PAIR";
    case 0x70:
      return "MANAGE CHANNEL";
    case 0x82:
      return "EXTERNAL AUTHENTICATE";
    case mn::kInsGetChallenge:
      return "GET CHALLENGE";
    case 0x86:
    case 0x87:
      return "GENERAL AUTHENTICATE";
    case mn::kInsInternalAuthenticate:
      return "INTERNAL AUTHENTICATE";
    case 0xA0:
    case 0xA1:
      return "SEARCH BINARY";
    case 0xA2:
      return "SEARCH RECORD";
    case mn::kInsSelect:
      return "SELECT";
    case mn::kInsReadBinary:
      return "READ BINARY";
    case 0xB1:
      return "READ BINARY (odd instruction)";
    case mn::kInsReadRecord:
    case 0xB3:
      return "READ RECORD";
    case mn::kInsGetResponse:
      return "GET RESPONSE";
    case 0xC2:
    case 0xC3:
      return "ENVELOPE";
    case mn::kInsGetData:
    case 0xCB:
      return "GET DATA";
    case 0xD0:
    case 0xD1:
      return "WRITE BINARY";
    case 0xD2:
      return "WRITE RECORD";
    case 0xD6:
    case 0xD7:
      return "UPDATE BINARY";
    case 0xDA:
    case 0xDB:
      return "PUT DATA";
    case 0xDC:
    case 0xDD:
      return "UPDATE RECORD";
    case 0xE0:
      return "CREATE FILE";
    case 0xE2:
      return "APPEND RECORD";
    case 0xE4:
      return "DELETE FILE";
    case 0xE6:
      return "TERMINATE DF";
    case 0xE8:
      return "TERMINATE CARD USAGE";
    default:
      return {};
  }
}

std::string InstructionLabel(std::uint8_t cla, std::uint8_t ins) {
  const std::string_view name = InstructionName(cla, ins);
  if (!name.empty()) return std::string(name);
  return "instruction " + Hex8(ins) + " (CLA " + Hex8(cla) + ")";
}

// A short EF identifier in bits 5-1 with bit 8 set and bits 7-6 clear (ISO/IEC 7816-4:2005 §7.2
// for READ BINARY P1, §7.5.6 for the VERIFY P2; the JICSAP COMPUTE DIGITAL SIGNATURE P2 alike,
// spec §3). §5.3.1.1: an SFI is 1-30, so 0 and 31 are not file references.
std::optional<std::uint16_t> SfiIn(std::uint8_t p) {
  if ((p & 0xE0) != 0x80) return std::nullopt;
  const std::uint8_t sfi = p & 0x1F;
  if (sfi == 0 || sfi == 0x1F) return std::nullopt;
  return sfi;
}

// The card left the command successful for the purpose of tracking which file is current.
bool ReadSucceeded(std::uint16_t sw) {
  return sw == ToU16(StatusWord::kOk) || sw == ToU16(StatusWord::kWarningEndOfFile) ||
         (sw >> 8) == kSw1BytesAvailable;
}

}  // namespace

struct ApduFirewall::Verdict {
  enum class Effect { kNone, kSelectApplication, kSelectFile, kReadBySfi };

  bool allowed = false;
  AllowedCommand command;  // when allowed
  RefusalReason reason = RefusalReason::kMalformedApdu;
  std::string what;     // when refused: the command and its target
  std::string message;  // the whole refusal message
  Effect effect = Effect::kNone;
  std::size_t application = 0;  // kSelectApplication
  std::uint16_t file = 0;       // kSelectFile, kReadBySfi

  static Verdict Allow(AllowedCommand command, Effect effect = Effect::kNone) {
    Verdict v;
    v.allowed = true;
    v.command = command;
    v.effect = effect;
    return v;
  }
};

static_assert(static_cast<std::size_t>(RefusalReason::kNoPendingResponse) + 1 ==
              kRefusalReasonCount);

std::string_view RefusalReasonName(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kMalformedApdu:
      return "malformed APDU";
    case RefusalReason::kClassNotAllowed:
      return "class byte not allowed";
    case RefusalReason::kLogicalChannel:
      return "logical channel";
    case RefusalReason::kSecureMessaging:
      return "secure messaging";
    case RefusalReason::kApplicationNotAllowed:
      return "application not allowed";
    case RefusalReason::kSelectFormNotAllowed:
      return "SELECT form not allowed";
    case RefusalReason::kNoApplicationSelected:
      return "no allowed application selected";
    case RefusalReason::kFileNotAllowed:
      return "file not allowed";
    case RefusalReason::kNoCurrentFile:
      return "no current file";
    case RefusalReason::kCredentialNotAllowed:
      return "credential not allowed";
    case RefusalReason::kKeyNotAllowed:
      return "key not allowed";
    case RefusalReason::kSignatureSchemeNotAllowed:
      return "signature scheme not allowed";
    case RefusalReason::kCommandNotAllowed:
      return "command not allowed";
    case RefusalReason::kNoPendingResponse:
      return "no pending response";
  }
  return "unknown reason";
}

Status FirewallPolicy::Validate() const {
  if (use.empty()) return InvalidArgumentError("firewall policy: the use has no name");
  // Policies hold a handful of rules: pairwise comparison, no allocation.
  for (auto app = applications.begin(); app != applications.end(); ++app) {
    if (app->aid.empty() || app->aid.size() > 16) {
      return InvalidArgumentError("firewall policy '" + use + "': AID of " + app->name + " has " +
                                  std::to_string(app->aid.size()) + " bytes, expected 1-16");
    }
    if (std::any_of(applications.begin(), app,
                    [&](const ApplicationRule& earlier) { return earlier.aid == app->aid; })) {
      return InvalidArgumentError("firewall policy '" + use + "': AID " + ToHex(app->aid) +
                                  " appears twice");
    }
    for (auto file = app->files.begin(); file != app->files.end(); ++file) {
      if (std::any_of(app->files.begin(), file,
                      [&](const FileRule& earlier) { return earlier.fid == file->fid; })) {
        return InvalidArgumentError("firewall policy '" + use + "': EF " + ToHex16(file->fid) +
                                    " appears twice in " + app->name);
      }
    }
    for (const CommandRule& command : app->commands) {
      static constexpr std::uint8_t kFileRuled[] = {mn::kInsSelect,      mn::kInsReadBinary,
                                                    mn::kInsVerify,      mn::kInsComputeSignature,
                                                    mn::kInsGetResponse, 0x70};
      // A READ BINARY by short EF identifier (P1 = 80|SFI) at a fixed offset names its file in the
      // header (ISO/IEC 7816-4:2020 §11.3.3), so a header rule may allow it.
      const bool read_by_sfi = command.ins == mn::kInsReadBinary && command.p1 &&
                               (*command.p1 & 0xE0) == 0x80 && (*command.p1 & 0x1F) != 0 &&
                               command.p2.has_value();
      // A protected PERFORM SECURITY OPERATION with fixed P1-P2 (PSO:VERIFY CERTIFICATE, 00 BE) is
      // not the JPKI's COMPUTE DIGITAL SIGNATURE (class 80).
      const bool protected_pso = command.ins == mn::kInsComputeSignature &&
                                 (command.cla & 0x0C) == 0x0C && command.p1 && command.p2;
      if (!read_by_sfi && !protected_pso &&
          std::ranges::find(kFileRuled, command.ins) != std::end(kFileRuled)) {
        return InvalidArgumentError("firewall policy '" + use + "': command rule '" + command.name +
                                    "' names instruction " + Hex8(command.ins) +
                                    ", which only file rules may allow");
      }
    }
  }
  return OkStatus();
}

namespace {

FirewallPolicy BuildJpkiUserAuthenticationPolicy() {
  ApplicationRule jpki;
  jpki.aid = AidBytes(mn::kJpkiAid);
  jpki.name = "the JPKI application (公的個人認証AP)";
  // DESIGN.md P3: the user-authentication path only; spec §4 for the files.
  jpki.files = {
      {mn::kJpkiToken, "the token information (EF 0006)", true, true, false, false},
      {mn::kJpkiAuthCert, "the authentication certificate (利用者証明用電子証明書, EF 000A)", true,
       true, false, false},
      {mn::kJpkiAuthCaCert, "the authentication CA certificate (EF 000B)", true, true, false,
       false},
      {mn::kJpkiAuthKey, "the authentication key (利用者証明用秘密鍵, EF 0017)", true, false, false,
       true},
      {mn::kJpkiAuthPin, "the authentication PIN (利用者証明用PIN, EF 0018)", true, false, true,
       false},
  };
  // Spec §3: P1=00 signs the DigestInfo as given (PKCS#1 v1.5); the other schemes are not needed.
  jpki.signature_schemes = {0x00};
  return FirewallPolicy{"JPKI user authentication", {std::move(jpki)}};
}

}  // namespace

const FirewallPolicy& JpkiUserAuthenticationPolicy() {
  return *SharedJpkiUserAuthenticationPolicy();
}

const std::shared_ptr<const FirewallPolicy>& SharedJpkiUserAuthenticationPolicy() {
  static const auto* const policy = new std::shared_ptr<const FirewallPolicy>(
      std::make_shared<const FirewallPolicy>(BuildJpkiUserAuthenticationPolicy()));
  return *policy;
}

Result<std::unique_ptr<ApduFirewall>> ApduFirewall::Create(CardChannel& inner,
                                                           FirewallPolicy policy) {
  return Create(inner, std::make_shared<const FirewallPolicy>(std::move(policy)));
}

Result<std::unique_ptr<ApduFirewall>> ApduFirewall::Create(
    CardChannel& inner, std::shared_ptr<const FirewallPolicy> policy) {
  if (policy == nullptr) return InvalidArgumentError("firewall policy: none given");
  RETURN_IF_ERROR(policy->Validate());
  return std::unique_ptr<ApduFirewall>(new ApduFirewall(inner, std::move(policy)));
}

ApduFirewall::ApduFirewall(CardChannel& inner, std::shared_ptr<const FirewallPolicy> policy)
    : inner_(inner), policy_(std::move(policy)) {}

std::vector<std::string> ApduFirewall::AllowedLog() const {
  std::vector<std::string> lines;
  lines.reserve(allowed_log_.size());
  for (const AllowedCommand& command : allowed_log_) lines.push_back(Describe(command));
  return lines;
}

// "READ BINARY by SFI of the authentication certificate (...) in the JPKI application (...)".
std::string ApduFirewall::Describe(const AllowedCommand& command) const {
  using Kind = AllowedCommand::Kind;
  if (command.kind == Kind::kGetResponse) return "GET RESPONSE";
  const ApplicationRule& app = policy_->applications[command.application];
  const std::string_view how = command.by_sfi ? " by SFI" : "";
  switch (command.kind) {
    case Kind::kCommandRule:
      return app.commands[command.rule].name + " in " + app.name;
    case Kind::kSelectApplication:
      return "SELECT of " + app.name;
    case Kind::kSelectFile:
      return "SELECT of " + DescribeFile(app, command.fid) + " in " + app.name;
    case Kind::kReadBinary:
      return "READ BINARY" + std::string(how) + " of " + DescribeFile(app, command.fid) + " in " +
             app.name;
    case Kind::kVerify:
    case Kind::kVerifyQuery:
      return (command.kind == Kind::kVerify ? "VERIFY" : "VERIFY (tries query)") +
             std::string(how) + " of " + DescribeFile(app, command.fid) + " in " + app.name;
    case Kind::kSign:
      return "COMPUTE DIGITAL SIGNATURE" + std::string(how) + " with " +
             DescribeFile(app, command.fid) + " in " + app.name;
    case Kind::kGetResponse:
      break;
  }
  return "GET RESPONSE";
}

std::optional<Bytes> ApduFirewall::SelectedApplication() const {
  if (!application_) return std::nullopt;
  return policy_->applications[*application_].aid;
}

void ApduFirewall::Forget() {
  application_.reset();
  current_file_.reset();
  refused_application_select_.reset();
  refused_file_select_.reset();
  response_pending_ = false;
}

Status ApduFirewall::Reset() {
  Forget();
  return inner_.Reset();
}

ApduFirewall::Verdict ApduFirewall::Refuse(RefusalReason reason, std::string_view what,
                                           std::string_view why) const {
  Verdict v;
  v.reason = reason;
  v.what = std::string(what);
  v.message = "APDU firewall: " + v.what + " is not allowed for " + policy_->use;
  if (!why.empty()) v.message += ": " + std::string(why);
  return v;
}

Result<Bytes> ApduFirewall::Transmit(ByteView command) {
  Verdict verdict = Judge(command);
  if (!verdict.allowed) {
    ++stats_.refused;
    ++stats_.refused_by_reason[static_cast<std::size_t>(verdict.reason)];
    // The card never sees a refused SELECT, but the commands after it were meant for what it
    // would have selected: remember it so they are refused too.
    if (command.size() >= 4 && command[1] == mn::kInsSelect) {
      if (command[2] == 0x02) {
        refused_file_select_ = verdict.what;
      } else {
        refused_application_select_ = verdict.what;
      }
    }
    spdlog::warn("policy violation: {}", verdict.message);
    return PermissionDeniedError(verdict.message);
  }

  ++stats_.allowed;
  if (allowed_log_.size() >= kAllowedLogLimit) allowed_log_.pop_front();
  allowed_log_.push_back(verdict.command);
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("APDU firewall: allowed {}", Describe(verdict.command));
  }
  auto response = inner_.Transmit(command);
  if (!response.ok() || response->size() < 2) {
    // The card went away or answered garbage: nothing about its state is known any more.
    Forget();
    return response;
  }
  const std::uint16_t sw = ReadU16((*response)[response->size() - 2], response->back());
  response_pending_ = (sw >> 8) == kSw1BytesAvailable;

  using Effect = Verdict::Effect;
  switch (verdict.effect) {
    case Effect::kNone:
      break;
    case Effect::kSelectApplication:
      // A SELECT the card did not accept with 9000 leaves nothing known as selected: the firewall
      // does not rely on what a card does on its error paths.
      refused_application_select_.reset();
      refused_file_select_.reset();
      current_file_.reset();
      if (sw == ToU16(StatusWord::kOk)) {
        application_ = verdict.application;
      } else {
        application_.reset();
      }
      break;
    case Effect::kSelectFile:
      refused_file_select_.reset();
      if (sw == ToU16(StatusWord::kOk)) {
        current_file_ = verdict.file;
      } else {
        current_file_.reset();
      }
      break;
    case Effect::kReadBySfi:
      // ISO/IEC 7816-4:2005 §7.2: a READ BINARY naming a short EF identifier makes that file
      // the current EF.
      refused_file_select_.reset();
      if (ReadSucceeded(sw)) {
        current_file_ = verdict.file;
      } else {
        current_file_.reset();
      }
      break;
  }
  return response;
}

ApduFirewall::Verdict ApduFirewall::Judge(ByteView raw) const {
  auto parsed = CommandApdu::Parse(raw);
  if (!parsed.ok()) {
    return Refuse(RefusalReason::kMalformedApdu, "an APDU that does not parse",
                  parsed.status().message());
  }
  const CommandApdu& c = *parsed;

  // Header-only rules of the selected application come first: they may name any class.
  if (application_ && !refused_application_select_) {
    const ApplicationRule& app = policy_->applications[*application_];
    for (std::size_t i = 0; i < app.commands.size(); ++i) {
      const CommandRule& rule = app.commands[i];
      if (rule.cla == c.cla && rule.ins == c.ins && (!rule.p1 || *rule.p1 == c.p1) &&
          (!rule.p2 || *rule.p2 == c.p2)) {
        return Verdict::Allow(
            {.kind = AllowedCommand::Kind::kCommandRule, .application = *application_, .rule = i});
      }
    }
  }

  // The class byte: ISO/IEC 7816-4:2005 §5.1.1, Tables 2 and 3. First interindustry classes 00-1F
  // (and the card's proprietary 80-9F, coded alike): b5 chaining, b4-b3 secure messaging, b2-b1
  // channel. Further interindustry classes 40-7F always name a channel 4-19.
  // Messages only: built when a command is refused, never for one let through.
  const auto cla_hex = [&c] { return "CLA " + Hex8(c.cla); };
  if (c.cla == 0xFF || (c.cla & 0xE0) == 0x20 || (c.cla & 0xE0) == 0xA0 || (c.cla & 0xC0) == 0xC0) {
    return Refuse(RefusalReason::kClassNotAllowed, "a command with " + cla_hex(),
                  "reserved or proprietary class");
  }
  if ((c.cla & 0xC0) == 0x40) {
    return Refuse(RefusalReason::kLogicalChannel,
                  "a command on logical channel " + std::to_string(4 + (c.cla & 0x0F)),
                  "only the basic channel 0 is used");
  }
  if ((c.cla & 0x03) != 0) {
    return Refuse(RefusalReason::kLogicalChannel,
                  "a command on logical channel " + std::to_string(c.cla & 0x03),
                  "only the basic channel 0 is used");
  }
  if ((c.cla & 0x0C) != 0) {
    return Refuse(RefusalReason::kSecureMessaging, "secure messaging (" + cla_hex() + ")");
  }
  if ((c.cla & 0x10) != 0) {
    return Refuse(RefusalReason::kClassNotAllowed, "command chaining (" + cla_hex() + ")");
  }
  // The class is now 00 or 80.

  if (c.ins == 0x70) {
    return Refuse(RefusalReason::kLogicalChannel, "MANAGE CHANNEL",
                  "only the basic channel 0 is used");
  }
  const bool interindustry = c.cla == 0x00;
  switch (c.ins) {
    case mn::kInsSelect:
    case mn::kInsReadBinary:
    case mn::kInsVerify:
    case mn::kInsGetResponse:
      if (!interindustry) {
        return Refuse(RefusalReason::kClassNotAllowed,
                      InstructionLabel(0x00, c.ins) + " with " + cla_hex());
      }
      break;
    case mn::kInsComputeSignature:
      if (interindustry) {
        return Refuse(RefusalReason::kCommandNotAllowed, InstructionLabel(c.cla, c.ins));
      }
      return JudgeFileCommand(c, "COMPUTE DIGITAL SIGNATURE");
    default:
      return Refuse(RefusalReason::kCommandNotAllowed, InstructionLabel(c.cla, c.ins));
  }

  switch (c.ins) {
    case mn::kInsSelect:
      return JudgeSelect(c);
    case mn::kInsReadBinary:
      return JudgeFileCommand(c, "READ BINARY");
    case mn::kInsVerify:
      return JudgeFileCommand(c, c.data.empty() ? "VERIFY (tries query)" : "VERIFY");
    default:  // GET RESPONSE, ISO/IEC 7816-4:2005 §7.6.1
      if (c.p1 != 0x00 || c.p2 != 0x00 || !c.data.empty()) {
        return Refuse(RefusalReason::kMalformedApdu,
                      "GET RESPONSE with P1-P2 " + Hex8(c.p1) + Hex8(c.p2) + " or a data field");
      }
      if (!response_pending_) {
        return Refuse(RefusalReason::kNoPendingResponse, "GET RESPONSE",
                      "the card announced no further response bytes (61xx)");
      }
      return Verdict::Allow({.kind = AllowedCommand::Kind::kGetResponse});
  }
}

// SELECT: ISO/IEC 7816-4:2005 §7.1.1, Table 39 (P1) and Table 40 (P2); the card's forms in
// spec §1 (notes) and §3: 00 A4 04 0C <AID> and 00 A4 02 0C <FID>.
ApduFirewall::Verdict ApduFirewall::JudgeSelect(const CommandApdu& c) const {
  const auto p2_hex = [&c] { return "P2=" + Hex8(c.p2); };
  const std::string_view only_0c = "only P2=0C (no response data) is allowed";
  switch (c.p1) {
    case 0x04: {
      if (c.data.empty() || c.data.size() > 16) {
        return Refuse(RefusalReason::kMalformedApdu,
                      "SELECT by DF name with a " + std::to_string(c.data.size()) + "-byte name",
                      "an AID has 1-16 bytes");
      }
      const auto target = [&] { return "SELECT of " + DescribeApplication(*policy_, c.data); };
      for (std::size_t i = 0; i < policy_->applications.size(); ++i) {
        if (policy_->applications[i].aid != c.data) continue;
        if (c.p2 != 0x0C) {
          return Refuse(RefusalReason::kSelectFormNotAllowed, target() + " with " + p2_hex(),
                        only_0c);
        }
        Verdict v =
            Verdict::Allow({.kind = AllowedCommand::Kind::kSelectApplication, .application = i},
                           Verdict::Effect::kSelectApplication);
        v.application = i;
        return v;
      }
      return Refuse(RefusalReason::kApplicationNotAllowed, target());
    }
    case 0x00:
      if (c.data.empty() || (c.data.size() == 2 && c.data[0] == 0x3F && c.data[1] == 0x00)) {
        return Refuse(RefusalReason::kApplicationNotAllowed, "SELECT of the master file (MF)");
      }
      return Refuse(RefusalReason::kSelectFormNotAllowed, "SELECT by file identifier with P1=00",
                    "files are selected with P1=02 inside an allowed application");
    case 0x02: {
      if (!application_) {
        return Refuse(RefusalReason::kNoApplicationSelected, "SELECT of an EF",
                      "no allowed application is selected");
      }
      const ApplicationRule& app = policy_->applications[*application_];
      if (refused_application_select_) {
        return Refuse(RefusalReason::kNoApplicationSelected, "SELECT of an EF",
                      "it follows the refused " + *refused_application_select_);
      }
      if (c.data.size() != 2) {
        return Refuse(RefusalReason::kMalformedApdu,
                      "SELECT EF with a " + std::to_string(c.data.size()) + "-byte identifier",
                      "a file identifier has 2 bytes");
      }
      const std::uint16_t fid = ReadU16(c.data[0], c.data[1]);
      const auto target = [&] { return "SELECT of " + DescribeFile(app, fid) + " in " + app.name; };
      const FileRule* file = FindFile(app, fid);
      if (file == nullptr || !file->select) {
        return Refuse(RefusalReason::kFileNotAllowed, target());
      }
      if (c.p2 != 0x0C) {
        return Refuse(RefusalReason::kSelectFormNotAllowed, target() + " with " + p2_hex(),
                      only_0c);
      }
      Verdict v = Verdict::Allow(
          {.kind = AllowedCommand::Kind::kSelectFile, .fid = fid, .application = *application_},
          Verdict::Effect::kSelectFile);
      v.file = fid;
      return v;
    }
    case 0x01:
    case 0x03:
      return Refuse(RefusalReason::kSelectFormNotAllowed, c.p1 == 0x01
                                                              ? "SELECT of a child DF by identifier"
                                                              : "SELECT of the parent DF");
    case 0x08:
    case 0x09:
      return Refuse(RefusalReason::kSelectFormNotAllowed, "SELECT by path");
    default:
      return Refuse(RefusalReason::kSelectFormNotAllowed, "SELECT with P1=" + Hex8(c.p1));
  }
}

// READ BINARY (ISO/IEC 7816-4:2005 §7.2.3), VERIFY (§7.5.6) and the JICSAP COMPUTE DIGITAL
// SIGNATURE (spec §3): each names its file either as the current EF or by short EF identifier.
ApduFirewall::Verdict ApduFirewall::JudgeFileCommand(const CommandApdu& c,
                                                     std::string_view instruction) const {
  // Messages only: built when the command is refused.
  const auto op = [instruction] { return std::string(instruction); };
  const bool read = c.ins == mn::kInsReadBinary;
  const bool verify = c.ins == mn::kInsVerify;
  const bool sign = c.ins == mn::kInsComputeSignature;

  // Where the file reference sits: P1 for READ BINARY, P2 for the other two; 80 = current EF.
  bool by_sfi = false;
  std::uint16_t fid = 0;
  if (read) {
    if ((c.p1 & 0x80) != 0) {
      const auto sfi = SfiIn(c.p1);
      if (!sfi) {
        return Refuse(RefusalReason::kMalformedApdu, op() + " with P1=" + Hex8(c.p1),
                      "not a short EF identifier 1-30");
      }
      by_sfi = true;
      fid = *sfi;
    }
    if (!c.data.empty()) {
      return Refuse(RefusalReason::kMalformedApdu, op() + " with a data field");
    }
  } else {
    if (verify && c.p1 != 0x00) {
      return Refuse(RefusalReason::kCommandNotAllowed, op() + " with P1=" + Hex8(c.p1));
    }
    if (c.p2 != 0x80) {
      const auto sfi = SfiIn(c.p2);
      if (!sfi) {
        if (verify) {
          return Refuse(RefusalReason::kCredentialNotAllowed,
                        op() + " of the reference data named by P2=" + Hex8(c.p2));
        }
        return Refuse(RefusalReason::kKeyNotAllowed,
                      op() + (c.p2 == 0x00 ? " with the application's default key (P2=00)"
                                           : " with the key named by P2=" + Hex8(c.p2)));
      }
      by_sfi = true;
      fid = *sfi;
    }
    if (sign && c.data.empty()) {
      return Refuse(RefusalReason::kMalformedApdu, op() + " without data to sign");
    }
  }

  if (!application_) {
    return Refuse(RefusalReason::kNoApplicationSelected, instruction,
                  "no allowed application is selected");
  }
  const ApplicationRule& app = policy_->applications[*application_];
  if (refused_application_select_) {
    return Refuse(RefusalReason::kNoApplicationSelected, instruction,
                  "it follows the refused " + *refused_application_select_);
  }
  if (!by_sfi) {
    const auto current = [&] { return op() + (sign ? " with" : " of") + " the current EF"; };
    if (refused_file_select_) {
      return Refuse(RefusalReason::kNoCurrentFile, current(),
                    "it follows the refused " + *refused_file_select_);
    }
    if (!current_file_) {
      return Refuse(RefusalReason::kNoCurrentFile, current(), "no EF is known to be current");
    }
    fid = *current_file_;
  }

  const auto target = [&] {
    return op() + (by_sfi ? " by SFI" : "") + (sign ? " with " : " of ") + DescribeFile(app, fid) +
           " in " + app.name;
  };
  AllowedCommand allowed{.by_sfi = by_sfi, .fid = fid, .application = *application_};
  const FileRule* file = FindFile(app, fid);
  if (read) {
    if (file == nullptr || !file->read) return Refuse(RefusalReason::kFileNotAllowed, target());
    allowed.kind = AllowedCommand::Kind::kReadBinary;
    Verdict v =
        Verdict::Allow(allowed, by_sfi ? Verdict::Effect::kReadBySfi : Verdict::Effect::kNone);
    v.file = fid;
    return v;
  }
  if (verify) {
    if (file == nullptr || !file->verify) {
      return Refuse(RefusalReason::kCredentialNotAllowed, target());
    }
    allowed.kind =
        c.data.empty() ? AllowedCommand::Kind::kVerifyQuery : AllowedCommand::Kind::kVerify;
    return Verdict::Allow(allowed);
  }
  if (file == nullptr || !file->sign) return Refuse(RefusalReason::kKeyNotAllowed, target());
  if (std::ranges::find(app.signature_schemes, c.p1) == app.signature_schemes.end()) {
    return Refuse(RefusalReason::kSignatureSchemeNotAllowed,
                  op() + " with scheme P1=" + Hex8(c.p1) + " and " + DescribeFile(app, fid) +
                      " in " + app.name);
  }
  allowed.kind = AllowedCommand::Kind::kSign;
  return Verdict::Allow(allowed);
}

}  // namespace sekisho::card
