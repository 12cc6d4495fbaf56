// VERIFY, CHANGE REFERENCE DATA, COMPUTE DIGITAL SIGNATURE and GET CHALLENGE of the simulated
// card (ISO/IEC 7816-4:2020 §11.5.6, §11.5.7, §11.5.3; spec mynumber-card.md §2, §3, §3.2, §9).
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "base/digest.h"
#include "card/mynumber_card.h"
#include "card/sim/card_state.h"
#include "card/sim/pin_counter.h"
#include "card/status_word.h"
#include "pki/openssl_types.h"
#include "pki/rsa_key.h"

namespace sekisho::card::sim {
namespace {

namespace my = ::sekisho::card::mynumber;

constexpr std::size_t kSignatureSize = 256;
constexpr std::size_t kMaxRawSignInput = kSignatureSize - 11;  // RFC 8017 §9.2 step 3

// RSASSA-PSS (RFC 8017 §8.1) over a SHA-256 digest, salt length 32 (the spec's P1 = 04 / 05
// rows give no parameters; MGF1-SHA-256 with a digest-sized salt is the common choice).
Result<Bytes> SignPssSha256(const EVP_PKEY& key, ByteView digest) {
  pki::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(&key), nullptr));
  std::size_t size = 0;
  if (ctx == nullptr || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1 ||
      EVP_PKEY_sign(ctx.get(), nullptr, &size, digest.data(), digest.size()) != 1) {
    return InternalError("PSS signature: " + pki::OpenSslErrorText());
  }
  Bytes out(size);
  if (EVP_PKEY_sign(ctx.get(), out.data(), &size, digest.data(), digest.size()) != 1) {
    return InternalError("PSS signature: " + pki::OpenSslErrorText());
  }
  out.resize(size);
  return out;
}

}  // namespace

const ElementaryFile* CardState::ResolveIef(std::uint8_t p2, EfKind kind, std::uint16_t* sw) const {
  const Application* app = CurrentApp();
  const ElementaryFile* ef = nullptr;
  if (p2 == 0x80) {  // the current EF
    if (app == nullptr || !ef_) {
      *sw = ToU16(StatusWord::kCommandNotAllowed);
      return nullptr;
    }
    ef = app->Find(*ef_);
  } else if ((p2 & 0xE0) == 0x80 && (p2 & 0x1F) != 0 && (p2 & 0x1F) != 0x1F) {  // 80 | SFI
    if (app == nullptr || (ef = app->Find(p2 & 0x1F)) == nullptr) {
      *sw = ToU16(StatusWord::kReferencedDataNotFound);
      return nullptr;
    }
  } else {
    *sw = ToU16(StatusWord::kIncorrectP1P2);
    return nullptr;
  }
  if (ef->kind != kind) {
    *sw = ToU16(StatusWord::kCommandIncompatibleWithFile);
    return nullptr;
  }
  return ef;
}

// Spec §2, §9: separate counter per IEF; empty VERIFY answers 63Cx without using a try
// (also 63C0 when blocked); any VERIFY with data on a blocked IEF answers 6984; a wrong value
// answers 63Cx with x decremented (63C0 on the exhausting attempt); a correct one restores the
// maximum. A value of the wrong length is a wrong value (it uses a try).
CardState::Answer CardState::Verify(const CommandApdu& apdu) {
  if (apdu.p1 != 0x00) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
  std::uint16_t sw = 0;
  const ElementaryFile* ef = ResolveIef(apdu.p2, EfKind::kPin, &sw);
  if (ef == nullptr) return {{}, sw};
  const PinReference& pin = ef->pin;
  const PinCounter counter(pin.max_tries, pin.TriesLeft(profile_));
  if (apdu.data.empty()) return {{}, counter.TriesLeftWord()};
  if (counter.blocked()) return {{}, ToU16(StatusWord::kReferenceDataNotUsable)};

  // Anti-tearing order: spend the try and make it durable before comparing, so that cutting
  // power after the comparison never yields a free try.
  verified_.erase(ef->fid);
  const PinCounter spent = counter.Spent();
  CardProfile candidate = profile_;
  candidate.counters.*pin.counter = spent.tries_left();
  const Status spent_saved = Persist(candidate);
  profile_ = std::move(candidate);  // in memory even if not saved: never less locked
  if (!spent_saved.ok()) return {{}, kSwMemoryFailure};

  if (!ReferenceMatches(apdu.data, ToBytes(pin.Reference(profile_)))) {
    return {{}, spent.TriesLeftWord()};
  }
  candidate = profile_;
  candidate.counters.*pin.counter = counter.Restored().tries_left();
  if (!Persist(candidate).ok()) return {{}, kSwMemoryFailure};
  profile_ = std::move(candidate);
  verified_.insert(ef->fid);
  return {{}, ToU16(StatusWord::kOk)};
}

