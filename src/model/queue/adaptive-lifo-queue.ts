import { checkNumber } from "../../engine/option-error.js";
import type { Caller } from "../call.js";
import { CallQueue, type HeldCall } from "./call-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/** Options of adaptive LIFO. */
export interface AdaptiveLifoOptions {
  /** Waiting calls (an integer >= 1) at which the queue switches from FIFO to LIFO. Default: 10. */
  threshold?: number;
}

/**
 * Facebook's adaptive LIFO: FIFO while the queue is short (fair, and nobody is late yet), LIFO
 * once `threshold` calls wait, so a backlog delays the old calls rather than the fresh ones.
 */
export class AdaptiveLifoQueue implements QueueDiscipline {
  readonly label: string;
  readonly threshold: number;
  private readonly calls = new CallQueue();

  constructor(options: AdaptiveLifoOptions = {}) {
    this.threshold = checkNumber("threshold", options.threshold ?? 10, { min: 1, integer: true });
    this.label = `adaptive-lifo(threshold ${this.threshold})`;
  }

  get length(): number {
    return this.calls.length;
  }

  push(caller: Caller, token: number, deadline: number, now: number): void {
    this.calls.push(caller, token, deadline, now);
  }

  take(_now: number, out: HeldCall): boolean {
    return this.calls.length >= this.threshold ? this.calls.pop(out) : this.calls.shift(out);
  }

  drain(into: CallQueue): void {
    this.calls.drainInto(into);
  }
}
