// The input-assist application (券面事項入力補助AP) of a simulated card: spec
// mynumber-card.md §2 (credentials and what each opens) and §6 (file layout).
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "card/sim/card_filesystem.h"
#include "card/sim/card_keys.h"
#include "card/sim/card_profile.h"

namespace sekisho::card::sim {

// EF 0001: `FF 10 0C` + the 12 ASCII digits + `FF FF` filler (17 bytes).
Bytes InputAssistMyNumberEf(std::string_view my_number);

// The basic-four TLV `FF 20 L` { DF21 offsets, DF22 name, DF23 address, DF24 DOB, DF25 sex }
// with minimal lengths; the four offsets point at the tags of DF22..DF25 counted from the
// start of the file. No filler.
Bytes InputAssistBasicFourTlv(const CardIdentity& identity);

// EF 0002: the TLV followed by FF filler up to 512 bytes (or 16 bytes of filler when the TLV
// is longer than 496 bytes).
Bytes InputAssistBasicFourEf(const CardIdentity& identity);

// EF 0003 (336 bytes): `FF 30 82 01 4B` { DF31 SHA-256(my_number_ef), DF32 SHA-256 of
// basic_four_tlv's outer value from DF22 on, `DF 33 82 01 00` PKCS#1 v1.5 SHA-256 signature by
// `key` over the 70 bytes of the DF31 and DF32 TLVs }. kInvalidArgument if basic_four_tlv is
// not an FF20 TLV starting with DF21; the signer's errors otherwise.
Result<Bytes> InputAssistIntegrityEf(ByteView my_number_ef, ByteView basic_four_tlv,
                                     const EVP_PKEY& key);

// The whole application: EFs 0001-0008 and IEFs 0011 (PIN), 0012 (blocked), 0013 (signing key,
// not simulated), 0014 (code A), 0015 (code B).
Result<Application> BuildInputAssistApplication(const CardProfile& profile, const CardKeys& keys);

}  // namespace sekisho::card::sim
