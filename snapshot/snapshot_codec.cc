// Snapshot encoder and strict decoder; see snapshot_codec.h and docs/formats/snapshot.md §5.
#include "snapshot/snapshot_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "policy/validate.h"
#include "snapshot/model_codec.h"

namespace sekisho::snapshot {
namespace {

using policy::UnixSeconds;

template <typename T, typename WriteFn>
void WriteSection(Writer& out, const std::vector<T>& objects, WriteFn write) {
  out.Varint(objects.size());
  for (const T& object : objects) write(out, object);
}

template <typename T, typename ReadFn>
Status ReadSection(Reader& in, std::string_view item, std::size_t min_size, ReadFn read,
                   std::vector<T>& objects) {
  ASSIGN_OR_RETURN(const std::size_t n, in.Count(fmt::format("{} count", item), min_size));
  objects.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto object = read(in);
    if (!object.ok()) return object.status().WithContext(fmt::format("{} at index {}", item, i));
    objects.push_back(std::move(*object));
  }
  return OkStatus();
}

// The distinct level-assignment sets of the credentials, in canonical order: most used first,
// ties by the index of the first credential using them (docs/formats/snapshot.md §5.2).
struct LevelSetTable {
  std::vector<std::string> sets;        // each set's wire bytes, in table order
  std::vector<std::uint64_t> index_of;  // per credential: its set's index in `sets`
};

LevelSetTable BuildLevelSets(const std::vector<policy::Credential>& credentials, UnixSeconds base) {
  struct Entry {
    std::string bytes;
    std::size_t uses = 0;
    std::size_t first_use = 0;
  };
  std::vector<Entry> entries;
  std::unordered_map<std::string, std::size_t> slot_of;
  std::vector<std::size_t> slot_of_credential(credentials.size());
  for (std::size_t i = 0; i < credentials.size(); ++i) {
    Writer w;
    WriteAssignments(w, credentials[i].levels, base);
    std::string bytes(w.bytes().begin(), w.bytes().end());
    auto [it, inserted] = slot_of.try_emplace(std::move(bytes), entries.size());
    if (inserted) entries.push_back({it->first, 0, i});
    ++entries[it->second].uses;
    slot_of_credential[i] = it->second;
  }
  std::vector<std::size_t> order(entries.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (entries[a].uses != entries[b].uses) return entries[a].uses > entries[b].uses;
    return entries[a].first_use < entries[b].first_use;
  });
  std::vector<std::uint64_t> rank(entries.size());
  LevelSetTable table;
  table.sets.reserve(entries.size());
  for (std::size_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = r;
    table.sets.push_back(std::move(entries[order[r]].bytes));
  }
  table.index_of.reserve(credentials.size());
  for (std::size_t slot : slot_of_credential) table.index_of.push_back(rank[slot]);
  return table;
}

// Refuses a level-set table EncodeSnapshot would not have written.
Status CheckLevelSetsCanonical(const std::vector<ByteView>& set_bytes,
                               const std::vector<std::size_t>& uses,
                               const std::vector<std::size_t>& first_use) {
  for (std::size_t j = 0; j < uses.size(); ++j) {
    if (uses[j] == 0) {
      return InvalidArgumentError(fmt::format("level set {} is used by no credential", j));
    }
    if (j > 0 &&
        !(uses[j - 1] > uses[j] || (uses[j - 1] == uses[j] && first_use[j - 1] < first_use[j]))) {
      return InvalidArgumentError(fmt::format(
          "level set {} (used {} times, first by credential {}) is listed after set {} (used {} "
          "times, first by credential {}); sets are ordered by use, then by first use",
          j, uses[j], first_use[j], j - 1, uses[j - 1], first_use[j - 1]));
    }
  }
  std::vector<std::size_t> by_bytes(set_bytes.size());
  std::iota(by_bytes.begin(), by_bytes.end(), 0);
  auto less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(set_bytes[a].begin(), set_bytes[a].end(),
                                        set_bytes[b].begin(), set_bytes[b].end());
  };
  std::sort(by_bytes.begin(), by_bytes.end(), less);
  for (std::size_t k = 1; k < by_bytes.size(); ++k) {
    if (!less(by_bytes[k - 1], by_bytes[k])) {
      return InvalidArgumentError(fmt::format("level sets {} and {} are equal",
                                              std::min(by_bytes[k - 1], by_bytes[k]),
                                              std::max(by_bytes[k - 1], by_bytes[k])));
    }
  }
  return OkStatus();
}

