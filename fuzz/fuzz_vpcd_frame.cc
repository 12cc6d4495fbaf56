// libFuzzer target for the vpcd protocol's frame decoding (card/vpcd/vpcd_frame.h) and the link
// that runs it (VpcdLink::Serve): the input is the byte stream the driver sends. A model splits
// it into frames with DecodeFrameHeader/ParseDriverMessage; Serve, fed the same stream through a
// socketpair, must make exactly the card calls the model predicts, answer with exactly the
// predicted frames, and end as predicted (OK at a frame boundary, kDataLoss for a zero-length
// or cut frame, kInternal for an empty card answer).
#include <fcntl.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "base/bytes.h"
#include "card/virtual_card.h"
#include "card/vpcd/vpcd_frame.h"
#include "card/vpcd/vpcd_link.h"

namespace {

using sekisho::Bytes;
using sekisho::ByteView;
using sekisho::StatusCode;
using sekisho::card::vpcd::Control;
using sekisho::card::vpcd::DecodeFrameHeader;
using sekisho::card::vpcd::DriverMessage;
using sekisho::card::vpcd::EncodeFrame;
using sekisho::card::vpcd::kFrameHeaderSize;
using sekisho::card::vpcd::kMaxFramePayload;
using sekisho::card::vpcd::ParseControl;
using sekisho::card::vpcd::ParseDriverMessage;
using sekisho::card::vpcd::VpcdLink;

// Small enough for the socket buffers to take the whole stream, and every answer to it, before
// anyone reads: Serve runs alone on this thread. (A socket buffer is charged about 1 KiB for each
// small write, hence the limit on answers; a longer stream is cut after the last one.)
constexpr std::size_t kMaxInput = 8192;
constexpr std::size_t kMaxAnswers = 64;
const Bytes kAtr = {0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14};

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_vpcd_frame: %s\n", what);
    std::abort();
  }
}

// The card's answer to a command: its first bytes reversed and 9000; nothing at all (which the
// link must refuse to frame) when the command starts with EE.
Bytes Answer(ByteView command) {
  if (!command.empty() && command[0] == 0xEE) return {};
  const std::size_t n = std::min<std::size_t>(command.size(), 16);
  Bytes answer(command.begin(), command.begin() + static_cast<std::ptrdiff_t>(n));
  std::reverse(answer.begin(), answer.end());
  answer.insert(answer.end(), {0x90, 0x00});
  return answer;
}

// What the card saw: "on", "off", "reset", "atr", or the command's bytes prefixed with "apdu".
class RecordingCard : public sekisho::card::VirtualCard {
 public:
  Bytes Atr() const override {
    calls.push_back(Bytes{'a', 't', 'r'});
    return kAtr;
  }
  void PowerOn() override { calls.push_back(Bytes{'o', 'n'}); }
  void PowerOff() override { calls.push_back(Bytes{'o', 'f', 'f'}); }
  void Reset() override { calls.push_back(Bytes{'r', 's', 't'}); }
  Bytes Process(ByteView command) override {
    calls.push_back(Call(command));
    return Answer(command);
  }
  static Bytes Call(ByteView command) {
    Bytes call{'a', 'p', 'd', 'u'};
    sekisho::Append(call, command);
    return call;
  }
  mutable std::vector<Bytes> calls;
};

struct Prediction {
  std::vector<Bytes> calls;
  std::vector<Bytes> answers;      // frame payloads the link sends back
  std::vector<std::size_t> after;  // for each answer, where the frame it answers ends
  StatusCode end = StatusCode::kOk;
};

