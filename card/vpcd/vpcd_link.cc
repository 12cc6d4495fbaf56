#include "card/vpcd/vpcd_link.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "base/log.h"
#include "base/secret.h"
#include "card/vpcd/vpcd_frame.h"

namespace sekisho::card::vpcd {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kRetryInterval = std::chrono::milliseconds(100);
// How often Serve looks at `stop` while the driver is silent.
constexpr int kPollMillis = 50;

std::string ErrnoText(int err) { return std::strerror(err); }

std::string Advice(const std::string& peer) {
  return "is pcscd running with the vsmartcard vpcd driver (/etc/reader.conf.d/vpcd) listening "
         "on " +
         peer + "? Start it with `pcscd --foreground` or scripts/with-pcscd.sh";
}

// One non-blocking connect bounded by `budget`. Returns the connected socket (non-blocking) or
// -1 with `err` set.
int ConnectOnce(const addrinfo& ai, std::chrono::milliseconds budget, int& err) {
  const int fd =
      socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) {
    err = errno;
    return -1;
  }
  if (connect(fd, ai.ai_addr, ai.ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS) {
    err = errno;
    close(fd);
    return -1;
  }
  pollfd pfd{fd, POLLOUT, 0};
  const int timeout = static_cast<int>(std::max<std::int64_t>(budget.count(), 1));
  int ready;
  do {
    ready = poll(&pfd, 1, timeout);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) {
    err = ready == 0 ? ETIMEDOUT : errno;
    close(fd);
    return -1;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0) {
    err = so_error != 0 ? so_error : errno;
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<VpcdLink>> VpcdLink::Connect(const VpcdOptions& options) {
  const std::string peer = options.host + ":" + std::to_string(options.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.port);
  const int gai = getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found);
  if (gai != 0) {
    const std::string why =
        "vpcd host '" + options.host + "' does not resolve: " + gai_strerror(gai);
    // EAI_AGAIN: the resolver itself is unreachable for now.
    if (gai == EAI_AGAIN) return UnavailableError(why);
    return NotFoundError(why);
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);

  const auto deadline = Clock::now() + options.connect_timeout;
  int last_error = 0;
  int attempts = 0;
  for (;;) {
    ++attempts;
    for (const addrinfo* ai = addresses.get(); ai != nullptr; ai = ai->ai_next) {
      const auto budget =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      const int fd = ConnectOnce(*ai, std::max(budget, std::chrono::milliseconds(1)), last_error);
      if (fd < 0) continue;
      const int one = 1;
      // Frames are small request/answer pairs; do not let Nagle hold them back.
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      spdlog::debug("vpcd: connected to the driver at {} after {} attempt(s)", peer, attempts);
      return std::unique_ptr<VpcdLink>(new VpcdLink(fd, peer));
    }
    const auto now = Clock::now();
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::min<Clock::duration>(kRetryInterval, deadline - now));
  }
  const std::string why =
      "could not connect to the vpcd driver at " + peer + " (" + ErrnoText(last_error) + ")";
  if (options.connect_timeout.count() <= 0) return UnavailableError(why + "; " + Advice(peer));
  return DeadlineExceededError(why + " within " + std::to_string(options.connect_timeout.count()) +
                               " ms, " + std::to_string(attempts) + " attempts; " + Advice(peer));
}

std::unique_ptr<VpcdLink> VpcdLink::Adopt(int fd, std::string peer) {
  return std::unique_ptr<VpcdLink>(new VpcdLink(fd, std::move(peer)));
}

VpcdLink::~VpcdLink() { Close(); }

void VpcdLink::Close() {
  if (fd_ < 0) return;
  shutdown(fd_, SHUT_RDWR);
  close(fd_);
  fd_ = -1;
}

Result<std::size_t> VpcdLink::ReadFully(std::span<std::uint8_t> out,
                                        const std::atomic<bool>& stop) {
  std::size_t got = 0;
  while (got < out.size()) {
    if (stop.load()) return got;
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, kPollMillis);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return UnavailableError("vpcd link to " + peer_ + ": poll failed: " + ErrnoText(errno));
    }
    if (ready == 0) continue;
    const ssize_t n = recv(fd_, out.data() + got, out.size() - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
      // The driver (vsmartcard 3.3, Debian 12) sends a frame's length and body with two send()s
      // and Nagle's algorithm on, so the body waits for our ACK of the length. Acknowledge at
      // once rather than after the delayed-ACK timer (40 ms per command otherwise); the kernel
      // clears the flag again by itself, hence after every read.
      const int one = 1;
      setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
      continue;
    }
    if (n == 0) return got;  // orderly close by the driver
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
    if (errno == ECONNRESET) return got;
    return UnavailableError("vpcd link to " + peer_ + ": recv failed: " + ErrnoText(errno));
  }
  return got;
}