Status Decode(ByteView body, DecodedSnapshot& out) {
  Reader in(body);
  ASSIGN_OR_RETURN(out.header, ReadHeader(in, kSnapshotMagic, "snapshot"));
  const UnixSeconds base = IssueMinute(out.header.issued_at);
  policy::Snapshot& s = out.snapshot;
  ASSIGN_OR_RETURN(s.version, in.U64("version"));
  RETURN_IF_ERROR(ReadSection(in, "site", kMinSiteSize, ReadSite, s.sites));
  RETURN_IF_ERROR(ReadSection(in, "zone", kMinZoneSize, ReadZone, s.zones));
  RETURN_IF_ERROR(ReadSection(in, "door", kMinDoorSize, ReadDoor, s.doors));
  RETURN_IF_ERROR(ReadSection(in, "schedule", kMinScheduleSize, ReadSchedule, s.schedules));
  RETURN_IF_ERROR(ReadSection(in, "level", kMinLevelSize, ReadLevel, s.levels));

  std::vector<std::vector<policy::LevelAssignment>> sets;
  std::vector<ByteView> set_bytes;
  RETURN_IF_ERROR(ReadSection(
      in, "level set", kMinAssignmentsSize,
      [&](Reader& r) {
        const std::size_t start = r.offset();
        auto set = ReadAssignments(r, base);
        if (set.ok()) set_bytes.push_back(body.subspan(start, r.offset() - start));
        return set;
      },
      sets));

  std::vector<std::size_t> uses(sets.size(), 0);
  std::vector<std::size_t> first_use(sets.size(), 0);
  std::size_t index = 0;
  RETURN_IF_ERROR(ReadSection(
      in, "credential", kMinCredentialHeadSize + 1,
      [&](Reader& r) -> Result<policy::Credential> {
        ASSIGN_OR_RETURN(policy::Credential c, ReadCredentialHead(r, base));
        const std::size_t at = r.offset();
        ASSIGN_OR_RETURN(const std::uint64_t set, r.Varint("level set index"));
        if (set >= sets.size()) {
          return r.Error("level set index", at,
                         fmt::format("{} is not below the table's {} sets", set, sets.size()));
        }
        c.levels = sets[set];
        if (uses[set]++ == 0) first_use[set] = index;
        ++index;
        return c;
      },
      s.credentials));
  RETURN_IF_ERROR(CheckLevelSetsCanonical(set_bytes, uses, first_use));
  RETURN_IF_ERROR(in.ExpectEnd("the credentials"));
  return policy::Validate(s);
}

}  // namespace

Result<Bytes> EncodeSnapshot(const Header& header, const policy::Snapshot& snapshot) {
  if (Status s = CheckHeader(header); !s.ok()) return s.WithContext("snapshot");
  if (Status s = policy::Validate(snapshot); !s.ok()) return s.WithContext("snapshot");
  const UnixSeconds base = IssueMinute(header.issued_at);
  Writer out;
  WriteHeader(out, kSnapshotMagic, header);
  out.U64(snapshot.version);
  WriteSection(out, snapshot.sites, WriteSite);
  WriteSection(out, snapshot.zones, WriteZone);
  WriteSection(out, snapshot.doors, WriteDoor);
  WriteSection(out, snapshot.schedules, WriteSchedule);
  WriteSection(out, snapshot.levels, WriteLevel);
  const LevelSetTable table = BuildLevelSets(snapshot.credentials, base);
  out.Varint(table.sets.size());
  for (const std::string& set : table.sets) {
    out.Raw(ByteView(reinterpret_cast<const std::uint8_t*>(set.data()), set.size()));
  }
  out.Varint(snapshot.credentials.size());
  for (std::size_t i = 0; i < snapshot.credentials.size(); ++i) {
    WriteCredentialHead(out, snapshot.credentials[i], base);
    out.Varint(table.index_of[i]);
  }
  return std::move(out).Take();
}

Result<DecodedSnapshot> DecodeSnapshot(ByteView body) {
  DecodedSnapshot decoded;
  if (Status s = Decode(body, decoded); !s.ok()) return s.WithContext("snapshot");
  return decoded;
}

}  // namespace sekisho::snapshot
