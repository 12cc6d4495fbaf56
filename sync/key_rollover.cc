#include "sync/key_rollover.h"

#include <string>
#include <utility>

#include "snapshot/header.h"

namespace sekisho::sync {
namespace {

Status ChainError(std::string_view detail) {
  return InvalidArgumentError("key chain: " + std::string(detail));
}

bool SlugCharacter(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

Bytes RolloverSignedBytes(std::string_view organisation, std::uint64_t sequence, ByteView key) {
  Bytes bytes(kKeyRolloverDomain.begin(), kKeyRolloverDomain.end());
  bytes.push_back(static_cast<std::uint8_t>(organisation.size()));
  bytes.insert(bytes.end(), organisation.begin(), organisation.end());
  for (int i = 7; i >= 0; --i) bytes.push_back(static_cast<std::uint8_t>(sequence >> (8 * i)));
  bytes.insert(bytes.end(), key.begin(), key.end());
  return bytes;
}

KeyRollover SignRollover(const Ed25519PrivateKey& previous, std::string_view organisation,
                         std::uint64_t sequence, const Ed25519PublicKey& next) {
  // RFC 8032 §5.1.6 over the domain-separated statement.
  return KeyRollover{
      .sequence = sequence,
      .key = next.bytes(),
      .signature = previous.Sign(RolloverSignedBytes(organisation, sequence, next.bytes()))};
}

Status CheckKeyChain(const KeyChain& chain) {
  if (chain.organisation.empty()) return ChainError("no organisation");
  if (chain.organisation.size() > kMaxChainOrganisationSize) {
    return ChainError("organisation name of " + std::to_string(chain.organisation.size()) +
                      " bytes exceeds " + std::to_string(kMaxChainOrganisationSize));
  }
  for (std::size_t i = 0; i < chain.organisation.size(); ++i) {
    if (!SlugCharacter(chain.organisation[i])) {
      return ChainError("organisation name: character at offset " + std::to_string(i) +
                        " is not one of a-z, 0-9, -");
    }
  }
  if (chain.first_key.size() != kEd25519PublicKeySize) {
    return ChainError("first key of " + std::to_string(chain.first_key.size()) +
                      " bytes, expected 32");
  }
  if (chain.rollovers.empty()) return ChainError("no statement");
  if (chain.rollovers.size() > kMaxKeyRollovers) {
    return ChainError(std::to_string(chain.rollovers.size()) + " statements exceed " +
                      std::to_string(kMaxKeyRollovers));
  }
  for (std::size_t i = 0; i < chain.rollovers.size(); ++i) {
    const KeyRollover& r = chain.rollovers[i];
    const std::string where = "statement " + std::to_string(i + 1) + ": ";
    if (r.key.size() != kEd25519PublicKeySize) {
      return ChainError(where + "key of " + std::to_string(r.key.size()) + " bytes, expected 32");
    }
    if (r.signature.size() != kEd25519SignatureSize) {
      return ChainError(where + "signature of " + std::to_string(r.signature.size()) +
                        " bytes, expected 64");
    }
  }
  return OkStatus();
}

std::string SnapshotKeyIdHex(const Ed25519PublicKey& key) {
  const snapshot::OrgKeyId id = snapshot::OrgKeyIdOf(key);
  std::string hex = ToHex(ByteView(id.data(), id.size()));
  for (char& c : hex) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return hex;
}

Result<ChainEnd> FollowKeyChain(const KeyChain& chain, const Ed25519PublicKey& trusted,
                                std::optional<std::string_view> organisation) {
  RETURN_IF_ERROR(CheckKeyChain(chain));
  if (organisation && *organisation != chain.organisation) {
    return PermissionDeniedError("key chain: the chain names organisation '" + chain.organisation +
                                 "', expected '" + std::string(*organisation) + "'");
  }
  for (std::size_t i = 0; i < chain.rollovers.size(); ++i) {
    if (chain.rollovers[i].sequence != i + 1) {
      return ChainError("statement " + std::to_string(i + 1) + " has sequence " +
                        std::to_string(chain.rollovers[i].sequence) + ": a gap or reordering");
    }
  }
  // Where the trusted key stands: the statements up to it were verified when it was adopted.
  std::size_t start = 0;
  if (trusted.bytes() != chain.first_key) {
    bool found = false;
    for (std::size_t i = chain.rollovers.size(); i > 0 && !found; --i) {
      if (chain.rollovers[i - 1].key == trusted.bytes()) {
        start = i;
        found = true;
      }
    }
    if (!found) {
      return PermissionDeniedError("key chain: the trusted key (key id " +
                                   SnapshotKeyIdHex(trusted) +
                                   ") is not in the organisation's chain");
    }
  }
  ChainEnd end{.key = trusted, .sequence = start, .followed = 0};
  for (std::size_t i = start; i < chain.rollovers.size(); ++i) {
    const KeyRollover& r = chain.rollovers[i];
    Result<Ed25519PublicKey> next = Ed25519PublicKey::FromBytes(r.key);
    if (!next.ok()) {
      return ChainError("statement " + std::to_string(r.sequence) + ": " +
                        std::string(next.status().message()));
    }
    // RFC 8032 §5.1.7 under the key before it.
    if (!end.key.Verify(RolloverSignedBytes(chain.organisation, r.sequence, r.key), r.signature)
             .ok()) {
      return UnauthenticatedError("key chain: statement " + std::to_string(r.sequence) +
                                  " does not verify under the key before it (key id " +
                                  SnapshotKeyIdHex(end.key) + ")");
    }
    end.key = std::move(next).value();
    end.sequence = r.sequence;
    ++end.followed;
  }
  return end;
}

}  // namespace sekisho::sync
