/** How a service answered an attempt. */
export type ReplyStatus =
  /** Work done, answer attached. */
  | "ok"
  /** Refused on arrival because the queue was full (an HTTP 503). */
  | "rejected"
  /** Dropped without doing the work because the caller's deadline had already passed. */
  | "expired"
  /** The work failed (an injected error, a failed dependency). */
  | "error"
  /** The service could not be reached at all (crashed, partitioned, empty DNS answer). */
  | "unavailable";

/**
 * One attempt on its way to a service. The service answers it at most once with `reply`, and
 * learns from the return value whether anybody still wanted the answer. A call that is never
 * answered (its server crashed) is covered by the caller's timeout.
 */
export interface Call {
  /** Unique per caller; used only for tracing. */
  readonly id: number;
  /** Absolute simulated time after which the caller no longer wants the answer (Infinity: never). */
  readonly deadline: number;
  /** Delivers the answer; returns false if the caller had already given up on this attempt. */
  reply(status: ReplyStatus): boolean;
}

/** Anything that accepts calls: a server, and later caches, databases and load balancers. */
export interface Service {
  readonly name: string;
  /** Takes a call; the service replies to it at most once. */
  accept(call: Call): void;
  /** Requests per second it can serve when saturated (used for capacity lines in charts). */
  readonly capacityPerSec: number;
}
