import type { Call } from "../call.js";
import type { QueueDiscipline } from "./queue-discipline.js";
import { RingQueue } from "./ring-queue.js";

/**
 * Last come, first served: the newest call, whose client is most likely still waiting, goes
 * first. Under a backlog the old calls starve (and time out) instead of every call being late.
 */
export class LifoQueue implements QueueDiscipline {
  readonly label = "lifo";
  private readonly calls = new RingQueue<Call>();

  get length(): number {
    return this.calls.length;
  }

  push(call: Call): void {
    this.calls.push(call);
  }

  take(): Call | undefined {
    return this.calls.pop();
  }

  drain(): Call[] {
    const out: Call[] = [];
    for (let c = this.calls.shift(); c !== undefined; c = this.calls.shift()) out.push(c);
    return out;
  }
}
