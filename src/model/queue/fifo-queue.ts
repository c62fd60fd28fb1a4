import type { Caller } from "../call.js";
import { CallQueue, type HeldCall } from "./call-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/** First come, first served: the discipline that makes every waiter pay for the whole backlog. */
export class FifoQueue implements QueueDiscipline {
  readonly label = "fifo";
  private readonly calls = new CallQueue();

  get length(): number {
    return this.calls.length;
  }

  push(caller: Caller, token: number, deadline: number, now: number): void {
    this.calls.push(caller, token, deadline, now);
  }

  /** When the oldest waiting call arrived; undefined when none waits. */
  oldestArrivedAt(): number | undefined {
    return this.calls.headArrivedAt();
  }

  take(_now: number, out: HeldCall): boolean {
    return this.calls.shift(out);
  }

  drain(into: CallQueue): void {
    this.calls.drainInto(into);
  }
}
