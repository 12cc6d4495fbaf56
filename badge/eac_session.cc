// EAC session cryptography over OpenPACE (eac_session.h). TR-03110-2 §3.2-§3.5.
#include "badge/eac_session.h"

#include <eac/ca.h>
#include <eac/objects.h>
#include <eac/pace.h>
#include <eac/ri.h>
#include <eac/ta.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <string>

#include "badge/eac_util.h"
#include "badge/ec_key.h"

namespace sekisho::badge {
namespace {

using internal::BufMemPtr;
using internal::EacCtxPtr;
using internal::FromBufMem;
using internal::LibraryError;
using internal::ToBufMem;
using PaceSecPtr = std::unique_ptr<PACE_SEC, internal::Deleter<PACE_SEC_clear_free>>;

Result<EacCtxPtr> NewContext(ByteView card_access, StatusCode code) {
  internal::EnsureEacInitialized();
  EacCtxPtr ctx(EAC_CTX_new());
  if (!ctx) return LibraryError(StatusCode::kInternal, "EAC_CTX_new failed");
  if (EAC_CTX_init_ef_cardaccess(card_access.data(), card_access.size(), ctx.get()) != 1 ||
      ctx->pace_ctx == nullptr || ctx->ca_ctx == nullptr) {
    return LibraryError(code, "EF.CardAccess does not set up PACE and CA");
  }
  return ctx;
}

Result<SmKeys> KeysOf(const KA_CTX* ka) {
  if (ka == nullptr || ka->k_enc == nullptr || ka->k_mac == nullptr) {
    return FailedPreconditionError("no session keys yet");
  }
  SmKeys keys{SecretBytes(ByteView(reinterpret_cast<const std::uint8_t*>(ka->k_enc->data),
                                   ka->k_enc->length)),
              SecretBytes(ByteView(reinterpret_cast<const std::uint8_t*>(ka->k_mac->data),
                                   ka->k_mac->length))};
  return keys;
}

Result<PaceSecPtr> NewSecret(const SecretBytes& password, PacePassword kind) {
  PaceSecPtr sec(PACE_SEC_new(reinterpret_cast<const char*>(password.view().data()),
                              password.size(), kind == PacePassword::kPin ? PACE_PIN : PACE_CAN));
  if (!sec) return LibraryError(StatusCode::kInternal, "PACE_SEC_new failed");
  return sec;
}

Result<Bytes> Take(BUF_MEM* raw, StatusCode code, std::string_view what) {
  BufMemPtr owned(raw);
  if (!owned) return LibraryError(code, what);
  return FromBufMem(owned.get());
}

}  // namespace

Bytes CompressedPoint(ByteView point) {
  if (point.size() != kPointSize) return {};
  return Bytes(point.begin() + 1, point.begin() + 1 + kFieldSize);
}

Bytes TerminalAuthenticationMessage(ByteView id_picc, ByteView r_picc,
                                    ByteView comp_terminal_ephemeral) {
  Bytes m(id_picc.begin(), id_picc.end());
  Append(m, r_picc);
  Append(m, comp_terminal_ephemeral);
  return m;
}

Result<Bytes> RestrictedIdentifier(const SecretBytes& ri_private_pkcs8, ByteView sector_public) {
  internal::EnsureEacInitialized();
  if (Status s = CheckPublicPoint(sector_public); !s.ok()) return s.WithContext("sector key");
  const std::uint8_t* p = ri_private_pkcs8.view().data();
  internal::EvpPkeyPtr key(
      d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(ri_private_pkcs8.size())));
  if (!key) return LibraryError(StatusCode::kInvalidArgument, "RI private key does not load");
  EacCtxPtr ctx(EAC_CTX_new());
  if (!ctx ||
      EAC_CTX_init_ri(ctx.get(), NID_id_RI_ECDH_SHA_256, kStandardizedDomainParameterId) != 1 ||
      ctx->ri_ctx == nullptr) {
    return LibraryError(StatusCode::kInternal, "cannot set up Restricted Identification");
  }
  EVP_PKEY_free(ctx->ri_ctx->static_key);
  ctx->ri_ctx->static_key = key.release();
  BufMemPtr sector = ToBufMem(sector_public);
  if (!sector) return InternalError("out of memory");
  return Take(RI_STEP2_compute_identifier(ctx.get(), sector.get()), StatusCode::kInternal,
              "RI identifier computation failed");
}

// ---------------------------------------------------------------------------------------------

struct EacChip::Impl {
  EacCtxPtr ctx;
  PaceSecPtr secret;
  Bytes terminal_ephemeral;
};

