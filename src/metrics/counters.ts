import type { Client } from "../model/client.js";
import type { Component, LoadGenerator } from "../model/component.js";
import type { Source } from "../model/load/source.js";
import type { Server } from "../model/server.js";

/** The components a run observes, by kind. */
export interface ObservedModel {
  /** Every component; their gauges are sampled and their counters reported. */
  components: readonly Component[];
  sources: readonly Source[];
  /** Sources and other generators of external demand (a lease fleet): the offered load. */
  generators: readonly LoadGenerator[];
  clients: readonly Client[];
  servers: readonly Server[];
}

/** Cumulative counts over the whole model at one instant. */
export interface CounterSnapshot {
  arrivals: number;
  attempts: number;
  served: number;
  completions: number;
  timeouts: number;
  retries: number;
  gaveUp: number;
  wasted: number;
  errors: number;
  inFlight: number;
}

/** Names of the snapshot's fields, in a stable order. */
export const COUNTER_NAMES: readonly (keyof CounterSnapshot)[] = [
  "arrivals",
  "attempts",
  "served",
  "completions",
  "timeouts",
  "retries",
  "gaveUp",
  "wasted",
  "errors",
  "inFlight",
];

/** Sums the typed counters of every component into one snapshot. */
export function snapshot(model: ObservedModel): CounterSnapshot {
  const s: CounterSnapshot = {
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
  };
  for (const g of model.generators) s.arrivals += g.offeredSoFar();
  for (const c of model.clients) {
    s.attempts += c.stats.attempts;
    s.completions += c.stats.completions;
    s.timeouts += c.stats.timeouts;
    s.retries += c.stats.retries;
    s.gaveUp += c.stats.gaveUp;
    s.errors += c.stats.errors;
    s.inFlight += c.stats.inFlight;
  }
  for (const v of model.servers) {
    s.served += v.stats.served;
    s.wasted += v.stats.wasted;
  }
  return s;
}

/** Queue length (waiting calls) summed over servers. */
export function totalQueueLength(model: ObservedModel): number {
  let n = 0;
  for (const v of model.servers) n += v.queueLength;
  return n;
}
