import { checkNumber, within } from "../../engine/option-error.js";
import type { RandomStream } from "../../engine/random.js";
import type { Handler, Simulation } from "../../engine/simulation.js";
import type { Caller, ReplyStatus, RequestOwner, Service } from "../call.js";
import type { Capabilities, Component } from "../component.js";
import { type OptionsInput, option, readOptions } from "../options.js";
import { CallQueue, HeldCall } from "../queue/call-queue.js";
import { createQueue } from "../queue/create-queue.js";
import type { CallCounters, DoesWork, MakesCalls, WorkCounters } from "../roles.js";
import { CallOutcomes, FRONT_OPTIONS, ServiceFront, type WorkStats } from "../service-front.js";
import { AFTER_CALLS, AFTER_WORK, Job } from "../service-job.js";
import {
  buildSteps,
  Callers,
  STEP_KINDS,
  type Step,
  type StepOptions,
  type StepSpec,
} from "../service-steps.js";

/** What calls get while a service is unreachable. */
export const UNREACHABLE_ANSWERS = ["unavailable", "empty"] as const;

/** Options of a calling service. Seconds throughout. */
export const SERVICE_OPTIONS = {
  steps: option.value<StepOptions[], StepSpec[]>()({
    format: "steps",
    family: STEP_KINDS,
    doc: "What one call's work is, in order: own work, a downstream call, or calls sent together; each step is `{ kind, ...its options }` (see the step kinds).",
    required: true,
  }),
  concurrency: option.integer({ doc: "Workers (threads).", default: 1, min: 1 }),
  ...FRONT_OPTIONS,
  blocking: option.boolean({
    doc: "Thread-per-request: a call keeps its worker while it waits downstream, so slow dependencies exhaust the workers. false: the worker is freed while the call waits downstream (an event loop) and the call needs one again for its next work step.",
    default: true,
  }),
  dropExpired: option.boolean({
    doc: 'Answer "expired" instead of going on when the caller\'s deadline has passed: before the first step and before each later one.',
    default: false,
    defaultText: "(the work goes on, and is wasted)",
  }),
  unreachableAnswer: option.choice({
    doc: 'What calls get while the service is unreachable: "unavailable" (a transient failure such as NXDOMAIN, which callers retry) or "empty" (an authoritative "nothing here", a DNS NOERROR with no address: compliant callers stop).',
    values: UNREACHABLE_ANSWERS,
    default: "unavailable",
  }),
} as const;

/** Options of a calling service, as its constructor takes them. */
export type ServiceOptions = OptionsInput<typeof SERVICE_OPTIONS>;

/**
 * Counters a service keeps; `<call>.<counter>` are its downstream calls' client counters. Worker
 * time is time held: with `blocking`, waiting downstream included. `finished` counts every call
 * it took on and answered (ok, error, empty, expired).
 */
export interface ServiceStats extends WorkStats {
  /** Calls answered "empty": a downstream call was told there is nothing, or the service is unreachable so. */
  empty: number;
  [perCall: `${string}.${string}`]: number;
}

/** A service's own counters, in the order it reports them (its calls' counters are added after). */
class ServiceCounters extends CallOutcomes implements ServiceStats {
  [perCall: `${string}.${string}`]: number;
  empty = 0;
  dropped = 0;
  busySeconds = 0;
  wastedBusySeconds = 0;
  errorBusySeconds = 0;
}

const WORK_DONE = 0;

/**
 * A service whose work includes downstream calls: a queue in front of `concurrency` workers, each
 * call going through its steps (own work, calls, parallel calls). Every downstream call is made
 * by its own client, so timeouts, retries, backoff, budgets, breakers and deadlines work as for a
 * client; calls through a pool go to the pool as their target. There is no cancellation: a call
 * the upstream gave up on runs on, and its answers are wasted work at every tier.
 */
