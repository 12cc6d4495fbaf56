// The dashboard's door status table: every door with its state (locked, held open, forced, gate
// offline, no gate; door_status.ts), fed with the gate list and the door events as they arrive.
import { formatTime, h, replace, table } from "../dom";
import { type DoorStatus, doorStatuses, kDoorStateText, newer } from "../door_status";
import type { AccessEvent, Door, Gate } from "../types";
import { badge } from "../ui";

export class DoorPanel {
  readonly element = h("div", { "data-testid": "door-status" });
  private doors: Door[] = [];
  private gates: Gate[] = [];
  // Each door's latest event: all doorStatuses() needs.
  private readonly latest = new Map<number, AccessEvent>();

  setDoors(doors: Door[]): void {
    this.doors = doors;
  }

  setGates(gates: Gate[]): void {
    this.gates = gates;
  }

  addEvent(e: AccessEvent): void {
    if (e.door?.id === undefined) return;
    const seen = this.latest.get(e.door.id);
    if (!seen || newer(e, seen)) this.latest.set(e.door.id, e);
  }

  render(): void {
    const statuses = doorStatuses(this.doors, this.gates, [...this.latest.values()]);
    replace(
      this.element,
      table(
        "Doors: state now",
        ["Door", "State", "Gate", "Last event"],
        statuses.map((s) => [
          h("span", { "data-door": s.door.name }, s.door.name),
          h("span", { "data-state": s.state }, badge(kDoorStateText[s.state])),
          s.gate ? `${s.gate.name} (#${s.gate.id})` : "—",
          lastEvent(s, this.latest.get(s.door.id)),
        ]),
        "No door yet.",
      ),
    );
  }
}

function lastEvent(s: DoorStatus, e: AccessEvent | undefined): string {
  if (s.alarm) return `${s.alarm.kind} at ${formatTime(s.alarm.time)}`;
  if (!e) return "none in 24 h";
  return `${e.result} (${e.reason}) at ${formatTime(e.time)}`;
}
