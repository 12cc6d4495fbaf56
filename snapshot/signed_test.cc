#include "snapshot/signed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "base/random.h"
#include "base/status_matchers.h"
#include "snapshot/test_snapshots.h"

namespace sekisho::snapshot {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

constexpr GateId kSigningGate = 7;
using ::sekisho::snapshot::testing::kTestIssuedAt;

Ed25519PrivateKey OrgKey(std::uint64_t seed = 1) {
  SeededRandom random(seed);
  return Ed25519PrivateKey::Generate(random);
}

policy::Snapshot Small() {
  SeededRandom random(11);
  return testing::SmallRandomSnapshot(2, 5, random);
}

Delta OneRevocation(const policy::Snapshot& s) {
  return Delta{.base_version = s.version,
               .version = s.version + 1,
               .ops = {RevokeCredential{s.credentials.front().key}}};
}

TEST(SignedTest, SignatureCoversTheDomainLabelAndTheBody) {
  const auto key = OrgKey();
  const Bytes body = ToBytes("any body");
  const Bytes envelope = SignBody(kSnapshotDomain, key, body);
  ASSERT_EQ(envelope.size(), body.size() + kEd25519SignatureSize);
  EXPECT_EQ(Bytes(envelope.begin(), envelope.begin() + body.size()), body);
  // Checked with the bare RFC 8032 verify, independently of VerifyBody.
  Bytes message = ToBytes("sekisho/snapshot/v1");
  Append(message, body);
  EXPECT_THAT(key.public_key().Verify(message, ByteView(envelope).last(64)), IsOk());

  auto verified = VerifyBody(kSnapshotDomain, key.public_key(), envelope);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(Bytes(verified->begin(), verified->end()), body);
  EXPECT_EQ(verified->data(), envelope.data());  // a view, not a copy
}

TEST(SignedTest, DomainsDoNotMix) {
  const auto key = OrgKey();
  const Bytes envelope = SignBody(kSnapshotDomain, key, ToBytes("body"));
  EXPECT_THAT(VerifyBody(kDeltaDomain, key.public_key(), envelope),
              StatusIs(StatusCode::kUnauthenticated, "Ed25519 signature does not verify"));
  const Bytes delta = *SignDelta(key, kSigningGate, kTestIssuedAt, OneRevocation(Small()));
  EXPECT_THAT(
      OpenSnapshot(key.public_key(), kSigningGate, delta),
      StatusIs(StatusCode::kUnauthenticated, "snapshot: Ed25519 signature does not verify"));
}

TEST(SignedTest, TooShortForASignature) {
  const auto key = OrgKey();
  EXPECT_THAT(VerifyBody(kSnapshotDomain, key.public_key(), Bytes(64, 0)),
              StatusIs(StatusCode::kInvalidArgument,
                       "64 bytes cannot hold a body and a 64-byte signature"));
  EXPECT_THAT(OpenDelta(key.public_key(), kSigningGate, Bytes{}),
              StatusIs(StatusCode::kInvalidArgument,
                       "delta: 0 bytes cannot hold a body and a 64-byte signature"));
}

TEST(SignedTest, OpensWhatWasSigned) {
  const auto key = OrgKey();
  const policy::Snapshot s = Small();
  auto signed_snapshot = SignSnapshot(key, kSigningGate, kTestIssuedAt, s);
  ASSERT_THAT(signed_snapshot, IsOk());
  auto opened = OpenSnapshot(key.public_key(), kSigningGate, *signed_snapshot);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->snapshot, s);
  EXPECT_EQ(opened->header.gate_id, kSigningGate);
  EXPECT_EQ(opened->header.issued_at, kTestIssuedAt);
  EXPECT_EQ(opened->header.org_key_id, OrgKeyIdOf(key.public_key()));

  auto signed_delta = SignDelta(key, kSigningGate, kTestIssuedAt, OneRevocation(s));
  ASSERT_THAT(signed_delta, IsOk());
  auto delta = OpenDelta(key.public_key(), kSigningGate, *signed_delta);
  ASSERT_THAT(delta, IsOk());
  EXPECT_EQ(delta->delta, OneRevocation(s));
}

TEST(SignedTest, RefusesAnotherGate) {
  const auto key = OrgKey();
  const Bytes for_gate_8 = *SignSnapshot(key, 8, kTestIssuedAt, Small());
  EXPECT_THAT(OpenSnapshot(key.public_key(), kSigningGate, for_gate_8),
              StatusIs(StatusCode::kPermissionDenied, "snapshot: made for gate 8, this is gate 7"));
  const Bytes delta_for_gate_8 = *SignDelta(key, 8, kTestIssuedAt, OneRevocation(Small()));
  EXPECT_THAT(OpenDelta(key.public_key(), kSigningGate, delta_for_gate_8),
              StatusIs(StatusCode::kPermissionDenied, "delta: made for gate 8, this is gate 7"));
}

