#include "audit/checkpoint.h"

#include <openssl/evp.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <vector>

#include "base/digest.h"

namespace sekisho::audit {
namespace {

// The signed-note signature line starts with U+2014 EM DASH and a space.
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr std::uint8_t kEd25519Algorithm = 0x01;  // signed-note signature type
constexpr std::string_view kTimePrefix = "time ";
constexpr std::size_t kMaxOriginSize = 255;
// The last whole second a clock of signed 64-bit nanoseconds holds (2262-04-11), so that every
// checkpoint time is a TimePoint.
constexpr std::int64_t kMaxUnixSeconds = 9223372035;
static_assert(std::chrono::duration_cast<std::chrono::seconds>(TimePoint::max().time_since_epoch())
                  .count() >= kMaxUnixSeconds);

std::string Base64(ByteView bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Strict: only the canonical encoding is accepted (re-encoding gives the same text), so there is
// exactly one text per value.
std::optional<Bytes> FromBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  Bytes out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (text.ends_with("==")) {
    size -= 2;
  } else if (text.ends_with("=")) {
    size -= 1;
  }
  out.resize(size);
  if (Base64(out) != text) return std::nullopt;
  return out;
}

// A canonical unsigned decimal: digits only, no leading zero, at most `max`.
std::optional<std::uint64_t> ParseDecimal(std::string_view text, std::uint64_t max) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      (text.size() > 1 && text[0] == '0') || value > max) {
    return std::nullopt;
  }
  return value;
}

