import { checkBoolean, checkNumber, within } from "../engine/option-error.js";
import type { RandomStream } from "../engine/random.js";
import type { EventHandle, Handler, Simulation } from "../engine/simulation.js";
import type { Backoff } from "./backoff/backoff.js";
import { type BackoffSpec, createBackoff } from "./backoff/create-backoff.js";
import type { Call, ReplyStatus, Service } from "./call.js";
import type { CircuitBreakerOptions } from "./client-policies/circuit-breaker.js";
import type { ConcurrencyLimitOptions } from "./client-policies/concurrency-limit.js";
import { type DeadlinePolicy, FixedDeadline } from "./client-policies/deadline.js";
import { type AttemptOutcome, GateSet, type GateStats } from "./client-policies/gate-set.js";
import { FixedDelayHedge, type HedgeOptions, type HedgePolicy } from "./client-policies/hedge.js";
import type { RateLimitOptions } from "./client-policies/rate-limit.js";
import type { RetryBudgetOptions } from "./client-policies/retry-budget.js";
import type { Capabilities, Component } from "./component.js";
import type { RequestSink } from "./load/source.js";

/** Options of a client. Seconds throughout. */
export interface ClientOptions {
  /** Per-attempt timeout (> 0). Default: 1. */
  timeout?: number;
  /** Attempts per request, first try included (1 = never retry). Default: 3. */
  maxAttempts?: number;
  /** Retry an attempt that timed out. Default: true. */
  retryOnTimeout?: boolean;
  /** Retry an attempt answered with an error (rejected, expired). Default: true. */
  retryOnError?: boolean;
  /** Wait before each retry. Default: { kind: "none" } (retry at once). */
  backoff?: BackoffSpec;
  /**
   * Take the answer to an attempt that already timed out if the request is still pending (a
   * retry is in flight or waiting): the request completes and the retry's work is wasted.
   * Default: false (a timed-out attempt's answer is discarded, as when its connection is closed).
   */
  acceptLateResponses?: boolean;
  /** Retry only while retries stay under a fraction of requests; a refused retry gives up. Default: none. */
  retryBudget?: RetryBudgetOptions;
  /** Fail attempts locally, without a call, while recent attempts mostly failed. Default: none. */
  circuitBreaker?: CircuitBreakerOptions;
  /** Send one extra copy of a request whose first attempt is slow; the first ok answer wins. Default: none. */
  hedge?: HedgeOptions;
  /**
   * End-to-end deadline per request (> 0 seconds): attempts carry min(own timeout, arrival +
   * deadline), and no retry starts after it. Default: none.
   */
  deadline?: number;
  /** A hard cap on attempts per second; attempts over it fail locally. Default: none. */
  rateLimit?: RateLimitOptions;
  /** An adaptive cap on attempts in flight; attempts over it fail locally. Default: none. */
  concurrencyLimit?: ConcurrencyLimitOptions;
}

/**
 * Counters a client keeps. The optional ones exist only while the option they count is set.
 * An attempt a gate refuses is not sent (not in `attempts`); its request gives up.
 */
export interface ClientStats extends GateStats {
  /** Requests received from sources. */
  requests: number;
  /** Attempts sent (first tries plus retries). */
  attempts: number;
  /** Attempts that were retries. */
  retries: number;
  /** Attempts that timed out. */
  timeouts: number;
  /** Error answers received (rejected or expired). */
  errors: number;
  /** Requests completed successfully. */
  completions: number;
  /** Requests abandoned after their last allowed attempt failed. */
  gaveUp: number;
  /** Requests neither completed nor given up. */
  inFlight: number;
  /** Hedge attempts sent (also counted in `attempts`, not in `retries`). */
  hedges?: number;
  /** Requests that gave up because their next retry would start at or after their deadline. */
  deadlineExceeded?: number;
}

/** Called for each completed request with its end-to-end latency and the attempts it took. */
export type CompletionListener = (latency: number, attempts: number) => void;

// Per-request and per-attempt state is kept small: in a retry storm hundreds of thousands of
// abandoned attempts wait in a server queue, so every field is copied by the garbage collector
// (and a field that holds a non-integer number costs a separate heap box).

