import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import type { BatchRunner } from "./batch.js";
import { baseRate, scaleLoad } from "./scale-load.js";
import { type Estimate, proportionInterval } from "./statistics.js";
import { replicationSeeds } from "./trial.js";
import { judgedTriggers } from "./verdict.js";

/** Options of the threshold search. Load is searched as a multiple of the scenario's own load. */
export interface ThresholdOptions {
  /** Replications per load tried. Default: 5. */
  replications?: number;
  /** Lowest and highest load factor searched. Defaults: 0.1 and 2. */
  low?: number;
  high?: number;
  /** Stop bisecting when the bracket is narrower than this (load factor). Default: 0.02. */
  tolerance?: number;
  /** Seconds after the triggers end before load is cut, in the recovery search. Default: 10. */
  hold?: number;
  /** A cut-load run counts as recovered when goodput >= this fraction of offered load afterwards. Default: 0.7. */
  healthyFraction?: number;
}

/** One load tried, with how often it ended stuck (or, in the recovery search, recovered). */
export interface ThresholdPoint {
  factor: number;
  rate: number;
  probability: Estimate;
}

/** A threshold: the bisection's final bracket and the loads statistically on either side. */
export interface Threshold {
  /** Midpoint of the final bracket, as a rate (requests/s) and as a load factor. */
  rate: number;
  factor: number;
  /** 95% interval: highest load clearly on one side, lowest clearly on the other (Wilson intervals excluding 1/2). */
  low: number;
  high: number;
  points: ThresholdPoint[];
  /** Set when the answer lies outside the searched range. */
  note: string | null;
}

/** What `metastable threshold` reports. Rates in requests/s. */
export interface ThresholdResult {
  baseRate: number;
  replications: number;
  /** Load above which the trigger leaves the system stuck. */
  tip: Threshold;
  /** Load to which it must drop, once stuck, to recover; null if it was not measured (see recoverNote). */
  recover: Threshold | null;
  /** Why `recover` is null, when it is. */
  recoverNote?: string;
  /** tip - recover: loads at which the system is healthy or stuck depending on its history. */
  metastableWindow: number | null;
}

async function probability(
  run: BatchRunner,
  specs: ScenarioSpec,
  seeds: number[],
  measureFrom: number | undefined,
  want: "stuck" | "recovered",
  healthy: number,
): Promise<Estimate> {
  const results = await run(
    seeds.map((seed) => ({ spec: specs, seed, ...(measureFrom !== undefined && { measureFrom }) })),
  );
  const hits = results.filter((r) => (want === "stuck" ? r.stuck : r.goodputRatio >= healthy)).length;
  return proportionInterval(hits, results.length);
}

/** Bisects for the factor where `prob(factor)` crosses 1/2, `rising` when it grows with the factor. */
async function bisect(
  prob: (factor: number) => Promise<Estimate>,
  low: number,
  high: number,
  tolerance: number,
  rising: boolean,
  rate: (factor: number) => number,
): Promise<Threshold> {
  const points: ThresholdPoint[] = [];
  const at = async (factor: number) => {
    const p = await prob(factor);
    points.push({ factor, rate: rate(factor), probability: p });
    return p.mean >= 0.5 === rising;
  };
  let lo = low;
  let hi = high;
  let note: string | null = null;
  if (await at(lo)) note = `already past the threshold at the lowest load tried (factor ${lo})`;
  else if (!(await at(hi))) note = `not past the threshold at the highest load tried (factor ${hi})`;
  else {
    while (hi - lo > tolerance) {
      const mid = (lo + hi) / 2;
      if (await at(mid)) hi = mid;
      else lo = mid;
    }
  }
  const clearlyBelow = points
    .filter((p) => (rising ? p.probability.high < 0.5 : p.probability.low > 0.5))
    .map((p) => p.factor);
  const clearlyAbove = points
    .filter((p) => (rising ? p.probability.low > 0.5 : p.probability.high < 0.5))
    .map((p) => p.factor);
  const lowF = clearlyBelow.length > 0 ? Math.max(...clearlyBelow) : low;
  const highF = clearlyAbove.length > 0 ? Math.min(...clearlyAbove) : high;
  const factor = (lo + hi) / 2;
  points.sort((a, b) => a.factor - b.factor);
  return {
    rate: rate(factor),
    factor,
    low: rate(Math.min(lowF, factor)),
    high: rate(Math.max(highF, factor)),
    points,
    note,
  };
}

