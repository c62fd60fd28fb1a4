import { checkNumber } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import type { Backoff } from "./backoff.js";

/** Options of decorrelated jitter. Seconds. */
export const DECORRELATED_JITTER_OPTIONS = {
  base: option.number({
    doc: "Smallest delay, and the first retry's lower bound.",
    required: true,
    min: 0,
    exclusiveMin: true,
  }),
  cap: option.number({
    doc: "Upper bound of the delay; at least `base`.",
    default: Number.POSITIVE_INFINITY,
    unbounded: true,
  }),
} as const;

/** Options of decorrelated jitter, as its constructor takes them. */
export type DecorrelatedJitterOptions = OptionsInput<typeof DECORRELATED_JITTER_OPTIONS>;

/** Decorrelated jitter: delay = min(cap, uniform(base, 3 * previous delay)). */
export class DecorrelatedJitter implements Backoff {
  readonly label: string;
  private readonly base: number;
  private readonly cap: number;

  constructor(options: DecorrelatedJitterOptions) {
    const o = readOptions(DECORRELATED_JITTER_OPTIONS, options);
    this.base = o.base;
    this.cap = o.cap === Number.POSITIVE_INFINITY ? o.cap : checkNumber("cap", o.cap, { min: this.base });
    this.label = `decorrelated(base=${this.base}${Number.isFinite(this.cap) ? `, cap=${this.cap}` : ""})`;
  }

  delay(_retry: number, previous: number, rng: RandomStream): number {
    const hi = Math.max(this.base, 3 * previous);
    return Math.min(this.cap, this.base + (hi - this.base) * rng.next());
  }
}