EacChip::EacChip(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EacChip::~EacChip() = default;

Result<std::unique_ptr<EacChip>> EacChip::Create(ByteView card_access) {
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->ctx, NewContext(card_access, StatusCode::kInternal));
  return std::unique_ptr<EacChip>(new EacChip(std::move(impl)));
}

Result<Bytes> EacChip::PaceStart(const SecretBytes& password, PacePassword kind) {
  ASSIGN_OR_RETURN(impl_->secret, NewSecret(password, kind));
  return Take(PACE_STEP1_enc_nonce(impl_->ctx.get(), impl_->secret.get()), StatusCode::kInternal,
              "PACE nonce encryption failed");
}

Result<Bytes> EacChip::PaceMap(ByteView terminal_mapping_data) {
  ASSIGN_OR_RETURN(Bytes mine, Take(PACE_STEP3A_generate_mapping_data(impl_->ctx.get()),
                                    StatusCode::kInternal, "PACE mapping data failed"));
  BufMemPtr theirs = ToBufMem(terminal_mapping_data);
  if (!theirs || PACE_STEP3A_map_generator(impl_->ctx.get(), theirs.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "terminal mapping data refused");
  }
  return mine;
}

Result<Bytes> EacChip::PaceKeyAgreement(ByteView terminal_ephemeral_public) {
  ASSIGN_OR_RETURN(pace_ephemeral_public_,
                   Take(PACE_STEP3B_generate_ephemeral_key(impl_->ctx.get()), StatusCode::kInternal,
                        "PACE ephemeral key failed"));
  if (CompressedPoint(terminal_ephemeral_public) == CompressedPoint(pace_ephemeral_public_)) {
    return InvalidArgumentError("terminal ephemeral key equals the chip's");
  }
  BufMemPtr theirs = ToBufMem(terminal_ephemeral_public);
  if (!theirs || PACE_STEP3B_compute_shared_secret(impl_->ctx.get(), theirs.get()) != 1 ||
      PACE_STEP3C_derive_keys(impl_->ctx.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "terminal ephemeral key refused");
  }
  impl_->terminal_ephemeral.assign(terminal_ephemeral_public.begin(),
                                   terminal_ephemeral_public.end());
  return pace_ephemeral_public_;
}

Result<Bytes> EacChip::PaceAuthenticate(ByteView terminal_token) {
  BufMemPtr token = ToBufMem(terminal_token);
  if (!token) return InternalError("out of memory");
  if (PACE_STEP3D_verify_authentication_token(impl_->ctx.get(), token.get()) != 1) {
    ERR_clear_error();
    return UnauthenticatedError("PACE authentication token does not verify (wrong password)");
  }
  BufMemPtr theirs = ToBufMem(impl_->terminal_ephemeral);
  return Take(PACE_STEP3D_compute_authentication_token(impl_->ctx.get(), theirs.get()),
              StatusCode::kInternal, "PACE token computation failed");
}

Result<SmKeys> EacChip::PaceKeys() const { return KeysOf(impl_->ctx->pace_ctx->ka_ctx); }

Result<EacChip::CaAnswer> EacChip::ChipAuthenticate(const SecretBytes& ca_private_pkcs8,
                                                    ByteView ca_public,
                                                    ByteView terminal_ephemeral_public) {
  if (Status s = CheckPublicPoint(terminal_ephemeral_public); !s.ok()) {
    return s.WithContext("terminal ephemeral CA key");
  }
  EAC_CTX* ctx = impl_->ctx.get();
  if (CA_set_key(ctx, ca_private_pkcs8.view().data(), ca_private_pkcs8.size(), ca_public.data(),
                 ca_public.size()) != 1) {
    return LibraryError(StatusCode::kInternal, "CA key does not load");
  }
  BufMemPtr theirs = ToBufMem(terminal_ephemeral_public);
  BUF_MEM* nonce_raw = nullptr;
  BUF_MEM* token_raw = nullptr;
  if (!theirs || CA_STEP4_compute_shared_secret(ctx, theirs.get()) != 1 ||
      CA_STEP5_derive_keys(ctx, theirs.get(), &nonce_raw, &token_raw) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "Chip Authentication failed");
  }
  BufMemPtr nonce(nonce_raw);
  BufMemPtr token(token_raw);
  CaAnswer answer{FromBufMem(nonce.get()), FromBufMem(token.get()), {}};
  ASSIGN_OR_RETURN(answer.keys, KeysOf(ctx->ca_ctx->ka_ctx));
  return answer;
}

// ---------------------------------------------------------------------------------------------

struct EacTerminal::Impl {
  EacCtxPtr ctx;
  PaceSecPtr secret;
  Bytes own_ephemeral;
};

