import type { Distribution } from "../../engine/distribution.js";
import type { DistributionSpec } from "../../engine/distributions.js";
import { EventQueue } from "../../engine/event-queue.js";
import { checkNumber, OptionError } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { EventHandle, Handler, Simulation } from "../../engine/simulation.js";
import type { Caller, Service } from "../call.js";
import type { Capabilities, Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { CallQueue, HeldCall } from "../queue/call-queue.js";
import { FifoQueue } from "../queue/fifo-queue.js";
import type { DoesWork, LoopGauge, ShowsLoopState } from "../roles.js";
import type { WorkStats } from "../service-front.js";
import { CallOutcomes, FRONT_OPTIONS, QueuedWorkers, ServiceFront } from "../service-front.js";

/** Options of a database. Seconds throughout. */
export const DATABASE_OPTIONS = {
  serviceTime: option.value<Distribution, DistributionSpec>()({
    format: "distribution",
    doc: "Service time of one query when it runs alone; must not go below 0.",
    required: true,
  }),
  concurrency: option.integer({
    doc: "Queries run at once (the connection limit).",
    default: 100,
    defaultText: "(PostgreSQL's max_connections)",
    min: 1,
  }),
  contention: option.number({
    doc: "How much each other running query slows a query down (locks, latches, buffer pool): while n queries run, each progresses at 1 / (1 + contention x (n - 1)) of its solo speed, so its time is its service time times that factor. Throughput then levels off at 1 / (serviceTime x contention) however many run (the contention term of the Universal Scalability Law).",
    default: 0,
    defaultText: "(queries do not interfere)",
    min: 0,
  }),
  queueCapacity: FRONT_OPTIONS.queueCapacity,
  dropExpired: option.boolean({
    doc: 'Answer "expired" without running a query whose deadline passed while it waited.',
    default: false,
  }),
} as const;

/** Options of a database, as its constructor takes them. */
export type DatabaseOptions = OptionsInput<typeof DATABASE_OPTIONS>;

/** Counters a database keeps (an injected error takes no connection, so `errorBusySeconds` stays 0). */
export type DatabaseStats = WorkStats;

/** The database's counters, in the order it reports them. */
class DatabaseCounters extends CallOutcomes implements DatabaseStats {
  dropped = 0;
  busySeconds = 0;
  wastedBusySeconds = 0;
  errorBusySeconds = 0;
}

const DONE = 0;
const FAIL = 1;
// Solo-seconds of work below which a query counts as finished (absorbs rounding in the clock).
const EPSILON = 1e-9;

// A running query, or an injected error waiting to be answered; recycled so serving allocates nothing.
interface Job {
  caller: Caller | null;
  token: number;
  startedAt: number;
}

/**
 * A database with a connection limit and a FIFO wait for connections. Running queries share the
 * database and slow each other down (`contention`): it answers fast at low load, and when a flood
 * fills every connection, every query in flight becomes slow at once, not just the newest ones.
 */
export class Database
  extends QueuedWorkers<DatabaseStats>
  implements Handler, Service, Component, Capabilities, DoesWork, ShowsLoopState
{
  readonly type = "database";
  readonly stats: DatabaseStats = new DatabaseCounters();
  readonly loopGauges: readonly LoopGauge[] = [
    { gauge: "latency", label: "database response time", unit: "s", bad: "high" },
  ];
  readonly serviceTime: Distribution;
  readonly concurrency: number;
  readonly contention: number;
  readonly queueCapacity: number;
  readonly dropExpired: boolean;
  // Queries wait for a connection in arrival order.
  private readonly waiting = new FifoQueue();
  protected readonly front: ServiceFront<DatabaseStats>;
  // Where `next` takes a waiting query; read at once, since a reply may re-enter `next`.
  private readonly taken = new HeldCall();
  // Running queries keyed by the amount of shared progress (`progress`) at which they finish.
  private running = new EventQueue(64);
  private jobs: (Job | undefined)[] = [];
  private freeSlots: number[] = [];
  private readonly idleJobs: Job[] = [];
  // Solo-seconds of work every running query has received since the start; grows at rate().
  private progress = 0;
  private progressAt = 0;
  private timer: EventHandle | null = null;
  private readonly rng: RandomStream;
  // Injected errors draw from their own stream, so a fault does not shift service-time draws.
  private readonly errorRng: RandomStream;
  private slowdown = 1;
  private errorRate = 0;
  private paused = false;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    options: DatabaseOptions,
  ) {
    super();
    this.serviceTime = options.serviceTime;
    if (!(this.serviceTime.min >= 0)) {
      throw new OptionError(
        ["serviceTime"],
        `expected a distribution of non-negative times, got ${this.serviceTime.label}`,
      );
    }
    const o = readOptions(DATABASE_OPTIONS, options);
    this.concurrency = o.concurrency;
    this.contention = o.contention;
    this.queueCapacity = o.queueCapacity;
    this.dropExpired = o.dropExpired;
    this.front = new ServiceFront(sim, this.stats, this.waiting, o);
    this.rng = sim.stream(`database:${name}`);
    this.errorRng = sim.stream(`database:${name}:errors`);
  }

  /** Queries per second with every connection busy, contention included. */
  get nominalCapacityPerSec(): number {
    return this.concurrency / (this.serviceTime.mean * (1 + this.contention * (this.concurrency - 1)));
  }

  /** Queries per second it can finish now: nominal, divided by any slowdown; 0 while paused or unreachable. */
  get capacityPerSec(): number {
    if (this.paused || !this.front.isReachable) return 0;
    return this.nominalCapacityPerSec / this.slowdown;
  }

  gauges(): Record<string, number> {
    return {
      queueLength: this.waiting.length,
      inFlight: this.busy,
      latency: this.waitNow() + this.queryTime(),
    };
  }

  /** How long the oldest waiting query has waited: what a query arriving now can expect to wait (FIFO). */
  private waitNow(): number {
    const since = this.waiting.oldestArrivedAt();
    return since === undefined ? 0 : this.sim.now - since;
  }

  /**
   * Mean time a query started now would take, if the number running stayed as it is: the solo
   * mean, times any slowdown, times the contention factor. It rises with load before any timeout
   * fires; with the wait in front of it, it is the loop-state observable of the cache/database loop.
   */
  private queryTime(): number {
    const n = Math.max(1, this.busy);
    return this.serviceTime.mean * this.slowdown * (1 + this.contention * (n - 1));
  }

  describe(): Record<string, string> {
    return {
      concurrency: String(this.concurrency),
      serviceTime: this.serviceTime.label,
      contention: String(this.contention),
      capacity: `${Number(this.nominalCapacityPerSec.toFixed(3))} req/s`,
      queueCapacity: this.front.capacityLabel,
      dropExpired: String(this.dropExpired),
    };
  }

  accept(caller: Caller, token: number, deadline: number): void {
    this.stats.arrived++;
    if (this.front.admit(caller, token, deadline, this.busy < this.concurrency)) this.next();
  }

  handleEvent(kind: number, data: unknown): void {
    if (kind === FAIL) {
      const job = data as Job;
      const caller = job.caller!;
      const token = job.token;
      this.recycle(job);
      this.stats.errors++;
      caller.reply(token, "error");
      return;
    }
    this.timer = null;
    this.advance();
    const limit = this.progress + EPSILON;
    while (this.busy > 0 && this.running.peekTime() <= limit) this.finish(this.running.pop());
    this.next();
    this.reschedule();
  }

  pause(): void {
    this.advance();
    this.paused = true;
    this.reschedule();
  }

  resume(): void {
    this.advance();
    this.paused = false;
    this.next();
    this.reschedule();
  }

  setSlowdown(factor: number): void {
    checkNumber("factor", factor, { min: 0, exclusiveMin: true });
    this.advance();
    this.slowdown = factor;
    this.reschedule();
  }

  setErrorRate(rate: number): void {
    this.errorRate = checkNumber("rate", rate, { min: 0, max: 1 });
  }

  setReachable(reachable: boolean): void {
    this.front.setReachable(reachable);
  }

  restart(): void {
    // Running and waiting queries are lost: answered "lost", their callers still wait for timeouts.
    this.stats.dropped += this.busy + this.waiting.length;
    const lost = new CallQueue();
    this.front.drain(lost);
    for (const job of this.jobs) {
      if (job === undefined) continue;
      lost.push(job.caller!, job.token, 0, 0);
      this.recycle(job);
    }
    this.running = new EventQueue(64);
    this.jobs = [];
    this.freeSlots = [];
    this.busy = 0;
    this.reschedule();
    // Answered once the database is empty, since a reply may re-enter `accept`.
    for (const call = new HeldCall(); lost.shift(call); ) call.caller!.reply(call.token, "lost");
    this.next();
  }

  // Progress per second of every running query: 1 alone, less as more share the database.
  private rate(): number {
    return this.paused ? 0 : 1 / (this.slowdown * (1 + this.contention * (this.busy - 1)));
  }

  // Brings the shared progress up to now; call before anything that changes rate().
  private advance(): void {
    const now = this.sim.now;
    if (this.busy > 0) this.progress += (now - this.progressAt) * this.rate();
    this.progressAt = now;
  }

  // One timer, for the query that will finish first at the current rate.
  private reschedule(): void {
    if (this.timer !== null) this.sim.cancel(this.timer);
    this.timer = null;
    if (this.busy === 0 || this.paused) return;
    const left = Math.max(0, this.running.peekTime() - this.progress);
    this.timer = this.sim.schedule(left / this.rate(), this, DONE);
  }

  private finish(slot: number): void {
    const job = this.jobs[slot]!;
    const caller = job.caller!;
    const token = job.token;
    const spent = this.sim.now - job.startedAt;
    this.recycle(job);
    this.jobs[slot] = undefined;
    this.freeSlots.push(slot);
    this.busy--;
    this.stats.busySeconds += spent;
    this.stats.finished++;
    this.stats.served++;
    if (!caller.reply(token, "ok")) {
      this.stats.wasted++;
      this.stats.wastedBusySeconds += spent;
    }
  }

  private next(): void {
    if (this.paused) return;
    let started = false;
    const taken = this.taken;
    const front = this.front;
    while (this.busy < this.concurrency && front.take(taken)) {
      const caller = taken.caller!;
      const token = taken.token;
      if (front.expired(taken.deadline)) {
        front.expire(caller, token);
        continue;
      }
      if (this.errorRate > 0 && this.errorRng.next() < this.errorRate) {
        // A refused query takes no connection; answered through the event queue, never inside accept().
        this.sim.schedule(0, this, FAIL, this.job(caller, token));
        continue;
      }
      if (!started) this.advance();
      started = true;
      this.begin(caller, token);
    }
    if (started) this.reschedule();
  }

  private begin(caller: Caller, token: number): void {
    const job = this.job(caller, token);
    const slot = this.freeSlots.pop() ?? this.jobs.length;
    this.jobs[slot] = job;
    this.busy++;
    this.running.push(this.progress + this.serviceTime.sample(this.rng), slot);
  }

  private job(caller: Caller, token: number): Job {
    const job = this.idleJobs.pop() ?? { caller: null, token: 0, startedAt: 0 };
    job.caller = caller;
    job.token = token;
    job.startedAt = this.sim.now;
    return job;
  }

  private recycle(job: Job): void {
    job.caller = null;
    this.idleJobs.push(job);
  }
}
