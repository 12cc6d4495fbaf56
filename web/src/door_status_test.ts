// The dashboard's door states: each state from a known gate list and event history, and the
// precedence between them (no gate, offline gate, alarm, locked).
import assert from "node:assert/strict";
import { test } from "node:test";
import { doorStatuses } from "./door_status";
import type { AccessEvent, Door, Gate } from "./types";

const door = (id: number, gate: number): Door => ({
  id,
  name: `Door ${id}`,
  site: 1,
  from_zone: 0,
  to_zone: 1,
  required: "card+pin",
  gate,
});
const gate = (id: number, connected: boolean, status = "active"): Gate => ({
  id,
  name: `Gate ${id}`,
  status,
  connected,
  policy_version: 1,
  events_received: 0,
});
const event = (
  id: number,
  doorId: number,
  time: string,
  kind: AccessEvent["kind"],
  result: AccessEvent["result"] = kind === "access" ? "granted" : "alarm",
): AccessEvent => ({
  id,
  time,
  gate: 1,
  door: { id: doorId, name: `Door ${doorId}` },
  kind,
  result,
  reason: kind === "access" ? result : kind,
  assurance: "card+pin",
  staff_id: null,
});

const states = (doors: Door[], gates: Gate[], events: AccessEvent[]) =>
  doorStatuses(doors, gates, events).map((s) => s.state);

test("a door of a connected gate without alarms is locked", () => {
  assert.deepEqual(
    states([door(1, 1)], [gate(1, true)], [event(5, 1, "2026-11-28T08:00:00Z", "access")]),
    ["locked"],
  );
  assert.deepEqual(states([door(1, 1)], [gate(1, true)], []), ["locked"]);
});

test("the door's latest alarm sets held or forced, and its next access decision clears it", () => {
  const gates = [gate(1, true)];
  const forced = event(7, 1, "2026-11-28T08:00:01Z", "door-forced");
  const [status] = doorStatuses([door(1, 1)], gates, [
    event(6, 1, "2026-11-28T08:00:00Z", "access"),
    forced,
  ]);
  assert.equal(status!.state, "forced");
  assert.equal(status!.alarm, forced);
  assert.deepEqual(
    states([door(1, 1)], gates, [event(8, 1, "2026-11-28T08:00:00.500Z", "door-held-open")]),
    ["held"],
  );
  // Given in any order: the access decision after the alarm wins.
  assert.deepEqual(
    states([door(1, 1)], gates, [
      event(9, 1, "2026-11-28T08:05:00Z", "access", "denied"),
      event(7, 1, "2026-11-28T08:00:01Z", "door-forced"),
    ]),
    ["locked"],
  );
  // The same time: the later record (higher id) wins.
  assert.deepEqual(
    states([door(1, 1)], gates, [
      event(11, 1, "2026-11-28T08:00:00Z", "door-held-open"),
      event(10, 1, "2026-11-28T08:00:00Z", "access"),
    ]),
    ["held"],
  );
});

test("another door's alarm does not change this door", () => {
  assert.deepEqual(
    states(
      [door(1, 1), door(2, 1)],
      [gate(1, true)],
      [event(3, 2, "2026-11-28T08:00:00Z", "door-forced")],
    ),
    ["locked", "forced"],
  );
});

test("an offline or revoked gate outranks an alarm; a door without a gate says so", () => {
  const alarm = [event(3, 1, "2026-11-28T08:00:00Z", "door-forced")];
  assert.deepEqual(states([door(1, 1)], [gate(1, false)], alarm), ["offline"]);
  assert.deepEqual(states([door(1, 1)], [gate(1, true, "revoked")], alarm), ["offline"]);
  assert.deepEqual(states([door(1, 0)], [gate(1, true)], alarm), ["no-gate"]);
  assert.deepEqual(states([door(1, 9)], [gate(1, true)], []), ["no-gate"]);
});
