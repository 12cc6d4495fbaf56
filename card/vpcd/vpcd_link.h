// VpcdLink: the card side of the vsmartcard vpcd protocol. A TCP client that connects to the
// vpcd reader driver inside pcscd and serves a VirtualCard to it, so that PC/SC applications see
// the card in the reader "Virtual PCD 00 00" (../shared/spec/pcsc-virtual-reader.md).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/result.h"
#include "card/virtual_card.h"

namespace sekisho::card::vpcd {

struct VpcdOptions {
  std::string host = "127.0.0.1";
  // 35963 is the reader "Virtual PCD 00 00", 35964 "Virtual PCD 00 01" (/etc/reader.conf.d/vpcd).
  std::uint16_t port = 35963;
  // Connecting is retried until then: pcscd may still be loading the driver.
  std::chrono::milliseconds connect_timeout{10000};
};

// Thread safety: Serve runs on one thread; `stop` may be set from any other. Close() must not
// run concurrently with Serve() (set `stop` instead).
class VpcdLink {
 public:
  // Connects to the driver, retrying every 100 ms until options.connect_timeout.
  // kDeadlineExceeded when the driver did not accept within the timeout, kUnavailable when a
  // zero timeout's single attempt failed (both name host:port and suggest checking that pcscd
  // runs with the vpcd driver); kNotFound when the host name does not resolve
  // (kUnavailable when the resolver is unreachable).
  static Result<std::unique_ptr<VpcdLink>> Connect(const VpcdOptions& options);
  // A link over a stream socket already connected to the driver (one end of a socketpair, or a
  // socket handed over by a service manager); takes ownership of `fd`. `peer` names the driver
  // in messages.
  static std::unique_ptr<VpcdLink> Adopt(int fd, std::string peer);
  ~VpcdLink();  // Close()
  VpcdLink(const VpcdLink&) = delete;
  VpcdLink& operator=(const VpcdLink&) = delete;

  // Inserts `card` into the virtual reader and answers the driver until one of:
  //   - the driver closes the connection (pcscd stopped): OkStatus();
  //   - `stop` becomes true (checked at least every 50 ms): the connection is closed, which
  //     pcscd sees as a card removal; OkStatus();
  //   - the driver breaks the protocol: the connection is closed and kDataLoss says how (a
  //     zero-length frame, or a connection closed in the middle of a frame);
  //   - the card gives an answer or ATR that a frame cannot carry: kInternal, the connection
  //     closed. That is more than 65535 bytes, or nothing at all: the driver blocks for ever
  //     reading an empty frame, so a removal is the only safe way to report a mute card;
  //   - a socket error: kUnavailable.
  // Control messages (vpcd_frame.h) call the card's PowerOff/PowerOn/Reset, or are answered
  // with its ATR; an undefined control value is logged and ignored, since the driver expects no
  // answer to it (it never sends one). Every other frame is a command APDU, answered with
  // card.Process(). Command buffers are wiped after use (a VERIFY carries a PIN). Only headers
  // and lengths are logged (debug level). kFailedPrecondition after Close().
  Status Serve(VirtualCard& card, const std::atomic<bool>& stop);

  // Closes the connection (a card removal for pcscd). Idempotent.
  void Close();

  // "127.0.0.1:35963".
  const std::string& peer() const { return peer_; }

 private:
  VpcdLink(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}

  // Reads until `out` is full and returns how many bytes arrived: fewer when the driver closed
  // the connection or `stop` became true first.
  Result<std::size_t> ReadFully(std::span<std::uint8_t> out, const std::atomic<bool>& stop);
  // Sends one frame. kInternal for an empty payload, kUnavailable on a socket error; `closed`
  // is set when the peer has gone.
  Status WriteFrame(ByteView payload, bool& closed);

  int fd_;
  std::string peer_;
};

}  // namespace sekisho::card::vpcd
