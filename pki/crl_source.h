// Where CRLs come from: a file (PEM or DER) or an http:// URL (RFC 5280 §4.2.1.13 distribution
// points, RFC 2585 §3 for the HTTP transfer). Nothing here judges the CRL: see crl_check.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "pki/crl.h"

namespace sekisho::pki {

inline constexpr std::size_t kDefaultMaxCrlSize = std::size_t{64} << 20;  // 64 MiB
inline constexpr std::chrono::milliseconds kDefaultCrlFetchTimeout{10'000};

// A CRL in either encoding, told apart by content: PEM if the first non-whitespace bytes are
// "-----BEGIN" (the first "BEGIN X509 CRL" block is used), DER otherwise.
// kDataLoss "not a CRL: <reason>" for anything else.
Result<Crl> ParseCrl(ByteView data);

// Reads and parses a CRL file (ParseCrl). kNotFound if it does not exist; kInvalidArgument
// "CRL larger than SIZE" beyond `max_size`; kDataLoss naming the file if it is not a CRL;
// kUnavailable for other I/O errors.
Result<Crl> LoadCrlFile(const std::filesystem::path& path,
                        std::size_t max_size = kDefaultMaxCrlSize);

struct FetchOptions {
  // For the whole fetch: connecting, sending and receiving. Name resolution runs in the system
  // resolver and may overrun it by the resolver's own timeout (resolv.conf); a literal IP address
  // needs none.
  std::chrono::milliseconds timeout = kDefaultCrlFetchTimeout;
  std::size_t max_size = kDefaultMaxCrlSize;  // of the response body
};

// GETs `http_url` ("http://host[:port]/path", HTTP/1.1, Connection: close) and parses the body
// (ParseCrl). Only http://: a CRL is signed by its issuer, so the transport need not be trusted
// (RFC 5280 §4.2.1.13; JPKI CRLs reach a relying party through its platform operator's own
// arrangements, republished at an internal http:// URL; docs/pki.md). Redirects are not followed.
// Errors, each naming the URL:
//   kInvalidArgument    not an http:// URL (https:// included), userinfo, bad port or
//                       characters; a body larger than max_size ("CRL larger than 64 MiB").
//   kUnavailable        the host does not resolve, the connection is refused or breaks, or the
//                       server answers 5xx (retry later).
//   kDeadlineExceeded   the timeout ran out.
//   kNotFound           HTTP 404 or 410.
//   kFailedPrecondition a redirect (3xx, with the target to configure) or another non-200 status.
//   kDataLoss           the response is not HTTP, or its body is not a CRL.
Result<Crl> FetchCrl(std::string_view http_url, const FetchOptions& options = {});

}  // namespace sekisho::pki
