import type { Caller } from "../call.js";
import { CallQueue, type HeldCall } from "./call-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/**
 * Last come, first served: the newest call, whose client is most likely still waiting, goes
 * first. Under a backlog the old calls starve (and time out) instead of every call being late.
 */
export class LifoQueue implements QueueDiscipline {
  readonly label = "lifo";
  private readonly calls = new CallQueue();

  get length(): number {
    return this.calls.length;
  }

  push(caller: Caller, token: number, deadline: number, now: number): void {
    this.calls.push(caller, token, deadline, now);
  }

  take(_now: number, out: HeldCall): boolean {
    return this.calls.pop(out);
  }

  drain(into: CallQueue): void {
    this.calls.drainInto(into);
  }
}
