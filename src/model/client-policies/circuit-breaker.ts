import { type OptionsInput, option, readOptions } from "../options.js";

/** Options of a circuit breaker. */
export const CIRCUIT_BREAKER_OPTIONS = {
  failureThreshold: option.number({
    doc: "Fraction of failed attempts among the last `window` that opens the breaker.",
    default: 0.5,
    min: 0,
    exclusiveMin: true,
    max: 1,
  }),
  window: option.integer({
    doc: "How many of the most recent attempt outcomes are judged; the breaker cannot open before it has this many.",
    default: 20,
    min: 1,
  }),
  openFor: option.number({
    doc: "Seconds the breaker stays open (failing attempts locally) before it lets probes through.",
    default: 5,
    min: 0,
    exclusiveMin: true,
  }),
  halfOpenProbes: option.integer({
    doc: "Attempts let through while half-open; all must succeed to close, any failure reopens. 0: no half-open state, the breaker closes by itself once `openFor` has passed (as Envoy's outlier detection returns an ejected host after its ejection time), whether or not the service has recovered.",
    default: 1,
    min: 0,
  }),
} as const;

/** Options of a circuit breaker, as its constructor takes them. */
export type CircuitBreakerOptions = OptionsInput<typeof CIRCUIT_BREAKER_OPTIONS>;

/** Where a breaker stands. */
export type BreakerState = "closed" | "open" | "halfOpen";

/**
 * Fails attempts locally while the service looks broken, so a struggling service gets no calls.
 * `sent` hands out a ticket that the attempt's outcome is reported with, so outcomes of attempts
 * sent under an earlier state are ignored.
 */
export interface CircuitBreaker {
  /** Human-readable description for the report. */
  readonly label: string;
  /** The state at `now` (open turns half-open once `openFor` has passed). */
  state(now: number): BreakerState;
  /** Whether an attempt may be sent at `now` (no side effects besides the timed open -> half-open). */
  allows(now: number): boolean;
  /** An attempt was sent at `now`; returns the ticket to report its outcome with. */
  sent(now: number): number;
  /** The attempt with `ticket` succeeded (true) or failed: timed out or answered with an error (false). */
  record(ticket: number, ok: boolean, now: number): void;
  /** The attempt with `ticket` was withdrawn unanswered (another attempt of its request won). */
  release(ticket: number): void;
}

/**
 * Count-based breaker: it opens when at least `failureThreshold` of the last `window` outcomes
 * were failures, stays open `openFor` seconds, then lets `halfOpenProbes` attempts through (as
 * Hystrix, Polly and resilience4j do), or with no probes closes on the timer alone (as Envoy's
 * outlier ejection does). A probe queues behind whatever the service still holds, so a probing
 * breaker closes only once the backlog ahead of its probe is gone; a timed one closes into it.
 */
export class WindowCircuitBreaker implements CircuitBreaker {
  readonly label: string;
  readonly failureThreshold: number;
  readonly window: number;
  readonly openFor: number;
  readonly halfOpenProbes: number;
  private current: BreakerState = "closed";
  // Bumped on every state change; a ticket from another epoch is stale.
  private epoch = 0;
  private openUntil = 0;
  private readonly outcomes: boolean[] = [];
  private next = 0;
  private failures = 0;
  private probesSent = 0;
  private probesOk = 0;
  // Failures among a full window that trip the breaker (rounded up, so 0.3 x 20 is 6, not 7).
  private readonly tripAt: number;

  constructor(options: CircuitBreakerOptions = {}) {
    const o = readOptions(CIRCUIT_BREAKER_OPTIONS, options);
    this.failureThreshold = o.failureThreshold;
    this.window = o.window;
    this.openFor = o.openFor;
    this.halfOpenProbes = o.halfOpenProbes;
    this.tripAt = Math.max(1, Math.ceil(this.failureThreshold * this.window - 1e-9));
    const close = this.halfOpenProbes > 0 ? `${this.halfOpenProbes} probe(s)` : "then closed";
    this.label = `open at ${this.failureThreshold} of ${this.window} failed, for ${this.openFor} s, ${close}`;
  }

  state(now: number): BreakerState {
    if (this.current === "open" && now >= this.openUntil)
      this.enter(this.halfOpenProbes > 0 ? "halfOpen" : "closed");
    return this.current;
  }

  allows(now: number): boolean {
    const s = this.state(now);
    return s === "closed" || (s === "halfOpen" && this.probesSent < this.halfOpenProbes);
  }

  sent(now: number): number {
    if (this.state(now) === "halfOpen") this.probesSent++;
    return this.epoch;
  }

  record(ticket: number, ok: boolean, now: number): void {
    if (ticket !== this.epoch) return;
    if (this.current === "halfOpen") {
      if (!ok) this.trip(now);
      else if (++this.probesOk >= this.halfOpenProbes) this.enter("closed");
      return;
    }
    if (this.current !== "closed") return;
    // A ring of the last `window` outcomes, with a running count of failures.
    if (this.outcomes.length < this.window) this.outcomes.push(ok);
    else {
      if (!this.outcomes[this.next]) this.failures--;
      this.outcomes[this.next] = ok;
      this.next = (this.next + 1) % this.window;
    }
    if (!ok) this.failures++;
    if (this.outcomes.length === this.window && this.failures >= this.tripAt) this.trip(now);
  }

  release(ticket: number): void {
    if (ticket === this.epoch && this.current === "halfOpen") this.probesSent--;
  }

  private trip(now: number): void {
    this.enter("open");
    this.openUntil = now + this.openFor;
  }

  private enter(state: BreakerState): void {
    this.current = state;
    this.epoch++;
    this.outcomes.length = 0;
    this.next = 0;
    this.failures = 0;
    this.probesSent = 0;
    this.probesOk = 0;
  }
}
