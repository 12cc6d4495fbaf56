// Each door's state on the dashboard, from what the console already knows: its gate's connection
// (GET /gates) and the door's latest event (docs/server.md §9). Gates report alarms but no "door
// closed" event, so an alarm stands until the door's next access decision.
import type { AccessEvent, Door, Gate } from "./types";

export type DoorState = "locked" | "held" | "forced" | "offline" | "no-gate";

export interface DoorStatus {
  door: Door;
  state: DoorState;
  gate: Gate | null;
  // The alarm that set "held" or "forced", else null.
  alarm: AccessEvent | null;
}

// Whether `a` happened after `b`: by time, then by id (the audit log's order).
export function newer(a: AccessEvent, b: AccessEvent): boolean {
  const ta = Date.parse(a.time);
  const tb = Date.parse(b.time);
  return ta > tb || (ta === tb && a.id > b.id);
}

// The status of every door. `events` may be in any order and may hold other doors' events.
// Precedence: no gate (0, or one not in `gates`) > offline (gate not connected, or revoked) >
// forced / held (the door's latest event is that alarm) > locked.
export function doorStatuses(doors: Door[], gates: Gate[], events: AccessEvent[]): DoorStatus[] {
  const latest = new Map<number, AccessEvent>();
  for (const e of events) {
    const id = e.door?.id;
    if (id === undefined) continue;
    const seen = latest.get(id);
    if (!seen || newer(e, seen)) latest.set(id, e);
  }
  return doors.map((door) => {
    const gate = gates.find((g) => g.id === door.gate) ?? null;
    if (!gate) return { door, state: "no-gate", gate: null, alarm: null };
    if (!gate.connected || gate.status !== "active")
      return { door, state: "offline", gate, alarm: null };
    const last = latest.get(door.id);
    if (last?.kind === "door-forced") return { door, state: "forced", gate, alarm: last };
    if (last?.kind === "door-held-open") return { door, state: "held", gate, alarm: last };
    return { door, state: "locked", gate, alarm: null };
  });
}

export const kDoorStateText: Record<DoorState, string> = {
  locked: "locked",
  held: "held open",
  forced: "forced",
  offline: "gate offline",
  "no-gate": "no gate",
};
