import { type OptionsInput, option, readOptions } from "../options.js";

/** Options of a retry budget. Rates in tokens per second. */
export const RETRY_BUDGET_OPTIONS = {
  ratio: option.number({
    doc: "Tokens each new request deposits; a retry spends one, so retries stay under ratio x requests.",
    default: 0.1,
    min: 0,
  }),
  minPerSecond: option.number({
    doc: "Tokens that accrue per second regardless of traffic, so a quiet client can still retry.",
    default: 1,
    min: 0,
  }),
  burst: option.number({
    doc: "Most tokens the budget holds (it starts full), so a long calm spell cannot fund a storm.",
    default: 10,
    min: 1,
  }),
} as const;

/** Options of a retry budget, as its constructor takes them. */
export type RetryBudgetOptions = OptionsInput<typeof RETRY_BUDGET_OPTIONS>;

/**
 * Caps retries at a fraction of requests. The client asks before every retry (and hedge); a
 * refused retry is not sent.
 */
export interface RetryBudget {
  /** Human-readable description for the report. */
  readonly label: string;
  /** A new request arrived at `now`. */
  deposit(now: number): void;
  /** Whether a retry may be sent at `now` (no side effects). */
  allows(now: number): boolean;
  /** A retry was sent at `now`. */
  spend(now: number): void;
}

/**
 * Token-bucket retry budget, after Finagle's RetryBudget and gRPC's retry throttling: each request
 * deposits `ratio` tokens, time adds `minPerSecond`, a retry spends one, and the bucket holds at
 * most `burst`. Under a storm the budget is spent and retries fall to ratio x requests.
 */
export class TokenRetryBudget implements RetryBudget {
  readonly label: string;
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly burst: number;
  private tokens: number;
  private updated = 0;

  constructor(options: RetryBudgetOptions = {}) {
    const o = readOptions(RETRY_BUDGET_OPTIONS, options);
    this.ratio = o.ratio;
    this.minPerSecond = o.minPerSecond;
    this.burst = o.burst;
    this.tokens = this.burst;
    this.label = `ratio ${this.ratio}, min ${this.minPerSecond}/s, burst ${this.burst}`;
  }

  /** Tokens available at `now`. */
  balance(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  deposit(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.burst, this.tokens + this.ratio);
  }

  allows(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1 - 1e-9;
  }

  spend(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  // Time-based accrual is computed when asked, so the budget schedules no events.
  private refill(now: number): void {
    if (now > this.updated) {
      this.tokens = Math.min(this.burst, this.tokens + this.minPerSecond * (now - this.updated));
      this.updated = now;
    }
  }
}
