import { RingQueue } from "../queue/ring-queue.js";

/**
 * Which idle connection a pool hands out next. The order matters beyond fairness: a pool that
 * prefers the connection released last (MRU) keeps reusing whatever finished last, and on a
 * congested link that is the slowest connection.
 */
export interface ConnectionSelection<T> {
  /** Human-readable name, e.g. `mru`. */
  readonly label: string;
  /** Idle connections. */
  readonly length: number;
  /** A connection becomes idle (released after a call, or newly connected). */
  release(connection: T): void;
  /** The idle connection to use next, or undefined when none is idle. */
  take(): T | undefined;
}

/** Idle connections in release order; a selection says which end it takes from. */
export abstract class IdleRing<T> implements ConnectionSelection<T> {
  abstract readonly label: string;
  protected readonly idle = new RingQueue<T>();

  get length(): number {
    return this.idle.length;
  }

  release(connection: T): void {
    this.idle.push(connection);
  }

  abstract take(): T | undefined;
}
