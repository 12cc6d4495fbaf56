// libFuzzer target for the checkpoint parser (audit/checkpoint.h): what it accepts re-serializes
// to the same text, and what verifies under the fixed key is exactly what that key signs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "audit/checkpoint.h"
#include "base/ed25519.h"

namespace {

using sekisho::Bytes;
using sekisho::Ed25519PrivateKey;

// The seed corpus (fuzz/corpus/fuzz_audit_checkpoint/) is signed with this key for this origin.
constexpr std::string_view kOrigin = "fuzz.example/audit";

const Ed25519PrivateKey& Key() {
  static const Ed25519PrivateKey key = *Ed25519PrivateKey::FromSeed(Bytes(32, 0x42));
  return key;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sekisho::audit::ParseCheckpoint(text);
  if (parsed.ok()) {
    // One text per checkpoint: the body is the canonical form of the parsed fields.
    Check(sekisho::audit::CheckpointBody(parsed->checkpoint) == parsed->body);
    Check(text.starts_with(parsed->body));
    Check(parsed->signature.size() == sekisho::kEd25519SignatureSize);
  } else {
    Check(parsed.status().code() == sekisho::StatusCode::kInvalidArgument);
  }
  auto opened = sekisho::audit::OpenCheckpoint(text, kOrigin, Key().public_key());
  if (opened.ok()) {
    Check(parsed.ok() && *opened == parsed->checkpoint);
    // Ed25519 is deterministic: an accepted text is byte for byte what the key signs.
    auto resigned = sekisho::audit::SignCheckpoint(*opened, Key());
    Check(resigned.ok() && *resigned == text);
  } else {
    const auto code = opened.status().code();
    Check(code == sekisho::StatusCode::kInvalidArgument ||
          code == sekisho::StatusCode::kUnauthenticated);
  }
  return 0;
}
