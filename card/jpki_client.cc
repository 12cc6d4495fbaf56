#include "card/jpki_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <string>

#include "base/digest.h"
#include "card/certificate_prefix.h"
#include "card/mynumber_card.h"
#include "card/status_word.h"
#include "card/transceive.h"

namespace sekisho::card {
namespace {

namespace mn = mynumber;

constexpr std::size_t kRsa2048SignatureSize = 256;
// READ BINARY offsets are 15 bits (P1 bit 8 = 0 selects the offset form, ISO/IEC 7816-4:2005 §7.2).
constexpr std::size_t kMaxReadOffset = 0x7FFF;
// A card that answers 9000 with no data this many times in a row will not make progress.
constexpr int kMaxEmptyReads = 3;

std::string FileName(std::uint16_t fid) {
  switch (fid) {
    case mn::kJpkiToken:
      return "the token EF 0006";
    case mn::kJpkiAuthCert:
      return "the authentication certificate (EF 000A)";
    case mn::kJpkiAuthCaCert:
      return "the authentication CA certificate (EF 000B)";
    case mn::kJpkiAuthKey:
      return "the authentication key (EF 0017)";
    case mn::kJpkiAuthPin:
      return "the authentication PIN (EF 0018)";
    default:
      return "EF " + ToHex16(fid);
  }
}

// An answer the operation cannot use, as a Status naming the status word: 6A82 -> kNotFound,
// 69xx (security state, blocked, conditions) -> kFailedPrecondition, anything else -> kDataLoss
// (a card answering outside its specification).
Status CardAnswered(std::string_view action, std::uint16_t sw) {
  const std::string message = std::string(action) + ": the card answered " + ToHex16(sw) + " (" +
                              std::string(StatusWordName(sw)) + ")";
  if (sw == ToU16(StatusWord::kFileNotFound)) return NotFoundError(message);
  if ((sw >> 8) == 0x69) return FailedPreconditionError(message);
  return DataLossError(message);
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kMyNumberCard:
      return "My Number Card (個人番号カード)";
    case TokenKind::kJukiCard:
      return "Juki card (住基カード)";
    case TokenKind::kAndroidSecureElement:
      return "Android smartphone JPKI (secure element)";
    case TokenKind::kIphone:
      return "iPhone JPKI";
    case TokenKind::kUnknown:
      return "unknown JPKI token";
  }
  return "unknown JPKI token";
}

std::string_view TokenLabel(TokenKind kind) {
  switch (kind) {
    case TokenKind::kMyNumberCard:
      return mn::kTokenMyNumberCard;
    case TokenKind::kJukiCard:
      return mn::kTokenJukiCard;
    case TokenKind::kAndroidSecureElement:
      return mn::kTokenAndroid;
    case TokenKind::kIphone:
      return mn::kTokenIos;
    case TokenKind::kUnknown:
      return {};
  }
  return {};
}

TokenKind TokenKindFromLabel(ByteView label) {
  ByteView trimmed = label.first(std::min(label.size(), mn::kTokenLabelSize));
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == 0x00)) {
    trimmed = trimmed.first(trimmed.size() - 1);
  }
  const std::string text = ToString(trimmed);
  for (TokenKind kind : {TokenKind::kMyNumberCard, TokenKind::kJukiCard,
                         TokenKind::kAndroidSecureElement, TokenKind::kIphone}) {
    if (text == TokenLabel(kind)) return kind;
  }
  return TokenKind::kUnknown;
}

JpkiClient::JpkiClient(CardChannel& channel, Options options)
    : channel_(channel), options_(options) {}

void JpkiClient::Forget() {
  application_selected_ = false;
  current_file_.reset();
}

Result<ResponseApdu> JpkiClient::Send(const CommandApdu& command) {
  auto response = Transceive(channel_, command);
  // After a removal, a reset or a refusal nothing is known about what the card has selected.
  if (!response.ok()) Forget();
  return response;
}

