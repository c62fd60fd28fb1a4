import { checkNumber } from "../../engine/option-error.js";
import type { Call } from "../call.js";
import type { QueueDiscipline } from "./queue-discipline.js";
import { RingQueue } from "./ring-queue.js";

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
  private readonly calls = new RingQueue<Call>();

  constructor(options: AdaptiveLifoOptions = {}) {
    this.threshold = checkNumber("threshold", options.threshold ?? 10, { min: 1, integer: true });
    this.label = `adaptive-lifo(threshold ${this.threshold})`;
  }

  get length(): number {
    return this.calls.length;
  }

  push(call: Call): void {
    this.calls.push(call);
  }

  take(): Call | undefined {
    return this.calls.length >= this.threshold ? this.calls.pop() : this.calls.shift();
  }

  drain(): Call[] {
    const out: Call[] = [];
    for (let c = this.calls.shift(); c !== undefined; c = this.calls.shift()) out.push(c);
    return out;
  }
}
