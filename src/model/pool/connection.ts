import type { EventHandle } from "../../engine/simulation.js";
import type { Caller, Service } from "../call.js";
import { RecordTable } from "../record-table.js";

/** One of a pool's connections, to one backend. */
export interface Connection {
  backend: Service;
  backendIndex: number;
  /** When the server side recycles it (`maxAge`). */
  expiresAt: number;
  /** Its last attempt to connect failed (a choosing reconnect tries another backend). */
  refused: boolean;
  /** Consecutive failures, for the reconnect backoff. */
  failures: number;
  lastDelay: number;
  /** Handshake calls answered "ok" in the current attempt to connect. */
  step: number;
}

/** A wire's `timer` when no timeout of its own is pending. */
export const NO_TIMER: EventHandle = -1;

/**
 * One call on a connection: a caller's call, or a handshake (caller null). The backend knows it by
 * its slot in the pool's wire table; slots and their records are reused once the backend has
 * answered and no timeout refers to them.
 */
export class Wire {
  connection: Connection | null = null;
  caller: Caller | null = null;
  callerToken = 0;
  /** The caller's request number, kept so the backend can ask for it while the call is out. */
  request = -1;
  /** Still waiting for the backend's answer on an open connection. */
  open = true;
  /** The caller was answered at its deadline; the connection was kept for the late answer. */
  late = false;
  timer: EventHandle = NO_TIMER;
  /** The backend lost it ("lost"); only the pending timeout still refers to the slot. */
  lost = false;
}

/** A pool's calls on the wire, indexed by the token the backend was given. */
export class WireTable extends RecordTable<Wire> {
  constructor() {
    super(
      () => new Wire(),
      (wire) => {
        wire.connection = null;
        wire.caller = null;
      },
    );
  }

  /** Takes a slot for a new call on `conn` and returns its token; a handshake has no caller. */
  open(conn: Connection, caller: Caller | null, callerToken: number): number {
    const token = this.take();
    const wire = this.get(token);
    wire.connection = conn;
    wire.caller = caller;
    wire.callerToken = callerToken;
    // Asked now, while the caller still waits for this call and knows its request.
    wire.request = caller === null ? -1 : caller.requestOf(callerToken);
    wire.open = true;
    wire.late = false;
    wire.timer = NO_TIMER;
    wire.lost = false;
    return token;
  }
}
