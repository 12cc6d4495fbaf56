// What the REST API's routes work with (server/api_routes.h): the registry and the organisation
// the server serves, the users, sessions and login rate limiter, the audit log, the site store,
// the clock and the random source, and the hook that republishes the gates' policy after a
// change.
#pragma once

#include <functional>
#include <string>

#include "base/clock.h"
#include "base/ed25519.h"
#include "base/random.h"
#include "server/auth_rate_limiter.h"
#include "server/auth_sessions.h"
#include "server/auth_user_store.h"
#include "server/erasure_requests.h"
#include "server/event_index.h"
#include "server/locked_audit_log.h"
#include "site/site_store.h"
#include "store/registry.h"
#include "store/types.h"

namespace sekisho::server {

// Every reference must outlive the router built on it. All of them are used from several
// request threads at once: `random` must be thread-safe (OsRandom is).
struct ApiContext {
  store::Registry& registry;
  store::OrganisationId organisation;  // the one organisation this server serves
  UserStore& users;
  SessionStore& sessions;
  LoginRateLimiter& rate_limiter;
  LockedAuditLog& audit_log;
  site::SiteStore& sites;
  const Clock& clock;
  Random& random;
  // Called after every committed write that changes what gates enforce (a credential's or a
  // staff member's status or validity, a site object): the server rebuilds the snapshot and
  // pushes it. Must not throw; may be empty in tools that serve no gates.
  std::function<void()> policy_changed;
  // Send the session cookie with Secure; false only when serving plain HTTP on loopback.
  bool secure_cookie = true;
  // The API version the OpenAPI document states.
  std::string api_version = "1.0.0";
  // The door events of the audit log (server/event_index.h); null in tools that serve none (the
  // /events routes answer 503 then).
  EventIndex* events = nullptr;
  // The audit log's checkpoint key: signs a checkpoint when none covers an event whose proof is
  // asked for, and is published with the proof. Null: event proofs answer 503.
  const Ed25519PrivateKey* checkpoint_key = nullptr;
  // Erasure requests (server/erasure_requests.h); null: their routes answer 503.
  ErasureRequestStore* erasures = nullptr;
  // Called after an approved erasure has removed a record's content from the audit log, so that
  // what was derived from the record (the door events' index) follows. May be empty.
  std::function<void()> records_erased;
};

// Calls context.policy_changed when it is set.
inline void NotifyPolicyChanged(const ApiContext& context) {
  if (context.policy_changed) context.policy_changed();
}

}  // namespace sekisho::server
