import type { Distribution } from "../engine/distribution.js";
import { checkBoolean, checkNumber, OptionError, within } from "../engine/option-error.js";
import type { RandomStream } from "../engine/random.js";
import type { Handler, Simulation } from "../engine/simulation.js";
import type { Call, Service } from "./call.js";
import type { Capabilities, Component } from "./component.js";
import { createQueue, type QueueSpec } from "./queue/create-queue.js";
import type { QueueDiscipline } from "./queue/queue-discipline.js";

/** Options of a queued server. Seconds throughout. */
export interface ServerOptions {
  /** Service time of one call. Required; must not go below 0. */
  serviceTime: Distribution;
  /** Calls served at once (threads, workers). Default: 1. */
  concurrency?: number;
  /** Calls that may wait; a call arriving to a full queue is answered "rejected" at once. Default: Infinity. */
  queueCapacity?: number;
  /** Order in which waiting calls are served. Default: { kind: "fifo" }. */
  queue?: QueueSpec;
  /**
   * Answer "expired" without doing the work when a call's deadline has passed by the time its
   * service would start. Default: false (the work is done, and wasted if nobody wants it).
   */
  dropExpired?: boolean;
  /**
   * Cost of the error path, as a multiple of a normal service time: an injected error or an
   * expired call takes `errorCost` x a service time to answer (0: errors are free). Default: 0.
   */
  errorCost?: number;
}

/** Counters a server keeps. */
export interface ServerStats {
  /** Calls received. */
  arrived: number;
  /** Calls whose work was finished (throughput). */
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
}

const DONE = 0;

// What a worker is doing: carried as the completion event's data, so no lookup is needed.
// Jobs are recycled (at most `concurrency` exist) so serving allocates nothing.
interface Job {
  call: Call | null;
  startedAt: number;
  /** How the call will be answered when the work ends. */
  outcome: "ok" | "error" | "expired";
  /** Restart generation when the job began: a job from before a restart is discarded. */
  epoch: number;
}

/** A queue in front of `concurrency` identical workers. */
export class Server implements Handler, Service, Component, Capabilities {
  readonly type = "server";
  readonly stats: ServerStats = {
    arrived: 0,
    served: 0,
    wasted: 0,
    rejected: 0,
    expired: 0,
    errors: 0,
    dropped: 0,
    wastedBusySeconds: 0,
    busySeconds: 0,
  };
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
  private readonly shedding: Call[] = [];
  private readonly shed = (call: Call) => {
    this.shedding.push(call);
  };

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
    this.concurrency = checkNumber("concurrency", options.concurrency ?? 1, { min: 1, integer: true });
    this.queueCapacity =
      options.queueCapacity === undefined || options.queueCapacity === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : checkNumber("queueCapacity", options.queueCapacity, { min: 0, integer: true });
    this.dropExpired = checkBoolean("dropExpired", options.dropExpired ?? false);
    this.errorCost = checkNumber("errorCost", options.errorCost ?? 0, { min: 0 });
    this.waiting = within(["queue"], () => createQueue(options.queue ?? { kind: "fifo" }));
    this.rng = sim.stream(`server:${name}`);
    this.errorRng = sim.stream(`server:${name}:errors`);
  }

  /** Requests per second when every worker is busy: concurrency / mean service time. */
  get capacityPerSec(): number {
    return this.concurrency / this.serviceTime.mean;
  }

  /** Calls waiting for a worker. */
  get queueLength(): number {
    return this.waiting.length;
  }

  /** Calls being served. */
  get inService(): number {
    return this.busy;
  }

  gauges(): Record<string, number> {
    return { queueLength: this.waiting.length, inService: this.busy };
  }

  describe(): Record<string, string> {
    return {
      concurrency: String(this.concurrency),
      serviceTime: this.serviceTime.label,
      capacity: `${Number(this.capacityPerSec.toFixed(3))} req/s`,
      queue: this.waiting.label,
      queueCapacity: Number.isFinite(this.queueCapacity) ? String(this.queueCapacity) : "unbounded",
      dropExpired: String(this.dropExpired),
      ...(this.errorCost > 0 && { errorCost: `${this.errorCost}x` }),
    };
  }

  accept(call: Call): void {
    this.stats.arrived++;
    if (!this.reachable) {
      this.stats.dropped++;
      call.reply("unavailable");
      return;
    }
    if (this.busy >= this.concurrency && this.waiting.length >= this.queueCapacity) {
      this.stats.rejected++;
      call.reply("rejected");
      return;
    }
    // Always through the queue, so its discipline decides even when a worker is free.
    this.waiting.push(call, this.sim.now);
    this.next();
  }

  handleEvent(_kind: number, data: unknown): void {
    const job = data as Job;
    if (job.epoch !== this.epoch) {
      this.recycle(job);
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
    this.held = [];
    this.waiting.drain();
    this.next();
  }

  private finish(job: Job): void {
    const call = job.call!;
    const spent = this.sim.now - job.startedAt;
    const outcome = job.outcome;
    this.recycle(job);
    this.busy--;
    this.stats.busySeconds += spent;
    if (outcome !== "ok") {
      this.stats[outcome === "error" ? "errors" : "expired"]++;
      call.reply(outcome);
      return;
    }
    this.stats.served++;
    if (!call.reply("ok")) {
      this.stats.wasted++;
      this.stats.wastedBusySeconds += spent;
    }
  }

  private recycle(job: Job): void {
    job.call = null;
    this.idleJobs.push(job);
  }

  private next(): void {
    if (this.paused) return;
    while (this.busy < this.concurrency) {
      const call = this.waiting.take(this.sim.now, this.shed);
      if (call !== undefined) {
        if (this.dropExpired && this.sim.now > call.deadline) {
          this.answerExpired(call);
        } else {
          const failing = this.errorRate > 0 && this.errorRng.next() < this.errorRate;
          this.begin(call, failing ? "error" : "ok");
        }
      }
      // One at a time: a reply may re-enter `next` (a retry arrives), which answers the rest.
      for (let c = this.shedding.shift(); c !== undefined; c = this.shedding.shift()) this.answerExpired(c);
      if (call === undefined) return;
    }
  }

  private answerExpired(call: Call): void {
    // A slow error path makes even refusing the work cost worker time.
    if (this.errorCost > 0 && this.busy < this.concurrency) {
      this.begin(call, "expired");
      return;
    }
    this.stats.expired++;
    call.reply("expired");
  }

  private begin(call: Call, outcome: Job["outcome"]): void {
    this.busy++;
    const job = this.idleJobs.pop() ?? { call: null, startedAt: 0, outcome: "ok", epoch: 0 };
    job.call = call;
    job.startedAt = this.sim.now;
    job.outcome = outcome;
    job.epoch = this.epoch;
    const cost = outcome === "ok" ? 1 : this.errorCost;
    const duration = cost === 0 ? 0 : this.serviceTime.sample(this.rng) * this.slowdown * cost;
    this.sim.schedule(duration, this, DONE, job);
  }
}
