// The card-face (券面事項確認AP), residence (住基AP) and common (共通AP) applications and the
// MF-level data objects of a simulated card: spec mynumber-card.md §1, §2, §7. Faithful in
// access rules and structure; images, keys and J-LIS signatures are opaque placeholders.
#pragma once

#include <cstdint>
#include <map>

#include "base/bytes.h"
#include "card/sim/card_filesystem.h"
#include "card/sim/card_profile.h"

namespace sekisho::card::sim {

// 券面AP: EFs 0001 (birth-date key 0011), 0002 (code A 0013 or B 0012), 0003 and 0004 (free),
// 0005 (A only), 0006 (A or B); IEFs 0011, 0012, 0013; key 001A (not simulated).
Application BuildCardFaceApplication(const CardProfile& profile);

// 住基AP: record EF 0001 (住民票コード, needs PIN 001C), EF 0002 (16-byte key reference, free),
// PIN 001C. Which EF holds the code is UNCONFIRMED in the spec.
Application BuildResidenceApplication(const CardProfile& profile);

// 共通AP: record EF 0001 = `01 1C` + 15-digit serial + 5-digit municipality code + expiry
// (free), EF 0002 (16-byte key reference, free), key 0019 (not simulated), PIN 001C.
Application BuildCommonApplication(const CardProfile& profile);

// GET DATA objects answered at MF level (spec §7.4): 0045 card serial, 00F0 municipality code,
// 00F2 expiry (ASCII digits), 5F51 the contact ATR without TS.
std::map<std::uint16_t, Bytes> MfDataObjects(const CardProfile& profile);

}  // namespace sekisho::card::sim
