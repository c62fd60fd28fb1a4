import type { FluidAnalysis, Recovery, TippingDisturbance } from "./analyse.js";
import type { FluidModel } from "./fluid-model.js";

// The parts of a fluid analysis that every model (a server's queue, a cache over a database) states
// alike: what was solved, the answers where a state does not exist, and how numbers read in notes.

/** A number as the notes print it: three significant digits, no float noise. */
export function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** A share as a percentage, three significant digits. */
export function pct(x: number): string {
  return `${Number((100 * x).toPrecision(3))}%`;
}

/** What was solved: the model's components, queue and client; `approximations` in full. */
export function modelSummary(
  model: FluidModel,
  orbitTime: number,
  approximations: string[],
): FluidAnalysis["model"] {
  return {
    client: model.clientName,
    server: model.serverName,
    queue: model.queue.label,
    approximation: model.queue.approximation,
    approximations,
    capacity: model.queue.capacity,
    timeout: model.client.timeout,
    maxAttempts: model.client.maxAttempts,
    orbitTime,
    notModelled: model.notModelled,
  };
}

/** No healthy state at `load`: the system tips by itself (with a cache, without losing any hit rate). */
export function tipsByItself(load: number, spikeRate: number, cache: boolean): TippingDisturbance {
  return {
    queue: 0,
    ...(cache && { hitRate: 0 }),
    spikeRate,
    seconds: 0,
    note: `no healthy state at ${fmt(load)} req/s: the system tips by itself`,
  };
}

/** No stuck state at `load`: nothing tips it. */
export function nothingTips(load: number, spikeRate: number, cache: boolean): TippingDisturbance {
  return {
    queue: null,
    ...(cache && { hitRate: null }),
    spikeRate,
    seconds: null,
    note: `no stuck state at ${fmt(load)} req/s: any disturbance decays`,
  };
}

/** No load leaves the system stuck: there is no recovery to time; `note` says why. */
export function noRecovery(note: string): Recovery {
  return { load: null, drainLoad: null, from: null, seconds: null, note };
}
