import { type DistributionSpec, normalCdf } from "../engine/distributions.js";
import type { QueueModel, QueueState } from "./queue-model.js";

/** A query time distribution as the fluid model needs it: mean, variance and tail. */
export interface QueryTime {
  mean: number;
  variance: number;
  /** P(a query run alone takes longer than u seconds). */
  tail(u: number): number;
}

/** The query time of a scenario's distribution, where its tail has a closed form; null otherwise. */
export function queryTime(spec: DistributionSpec): QueryTime | null {
  switch (spec.kind) {
    case "exponential": {
      const m = spec.mean;
      return { mean: m, variance: m * m, tail: (u) => Math.exp(-u / m) };
    }
    case "constant": {
      const v = spec.value;
      return { mean: v, variance: 0, tail: (u) => (u < v ? 1 : 0) };
    }
    case "uniform": {
      const { min, max } = spec;
      return {
        mean: (min + max) / 2,
        variance: (max - min) ** 2 / 12,
        tail: (u) => (u <= min ? 1 : u >= max ? 0 : (max - u) / (max - min)),
      };
    }
    case "lognormal": {
      const m = spec.mean;
      const sd = spec.stddev;
      const s2 = Math.log(1 + (sd / m) ** 2);
      const mu = Math.log(m) - s2 / 2;
      const s = Math.sqrt(s2);
      return {
        mean: m,
        variance: sd * sd,
        tail: (u) => (u <= 0 ? 1 : 1 - normalCdf((Math.log(u) - mu) / s)),
      };
    }
    case "normal": {
      const m = spec.mean;
      const sd = spec.stddev;
      // Its bounds (if any) are left out: a query's tail beyond them is small.
      return { mean: m, variance: sd * sd, tail: (u) => 1 - normalCdf((u - m) / sd) };
    }
    default:
      return null;
  }
}

// States whose probability is below this share are left out of the response-time sum.
const NEGLIGIBLE = 1e-13;

/**
 * A database: c connections whose running queries slow each other down (each runs at 1 / (1 +
 * contention (n - 1)) of its solo speed while n run) and a FIFO wait of at most `queueCapacity`
 * for a connection. The number at the database is the birth-death chain with departure rate
 * T(min(n, c)), T(m) = m / (mean x (1 + contention (m - 1))): exact for exponential query times,
 * and insensitive to their distribution while no query waits (shared progress is processor
 * sharing). A query that finds n others takes its solo time times the slowdown of n + 1 running;
 * one that must wait adds Erlang(n - c + 1, T(c)), the sum taken as normal with the same mean
 * and variance.
 */
export class ContendedQueueModel implements QueueModel {
  readonly label: string;
  readonly approximation: string;
  readonly capacity: number;
  readonly maxOffered = Number.POSITIVE_INFINITY;
  private readonly rates: Float64Array;

  constructor(
    readonly concurrency: number,
    readonly query: QueryTime,
    readonly contention: number,
    readonly queueCapacity: number,
  ) {
    const c = concurrency;
    this.rates = new Float64Array(c + 1);
    for (let m = 1; m <= c; m++) this.rates[m] = m / (query.mean * this.slowdown(m));
    this.capacity = this.rates[c]!;
    this.label = `database, ${c} connections, contention ${contention}, queue of ${queueCapacity}`;
    this.approximation =
      "birth-death number at the database (exact for exponential query times); a query's time is its solo time x the slowdown at arrival, plus an Erlang wait for a connection, the sum taken as normal";
  }

  /**
   * A query started now, with q at the database growing by `growth` a second: while n(t) = min(c,
   * q + growth t) run, it progresses at 1 / slowdown(n(t)), so by t it has done the solo work
   * W(t) = integral of that, in closed form; it is answered by t if its solo time is below W(t).
   * Exact for processor sharing with the running count growing linearly (a flood just after a
   * flush); a query that must wait for a connection is left to the steady state.
   */
  onTimeWhileGrowing(q: number, growth: number, t: number): number {
    const c = this.concurrency;
    if (growth <= 0 || q >= c) return 1 - this.query.tail(t / this.slowdown(q + 1));
    const k = this.contention;
    const n0 = Math.max(q, 1);
    // Until every connection is busy the count grows; then it stays at c.
    const tFull = Math.min(t, (c - n0) / growth);
    const work =
      k === 0 ? tFull : Math.log((1 + k * (n0 - 1 + growth * tFull)) / (1 + k * (n0 - 1))) / (k * growth);
    const rest = (t - tFull) / this.slowdown(c);
    return 1 - this.query.tail(work + rest);
  }

  /** How much slower a query runs while m run at once. */
  slowdown(m: number): number {
    return 1 + this.contention * (Math.max(m, 1) - 1);
  }

  at(offered: number): QueueState {
    const c = this.concurrency;
    const n = c + this.queueCapacity;
    const x = Math.max(offered, 1e-12);
    // pi[k] / pi[0] = prod x / T(min(j, c)), built by products (rescaled before they overflow)
    // rather than by logs and exponentials: this runs for every state the analysis looks at.
    const pi = new Float64Array(n + 1);
    const rates = this.rates;
    pi[0] = 1;
    let sum = 1;
    for (let k = 1; k <= n; k++) {
      let v = (pi[k - 1]! * x) / rates[Math.min(k, c)]!;
      if (v > 1e250) {
        for (let j = 0; j < k; j++) pi[j]! *= 1e-250;
        sum *= 1e-250;
        v *= 1e-250;
      }
      pi[k] = v;
      sum += v;
    }
    let inSystem = 0;
    for (let k = 0; k <= n; k++) {
      pi[k]! /= sum;
      inSystem += k * pi[k]!;
    }
    const full = pi[n]!;
    const q = this.query;
    const tc = this.capacity;
    const fc = this.slowdown(c);
    return {
      offered: x,
      inSystem,
      served: x * (1 - full),
      rejected: full,
      expired: 0,
      late: (t) => {
        let p = full;
        for (let k = 0; k < n; k++) {
          const w = pi[k]!;
          if (w < NEGLIGIBLE) continue;
          if (k < c) p += w * q.tail(t / this.slowdown(k + 1));
          else {
            const ahead = k - c + 1;
            const mean = ahead / tc + q.mean * fc;
            const sd = Math.sqrt(ahead / (tc * tc) + q.variance * fc * fc);
            p += w * (1 - normalCdf((t - mean) / sd));
          }
        }
        return Math.min(1, p);
      },
    };
  }
}
