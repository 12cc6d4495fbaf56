#include "card/vpcd/vpcd_link.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <optional>
#include <thread>

#include "base/status_matchers.h"
#include "base/test_hex.h"
#include "card/vpcd/vpcd_frame.h"

namespace sekisho::card::vpcd {
namespace {

using ::sekisho::testing::IsOk;
using ::sekisho::testing::StatusIs;
using ::testing::HasSubstr;

using ::sekisho::testing::H;

// A card that records what the link delivers: answers a command with its reversed bytes + 9000.
class RecordingCard : public VirtualCard {
 public:
  Bytes Atr() const override { return H("3BE000FF8131FE4514"); }
  void PowerOn() override { ++power_on; }
  void PowerOff() override { ++power_off; }
  void Reset() override { ++reset; }
  Bytes Process(ByteView command) override {
    commands.emplace_back(command.begin(), command.end());
    if (answer) return *answer;
    Bytes r(command.rbegin(), command.rend());
    r.push_back(0x90);
    r.push_back(0x00);
    return r;
  }
  int power_on = 0, power_off = 0, reset = 0;
  std::vector<Bytes> commands;
  std::optional<Bytes> answer;
};

// The driver's side of the protocol: a loopback listener, as vpcd inside pcscd.
class FakeDriver {
 public:
  FakeDriver() {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(listener_, 1), 0);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~FakeDriver() {
    CloseConnection();
    close(listener_);
  }
  std::uint16_t port() const { return port_; }
  VpcdOptions Options() const {
    VpcdOptions o;
    o.port = port_;
    o.connect_timeout = std::chrono::milliseconds(5000);
    return o;
  }
  void Accept() {
    conn_ = accept(listener_, nullptr, nullptr);
    ASSERT_GE(conn_, 0);
  }
  void SendRaw(const Bytes& bytes) {
    ASSERT_EQ(send(conn_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  void SendFrame(const Bytes& payload) { SendRaw(*EncodeFrame(payload)); }
  void SendControl(Control c) { SendFrame({static_cast<std::uint8_t>(c)}); }
  // The next frame, or nullopt when the link closed the connection (or sent nothing for 10 s,
  // which would mean the link hangs).
  std::optional<Bytes> ReadFrame() {
    std::uint8_t header[2];
    if (!ReadExact(header, 2)) return std::nullopt;
    Bytes payload(ReadU16(header[0], header[1]));
    if (!ReadExact(payload.data(), payload.size())) return std::nullopt;
    return payload;
  }
  // True when the link has closed the connection (EOF).
  bool SeesEof() {
    std::uint8_t b;
    return !ReadExact(&b, 1);
  }
  void CloseConnection() {
    if (conn_ >= 0) close(conn_);
    conn_ = -1;
  }

 private:
  bool ReadExact(std::uint8_t* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      pollfd pfd{conn_, POLLIN, 0};
      if (poll(&pfd, 1, 10000) <= 0) return false;
      const ssize_t r = recv(conn_, out + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }

  int listener_ = -1;
  int conn_ = -1;
  std::uint16_t port_ = 0;
};

// A link connected to `driver`, serving `card` on its own thread.
class Served {
 public:
  Served(FakeDriver& driver, VirtualCard& card) {
    auto link = VpcdLink::Connect(driver.Options());
    EXPECT_THAT(link, IsOk());
    link_ = std::move(link).value();
    driver.Accept();
    result_ = std::async(std::launch::async, [this, &card] { return link_->Serve(card, stop_); });
  }
  ~Served() {
    stop_ = true;
    if (result_.valid()) result_.wait();
  }
  void Stop() { stop_ = true; }
  Status Wait() { return result_.get(); }

 private:
  std::unique_ptr<VpcdLink> link_;
  std::atomic<bool> stop_{false};
  std::future<Status> result_;
};

TEST(VpcdLinkTest, AnswersAtrRequestWithTheCardsAtr) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendControl(Control::kGetAtr);
  EXPECT_EQ(driver.ReadFrame(), H("3BE000FF8131FE4514"));
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(), IsOk());
}

TEST(VpcdLinkTest, PowerAndResetReachTheCardAndAreNotAnswered) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  // The sequence pcscd uses when a card appears: power on, then ask for the ATR.
  driver.SendControl(Control::kPowerOff);
  driver.SendControl(Control::kPowerOn);
  driver.SendControl(Control::kReset);
  driver.SendControl(Control::kReset);
  driver.SendControl(Control::kGetAtr);
  // Had the link answered any of the first four, this frame would not be the ATR.
  EXPECT_EQ(driver.ReadFrame(), H("3BE000FF8131FE4514"));
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(), IsOk());
  EXPECT_EQ(card.power_off, 1);
  EXPECT_EQ(card.power_on, 1);
  EXPECT_EQ(card.reset, 2);
  EXPECT_TRUE(card.commands.empty());
}

TEST(VpcdLinkTest, CommandApdusAreProcessedAndAnsweredInOrder) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendFrame(H("00A4040C0AD392F000260100000001"));
  EXPECT_EQ(driver.ReadFrame(), H("0100000001"
                                  "2600F092D3"
                                  "0A0C04A400"
                                  "9000"));
  driver.SendFrame(H("00B0000000"));
  EXPECT_EQ(driver.ReadFrame(), H("000000B000"
                                  "9000"));
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(), IsOk());
  ASSERT_EQ(card.commands.size(), 2u);
  EXPECT_EQ(card.commands[0], H("00A4040C0AD392F000260100000001"));
  EXPECT_EQ(card.commands[1], H("00B0000000"));
}

