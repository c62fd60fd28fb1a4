import type { Distribution } from "../../engine/distribution.js";
import type { DistributionSpec } from "../../engine/distributions.js";
import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Caller, Service } from "../call.js";
import type { Capabilities, Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { CallQueue, HeldCall } from "../queue/call-queue.js";
import { createQueue, QUEUE_DISCIPLINES } from "../queue/create-queue.js";
import type { QueueDiscipline } from "../queue/queue-discipline.js";
import type { DoesWork, LoopGauge, ShowsLoopState } from "../roles.js";

/** Options of a queued server. Seconds throughout. */
export const SERVER_OPTIONS = {
  serviceTime: option.value<Distribution, DistributionSpec>()({
    format: "distribution",
    doc: "Service time of one call; must not go below 0.",
    required: true,
  }),
  concurrency: option.integer({ doc: "Calls served at once (threads, workers).", default: 1, min: 1 }),
  queueCapacity: option.integer({
    doc: 'Calls that may wait; a call arriving to a full queue is answered "rejected" at once.',
    default: Number.POSITIVE_INFINITY,
    min: 0,
    unbounded: true,
  }),
  queue: option.policy(QUEUE_DISCIPLINES, {
    doc: "Order in which waiting calls are served.",
    default: { kind: "fifo" },
  }),
  dropExpired: option.boolean({
    doc: 'Answer "expired" without doing the work when a call\'s deadline has passed by the time its service would start.',
    default: false,
    defaultText: "(the work is done, and wasted if nobody wants it)",
  }),
  errorCost: option.number({
    doc: "Cost of the error path, as a multiple of a normal service time: an injected error or an expired call takes `errorCost` x a service time to answer (0: errors are free).",
    default: 0,
    min: 0,
  }),
} as const;

/** Options of a queued server, as its constructor takes them. */
export type ServerOptions = OptionsInput<typeof SERVER_OPTIONS>;

/** Counters a server keeps. */
export interface ServerStats {
  /** Calls received. */
  arrived: number;
  /** Work items finished, errors and costly expiries included (throughput). */
  finished: number;
  /** Calls whose work was finished with an ok answer. */
  served: number;
  /** Served calls whose answer the caller no longer wanted. */
  wasted: number;
  /** Calls refused because the queue was full. */
  rejected: number;
  /** Calls dropped unserved because their deadline had passed. */
  expired: number;
  /** Calls answered with an (injected) error. */
  errors: number;
  /** Calls lost to a restart or refused while unreachable. */
  dropped: number;
  /** Seconds of service spent on calls nobody wanted. */
  wastedBusySeconds: number;
  /** Seconds of service spent in total, errors included. */
  busySeconds: number;
  /** Seconds of service spent producing error or expired answers (a slow error path). */
  errorBusySeconds: number;
}

const DONE = 0;

// What a worker is doing: carried as the completion event's data, so no lookup is needed.
// Jobs are recycled (at most `concurrency` exist) so serving allocates nothing.
interface Job {
  caller: Caller | null;
  token: number;
  startedAt: number;
  /** How the call will be answered when the work ends. */
  outcome: "ok" | "error" | "expired";
  /** Restart generation when the job began: a job from before a restart is discarded. */
  epoch: number;
}

/** A queue in front of `concurrency` identical workers. */
export class Server implements Handler, Service, Component, Capabilities, DoesWork, ShowsLoopState {
  readonly type = "server";
  readonly stats: ServerStats = {
    arrived: 0,
    finished: 0,
    served: 0,
    wasted: 0,
    rejected: 0,
    expired: 0,
    errors: 0,
    dropped: 0,
    wastedBusySeconds: 0,
    busySeconds: 0,
    errorBusySeconds: 0,
  };
  readonly loopGauges: readonly LoopGauge[] = [];
  readonly serviceTime: Distribution;
  readonly concurrency: number;
  readonly queueCapacity: number;
  readonly dropExpired: boolean;
  readonly errorCost: number;
  private readonly waiting: QueueDiscipline;
  private busy = 0;
  private readonly idleJobs: Job[] = [];
  private readonly rng: RandomStream;
  // Injected errors draw from their own stream, so a fault does not shift service-time draws.
  private readonly errorRng: RandomStream;
  private slowdown = 1;
  private errorRate = 0;
  private paused = false;
  private reachable = true;
  private epoch = 0;
  private held: Job[] = [];
  // Calls the discipline sheds during `take`, answered once the taken call has its worker: a
  // costly error path started from inside `take` would push busy past concurrency.
  private readonly shedding = new CallQueue();
  // Where `take` puts the call it hands over; read at once, since a reply may re-enter `next`.
  private readonly taken = new HeldCall();

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    options: ServerOptions,
  ) {
    this.serviceTime = options.serviceTime;
    if (!(this.serviceTime.min >= 0)) {
      throw new OptionError(
        ["serviceTime"],
        `expected a distribution of non-negative times, got ${this.serviceTime.label} (truncate a normal with min: 0, or use lognormal)`,
      );
    }
    const o = readOptions(SERVER_OPTIONS, options);
    this.concurrency = o.concurrency;
    this.queueCapacity = o.queueCapacity;
    this.dropExpired = o.dropExpired;
    this.errorCost = o.errorCost;
    this.waiting = within(["queue"], () => createQueue(o.queue));
    this.rng = sim.stream(`server:${name}`);
    this.errorRng = sim.stream(`server:${name}:errors`);
  }

  /** Requests per second when every worker is busy: concurrency / mean service time. */
  get nominalCapacityPerSec(): number {
    return this.concurrency / this.serviceTime.mean;
  }

  /** Requests per second it can finish now: nominal, divided by any slowdown; 0 while paused or unreachable. */
  get capacityPerSec(): number {
    if (this.paused || !this.reachable) return 0;
    return this.concurrency / (this.serviceTime.mean * this.slowdown);
  }

  /** Its work counters (the stats object itself). */
  get work(): ServerStats {
    return this.stats;
  }

  /** Workers: its concurrency. */
  get workers(): number {
    return this.concurrency;
  }

  /** Calls waiting for a worker. */
  get queueLength(): number {
    return this.waiting.length;
  }

  /** Calls being served. */
  get inFlight(): number {
    return this.busy;
  }

  gauges(): Record<string, number> {
    return { queueLength: this.waiting.length, inFlight: this.busy };
  }

  describe(): Record<string, string> {
    return {
      concurrency: String(this.concurrency),
      serviceTime: this.serviceTime.label,
      capacity: `${Number(this.nominalCapacityPerSec.toFixed(3))} req/s`,
      queue: this.waiting.label,
      queueCapacity: Number.isFinite(this.queueCapacity) ? String(this.queueCapacity) : "unbounded",
      dropExpired: String(this.dropExpired),
      ...(this.errorCost > 0 && { errorCost: `${this.errorCost}x` }),
    };
  }

  accept(caller: Caller, token: number, deadline: number): void {
    this.stats.arrived++;
    if (!this.reachable) {
      this.stats.dropped++;
      caller.reply(token, "unavailable");
      return;
    }
    if (this.busy >= this.concurrency && this.waiting.length >= this.queueCapacity) {
      this.stats.rejected++;
      caller.reply(token, "rejected");
      return;
    }
    // Always through the queue, so its discipline decides even when a worker is free.
    this.waiting.push(caller, token, deadline, this.sim.now);
    this.next();
  }

  handleEvent(_kind: number, data: unknown): void {
    const job = data as Job;
    if (job.epoch !== this.epoch) {
      // Work lost in a restart: its caller hears nothing it can use.
      const { caller, token } = job;
      this.recycle(job);
      caller!.reply(token, "lost");
      return;
    }
    if (this.paused) {
      this.held.push(job);
      return;
    }
    this.finish(job);
    this.next();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const job of held) this.finish(job);
    this.next();
  }

  setSlowdown(factor: number): void {
    this.slowdown = checkNumber("factor", factor, { min: 0, exclusiveMin: true });
  }

  setErrorRate(rate: number): void {
    this.errorRate = checkNumber("rate", rate, { min: 0, max: 1 });
  }

  setReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  restart(): void {
    // Work in progress and waiting is lost; its callers find out through their timeouts.
    this.epoch++;
    // Held jobs (finished during a pause) still count in `busy`.
    this.stats.dropped += this.busy + this.waiting.length;
    this.busy = 0;
    const held = this.held;
    this.held = [];
    const lost = new CallQueue();
    this.waiting.drain(lost);
    for (const job of held) lost.push(job.caller!, job.token, 0, 0);
    for (const call = new HeldCall(); lost.shift(call); ) call.caller!.reply(call.token, "lost");
    this.next();
  }

  private finish(job: Job): void {
    const caller = job.caller!;
    const token = job.token;
    const spent = this.sim.now - job.startedAt;
    const outcome = job.outcome;
    this.recycle(job);
    this.busy--;
    this.stats.busySeconds += spent;
    this.stats.finished++;
    if (outcome !== "ok") {
      this.stats.errorBusySeconds += spent;
      this.stats[outcome === "error" ? "errors" : "expired"]++;
      caller.reply(token, outcome);
      return;
    }
    this.stats.served++;
    if (!caller.reply(token, "ok")) {
      this.stats.wasted++;
      this.stats.wastedBusySeconds += spent;
    }
  }

  private recycle(job: Job): void {
    job.caller = null;
    this.idleJobs.push(job);
  }

  private next(): void {
    if (this.paused) return;
    const taken = this.taken;
    const shedding = this.shedding;
    while (this.busy < this.concurrency) {
      const got = this.waiting.take(this.sim.now, taken, shedding);
      if (got) {
        const caller = taken.caller!;
        if (this.dropExpired && this.sim.now > taken.deadline) {
          this.answerExpired(caller, taken.token);
        } else {
          const failing = this.errorRate > 0 && this.errorRng.next() < this.errorRate;
          this.begin(caller, taken.token, failing ? "error" : "ok");
        }
      }
      // One at a time: a reply may re-enter `next` (a retry arrives), which answers the rest.
      while (shedding.shift(taken)) this.answerExpired(taken.caller!, taken.token);
      if (!got) return;
    }
  }

  private answerExpired(caller: Caller, token: number): void {
    // A slow error path makes even refusing the work cost worker time.
    if (this.errorCost > 0 && this.busy < this.concurrency) {
      this.begin(caller, token, "expired");
      return;
    }
    this.stats.expired++;
    caller.reply(token, "expired");
  }

  private begin(caller: Caller, token: number, outcome: Job["outcome"]): void {
    this.busy++;
    const job = this.idleJobs.pop() ?? { caller: null, token: 0, startedAt: 0, outcome: "ok", epoch: 0 };
    job.caller = caller;
    job.token = token;
    job.startedAt = this.sim.now;
    job.outcome = outcome;
    job.epoch = this.epoch;
    const cost = outcome === "ok" ? 1 : this.errorCost;
    const duration = cost === 0 ? 0 : this.serviceTime.sample(this.rng) * this.slowdown * cost;
    this.sim.schedule(duration, this, DONE, job);
  }
}
