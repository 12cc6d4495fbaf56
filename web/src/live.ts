// The live event stream (WebSocket /api/v1/events/live, cookie session): door events as the
// events API sends them, and gate state changes {"type": "gate", ...}. Each message carries a
// "seq" the browser acknowledges ({"type": "ack", "seq": N}); the server drops a stream that falls
// too far behind. Reconnects with a growing delay; after repeated failures it asks whether the
// session is still alive (a 401 there sends the user to sign in).
import { api } from "./api";
import type { AccessEvent } from "./types";

export type LiveState = "connecting" | "live" | "reconnecting";

export interface GateMessage {
  type: "gate";
  [key: string]: unknown;
}

export class LiveEvents {
  private socket: WebSocket | null = null;
  private stopped = false;
  private failures = 0;
  private timer: number | undefined;

  constructor(
    private readonly onEvent: (event: AccessEvent) => void,
    private readonly onGate: (message: GateMessage) => void,
    private readonly onState: (state: LiveState) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.socket?.close(1000, "page left");
    this.socket = null;
  }

  private connect(): void {
    this.onState(this.failures === 0 ? "connecting" : "reconnecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/events/live`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.failures = 0;
      this.onState("live");
    });
    socket.addEventListener("message", (message) => {
      if (typeof message.data !== "string") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return; // not ours to show
      }
      if (parsed === null || typeof parsed !== "object") return;
      const item = parsed as { type?: string; seq?: number; event?: AccessEvent };
      if (item.type === "gate") {
        this.onGate(parsed as GateMessage);
      } else if (item.type === "event" && item.event) {
        this.onEvent(item.event);
      } else if (item.type === undefined || item.type === "event") {
        this.onEvent(parsed as AccessEvent);
      } else if (item.type === "closed") {
        // The server ended the stream (the session ended): find out, and sign in again if so.
        void api("GET", "/auth/me").catch(() => undefined);
      }
      // Acknowledge what was handled: the server closes a stream that falls too far behind.
      if (typeof item.seq === "number" && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "ack", seq: item.seq }));
      }
    });
    socket.addEventListener("close", () => {
      if (this.stopped || this.socket !== socket) return;
      this.failures += 1;
      this.onState("reconnecting");
      if (this.failures % 3 === 0) {
        // Repeated failures: a 401 here ends the session (the app shows the sign-in page).
        void api("GET", "/auth/me").catch(() => undefined);
      }
      const delay = Math.min(10_000, 500 * 2 ** Math.min(this.failures, 5));
      this.timer = window.setTimeout(() => this.connect(), delay);
    });
  }
}
