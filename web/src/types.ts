// The API's JSON shapes the console reads (docs/server.md, site/model_json.h, the OpenAPI
// document at /api/v1/openapi.json).

export type Role = "security_admin" | "hr" | "auditor" | "staff";

export interface Session {
  login: string;
  role: Role;
  organisation: number;
  staff: number | null;
  csrf: string;
}

export interface Page<T> {
  items: T[];
  next_page_token?: string;
}

export interface Staff {
  id: number;
  staff_ref: string;
  staff_number: string;
  display_name: string;
  department: string;
  status: "active" | "suspended" | "left";
  valid_from: string;
  valid_until: string | null;
}

export interface Credential {
  id: number;
  staff: number;
  kind: "jpki" | "badge" | "free-area";
  status: "active" | "suspended" | "revoked" | "retired";
  status_reason: string;
  status_changed_at: string;
  not_after: string;
  enrolled_at: string;
  enrolled_by: string;
  replaced_by: number | null;
}

export interface Site {
  id: number;
  name: string;
  utc_offset: string;
  holidays: string[];
  threat_level: number;
  lockdown: boolean;
  lockdown_override_level: number;
  daily_reset: string;
}

export interface Zone {
  id: number;
  name: string;
  site: number;
  anti_passback: "off" | "soft" | "hard";
  two_person: boolean;
  two_person_window_seconds: number;
  first_person_in_level: number;
}

export interface Door {
  id: number;
  name: string;
  site: number;
  from_zone: number;
  to_zone: number;
  required: "card" | "card+pin";
  gate: number;
}

export interface TimeWindow {
  days?: string[];
  start: string;
  end: string;
}

export interface Schedule {
  id: number;
  name: string;
  windows: TimeWindow[];
  holiday_windows: TimeWindow[];
  first_day: string | null;
  last_day: string | null;
}

export interface LevelRule {
  zone: number;
  schedule: number;
  effect: "grant" | "deny";
}

export interface Level {
  id: number;
  name: string;
  rules: LevelRule[];
  max_threat_level: number;
}

export interface Assignment {
  id: number;
  staff: number;
  level: number;
  valid_from: string | null;
  valid_until: string | null;
}

export interface Gate {
  id: number;
  name: string;
  status: string;
  connected: boolean;
  policy_version: number;
  events_received: number;
  registered_at?: string;
  last_seen_at?: string;
  address?: string;
}

export interface GateList {
  gates: Gate[];
  published_version: number;
}

export interface NewGateToken {
  gate: number;
  name: string;
  token: string;
}

// A gate's decision as the events API and the live WebSocket send it.
export interface AccessEvent {
  id: number;
  time: string;
  gate: number;
  door: { id: number; name: string | null };
  kind: "access" | "door-held-open" | "door-forced";
  result: "granted" | "denied" | "alarm";
  reason: string;
  assurance: string;
  staff_id: number | null;
}

export interface AdminEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  staff: number | null;
  credential: number | null;
  detail: string;
}

export interface AuditCheckpoint {
  checkpoint: string;
  tree_size: number;
  root: string;
  time: string;
}

export interface InclusionProof {
  leaf_index: number;
  tree_size: number;
  path: string[];
}

export interface ConsistencyProof {
  first_size: number;
  second_size: number;
  path: string[];
}

export interface AuditRecord {
  index: number;
  kind: string;
  leaf_hash: string;
  erased: boolean;
  salt: string | null;
  record: string | null;
}

// GET /api/v1/audit/erasure-requests (docs/server.md "Erasure requests").
export interface ErasureRequest {
  id: number;
  record: number;
  reason: "data-subject-request" | "retention-expired" | "recorded-in-error";
  state: "pending" | "approved" | "rejected";
  requested_by: string;
  requested_at: string;
  request_entry: number;
  decided_by: string | null;
  decided_at: string | null;
  erasure_entry: number | null;
}