// `00 24 01 80 <new value>` after a successful VERIFY of the same IEF (spec §3; JPKI PIN and
// password, input-assist PIN). The new value must have the credential's format (6A80).
CardState::Answer CardState::ChangeReferenceData(const CommandApdu& apdu) {
  if (apdu.p1 != 0x01) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
  std::uint16_t sw = 0;
  const ElementaryFile* ef = ResolveIef(apdu.p2, EfKind::kPin, &sw);
  if (ef == nullptr) return {{}, sw};
  const PinReference& pin = ef->pin;
  if (!pin.changeable || pin.stored == nullptr) {
    return {{}, ToU16(StatusWord::kConditionsOfUseNotSatisfied)};
  }
  if (PinCounter(pin.max_tries, pin.TriesLeft(profile_)).blocked()) {
    return {{}, ToU16(StatusWord::kReferenceDataNotUsable)};
  }
  if (!verified_.contains(ef->fid)) return {{}, ToU16(StatusWord::kSecurityStatusNotSatisfied)};
  if (apdu.data.empty()) return {{}, ToU16(StatusWord::kWrongLength)};
  CardProfile candidate = profile_;
  candidate.*pin.stored = ToString(apdu.data);
  candidate.counters.*pin.counter = pin.max_tries;
  if (!ValidateCardProfile(candidate).ok()) return {{}, ToU16(StatusWord::kIncorrectData)};
  if (!Persist(candidate).ok()) return {{}, kSwMemoryFailure};
  profile_ = std::move(candidate);
  return {{}, ToU16(StatusWord::kOk)};
}

// `80 2A P1 P2 Lc data Le` (spec §3): P2 = 80 the current key EF, 80|SFI a key by SFI, 00 the
// DF's default key. P1 = 00 pads the input as given (1-245 bytes), 01 signs SHA-256(data)
// without DigestInfo, 02 wraps a 32-byte hash in a DigestInfo, 03 hashes and wraps, 04 PSS
// over a 32-byte hash, 05 hashes then PSS.
CardState::Answer CardState::ComputeSignature(const CommandApdu& apdu) {
  if (apdu.p1 > 0x05) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
  const ElementaryFile* ef = nullptr;
  std::uint16_t sw = 0;
  if (apdu.p2 == 0x00) {
    // The DF's default key (input-assist 0013) is not simulated.
    return {{}, ToU16(StatusWord::kReferencedDataNotFound)};
  }
  ef = ResolveIef(apdu.p2, EfKind::kKey, &sw);
  if (ef == nullptr) return {{}, sw};
  if (ef->key == nullptr) return {{}, ToU16(StatusWord::kReferencedDataNotFound)};
  if (ef->key_pin != 0 && !verified_.contains(ef->key_pin)) {
    return {{}, ToU16(StatusWord::kSecurityStatusNotSatisfied)};
  }
  if (apdu.data.empty()) return {{}, ToU16(StatusWord::kWrongLength)};
  if (apdu.ne && *apdu.ne < kSignatureSize) {
    return {{}, static_cast<std::uint16_t>(0x6C00 | (kSignatureSize & 0xFF))};
  }

  const ByteView data = apdu.data;
  const Bytes prefix(my::kSha256DigestInfoPrefix.begin(), my::kSha256DigestInfoPrefix.end());
  Result<Bytes> signature = InternalError("unset");
  switch (apdu.p1) {
    case 0x00:
      if (data.size() > kMaxRawSignInput) {
        return {{}, ToU16(StatusWord::kConditionsOfUseNotSatisfied)};
      }
      signature = pki::SignPkcs1Raw(*ef->key, data);
      break;
    case 0x01:
      signature = pki::SignPkcs1Raw(*ef->key, Sha256(data));
      break;
    case 0x02: {
      if (data.size() != kSha256Size) return {{}, ToU16(StatusWord::kConditionsOfUseNotSatisfied)};
      Bytes digest_info = prefix;
      Append(digest_info, data);
      signature = pki::SignPkcs1Raw(*ef->key, digest_info);
      break;
    }
    case 0x03: {
      Bytes digest_info = prefix;
      Append(digest_info, Sha256(data));
      signature = pki::SignPkcs1Raw(*ef->key, digest_info);
      break;
    }
    case 0x04:
      if (data.size() != kSha256Size) return {{}, ToU16(StatusWord::kConditionsOfUseNotSatisfied)};
      signature = SignPssSha256(*ef->key, data);
      break;
    default:  // 0x05
      signature = SignPssSha256(*ef->key, Sha256(data));
      break;
  }
  if (!signature.ok()) return {{}, ToU16(StatusWord::kNoPreciseDiagnosis)};
  return {std::move(signature).value(), ToU16(StatusWord::kOk)};
}

// `00 84 00 00 Le` (spec §3): Le 1-256 in the short form; extended Le answers 6985 (§3.2).
CardState::Answer CardState::GetChallenge(const CommandApdu& apdu, ByteView raw) {
  if (apdu.p1 != 0x00 || apdu.p2 != 0x00) return {{}, ToU16(StatusWord::kIncorrectP1P2)};
  if (!apdu.data.empty() || !apdu.ne) return {{}, ToU16(StatusWord::kWrongLength)};
  const bool extended = raw.size() > 5 && raw[4] == 0x00;
  if (extended) return {{}, ToU16(StatusWord::kConditionsOfUseNotSatisfied)};
  return {challenge_random_.Generate(*apdu.ne), ToU16(StatusWord::kOk)};
}

}  // namespace sekisho::card::sim