Status JpkiClient::SelectApplication() {
  Forget();
  const CommandApdu select{
      0x00,        mn::kInsSelect, 0x04, 0x0C, Bytes(mn::kJpkiAid.begin(), mn::kJpkiAid.end()),
      std::nullopt};
  ASSIGN_OR_RETURN(ResponseApdu r, Send(select));
  if (r.Is(StatusWord::kFileNotFound)) {
    return FailedPreconditionError("not a My Number Card (no JPKI application)");
  }
  if (!r.ok()) return CardAnswered("selecting the JPKI application", r.sw);
  application_selected_ = true;
  return OkStatus();
}

Status JpkiClient::EnsureApplication() {
  if (application_selected_) return OkStatus();
  return SelectApplication();
}

Status JpkiClient::SelectFile(std::uint16_t fid) {
  RETURN_IF_ERROR(EnsureApplication());
  if (current_file_ == fid) return OkStatus();
  const CommandApdu select{
      0x00,
      mn::kInsSelect,
      0x02,
      0x0C,
      Bytes{static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid & 0xFF)},
      std::nullopt};
  current_file_.reset();
  ASSIGN_OR_RETURN(ResponseApdu r, Send(select));
  if (!r.ok()) return CardAnswered("selecting " + FileName(fid), r.sw);
  current_file_ = fid;
  return OkStatus();
}

Result<ResponseApdu> JpkiClient::ReadBinary(std::uint16_t fid, std::size_t offset, std::size_t le) {
  RETURN_IF_ERROR(EnsureApplication());
  if (offset > kMaxReadOffset) {
    return DataLossError("reading " + FileName(fid) + ": offset " + std::to_string(offset) +
                         " is beyond what READ BINARY can address");
  }
  CommandApdu read{0x00, mn::kInsReadBinary, 0x00, 0x00, {}, le};
  // Spec §3: by SFI, P1 = 80|SFI and P2 is the offset (0-255); the SFI equals the FID's low byte.
  const bool by_sfi = options_.use_sfi && offset <= 0xFF && current_file_ != fid;
  if (by_sfi) {
    read.p1 = static_cast<std::uint8_t>(0x80 | fid);
    read.p2 = static_cast<std::uint8_t>(offset);
    ASSIGN_OR_RETURN(ResponseApdu r, Send(read));
    // ISO/IEC 7816-4:2005 §7.2: a READ BINARY by short EF identifier that completes makes that file
    // the current EF, so the rest of a long file is read by offset without a SELECT.
    if (r.ok() || r.Is(StatusWord::kWarningEndOfFile)) {
      current_file_ = fid;
    } else {
      current_file_.reset();
    }
    return r;
  }
  const bool was_current = current_file_ == fid;
  RETURN_IF_ERROR(SelectFile(fid));
  read.p1 = static_cast<std::uint8_t>(offset >> 8);
  read.p2 = static_cast<std::uint8_t>(offset & 0xFF);
  ASSIGN_OR_RETURN(ResponseApdu r, Send(read));
  if (was_current && r.Is(StatusWord::kCommandNotAllowed)) {
    // 6986, no current EF: a card that did not make the file current after a read by SFI. Select
    // it and read once more.
    current_file_.reset();
    RETURN_IF_ERROR(SelectFile(fid));
    ASSIGN_OR_RETURN(r, Send(read));
  }
  return r;
}

Result<TokenKind> JpkiClient::DetectToken() {
  RETURN_IF_ERROR(SelectApplication());
  ASSIGN_OR_RETURN(ResponseApdu r, ReadBinary(mn::kJpkiToken, 0, mn::kTokenLabelSize));
  if (!r.ok() && !r.Is(StatusWord::kWarningEndOfFile)) {
    return CardAnswered("reading " + FileName(mn::kJpkiToken), r.sw);
  }
  const TokenKind kind = TokenKindFromLabel(r.data);
  spdlog::debug("JPKI token: {}", TokenKindName(kind));
  return kind;
}

