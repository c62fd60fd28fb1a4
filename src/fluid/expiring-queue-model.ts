import type { QueueModel, QueueState } from "./queue-model.js";

/** ∫_a^b e^(k v) dv. */
function expIntegral(k: number, a: number, b: number): number {
  if (b <= a) return 0;
  if (Math.abs(k) * (b - a) < 1e-9) return b - a;
  return (Math.exp(k * b) - Math.exp(k * a)) / k;
}

/**
 * An unbounded FIFO queue whose server skips, at no cost, a call whose deadline (the attempt's
 * timeout) has passed by the time it would start (`dropExpired`): an M/M/c+D queue with
 * deterministic patience equal to the timeout. The virtual wait V has density
 * x π_{c-1} e^{-(cμ - x) v} up to the patience and decays at rate cμ beyond it (level crossing:
 * only calls that will be served add work). Exact for exponential service and Poisson arrivals.
 */
export class ExpiringQueueModel implements QueueModel {
  readonly label: string;
  readonly approximation: string;
  readonly capacity: number;
  readonly maxOffered = Number.POSITIVE_INFINITY;

  constructor(
    readonly concurrency: number,
    readonly serviceRate: number,
    readonly patience: number,
    exponential: boolean,
  ) {
    this.capacity = concurrency * serviceRate;
    this.label = `M/M/${concurrency}+D FIFO, calls past their ${patience} s deadline dropped`;
    this.approximation = exponential
      ? "exact M/M/c+D (deterministic patience) virtual waiting time, for Poisson arrivals"
      : "service taken as exponential with the same mean (M/M/c+D)";
  }

  at(offered: number): QueueState {
    const c = this.concurrency;
    const mu = this.serviceRate;
    const x = offered;
    const tau = this.patience;
    const a = x / mu;
    // Unnormalised probabilities of n < c calls (no wait), and the density's scale x u_{c-1}.
    let term = 1;
    let idle = 1;
    for (let k = 1; k < c; k++) {
      term *= a / k;
      idle += term;
    }
    const scale = x * term;
    const gamma = c * mu - x;
    const waitMass = scale * expIntegral(-gamma, 0, tau);
    const atPatience = scale * Math.exp(-gamma * tau);
    const beyondMass = atPatience / (c * mu);
    const z = idle + waitMass + beyondMass;
    const expired = beyondMass / z;
    // E[V; V <= τ] and E[V; V > τ], for Little's law on the waiting line.
    const g = gamma;
    const meanWithin =
      Math.abs(g) * tau < 1e-9
        ? (scale * tau * tau) / 2
        : (scale * (1 - Math.exp(-g * tau) * (1 + g * tau))) / (g * g);
    const meanBeyond = atPatience * (tau / (c * mu) + 1 / (c * mu) ** 2);
    const served = x * (1 - expired);
    return {
      offered: x,
      inSystem: served / mu + (x * (meanWithin + meanBeyond)) / z,
      served,
      rejected: 0,
      expired,
      late: (t) => {
        if (t <= 0) return 1;
        const m = Math.min(tau, t);
        // Dropped calls never answer ok; a call that waits v <= τ answers at v + service.
        const noWait = (idle / z) * Math.exp(-mu * t);
        const servedLate = (scale / z) * Math.exp(-mu * t) * expIntegral(mu - gamma, 0, m);
        const stillWaiting = (scale / z) * expIntegral(-gamma, m, tau);
        return Math.min(1, expired + noWait + servedLate + stillWaiting);
      },
    };
  }
}
