// What the door-path benchmarks (card_bench, gate_bench, badge_bench) report besides their times:
// the card traffic of one authentication, and the baselines they are measured against, so that
// their ratios compare.
#pragma once

#include <benchmark/benchmark.h>

#include "base/bytes.h"
#include "card/counting_channel.h"

namespace sekisho::bench {

// Sets the counters "apdus", "bytes_read" and "bytes_sent" of `state` from `counts`.
void ReportChannelCounts(benchmark::State& state, const card::ChannelCounts& counts);

// The baseline's loop: OpenSSL's raw RSA-2048 PKCS#1 v1.5 verify of `signature` over
// SHA-256(`message`) with the public key (`spki`, a DER SubjectPublicKeyInfo) parsed beforehand,
// as cheap as a verify gets. Skips the benchmark with an error when the key does not parse or the
// signature does not verify.
void RawRsa2048Verify(benchmark::State& state, ByteView spki, ByteView message, ByteView signature);

// The badge's baseline loop: OpenSSL's raw ECDSA verify, on the named curve ("P-256",
// "brainpoolP256r1"), of a signature over a fixed SHA-256 digest, with a public-only key
// generated and parsed beforehand, as RawRsa2048Verify does for RSA. Skips the benchmark with an
// error when OpenSSL cannot make the key or the signature, or the signature does not verify.
void RawEcdsaVerify(benchmark::State& state, const char* curve);

}  // namespace sekisho::bench