Result<Bytes> JpkiClient::ReadAuthCertificate(CertificateRead mode) {
  return ReadCertificate(mn::kJpkiAuthCert, mode);
}

Result<Bytes> JpkiClient::ReadAuthCaCertificate() {
  return ReadCertificate(mn::kJpkiAuthCaCert, CertificateRead::kFull);
}

// Spec §3.1 seq 2: the header (30 82 HH LL) gives the size; chunks of at most 256 bytes follow.
Result<Bytes> JpkiClient::ReadCertificate(std::uint16_t fid, CertificateRead mode) {
  const std::string what = FileName(fid);
  Bytes certificate;
  std::optional<std::size_t> total;
  bool end_of_file = false;
  int empty_reads = 0;
  while (true) {
    if (!total && certificate.size() >= 4) {
      auto length = CertificateTotalLength(ByteView(certificate).first(4));
      if (!length.ok()) {
        return DataLossError(what +
                             " does not hold a DER certificate: " + length.status().message());
      }
      if (*length > kMaxCertificateSize) {
        return DataLossError(what + " announces a certificate of " + std::to_string(*length) +
                             " bytes, more than the " + std::to_string(kMaxCertificateSize) +
                             " accepted");
      }
      total = *length;
    }
    // The EF may be larger than the certificate (padding after it).
    if (total && certificate.size() >= *total) {
      certificate.resize(*total);
      return certificate;
    }
    // In kUntilPublicKey mode, the end of the read is the end of the SPKI once its header is in.
    std::optional<std::size_t> wanted = total;
    if (mode == CertificateRead::kUntilPublicKey && !certificate.empty()) {
      auto end = LocateSubjectPublicKeyInfoEnd(certificate);
      if (!end.ok()) return DataLossError(what + ": " + end.status().message());
      if (end->has_value()) {
        if (certificate.size() >= **end) {
          certificate.resize(**end);
          return certificate;
        }
        wanted = **end;
      }
    }
    const std::size_t offset = certificate.size();
    if (end_of_file) {
      return DataLossError(what + " ends after " + std::to_string(offset) +
                           " bytes, before the end of the certificate" +
                           (total ? " (" + std::to_string(*total) + " bytes)" : std::string()));
    }
    const std::size_t le = wanted ? std::min(kMaxShortNe, *wanted - offset) : kMaxShortNe;
    ASSIGN_OR_RETURN(ResponseApdu r, ReadBinary(fid, offset, le));
    if (r.Is(StatusWord::kWrongParametersOffset)) {
      end_of_file = true;  // 6B00: the offset is past the end of the EF
      continue;
    }
    if (!r.ok() && !r.Is(StatusWord::kWarningEndOfFile)) {
      return CardAnswered("reading " + what + " at offset " + std::to_string(offset), r.sw);
    }
    if (r.data.size() > le) {
      return DataLossError("reading " + what + ": the card returned " +
                           std::to_string(r.data.size()) + " bytes for a request of " +
                           std::to_string(le));
    }
    // 6282: end of file reached before Le bytes; what came is the last of the EF.
    end_of_file = r.Is(StatusWord::kWarningEndOfFile);
    if (r.data.empty() && !end_of_file) {
      if (++empty_reads >= kMaxEmptyReads) {
        return DataLossError("reading " + what + ": the card returned no data at offset " +
                             std::to_string(offset) + " " + std::to_string(kMaxEmptyReads) +
                             " times");
      }
      continue;
    }
    empty_reads = 0;
    Append(certificate, r.data);
  }
}

