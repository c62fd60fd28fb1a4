import type { Caller } from "../call.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { CallQueue, type HeldCall } from "./call-queue.js";
import type { QueueDiscipline } from "./queue-discipline.js";

/** Options of adaptive LIFO. */
export const ADAPTIVE_LIFO_OPTIONS = {
  threshold: option.integer({
    doc: "Waiting calls at which the queue switches from FIFO to LIFO.",
    default: 10,
    min: 1,
  }),
} as const;

/** Options of adaptive LIFO, as its constructor takes them. */
export type AdaptiveLifoOptions = OptionsInput<typeof ADAPTIVE_LIFO_OPTIONS>;

/**
 * Facebook's adaptive LIFO: FIFO while the queue is short (fair, and nobody is late yet), LIFO
 * once `threshold` calls wait, so a backlog delays the old calls rather than the fresh ones.
 */
export class AdaptiveLifoQueue implements QueueDiscipline {
  readonly label: string;
  readonly threshold: number;
  private readonly calls = new CallQueue();

  constructor(options: AdaptiveLifoOptions = {}) {
    this.threshold = readOptions(ADAPTIVE_LIFO_OPTIONS, options).threshold;
    this.label = `adaptiveLifo(threshold ${this.threshold})`;
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
