import { checkNumber, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { EventHandle, Handler, Simulation } from "../../engine/simulation.js";
import type { Backoff } from "../backoff/backoff.js";
import { BACKOFFS, createBackoff } from "../backoff/create-backoff.js";
import type { Caller, ReplyStatus, RequestOwner, Service } from "../call.js";
import { CIRCUIT_BREAKER_OPTIONS } from "../client-policies/circuit-breaker.js";
import { CONCURRENCY_LIMITS } from "../client-policies/concurrency-limit.js";
import { type DeadlinePolicy, FixedDeadline } from "../client-policies/deadline.js";
import { type AttemptOutcome, GateSet, type GateStats } from "../client-policies/gate-set.js";
import { FixedDelayHedge, HEDGE_OPTIONS, type HedgePolicy } from "../client-policies/hedge.js";
import { RATE_LIMIT_OPTIONS } from "../client-policies/rate-limit.js";
import { RETRY_BUDGET_OPTIONS } from "../client-policies/retry-budget.js";
import type { Capabilities, Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { NONE, RequestTable } from "../request-table.js";
import type { MakesCalls } from "../roles.js";
import type { RequestSink } from "./source.js";

/** Options of a client. Seconds throughout. */
export const CLIENT_OPTIONS = {
  timeout: option.number({ doc: "Per-attempt timeout.", default: 1, min: 0, exclusiveMin: true }),
  maxAttempts: option.integer({
    doc: "Attempts per request, first try included (1 = never retry).",
    default: 3,
    min: 1,
  }),
  retryOnTimeout: option.boolean({ doc: "Retry an attempt that timed out.", default: true }),
  retryOnError: option.boolean({
    doc: "Retry an attempt answered with an error (rejected, expired, unavailable).",
    default: true,
  }),
  retryOnEmpty: option.boolean({
    doc: 'Retry an attempt answered "empty" (there is nothing to get, as a DNS NOERROR with no address says).',
    default: false,
    defaultText: "(a compliant client stops)",
  }),
  backoff: option.policy(BACKOFFS, {
    doc: "Wait before each retry.",
    default: { kind: "none" },
    defaultText: "(retry at once)",
  }),
  acceptLateResponses: option.boolean({
    doc: "Take the answer to an attempt that already timed out if the request is still pending (a retry is in flight or waiting): the request completes and the retry's work is wasted.",
    default: false,
    defaultText: "(a timed-out attempt's answer is discarded, as when its connection is closed)",
  }),
  retryBudget: option.group(RETRY_BUDGET_OPTIONS, {
    doc: "Retry only while retries stay under a fraction of requests; a refused retry gives up.",
  }),
  circuitBreaker: option.group(CIRCUIT_BREAKER_OPTIONS, {
    doc: "Fail attempts locally, without a call, while recent attempts mostly failed.",
  }),
  hedge: option.group(HEDGE_OPTIONS, {
    doc: "Send one extra copy of a request whose first attempt is slow; the first ok answer wins.",
  }),
  deadline: option.number({
    doc: "End-to-end deadline per request: attempts carry min(own timeout, arrival + deadline), and no retry starts after it.",
    min: 0,
    exclusiveMin: true,
  }),
  rateLimit: option.group(RATE_LIMIT_OPTIONS, {
    doc: "A hard cap on attempts per second; attempts over it fail locally.",
  }),
  concurrencyLimit: option.policy(CONCURRENCY_LIMITS, {
    doc: "An adaptive cap on attempts in flight; attempts over it fail locally.",
  }),
} as const;

/** Options of a client, as its constructor takes them. */
export type ClientOptions = OptionsInput<typeof CLIENT_OPTIONS>;

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
  /**
   * Attempts still out when another answer (a late one, or a hedge's) completed their request:
   * no longer waited for, so they end as neither a timeout nor an answer.
   */
  abandoned: number;
  /** Hedge attempts sent (also counted in `attempts`, not in `retries`). */
  hedges?: number;
  /** Requests that gave up because their next retry would start at or after their deadline. */
  deadlineExceeded?: number;
}

/** Called for each completed request with its end-to-end latency and the attempts it took. */
export type CompletionListener = (latency: number, attempts: number) => void;

const TIMEOUT = 0;
const RETRY = 1;
const HEDGE = 2;
const HEDGE_TIMEOUT = 3;
// Immediate retries of attempts that fail at once (an unreachable target) nest on the stack: past
// this depth the next one is scheduled at the same instant instead, so no call chain overflows it.
const MAX_NESTED_RETRIES = 16;

/**
 * A caller with a per-attempt timeout, bounded retries and a backoff policy, and optionally a
 * retry budget, circuit breaker, hedging, an end-to-end deadline, a rate limit and an adaptive
 * concurrency limit (each off unless configured).
 */
export class Client implements Handler, Caller, RequestSink, Component, Capabilities, MakesCalls {
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
    abandoned: 0,
  };
  readonly timeout: number;
  readonly maxAttempts: number;
  readonly retryOnTimeout: boolean;
  readonly retryOnError: boolean;
  readonly retryOnEmpty: boolean;
  readonly backoff: Backoff;
  readonly acceptLateResponses: boolean;
  readonly hedge: HedgePolicy | null;
  readonly deadline: DeadlinePolicy | null;
  // The gates an attempt must pass (budget, breaker, limits); null when none is configured.
  private gates: GateSet | null;
  private readonly rng: RandomStream;
  private readonly listeners: CompletionListener[] = [];
  // Requests in flight. An attempt is a token naming its request's row; it needs no object.
  private readonly table = new RequestTable();
  // Calls to the target in progress on the stack (a failure answered at once re-enters `send`).
  private nested = 0;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly target: Service,
    options: ClientOptions = {},
    // The calling service it makes calls for, if any (see `forward`).
    private readonly owner: RequestOwner | null = null,
  ) {
    const o = readOptions(CLIENT_OPTIONS, options);
    this.timeout = o.timeout;
    this.maxAttempts = o.maxAttempts;
    this.retryOnTimeout = o.retryOnTimeout;
    this.retryOnError = o.retryOnError;
    this.retryOnEmpty = o.retryOnEmpty;
    this.acceptLateResponses = o.acceptLateResponses;
    this.backoff = within(["backoff"], () => createBackoff(o.backoff));
    const hedge = o.hedge;
    this.hedge = hedge ? within(["hedge"], () => new FixedDelayHedge(hedge, this.timeout)) : null;
    this.deadline = o.deadline === undefined ? null : new FixedDeadline(o.deadline);
    this.gates = GateSet.wanted(o) ? new GateSet(o, this.stats) : null;
    if (this.hedge) this.stats.hedges = 0;
    // A forwarding client may be handed a propagated deadline even without one of its own.
    if (this.deadline || this.owner) this.stats.deadlineExceeded = 0;
    this.rng = sim.stream(`client:${name}`);
  }

  /** Its call counters (the stats object itself). */
  get calls(): ClientStats {
    return this.stats;
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
        [this.retryOnTimeout && "timeout", this.retryOnError && "error", this.retryOnEmpty && "empty"]
          .filter(Boolean)
          .join(", ") || "nothing",
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
    this.forward(NONE, -1, Number.POSITIVE_INFINITY);
  }

  /**
   * A request, made for the owner (NONE: for a source) and reported back through
   * `owner.requestEnded(ownerToken, ...)`. `requestId` is the upstream request it serves (-1: a
   * new one); `deadline` caps the request's own end-to-end deadline (a propagated deadline).
   */
  forward(ownerToken: number, requestId: number, deadline: number): void {
    this.stats.requests++;
    this.stats.inFlight++;
    const now = this.sim.now;
    this.gates?.onRequest(now);
    const own = this.deadline ? this.deadline.deadlineFor(now) : Number.POSITIVE_INFINITY;
    const end = Math.min(own, deadline);
    const row = this.table.open(now, end, requestId < 0 ? this.sim.uniqueId() : requestId);
    this.table.owner[row] = ownerToken;
    if (end <= now) {
      // Nobody will wait for an answer: no attempt is sent.
      this.stats.deadlineExceeded!++;
      this.giveUp(row, "expired");
      this.table.release(row);
      return;
    }
    this.send(row);
  }

  handleEvent(kind: number, data: unknown): void {
    const row = data as number;
    if (kind === TIMEOUT || kind === HEDGE_TIMEOUT) {
      this.stats.timeouts++;
      this.stopWaiting(row, kind === HEDGE_TIMEOUT, "failed");
      this.failed(row, this.retryOnTimeout, "expired");
    } else if (kind === RETRY) {
      this.table.retryPending[row] = 0;
      this.send(row);
    } else {
      this.sendHedge(row);
    }
    this.table.release(row);
  }

  /** The answer to attempt `token`; returns whether it was still wanted. */
  reply(token: number, status: ReplyStatus): boolean {
    // A call lost in a crash: keep waiting, the attempt's timeout will say it failed.
    if (status === "lost") return false;
    const t = this.table;
    const row = t.rowOf(token);
    let isHedge: boolean;
    if (token === t.waiting[row]) isHedge = false;
    else if (token === t.hedge[row]) isHedge = true;
    else {
      // An attempt no longer waited for; its answer can still complete a pending request.
      if (status !== "ok" || !this.acceptLateResponses || !t.current(token) || t.done[row] === 1)
        return false;
      const wanted = this.complete(row);
      t.release(row);
      return wanted;
    }
    this.sim.cancel(isHedge ? t.hedgeTimeout[row]! : t.timer[row]!);
    this.stopWaiting(row, isHedge, status === "ok" ? "ok" : "failed");
    if (t.done[row] === 1) {
      t.release(row);
      return false;
    }
    let wanted = true;
    if (status === "ok") {
      wanted = this.complete(row);
    } else {
      this.stats.errors++;
      this.failed(row, status === "empty" ? this.retryOnEmpty : this.retryOnError, status);
    }
    t.release(row);
    return wanted;
  }

  requestOf(token: number): number {
    const t = this.table;
    return t.current(token) ? t.requestId[t.rowOf(token)]! : -1;
  }

  private send(row: number): void {
    const t = this.table;
    if (t.done[row] === 1) return;
    const retry = t.attempts[row]! > 0;
    let ticket = 0;
    if (this.gates !== null) {
      ticket = this.gates.admit(this.sim.now, retry);
      if (ticket < 0) {
        this.giveUp(row, "rejected");
        return;
      }
    }
    t.attempts[row]!++;
    this.stats.attempts++;
    if (retry) this.stats.retries++;
    const token = t.token(row);
    t.waiting[row] = token;
    t.timer[row] = this.armTimeout(row, TIMEOUT);
    t.ticket[row] = ticket;
    if (this.hedge !== null && !retry) {
      // Scheduled before the call goes out, so an answer given at once can cancel it.
      t.hedgeTimer[row] = this.sim.schedule(this.hedge.after, this, HEDGE, row);
    }
    this.nested++;
    this.target.accept(this, token, this.attemptDeadline(row));
    this.nested--;
  }

  /** The first attempt is slow: send its hedge, unless a gate refuses (then keep waiting). */
  private sendHedge(row: number): void {
    const t = this.table;
    t.hedgeTimer[row] = NONE;
    if (t.done[row] === 1) return;
    const ticket = this.gates === null ? 0 : this.gates.admit(this.sim.now, true);
    if (ticket < 0) return;
    this.stats.attempts++;
    this.stats.hedges!++;
    const token = t.token(row);
    const deadline = this.attemptDeadline(row);
    t.hedge[row] = token;
    t.hedgeTimeout[row] = this.armTimeout(row, HEDGE_TIMEOUT);
    t.hedgeTicket[row] = ticket;
    this.target.accept(this, token, deadline);
  }

  /** A new attempt's deadline: its timeout, cut short by the request's end-to-end deadline. */
  private attemptDeadline(row: number): number {
    return Math.min(this.sim.now + this.timeout, this.table.deadline[row]!);
  }

  private armTimeout(row: number, kind: number): EventHandle {
    const deadline = this.table.deadline[row]!;
    return this.sim.now + this.timeout <= deadline
      ? this.sim.schedule(this.timeout, this, kind, row)
      : this.sim.scheduleAt(deadline, this, kind, row);
  }

  /** The client stops waiting for an attempt (answered, timed out or withdrawn; its timeout is done). */
  private stopWaiting(row: number, isHedge: boolean, outcome: AttemptOutcome): void {
    const t = this.table;
    if (isHedge) t.hedge[row] = NONE;
    else t.waiting[row] = NONE;
    this.gates?.settled(isHedge ? t.hedgeTicket[row]! : t.ticket[row]!, outcome, this.sim.now);
    // The first attempt ended before the hedge was due (no hedge or retry exists while it is): a
    // retry, not a hedge, follows.
    if (t.hedgeTimer[row] !== NONE) {
      this.sim.cancel(t.hedgeTimer[row]!);
      t.hedgeTimer[row] = NONE;
    }
  }

  private failed(row: number, retryable: boolean, status: ReplyStatus): void {
    const t = this.table;
    if (t.done[row] === 1) return;
    // With a hedge out, the other copy may still answer.
    if (t.waiting[row] !== NONE || t.hedge[row] !== NONE) return;
    const attempts = t.attempts[row]!;
    if (!retryable || attempts >= this.maxAttempts) {
      this.giveUp(row, status);
      return;
    }
    const delay = this.backoff.delay(attempts, t.lastDelay[row]!, this.rng);
    t.lastDelay[row] = delay;
    if (this.sim.now + delay >= t.deadline[row]!) {
      this.stats.deadlineExceeded!++;
      this.giveUp(row, "expired");
      return;
    }
    if (delay === 0 && this.nested < MAX_NESTED_RETRIES) this.send(row);
    else {
      t.retryPending[row] = 1;
      this.sim.schedule(delay, this, RETRY, row);
    }
  }

  private giveUp(row: number, status: ReplyStatus): void {
    const t = this.table;
    t.done[row] = 1;
    this.stats.gaveUp++;
    this.stats.inFlight--;
    if (this.owner !== null && t.owner[row] !== NONE) this.owner.requestEnded(t.owner[row]!, status);
  }

  /** Stops waiting for an attempt (if any) whose request another attempt has answered; true if one was out. */
  private withdraw(row: number, isHedge: boolean): boolean {
    const t = this.table;
    if ((isHedge ? t.hedge[row] : t.waiting[row]) === NONE) return false;
    this.sim.cancel(isHedge ? t.hedgeTimeout[row]! : t.timer[row]!);
    this.stopWaiting(row, isHedge, "withdrawn");
    return true;
  }

  /** Completes the request in `row`; returns whether its owner (if any) still wanted the answer. */
  private complete(row: number): boolean {
    const t = this.table;
    t.done[row] = 1;
    this.stats.completions++;
    this.stats.inFlight--;
    // Whatever is still out (the retry a late answer overtook, the other copy of a hedge) is no
    // longer waited for: left armed, its timer would count a timeout nobody retries.
    if (this.withdraw(row, false)) this.stats.abandoned++;
    if (this.hedge !== null && this.withdraw(row, true)) this.stats.abandoned++;
    const latency = this.sim.now - t.createdAt[row]!;
    const attempts = t.attempts[row]!;
    for (const listener of this.listeners) listener(latency, attempts);
    return this.owner === null || t.owner[row] === NONE || this.owner.requestEnded(t.owner[row]!, "ok");
  }
}
