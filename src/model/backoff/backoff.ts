import type { RandomStream } from "../../engine/random.js";

/** Decides how long a client waits before retry number `retry` (1 for the first retry). */
export interface Backoff {
  /** Human-readable description, e.g. `exponential(base=0.1, cap=10, jitter=full)`. */
  readonly label: string;
  /** Delay in seconds; `previous` is the delay chosen for the previous retry of the same request (0 before the first). */
  delay(retry: number, previous: number, rng: RandomStream): number;
}
