// DemoGate: registration, the daemon's thread and the record of its events.
#include "demo/demo_gate.h"

#include <spdlog/spdlog.h>

namespace sekisho::demo {
namespace {

// A door left open this long (at the demo's clock) raises the held-open alarm.
constexpr std::chrono::seconds kHeldOpenLimit{30};

}  // namespace

DemoGate::DemoGate(std::string name, const Clock& clock)
    : name_(std::move(name)), reader_(name_), door_(clock, kHeldOpenLimit) {}

Result<std::unique_ptr<DemoGate>> DemoGate::Start(const gate::RegistrationOptions& registration,
                                                  const std::filesystem::path& dir,
                                                  policy::ObjectId door, std::string name,
                                                  const Clock& clock) {
  std::unique_ptr<DemoGate> g(new DemoGate(std::move(name), clock));
  std::error_code error;
  std::filesystem::create_directories(dir.parent_path(), error);
  if (error) {
    return UnavailableError("cannot create " + dir.parent_path().string() + ": " + error.message());
  }
  RETURN_IF_ERROR(gate::RegisterGate(registration, dir, g->random_).status());
  gate::GateDaemonOptions options;
  options.door = door;
  options.reconnect_min = std::chrono::milliseconds(50);
  options.reconnect_max = std::chrono::milliseconds(500);
  options.reader_options.poll = std::chrono::milliseconds(100);
  DemoGate* self = g.get();
  ASSIGN_OR_RETURN(
      g->daemon_,
      gate::GateDaemon::Open(dir, g->reader_, g->reader_.keypad(), g->door_, clock, g->random_,
                             options, [self](const gate::Event& e) { self->OnEvent(e); }));
  g->thread_ = std::thread([self] {
    const Status status = self->daemon_->Run(self->stop_);
    if (!status.ok()) spdlog::error("gate {} stopped: {}", self->name_, status.ToString());
  });
  return g;
}

DemoGate::~DemoGate() { Stop(); }

void DemoGate::Stop() {
  stop_ = true;
  reader_.Cancel();
  if (thread_.joinable()) thread_.join();
}

void DemoGate::OnEvent(const gate::Event& event) {
  if (event.kind != gate::EventKind::kAccess) return;
  {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  event_added_.notify_all();
}

Status DemoGate::Present(card::VirtualCard& card, std::optional<std::string> pin,
                         std::chrono::milliseconds timeout) {
  return reader_.Present(card, std::move(pin), timeout);
}

Result<policy::Reason> DemoGate::PresentAndWait(card::VirtualCard& card,
                                                std::optional<std::string> pin,
                                                std::chrono::milliseconds timeout) {
  std::lock_guard serial(present_mutex_);
  std::size_t before = 0;
  {
    std::lock_guard lock(mutex_);
    before = events_.size();
  }
  RETURN_IF_ERROR(reader_.Present(card, std::move(pin), timeout));
  std::unique_lock lock(mutex_);
  if (!event_added_.wait_for(lock, timeout, [&] { return events_.size() > before; })) {
    return Status(StatusCode::kDeadlineExceeded, name_ + ": no event recorded for the card");
  }
  const gate::Event& event = events_[before];
  if (!event.reason) return InternalError(name_ + ": the event of the card has no reason");
  return *event.reason;
}

std::vector<gate::Event> DemoGate::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace sekisho::demo
