// Test support for the integration tests through the real pcscd: a card inserted into the vpcd
// virtual reader by a VpcdLink served on its own thread, and the check that pcscd is reachable.
#pragma once

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "base/result.h"
#include "card/pcsc/pcsc_context.h"
#include "card/virtual_card.h"
#include "card/vpcd/vpcd_link.h"

namespace sekisho::integration {

// /etc/reader.conf.d/vpcd: the driver's first reader and its port.
inline constexpr char kReader[] = "Virtual PCD 00 00";
inline constexpr char kSecondReader[] = "Virtual PCD 00 01";
inline constexpr std::uint16_t kVpcdPort = 35963;
// Long enough for pcscd's 400 ms presence polling, short enough to end a hung test.
inline constexpr std::chrono::milliseconds kCardEventTimeout{10000};

// A PC/SC context when pcscd is reachable and the vpcd reader exists. Otherwise an error saying
// so; the caller skips the test, or fails it when SEKISHO_REQUIRE_PCSCD=1 (PcscdRequired()).
Result<std::unique_ptr<card::pcsc::PcscContext>> ConnectToPcscd();
bool PcscdRequired();

// In a test fixture's SetUp: the context, or GTEST_SKIP / FAIL with the reason.
#define SEKISHO_CONNECT_TO_PCSCD_OR_SKIP(context)                                     \
  do {                                                                                \
    auto sekisho_ctx_ = ::sekisho::integration::ConnectToPcscd();                     \
    if (!sekisho_ctx_.ok()) {                                                         \
      if (::sekisho::integration::PcscdRequired()) {                                  \
        FAIL() << "SEKISHO_REQUIRE_PCSCD=1 but " << sekisho_ctx_.status().ToString(); \
      }                                                                               \
      GTEST_SKIP() << sekisho_ctx_.status().ToString()                                \
                   << " (run this test under scripts/with-pcscd.sh)";                 \
    }                                                                                 \
    context = std::move(sekisho_ctx_).value();                                        \
  } while (0)

// A card in the virtual reader: a VpcdLink serving `card` on a thread of its own. The card must
// outlive this object and must not be used by the test while the link serves it.
class InsertedCard {
 public:
  // Connects to the driver and starts serving. Connect's errors.
  static Result<std::unique_ptr<InsertedCard>> Insert(card::VirtualCard& card,
                                                      std::uint16_t port = kVpcdPort);
  ~InsertedCard();  // Remove()

  // Pulls the card out: stops the link and waits for its thread. Returns what Serve returned
  // (the first call; later calls return OK).
  Status Remove();

  // Setting it has the link close the connection before it reads the next frame: a card pulled
  // out while a command is on its way (see RemovingCard).
  std::atomic<bool>& stop_flag() { return stop_; }

 private:
  InsertedCard() = default;

  std::unique_ptr<card::vpcd::VpcdLink> link_;
  std::atomic<bool> stop_{false};
  std::future<Status> served_;
};

// Forwards to another card and, after answering `commands` command APDUs, sets `stop` (the
// InsertedCard's stop_flag): the card leaves the reader in the middle of the client's work.
class RemovingCard : public card::VirtualCard {
 public:
  RemovingCard(card::VirtualCard& inner, int commands) : inner_(inner), left_(commands) {}
  void SetStop(std::atomic<bool>* stop) { stop_ = stop; }

  Bytes Atr() const override { return inner_.Atr(); }
  void PowerOn() override { inner_.PowerOn(); }
  void PowerOff() override { inner_.PowerOff(); }
  void Reset() override { inner_.Reset(); }
  Bytes Process(ByteView command) override {
    Bytes response = inner_.Process(command);
    if (--left_ == 0 && stop_ != nullptr) stop_->store(true);
    return response;
  }

 private:
  card::VirtualCard& inner_;
  std::atomic<int> left_;
  std::atomic<bool>* stop_ = nullptr;
};

}  // namespace sekisho::integration
