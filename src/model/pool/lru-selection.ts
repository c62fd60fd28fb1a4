import { IdleRing } from "./connection-selection.js";

/**
 * Least recently used first: idle connections form a queue, so every connection, and every link
 * under it, takes its turn. The connection that just came back slow waits at the back.
 */
export class LruSelection<T> extends IdleRing<T> {
  readonly label = "lru";

  take(): T | undefined {
    return this.idle.shift();
  }
}
