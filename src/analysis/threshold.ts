import type { ProfileSpec } from "../model/load/profile.js";
import type { ParsedScenario } from "../scenario/parse.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import type { BatchRunner } from "./batch.js";
import { baseRate, fleetRate, scaleLoad } from "./scale-load.js";
import { type Estimate, meanInterval, proportionInterval } from "./statistics.js";
import { replicationSeeds, type TrialResult } from "./trial.js";

/** Options of the threshold search. Load is searched as a multiple of the scenario's own load. */
export interface ThresholdOptions {
  /** Replications per load tried. Default: 5. */
  replications?: number;
  /** Lowest and highest load factor searched for the tipping load. Defaults: 0.1 and 2. */
  low?: number;
  high?: number;
  /** Stop bisecting when the bracket is narrower than this (load factor). Default: 0.02. */
  tolerance?: number;
  /** Seconds after the triggers end before the load is set to the level tried, in the recovery search. Default: 10. */
  hold?: number;
  /**
   * A stuck system counts as recovered when it is healthy within this many seconds of the load
   * change; in the tipping search, a run counts as stuck only if it is still stuck this many
   * seconds after its triggers end (the run is extended to that time at its final load), so a slow
   * drain is not taken for a stuck state. Default: 300.
   */
  recoverWithin?: number;
}

/** One load tried, with how often it ended stuck (or, in the recovery search, recovered). */
export interface ThresholdPoint {
  factor: number;
  rate: number;
  probability: Estimate;
  /** Recovery search: seconds from the load change until healthy for good, over the replications that recovered. */
  drainTime?: Estimate | null;
}

/** A threshold: the bisection's final bracket and the loads statistically on either side. */
export interface Threshold {
  /** Midpoint of the final bracket, as a rate (requests/s) and as a load factor; null when not determined. */
  rate: number | null;
  factor: number | null;
  /** 95% interval: highest load clearly on one side, lowest clearly on the other (Wilson intervals excluding 1/2). */
  low: number;
  high: number;
  points: ThresholdPoint[];
  /** Why the answer is not determined, or a caveat on it. */
  note: string | null;
}

/** What `metastable threshold` reports. Rates in requests/s of demand (sources plus lease fleets). */
export interface ThresholdResult {
  baseRate: number;
  replications: number;
  /** Lowest load at which the trigger leaves the system stuck for at least `recoverWithin` s after it ends. */
  tip: Threshold;
  /** Highest load at which a stuck system recovers within `recoverWithin` s; null if not measured (see recoverNote). */
  recover: Threshold | null;
  /** The load (requests/s) whose stuck run the recovery search starts from: the lowest that stuck on every replication. */
  recoverFrom: number | null;
  recoverWithin: number;
  /** Why `recover` is null, when it is. */
  recoverNote?: string;
  /** Seconds to recover at the recovery load found (the points nearest below it that recovered). */
  drainTime: Estimate | null;
  /** tip - recover when both are determined and tip >= recover: the loads where history decides. */
  metastableWindow: number | null;
}

