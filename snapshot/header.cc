// The common header of snapshots and deltas; see header.h and docs/formats/snapshot.md §3.
#include "snapshot/header.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/digest.h"

namespace sekisho::snapshot {

OrgKeyId OrgKeyIdOf(const Ed25519PublicKey& key) {
  const Bytes digest = Sha256(key.bytes());
  OrgKeyId id;
  std::copy_n(digest.begin(), id.size(), id.begin());
  return id;
}

Status CheckHeader(const Header& header) {
  if (header.gate_id == 0) return InvalidArgumentError("gate id 0 is reserved");
  if (header.issued_at < 0) {
    return InvalidArgumentError(
        fmt::format("issue time {} is before 1970-01-01", header.issued_at));
  }
  return OkStatus();
}

void WriteHeader(Writer& out, const Magic& magic, const Header& header) {
  out.Raw(magic);
  out.U8(kFormatVersion);
  out.Raw(header.org_key_id);
  out.U32(header.gate_id);
  out.U64(static_cast<std::uint64_t>(header.issued_at));
}

Result<Header> ReadHeader(Reader& in, const Magic& magic, std::string_view kind) {
  ASSIGN_OR_RETURN(const ByteView got, in.Raw("magic", magic.size()));
  if (!std::equal(got.begin(), got.end(), magic.begin())) {
    return InvalidArgumentError(fmt::format("not a {}: magic {} (expected {})", kind,
                                            ToHex(got, true), ToHex(magic, true)));
  }
  ASSIGN_OR_RETURN(const std::uint8_t version, in.U8("format version"));
  if (version != kFormatVersion) {
    return InvalidArgumentError(
        fmt::format("{} format version {} is not supported (this build reads version {})", kind,
                    version, kFormatVersion));
  }
  Header header;
  ASSIGN_OR_RETURN(const ByteView key_id, in.Raw("org key id", kOrgKeyIdSize));
  std::copy(key_id.begin(), key_id.end(), header.org_key_id.begin());
  const std::size_t gate_at = in.offset();
  ASSIGN_OR_RETURN(header.gate_id, in.U32("gate id"));
  if (header.gate_id == 0) return in.Error("gate id", gate_at, "0 is reserved");
  const std::size_t issued_at = in.offset();
  ASSIGN_OR_RETURN(const std::uint64_t issued, in.U64("issue time"));
  header.issued_at = static_cast<policy::UnixSeconds>(issued);
  if (header.issued_at < 0) return in.Error("issue time", issued_at, "before 1970-01-01");
  return header;
}

}  // namespace sekisho::snapshot
