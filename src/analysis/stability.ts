import type { ProfileSpec } from "../model/load/profile.js";
import { buildModel } from "../scenario/build.js";
import type { ParsedScenario } from "../scenario/parse.js";
import { runScenario } from "../scenario/run.js";
import type { ScenarioSpec } from "../scenario/schema.js";
import { analyseRun } from "./analyse-run.js";
import { characteristicMetrics } from "./characteristics.js";
import { baseRate } from "./scale-load.js";
import { type Estimate, meanInterval, proportionInterval } from "./statistics.js";
import { replicationSeeds } from "./trial.js";

/** What the probe disturbs: the load (a burst of extra requests) or a component's state. */
export type DisturbanceKind = "load" | "pause" | "unreachable" | "crash" | "flush";

/** Options of the loop-stability probe. Seconds; load in requests/s. */
export interface StabilityOptions {
  /** Steady load to probe at, spread over the sources in proportion to their base load. Default: the scenario's base load. */
  load?: number;
  /**
   * What to disturb. "load": a burst of extra requests over `burstDuration`; "pause",
   * "unreachable": that component for `size` seconds; "crash": a restart that drops its work;
   * "flush": empty that cache. Default: "load".
   */
  disturb?: DisturbanceKind;
  /** Component the state disturbance hits (required for every kind but "load"). */
  target?: string;
  /**
   * Sizes tried, smallest first: requests for "load", seconds for "pause" and "unreachable".
   * Default for "load": the smallest burst (see `burst`) times 1, 2, 4, ..., 64; for durations
   * 0.25 s doubling to 16 s; "crash" and "flush" have one size.
   */
  sizes?: number[];
  /**
   * The smallest load burst, in requests. Default: half of the shortest client timeout's worth of
   * the capacity the clients call (a retry loop engages only once a backlog outlasts a timeout),
   * at most one second of load.
   */
  burst?: number;
  /** When the disturbance starts (the system should be in steady state by then). Default: 20. */
  at?: number;
  /** How long a load burst lasts. Default: 1. */
  burstDuration?: number;
  /** Replications (paired disturbed and control runs) per size. Default: 3. */
  replications?: number;
  /** A disturbance has decayed once it stays under this fraction of its peak. Default: 0.1. */
  tolerance?: number;
}

/** How one characteristic metric (one loop's observable) responded to the smallest disturbance. */
export interface LoopResponse {
  metric: string;
  label: string;
  /** Largest difference between the disturbed run and its control run, averaged over replications. */
  peak: number;
  /** False when the disturbance was within the control run's own noise: no decay time is given. */
  measurable: boolean;
  /** Seconds after the disturbance ended until the difference stayed within tolerance; null if not measurable or it never did. */
  decay: Estimate | null;
  /** The difference was still there at the end in most replications: the loop sustains it. */
  sustains: boolean;
}

/** How often one disturbance size left the system stuck. */
export interface SizeResult {
  size: number;
  pStuck: Estimate;
}

