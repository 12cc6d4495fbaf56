// EAC secure messaging, AES-128 (BSI TR-03110-3 App. F; ISO/IEC 7816-4:2020 §10.2-§10.4).
#include "badge/secure_messaging.h"

#include <eac/eac.h>
#include <eac/objects.h>
#include <openssl/buffer.h>
#include <openssl/err.h>

#include <memory>
#include <string>

#include "badge/eac_util.h"
#include "badge/ec_key.h"
#include "card/tlv.h"

namespace sekisho::badge {
namespace {

using internal::BufMemPtr;
using internal::FromBufMem;
using internal::LibraryError;
using internal::ToBufMem;

constexpr std::uint8_t kSmClaBits = 0x0C;
constexpr std::uint32_t kTagCryptogram = 0x87;
constexpr std::uint32_t kTagLe = 0x97;
constexpr std::uint32_t kTagStatus = 0x99;
constexpr std::uint32_t kTagMac = 0x8E;
constexpr std::uint8_t kPaddingIndicator = 0x01;

Bytes Header(const card::CommandApdu& c, std::uint8_t cla) { return {cla, c.ins, c.p1, c.p2}; }

Bytes EncodeLe(std::size_t ne, bool extended) {
  if (!extended) return {static_cast<std::uint8_t>(ne == 256 ? 0 : ne)};
  return {static_cast<std::uint8_t>((ne == 65536 ? 0 : ne) >> 8),
          static_cast<std::uint8_t>(ne == 65536 ? 0 : ne)};
}

Result<std::size_t> DecodeLe(ByteView le) {
  if (le.size() == 1) return le[0] == 0 ? std::size_t{256} : std::size_t{le[0]};
  if (le.size() == 2) {
    const std::size_t v = ReadU16(le[0], le[1]);
    return v == 0 ? std::size_t{65536} : v;
  }
  return InvalidArgumentError("DO 97 (Le) is not 1 or 2 bytes");
}

// The protected data objects of one APDU, in the only order ISO/IEC 7816-4:2020 §10 allows here:
// DO 87 (cryptogram), then `middle` (DO 97 Le in commands, DO 99 status in responses), then DO 8E
// (MAC), each at most once; mac_offset is where DO 8E starts (the MAC covers what precedes it).
struct SmObjects {
  const card::Tlv* cryptogram = nullptr;
  const card::Tlv* middle = nullptr;
  const card::Tlv* mac = nullptr;
  std::size_t mac_offset = 0;
};

Result<SmObjects> SplitSmObjects(const std::vector<card::Tlv>& tlvs, std::uint32_t middle) {
  SmObjects out;
  std::size_t offset = 0;
  int last_rank = 0;
  for (const card::Tlv& t : tlvs) {
    const int rank = t.header.tag == kTagCryptogram ? 1
                     : t.header.tag == middle       ? 2
                     : t.header.tag == kTagMac      ? 3
                                                    : 0;
    if (rank == 0) {
      return InvalidArgumentError("unexpected SM data object " +
                                  ToHex(card::EncodeTlv(t.header.tag, {})).substr(0, 2));
    }
    if (rank <= last_rank) return InvalidArgumentError("SM data objects out of order");
    last_rank = rank;
    if (rank == 1) out.cryptogram = &t;
    if (rank == 2) out.middle = &t;
    if (rank == 3) {
      out.mac = &t;
      out.mac_offset = offset;
    }
    offset += t.header.total_length();
  }
  return out;
}

}  // namespace

Bytes IsoPad(ByteView data) {
  Bytes out(data.begin(), data.end());
  out.push_back(0x80);
  while (out.size() % kSmBlockSize != 0) out.push_back(0x00);
  return out;
}

Result<Bytes> IsoUnpad(ByteView padded) {
  if (padded.empty() || padded.size() % kSmBlockSize != 0) {
    return InvalidArgumentError("padded data is not a positive multiple of the block size");
  }
  std::size_t i = padded.size();
  const std::size_t block_start = padded.size() - kSmBlockSize;
  while (i > block_start && padded[i - 1] == 0x00) --i;
  if (i == block_start || padded[i - 1] != 0x80) {
    return InvalidArgumentError("padding is not ISO/IEC 9797-1 method 2");
  }
  return Bytes(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(i - 1));
}

void SmSession::ContextDeleter::operator()(::eac_ctx* ctx) const { EAC_CTX_clear_free(ctx); }

SmSession::SmSession(ContextPtr ctx) : ctx_(std::move(ctx)) {}

Result<SmSession> SmSession::Create(SecretBytes k_enc, SecretBytes k_mac) {
  if (k_enc.size() != kSmKeySize || k_mac.size() != kSmKeySize) {
    return InvalidArgumentError("secure-messaging keys must be " + std::to_string(kSmKeySize) +
                                " bytes each (AES-128)");
  }
  internal::EnsureEacInitialized();
  // A CA context of the badge's protocol (id-CA-ECDH-AES-CBC-CMAC-128, TR-03110-3 Table 2)
  // carries OpenPACE's SM key context; the keys come from PACE or CA, whichever established them.
  ContextPtr ctx(EAC_CTX_new());
  if (!ctx ||
      EAC_CTX_init_ca(ctx.get(), NID_id_CA_ECDH_AES_CBC_CMAC_128, kStandardizedDomainParameterId) !=
          1 ||
      ctx->ca_ctx == nullptr || ctx->ca_ctx->ka_ctx == nullptr) {
    return LibraryError(StatusCode::kInternal, "secure-messaging context set-up failed");
  }
  KA_CTX* ka = ctx->ca_ctx->ka_ctx;
  BufMemPtr enc = ToBufMem(k_enc.view());
  BufMemPtr mac = ToBufMem(k_mac.view());
  if (!enc || !mac) return InternalError("out of memory for secure-messaging keys");
  BUF_MEM_clear_free(ka->k_enc);
  BUF_MEM_clear_free(ka->k_mac);
  ka->k_enc = enc.release();
  ka->k_mac = mac.release();
  // Selects the key context and sets the SSC to 0.
  if (EAC_CTX_set_encryption_ctx(ctx.get(), EAC_ID_CA) != 1) {
    return LibraryError(StatusCode::kInternal, "EAC_CTX_set_encryption_ctx failed");
  }
  return SmSession(std::move(ctx));
}

Status SmSession::IncrementSsc() {
  if (EAC_increment_ssc(ctx_.get()) != 1) {
    return LibraryError(StatusCode::kInternal, "EAC_increment_ssc failed");
  }
  return OkStatus();
}

Status SmSession::Fail(Status status) {
  broken_ = true;
  return status;
}

// ISO/IEC 9797-1 method 2 to the cipher's block size (EAC_add_iso_pad).
Result<Bytes> SmSession::Pad(ByteView data) const {
  BufMemPtr in = ToBufMem(data);
  BufMemPtr padded(in ? EAC_add_iso_pad(ctx_.get(), in.get()) : nullptr);
  if (!padded) return LibraryError(StatusCode::kInternal, "EAC_add_iso_pad failed");
  return FromBufMem(padded.get());
}

// TR-03110-3 App. F.2: CMAC over SSC || padded message, truncated to 8 bytes.
Result<Bytes> SmSession::Mac(ByteView padded_message) const {
  BufMemPtr in = ToBufMem(padded_message);
  BufMemPtr mac(in ? EAC_authenticate(ctx_.get(), in.get()) : nullptr);
  if (!mac) return LibraryError(StatusCode::kInternal, "EAC_authenticate failed");
  Bytes out = FromBufMem(mac.get());
  if (out.size() != kSmMacSize) return InternalError("EAC_authenticate gave a MAC of wrong size");
  return out;
}

Status SmSession::VerifyMac(ByteView padded_message, ByteView mac) const {
  BufMemPtr in = ToBufMem(padded_message);
  BufMemPtr given = ToBufMem(mac);
  if (!in || !given) return InternalError("out of memory for the MAC check");
  if (EAC_verify_authentication(ctx_.get(), in.get(), given.get()) != 1) {
    ERR_clear_error();
    return UnauthenticatedError("MAC does not verify (tampered, replayed or out of order)");
  }
  return OkStatus();
}

// TR-03110-3 App. F.2: ISO/IEC 9797-1 method 2 padding, AES-CBC with IV = E(K_enc, SSC).
Result<Bytes> SmSession::Encrypt(ByteView plain) const {
  BufMemPtr in = ToBufMem(plain);
  BufMemPtr padded(in ? EAC_add_iso_pad(ctx_.get(), in.get()) : nullptr);
  BufMemPtr cryptogram(padded ? EAC_encrypt(ctx_.get(), padded.get()) : nullptr);
  if (!cryptogram) return LibraryError(StatusCode::kInternal, "EAC_encrypt failed");
  return FromBufMem(cryptogram.get());
}

Result<Bytes> SmSession::Decrypt(ByteView cryptogram) const {
  if (cryptogram.empty() || cryptogram.size() % kSmBlockSize != 0) {
    return InvalidArgumentError("cryptogram is not a positive number of AES blocks");
  }
  BufMemPtr in = ToBufMem(cryptogram);
  BufMemPtr padded(in ? EAC_decrypt(ctx_.get(), in.get()) : nullptr);
  if (!padded) return LibraryError(StatusCode::kInternal, "EAC_decrypt failed");
  BufMemPtr plain(EAC_remove_iso_pad(padded.get()));
  if (!plain) {
    ERR_clear_error();
    return InvalidArgumentError("decrypted command data: padding is not ISO/IEC 9797-1 method 2");
  }
  return FromBufMem(plain.get());
}

Result<Bytes> SmSession::WrapCommand(const card::CommandApdu& command) {
  if (broken_) return FailedPreconditionError("secure messaging ended after an error");
  RETURN_IF_ERROR(IncrementSsc());
  const std::uint8_t cla = static_cast<std::uint8_t>(command.cla | kSmClaBits);
  Bytes dos;
  if (!command.data.empty()) {
    ASSIGN_OR_RETURN(Bytes cryptogram, Encrypt(command.data));
    Bytes value = {kPaddingIndicator};
    Append(value, cryptogram);
    Append(dos, card::EncodeTlv(kTagCryptogram, value));
  }
  if (command.ne) {
    Append(dos, card::EncodeTlv(kTagLe, EncodeLe(*command.ne, command.NeedsExtendedLength())));
  }
  ASSIGN_OR_RETURN(Bytes mac_input, Pad(Header(command, cla)));
  if (!dos.empty()) {
    ASSIGN_OR_RETURN(Bytes padded_dos, Pad(dos));
    Append(mac_input, padded_dos);
  }
  ASSIGN_OR_RETURN(Bytes mac, Mac(mac_input));
  Append(dos, card::EncodeTlv(kTagMac, mac));
  card::CommandApdu wrapped{
      .cla = cla, .ins = command.ins, .p1 = command.p1, .p2 = command.p2, .data = std::move(dos)};
  // The response carries DO 99 and DO 8E at least; ask for everything.
  wrapped.ne = wrapped.data.size() > card::kMaxShortNc || command.NeedsExtendedLength()
                   ? card::kMaxExtendedNe
                   : card::kMaxShortNe;
  return wrapped.Encode();
}

Result<card::CommandApdu> SmSession::UnwrapCommand(ByteView bytes) {
  if (broken_) return FailedPreconditionError("secure messaging ended after an error");
  if (Status s = IncrementSsc(); !s.ok()) return Fail(s);
  auto parsed = card::CommandApdu::Parse(bytes);
  if (!parsed.ok()) return Fail(parsed.status().WithContext("SM command"));
  const card::CommandApdu& c = *parsed;
  if ((c.cla & kSmClaBits) != kSmClaBits) {
    return Fail(InvalidArgumentError("command is not protected (CLA bits 0C not set)"));
  }
  auto tlvs = card::ParseTlvSequence(c.data, card::TlvMode::kStrict);
  if (!tlvs.ok()) return Fail(tlvs.status().WithContext("SM data objects"));
  auto objects = SplitSmObjects(*tlvs, kTagLe);
  if (!objects.ok()) return Fail(objects.status());
  const card::Tlv* cryptogram = objects->cryptogram;
  const card::Tlv* le = objects->middle;
  const card::Tlv* mac = objects->mac;
  const std::size_t mac_offset = objects->mac_offset;
  if (mac == nullptr) return Fail(InvalidArgumentError("DO 8E (MAC) is missing"));
  if (mac->value.size() != kSmMacSize) return Fail(InvalidArgumentError("DO 8E is not 8 bytes"));
  auto mac_input = Pad(Header(c, c.cla));
  if (!mac_input.ok()) return Fail(mac_input.status());
  if (mac_offset > 0) {
    auto padded_dos = Pad(ByteView(c.data).first(mac_offset));
    if (!padded_dos.ok()) return Fail(padded_dos.status());
    Append(*mac_input, *padded_dos);
  }
  if (Status s = VerifyMac(*mac_input, mac->value); !s.ok()) return Fail(s);
  card::CommandApdu plain{
      .cla = static_cast<std::uint8_t>(c.cla & ~kSmClaBits), .ins = c.ins, .p1 = c.p1, .p2 = c.p2};
  if (cryptogram != nullptr) {
    if (cryptogram->value.empty() || cryptogram->value[0] != kPaddingIndicator) {
      return Fail(InvalidArgumentError("DO 87 padding indicator is not 01"));
    }
    auto data = Decrypt(cryptogram->value.subspan(1));
    if (!data.ok()) return Fail(data.status());
    plain.data = std::move(data).value();
    if (plain.data.empty()) return Fail(InvalidArgumentError("DO 87 holds no data"));
  }
  if (le != nullptr) {
    auto ne = DecodeLe(le->value);
    if (!ne.ok()) return Fail(ne.status());
    plain.ne = *ne;
  }
  return plain;
}

Result<Bytes> SmSession::WrapResponse(const card::ResponseApdu& response) {
  if (broken_) return FailedPreconditionError("secure messaging ended after an error");
  RETURN_IF_ERROR(IncrementSsc());
  Bytes dos;
  if (!response.data.empty()) {
    ASSIGN_OR_RETURN(Bytes cryptogram, Encrypt(response.data));
    Bytes value = {kPaddingIndicator};
    Append(value, cryptogram);
    Append(dos, card::EncodeTlv(kTagCryptogram, value));
  }
  Append(dos, card::EncodeTlv(kTagStatus, Bytes{response.sw1(), response.sw2()}));
  ASSIGN_OR_RETURN(Bytes padded_dos, Pad(dos));
  ASSIGN_OR_RETURN(Bytes mac, Mac(padded_dos));
  Append(dos, card::EncodeTlv(kTagMac, mac));
  dos.push_back(response.sw1());
  dos.push_back(response.sw2());
  return dos;
}

Result<card::ResponseApdu> SmSession::UnwrapResponse(ByteView bytes) {
  if (broken_) return FailedPreconditionError("secure messaging ended after an error");
  if (Status s = IncrementSsc(); !s.ok()) return Fail(s);
  auto outer = card::ResponseApdu::Parse(bytes);
  if (!outer.ok()) return Fail(InvalidArgumentError("SM response is shorter than a status word"));
  auto tlvs = card::ParseTlvSequence(outer->data, card::TlvMode::kStrict);
  if (!tlvs.ok()) return Fail(tlvs.status().WithContext("SM response data objects"));
  auto objects = SplitSmObjects(*tlvs, kTagStatus);
  if (!objects.ok()) return Fail(objects.status());
  const card::Tlv* cryptogram = objects->cryptogram;
  const card::Tlv* status = objects->middle;
  const card::Tlv* mac = objects->mac;
  const std::size_t mac_offset = objects->mac_offset;
  if (mac == nullptr || status == nullptr) {
    // A card that answers in clear (6987/6988 after an SM error) ends the session too.
    return Fail(InvalidArgumentError("response lacks DO 99 or DO 8E (card answered " +
                                     ToHex(Bytes{outer->sw1(), outer->sw2()}) + ")"));
  }
  if (mac->value.size() != kSmMacSize || status->value.size() != 2) {
    return Fail(InvalidArgumentError("DO 8E or DO 99 has the wrong length"));
  }
  auto padded_dos = Pad(ByteView(outer->data).first(mac_offset));
  if (!padded_dos.ok()) return Fail(padded_dos.status());
  if (Status s = VerifyMac(*padded_dos, mac->value); !s.ok()) {
    return Fail(UnauthenticatedError("response MAC does not verify (tampered or replayed)"));
  }
  card::ResponseApdu plain;
  plain.sw = ReadU16(status->value[0], status->value[1]);
  if (plain.sw != outer->sw) {
    return Fail(InvalidArgumentError("status word in clear disagrees with DO 99"));
  }
  if (cryptogram != nullptr) {
    if (cryptogram->value.empty() || cryptogram->value[0] != kPaddingIndicator) {
      return Fail(InvalidArgumentError("DO 87 padding indicator is not 01"));
    }
    auto data = Decrypt(cryptogram->value.subspan(1));
    if (!data.ok()) return Fail(data.status());
    plain.data = std::move(data).value();
  }
  return plain;
}

}  // namespace sekisho::badge
