import type { Distribution } from "../../engine/distribution.js";
import type { DistributionSpec } from "../../engine/distributions.js";
import { checkNumber, OptionError, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Caller, Service } from "../call.js";
import type { Capabilities, Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { CallQueue, HeldCall } from "../queue/call-queue.js";
import { createQueue } from "../queue/create-queue.js";
import type { DoesWork, LoopGauge, ShowsLoopState } from "../roles.js";
import type { WorkStats } from "../service-front.js";
import { CallOutcomes, FRONT_OPTIONS, QueuedWorkers, ServiceFront } from "../service-front.js";

/** Options of a queued server. Seconds throughout. */
export const SERVER_OPTIONS = {
  serviceTime: option.value<Distribution, DistributionSpec>()({
    format: "distribution",
    doc: "Service time of one call; must not go below 0.",
    required: true,
  }),
  concurrency: option.integer({ doc: "Calls served at once (threads, workers).", default: 1, min: 1 }),
  ...FRONT_OPTIONS,
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
export type ServerStats = WorkStats;

/** The server's counters, in the order it reports them. */
class ServerCounters extends CallOutcomes implements ServerStats {
  dropped = 0;
  wastedBusySeconds = 0;
  busySeconds = 0;
  errorBusySeconds = 0;
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
export class Server
  extends QueuedWorkers<ServerStats>
  implements Handler, Service, Component, Capabilities, DoesWork, ShowsLoopState
{
  readonly type = "server";
  readonly stats: ServerStats = new ServerCounters();
  readonly loopGauges: readonly LoopGauge[] = [];
  readonly serviceTime: Distribution;
  readonly concurrency: number;
  readonly queueCapacity: number;
  readonly dropExpired: boolean;
  readonly errorCost: number;
  // The queue, its limit, and the calls it answers without work.
  protected readonly front: ServiceFront<ServerStats>;
  private readonly idleJobs: Job[] = [];
  private readonly rng: RandomStream;
  // Injected errors draw from their own stream, so a fault does not shift service-time draws.
  private readonly errorRng: RandomStream;
  private slowdown = 1;
  private errorRate = 0;
  private paused = false;
  private epoch = 0;
  private held: Job[] = [];
  // Where `take` puts the call it hands over; read at once, since a reply may re-enter `next`.
  private readonly taken = new HeldCall();

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    options: ServerOptions,
  ) {
    super();
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
    this.front = new ServiceFront(
      sim,
      this.stats,
      within(["queue"], () => createQueue(o.queue)),
      o,
    );
    this.rng = sim.stream(`server:${name}`);
    this.errorRng = sim.stream(`server:${name}:errors`);
  }

  /** Requests per second when every worker is busy: concurrency / mean service time. */
  get nominalCapacityPerSec(): number {
    return this.concurrency / this.serviceTime.mean;
  }

  /** Requests per second it can finish now: nominal, divided by any slowdown; 0 while paused or unreachable. */
  get capacityPerSec(): number {
    if (this.paused || !this.front.isReachable) return 0;
    return this.concurrency / (this.serviceTime.mean * this.slowdown);
  }

  gauges(): Record<string, number> {
    return { queueLength: this.front.length, inFlight: this.busy };
  }

  describe(): Record<string, string> {
    return {
      concurrency: String(this.concurrency),
      serviceTime: this.serviceTime.label,
      capacity: `${Number(this.nominalCapacityPerSec.toFixed(3))} req/s`,
      queue: this.front.queue.label,
      queueCapacity: this.front.capacityLabel,
      dropExpired: String(this.dropExpired),
      ...(this.errorCost > 0 && { errorCost: `${this.errorCost}x` }),
    };
  }

  accept(caller: Caller, token: number, deadline: number): void {
    this.stats.arrived++;
    if (this.front.admit(caller, token, deadline, this.busy < this.concurrency)) this.next();
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
    this.front.setReachable(reachable);
  }

  restart(): void {
    // Work in progress and waiting is lost; its callers find out through their timeouts.
    this.epoch++;
    // Held jobs (finished during a pause) still count in `busy`.
    this.stats.dropped += this.busy + this.front.length;
    this.busy = 0;
    const held = this.held;
    this.held = [];
    const lost = new CallQueue();
    this.front.drain(lost);
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
    const front = this.front;
    while (this.busy < this.concurrency) {
      const got = front.take(taken);
      if (got) {
        const caller = taken.caller!;
        if (front.expired(taken.deadline)) {
          this.answerExpired(caller, taken.token);
        } else {
          const failing = this.errorRate > 0 && this.errorRng.next() < this.errorRate;
          this.begin(caller, taken.token, failing ? "error" : "ok");
        }
      }
      // Shed calls are answered once the taken call has its worker (a costly error path started
      // from inside `take` would push busy past concurrency), one at a time: a reply may re-enter
      // `next` (a retry arrives), which answers the rest.
      while (front.nextShed(taken)) this.answerExpired(taken.caller!, taken.token);
      if (!got) return;
    }
  }

  private answerExpired(caller: Caller, token: number): void {
    // A slow error path makes even refusing the work cost worker time.
    if (this.errorCost > 0 && this.busy < this.concurrency) this.begin(caller, token, "expired");
    else this.front.expire(caller, token);
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