/**
 * Finds the load above which the scenario's trigger leaves the system stuck, and the load it must
 * then drop to before it recovers, by bisection over the load factor with replications.
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
  const healthy = options.healthyFraction ?? 0.7;
  const spec = parsed.spec;
  const base = baseRate(spec);
  const rate = (k: number) => k * base;
  const seeds = replicationSeeds(typeof spec.seed === "number" ? spec.seed : 1, replications);
  const tip = await bisect(
    (k) => probability(run, scaleLoad(spec, k), seeds, undefined, "stuck", healthy),
    low,
    high,
    tolerance,
    true,
    rate,
  );
  // Probe recovery from a load that is firmly stuck: the scenario's own load if it is, else the
  // lowest load past the threshold that stuck on every replication. Not the highest load tried:
  // there the profile itself may exceed capacity, and "stuck" would only mean overloaded.
  let stuckAt = tip.points.find((p) => p.factor === 1 && p.probability.mean === 1);
  if (!stuckAt && tip.factor < 1 && high >= 1) {
    const own = await probability(run, spec, seeds, undefined, "stuck", healthy);
    if (own.mean === 1) stuckAt = { factor: 1, rate: base, probability: own };
  }
  stuckAt ??= tip.points.find((p) => p.factor >= tip.factor && p.probability.mean === 1);
  if (!stuckAt) {
    const recoverNote =
      "no load tried got stuck on every replication, so there is no stuck state to recover from";
    return { baseRate: base, replications, tip, recover: null, recoverNote, metastableWindow: null };
  }

  // Recovery: at a load that gets stuck, cut every source's load to a fraction g once the triggers
  // have been over for `hold` seconds, and look for the largest g that still recovers.
  const stuckSpec = scaleLoad(spec, stuckAt.factor);
  const probe = runScenario({ ...parsed, spec: stuckSpec }, { seed: seeds[0]! });
  // The scheduled triggers only: the load is what the search cuts.
  const triggers = judgedTriggers(probe).filter((t) => t.source === "scenario");
  const ended = triggers.length > 0 ? Math.max(...triggers.map((t) => t.end)) : 0;
  const loadEnd = probe.result.drain ? probe.result.drain.start : probe.result.simulatedSeconds;
  const cutAt = ended + hold;
  if (cutAt + 2 * hold > loadEnd) {
    const note = `the scenario's load ends ${fmt(loadEnd - ended)} s after its triggers; the recovery search needs ${3 * hold} s (lengthen duration)`;
    return { baseRate: base, replications, tip, recover: null, recoverNote: note, metastableWindow: null };
  }
  const withCut = (g: number): ScenarioSpec => ({
    ...stuckSpec,
    interventions: [
      ...(stuckSpec.interventions ?? []),
      ...Object.keys(stuckSpec.sources ?? {}).map((target) => ({
        kind: "cutLoad",
        target,
        at: cutAt,
        duration: loadEnd - cutAt,
        fraction: 1 - g,
      })),
    ],
  });
  const recoverRate = (g: number) => g * stuckAt.factor * base;
  const recover = await bisect(
    (g) => probability(run, withCut(g), seeds, cutAt + hold, "recovered", healthy),
    0,
    1,
    tolerance,
    false,
    recoverRate,
  );
  return { baseRate: base, replications, tip, recover, metastableWindow: tip.rate - recover.rate };
}

function fmt(x: number): string {
  return String(Number(x.toFixed(2)));
}
