/**
 * The steady state of a server's queue at a given offered load, as the fluid model needs it. The
 * fluid model treats a server as being, at every moment, in the steady state whose mean number in
 * system equals its current queue (the pointwise stationary fluid-flow approximation), so each
 * queue discipline supplies this one mapping.
 */
export interface QueueState {
  /** Attempts offered per second that this state stands for. */
  offered: number;
  /** Mean calls at the server, waiting and in service. */
  inSystem: number;
  /** Calls whose work is done per second, wanted or wasted. */
  served: number;
  /** Fraction of offered attempts refused at once because the queue is full. */
  rejected: number;
  /** Fraction of offered attempts dropped unserved because their deadline passed while they waited. */
  expired: number;
  /** P(an attempt has no ok answer within t seconds of being sent), refused and dropped ones included. */
  late(t: number): number;
}

/** A server's queue as a function of offered load. */
export interface QueueModel {
  /** What the model is, e.g. "M/M/1 FIFO, unbounded queue". */
  readonly label: string;
  /** Whether its timeout probability is exact for the server as written, and if not, what is assumed. */
  readonly approximation: string;
  /** Calls per second with every worker busy (concurrency / mean service time). */
  readonly capacity: number;
  /** Offered loads with a steady state are those below this (capacity for an unbounded FIFO queue). */
  readonly maxOffered: number;
  at(offered: number): QueueState;
  /**
   * For a server whose running calls share it (a database with contention): the share of calls
   * sent now that are answered within t seconds while its queue, now q, grows by `growth` calls a
   * second; a call's time then depends on the calls that arrive after it. Absent: the steady
   * state's answer stands.
   */
  onTimeWhileGrowing?(q: number, growth: number, t: number): number;
}