/** A request from a source, until it completes or gives up. */
class PendingRequest {
  /** First tries plus retries sent (hedges not included). */
  attempts = 0;
  lastDelay = 0;
  done = false;
  /**
   * The latest attempt while the client waits for its answer; null once it was answered, timed
   * out or withdrawn. Only the latest attempt can be waited for (a retry starts after the previous
   * attempt ended), so its timeout event and gate ticket are kept here too, and an attempt needs
   * no fields of its own for them. A hedge has its own in `hedging`.
   */
  waitingFor: Attempt | null = null;
  timer: EventHandle = -1;
  ticket = 0;
  constructor(
    readonly client: Client,
    readonly createdAt: number,
    /** Absolute end-to-end deadline (Infinity without one). */
    readonly deadline: number,
    /** Only when the client hedges. */
    readonly hedging: HedgeState | null,
  ) {}
}

/** A hedged request's hedge (its first attempt is the request's `waitingFor` until a retry). */
class HedgeState {
  /** The hedge while the client waits for its answer. */
  hedge: Attempt | null = null;
  /** The pending hedge event, or -1. */
  hedgeTimer: EventHandle = -1;
  /** The hedge attempt's timeout event and gate ticket. */
  timer: EventHandle = -1;
  ticket = 0;
}

const TIMEOUT = 0;
const RETRY = 1;
// Immediate retries of attempts that fail at once (an unreachable target) nest on the stack: past
// this depth the next one is scheduled at the same instant instead, so no call chain overflows it.
const MAX_NESTED_RETRIES = 16;
const HEDGE = 2;

/** One attempt: the Call the server sees. */
class Attempt implements Call {
  constructor(
    readonly id: number,
    readonly request: PendingRequest,
    readonly deadline: number,
  ) {}
  reply(status: ReplyStatus): boolean {
    return this.request.client.onReply(this, status);
  }
}

/**
 * A caller with a per-attempt timeout, bounded retries and a backoff policy, and optionally a
 * retry budget, circuit breaker, hedging, an end-to-end deadline, a rate limit and an adaptive
 * concurrency limit (each off unless configured).
 */