/** Result of `metastable stability`. */
export interface StabilityResult {
  load: number;
  disturb: DisturbanceKind;
  target: string | null;
  at: number;
  replications: number;
  /** The steady baseline's verdict: the probe means nothing unless it is healthy. */
  baseline: { healthy: boolean; summary: string };
  /** Every size tried and how often it tipped the system. */
  sizes: SizeResult[];
  /** Smallest size that left the system stuck in most replications (the basin's edge); null if none did. */
  tippingSize: number | null;
  /** The size the loop responses below were measured at (the smallest tried). */
  probeSize: number;
  /** Unit of the sizes. */
  unit: "requests" | "s" | "once";
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
 * From a steady state at a given load, checks the baseline is healthy, then disturbs it with
 * growing sizes of one disturbance (a load burst, or a pause, outage, crash or flush of one
 * component) and reports the smallest size that leaves it stuck: the size of the healthy state's
 * basin. At the smallest size it also measures, loop by loop (each loop named by its
 * characteristic metric), whether the disturbance decays and how fast, or sustains itself.
 * Every disturbed run is paired with a control run of the same seed.
 */
export function probeStability(parsed: ParsedScenario, options: StabilityOptions = {}): StabilityResult {
  const load = options.load ?? baseRate(parsed.spec);
  const burstDuration = options.burstDuration ?? 1;
  const at = options.at ?? 20;
  const replications = options.replications ?? 3;
  const tolerance = options.tolerance ?? 0.1;
  const disturb = options.disturb ?? "load";
  if (!(load > 0)) throw new RangeError("the load to probe at must be > 0");
  if (disturb !== "load" && !options.target)
    throw new RangeError(`--disturb ${disturb} needs --target: the component to disturb`);
  const steady = constantProfiles(parsed.spec, load);
  const duration = typeof steady.duration === "number" ? steady.duration : 0;
  const unit = disturb === "load" ? "requests" : disturb === "crash" || disturb === "flush" ? "once" : "s";
  const sizes =
    options.sizes ?? defaultSizes(disturb, options.burst ?? smallBurst({ ...parsed, spec: steady }, load));
  const longest =
    disturb === "load" ? burstDuration : unit === "s" ? sizes.reduce((m, x) => Math.max(m, x), 0) : 0;
  if (at + longest >= duration)
    throw new RangeError(
      `the disturbance (at ${at} s, lasting ${longest} s) must end before the scenario's duration (${duration} s)`,
    );
  const seeds = replicationSeeds(typeof parsed.spec.seed === "number" ? parsed.spec.seed : 1, replications);
  const steadyParsed = { ...parsed, spec: steady };
  const controls = seeds.map((seed) => runScenario(steadyParsed, { seed }));
  const baseVerdicts = controls.map((c) => analyseRun(steadyParsed, c).verdict);
  const unhealthy = baseVerdicts.find((v) => v.kind !== "stable");
  const base = {
    load,
    disturb,
    target: options.target ?? null,
    at,
    replications,
    unit,
    probeSize: sizes[0]!,
  } as const;
  if (unhealthy) {
    return {
      ...base,
      baseline: {
        healthy: false,
        summary: `the steady baseline at ${fmt(load)} req/s is not healthy, so no disturbance can be judged: ${unhealthy.summary}`,
      },
      sizes: [],
      tippingSize: null,
      loops: [],
    };
  }
  const disturbed = (size: number): ScenarioSpec => ({
    ...steady,
    triggers: triggersFor(disturb, size, at, burstDuration, load, steady, options.target),
  });
  const results: SizeResult[] = [];
  let tippingSize: number | null = null;
  let loops: LoopResponse[] = [];
  for (const [k, size] of sizes.entries()) {
    const variant = { ...parsed, spec: disturbed(size) };
    const runs = seeds.map((seed) => runScenario(variant, { seed }));
    const stuck = runs.filter((r) => {
      const kind = analyseRun(variant, r).verdict.kind;
      return kind === "metastable" || kind === "unstable";
    }).length;
    const pStuck = proportionInterval(stuck, runs.length);
    results.push({ size, pStuck });
    if (k === 0) {
      const end = at + (disturb === "load" ? burstDuration : unit === "s" ? size : 0);
      loops = loopResponses(runs, controls, at, end, duration, tolerance);
    }
    if (pStuck.mean > 0.5) {
      tippingSize = size;
      break;
    }
  }
  return {
    ...base,
    baseline: {
      healthy: true,
      summary: `the steady baseline at ${fmt(load)} req/s is healthy on every replication`,
    },
    sizes: results,
    tippingSize,
    loops,
  };
}

function defaultSizes(kind: DisturbanceKind, burst: number): number[] {
  if (kind === "load") return [1, 2, 4, 8, 16, 32, 64].map((m) => burst * m);
  if (kind === "pause" || kind === "unreachable") return [0.25, 0.5, 1, 2, 4, 8, 16];
  return [1];
}

function triggersFor(
  kind: DisturbanceKind,
  size: number,
  at: number,
  burstDuration: number,
  load: number,
  steady: ScenarioSpec,
  target: string | undefined,
): ScenarioSpec["triggers"] {
  if (kind === "load") {
    const factor = 1 + size / (load * burstDuration);
    return Object.keys(steady.sources ?? {}).map((source) => ({
      kind: "spike",
      target: source,
      at,
      duration: burstDuration,
      factor,
    }));
  }
  if (kind === "pause" || kind === "unreachable") return [{ kind, target: target!, at, duration: size }];
  return [{ kind, target: target!, at }];
}

/** Per characteristic metric: the paired difference after the disturbance, its peak and whether it decays. */
function loopResponses(
  runs: ReturnType<typeof runScenario>[],
  controls: ReturnType<typeof runScenario>[],
  at: number,
  end: number,
  duration: number,
  tolerance: number,
): LoopResponse[] {
  const per = new Map<
    string,
    { label: string; peaks: number[]; decays: number[]; sustained: number; quiet: number }
  >();
  runs.forEach((a, r) => {
    const b = controls[r]!;
    const ma = characteristicMetrics(a, at, duration);
    const mb = characteristicMetrics(b, at, duration);
    const starts = a.series.windowStarts;
    ma.forEach((m, j) => {
      const control = mb[j]!.values;
      const after: { d: number; t: number }[] = [];
      let peak = 0;
      for (let i = 0; i < m.values.length; i++) {
        const t = starts[i]!;
        if (t < at || t >= duration) continue;
        const d = Math.abs((m.values[i] ?? 0) - (control[i] ?? 0));
        after.push({ d, t });
        peak = Math.max(peak, d);
      }
      // After the disturbance the paired runs draw in a different order and never match exactly:
      // "decayed" means back within the control run's own noise (2 sd) or `tolerance` of the peak.
      const steadyValues = control.filter(
        (v, i): v is number => v !== null && starts[i]! >= at / 2 && starts[i]! < at,
      );
      const sd = steadyValues.length > 1 ? sampleSd(steadyValues) : 0;
      const noise = 2 * sd;
      const limit = Math.max(tolerance * peak, noise);
      const e = per.get(m.name) ?? { label: m.label, peaks: [], decays: [], sustained: 0, quiet: 0 };
      e.peaks.push(peak);
      // A disturbance no bigger than the noise (or a fraction of one queued call) is not measurable.
      if (peak <= Math.max(noise, 1e-9) || (m.name === "queueDepth" && peak < 1)) e.quiet++;
      else {
        let lastOut = -1;
        after.forEach((x, i) => {
          if (x.d > limit) lastOut = i;
        });
        const tail = after.slice(-5);
        const tailMean = tail.reduce((s, x) => s + x.d, 0) / Math.max(1, tail.length);
        if (tailMean > limit) e.sustained++;
        else e.decays.push(Math.max(0, (after[lastOut + 1]?.t ?? end) - end));
      }
      per.set(m.name, e);
    });
  });
  const n = runs.length;
  return [...per.entries()].map(([metric, e]) => {
    const measurable = e.quiet <= n / 2;
    return {
      metric,
      label: e.label,
      peak: e.peaks.reduce((x, y) => x + y, 0) / e.peaks.length,
      measurable,
      decay: measurable && e.decays.length > 0 ? meanInterval(e.decays, { min: 0 }) : null,
      sustains: measurable && e.sustained > n / 2,
    };
  });
}

/** The default smallest burst (see StabilityOptions.burst), in requests. */
function smallBurst(steady: ParsedScenario, load: number): number {
  const model = buildModel(steady);
  let timeout = Number.POSITIVE_INFINITY;
  for (const c of model.clients) timeout = Math.min(timeout, c.timeout);
  const capacity = model.entryServices.reduce((sum, s) => sum + s.capacityPerSec, 0);
  const burst = 0.5 * timeout * capacity;
  return Number.isFinite(burst) && burst > 0 ? Math.min(burst, load) : load;
}

function sampleSd(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
}

function fmt(x: number): string {
  return String(Number(x.toFixed(3)));
}
