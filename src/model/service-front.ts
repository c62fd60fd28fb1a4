import type { Simulation } from "../engine/simulation.js";
import type { Caller, ReplyStatus } from "./call.js";
import { option } from "./options.js";
import { CallQueue, type HeldCall } from "./queue/call-queue.js";
import { QUEUE_DISCIPLINES } from "./queue/create-queue.js";
import type { QueueDiscipline } from "./queue/queue-discipline.js";
import type { WorkCounters } from "./roles.js";

/**
 * The options of a front, declared once for every component that queues calls for its workers (a
 * database waits in arrival order, so it takes `queueCapacity` only).
 */
export const FRONT_OPTIONS = {
  queueCapacity: option.integer({
    doc: 'Calls that may wait for a worker (a thread, a connection); a call arriving to a full queue is answered "rejected" at once.',
    default: Number.POSITIVE_INFINITY,
    min: 0,
    unbounded: true,
  }),
  queue: option.policy(QUEUE_DISCIPLINES, {
    doc: "Order in which waiting calls get a worker.",
    default: { kind: "fifo" },
  }),
} as const;

/** Counters a service front keeps: calls it answered itself, without work. */
export interface FrontCounters {
  /** Calls refused because the queue was full. */
  rejected: number;
  /** Calls dropped unserved because their deadline had passed. */
  expired: number;
}

/** The counters of a front that can be unreachable. */
export interface ReachableFrontCounters extends FrontCounters {
  /** Calls lost to a restart or refused while unreachable. */
  dropped: number;
}

/**
 * Counters of a queued service that does its own work (a server, a database), the same for each.
 * Worker-seconds are connection-seconds for a database.
 */
export interface WorkStats extends ReachableFrontCounters, Writable<WorkCounters> {
  /** Calls received. */
  arrived: number;
  /** Calls answered with an error (injected, or a failed dependency). */
  errors: number;
}

/**
 * Zeroed counters of the calls a component takes and how they were answered, in the order it
 * reports them; a component extends it with its own. A class rather than an object spread into
 * each component's literal: V8 gives every object built by such a spread and then written to a
 * hidden class of its own and generalises it again at the first write (2,000 trials of a map
 * re-derived the server's counters' hidden class about 14,000 times).
 */
export class CallOutcomes {
  arrived = 0;
  finished = 0;
  served = 0;
  wasted = 0;
  rejected = 0;
  expired = 0;
  errors = 0;
}

/** The same counters, writable. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** How the front of a service is set up. */
export interface FrontOptions {
  /** Calls that may wait while no worker is free (Infinity: unbounded). */
  queueCapacity: number;
  /** Whether a call taken after its deadline is answered "expired" instead of being worked on; default false. */
  dropExpired?: boolean;
}

/**
 * The front of a service that queues calls for its workers (a server's threads, a database's
 * connections, a calling service's workers, a pool's connections): it refuses calls while the
 * service is unreachable or when no worker is free and the queue is full, queues the rest in its
 * discipline, hands them out in the discipline's order, and answers the calls that expired or that
 * the discipline shed. The service keeps the workers; the front keeps the waiting.
 */
export class ServiceFront<C extends FrontCounters = FrontCounters> {
  readonly queueCapacity: number;
  readonly dropExpired: boolean;
  /** Calls the discipline shed during `take`, for the service to answer (see `nextShed`). */
  private readonly shed = new CallQueue();
  private reachable = true;
  private unreachableAnswer: ReplyStatus = "unavailable";

  constructor(
    private readonly sim: Simulation,
    private readonly stats: C,
    readonly queue: QueueDiscipline,
    options: FrontOptions,
  ) {
    this.queueCapacity = options.queueCapacity;
    this.dropExpired = options.dropExpired ?? false;
  }

  /** Calls waiting. */
  get length(): number {
    return this.queue.length;
  }

  /** The queue capacity as a service describes it. */
  get capacityLabel(): string {
    return Number.isFinite(this.queueCapacity) ? String(this.queueCapacity) : "unbounded";
  }

  /** Whether calls reach the service; while not, each is answered `answer` and counted dropped. */
  setReachable(
    this: ServiceFront<ReachableFrontCounters>,
    reachable: boolean,
    answer: ReplyStatus = "unavailable",
  ): void {
    this.reachable = reachable;
    this.unreachableAnswer = answer;
  }

  /** Whether the service is reachable now. */
  get isReachable(): boolean {
    return this.reachable;
  }

  /**
   * A call arrives while `free` says whether a worker is free: refused and answered at once
   * (false), or queued (true), after which the service hands out work. Every call goes through the
   * queue, so its discipline decides even when a worker is free.
   */
  admit(caller: Caller, token: number, deadline: number, free: boolean): boolean {
    if (!this.reachable) {
      // Only a front whose counters have `dropped` can be made unreachable (`setReachable`).
      (this.stats as unknown as ReachableFrontCounters).dropped++;
      caller.reply(token, this.unreachableAnswer);
      return false;
    }
    if (!free && this.queue.length >= this.queueCapacity) {
      this.stats.rejected++;
      caller.reply(token, "rejected");
      return false;
    }
    this.queue.push(caller, token, deadline, this.sim.now);
    return true;
  }

  /**
   * Moves the next call to serve into `out`; false when none waits. The discipline may shed calls
   * on the way: answer them with `nextShed` once the taken call is dealt with.
   */
  take(out: HeldCall): boolean {
    return this.queue.take(this.sim.now, out, this.shed);
  }

  /** Moves the next shed call into `out`; false when there is none. */
  nextShed(out: HeldCall): boolean {
    return this.shed.shift(out);
  }

  /** Whether a call with `deadline`, taken now, is to be answered "expired" without work (`dropExpired`). */
  expired(deadline: number): boolean {
    return this.dropExpired && this.sim.now > deadline;
  }

  /** Answers a call "expired" without work. */
  expire(caller: Caller, token: number): void {
    this.stats.expired++;
    caller.reply(token, "expired");
  }

  /** Moves every waiting call, oldest first, into `into` (a restart loses them). */
  drain(into: CallQueue): void {
    this.queue.drain(into);
  }
}

/**
 * The role getters of a component whose front queues calls for `concurrency` identical workers,
 * `busy` of them at work (a server's threads, a database's connections).
 */
export abstract class QueuedWorkers<S extends WorkStats> {
  abstract readonly stats: S;
  abstract readonly concurrency: number;
  protected abstract readonly front: ServiceFront<S>;
  /** Workers at work now. */
  protected busy = 0;

  /** Its work counters (the stats object itself). */
  get work(): S {
    return this.stats;
  }

  /** Workers: its concurrency. */
  get workers(): number {
    return this.concurrency;
  }

  /** Calls waiting for a worker. */
  get queueLength(): number {
    return this.front.length;
  }

  /** Calls being worked on. */
  get inFlight(): number {
    return this.busy;
  }
}
