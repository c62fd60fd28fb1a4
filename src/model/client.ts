import { checkBoolean, checkNumber, within } from "../engine/option-error.js";
import type { RandomStream } from "../engine/random.js";
import type { EventHandle, Handler, Simulation } from "../engine/simulation.js";
import type { Backoff } from "./backoff/backoff.js";
import { type BackoffSpec, createBackoff } from "./backoff/create-backoff.js";
import type { Call, ReplyStatus, Service } from "./call.js";
import type { Component } from "./component.js";
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
}

/** Counters a client keeps. */
export interface ClientStats {
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
}

/** Called for each completed request with its end-to-end latency and the attempts it took. */
export type CompletionListener = (latency: number, attempts: number) => void;

interface PendingRequest {
  readonly createdAt: number;
  attempts: number;
  lastDelay: number;
  done: boolean;
}

const TIMEOUT = 0;
const RETRY = 1;

/** One attempt: the Call the server sees. */
class Attempt implements Call {
  abandoned = false;
  timer: EventHandle = 0;
  constructor(
    readonly id: number,
    readonly request: PendingRequest,
    readonly deadline: number,
    private readonly client: Client,
  ) {}
  reply(status: ReplyStatus): boolean {
    return this.client.onReply(this, status);
  }
}

/** A caller with a per-attempt timeout, bounded retries and a backoff policy. */
export class Client implements Handler, RequestSink, Component {
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
  private readonly rng: RandomStream;
  private readonly listeners: CompletionListener[] = [];
  private nextId = 0;

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
    this.rng = sim.stream(`client:${name}`);
  }

  gauges(): Record<string, number> {
    return { inFlight: this.stats.inFlight };
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
    };
  }

  /** Subscribes to request completions (for latency metrics). */
  onCompletion(listener: CompletionListener): void {
    this.listeners.push(listener);
  }

  request(): void {
    this.stats.requests++;
    this.stats.inFlight++;
    this.send({ createdAt: this.sim.now, attempts: 0, lastDelay: 0, done: false });
  }

  handleEvent(kind: number, data: unknown): void {
    if (kind === TIMEOUT) {
      const attempt = data as Attempt;
      attempt.abandoned = true;
      this.stats.timeouts++;
      this.failed(attempt.request, this.retryOnTimeout);
    } else {
      this.send(data as PendingRequest);
    }
  }

  /** The answer to one attempt; returns whether it was still wanted. */
  onReply(attempt: Attempt, status: ReplyStatus): boolean {
    const request = attempt.request;
    if (attempt.abandoned) {
      if (status !== "ok" || !this.acceptLateResponses || request.done) return false;
      this.complete(request);
      return true;
    }
    this.sim.cancel(attempt.timer);
    attempt.abandoned = true;
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
    request.attempts++;
    this.stats.attempts++;
    if (request.attempts > 1) this.stats.retries++;
    const now = this.sim.now;
    const attempt = new Attempt(this.nextId++, request, now + this.timeout, this);
    attempt.timer = this.sim.schedule(this.timeout, this, TIMEOUT, attempt);
    this.target.accept(attempt);
  }

  private failed(request: PendingRequest, retryable: boolean): void {
    if (request.done) return;
    if (!retryable || request.attempts >= this.maxAttempts) {
      request.done = true;
      this.stats.gaveUp++;
      this.stats.inFlight--;
      return;
    }
    const delay = this.backoff.delay(request.attempts, request.lastDelay, this.rng);
    request.lastDelay = delay;
    if (delay === 0) this.send(request);
    else this.sim.schedule(delay, this, RETRY, request);
  }

  private complete(request: PendingRequest): void {
    request.done = true;
    this.stats.completions++;
    this.stats.inFlight--;
    const latency = this.sim.now - request.createdAt;
    for (const listener of this.listeners) listener(latency, request.attempts);
  }
}
