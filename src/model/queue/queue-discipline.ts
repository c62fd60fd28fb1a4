import type { Caller } from "../call.js";
import type { CallQueue, HeldCall } from "./call-queue.js";

/**
 * The order in which a server takes waiting calls. `take` may shed calls it decides not to serve
 * (CoDel) by moving them to `shed`; the server answers those.
 */
export interface QueueDiscipline {
  /** Human-readable description, e.g. `fifo`. */
  readonly label: string;
  /** Calls waiting. */
  readonly length: number;
  /** A call arrives at time `now`. */
  push(caller: Caller, token: number, deadline: number, now: number): void;
  /** Moves the next call to serve at time `now` into `out`; false when none is left. */
  take(now: number, out: HeldCall, shed: CallQueue): boolean;
  /** Moves every waiting call, oldest first, into `into`. */
  drain(into: CallQueue): void;
}