// The model: the stream split into frames with the decoding functions alone.
Prediction Predict(ByteView stream) {
  Prediction p;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    if (stream.size() - pos < kFrameHeaderSize) {
      p.end = StatusCode::kDataLoss;  // cut inside a header
      return p;
    }
    auto length = DecodeFrameHeader(
        std::span<const std::uint8_t, kFrameHeaderSize>(stream.data() + pos, kFrameHeaderSize));
    if (!length.ok()) {
      Check(length.status().code() == StatusCode::kDataLoss, "bad header is not kDataLoss");
      Check(stream[pos] == 0 && stream[pos + 1] == 0, "a non-zero length refused");
      p.end = StatusCode::kDataLoss;
      return p;
    }
    Check(*length >= 1 && *length <= kMaxFramePayload, "length out of range");
    if (stream.size() - pos - kFrameHeaderSize < *length) {
      p.end = StatusCode::kDataLoss;  // cut inside a payload
      return p;
    }
    const ByteView frame = stream.subspan(pos, kFrameHeaderSize + *length);
    const ByteView payload = frame.subspan(kFrameHeaderSize);
    auto encoded = EncodeFrame(payload);
    Check(encoded.ok() && std::equal(encoded->begin(), encoded->end(), frame.begin(), frame.end()),
          "EncodeFrame does not give back the frame");
    const DriverMessage message = ParseDriverMessage(payload);
    Check(message.is_control == (payload.size() == 1), "control iff one byte");
    if (message.is_control) {
      Check(message.control == ParseControl(payload[0]), "control value");
      if (message.control == Control::kPowerOn) p.calls.push_back(Bytes{'o', 'n'});
      if (message.control == Control::kPowerOff) p.calls.push_back(Bytes{'o', 'f', 'f'});
      if (message.control == Control::kReset) p.calls.push_back(Bytes{'r', 's', 't'});
      if (message.control == Control::kGetAtr) {
        p.calls.push_back(Bytes{'a', 't', 'r'});
        p.answers.push_back(kAtr);
        p.after.push_back(pos + frame.size());
      }
    } else {
      Check(message.command.data() == payload.data() && message.command.size() == payload.size(),
            "the command is not the payload");
      p.calls.push_back(RecordingCard::Call(message.command));
      const Bytes answer = Answer(message.command);
      if (answer.empty()) {
        p.end = StatusCode::kInternal;
        return p;
      }
      p.answers.push_back(answer);
      p.after.push_back(pos + frame.size());
    }
    pos += frame.size();
  }
  return p;
}

// Both retry on EINTR: libFuzzer's -timeout interrupts system calls with SIGALRM every second.
bool WriteAll(int fd, ByteView bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

Bytes ReadToEnd(int fd) {
  Bytes out;
  std::uint8_t buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    // A link that stops with input unread (a broken frame) resets the connection once the
    // answers it sent have been read.
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return out;
    Check(n > 0, "recv failed");
    out.insert(out.end(), buffer, buffer + n);
  }
}

}  // namespace

// Every log call formats (at trace level) into a sink that drops the text: the logging of
// fuzzed frames is exercised without flooding the fuzzer's output.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  auto logger = std::make_shared<spdlog::logger>("fuzz_vpcd_frame",
                                                 std::make_shared<spdlog::sinks::null_sink_mt>());
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView stream(data, std::min(size, kMaxInput));
  Prediction predicted = Predict(stream);
  if (predicted.answers.size() > kMaxAnswers) {
    stream = stream.first(predicted.after[kMaxAnswers - 1]);
    predicted = Predict(stream);
    Check(predicted.answers.size() == kMaxAnswers, "the cut stream has another number of answers");
  }

  int fds[2];
  Check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0, "socketpair");
  const int driver = fds[0];
  // The link's end is non-blocking, as after VpcdLink::Connect.
  const int link_fd = fds[1];
  Check(fcntl(link_fd, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
  auto link = VpcdLink::Adopt(link_fd, "fuzz");
  Check(WriteAll(driver, stream), "writing the stream");
  Check(shutdown(driver, SHUT_WR) == 0, "shutdown");
  RecordingCard card;
  const std::atomic<bool> stop{false};
  const sekisho::Status served = link->Serve(card, stop);
  const Bytes sent_back = ReadToEnd(driver);  // Serve closed its end: this ends
  close(driver);

  Check(served.code() == predicted.end, "Serve ended otherwise than predicted");
  Check(card.calls == predicted.calls, "the card saw other calls than predicted");
  // The answers come back as whole frames, in order.
  std::vector<Bytes> answers;
  std::size_t pos = 0;
  while (pos < sent_back.size()) {
    Check(sent_back.size() - pos >= kFrameHeaderSize, "an answer cut inside its header");
    const std::size_t length = sekisho::ReadU16(sent_back[pos], sent_back[pos + 1]);
    Check(length > 0, "an empty answer frame");
    Check(sent_back.size() - pos - kFrameHeaderSize >= length, "an answer cut inside its payload");
    answers.emplace_back(
        sent_back.begin() + static_cast<std::ptrdiff_t>(pos + kFrameHeaderSize),
        sent_back.begin() + static_cast<std::ptrdiff_t>(pos + kFrameHeaderSize + length));
    pos += kFrameHeaderSize + length;
  }
  Check(answers == predicted.answers, "other answers than predicted");
  return 0;
}