bool PrintableAscii(std::string_view line) {
  for (const char c : line) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

Status Malformed(std::string_view what) {
  return InvalidArgumentError("checkpoint: " + std::string(what));
}

std::int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Status CheckOrigin(std::string_view origin) {
  if (origin.empty() || origin.size() > kMaxOriginSize) {
    return InvalidArgumentError("log origin: must be 1 to 255 characters, got " +
                                std::to_string(origin.size()));
  }
  for (const char c : origin) {
    if (c <= 0x20 || c > 0x7E || c == '+') {
      return InvalidArgumentError(
          "log origin: only printable ASCII without spaces and '+' (it names the signing key)");
    }
  }
  return OkStatus();
}

std::string CheckpointBody(const Checkpoint& checkpoint) {
  return checkpoint.origin + "\n" + std::to_string(checkpoint.tree_size) + "\n" +
         Base64(checkpoint.root) + "\n" + std::string(kTimePrefix) +
         std::to_string(UnixSeconds(checkpoint.time)) + "\n";
}

std::string KeyIdHex(std::uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", id);
  return buf;
}

std::uint32_t CheckpointKeyId(std::string_view origin, const Ed25519PublicKey& key) {
  Bytes input = ToBytes(origin);
  input.push_back('\n');
  input.push_back(kEd25519Algorithm);
  Append(input, key.bytes());
  const Bytes digest = Sha256(input);
  return (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) |
         (std::uint32_t{digest[2]} << 8) | std::uint32_t{digest[3]};
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const Ed25519PrivateKey& key) {
  RETURN_IF_ERROR(CheckOrigin(checkpoint.origin));
  const std::int64_t seconds = UnixSeconds(checkpoint.time);
  if (seconds < 0 || seconds > kMaxUnixSeconds) {
    return InvalidArgumentError("checkpoint time " + std::to_string(seconds) + " is outside 0 to " +
                                std::to_string(kMaxUnixSeconds));
  }
  if (checkpoint.tree_size > kMaxTreeSize) {
    return InvalidArgumentError("checkpoint tree size is above 2^63 - 1");
  }
  const std::string body = CheckpointBody(checkpoint);
  const std::uint32_t id = CheckpointKeyId(checkpoint.origin, key.public_key());
  Bytes blob = {static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
                static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  Append(blob, key.Sign(ToBytes(body)));
  return body + "\n" + std::string(kSignaturePrefix) + checkpoint.origin + " " + Base64(blob) +
         "\n";
}

Result<ParsedCheckpoint> ParseCheckpoint(std::string_view text) {
  const std::size_t blank = text.find("\n\n");
  if (blank == std::string_view::npos) {
    return Malformed("no blank line between the body and the signature");
  }
  ParsedCheckpoint parsed;
  parsed.body = std::string(text.substr(0, blank + 1));

  // The body: exactly four lines, each ended by a newline.
  std::vector<std::string_view> lines;
  for (std::string_view rest = parsed.body; !rest.empty();) {
    const std::size_t end = rest.find('\n');
    lines.push_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  if (lines.size() != 4) {
    return Malformed("the body has " + std::to_string(lines.size()) +
                     " lines, expected 4 (origin, tree size, root hash, time)");
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!PrintableAscii(lines[i])) {
      return Malformed("body line " + std::to_string(i + 1) +
                       " holds a character that is not printable ASCII");
    }
  }
  Checkpoint& c = parsed.checkpoint;
  if (Status origin = CheckOrigin(lines[0]); !origin.ok()) return origin.WithContext("checkpoint");
  c.origin = std::string(lines[0]);
  const auto size = ParseDecimal(lines[1], kMaxTreeSize);
  if (!size) return Malformed("the tree size is not a decimal number up to 2^63 - 1");
  c.tree_size = *size;
  const auto root = FromBase64(lines[2]);
  if (!root || root->size() != kHashSize) {
    return Malformed("the root hash is not the canonical base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), c.root.begin());
  const auto seconds = lines[3].starts_with(kTimePrefix)
                           ? ParseDecimal(lines[3].substr(kTimePrefix.size()), kMaxUnixSeconds)
                           : std::nullopt;
  if (!seconds) {
    return Malformed("the fourth line is not 'time <Unix seconds>' (up to 9223372035)");
  }
  c.time = FromUnixSeconds(static_cast<long long>(*seconds));

  // One signature line: "— <key name> <base64(key ID || signature)>\n".
  std::string_view signature = text.substr(blank + 2);
  if (!signature.ends_with('\n')) return Malformed("the signature line does not end the text");
  signature.remove_suffix(1);
  if (signature.find('\n') != std::string_view::npos) {
    return Malformed("more than one signature line");
  }
  if (!signature.starts_with(kSignaturePrefix)) {
    return Malformed("the signature line does not start with an em dash and a space");
  }
  signature.remove_prefix(kSignaturePrefix.size());
  if (!PrintableAscii(signature)) {
    return Malformed("the signature line holds a character that is not printable ASCII");
  }
  const std::size_t space = signature.find(' ');
  if (space == std::string_view::npos) {
    return Malformed("the signature line has no space between the key name and the signature");
  }
  parsed.key_name = std::string(signature.substr(0, space));
  if (Status name = CheckOrigin(parsed.key_name); !name.ok()) {
    return Malformed("the signature's key name is not a valid name");
  }
  const auto blob = FromBase64(signature.substr(space + 1));
  if (!blob || blob->size() != 4 + kEd25519SignatureSize) {
    return Malformed(
        "the signature is not the canonical base64 of a key ID and a 64-byte "
        "Ed25519 signature");
  }
  parsed.key_id = (std::uint32_t{(*blob)[0]} << 24) | (std::uint32_t{(*blob)[1]} << 16) |
                  (std::uint32_t{(*blob)[2]} << 8) | std::uint32_t{(*blob)[3]};
  parsed.signature.assign(blob->begin() + 4, blob->end());
  return parsed;
}

Result<Checkpoint> OpenCheckpoint(std::string_view text, std::string_view origin,
                                  const Ed25519PublicKey& key) {
  return OpenCheckpoint(text, origin, std::span(&key, 1));
}

Result<Checkpoint> OpenCheckpoint(std::string_view text, std::string_view origin,
                                  std::span<const Ed25519PublicKey> keys) {
  ASSIGN_OR_RETURN(ParsedCheckpoint parsed, ParseCheckpoint(text));
  if (parsed.checkpoint.origin != origin) {
    return UnauthenticatedError("checkpoint is for log '" + parsed.checkpoint.origin + "', not '" +
                                std::string(origin) + "'");
  }
  const Ed25519PublicKey* signer = nullptr;
  if (parsed.key_name == origin) {
    for (const Ed25519PublicKey& key : keys) {
      if (parsed.key_id == CheckpointKeyId(origin, key)) signer = &key;
    }
  }
  if (signer == nullptr) {
    return UnauthenticatedError("checkpoint is signed by key '" + parsed.key_name + "' (ID " +
                                KeyIdHex(parsed.key_id) + "), not by this log's key (ID " +
                                KeyIdHex(CheckpointKeyId(origin, keys.front())) + ")");
  }
  RETURN_IF_ERROR(
      signer->Verify(ToBytes(parsed.body), parsed.signature)
          .WithContext("checkpoint of tree size " + std::to_string(parsed.checkpoint.tree_size)));
  return std::move(parsed.checkpoint);
}

}  // namespace sekisho::audit