export class CallingService
  implements Handler, Service, RequestOwner, Component, Capabilities, DoesWork, MakesCalls
{
  readonly type = "service";
  readonly concurrency: number;
  readonly queueCapacity: number;
  readonly blocking: boolean;
  readonly dropExpired: boolean;
  readonly unreachableAnswer: "unavailable" | "empty";
  private readonly steps: Step[];
  private readonly callSet: Callers;
  private readonly front: ServiceFront<ServiceStats>;
  // Non-blocking calls back from downstream that need a worker for their next work step.
  private readonly resuming: Job[] = [];
  // Jobs by the token of the group of calls they wait on; a group that ended is removed, so a
  // late answer finds nothing and is unwanted.
  private readonly byGroup = new Map<number, Job>();
  private readonly counters: ServiceStats;
  private readonly rng: RandomStream;
  private readonly taken = new HeldCall();
  // Where shed calls are taken to be answered, so the taken call is not overwritten.
  private readonly shedCall = new HeldCall();
  private nextGroup = 0;
  private busy = 0;
  private inProgress = 0;
  // Injected errors draw from their own stream, so a fault does not shift service-time draws.
  private readonly errorRng: RandomStream;
  private slowdown = 1;
  private errorRate = 0;
  private paused = false;
  private epoch = 0;
  // Calls taken on and not yet answered, so a restart can lose them all; jobs that finished a step
  // during a pause, to go on when it ends.
  private readonly active = new Set<Job>();
  private held: Job[] = [];
  private pumping = false;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    options: ServiceOptions,
  ) {
    const o = readOptions(SERVICE_OPTIONS, options);
    this.concurrency = o.concurrency;
    this.queueCapacity = o.queueCapacity;
    this.blocking = o.blocking;
    this.dropExpired = o.dropExpired;
    this.unreachableAnswer = o.unreachableAnswer;
    const queue = within(["queue"], () => createQueue(o.queue));
    this.steps = buildSteps(sim, name, options.steps, this);
    this.callSet = new Callers(this.steps);
    this.rng = sim.stream(`service:${name}`);
    this.errorRng = sim.stream(`service:${name}:errors`);
    this.counters = new ServiceCounters();
    this.callSet.copyInto(this.counters);
    this.front = new ServiceFront(sim, this.counters, queue, o);
  }

  /** Its counters, with its downstream calls' counters brought up to date. */
  get stats(): ServiceStats {
    this.callSet.copyInto(this.counters);
    return this.counters;
  }

  get work(): WorkCounters {
    return this.counters;
  }

  /** Its downstream calls' counters, summed over its calls. */
  get calls(): CallCounters {
    return this.callSet.sum();
  }

  onCompletion(listener: (latency: number, attempts: number) => void): void {
    for (const c of this.callSet.clients) c.onCompletion(listener);
  }

  get workers(): number {
    return this.concurrency;
  }

  /** Workers held (blocking: calls under way, waiting downstream included). */
  get inFlight(): number {
    return this.busy;
  }

  get queueLength(): number {
    return this.front.length + this.resuming.length;
  }

  /**
   * Calls per second it can finish with every worker busy: its workers over its own work, and no
   * more than the slowest of what it calls; 0 while paused or unreachable.
   */
  get capacityPerSec(): number {
    if (this.paused || !this.front.isReachable) return 0;
    const own = this.callSet.ownWorkMean * this.slowdown;
    return Math.min(own > 0 ? this.concurrency / own : Number.POSITIVE_INFINITY, this.callSet.capacityPerSec);
  }

  gauges(): Record<string, number> {
    return {
      queueLength: this.queueLength,
      inFlight: this.busy,
      waitingDownstream: this.byGroup.size,
      inProgress: this.inProgress,
    };
  }

  describe(): Record<string, string> {
    const out: Record<string, string> = {
      steps: this.callSet.describeSteps(),
      concurrency: String(this.concurrency),
      blocking: this.blocking ? "yes (thread per request)" : "no (workers freed while waiting downstream)",
      queue: this.front.queue.label,
      queueCapacity: this.front.capacityLabel,
      dropExpired: String(this.dropExpired),
    };
    return { ...out, ...this.callSet.describeCalls() };
  }

  setSlowdown(factor: number): void {
    this.slowdown = checkNumber("factor", factor, { min: 0, exclusiveMin: true });
  }

  setReachable(reachable: boolean): void {
    this.front.setReachable(reachable, this.unreachableAnswer);
  }

  setErrorRate(rate: number): void {
    this.errorRate = checkNumber("rate", rate, { min: 0, max: 1 });
  }

  /** Nothing starts and no step finishes: calls queue, work and answers from downstream are held. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const job of held) {
      if (job.heldAfter === AFTER_CALLS) this.groupEnded(job);
      else this.stepDone(job);
    }
    this.pump();
  }

  /**
   * Loses every call waiting or under way, as a restarted process does: callers hear nothing and
   * find out through their timeouts; answers still coming back from downstream find no one.
   */
  restart(): void {
    this.epoch++;
    const lost = new CallQueue();
    for (const job of this.active) {
      if (job.hasWorker) this.counters.busySeconds += this.sim.now - job.heldSince;
      lost.push(job.caller!, job.token, 0, 0);
    }
    this.counters.dropped += this.active.size + this.front.length;
    this.active.clear();
    this.byGroup.clear();
    this.resuming.length = 0;
    this.held = [];
    this.busy = 0;
    this.inProgress = 0;
    this.front.drain(lost);
    for (const call = new HeldCall(); lost.shift(call); ) call.caller!.reply(call.token, "lost");
    this.pump();
  }

  accept(caller: Caller, token: number, deadline: number): void {
    const s = this.counters;
    s.arrived++;
    if (!this.front.isReachable && this.unreachableAnswer === "empty") s.empty++;
    if (this.front.admit(caller, token, deadline, this.busy < this.concurrency)) this.pump();
  }

  handleEvent(_kind: number, data: unknown): void {
    const job = data as Job;
    // Work lost in a restart: its caller was told at the restart.
    if (job.epoch !== this.epoch) return;
    if (this.paused) {
      job.heldAfter = AFTER_WORK;
      this.held.push(job);
      return;
    }
    this.stepDone(job);
    this.pump();
  }

  requestEnded(group: number, status: ReplyStatus): boolean {
    const job = this.byGroup.get(group);
    // The group already ended (a failure, or another call of a wait-first group won).
    if (job === undefined) return false;
    const wanted = this.sim.now <= job.deadline;
    const wait = this.steps[job.step]!.wait;
    job.pending--;
    if (status === "ok") {
      if (wait === "first") job.pending = 0;
    } else {
      job.failed++;
      // A stop answer outranks a retryable failure: the caller must not retry it either.
      if (status === "empty" || job.failure !== "empty") job.failure = status;
      if (wait === "all") job.pending = 0;
    }
    if (job.pending === 0) {
      this.byGroup.delete(group);
      if (job.sending) return wanted;
      if (this.paused) {
        job.heldAfter = AFTER_CALLS;
        this.held.push(job);
      } else this.groupEnded(job);
    }
    return wanted;
  }

  /** Hands workers to resuming and waiting calls; a loop, so calls answered at once do not recurse. */
  private pump(): void {
    if (this.pumping || this.paused) return;
    this.pumping = true;
    const taken = this.taken;
    const front = this.front;
    while (this.busy < this.concurrency) {
      const resumed = this.resuming.shift();
      if (resumed !== undefined) {
        this.hold(resumed);
        this.runWork(resumed);
        continue;
      }
      const got = front.take(taken);
      while (front.nextShed(this.shedCall)) front.expire(this.shedCall.caller!, this.shedCall.token);
      if (!got) break;
      if (front.expired(taken.deadline)) {
        front.expire(taken.caller!, taken.token);
        continue;
      }
      const job = new Job();
      job.caller = taken.caller;
      job.token = taken.token;
      job.deadline = taken.deadline;
      job.requestId = taken.caller!.requestOf(taken.token);
      job.epoch = this.epoch;
      this.active.add(job);
      this.inProgress++;
      this.hold(job);
      // An injected error fails the call at once, before any work or call.
      if (this.errorRate > 0 && this.errorRng.next() < this.errorRate) this.end(job, "error");
      else this.advance(job);
    }
    this.pumping = false;
  }

  /** Runs `job` from its current step until it waits (for work or calls) or ends. */
  private advance(job: Job): void {
    if (job.step >= this.steps.length) {
      this.end(job, "ok");
      return;
    }
    if (this.front.expired(job.deadline)) {
      this.end(job, "expired");
      return;
    }
    const step = this.steps[job.step]!;
    if (step.work) {
      if (job.hasWorker) this.runWork(job);
      else if (this.busy < this.concurrency) {
        this.hold(job);
        this.runWork(job);
      } else this.resuming.push(job);
      return;
    }
    if (!this.blocking && job.hasWorker) this.letGo(job);
    const group = this.nextGroup++;
    job.group = group;
    job.pending = step.callers.length;
    job.failed = 0;
    job.failure = "error";
    job.sending = true;
    this.byGroup.set(group, job);
    for (let i = 0; i < step.callers.length; i++) {
      // A group may end while its calls go out (a failure answered at once): send no more.
      if (this.byGroup.get(group) !== job) break;
      const deadline = step.propagate[i] ? job.deadline : Number.POSITIVE_INFINITY;
      step.callers[i]!.forward(group, job.requestId, deadline);
    }
    job.sending = false;
    if (this.byGroup.get(group) !== job) this.groupEnded(job);
  }

  private stepDone(job: Job): void {
    job.step++;
    this.advance(job);
  }

  private groupEnded(job: Job): void {
    const step = this.steps[job.step]!;
    const success = step.wait === "first" ? job.failed < step.callers.length : job.failed === 0;
    if (!success) {
      this.end(job, job.failure === "empty" ? "empty" : "error");
      return;
    }
    job.step++;
    this.advance(job);
  }

  private runWork(job: Job): void {
    const work = this.steps[job.step]!.work!;
    this.sim.schedule(work.sample(this.rng) * this.slowdown, this, WORK_DONE, job);
  }

  private hold(job: Job): void {
    this.busy++;
    job.hasWorker = true;
    job.heldSince = this.sim.now;
  }

  private letGo(job: Job): void {
    this.busy--;
    job.hasWorker = false;
    const spent = this.sim.now - job.heldSince;
    job.held += spent;
    this.counters.busySeconds += spent;
    this.pump();
  }

  private end(job: Job, status: "ok" | "error" | "empty" | "expired"): void {
    if (job.hasWorker) this.letGo(job);
    this.active.delete(job);
    this.inProgress--;
    const s = this.counters;
    s.finished++;
    if (status !== "ok") {
      s.errorBusySeconds += job.held;
      s[status === "error" ? "errors" : status]++;
      job.caller!.reply(job.token, status);
      return;
    }
    s.served++;
    if (!job.caller!.reply(job.token, "ok")) {
      s.wasted++;
      s.wastedBusySeconds += job.held;
    }
  }
}
