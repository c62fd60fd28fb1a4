import { IdleRing } from "./connection-selection.js";

/** Most recently used first: idle connections form a stack (warm connections, few sockets in use). */
export class MruSelection<T> extends IdleRing<T> {
  readonly label = "mru";

  take(): T | undefined {
    return this.idle.pop();
  }
}
