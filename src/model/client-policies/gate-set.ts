import { within } from "../../engine/option-error.js";
import { type CircuitBreaker, type CircuitBreakerOptions, WindowCircuitBreaker } from "./circuit-breaker.js";
import {
  AimdConcurrencyLimit,
  type ConcurrencyLimit,
  type ConcurrencyLimitOptions,
} from "./concurrency-limit.js";
import { type RateLimiter, type RateLimitOptions, TokenBucketRateLimiter } from "./rate-limit.js";
import { type RetryBudget, type RetryBudgetOptions, TokenRetryBudget } from "./retry-budget.js";

/** The client options that gate attempts before they are sent. Each is off when absent. */
export interface GateOptions {
  retryBudget?: RetryBudgetOptions;
  circuitBreaker?: CircuitBreakerOptions;
  rateLimit?: RateLimitOptions;
  concurrencyLimit?: ConcurrencyLimitOptions;
}

/** Counters of attempts the gates refused; a field exists only while its gate is configured. */
export interface GateStats {
  /** Retries (and hedges) not sent because the retry budget was spent. */
  budgetDenied?: number;
  /** Attempts failed locally because the circuit breaker was open. */
  shortCircuited?: number;
  /** Attempts failed locally by the client-side rate limit. */
  rateLimited?: number;
  /** Attempts failed locally because the concurrency limit was reached. */
  limited?: number;
}

/** How an attempt ended, as the gates learn it. */
export type AttemptOutcome = "ok" | "failed" | "withdrawn";

/**
 * The client's gates, asked in turn before every attempt: circuit breaker, retry budget (retries
 * and hedges only), concurrency limit, rate limit. Nothing is taken from any of them unless all
 * let the attempt through, so a refused attempt costs no budget, tokens or probe slot.
 */
export class GateSet {
  readonly budget: RetryBudget | null;
  readonly breaker: CircuitBreaker | null;
  readonly concurrency: ConcurrencyLimit | null;
  private readonly configuredRate: RateLimiter | null;
  private rate: RateLimiter | null;

  /** Builds the configured gates and adds their counters to `stats`. */
  constructor(
    options: GateOptions,
    private readonly stats: GateStats,
  ) {
    const { retryBudget, circuitBreaker, rateLimit, concurrencyLimit } = options;
    this.budget = retryBudget ? within(["retryBudget"], () => new TokenRetryBudget(retryBudget)) : null;
    this.breaker = circuitBreaker
      ? within(["circuitBreaker"], () => new WindowCircuitBreaker(circuitBreaker))
      : null;
    this.concurrency = concurrencyLimit
      ? within(["concurrencyLimit"], () => new AimdConcurrencyLimit(concurrencyLimit))
      : null;
    this.configuredRate = rateLimit
      ? within(["rateLimit"], () => new TokenBucketRateLimiter(rateLimit))
      : null;
    this.rate = this.configuredRate;
    if (this.budget) stats.budgetDenied = 0;
    if (this.breaker) stats.shortCircuited = 0;
    if (this.concurrency) stats.limited = 0;
    if (this.rate) stats.rateLimited = 0;
  }

  /** Whether any option in `options` asks for a gate. */
  static wanted(options: GateOptions): boolean {
    return Boolean(
      options.retryBudget || options.circuitBreaker || options.rateLimit || options.concurrencyLimit,
    );
  }

  /** A new request arrived. */
  onRequest(now: number): void {
    this.budget?.deposit(now);
  }

  /**
   * Asks every gate about an attempt (`retry`: a retry or hedge rather than a first try). On
   * refusal counts it against the gate that refused and returns -1; otherwise takes what the
   * attempt uses and returns the breaker ticket to settle it with.
   */
  admit(now: number, retry: boolean): number {
    const s = this.stats;
    if (this.breaker && !this.breaker.allows(now)) return refuse(s, "shortCircuited");
    if (retry && this.budget && !this.budget.allows(now)) return refuse(s, "budgetDenied");
    if (this.concurrency && !this.concurrency.allows()) return refuse(s, "limited");
    if (this.rate && !this.rate.allows(now)) return refuse(s, "rateLimited");
    if (retry) this.budget?.spend(now);
    this.concurrency?.sent();
    this.rate?.take(now);
    return this.breaker ? this.breaker.sent(now) : 0;
  }

  /** An admitted attempt ended. */
  settled(ticket: number, outcome: AttemptOutcome, now: number): void {
    this.concurrency?.settled(outcome);
    if (!this.breaker) return;
    if (outcome === "withdrawn") this.breaker.release(ticket);
    else this.breaker.record(ticket, outcome === "ok", now);
  }

  /** Switches a runtime rate limit on, or (null) back to the configured one, if any. */
  setRateLimit(perSecond: number | null, now: number): void {
    this.rate = perSecond === null ? this.configuredRate : new TokenBucketRateLimiter({ perSecond }, now);
    if (this.rate) this.stats.rateLimited ??= 0;
  }

  /** Report lines for the configured gates. */
  describe(): Record<string, string> {
    const d: Record<string, string> = {};
    if (this.budget) d.retryBudget = this.budget.label;
    if (this.breaker) d.circuitBreaker = this.breaker.label;
    if (this.concurrency) d.concurrencyLimit = this.concurrency.label;
    if (this.configuredRate) d.rateLimit = this.configuredRate.label;
    return d;
  }

  /** Gauges of the adaptive gates: the concurrency limit, and the breaker (0 closed, 0.5 half-open, 1 open). */
  gauges(now: number): Record<string, number> {
    const g: Record<string, number> = {};
    if (this.concurrency) g.limit = this.concurrency.limit;
    if (this.breaker) g.breakerOpen = BREAKER_GAUGE[this.breaker.state(now)];
    return g;
  }
}

const BREAKER_GAUGE = { closed: 0, halfOpen: 0.5, open: 1 } as const;

function refuse(stats: GateStats, counter: keyof GateStats): number {
  stats[counter] = (stats[counter] ?? 0) + 1;
  return -1;
}
