import type { QueueModel, QueueState } from "./queue-model.js";
import { erlangC, twoExponentialTail } from "./waiting-time.js";

/**
 * An unbounded FIFO queue in front of c workers. Exact (Erlang C waiting time) for exponential
 * service; otherwise the Allen-Cunneen approximation scales the wait by (1 + cs²)/2, where cs² is
 * the squared coefficient of variation of the service time, and keeps it exponential.
 */
export class FifoQueueModel implements QueueModel {
  readonly label: string;
  readonly approximation: string;
  readonly capacity: number;
  readonly maxOffered: number;
  private readonly waitScale: number;

  constructor(
    readonly concurrency: number,
    readonly serviceRate: number,
    serviceScv: number,
  ) {
    this.capacity = concurrency * serviceRate;
    this.maxOffered = this.capacity;
    this.waitScale = (1 + serviceScv) / 2;
    const exact = Math.abs(serviceScv - 1) < 1e-12;
    this.label = `M/${exact ? "M" : "G"}/${concurrency} FIFO, unbounded queue`;
    this.approximation = exact
      ? "exact M/M/c (Erlang C) waiting time, for Poisson arrivals"
      : `Allen-Cunneen: the M/M/c wait scaled by (1 + cs²)/2 = ${this.waitScale.toFixed(3)}, exponential service tail`;
  }

  at(offered: number): QueueState {
    const mu = this.serviceRate;
    const x = Math.min(offered, this.capacity * (1 - 1e-12));
    const waits = erlangC(this.concurrency, x / mu);
    // Given that it waits, an arrival waits Exp(theta).
    const theta = (this.capacity - x) / this.waitScale;
    const meanWait = waits / theta;
    return {
      offered: x,
      inSystem: x * (meanWait + 1 / mu),
      served: x,
      rejected: 0,
      expired: 0,
      late: (t) => (1 - waits) * Math.exp(-mu * t) + waits * twoExponentialTail(theta, mu, t),
    };
  }
}
