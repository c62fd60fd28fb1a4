import type { ParsedScenario } from "../scenario/parse.js";

/** A change over an interval of time that the fluid trajectory follows. */
export interface FluidEvent {
  kind: "loadFactor" | "loadRamp" | "pause" | "emptyQueue" | "flush" | "warm";
  start: number;
  end: number;
  /**
   * Load multiplier for `loadFactor`; the starting multiplier of `loadRamp` (it rises to 1 at
   * `end`); the fraction of the cache's capacity filled with its hottest keys for `warm`.
   */
  factor: number;
  /** How the scenario names it, e.g. "spike users at 20 s". */
  label: string;
}

/**
 * The scenario's triggers and interventions as events the fluid trajectory follows, and the labels
 * of those it leaves out. `sources`, `server` and `cache` name the components the model covers.
 */
export function faultEvents(
  spec: ParsedScenario["spec"],
  sources: string[],
  server: string,
  cache: string | null,
): { events: FluidEvent[]; notModelled: string[] } {
  const events: FluidEvent[] = [];
  const notModelled: string[] = [];
  for (const f of [...(spec.triggers ?? []), ...(spec.interventions ?? [])]) {
    const label = `${f.kind} ${f.target} at ${f.at} s`;
    const end = f.at + (f.duration ?? 0);
    if (sources.includes(f.target) && (f.kind === "spike" || f.kind === "cutLoad")) {
      // A spike multiplies one source; the model scales the whole load, so only one source is exact.
      const factor = f.kind === "spike" ? (f.factor ?? 1) : 1 - (f.fraction ?? 0);
      if (sources.length === 1) events.push({ kind: "loadFactor", start: f.at, end, factor, label });
      else notModelled.push(`${label} (one of several sources)`);
    } else if (sources.includes(f.target) && f.kind === "rampLoad") {
      // The simulator steps the load back in 20 equal steps; the fluid takes the ramp as linear.
      const factor = f.from ?? 0;
      if (sources.length === 1) events.push({ kind: "loadRamp", start: f.at, end, factor, label });
      else notModelled.push(`${label} (one of several sources)`);
    } else if (f.target === cache && f.kind === "flush") {
      events.push({ kind: "flush", start: f.at, end: f.at, factor: 0, label });
    } else if (f.target === cache && f.kind === "warmCache") {
      events.push({ kind: "warm", start: f.at, end: f.at, factor: f.fraction ?? 1, label });
    } else if (f.target === server && (f.kind === "pause" || f.kind === "unreachable")) {
      events.push({ kind: "pause", start: f.at, end, factor: 1, label });
    } else if (f.target === server && (f.kind === "crash" || f.kind === "restart")) {
      events.push({ kind: "emptyQueue", start: f.at, end: f.at, factor: 1, label });
    } else {
      notModelled.push(label);
    }
  }
  return { events, notModelled };
}