TEST(SignedTest, RefusesAnotherKey) {
  const auto key = OrgKey(1);
  const auto other = OrgKey(2);
  const Bytes by_other = *SignSnapshot(other, kSigningGate, kTestIssuedAt, Small());
  EXPECT_THAT(OpenSnapshot(key.public_key(), kSigningGate, by_other),
              StatusIs(StatusCode::kUnauthenticated));
  // Signed by the trusted key but naming another: refused after the signature checks out.
  const Header header{OrgKeyIdOf(other.public_key()), kSigningGate, kTestIssuedAt};
  const Bytes misnamed = SignBody(kSnapshotDomain, key, *EncodeSnapshot(header, Small()));
  EXPECT_THAT(OpenSnapshot(key.public_key(), kSigningGate, misnamed),
              StatusIs(StatusCode::kPermissionDenied,
                       "snapshot: names org key id " + ToHex(OrgKeyIdOf(other.public_key())) +
                           ", this gate trusts " + ToHex(OrgKeyIdOf(key.public_key()))));
}

// Every single bit of a signed message flipped: refused, as a bad signature (or, for bits of
// the signature's S half that make it non-canonical, the same).
template <typename OpenFn>
void ExpectEveryBitFlipRefused(const Bytes& envelope, OpenFn open) {
  ASSERT_THAT(open(envelope), IsOk());
  for (std::size_t bit = 0; bit < envelope.size() * 8; ++bit) {
    Bytes flipped = envelope;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_THAT(open(flipped), StatusIs(StatusCode::kUnauthenticated)) << "bit " << bit;
  }
}

TEST(SignedTest, EveryBitOfASignedSnapshotMatters) {
  const auto key = OrgKey();
  const Bytes envelope = *SignSnapshot(key, kSigningGate, kTestIssuedAt, Small());
  ASSERT_LT(envelope.size(), 1000u);  // keeps the test fast
  ExpectEveryBitFlipRefused(envelope, [&](const Bytes& b) {
    return OpenSnapshot(key.public_key(), kSigningGate, b).status();
  });
}

TEST(SignedTest, EveryBitOfASignedDeltaMatters) {
  const auto key = OrgKey();
  const policy::Snapshot s = Small();
  Delta delta = OneRevocation(s);
  delta.ops.push_back(SetLockdown{s.sites.front().id, true});
  delta.ops.push_back(PutCredential{s.credentials.back()});
  const Bytes envelope = *SignDelta(key, kSigningGate, kTestIssuedAt, delta);
  ExpectEveryBitFlipRefused(envelope, [&](const Bytes& b) {
    return OpenDelta(key.public_key(), kSigningGate, b).status();
  });
}

TEST(SignedTest, EveryTruncationAndAnyExtensionIsRefused) {
  const auto key = OrgKey();
  const policy::Snapshot s = Small();
  const Bytes snapshot = *SignSnapshot(key, kSigningGate, kTestIssuedAt, s);
  const Bytes delta = *SignDelta(key, kSigningGate, kTestIssuedAt, OneRevocation(s));
  auto open_snapshot = [&](ByteView b) {
    return OpenSnapshot(key.public_key(), kSigningGate, b).status();
  };
  auto open_delta = [&](ByteView b) {
    return OpenDelta(key.public_key(), kSigningGate, b).status();
  };
  for (const auto& [envelope, open] :
       {std::pair{snapshot, std::function<Status(ByteView)>(open_snapshot)},
        std::pair{delta, std::function<Status(ByteView)>(open_delta)}}) {
    ASSERT_THAT(open(envelope), IsOk());
    for (std::size_t n = 0; n < envelope.size(); ++n) {
      // Too short for a signature, or a body that is not what was signed.
      const StatusCode expected =
          n <= kEd25519SignatureSize ? StatusCode::kInvalidArgument : StatusCode::kUnauthenticated;
      EXPECT_THAT(open(ByteView(envelope).first(n)), StatusIs(expected)) << "length " << n;
    }
    for (std::uint8_t extra : {std::uint8_t{0x00}, std::uint8_t{0x01}, std::uint8_t{0xFF}}) {
      Bytes longer = envelope;
      longer.push_back(extra);
      EXPECT_THAT(open(longer), StatusIs(StatusCode::kUnauthenticated));
    }
  }
}

TEST(SignedTest, SignRefusesWhatEncodeRefuses) {
  const auto key = OrgKey();
  EXPECT_THAT(SignSnapshot(key, 0, kTestIssuedAt, Small()),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("gate id 0")));
  Delta stale = OneRevocation(Small());
  stale.version = stale.base_version;
  EXPECT_THAT(SignDelta(key, kSigningGate, kTestIssuedAt, stale),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace sekisho::snapshot