/** Bisects for the factor where `prob(factor)` crosses 1/2, `rising` when it grows with the factor. */
async function bisect(
  prob: (factor: number) => Promise<{ p: Estimate; drain?: Estimate | null }>,
  low: number,
  high: number,
  tolerance: number,
  rising: boolean,
  rate: (factor: number) => number,
  what: { past: string; before: string },
): Promise<Threshold> {
  const points: ThresholdPoint[] = [];
  const at = async (factor: number) => {
    const { p, drain } = await prob(factor);
    points.push({
      factor,
      rate: rate(factor),
      probability: p,
      ...(drain !== undefined && { drainTime: drain }),
    });
    return p.mean >= 0.5 === rising;
  };
  let lo = low;
  let hi = high;
  let note: string | null = null;
  // "Past" is the side above the threshold: stuck (tip search) or not recovering (recovery search).
  if (await at(lo)) {
    note = rising
      ? `not determined: already ${what.past} at the lowest load tried (${fmt(rate(lo))} req/s); lower --low`
      : `not determined: ${what.before} even at the lowest load tried (${fmt(rate(lo))} req/s)`;
  } else if (!(await at(hi))) {
    note = rising
      ? `not determined: ${what.before} even at the highest load tried (${fmt(rate(hi))} req/s); raise --high`
      : `not determined: already ${what.past} at the highest load tried (${fmt(rate(hi))} req/s)`;
  } else {
    while (hi - lo > tolerance) {
      const mid = (lo + hi) / 2;
      if (await at(mid)) hi = mid;
      else lo = mid;
    }
  }
  points.sort((a, b) => a.factor - b.factor);
  if (note !== null) return { rate: null, factor: null, low: rate(low), high: rate(high), points, note };
  // The 95% interval: the highest load clearly (Wilson interval) below the threshold and the lowest
  // clearly above. With few replications no load may be clear on a side: that side falls back to
  // the bisection's bracket, and the note says so.
  const factor = (lo + hi) / 2;
  let lowF: number | null = null;
  let highF: number | null = null;
  for (const p of points) {
    const below = rising ? p.probability.high < 0.5 : p.probability.low > 0.5;
    const above = rising ? p.probability.low > 0.5 : p.probability.high < 0.5;
    if (below && p.factor <= factor) lowF = Math.max(lowF ?? p.factor, p.factor);
    if (above && p.factor >= factor) highF = Math.min(highF ?? p.factor, p.factor);
  }
  const unclear = lowF === null || highF === null;
  return {
    rate: rate(factor),
    factor,
    low: rate(lowF ?? lo),
    high: rate(highF ?? hi),
    points,
    note: unclear
      ? `with ${points[0]?.probability.n ?? 0} replications no load tried is clearly (95%) on ${lowF === null && highF === null ? "either side" : lowF === null ? "the low side" : "the high side"}: that end of the interval is the bisection's bracket; add replications`
      : null,
  };
}

/**
 * Finds the lowest load at which the scenario's trigger leaves the system stuck for at least
 * `recoverWithin` seconds after the trigger ends, and the highest load at which a stuck system
 * recovers (within `recoverWithin` seconds), by bisection over the load with replications. Both use
 * the same horizon: judged at the end of the scenario's own load period, a backlog that drains
 * more slowly than the period is long would read as stuck, and put the tipping load below loads
 * the recovery search finds a stuck system recovering at. Every load generator is scaled: sources
 * and lease fleets. Between the two lies the metastable window: loads where the state depends on
 * history, the hysteresis of the seed studies.
 */