Result<std::uint8_t> JpkiClient::KeyReference(std::uint16_t fid) {
  RETURN_IF_ERROR(EnsureApplication());
  // Spec §3: P2 = 80|SFI names the IEF or key directly; P2 = 80 uses the one selected before.
  if (options_.use_sfi) return static_cast<std::uint8_t>(0x80 | fid);
  RETURN_IF_ERROR(SelectFile(fid));
  return static_cast<std::uint8_t>(0x80);
}

Result<PinStatus> JpkiClient::QueryAuthPinStatus() {
  ASSIGN_OR_RETURN(std::uint8_t p2, KeyReference(mn::kJpkiAuthPin));
  // Spec §3 "Query tries left": VERIFY without a data field (case 1) spends no try.
  ASSIGN_OR_RETURN(ResponseApdu r,
                   Send(CommandApdu{0x00, mn::kInsVerify, 0x00, p2, {}, std::nullopt}));
  if (IsAuthPinBlocked(r.sw)) return PinStatus{0, true};
  if (const auto tries = TriesLeft(r.sw)) return PinStatus{*tries, false};
  // Spec §3.1: some cards answer 9000 while the PIN is verified; the counter is then full.
  if (r.ok()) return PinStatus{mn::kAuthPinMaxTries, false};
  return CardAnswered("asking for the authentication PIN's tries", r.sw);
}

Status JpkiClient::VerifyAuthPin(SecretBytes pin, PinSafety safety) {
  RETURN_IF_ERROR(CheckAuthPinFormat(pin.view()));
  ASSIGN_OR_RETURN(PinStatus status, QueryAuthPinStatus());
  RETURN_IF_ERROR(CheckPinSafety(status, safety));
  if (status.tries_left == 1) {
    spdlog::warn("sending the authentication PIN on its last try, as the caller allowed");
  }
  ASSIGN_OR_RETURN(std::uint8_t p2, KeyReference(mn::kJpkiAuthPin));
  CommandApdu verify{
      0x00, mn::kInsVerify, 0x00, p2, Bytes(pin.view().begin(), pin.view().end()), std::nullopt};
  pin.Wipe();
  // Exactly one VERIFY with data; Transceive wipes the encoded APDU once it has been sent.
  auto response = Send(verify);
  WipeBytes(verify.data);
  if (!response.ok()) return response.status();
  const std::uint16_t sw = response->sw;
  if (response->ok()) return OkStatus();
  if (IsAuthPinBlocked(sw)) return AuthPinLockedError();
  if (const auto tries = TriesLeft(sw)) {
    return UnauthenticatedError("wrong PIN, " + std::to_string(*tries) +
                                (*tries == 1 ? " try left" : " tries left"));
  }
  return CardAnswered("verifying the authentication PIN", sw);
}

Result<Bytes> JpkiClient::SignWithAuthKey(ByteView challenge) {
  // RFC 8017 §9.2: DigestInfo = SHA-256 prefix || SHA-256(challenge); the card pads (spec §3).
  Bytes digest_info(mn::kSha256DigestInfoPrefix.begin(), mn::kSha256DigestInfoPrefix.end());
  Append(digest_info, Sha256(challenge));
  ASSIGN_OR_RETURN(std::uint8_t p2, KeyReference(mn::kJpkiAuthKey));
  ASSIGN_OR_RETURN(ResponseApdu r, Send(CommandApdu{0x80, mn::kInsComputeSignature, 0x00, p2,
                                                    std::move(digest_info), kMaxShortNe}));
  if (r.Is(StatusWord::kSecurityStatusNotSatisfied)) {
    return FailedPreconditionError(
        "PIN not verified: the card signs with the authentication key only after the PIN was "
        "verified in this session (6982)");
  }
  if (!r.ok()) return CardAnswered("signing with the authentication key", r.sw);
  if (r.data.size() != kRsa2048SignatureSize) {
    return DataLossError("the card returned a signature of " + std::to_string(r.data.size()) +
                         " bytes; an RSA-2048 signature has 256");
  }
  return std::move(r.data);
}

}  // namespace sekisho::card
