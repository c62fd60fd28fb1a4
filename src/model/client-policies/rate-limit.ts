import { checkNumber } from "../../engine/option-error.js";
import { type OptionsInput, option, readOptions } from "../options.js";

/** Options of a client-side rate limit. */
export const RATE_LIMIT_OPTIONS = {
  perSecond: option.number({
    doc: "Attempts per second allowed on average.",
    required: true,
    min: 0,
    exclusiveMin: true,
  }),
  burst: option.number({
    doc: "Attempts that may go out back to back (the bucket's size; it starts full); at least 1.",
    defaultText: "max(1, perSecond), one second's worth",
  }),
} as const;

/** Options of a client-side rate limit, as its constructor takes them. */
export type RateLimitOptions = OptionsInput<typeof RATE_LIMIT_OPTIONS>;

/** A hard cap on the rate of attempts a client sends; an attempt over it fails locally. */
export interface RateLimiter {
  /** Human-readable description for the report. */
  readonly label: string;
  /** Whether an attempt may be sent at `now` (no side effects). */
  allows(now: number): boolean;
  /** An attempt was sent at `now`. */
  take(now: number): void;
}

/** Token bucket: `perSecond` tokens a second up to `burst`; each attempt takes one. */
export class TokenBucketRateLimiter implements RateLimiter {
  readonly label: string;
  readonly perSecond: number;
  readonly burst: number;
  private tokens: number;
  private updated: number;

  /** `now` is when the limit takes effect (the bucket starts full then). */
  constructor(options: RateLimitOptions, now = 0) {
    const o = readOptions(RATE_LIMIT_OPTIONS, options);
    this.perSecond = o.perSecond;
    this.burst = checkNumber("burst", o.burst ?? Math.max(1, this.perSecond), { min: 1 });
    this.tokens = this.burst;
    this.updated = now;
    this.label = `${this.perSecond}/s, burst ${this.burst}`;
  }

  allows(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1 - 1e-9;
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    if (now > this.updated) {
      this.tokens = Math.min(this.burst, this.tokens + this.perSecond * (now - this.updated));
      this.updated = now;
    }
  }
}