EacTerminal::EacTerminal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EacTerminal::~EacTerminal() = default;

Result<std::unique_ptr<EacTerminal>> EacTerminal::Create(ByteView card_access) {
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->ctx, NewContext(card_access, StatusCode::kInvalidArgument));
  return std::unique_ptr<EacTerminal>(new EacTerminal(std::move(impl)));
}

Result<Bytes> EacTerminal::PaceMapping(const SecretBytes& password, PacePassword kind,
                                       ByteView encrypted_nonce) {
  ASSIGN_OR_RETURN(impl_->secret, NewSecret(password, kind));
  BufMemPtr enc = ToBufMem(encrypted_nonce);
  if (!enc || PACE_STEP2_dec_nonce(impl_->ctx.get(), impl_->secret.get(), enc.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "PACE encrypted nonce refused");
  }
  return Take(PACE_STEP3A_generate_mapping_data(impl_->ctx.get()), StatusCode::kInternal,
              "PACE mapping data failed");
}

Result<Bytes> EacTerminal::PaceKeyAgreement(ByteView chip_mapping_data) {
  BufMemPtr theirs = ToBufMem(chip_mapping_data);
  if (!theirs || PACE_STEP3A_map_generator(impl_->ctx.get(), theirs.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "chip mapping data refused");
  }
  ASSIGN_OR_RETURN(impl_->own_ephemeral, Take(PACE_STEP3B_generate_ephemeral_key(impl_->ctx.get()),
                                              StatusCode::kInternal, "PACE ephemeral key failed"));
  return impl_->own_ephemeral;
}

Result<Bytes> EacTerminal::PaceToken(ByteView chip_ephemeral_public) {
  if (CompressedPoint(chip_ephemeral_public) == CompressedPoint(impl_->own_ephemeral)) {
    return InvalidArgumentError("chip ephemeral key equals the terminal's");
  }
  BufMemPtr theirs = ToBufMem(chip_ephemeral_public);
  if (!theirs || PACE_STEP3B_compute_shared_secret(impl_->ctx.get(), theirs.get()) != 1 ||
      PACE_STEP3C_derive_keys(impl_->ctx.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "chip ephemeral key refused");
  }
  chip_pace_ephemeral_public_.assign(chip_ephemeral_public.begin(), chip_ephemeral_public.end());
  return Take(PACE_STEP3D_compute_authentication_token(impl_->ctx.get(), theirs.get()),
              StatusCode::kInternal, "PACE token computation failed");
}

Status EacTerminal::PaceVerify(ByteView chip_token) {
  BufMemPtr token = ToBufMem(chip_token);
  if (!token || PACE_STEP3D_verify_authentication_token(impl_->ctx.get(), token.get()) != 1) {
    ERR_clear_error();
    return UnauthenticatedError("chip's PACE authentication token does not verify");
  }
  return OkStatus();
}

Result<SmKeys> EacTerminal::PaceKeys() const { return KeysOf(impl_->ctx->pace_ctx->ka_ctx); }

Result<Bytes> EacTerminal::CaEphemeralKey() {
  // TA_STEP3 generates the pair and returns Comp(); CA_STEP2 gives the whole public point.
  RETURN_IF_ERROR(Take(TA_STEP3_generate_ephemeral_key(impl_->ctx.get()), StatusCode::kInternal,
                       "CA ephemeral key generation failed")
                      .status());
  return Take(CA_STEP2_get_eph_pubkey(impl_->ctx.get()), StatusCode::kInternal,
              "CA ephemeral public key unavailable");
}

Result<SmKeys> EacTerminal::CaFinish(ByteView chip_static_public, ByteView nonce, ByteView token) {
  if (Status s = CheckPublicPoint(chip_static_public); !s.ok()) {
    return s.WithContext("chip CA key");
  }
  BufMemPtr pub = ToBufMem(chip_static_public);
  BufMemPtr n = ToBufMem(nonce);
  BufMemPtr t = ToBufMem(token);
  if (!pub || !n || !t || CA_STEP4_compute_shared_secret(impl_->ctx.get(), pub.get()) != 1) {
    return LibraryError(StatusCode::kInvalidArgument, "CA shared secret failed");
  }
  const int verified = CA_STEP6_derive_keys(impl_->ctx.get(), n.get(), t.get());
  ERR_clear_error();
  if (verified != 1) {
    return UnauthenticatedError("Chip Authentication token does not verify (not a genuine badge)");
  }
  return KeysOf(impl_->ctx->ca_ctx->ka_ctx);
}

}  // namespace sekisho::badge
