import type { QueueModel, QueueState } from "./queue-model.js";
import { ErlangMixture } from "./waiting-time.js";

/**
 * A FIFO queue that holds at most `queueCapacity` calls in front of c workers (M/M/c/N, N = c +
 * queueCapacity): a call arriving to a full queue is refused at once. The number an arrival finds
 * follows the birth-death steady state, and its wait is Erlang in the calls ahead of it: exact for
 * exponential service and Poisson arrivals.
 */
export class BoundedQueueModel implements QueueModel {
  readonly label: string;
  readonly approximation: string;
  readonly capacity: number;
  readonly maxOffered = Number.POSITIVE_INFINITY;

  constructor(
    readonly concurrency: number,
    readonly serviceRate: number,
    readonly queueCapacity: number,
    exponential: boolean,
  ) {
    this.capacity = concurrency * serviceRate;
    this.label = `M/M/${concurrency}/${concurrency + queueCapacity} FIFO, queue of ${queueCapacity}`;
    this.approximation = exponential
      ? "exact M/M/c/N waiting time (Erlang in the calls ahead), for Poisson arrivals"
      : "service taken as exponential with the same mean (M/M/c/N)";
  }

  at(offered: number): QueueState {
    const c = this.concurrency;
    const mu = this.serviceRate;
    const n = c + this.queueCapacity;
    // log π_n up to a constant, then normalised from the largest term (no overflow at high load).
    const log = new Float64Array(n + 1);
    const lx = Math.log(Math.max(offered, 1e-300));
    for (let k = 1; k <= n; k++) log[k] = log[k - 1]! + lx - Math.log(Math.min(k, c) * mu);
    let top = Number.NEGATIVE_INFINITY;
    for (let k = 0; k <= n; k++) top = Math.max(top, log[k]!);
    const pi = new Float64Array(n + 1);
    let z = 0;
    for (let k = 0; k <= n; k++) {
      pi[k] = Math.exp(log[k]! - top);
      z += pi[k]!;
    }
    let inSystem = 0;
    let busy = 0;
    for (let k = 0; k <= n; k++) {
      pi[k]! /= z;
      inSystem += k * pi[k]!;
      busy += Math.min(k, c) * pi[k]!;
    }
    const full = pi[n]!;
    const accepted = 1 - full;
    // Waits of accepted arrivals: none below c in system, Erlang(k, cμ) with k - 1 calls queued ahead.
    const w = new Float64Array(this.queueCapacity + 1);
    for (let k = 0; k < c; k++) w[0]! += pi[k]! / accepted;
    for (let k = c; k < n; k++) w[k - c + 1] = pi[k]! / accepted;
    const wait = new ErlangMixture(w, c * mu);
    return {
      offered,
      inSystem,
      served: busy * mu,
      rejected: full,
      expired: 0,
      late: (t) => full + accepted * wait.responseTail(t, mu),
    };
  }
}
