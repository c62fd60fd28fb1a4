import type { ProfileSpec } from "../model/load/profile.js";
import { buildModel } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { characteristicSeries } from "./characteristics.js";
import { baseRate } from "./scale-load.js";
import { type Estimate, meanInterval } from "./statistics.js";
import { replicationSeeds } from "./trial.js";

/** Options of the loop-stability probe. Seconds; load in requests/s. */
export interface StabilityOptions {
  /** Steady load to probe at, spread over the sources in proportion to their base load. Default: the scenario's base load. */
  load?: number;
  /**
   * Extra requests the burst adds. Default: small for the model: half of the shortest client
   * timeout's worth of the capacity the clients call (a retry loop engages only once a backlog
   * outlasts a timeout), at most one second of load; one second of load without clients.
   */
  burst?: number;
  /** When the burst starts (the system should be in steady state by then). Default: 20. */
  at?: number;
  /** How long the burst lasts. Default: 1. */
  burstDuration?: number;
  /** Replications (paired burst and control runs). Default: 3. */
  replications?: number;
  /** A disturbance has decayed once it stays under this fraction of its peak. Default: 0.1. */
  tolerance?: number;
}

/** How one characteristic metric (one loop's observable) responded to the burst. */
export interface LoopResponse {
  metric: string;
  /** Largest difference between the burst run and its control run, averaged over replications. */
  peak: number;
  /** Seconds after the burst ended until the disturbance stayed within tolerance; null if it never did. */
  decay: Estimate | null;
  /** The disturbance was still there at the end in most replications: the loop sustains it. */
  sustains: boolean;
}

/** Result of `metastable stability`. */
export interface StabilityResult {
  load: number;
  burst: number;
  at: number;
  replications: number;
  loops: LoopResponse[];
}

function constantProfiles(spec: ScenarioSpec, load: number): ScenarioSpec {
  const sources = (spec.sources ?? {}) as Record<string, { profile: ProfileSpec }>;
  const base = baseRate(spec);
  const share = (p: ProfileSpec) =>
    base > 0 ? baseRate({ ...spec, sources: { x: { profile: p } } }) / base : 0;
  return {
    ...spec,
    triggers: [],
    interventions: [],
    sources: Object.fromEntries(
      Object.entries(sources).map(([name, s]) => [
        name,
        { ...s, profile: { kind: "constant", rate: load * share(s.profile) } },
      ]),
    ),
  };
}

/**
 * From a steady state at a given load, adds a small burst and measures, for each characteristic
 * metric, whether the disturbance decays (and how fast) or sustains itself: a Lyapunov-style
 * classification of each loop. Each burst run is paired with a control run of the same seed.
 */
export function probeStability(parsed: ParsedScenario, options: StabilityOptions = {}): StabilityResult {
  const load = options.load ?? baseRate(parsed.spec);
  const burstDuration = options.burstDuration ?? 1;
  const at = options.at ?? 20;
  const replications = options.replications ?? 3;
  const tolerance = options.tolerance ?? 0.1;
  if (!(load > 0)) throw new RangeError("the load to probe at must be > 0");
  const steady = constantProfiles(parsed.spec, load);
  const burst = options.burst ?? smallBurst({ ...parsed, spec: steady }, load);
  const duration = typeof steady.duration === "number" ? steady.duration : 0;
  if (at + burstDuration >= duration)
    throw new RangeError(`the burst (at ${at} s) must end before the scenario's duration (${duration} s)`);
  const factor = 1 + burst / (load * burstDuration);
  const withBurst: ScenarioSpec = {
    ...steady,
    triggers: Object.keys(steady.sources ?? {}).map((target) => ({
      kind: "spike",
      target,
      at,
      duration: burstDuration,
      factor,
    })),
  };
  const seeds = replicationSeeds(typeof parsed.spec.seed === "number" ? parsed.spec.seed : 1, replications);
  const perMetric = new Map<string, { peaks: number[]; decays: number[]; sustained: number }>();
  for (const seed of seeds) {
    const a = runScenario({ ...parsed, spec: withBurst }, { seed });
    const b = runScenario({ ...parsed, spec: steady }, { seed });
    const sa = characteristicSeries(a);
    const sb = characteristicSeries(b);
    const starts = a.series.windowStarts;
    const burstEnd = at + burstDuration;
    sa.forEach((m, j) => {
      const control = sb[j]!.values;
      const diff = m.values.map((v, i) => Math.abs((v ?? 0) - (control[i] ?? 0)));
      const after = diff.map((d, i) => ({ d, t: starts[i]! })).filter((x) => x.t >= at && x.t < duration);
      const peak = Math.max(0, ...after.map((x) => x.d));
      const entry = perMetric.get(m.name) ?? { peaks: [], decays: [], sustained: 0 };
      entry.peaks.push(peak);
      // After the burst the paired runs draw in a different order, so they never match exactly:
      // "decayed" means back within the control run's own noise (2 sd) or `tolerance` of the peak.
      const steadyValues = control.filter(
        (v, i): v is number => v !== null && starts[i]! >= at / 2 && starts[i]! < at,
      );
      const sd = steadyValues.length > 1 ? meanSd(steadyValues) : 0;
      const limit = Math.max(tolerance * peak, 2 * sd);
      let lastOut = -1;
      after.forEach((x, i) => {
        if (x.d > limit) lastOut = i;
      });
      const tail = after.slice(-5);
      const tailMean = tail.reduce((a, x) => a + x.d, 0) / Math.max(1, tail.length);
      if (peak > limit && tailMean > limit) entry.sustained++;
      else entry.decays.push(peak <= limit ? 0 : Math.max(0, (after[lastOut + 1]?.t ?? burstEnd) - burstEnd));
      perMetric.set(m.name, entry);
    });
  }
  const loops = [...perMetric.entries()].map(([metric, e]) => ({
    metric,
    peak: e.peaks.reduce((x, y) => x + y, 0) / e.peaks.length,
    decay: e.decays.length > 0 ? nonNegative(meanInterval(e.decays)) : null,
    sustains: e.sustained > replications / 2,
  }));
  return { load, burst, at, replications, loops };
}

/** The default burst (see StabilityOptions.burst), in requests. */
function smallBurst(steady: ParsedScenario, load: number): number {
  const model = buildModel(steady);
  const timeout = Math.min(...model.clients.map((c) => c.timeout));
  const capacity = model.entryServices.reduce((sum, s) => sum + s.capacityPerSec, 0);
  const burst = 0.5 * timeout * capacity;
  return Number.isFinite(burst) && burst > 0 ? Math.min(burst, load) : load;
}

/** Decay times are durations: an interval reaching below zero is cut at zero. */
function nonNegative(e: Estimate): Estimate {
  return { ...e, low: Math.max(0, e.low) };
}

function meanSd(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
}
