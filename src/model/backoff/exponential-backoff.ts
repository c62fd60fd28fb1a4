import { checkNumber, OptionError } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Backoff } from "./backoff.js";

/**
 * Jitter applied to an exponential delay d = min(cap, base * multiplier^(retry-1)):
 * `none` waits d; `full` waits uniform(0, d); `equal` waits d/2 + uniform(0, d/2).
 */
export type Jitter = "none" | "full" | "equal";

/** Options of exponential backoff. Seconds. */
export interface ExponentialBackoffOptions {
  /** Delay before the first retry. Required. */
  base: number;
  /** Growth factor per retry. Default: 2. */
  multiplier?: number;
  /** Upper bound of the delay. Default: Infinity. */
  cap?: number;
  /** Randomisation of the delay. Default: "none". */
  jitter?: Jitter;
}

/** Exponential backoff with a cap and optional jitter, after the AWS Architecture Blog's taxonomy. */
export class ExponentialBackoff implements Backoff {
  readonly label: string;
  private readonly base: number;
  private readonly multiplier: number;
  private readonly cap: number;
  private readonly jitter: Jitter;

  constructor(options: ExponentialBackoffOptions) {
    this.base = checkNumber("base", options.base, { min: 0, exclusiveMin: true });
    this.multiplier = checkNumber("multiplier", options.multiplier ?? 2, { min: 1 });
    this.cap =
      options.cap === undefined
        ? Number.POSITIVE_INFINITY
        : checkNumber("cap", options.cap, { min: this.base });
    this.jitter = options.jitter ?? "none";
    if (!["none", "full", "equal"].includes(this.jitter)) {
      throw new OptionError(
        ["jitter"],
        `expected "none", "full" or "equal", got ${JSON.stringify(this.jitter)}`,
      );
    }
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
