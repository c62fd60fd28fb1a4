import { checkNumber } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Backoff } from "./backoff.js";

/** Options of decorrelated jitter. Seconds. */
export interface DecorrelatedJitterOptions {
  /** Smallest delay, and the first retry's lower bound. Required. */
  base: number;
  /** Upper bound of the delay. Default: Infinity. */
  cap?: number;
}

/** Decorrelated jitter: delay = min(cap, uniform(base, 3 * previous delay)). */
export class DecorrelatedJitter implements Backoff {
  readonly label: string;
  private readonly base: number;
  private readonly cap: number;

  constructor(options: DecorrelatedJitterOptions) {
    this.base = checkNumber("base", options.base, { min: 0, exclusiveMin: true });
    this.cap =
      options.cap === undefined
        ? Number.POSITIVE_INFINITY
        : checkNumber("cap", options.cap, { min: this.base });
    this.label = `decorrelated(base=${this.base}${Number.isFinite(this.cap) ? `, cap=${this.cap}` : ""})`;
  }

  delay(_retry: number, previous: number, rng: RandomStream): number {
    const hi = Math.max(this.base, 3 * previous);
    return Math.min(this.cap, this.base + (hi - this.base) * rng.next());
  }
}
