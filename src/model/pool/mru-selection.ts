import { RingQueue } from "../queue/ring-queue.js";
import type { ConnectionSelection } from "./connection-selection.js";

/** Most recently used first: idle connections form a stack (warm connections, few sockets in use). */
export class MruSelection<T> implements ConnectionSelection<T> {
  readonly label = "mru";
  private readonly idle = new RingQueue<T>();

  get length(): number {
    return this.idle.length;
  }

  release(connection: T): void {
    this.idle.push(connection);
  }

  take(): T | undefined {
    return this.idle.pop();
  }
}