export class Client implements Handler, RequestSink, Component, Capabilities {
  readonly type = "client";
  readonly stats: ClientStats = {
    requests: 0,
    attempts: 0,
    retries: 0,
    timeouts: 0,
    errors: 0,
    completions: 0,
    gaveUp: 0,
    inFlight: 0,
  };
  readonly timeout: number;
  readonly maxAttempts: number;
  readonly retryOnTimeout: boolean;
  readonly retryOnError: boolean;
  readonly backoff: Backoff;
  readonly acceptLateResponses: boolean;
  readonly hedge: HedgePolicy | null;
  readonly deadline: DeadlinePolicy | null;
  // The gates an attempt must pass (budget, breaker, limits); null when none is configured.
  private gates: GateSet | null;
  private readonly rng: RandomStream;
  private readonly listeners: CompletionListener[] = [];
  private nextId = 0;
  // Calls to the target in progress on the stack (a failure answered at once re-enters `send`).
  private nested = 0;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly target: Service,
    options: ClientOptions = {},
  ) {
    this.timeout = checkNumber("timeout", options.timeout ?? 1, { min: 0, exclusiveMin: true });
    this.maxAttempts = checkNumber("maxAttempts", options.maxAttempts ?? 3, { min: 1, integer: true });
    this.retryOnTimeout = checkBoolean("retryOnTimeout", options.retryOnTimeout ?? true);
    this.retryOnError = checkBoolean("retryOnError", options.retryOnError ?? true);
    this.acceptLateResponses = checkBoolean("acceptLateResponses", options.acceptLateResponses ?? false);
    this.backoff = within(["backoff"], () => createBackoff(options.backoff ?? { kind: "none" }));
    const hedge = options.hedge;
    this.hedge = hedge ? within(["hedge"], () => new FixedDelayHedge(hedge, this.timeout)) : null;
    this.deadline = options.deadline === undefined ? null : new FixedDeadline(options.deadline);
    this.gates = GateSet.wanted(options) ? new GateSet(options, this.stats) : null;
    if (this.hedge) this.stats.hedges = 0;
    if (this.deadline) this.stats.deadlineExceeded = 0;
    this.rng = sim.stream(`client:${name}`);
  }

  gauges(): Record<string, number> {
    const inFlight = this.stats.inFlight;
    return this.gates ? { inFlight, ...this.gates.gauges(this.sim.now) } : { inFlight };
  }

  describe(): Record<string, string> {
    return {
      target: this.target.name,
      timeout: `${this.timeout} s`,
      maxAttempts: String(this.maxAttempts),
      backoff: this.backoff.label,
      retryOn:
        [this.retryOnTimeout && "timeout", this.retryOnError && "error"].filter(Boolean).join(", ") ||
        "nothing",
      acceptLateResponses: String(this.acceptLateResponses),
      ...(this.deadline && { deadline: this.deadline.label }),
      ...(this.hedge && { hedge: this.hedge.label }),
      ...this.gates?.describe(),
    };
  }

  /** Switches a runtime cap on attempts per second on, or (null) back to the configured `rateLimit`. */
  setRateLimit(perSecond: number | null): void {
    if (perSecond !== null) checkNumber("perSecond", perSecond, { min: 0, exclusiveMin: true });
    if (this.gates === null && perSecond === null) return;
    this.gates ??= new GateSet({}, this.stats);
    this.gates.setRateLimit(perSecond, this.sim.now);
  }

  /** Subscribes to request completions (for latency metrics). */
  onCompletion(listener: CompletionListener): void {
    this.listeners.push(listener);
  }

  request(): void {
    this.stats.requests++;
    this.stats.inFlight++;
    const now = this.sim.now;
    this.gates?.onRequest(now);
    const deadline = this.deadline ? this.deadline.deadlineFor(now) : Number.POSITIVE_INFINITY;
    this.send(new PendingRequest(this, now, deadline, this.hedge ? new HedgeState() : null));
  }

  handleEvent(kind: number, data: unknown): void {
    if (kind === TIMEOUT) {
      const attempt = data as Attempt;
      this.stats.timeouts++;
      this.stopWaiting(attempt, "failed");
      this.failed(attempt.request, this.retryOnTimeout);
    } else if (kind === RETRY) {
      this.send(data as PendingRequest);
    } else {
      this.sendHedge(data as PendingRequest);
    }
  }

  /** The answer to one attempt; returns whether it was still wanted. */
  onReply(attempt: Attempt, status: ReplyStatus): boolean {
    const request = attempt.request;
    if (attempt !== request.waitingFor && attempt !== request.hedging?.hedge) {
      if (status !== "ok" || !this.acceptLateResponses || request.done) return false;
      this.complete(request);
      return true;
    }
    this.sim.cancel(this.timerOf(attempt));
    this.stopWaiting(attempt, status === "ok" ? "ok" : "failed");
    if (request.done) return false;
    if (status === "ok") {
      this.complete(request);
    } else {
      this.stats.errors++;
      this.failed(request, this.retryOnError);
    }
    return true;
  }

  private send(request: PendingRequest): void {
    if (request.done) return;
    const retry = request.attempts > 0;
    let ticket = 0;
    if (this.gates !== null) {
      ticket = this.gates.admit(this.sim.now, retry);
      if (ticket < 0) {
        this.giveUp(request);
        return;
      }
    }
    request.attempts++;
    this.stats.attempts++;
    if (retry) this.stats.retries++;
    const attempt = this.attempt(request);
    request.waitingFor = attempt;
    request.timer = this.armTimeout(attempt);
    request.ticket = ticket;
    const hedging = request.hedging;
    if (hedging !== null && !retry) {
      // Scheduled before the call goes out, so an answer given at once can cancel it.
      hedging.hedgeTimer = this.sim.schedule(this.hedge!.after, this, HEDGE, request);
    }
    this.nested++;
    this.target.accept(attempt);
    this.nested--;
  }

  /** The first attempt is slow: send its hedge, unless a gate refuses (then keep waiting). */
  private sendHedge(request: PendingRequest): void {
    const hedging = request.hedging!;
    hedging.hedgeTimer = -1;
    if (request.done) return;
    const ticket = this.gates === null ? 0 : this.gates.admit(this.sim.now, true);
    if (ticket < 0) return;
    this.stats.attempts++;
    this.stats.hedges!++;
    const hedge = this.attempt(request);
    hedging.hedge = hedge;
    hedging.timer = this.armTimeout(hedge);
    hedging.ticket = ticket;
    this.target.accept(hedge);
  }

  /** A new attempt; the end-to-end deadline cuts its timeout short. */
  private attempt(request: PendingRequest): Attempt {
    return new Attempt(this.nextId++, request, Math.min(this.sim.now + this.timeout, request.deadline));
  }

  private armTimeout(attempt: Attempt): EventHandle {
    const deadline = attempt.request.deadline;
    return this.sim.now + this.timeout <= deadline
      ? this.sim.schedule(this.timeout, this, TIMEOUT, attempt)
      : this.sim.scheduleAt(deadline, this, TIMEOUT, attempt);
  }

  /** The pending timeout of an attempt the client waits for. */
  private timerOf(attempt: Attempt): EventHandle {
    const hedging = attempt.request.hedging;
    return hedging !== null && attempt === hedging.hedge ? hedging.timer : attempt.request.timer;
  }

  /** The client stops waiting for an attempt (answered, timed out or withdrawn; its timeout is done). */
  private stopWaiting(attempt: Attempt, outcome: AttemptOutcome): void {
    const request = attempt.request;
    const hedging = request.hedging;
    const isHedge = hedging !== null && attempt === hedging.hedge;
    if (isHedge) hedging.hedge = null;
    else request.waitingFor = null;
    this.gates?.settled(isHedge ? hedging.ticket : request.ticket, outcome, this.sim.now);
    // The first attempt ended before the hedge was due (no hedge or retry exists while it is): a
    // retry, not a hedge, follows.
    if (hedging !== null && hedging.hedgeTimer >= 0) {
      this.sim.cancel(hedging.hedgeTimer);
      hedging.hedgeTimer = -1;
    }
  }

  private failed(request: PendingRequest, retryable: boolean): void {
    if (request.done) return;
    // With a hedge out, the other copy may still answer.
    const hedging = request.hedging;
    if (hedging !== null && (request.waitingFor !== null || hedging.hedge !== null)) return;
    if (!retryable || request.attempts >= this.maxAttempts) {
      this.giveUp(request);
      return;
    }
    const delay = this.backoff.delay(request.attempts, request.lastDelay, this.rng);
    request.lastDelay = delay;
    if (this.sim.now + delay >= request.deadline) {
      this.stats.deadlineExceeded!++;
      this.giveUp(request);
      return;
    }
    if (delay === 0 && this.nested < MAX_NESTED_RETRIES) this.send(request);
    else this.sim.schedule(delay, this, RETRY, request);
  }

  private giveUp(request: PendingRequest): void {
    request.done = true;
    this.stats.gaveUp++;
    this.stats.inFlight--;
  }

  /** Stops waiting for an attempt (if any) whose request another attempt has answered. */
  private withdraw(attempt: Attempt | null): void {
    if (attempt === null) return;
    this.sim.cancel(this.timerOf(attempt));
    this.stopWaiting(attempt, "withdrawn");
  }

  private complete(request: PendingRequest): void {
    request.done = true;
    this.stats.completions++;
    this.stats.inFlight--;
    const hedging = request.hedging;
    if (hedging !== null) {
      // The first attempt and the hedge, if still out. A retry still out is left to time out, as
      // it is without hedging (a late answer can complete the request while one is).
      if (request.attempts === 1) this.withdraw(request.waitingFor);
      this.withdraw(hedging.hedge);
    }
    const latency = this.sim.now - request.createdAt;
    for (const listener of this.listeners) listener(latency, request.attempts);
  }
}
