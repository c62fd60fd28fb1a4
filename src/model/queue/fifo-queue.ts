import type { Call } from "../call.js";
import type { QueueDiscipline } from "./queue-discipline.js";
import { RingQueue } from "./ring-queue.js";

/** First come, first served: the discipline that makes every waiter pay for the whole backlog. */
export class FifoQueue implements QueueDiscipline {
  readonly label = "fifo";
  private readonly calls = new RingQueue<Call>();

  get length(): number {
    return this.calls.length;
  }

  push(call: Call): void {
    this.calls.push(call);
  }

  take(): Call | undefined {
    return this.calls.shift();
  }

  drain(): Call[] {
    const out: Call[] = [];
    for (let c = this.calls.shift(); c !== undefined; c = this.calls.shift()) out.push(c);
    return out;
  }
}
