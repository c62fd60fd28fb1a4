/**
 * The roles a component can play, which is all the metrics layer knows of it. A component
 * declares its roles by having their members; the recorder finds every component that holds a
 * role and aggregates over them, so a component added later is observed without touching the
 * metrics code. A component may hold several roles (a server does work and queues calls).
 */

/** Cumulative counters of a component that does work on calls. Seconds are worker-seconds. */
export interface WorkCounters {
  /** Work items finished, whatever the answer (ok, error, expired with a cost): throughput. */
  readonly finished: number;
  /** Finished with an ok answer. */
  readonly served: number;
  /** Served, but the caller no longer wanted the answer. */
  readonly wasted: number;
  /** Worker-seconds spent, errors included. */
  readonly busySeconds: number;
  /** Worker-seconds spent on answers nobody wanted. */
  readonly wastedBusySeconds: number;
  /** Worker-seconds spent producing error answers (a slow error path). */
  readonly errorBusySeconds: number;
}

/** Something that holds calls waiting: a server's queue, a pool's waiters. */
export interface HoldsQueue {
  readonly name: string;
  /** Calls waiting now (not counting those in service). */
  readonly queueLength: number;
}

/** Something that does work: workers, a queue in front of them, and a capacity that may change. */
export interface DoesWork extends HoldsQueue {
  readonly work: WorkCounters;
  /** Calls being worked on now. */
  readonly inFlight: number;
  /** Workers now (threads, connections, instances x concurrency). */
  readonly workers: number;
  /** Calls per second it can finish now with every worker busy (0 while it cannot work). */
  readonly capacityPerSec: number;
}

/** Cumulative counters of something that sends calls and waits for answers: a client. */
export interface CallCounters {
  /** Requests it was asked to make. */
  readonly requests: number;
  /** Attempts sent (first tries, retries and hedges). */
  readonly attempts: number;
  readonly retries: number;
  /** Attempts that ran out of time. */
  readonly timeouts: number;
  /** Error answers received. */
  readonly errors: number;
  /** Requests that got an ok answer. */
  readonly completions: number;
  /** Requests abandoned (attempts or budget exhausted, non-retryable error). */
  readonly gaveUp: number;
  /** Requests neither completed nor given up. */
  readonly inFlight: number;
  /** Attempts no longer waited for because another answer completed their request first. */
  readonly abandoned: number;
}

/** Something that calls: its counters say how requests ended. */
export interface MakesCalls {
  readonly name: string;
  readonly calls: CallCounters;
  /** Completion events, with end-to-end latency and attempts used. */
  onCompletion(listener: (latency: number, attempts: number) => void): void;
}

/** A gauge that shows the state of a feedback loop (the seeds' "characteristic metrics"). */
export interface LoopGauge {
  /** The gauge's name in `gauges()`. */
  gauge: string;
  /** Human name, e.g. "cache hit rate". */
  label: string;
  unit: string;
  /** Which way is bad: "high" (latency, backlog) or "low" (hit rate, healthy backends). */
  bad: "high" | "low";
  /** Also a sign the loop is still running, not only a symptom (judged at the end of a run). */
  sustains?: boolean;
}

/** A component that names which of its gauges show loop state. */
export interface ShowsLoopState {
  readonly loopGauges: readonly LoopGauge[];
}

/** Demand whose satisfaction is judged directly (a lease fleet: hosts holding a lease). */
export interface HoldsDemand {
  /** Fraction of its units (hosts) in the good state now, in [0, 1]. */
  readonly healthyShare: number;
  /** What the share measures, for messages ("hosts holding a lease"). */
  readonly healthyShareLabel: string;
  /** Demand it satisfied so far (e.g. renewals of held leases): its goodput. */
  satisfiedSoFar(): number;
  /** Clients it sends through: their completions are its own sub-steps, not goodput. */
  readonly callsThrough: readonly string[];
}

/** Whether `c` does work. */
export function doesWork<T extends object>(c: T): c is T & DoesWork {
  return "work" in c && "inFlight" in c && "workers" in c;
}

/** Whether `c` holds a queue of waiting calls. */
export function holdsQueue<T extends object>(c: T): c is T & HoldsQueue {
  return "queueLength" in c && typeof (c as { queueLength: unknown }).queueLength === "number";
}

/** Whether `c` makes calls. */
export function makesCalls<T extends object>(c: T): c is T & MakesCalls {
  return "calls" in c && typeof (c as { onCompletion?: unknown }).onCompletion === "function";
}

/** Whether `c` names loop-state gauges. */
export function showsLoopState<T extends object>(c: T): c is T & ShowsLoopState {
  return Array.isArray((c as Partial<ShowsLoopState>).loopGauges);
}

/** Whether `c` judges its demand by a share of healthy units. */
export function holdsDemand<T extends object>(c: T): c is T & HoldsDemand {
  return typeof (c as Partial<HoldsDemand>).satisfiedSoFar === "function";
}
