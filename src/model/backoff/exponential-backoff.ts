import { checkNumber } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import type { Backoff } from "./backoff.js";

/**
 * Jitter applied to an exponential delay d = min(cap, base * multiplier^(retry-1)):
 * `none` waits d; `full` waits uniform(0, d); `equal` waits d/2 + uniform(0, d/2).
 */
export const JITTERS = ["none", "full", "equal"] as const;

/** Options of exponential backoff. Seconds. */
export const EXPONENTIAL_BACKOFF_OPTIONS = {
  base: option.number({ doc: "Delay before the first retry.", required: true, min: 0, exclusiveMin: true }),
  multiplier: option.number({ doc: "Growth factor per retry.", default: 2, min: 1 }),
  cap: option.number({
    doc: "Upper bound of the delay; at least `base`.",
    default: Number.POSITIVE_INFINITY,
    unbounded: true,
  }),
  jitter: option.choice({
    doc: "Randomisation of the delay d: `none` waits d, `full` uniform(0, d), `equal` d/2 + uniform(0, d/2).",
    values: JITTERS,
    default: "none",
  }),
} as const;

/** Options of exponential backoff, as its constructor takes them. */
export type ExponentialBackoffOptions = OptionsInput<typeof EXPONENTIAL_BACKOFF_OPTIONS>;

/** Exponential backoff with a cap and optional jitter, after the AWS Architecture Blog's taxonomy. */
export class ExponentialBackoff implements Backoff {
  readonly label: string;
  private readonly base: number;
  private readonly multiplier: number;
  private readonly cap: number;
  private readonly jitter: (typeof JITTERS)[number];

  constructor(options: ExponentialBackoffOptions) {
    const o = readOptions(EXPONENTIAL_BACKOFF_OPTIONS, options);
    this.base = o.base;
    this.multiplier = o.multiplier;
    this.cap = o.cap === Number.POSITIVE_INFINITY ? o.cap : checkNumber("cap", o.cap, { min: this.base });
    this.jitter = o.jitter;
    const cap = Number.isFinite(this.cap) ? `, cap=${this.cap}` : "";
    this.label = `exponential(base=${this.base}, x${this.multiplier}${cap}, jitter=${this.jitter})`;
  }

  delay(retry: number, _previous: number, rng: RandomStream): number {
    const d = Math.min(this.cap, this.base * this.multiplier ** (retry - 1));
    if (this.jitter === "full") return d * rng.next();
    if (this.jitter === "equal") return d / 2 + (d / 2) * rng.next();
    return d;
  }
}
