// Which hosts count as "this machine": plain (unencrypted) HTTP and WebSocket are allowed only to
// and from these.
#pragma once

#include <string_view>

namespace sekisho::net {

// True for "localhost" (any case), an IPv4 address in 127.0.0.0/8 (RFC 1122 §3.2.1.3), "::1"
// and an IPv4-mapped IPv6 loopback address ("::ffff:127.0.0.1"). Host names other than
// "localhost" are never resolved and are not loopback.
bool IsLoopbackHost(std::string_view host);

}  // namespace sekisho::net
