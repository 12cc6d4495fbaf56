#include "tests/integration/virtual_reader.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace sekisho::integration {

bool PcscdRequired() {
  const char* v = std::getenv("SEKISHO_REQUIRE_PCSCD");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

Result<std::unique_ptr<card::pcsc::PcscContext>> ConnectToPcscd() {
  ASSIGN_OR_RETURN(auto context, card::pcsc::PcscContext::Establish());
  ASSIGN_OR_RETURN(std::vector<std::string> readers, context->ListReaders());
  if (std::find(readers.begin(), readers.end(), kReader) == readers.end()) {
    return NotFoundError(std::string("pcscd runs but has no reader '") + kReader +
                         "'; is vsmartcard-vpcd installed (/etc/reader.conf.d/vpcd)?");
  }
  return context;
}

Result<std::unique_ptr<InsertedCard>> InsertedCard::Insert(card::VirtualCard& card,
                                                           std::uint16_t port) {
  card::vpcd::VpcdOptions options;
  options.port = port;
  options.connect_timeout = std::chrono::milliseconds(5000);
  std::unique_ptr<InsertedCard> inserted(new InsertedCard());
  ASSIGN_OR_RETURN(inserted->link_, card::vpcd::VpcdLink::Connect(options));
  InsertedCard* self = inserted.get();
  self->served_ = std::async(std::launch::async,
                             [self, &card] { return self->link_->Serve(card, self->stop_); });
  return inserted;
}

InsertedCard::~InsertedCard() { Remove().IgnoreError(); }

Status InsertedCard::Remove() {
  if (!served_.valid()) return OkStatus();
  stop_ = true;
  return served_.get();
}

}  // namespace sekisho::integration