TEST(VpcdLinkTest, CarriesExtendedLengthFramesBothWays) {
  FakeDriver driver;
  RecordingCard card;
  Bytes big_answer(4000, 0x5A);
  big_answer.push_back(0x90);
  big_answer.push_back(0x00);
  card.answer = big_answer;
  Served served(driver, card);
  Bytes command = H("00D6000000");  // extended Lc = 0x0200 follows
  command.push_back(0x02);
  command.push_back(0x00);
  command.resize(command.size() + 0x200, 0xA5);
  driver.SendFrame(command);
  EXPECT_EQ(driver.ReadFrame(), big_answer);
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(), IsOk());
  ASSERT_EQ(card.commands.size(), 1u);
  EXPECT_EQ(card.commands[0], command);
}

TEST(VpcdLinkTest, UndefinedControlValueIsIgnored) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendFrame(H("03"));
  driver.SendFrame(H("FF"));
  driver.SendControl(Control::kGetAtr);
  EXPECT_EQ(driver.ReadFrame(), H("3BE000FF8131FE4514"));
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(), IsOk());
  EXPECT_EQ(card.power_on + card.power_off + card.reset, 0);
  EXPECT_TRUE(card.commands.empty());
}

TEST(VpcdLinkTest, ZeroLengthFrameIsDataLossAndClosesTheConnection) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendRaw(H("0000"));
  EXPECT_THAT(served.Wait(), StatusIs(StatusCode::kDataLoss, HasSubstr("zero-length frame")));
  EXPECT_TRUE(driver.SeesEof());
}

TEST(VpcdLinkTest, ConnectionClosedInsideAFrameIsDataLoss) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendRaw(H("000A00A404"));  // announces 10 bytes, sends 3
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(),
              StatusIs(StatusCode::kDataLoss, HasSubstr("after 3 of the 10 bytes of a frame")));
  EXPECT_TRUE(card.commands.empty());
}

TEST(VpcdLinkTest, ConnectionClosedInsideAHeaderIsDataLoss) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendRaw(H("00"));
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(), StatusIs(StatusCode::kDataLoss,
                                      HasSubstr("after 1 of the 2 bytes of a frame header")));
}

TEST(VpcdLinkTest, DriverClosingBetweenFramesEndsServeWithOk) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.CloseConnection();
  EXPECT_THAT(served.Wait(), IsOk());
}

TEST(VpcdLinkTest, StopClosesTheConnectionWhichTheDriverSeesAsRemoval) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendControl(Control::kGetAtr);
  ASSERT_TRUE(driver.ReadFrame().has_value());
  served.Stop();
  EXPECT_THAT(served.Wait(), IsOk());
  EXPECT_TRUE(driver.SeesEof());
}

TEST(VpcdLinkTest, StopIsHonouredInTheMiddleOfAFrame) {
  FakeDriver driver;
  RecordingCard card;
  Served served(driver, card);
  driver.SendRaw(H("0010"));  // a header announcing 16 bytes that never come
  served.Stop();
  EXPECT_THAT(served.Wait(), IsOk());
  EXPECT_TRUE(driver.SeesEof());
  EXPECT_TRUE(card.commands.empty());
}

