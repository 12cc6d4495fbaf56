// Delta encoder and strict decoder; see delta_codec.h and docs/formats/snapshot.md §6.
#include "snapshot/delta_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "snapshot/model_codec.h"

namespace sekisho::snapshot {
namespace {

using policy::UnixSeconds;

// Smallest op: a code and a one-byte id.
constexpr std::size_t kMinOpSize = 2;

struct OpWriter {
  Writer& out;
  UnixSeconds base;

  void operator()(const PutSite& op) { WriteSite(out, op.object); }
  void operator()(const PutZone& op) { WriteZone(out, op.object); }
  void operator()(const PutDoor& op) { WriteDoor(out, op.object); }
  void operator()(const PutSchedule& op) { WriteSchedule(out, op.object); }
  void operator()(const PutLevel& op) { WriteLevel(out, op.object); }
  void operator()(const PutCredential& op) {
    WriteCredentialHead(out, op.object, base);
    WriteAssignments(out, op.object.levels, base);
  }
  template <typename T>
  void operator()(const Remove<T>& op) {
    if constexpr (std::is_same_v<T, policy::Credential>) {
      out.Raw(op.id);
    } else {
      out.Varint(op.id);
    }
  }
  void operator()(const RevokeCredential& op) { out.Raw(op.key); }
  void operator()(const SetLockdown& op) {
    out.Varint(op.site);
    out.U8(op.lockdown ? 1 : 0);
  }
  void operator()(const SetThreatLevel& op) {
    out.Varint(op.site);
    out.U8(op.threat_level);
  }
};

Status CheckOpWritable(const DeltaOp& op) {
  if (const auto* put = std::get_if<PutZone>(&op)) return CheckWritable(put->object);
  if (const auto* put = std::get_if<PutDoor>(&op)) return CheckWritable(put->object);
  if (const auto* put = std::get_if<PutLevel>(&op)) return CheckWritable(put->object);
  if (const auto* put = std::get_if<PutCredential>(&op)) return CheckWritable(put->object);
  return OkStatus();
}

Result<policy::ObjectId> ReadObjectId(Reader& in, std::string_view field) {
  ASSIGN_OR_RETURN(const std::uint64_t id,
                   in.BoundedVarint(field, std::numeric_limits<policy::ObjectId>::max()));
  return static_cast<policy::ObjectId>(id);
}

Result<policy::CredentialKey> ReadKey(Reader& in) {
  ASSIGN_OR_RETURN(const ByteView bytes, in.Raw("key", policy::kCredentialKeySize));
  policy::CredentialKey key;
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

template <typename T, typename ReadFn>
Result<DeltaOp> ReadPut(Reader& in, ReadFn read) {
  ASSIGN_OR_RETURN(T object, read(in));
  return DeltaOp(Put<T>{std::move(object)});
}

template <typename T>
Result<DeltaOp> ReadRemove(Reader& in) {
  if constexpr (std::is_same_v<T, policy::Credential>) {
    ASSIGN_OR_RETURN(const policy::CredentialKey key, ReadKey(in));
    return DeltaOp(Remove<T>{key});
  } else {
    ASSIGN_OR_RETURN(const policy::ObjectId id, ReadObjectId(in, "id"));
    return DeltaOp(Remove<T>{id});
  }
}

// One op whose code (variant index + 1) has been read.
Result<DeltaOp> ReadOpBody(Reader& in, std::size_t index, UnixSeconds base) {
  switch (index) {
    case 0:
      return ReadPut<policy::Site>(in, ReadSite);
    case 1:
      return ReadRemove<policy::Site>(in);
    case 2:
      return ReadPut<policy::Zone>(in, ReadZone);
    case 3:
      return ReadRemove<policy::Zone>(in);
    case 4:
      return ReadPut<policy::Door>(in, ReadDoor);
    case 5:
      return ReadRemove<policy::Door>(in);
    case 6:
      return ReadPut<policy::Schedule>(in, ReadSchedule);
    case 7:
      return ReadRemove<policy::Schedule>(in);
    case 8:
      return ReadPut<policy::AccessLevel>(in, ReadLevel);
    case 9:
      return ReadRemove<policy::AccessLevel>(in);
    case 10: {
      ASSIGN_OR_RETURN(policy::Credential c, ReadCredentialHead(in, base));
      ASSIGN_OR_RETURN(c.levels, ReadAssignments(in, base));
      return DeltaOp(PutCredential{std::move(c)});
    }
    case 11: {
      ASSIGN_OR_RETURN(const policy::CredentialKey key, ReadKey(in));
      return DeltaOp(RevokeCredential{key});
    }
    case 12:
      return ReadRemove<policy::Credential>(in);
    case 13: {
      SetLockdown op;
      ASSIGN_OR_RETURN(op.site, ReadObjectId(in, "site"));
      const std::size_t at = in.offset();
      ASSIGN_OR_RETURN(const std::uint8_t lockdown, in.U8("lockdown"));
      if (lockdown > 1) return in.Error("lockdown", at, fmt::format("{} is not 0 or 1", lockdown));
      op.lockdown = lockdown == 1;
      return DeltaOp(op);
    }
    case 14: {
      SetThreatLevel op;
      ASSIGN_OR_RETURN(op.site, ReadObjectId(in, "site"));
      ASSIGN_OR_RETURN(op.threat_level, in.U8("threat level"));
      return DeltaOp(op);
    }
  }
  return InternalError(fmt::format("op index {} has no reader", index));
}

static_assert(std::variant_size_v<DeltaOp> == 15, "ReadOpBody reads every op");

Status Decode(ByteView body, DecodedDelta& out) {
  Reader in(body);
  ASSIGN_OR_RETURN(out.header, ReadHeader(in, kDeltaMagic, "delta"));
  const UnixSeconds base = IssueMinute(out.header.issued_at);
  ASSIGN_OR_RETURN(out.delta.base_version, in.U64("base version"));
  const std::size_t version_at = in.offset();
  ASSIGN_OR_RETURN(out.delta.version, in.U64("version"));
  if (out.delta.version <= out.delta.base_version) {
    return in.Error("version", version_at,
                    fmt::format("{} is not above the base version {}", out.delta.version,
                                out.delta.base_version));
  }
  ASSIGN_OR_RETURN(const std::size_t n, in.Count("op count", kMinOpSize));
  out.delta.ops.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = in.offset();
    ASSIGN_OR_RETURN(const std::uint8_t code, in.U8("op code"));
    if (code == 0 || code > std::variant_size_v<DeltaOp>) {
      return in.Error("op code", at, fmt::format("unknown op code {}", code))
          .WithContext(fmt::format("op {}", i));
    }
    auto op = ReadOpBody(in, code - 1u, base);
    if (!op.ok()) {
      return op.status().WithContext(fmt::format("op {} ({})", i, OpNameAt(code - 1u)));
    }
    out.delta.ops.push_back(std::move(*op));
  }
  return in.ExpectEnd("the ops");
}

}  // namespace

Result<Bytes> EncodeDelta(const Header& header, const Delta& delta) {
  if (Status s = CheckHeader(header); !s.ok()) return s.WithContext("delta");
  if (delta.version <= delta.base_version) {
    return InvalidArgumentError(fmt::format("delta: version {} is not above the base version {}",
                                            delta.version, delta.base_version));
  }
  for (std::size_t i = 0; i < delta.ops.size(); ++i) {
    if (Status s = CheckOpWritable(delta.ops[i]); !s.ok()) {
      return s.WithContext(fmt::format("delta: op {} ({})", i, OpName(delta.ops[i])));
    }
  }
  Writer out;
  WriteHeader(out, kDeltaMagic, header);
  out.U64(delta.base_version);
  out.U64(delta.version);
  out.Varint(delta.ops.size());
  OpWriter write{out, IssueMinute(header.issued_at)};
  for (const DeltaOp& op : delta.ops) {
    out.U8(static_cast<std::uint8_t>(op.index() + 1));
    std::visit(write, op);
  }
  return std::move(out).Take();
}

Result<DecodedDelta> DecodeDelta(ByteView body) {
  DecodedDelta decoded;
  if (Status s = Decode(body, decoded); !s.ok()) return s.WithContext("delta");
  return decoded;
}

}  // namespace sekisho::snapshot