export async function findThresholds(
  parsed: ParsedScenario,
  run: BatchRunner,
  options: ThresholdOptions = {},
): Promise<ThresholdResult> {
  const replications = options.replications ?? 5;
  const low = options.low ?? 0.1;
  const high = options.high ?? 2;
  const tolerance = options.tolerance ?? 0.02;
  const hold = options.hold ?? 10;
  const recoverWithin = options.recoverWithin ?? 300;
  const spec = parsed.spec;
  const base = baseRate(spec) + fleetRate(spec);
  const rate = (k: number) => k * base;
  const seeds = replicationSeeds(typeof spec.seed === "number" ? spec.seed : 1, replications);
  const stuckAt = new Map<number, TrialResult[]>();
  const tip = await bisect(
    async (k) => {
      const results = await run(
        seeds.map((seed) => ({ spec: settled(scaleLoad(spec, k), recoverWithin), seed })),
      );
      stuckAt.set(k, results);
      return { p: proportionInterval(results.filter((r) => r.stuck).length, results.length) };
    },
    low,
    high,
    tolerance,
    true,
    rate,
    { past: "stuck", before: "never stuck" },
  );
  const empty = {
    baseRate: base,
    replications,
    tip,
    recoverWithin,
    recoverFrom: null,
    drainTime: null,
    metastableWindow: null,
  };
  // Recovery starts from a firmly stuck state: the lowest load tried that stuck on every
  // replication (`recoverFrom`). Where it starts matters when the stuck state remembers its
  // history: cache-flush stuck just past its tipping load keeps a third of its keys and refills
  // below about 415 req/s; flushed at its own 3000 req/s it is cold and refills only below ~130.
  const firm = tip.points.find((p) => p.probability.mean === 1);
  if (!firm) {
    return {
      ...empty,
      recover: null,
      recoverNote: "no load tried got stuck on every replication, so there is no stuck state to recover from",
    };
  }
  const stuckSpec = scaleLoad(spec, firm.factor);
  const ended = triggersEnd(stuckSpec);
  const cutAt = ended + hold;
  const duration = cutAt + recoverWithin;
  // The stuck run's load until cutAt, then a constant level g x (its base load), held long enough to drain.
  const withLoad = (g: number): ScenarioSpec => {
    const sources = (stuckSpec.sources ?? {}) as Record<string, { profile: ProfileSpec }>;
    const scaled = scaleLoad(spec, g);
    const fleets = scaled.leaseFleets as Record<string, { hosts: number }> | undefined;
    return {
      ...stuckSpec,
      duration,
      sources: Object.fromEntries(
        Object.entries(sources).map(([name, s]) => [
          name,
          {
            ...s,
            profile: {
              kind: "switch",
              at: cutAt,
              from: s.profile,
              to: {
                kind: "constant",
                rate: baseRate({
                  sources: { x: (scaled.sources as Record<string, unknown>)[name] },
                } as never),
              },
            },
          },
        ]),
      ),
      // A fleet's size cannot switch mid-run: the fleet keeps its stuck size, so its demand is not searched.
      ...(fleets && { leaseFleets: stuckSpec.leaseFleets }),
    };
  };
  // Recovered as the tipping search judges "not stuck": healthy at the end AND no loop still
  // running. Goodput alone is not enough: a cache stuck half full can carry 70% of a high load on
  // its hits while its hit rate stays frozen, and counting that as recovered made the recovery
  // probability fall and rise again with load, so the bisection landed anywhere in between.
  const recovered = (r: TrialResult) => r.healthyAtEnd && !r.stuck;
  const drainOf = (results: TrialResult[]) => {
    const times = results
      .filter((r) => recovered(r) && r.healthySince !== null)
      .map((r) => Math.max(0, r.healthySince! - cutAt));
    return times.length > 0 ? meanInterval(times, { min: 0 }) : null;
  };
  const recoverHigh = Math.min(firm.factor, high);
  const recover = await bisect(
    async (g) => {
      const results = await run(seeds.map((seed) => ({ spec: withLoad(g), seed, measureFrom: cutAt })));
      return {
        p: proportionInterval(results.filter(recovered).length, results.length),
        drain: drainOf(results),
      };
    },
    // Not 0: with no demand at all there is nothing to judge health by.
    Math.min(tolerance, recoverHigh / 4),
    recoverHigh,
    tolerance,
    false,
    rate,
    { past: "recovering", before: `still stuck after ${recoverWithin} s` },
  );
  const near =
    recover.factor === null
      ? null
      : recover.points.filter((p) => p.factor <= recover.factor! && p.probability.mean >= 0.5).pop();
  const fleetNote =
    fleetRate(spec) > 0 ? "; lease fleets keep their size in the recovery runs (only sources are cut)" : "";
  return {
    ...empty,
    recover: { ...recover, note: recover.note ?? (fleetNote ? fleetNote.slice(2) : null) },
    recoverFrom: rate(firm.factor),
    drainTime: near?.drainTime ?? null,
    metastableWindow:
      tip.rate !== null && recover.rate !== null && tip.rate >= recover.rate ? tip.rate - recover.rate : null,
  };
}

/**
 * The scenario run on until `within` seconds after its triggers end (if its own load period is
 * shorter): each source's profile holds its final level, a lease fleet keeps its size.
 */
function settled(spec: ScenarioSpec, within: number): ScenarioSpec {
  const until = triggersEnd(spec) + within;
  return until > spec.duration ? { ...spec, duration: until } : spec;
}

/** When the last scheduled trigger or load step above the base load ends (0 without any). */
function triggersEnd(spec: ScenarioSpec): number {
  let end = 0;
  for (const t of (spec.triggers ?? []) as { at: number; duration?: number }[])
    end = Math.max(end, t.at + (t.duration ?? 0));
  const sources = (spec.sources ?? {}) as Record<string, { profile: ProfileSpec }>;
  for (const s of Object.values(sources)) end = Math.max(end, departureEnd(s.profile));
  return end;
}

/** The last time a profile steps back down to (or below) its rate at t = 0 after rising above it. */
function departureEnd(p: ProfileSpec): number {
  const base = baseRate({ sources: { x: { profile: p } } } as never);
  switch (p.kind) {
    case "steps": {
      let end = 0;
      let above = false;
      for (const s of p.steps) {
        if (s.rate > base + 1e-9) above = true;
        else if (above) {
          end = s.at;
          above = false;
        }
      }
      return end;
    }
    case "spike":
      return p.at + p.duration;
    case "sum":
      return p.of.reduce((end, q) => Math.max(end, departureEnd(q)), 0);
    case "ramp":
      return p.to > p.from ? 0 : p.end;
    default:
      return 0;
  }
}

function fmt(x: number): string {
  return String(Number(x.toFixed(2)));
}