TEST(VpcdLinkTest, AnswerLargerThanAFrameIsInternalError) {
  FakeDriver driver;
  RecordingCard card;
  card.answer = Bytes(kMaxFramePayload + 1, 0x00);
  Served served(driver, card);
  driver.SendFrame(H("00B0000000"));
  EXPECT_THAT(served.Wait(), StatusIs(StatusCode::kInternal, HasSubstr("65536 bytes")));
  EXPECT_TRUE(driver.SeesEof());
}

TEST(VpcdLinkTest, EmptyAnswerClosesTheConnectionInsteadOfSendingAnEmptyFrame) {
  FakeDriver driver;
  RecordingCard card;
  card.answer = Bytes{};
  Served served(driver, card);
  driver.SendFrame(H("00B0000000"));
  EXPECT_THAT(served.Wait(), StatusIs(StatusCode::kInternal, HasSubstr("empty answer")));
  // No frame, only the end of the connection (the driver reads that as a removal).
  EXPECT_TRUE(driver.SeesEof());
}

class NoAtrCard : public RecordingCard {
 public:
  Bytes Atr() const override { return {}; }
};

TEST(VpcdLinkTest, EmptyAtrClosesTheConnection) {
  FakeDriver driver;
  NoAtrCard card;
  Served served(driver, card);
  driver.SendControl(Control::kGetAtr);
  EXPECT_THAT(served.Wait(), StatusIs(StatusCode::kInternal));
  EXPECT_TRUE(driver.SeesEof());
}

TEST(VpcdLinkTest, ServeAfterCloseIsFailedPrecondition) {
  FakeDriver driver;
  auto link = VpcdLink::Connect(driver.Options());
  ASSERT_THAT(link, IsOk());
  driver.Accept();
  (*link)->Close();
  (*link)->Close();  // idempotent
  RecordingCard card;
  std::atomic<bool> stop{false};
  EXPECT_THAT((*link)->Serve(card, stop), StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_TRUE(driver.SeesEof());
}

// A port on which nothing listens: bind an ephemeral port, then release it.
std::uint16_t UnusedPort() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

TEST(VpcdLinkTest, ConnectGivesUpAfterTheTimeoutNamingHostPortAndPcscd) {
  VpcdOptions o;
  o.port = UnusedPort();
  o.connect_timeout = std::chrono::milliseconds(250);
  auto link = VpcdLink::Connect(o);
  EXPECT_THAT(link, StatusIs(StatusCode::kDeadlineExceeded,
                             HasSubstr("127.0.0.1:" + std::to_string(o.port))));
  EXPECT_THAT(link.status().message(), HasSubstr("pcscd"));
  EXPECT_THAT(link.status().message(), HasSubstr("vpcd driver"));
}

TEST(VpcdLinkTest, ConnectWithZeroTimeoutTriesOnceAndIsUnavailable) {
  VpcdOptions o;
  o.port = UnusedPort();
  o.connect_timeout = std::chrono::milliseconds(0);
  EXPECT_THAT(VpcdLink::Connect(o), StatusIs(StatusCode::kUnavailable, HasSubstr("pcscd")));
}

TEST(VpcdLinkTest, ConnectRetriesUntilTheDriverListens) {
  // Reserve a port, then open the listener on it only after Connect has started retrying.
  const std::uint16_t port = UnusedPort();
  std::promise<void> listening;
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(s, 1);
    const int c = accept(s, nullptr, nullptr);
    close(c);
    close(s);
  });
  VpcdOptions o;
  o.port = port;
  o.connect_timeout = std::chrono::milliseconds(10000);
  auto link = VpcdLink::Connect(o);
  late.join();
  EXPECT_THAT(link, IsOk());
}

TEST(VpcdLinkTest, UnresolvableHostIsNotFound) {
  VpcdOptions o;
  o.host = "no-such-host.invalid";
  o.connect_timeout = std::chrono::milliseconds(0);
  EXPECT_THAT(VpcdLink::Connect(o), StatusIs(StatusCode::kNotFound, HasSubstr("no-such-host")));
}

}  // namespace
}  // namespace sekisho::card::vpcd
