import type { Component, LoadGenerator } from "../model/component.js";
import { isLoadGenerator } from "../model/component.js";
import {
  type DoesWork,
  doesWork,
  type HoldsDemand,
  type HoldsQueue,
  holdsDemand,
  holdsQueue,
  type MakesCalls,
  makesCalls,
  type ShowsLoopState,
  showsLoopState,
} from "../model/roles.js";

/**
 * The components a run observes, grouped by the roles they declare (never by class): whatever
 * does work, holds a queue or makes calls is counted, databases and autoscaled instances included.
 */
export interface ObservedModel {
  /** Every component; their gauges are sampled and their counters reported. */
  components: readonly Component[];
  /** Generators of external demand (sources, lease fleets): the offered load. */
  generators: readonly LoadGenerator[];
  /** Callers the generators feed: their attempts, timeouts and completions are the system's. */
  entryCallers: readonly MakesCalls[];
  /** Every component that does work. */
  workers: readonly DoesWork[];
  /** Every component that holds waiting calls (workers included). */
  queues: readonly HoldsQueue[];
  /** Every component that makes calls (clients, and services calling downstream): one row per hop. */
  callers: readonly MakesCalls[];
  /** Generators judged by a share of healthy units (lease fleets). */
  demandHolders: readonly HoldsDemand[];
  /** Components that name loop-state gauges. */
  loopStates: readonly (Component & ShowsLoopState)[];
  /** Entry callers whose completions are a demand holder's own steps, not goodput. */
  stepCallers: ReadonlySet<MakesCalls>;
}

/** Groups `components` by role; `feeds(g)` names the component generator `g` sends requests to. */
export function observeByRole<C extends readonly Component[]>(
  components: C,
): ObservedModel & { components: C } {
  const byName = new Map(components.map((c) => [c.name, c]));
  const generators = components.filter(isLoadGenerator);
  const entryCallers = [
    ...new Set(
      generators
        .map((g) => byName.get(g.feeds))
        .filter((c): c is Component & MakesCalls => !!c && makesCalls(c)),
    ),
  ];
  const demandHolders = components.filter(holdsDemand);
  const through = new Set(demandHolders.flatMap((d) => d.callsThrough));
  return {
    components,
    generators,
    entryCallers,
    workers: components.filter(doesWork),
    queues: components.filter(holdsQueue),
    callers: components.filter(makesCalls),
    demandHolders,
    loopStates: components.filter(showsLoopState),
    stepCallers: new Set(entryCallers.filter((c) => through.has(c.name))),
  };
}

/** Cumulative counts over the whole model at one instant. */
export interface CounterSnapshot {
  /** Demand generated (requests from sources, renewal slots of lease fleets). */
  arrivals: number;
  /** Attempts the entry callers sent. */
  attempts: number;
  /** Work items finished by every component that does work, errors included (throughput). */
  served: number;
  /** Demand satisfied: completed requests, renewals of held leases (goodput). */
  completions: number;
  /** Attempts that hit the client's per-attempt timeout. */
  timeouts: number;
  /** Attempts that were retries. */
  retries: number;
  /** Requests abandoned after the last allowed attempt (or a non-retryable error). */
  gaveUp: number;
  /** Work items finished for callers that no longer wanted them (the client had timed out). */
  wasted: number;
  /** Error answers received by the entry callers (queue full, dropped past deadline, ...). */
  errors: number;
  /** Requests neither completed nor given up. */
  inFlight: number;
  /** Attempts withdrawn because another answer completed their request. */
  abandoned: number;
  /** Worker-seconds spent, in total and on work nobody wanted or that produced an error. */
  busySeconds: number;
  wastedBusySeconds: number;
  errorBusySeconds: number;
}

/** A snapshot of zeros. */
export function emptySnapshot(): CounterSnapshot {
  return {
    arrivals: 0,
    attempts: 0,
    served: 0,
    completions: 0,
    timeouts: 0,
    retries: 0,
    gaveUp: 0,
    wasted: 0,
    errors: 0,
    inFlight: 0,
    abandoned: 0,
    busySeconds: 0,
    wastedBusySeconds: 0,
    errorBusySeconds: 0,
  };
}

/** Sums the counters of every component, by role, into one snapshot. */
export function snapshot(model: ObservedModel): CounterSnapshot {
  const s = emptySnapshot();
  for (const g of model.generators) s.arrivals += g.offeredSoFar();
  for (const d of model.demandHolders) s.completions += d.satisfiedSoFar();
  for (const c of model.entryCallers) {
    const k = c.calls;
    s.attempts += k.attempts;
    if (!model.stepCallers.has(c)) s.completions += k.completions;
    s.timeouts += k.timeouts;
    s.retries += k.retries;
    s.gaveUp += k.gaveUp;
    s.errors += k.errors;
    s.inFlight += k.inFlight;
    s.abandoned += k.abandoned;
  }
  for (const w of model.workers) {
    const k = w.work;
    s.served += k.finished;
    s.wasted += k.wasted;
    s.busySeconds += k.busySeconds;
    s.wastedBusySeconds += k.wastedBusySeconds;
    s.errorBusySeconds += k.errorBusySeconds;
  }
  return s;
}

/** Calls waiting, summed over every component that holds a queue. */
export function totalQueueLength(model: ObservedModel): number {
  let n = 0;
  for (const q of model.queues) n += q.queueLength;
  return n;
}
