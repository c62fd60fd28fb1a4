/** How a service answered a call. */
export type ReplyStatus =
  /** Work done, answer attached. */
  | "ok"
  /** Refused on arrival because the queue was full (an HTTP 503). */
  | "rejected"
  /** Dropped without doing the work because the caller's deadline had already passed. */
  | "expired"
  /** The work failed (an injected error, a failed dependency). */
  | "error"
  /** The service could not be reached (crashed, partitioned, NXDOMAIN): transient, worth a retry. */
  | "unavailable"
  /**
   * An authoritative answer that there is nothing to get (a DNS NOERROR with no address): not an
   * error to retry. Compliant callers stop; a calling service passes the stop on to its caller.
   */
  | "empty"
  /**
   * The call vanished without an answer (its server restarted). Nobody hears of it in time, so a
   * client keeps waiting for its timeout; the status only lets components that forward calls free
   * what they kept for this one.
   */
  | "lost";

/**
 * Whoever sends calls: a client, or a component that forwards them (a balancer, a cache, a
 * pool). A call is the pair (caller, token) plus the caller's deadline, passed as plain values so
 * that a server holding hundreds of thousands of calls (a retry storm) holds no object per call.
 * The token means something only to its caller.
 */
export interface Caller {
  /**
   * The answer to call `token`; returns false if the caller no longer wanted it (the work was
   * wasted). Every accepted call gets exactly one answer, "lost" included.
   */
  reply(token: number, status: ReplyStatus): boolean;
  /**
   * Which request call `token` belongs to: the same number for all the retries of one request,
   * unique in the simulation (from `Simulation.uniqueId`), or -1 when the caller cannot tell. A
   * cache uses it to ask for the same key on every retry; a forwarder passes its caller's on.
   */
  requestOf(token: number): number;
}

/** Anything that accepts calls: a server, a cache, a database, a load balancer, a pool. */
export interface Service {
  readonly name: string;
  /**
   * Takes call `token` of `caller`, wanted until the absolute time `deadline` (Infinity: always),
   * and answers it exactly once through `caller.reply`, possibly before returning.
   */
  accept(caller: Caller, token: number, deadline: number): void;
  /** Requests per second it can serve when saturated (used for capacity lines in charts). */
  readonly capacityPerSec: number;
}

/**
 * Whom a client reports forwarded requests to: a calling service waiting on a downstream call.
 */
export interface RequestOwner {
  /**
   * Request `ownerToken` ended: "ok", or given up with the last failure ("expired" for a timeout
   * or a passed deadline, "rejected" when a gate refused, "empty" when told there is nothing).
   * Returns whether the owner still wanted the answer (false: the work was wasted).
   */
  requestEnded(ownerToken: number, status: ReplyStatus): boolean;
}
