import type { Call } from "../call.js";

/**
 * The order in which a server takes waiting calls. `take` may shed calls it decides not to serve
 * (CoDel, expired deadlines) by passing them to `shed`; the server answers those.
 */
export interface QueueDiscipline {
  /** Human-readable description, e.g. `fifo`. */
  readonly label: string;
  /** Calls waiting. */
  readonly length: number;
  /** A call arrives at time `now`. */
  push(call: Call, now: number): void;
  /** The next call to serve at time `now`, or undefined when none is left. */
  take(now: number, shed: (call: Call) => void): Call | undefined;
  /** Removes and returns every waiting call. */
  drain(): Call[];
}
