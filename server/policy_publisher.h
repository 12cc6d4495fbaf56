// PolicyPublisher: the organisation's current policy as the server ships it to gates (DESIGN.md
// §5 "Lost card", §6): each publish gets the next version (persisted in the gate store before
// anything is sent, so versions never go back across a restart), the last deltas are kept, and
// any gate is brought to the current version with signed deltas or one full snapshot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "base/ed25519.h"
#include "base/result.h"
#include "gate/event.h"
#include "policy/model.h"
#include "server/gate_store.h"
#include "snapshot/delta.h"
#include "sync/message.h"

namespace sekisho::server {

struct PolicyPublisherOptions {
  // Deltas kept: a gate that is at most this many versions behind gets deltas, one further
  // behind a full snapshot.
  std::size_t history = 64;
  // The rollover chain that leads gates to `key` from the earlier snapshot keys they may trust
  // (server/snapshot_keys.h); none before the key was first rotated.
  std::optional<sync::KeyChain> key_chain;
};

// Thread-safe. Publishes are serialised; subscribers are called in publish order.
class PolicyPublisher {
 public:
  using Options = PolicyPublisherOptions;
  // Called after each publish that changed the version, with the new version.
  using Subscriber = std::function<void(std::uint64_t version)>;

  // For `org`, signing with its snapshot key `key`; `store` holds the published version and
  // `clock` stamps the issue times; both must outlive the publisher. Starts with the store's
  // version and no content: until the first Publish, gates are sent nothing.
  // kInvalidArgument when options.history is 0; the store's errors.
  static Result<std::unique_ptr<PolicyPublisher>> Create(GateStore& store,
                                                         store::OrganisationId org,
                                                         Ed25519PrivateKey key, const Clock& clock,
                                                         const Options& options = {});

  // Makes `content` (its version field is ignored) the current policy and returns its version:
  //  - the current version when the content is the current one, or (first publish after a
  //    restart) the one last published before the restart: nothing is sent;
  //  - otherwise the previous version + 1, stored in the gate store (synced) before the delta is
  //    kept and the subscribers are called.
  // kInvalidArgument when snapshot::EncodeSnapshot refuses the content (policy::Validate); the
  // store's errors (nothing changes then).
  Result<std::uint64_t> Publish(policy::Snapshot content);

  struct CatchUpMessages {
    std::uint64_t version = 0;            // what the gate holds once it applied them all
    std::vector<sync::Message> messages;  // kDelta or kSnapshot messages, in order
  };
  // The messages that bring `gate`, which holds `gate_version`, to the current version: none when
  // it is current or nothing was published yet; the chain of deltas when its version is one the
  // kept deltas start from; else one full snapshot. Each is signed for `gate`.
  // kFailedPrecondition when the gate holds a version above the current one (the server's files
  // are older than the gate's policy; the gate would refuse everything it is sent).
  Result<CatchUpMessages> CatchUp(gate::GateId gate, std::uint64_t gate_version) const;

  // Calls `subscriber` after every publish that changed the version; returns a handle for
  // Unsubscribe. The subscriber must not call Publish, Subscribe or Unsubscribe.
  int Subscribe(Subscriber subscriber);
  // Once it returns, the subscriber is not running and is never called again.
  void Unsubscribe(int handle);

  // The current version (0 before anything was published).
  std::uint64_t version() const;
  store::OrganisationId org() const { return org_; }
  // options.key_chain: sent to every gate right after its hello.
  const std::optional<sync::KeyChain>& key_chain() const { return options_.key_chain; }
  // The current content, when there is one.
  std::optional<policy::Snapshot> current() const;

 private:
  PolicyPublisher(GateStore& store, store::OrganisationId org, Ed25519PrivateKey key,
                  const Clock& clock, const Options& options, PublishedPolicy published)
      : store_(store),
        org_(org),
        key_(std::move(key)),
        clock_(clock),
        options_(options),
        published_(std::move(published)) {}

  GateStore& store_;
  const store::OrganisationId org_;
  const Ed25519PrivateKey key_;
  const Clock& clock_;
  const Options options_;

  // Serialises Publish and the subscriber calls; taken before mutex_, never after.
  std::mutex publish_mutex_;
  std::map<int, Subscriber> subscribers_;  // guarded by subscribers_mutex_
  int next_handle_ = 1;
  std::mutex subscribers_mutex_;

  mutable std::mutex mutex_;  // guards what follows
  PublishedPolicy published_;
  std::optional<policy::Snapshot> current_;  // version == published_.version when present
  std::deque<snapshot::Delta> deltas_;       // consecutive, the newest last
};

}  // namespace sekisho::server
