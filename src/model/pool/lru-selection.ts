import { RingQueue } from "../queue/ring-queue.js";
import type { ConnectionSelection } from "./connection-selection.js";

/**
 * Least recently used first: idle connections form a queue, so every connection, and every link
 * under it, takes its turn. The connection that just came back slow waits at the back.
 */
export class LruSelection<T> implements ConnectionSelection<T> {
  readonly label = "lru";
  private readonly idle = new RingQueue<T>();

  get length(): number {
    return this.idle.length;
  }

  release(connection: T): void {
    this.idle.push(connection);
  }

  take(): T | undefined {
    return this.idle.shift();
  }
}
