#include "server/policy_publisher.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <utility>

#include "base/digest.h"
#include "snapshot/header.h"
#include "snapshot/signed.h"
#include "snapshot/snapshot_codec.h"

namespace sekisho::server {
namespace {

// The content's identity: SHA-256 of its canonical encoding (docs/formats/snapshot.md §5) at
// `version`, under a fixed header, so equal policies hash equal across restarts.
Result<Bytes> ContentHash(policy::Snapshot content, std::uint64_t version) {
  content.version = version;
  snapshot::Header header;
  header.gate_id = 1;
  ASSIGN_OR_RETURN(const Bytes encoded, snapshot::EncodeSnapshot(header, content));
  return Sha256(encoded);
}

policy::UnixSeconds Seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<std::unique_ptr<PolicyPublisher>> PolicyPublisher::Create(GateStore& store,
                                                                 store::OrganisationId org,
                                                                 Ed25519PrivateKey key,
                                                                 const Clock& clock,
                                                                 const Options& options) {
  if (options.history == 0) {
    return InvalidArgumentError("policy publisher: a history of at least one delta is needed");
  }
  ASSIGN_OR_RETURN(PublishedPolicy published, store.GetPublishedPolicy(org));
  return std::unique_ptr<PolicyPublisher>(
      new PolicyPublisher(store, org, std::move(key), clock, options, std::move(published)));
}

Result<std::uint64_t> PolicyPublisher::Publish(policy::Snapshot content) {
  std::lock_guard publish_lock(publish_mutex_);
  std::optional<policy::Snapshot> previous;
  PublishedPolicy published;
  {
    std::lock_guard lock(mutex_);
    previous = current_;
    published = published_;
  }
  if (previous) {
    content.version = previous->version;
    if (content == *previous) return published.version;
  } else if (published.version != 0) {
    // After a restart: the content published before it is known only by its hash.
    ASSIGN_OR_RETURN(const Bytes hash, ContentHash(content, published.version));
    if (hash == published.content_sha256) {
      content.version = published.version;
      std::lock_guard lock(mutex_);
      current_ = std::move(content);
      spdlog::info("policy version {} of organisation {} resumed after a restart",
                   published.version, org_.value());
      return published.version;
    }
  }

  const std::uint64_t version = published.version + 1;
  content.version = version;
  ASSIGN_OR_RETURN(Bytes hash, ContentHash(content, version));
  std::optional<snapshot::Delta> delta;
  if (previous) {
    ASSIGN_OR_RETURN(delta, snapshot::Diff(*previous, content));
  }
  // Persisted first: once any gate may have seen `version`, the server never issues it again.
  const PublishedPolicy next{version, std::move(hash)};
  RETURN_IF_ERROR(store_.SetPublishedPolicy(org_, next)
                      .WithContext("publishing policy version " + std::to_string(version)));
  {
    std::lock_guard lock(mutex_);
    published_ = next;
    current_ = std::move(content);
    if (delta) {
      deltas_.push_back(std::move(*delta));
      while (deltas_.size() > options_.history) deltas_.pop_front();
    } else {
      deltas_.clear();
    }
  }
  spdlog::info("policy version {} of organisation {} published", version, org_.value());
  std::vector<Subscriber> subscribers;
  {
    std::lock_guard lock(subscribers_mutex_);
    for (const auto& [handle, subscriber] : subscribers_) subscribers.push_back(subscriber);
  }
  for (const Subscriber& subscriber : subscribers) subscriber(version);
  return version;
}

Result<PolicyPublisher::CatchUpMessages> PolicyPublisher::CatchUp(
    gate::GateId gate, std::uint64_t gate_version) const {
  std::lock_guard lock(mutex_);
  CatchUpMessages result{gate_version, {}};
  std::vector<sync::Message>& messages = result.messages;
  if (!current_) {
    if (gate_version > published_.version) {
      return FailedPreconditionError("gate " + std::to_string(gate) + " holds policy version " +
                                     std::to_string(gate_version) + ", newer than the published " +
                                     std::to_string(published_.version) +
                                     ": the server's files are older than the gate's");
    }
    return result;
  }
  const std::uint64_t version = current_->version;
  if (gate_version == version) return result;
  result.version = version;
  if (gate_version > version) {
    return FailedPreconditionError("gate " + std::to_string(gate) + " holds policy version " +
                                   std::to_string(gate_version) + ", newer than the published " +
                                   std::to_string(version) +
                                   ": the server's files are older than the gate's");
  }
  const policy::UnixSeconds now = Seconds(clock_.Now());
  std::size_t first = deltas_.size();
  for (std::size_t i = 0; i < deltas_.size(); ++i) {
    if (deltas_[i].base_version == gate_version) {
      first = i;
      break;
    }
  }
  if (gate_version != 0 && first < deltas_.size()) {
    for (std::size_t i = first; i < deltas_.size(); ++i) {
      ASSIGN_OR_RETURN(Bytes signed_delta, snapshot::SignDelta(key_, gate, now, deltas_[i]));
      messages.push_back(sync::DeltaMessage{std::move(signed_delta)});
    }
    return result;
  }
  ASSIGN_OR_RETURN(Bytes signed_snapshot, snapshot::SignSnapshot(key_, gate, now, *current_));
  messages.push_back(sync::SnapshotMessage{std::move(signed_snapshot)});
  return result;
}

int PolicyPublisher::Subscribe(Subscriber subscriber) {
  std::lock_guard lock(subscribers_mutex_);
  const int handle = next_handle_++;
  subscribers_.emplace(handle, std::move(subscriber));
  return handle;
}

void PolicyPublisher::Unsubscribe(int handle) {
  // Waits for a publish in progress, so the subscriber is not running when this returns.
  std::lock_guard publish_lock(publish_mutex_);
  std::lock_guard lock(subscribers_mutex_);
  subscribers_.erase(handle);
}

std::uint64_t PolicyPublisher::version() const {
  std::lock_guard lock(mutex_);
  return published_.version;
}

std::optional<policy::Snapshot> PolicyPublisher::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace sekisho::server