Status VpcdLink::WriteFrame(ByteView payload, bool& closed) {
  // The driver reads a frame body with recv(MSG_WAITALL), which blocks on a zero length until
  // more data comes: an empty frame would hang pcscd's reader thread (and this link with it).
  if (payload.empty()) {
    return InternalError("vpcd link to " + peer_ +
                         ": the card gave an empty answer, which the driver cannot receive");
  }
  ASSIGN_OR_RETURN(Bytes frame, EncodeFrame(payload));
  std::size_t sent = 0;
  while (sent < frame.size()) {
    const ssize_t n = send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd pfd{fd_, POLLOUT, 0};
      if (poll(&pfd, 1, kPollMillis) < 0 && errno != EINTR) {
        return UnavailableError("vpcd link to " + peer_ + ": poll failed: " + ErrnoText(errno));
      }
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET) {
      closed = true;
      return OkStatus();
    }
    return UnavailableError("vpcd link to " + peer_ + ": send failed: " + ErrnoText(errno));
  }
  return OkStatus();
}

Status VpcdLink::Serve(VirtualCard& card, const std::atomic<bool>& stop) {
  if (fd_ < 0) return FailedPreconditionError("vpcd link to " + peer_ + " is closed");
  // Closes the connection on every way out, so that pcscd sees the card removed.
  struct Closer {
    VpcdLink* link;
    ~Closer() { link->Close(); }
  } closer{this};

  for (;;) {
    std::uint8_t header[kFrameHeaderSize];
    ASSIGN_OR_RETURN(std::size_t got, ReadFully(header, stop));
    if (stop.load()) {
      spdlog::debug("vpcd: stop requested; removing the card from {}", peer_);
      return OkStatus();
    }
    if (got == 0) {
      spdlog::info("vpcd: the driver at {} closed the connection", peer_);
      return OkStatus();
    }
    if (got < kFrameHeaderSize) {
      return DataLossError("vpcd link to " + peer_ + ": the driver closed the connection after " +
                           std::to_string(got) + " of the 2 bytes of a frame header");
    }
    auto decoded = DecodeFrameHeader(header);
    if (!decoded.ok()) {
      return DataLossError("vpcd link to " + peer_ + ": " + decoded.status().message());
    }
    const std::size_t length = *decoded;
    Bytes payload(length);
    // A command may carry a PIN (VERIFY): wipe it however this iteration ends.
    struct Wiper {
      Bytes& bytes;
      ~Wiper() { WipeBytes(bytes); }
    } wiper{payload};
    ASSIGN_OR_RETURN(got, ReadFully(payload, stop));
    if (stop.load()) return OkStatus();
    if (got < length) {
      return DataLossError("vpcd link to " + peer_ + ": the driver closed the connection after " +
                           std::to_string(got) + " of the " + std::to_string(length) +
                           " bytes of a frame");
    }

    bool closed = false;
    const DriverMessage message = ParseDriverMessage(payload);
    if (message.is_control) {
      if (!message.control) {
        spdlog::warn("vpcd: ignoring undefined control message {:02X} from {}", payload[0], peer_);
        continue;
      }
      spdlog::debug("vpcd <- {}", ControlName(*message.control));
      switch (*message.control) {
        case Control::kPowerOff:
          card.PowerOff();
          break;
        case Control::kPowerOn:
          card.PowerOn();
          break;
        case Control::kReset:
          card.Reset();
          break;
        case Control::kGetAtr:
          RETURN_IF_ERROR(WriteFrame(card.Atr(), closed));
          break;
      }
    } else {
      // Log arguments are built even when the level is off: check first.
      const bool debug = spdlog::should_log(spdlog::level::debug);
      if (debug) spdlog::debug("vpcd <- {}", ApduForLog(message.command));
      Bytes response = card.Process(message.command);
      if (debug) spdlog::debug("vpcd -> {}", ResponseForLog(response));
      if (response.size() > kMaxFramePayload) {
        return InternalError(
            "vpcd link to " + peer_ + ": the card answered " + std::to_string(response.size()) +
            " bytes, more than a vpcd frame carries (" + std::to_string(kMaxFramePayload) + ")");
      }
      RETURN_IF_ERROR(WriteFrame(response, closed));
    }
    if (closed) {
      spdlog::info("vpcd: the driver at {} closed the connection", peer_);
      return OkStatus();
    }
  }
}

}  // namespace sekisho::card::vpcd
