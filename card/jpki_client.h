// JpkiClient: the JPKI application's user-authentication operations on a My Number Card (token
// check, authentication certificate, PIN tries, PIN, signature), as in spec §3.1.
// Sequences and APDU counts: docs/card-firewall.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "base/secret.h"
#include "card/card_channel.h"
#include "card/command_apdu.h"
#include "card/pin_policy.h"
#include "card/response_apdu.h"

namespace sekisho::card {

// What the JPKI token EF (0006) says the credential is (spec §1).
enum class TokenKind { kMyNumberCard, kJukiCard, kAndroidSecureElement, kIphone, kUnknown };

// "My Number Card", "Juki card (住基カード)", ...
std::string_view TokenKindName(TokenKind kind);

// The token label of `kind` (mynumber::kTokenMyNumberCard, ...); empty for kUnknown.
std::string_view TokenLabel(TokenKind kind);

// The kind named by the first bytes of EF 0006 (the label, padded with spaces; trailing spaces
// and NULs are trimmed). kUnknown for any other label.
TokenKind TokenKindFromLabel(ByteView label);

enum class CertificateRead {
  kFull,            // the whole certificate
  kUntilPublicKey,  // stop once the subjectPublicKeyInfo has been read (the door's lean path)
};

// The largest certificate accepted from a card; real JPKI certificates are about 1.5 KiB.
inline constexpr std::size_t kMaxCertificateSize = 8 * 1024;

struct JpkiClientOptions {
  // Reach files by short EF identifier (READ BINARY 00 B0 8A, VERIFY 00 20 00 98, COMPUTE DIGITAL
  // SIGNATURE 80 2A 00 97) instead of a SELECT EF before each: fewer APDUs.
  bool use_sfi = true;
};

// Sends through Transceive (card/transceive.h) on `channel`, which is normally an ApduFirewall
// with JpkiUserAuthenticationPolicy(); the client uses only the commands that policy allows.
//
// The client remembers which application and EF it selected so that a PIN verified in the JPKI
// application stays verified for the signature (spec §3.1: a verification lasts while the DF
// stays selected). Use one client per card session, or call Forget() after the card was reset or
// re-inserted; any channel error makes it forget by itself. Not thread-safe.
//
// Errors of every operation: the channel's (kUnavailable when the card is removed,
// kPermissionDenied when the firewall refused), kDataLoss for an answer the card should never
// give; status words are named in messages (StatusWordName), data never is.
//
// The door's lean path (at most 8 APDUs and 1 KiB of data with use_sfi): SelectApplication();
// ReadAuthCertificate(kUntilPublicKey); VerifyAuthPin(pin) (an empty VERIFY, then the VERIFY);
// SignWithAuthKey(challenge).
class JpkiClient {
 public:
  using Options = JpkiClientOptions;

  explicit JpkiClient(CardChannel& channel, Options options = {});

  // SELECT of the JPKI application (00 A4 04 0C 0A <AID>). kFailedPrecondition "not a My Number
  // Card (no JPKI application)" when the card answers 6A82.
  Status SelectApplication();

  // Spec §3.1 seq 1: SELECT JPKI, then READ BINARY of 32 bytes of EF 0006 (by SFI 06, or after
  // SELECT EF 0006). An unknown label is kUnknown, not an error: the caller decides.
  Result<TokenKind> DetectToken();

  // Spec §3.1 seq 2, EF 000A: a first READ BINARY with Le=00 (256 bytes) for the header, then
  // short READ BINARYs of at most 256 bytes until the certificate (or, for kUntilPublicKey, its
  // subjectPublicKeyInfo) is complete. Tolerates a card that returns fewer bytes than asked,
  // and 6282 with data. kNotFound when the EF does not exist; kFailedPrecondition when the card
  // wants a PIN first (6982, phone tokens); kDataLoss when the EF does not hold a DER
  // certificate, announces more than kMaxCertificateSize, ends before the announced length
  // (6B00, 6282) or keeps answering no data.
  Result<Bytes> ReadAuthCertificate(CertificateRead mode);

  // The same for the authentication CA certificate (EF 000B), always in full.
  Result<Bytes> ReadAuthCaCertificate();

  // Spec §3.1 seq 5: the empty VERIFY of EF 0018, which spends no try. 63Cx -> x tries left;
  // 63C0 or 6984 -> blocked. A card that answers 9000 (the PIN is verified in this session) has
  // its counter at the maximum. Other answers are errors as above.
  Result<PinStatus> QueryAuthPinStatus();

  // DESIGN.md P6. Checks the PIN's format (kInvalidArgument, nothing sent), queries the tries
  // (no try used), refuses a blocked PIN (kFailedPrecondition) and, unless `safety` is
  // kAllowLastTry, the last try (kPermissionDenied; nothing sent), then sends one VERIFY and
  // never retries. 9000 -> OK; 63Cx -> kUnauthenticated "wrong PIN, x tries left"; 63C0 or
  // 6984 -> kFailedPrecondition (locked). The PIN and the APDU that carried it are wiped.
  Status VerifyAuthPin(SecretBytes pin, PinSafety safety = PinSafety::kRefuseLastTry);

  // Spec §3.1 seq 4: COMPUTE DIGITAL SIGNATURE (80 2A 00 97, or 80 2A 00 80 after SELECT EF
  // 0017) over the SHA-256 DigestInfo of `challenge` (PKCS#1 v1.5, RFC 8017 §9.2). Returns the
  // 256-byte RSA-2048 signature. kFailedPrecondition "PIN not verified" on 6982; kDataLoss for a
  // signature of another length.
  Result<Bytes> SignWithAuthKey(ByteView challenge);

  // Forgets the selection (after a reset or a re-insertion of the card).
  void Forget();

 private:
  Result<ResponseApdu> Send(const CommandApdu& command);
  Status EnsureApplication();
  Status SelectFile(std::uint16_t fid);
  // One READ BINARY of `fid` at `offset`: by SFI when allowed and the offset fits P2, else on
  // the current EF (selected first when it is not `fid`).
  Result<ResponseApdu> ReadBinary(std::uint16_t fid, std::size_t offset, std::size_t le);
  Result<Bytes> ReadCertificate(std::uint16_t fid, CertificateRead mode);
  // Prepares a command on `fid` addressed by P2 (VERIFY, COMPUTE DIGITAL SIGNATURE): 80|SFI with
  // use_sfi, else 80 after selecting `fid`.
  Result<std::uint8_t> KeyReference(std::uint16_t fid);

  CardChannel& channel_;
  Options options_;
  bool application_selected_ = false;
  std::optional<std::uint16_t> current_file_;
};

}  // namespace sekisho::card
