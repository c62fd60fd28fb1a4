import type { Distribution } from "../engine/distribution.js";
import { checkBoolean, checkNumber, OptionError } from "../engine/option-error.js";
import type { RandomStream } from "../engine/random.js";
import type { Handler, Simulation } from "../engine/simulation.js";
import type { Call, Service } from "./call.js";
import { RingQueue } from "./ring-queue.js";

/** Options of a queued server. Seconds throughout. */
export interface ServerOptions {
  /** Service time of one call. Required; must not go below 0. */
  serviceTime: Distribution;
  /** Calls served at once (threads, workers). Default: 1. */
  concurrency?: number;
  /** Calls that may wait; a call arriving to a full queue is answered "rejected" at once. Default: Infinity. */
  queueCapacity?: number;
  /**
   * Answer "expired" without doing the work when a call's deadline has passed by the time its
   * service would start. Default: false (the work is done, and wasted if nobody wants it).
   */
  dropExpired?: boolean;
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
  /** Seconds of service spent on calls nobody wanted. */
  wastedBusySeconds: number;
  /** Seconds of service spent in total. */
  busySeconds: number;
}

const DONE = 0;

// What a worker is doing: carried as the completion event's data, so no lookup is needed.
// Jobs are recycled (at most `concurrency` exist) so serving allocates nothing.
interface Job {
  call: Call | null;
  startedAt: number;
}

/** A FIFO queue in front of `concurrency` identical workers. */
export class Server implements Handler, Service {
  readonly stats: ServerStats = {
    arrived: 0,
    served: 0,
    wasted: 0,
    rejected: 0,
    expired: 0,
    wastedBusySeconds: 0,
    busySeconds: 0,
  };
  readonly serviceTime: Distribution;
  readonly concurrency: number;
  readonly queueCapacity: number;
  readonly dropExpired: boolean;
  private readonly waiting = new RingQueue<Call>();
  private busy = 0;
  private readonly idleJobs: Job[] = [];
  private readonly rng: RandomStream;

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
    this.rng = sim.stream(`server:${name}`);
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

  accept(call: Call): void {
    this.stats.arrived++;
    if (this.busy >= this.concurrency && this.waiting.length >= this.queueCapacity) {
      this.stats.rejected++;
      call.reply("rejected");
      return;
    }
    // Always through the queue, so order stays FIFO even when calls are re-sent during `next`.
    this.waiting.push(call);
    this.next();
  }

  handleEvent(_kind: number, data: unknown): void {
    const job = data as Job;
    const call = job.call!;
    const spent = this.sim.now - job.startedAt;
    job.call = null;
    this.idleJobs.push(job);
    this.busy--;
    this.stats.served++;
    this.stats.busySeconds += spent;
    if (!call.reply("ok")) {
      this.stats.wasted++;
      this.stats.wastedBusySeconds += spent;
    }
    this.next();
  }

  private next(): void {
    while (this.busy < this.concurrency && this.waiting.length > 0) this.begin(this.waiting.shift()!);
  }

  private begin(call: Call): void {
    if (this.dropExpired && this.sim.now > call.deadline) {
      this.stats.expired++;
      call.reply("expired");
      return;
    }
    this.busy++;
    const job = this.idleJobs.pop() ?? { call: null, startedAt: 0 };
    job.call = call;
    job.startedAt = this.sim.now;
    this.sim.schedule(this.serviceTime.sample(this.rng), this, DONE, job);
  }
}
