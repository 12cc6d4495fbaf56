// The organisation's snapshot signing key as it lives in its data folder (docs/formats/
// data-directory.md "Server files"): snapshot.key (0600), and once the key has been rotated the
// rollover chain snapshot-keys.json (sync/key_rollover.h) that leads every gate from the key it
// registered with to the current one. Rotation: docs/operations.md §4.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/ed25519.h"
#include "base/folder_lock.h"
#include "base/random.h"
#include "base/result.h"
#include "sync/key_rollover.h"

namespace sekisho::server {

inline constexpr std::string_view kSnapshotKeyFile = "snapshot.key";
inline constexpr std::string_view kSnapshotKeyChainFile = "snapshot-keys.json";
// The new key's file while a rotation is under way; a rotation that stopped resumes with it.
inline constexpr std::string_view kNextSnapshotKeyFile = "snapshot.key.next";

// snapshot-keys.json: {"first_key": hex, "organisation": slug, "rollovers": [{"key": hex,
// "sequence": n, "signature": hex}, ...], "v": 1}. Parse: kDataLoss "snapshot-keys.json: ..."
// for anything else, and for a chain sync::CheckKeyChain refuses.
std::string FormatKeyChainFile(const sync::KeyChain& chain);
Result<sync::KeyChain> ParseKeyChainFile(std::string_view text);

// The lock on an organisation's folder (base/folder_lock.h): a ServerSite holds it shared while
// open, RotateSnapshotKey exclusively. kFailedPrecondition "... in use by another Sekisho
// process ..." when it is held the other way.
Result<FolderLock> LockOrgFolder(const std::filesystem::path& org_dir, FolderLock::Mode mode);

struct SnapshotKeys {
  Ed25519PrivateKey key;
  std::optional<sync::KeyChain> chain;  // none before the first rotation
};

// The key of `org_dir` (the folder of organisation `organisation`, its slug) and its chain; the
// key is created on first use when neither it nor a chain exists. Errors:
//   kFailedPrecondition  snapshot.key.next exists: a rotation stopped half-way; run `sekisho
//                        snapshot rotate-key` again to finish it.
//   kDataLoss            snapshot-keys.json does not parse, names another organisation, does
//                        not verify from its first key, or does not end at snapshot.key's key.
//   the key file's       kNotFound when a chain exists without snapshot.key, kPermissionDenied
//                        for a loose mode, ...
Result<SnapshotKeys> LoadSnapshotKeys(const std::filesystem::path& org_dir,
                                      std::string_view organisation, Random& random);

// What a rotation did.
struct SnapshotKeyRotation {
  Ed25519PublicKey previous;
  Ed25519PublicKey next;
  std::uint64_t sequence = 0;  // the statement naming `next`
  bool resumed = false;        // an earlier, interrupted run had begun it
};

// Replaces the snapshot key with a new one, in steps that each survive a crash (running it again
// after a stop finishes the same rotation):
//   1. the new key is written to snapshot.key.next (or read from it when an earlier run left it);
//   2. the statement handing over from the current key to it, signed by the current key, is
//      appended to snapshot-keys.json (written atomically; skipped when it is there already);
//   3. snapshot.key.next replaces snapshot.key (the previous private key is gone).
// Holds the folder's lock exclusively throughout: kFailedPrecondition while any ServerSite of the
// organisation is open (a running `sekisho serve`), and when there is no snapshot key yet (it is
// made when the server first opens the organisation). LoadSnapshotKeys's kDataLoss; the key
// files' errors; kUnavailable for file errors.
Result<SnapshotKeyRotation> RotateSnapshotKey(const std::filesystem::path& org_dir,
                                              std::string_view organisation, Random& random);

}  // namespace sekisho::server
