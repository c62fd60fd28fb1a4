import type { ParsedScenario } from "../scenario/parse.js";
import { fmt, modelSummary, noRecovery, nothingTips, tipsByItself } from "./analysis-notes.js";
import { BasinTest, smallestTipping } from "./basins.js";
import { analyseCacheFluid, type CacheAnalysis, cacheModelBand } from "./cache-analysis.js";
import { Chain } from "./chain.js";
import { FluidDynamics } from "./dynamics.js";
import { type Band, bistableBand, type Equilibrium, equilibriaAt, stuckLoad } from "./equilibria.js";
import { deriveFluidModel, type FluidModel } from "./fluid-model.js";
import { type Portrait, phasePortrait } from "./portrait.js";
import { type Drive, steadyDrive, type TrajectoryPoint, thin, trajectory } from "./trajectory.js";

/** What to analyse beyond the scenario's own settings. Requests per second. */
export interface FluidOptions {
  /** Base load at which equilibria, tipping and recovery are reported. Default: the scenario's. */
  load?: number;
  /** Rate of the spike the tipping disturbance is timed with. Default: the scenario's peak rate, else twice the load. */
  spikeRate?: number;
  /** Load at which the drain from the stuck state is timed. Default: half the recovery load. */
  drainLoad?: number;
}

/** The smallest push that tips the healthy state at the load. */
export interface TippingDisturbance {
  /** Calls added at once to the healthy queue that tip it (distance to the separatrix); null: nothing tips it. */
  queue: number | null;
  /** With a cache: the hit rate lost at once (a partial flush) that tips it; null: not even a full flush. */
  hitRate?: number | null;
  /** Rate of the spike (req/s) that `seconds` is measured with. */
  spikeRate: number;
  /** Seconds of that spike that tip it; null when no length of it does. */
  seconds: number | null;
  note: string;
}

/** How the stuck state ends. */
export interface Recovery {
  /** Below this base load the stuck state no longer exists (bistable.low); null: no stuck state. */
  load: number | null;
  /** Load at which `seconds` is measured. */
  drainLoad: number | null;
  /** The stuck state drained from (with a cache, its hit rate too). */
  from: { queue: number; orbit: number; hitRate?: number } | null;
  /** Seconds at drainLoad until the queue is back near the healthy state; null if it never is. */
  seconds: number | null;
  note: string;
}

/** One point of the bifurcation diagram: an equilibrium at the load it belongs to. */
export interface BifurcationPoint {
  load: number;
  queue: number;
  goodput: number;
  throughput: number;
  stable: boolean;
  /** With a cache: the hit rate of the branch (the full cache's, or 0 for the cold stuck branch). */
  hitRate?: number;
}

/** One hop of a multi-tier chain as the report shows it. */
export interface ChainHop {
  /** Who calls: the client, or "<service>-><target>". */
  caller: string;
  target: string;
  timeout: number;
  maxAttempts: number;
  /** Whether a retry budget caps this hop's retries. */
  retryBudget: boolean;
  /** Calls it makes per call it gets when every attempt fails (1 where it does not retry that failure). */
  attemptsWhenFailing: number;
}

/** Everything `metastable fluid` reports. Loads in requests per second, times in seconds. */
export interface FluidAnalysis {
  scenario: string;
  model: {
    client: string;
    server: string;
    queue: string;
    approximation: string;
    approximations: string[];
    capacity: number;
    timeout: number;
    maxAttempts: number;
    orbitTime: number;
    notModelled: string[];
    /** With services between the client and the server: every hop, the client's first. */
    chain?: ChainHop[];
  };
  /** The load equilibria, tipping and recovery are reported at. */
  load: number;
  bistable: Band;
  equilibria: Equilibrium[];
  tippingDisturbance: TippingDisturbance;
  recovery: Recovery;
  bifurcation: {
    points: BifurcationPoint[];
    /** For an unbounded queue: above this load a stuck state with a growing queue exists. */
    stuckFrom: number | null;
    loadMax: number;
  };
  /** The scenario's own load and triggers, followed from its healthy state (or from empty). */
  trajectory: TrajectoryPoint[];
  portrait: Portrait;
  /** With a cache over a database: its hit rates and the field over (hit rate, database queue). */
  cache?: CacheAnalysis;
}

/** Reads a parsed scenario into the fluid model and analyses it (refusals throw ScenarioError). */
export function analyseScenarioFluid(parsed: ParsedScenario, options: FluidOptions = {}): FluidAnalysis {
  return analyseFluid(deriveFluidModel(parsed), options);
}

/** Only the bistable band of a fluid model: far cheaper than the whole analysis. */
export function fluidBand(model: FluidModel): Band {
  return model.cache ? cacheModelBand(model) : bistableBand(dynamicsOf(model));
}

/** Equilibria, band, tipping, recovery, trajectory and portrait of a fluid model. Pure and synchronous. */
export function analyseFluid(model: FluidModel, options: FluidOptions = {}): FluidAnalysis {
  if (model.cache) return analyseCacheFluid(model, options);
  const dyn = dynamicsOf(model);
  const load = options.load ?? model.baseLoad;
  const band = bistableBand(dyn);
  const equilibria = equilibriaAt(dyn, load);
  const spikeRate = options.spikeRate ?? model.peak?.rate ?? 2 * load;
  const start = startState(dyn, model.profile(0) || load);
  const drive: Drive = { load: model.profile, events: model.events, breakpoints: model.breakpoints };
  const path = trajectory(dyn, start, 0, model.end, drive);
  const loadMax = Math.max(1.5 * (band.high ?? 0), 1.5 * load, 1.2 * model.queue.capacity, 1.1 * spikeRate);
  return {
    scenario: model.scenario,
    model: {
      ...modelSummary(model, dyn.orbitTime, model.approximations),
      ...(dyn.chain && {
        chain: dyn.chain.layers.map((l, i) => ({
          caller: l.caller,
          target: l.target,
          timeout: l.client.timeout,
          maxAttempts: l.client.maxAttempts,
          retryBudget: l.client.retryBudget !== null,
          attemptsWhenFailing: dyn.chain!.allFail[i]!,
        })),
      }),
    },
    load,
    bistable: band,
    equilibria,
    tippingDisturbance: tipping(dyn, load, equilibria, spikeRate),
    recovery: recovery(dyn, band, equilibria, path, options.drainLoad),
    bifurcation: {
      points: bifurcation(dyn, loadMax),
      stuckFrom: dyn.unbounded ? stuckLoad(dyn) : null,
      loadMax,
    },
    trajectory: thin(path, 400),
    portrait: phasePortrait(dyn, load, equilibria, path),
  };
}

function dynamicsOf(model: FluidModel): FluidDynamics {
  return new FluidDynamics(model.queue, model.client, model.chain ? new Chain(model.chain) : null);
}

/** The healthy equilibrium at `load`, or an empty system when there is none. */
function startState(dyn: FluidDynamics, load: number): { queue: number; orbit: number } {
  const healthy = equilibriaAt(dyn, load).find((e) => e.kind === "healthy");
  return healthy ? { queue: healthy.queue!, orbit: healthy.orbit! } : { queue: 0, orbit: 0 };
}

function tipping(
  dyn: FluidDynamics,
  load: number,
  equilibria: Equilibrium[],
  spikeRate: number,
): TippingDisturbance {
  const healthy = equilibria.find((e) => e.kind === "healthy");
  const saddle = equilibria.find((e) => e.kind === "saddle");
  const stuck = equilibria.find((e) => e.kind === "stuck");
  if (!healthy) return tipsByItself(load, spikeRate, false);
  if (!saddle || !stuck) return nothingTips(load, spikeRate, false);
  const test = new BasinTest(dyn, load, healthy, saddle, stuck);
  const queue = smallestTipping(
    (dq) => test.tips(healthy.queue! + dq, healthy.orbit!),
    saddle.queue! - healthy.queue!,
    30,
  );
  const seconds =
    spikeRate > load
      ? smallestTipping(
          (s) => test.tips(healthy.queue!, healthy.orbit!, { drive: steadyDrive(spikeRate), until: s }),
          1,
          12,
        )
      : null;
  return {
    queue,
    spikeRate,
    seconds,
    note:
      seconds === null
        ? `a spike to ${fmt(spikeRate)} req/s does not tip it, however long`
        : `${fmt(queue ?? 0)} calls added at once, or ${fmt(seconds)} s at ${fmt(spikeRate)} req/s, tip it`,
  };
}

function recovery(
  dyn: FluidDynamics,
  band: Band,
  equilibria: Equilibrium[],
  path: TrajectoryPoint[],
  drainLoadOption: number | undefined,
): Recovery {
  if (band.low === null) return noRecovery("no stuck state at any load: nothing to recover from");
  const drainLoad = drainLoadOption ?? band.low / 2;
  const stuck = equilibria.find((e) => e.kind === "stuck" && e.queue !== null);
  const last = path[path.length - 1]!;
  const saddle = equilibria.find((e) => e.kind === "saddle");
  // The stuck state itself where it is finite; else where the scenario's own run ends if that is
  // stuck; else a queue as deep as every attempt's timeout of work at capacity.
  const deepQueue = dyn.queue.capacity * dyn.client.timeout * dyn.maxAttempts;
  const from = stuck
    ? { queue: stuck.queue!, orbit: stuck.orbit! }
    : last.queue > Math.max(deepQueue, 2 * (saddle?.queue ?? 0))
      ? { queue: last.queue, orbit: last.orbit }
      : { queue: deepQueue, orbit: 0 };
  const healthy = equilibriaAt(dyn, drainLoad).find((e) => e.kind === "healthy");
  const target = 2 * (healthy?.queue ?? 0) + 1;
  let reached: number | null = null;
  trajectory(
    dyn,
    from,
    0,
    1e6,
    steadyDrive(drainLoad),
    (t, q) => {
      if (q <= target) reached = t;
      return reached !== null;
    },
    false,
  );
  return {
    load: band.low,
    drainLoad,
    from,
    seconds: reached,
    note:
      reached === null
        ? `at ${fmt(drainLoad)} req/s the stuck state does not drain`
        : `below ${fmt(band.low)} req/s it recovers; at ${fmt(drainLoad)} req/s a queue of ${fmt(from.queue)} drains in ${fmt(reached)} s`,
  };
}

function bifurcation(dyn: FluidDynamics, loadMax: number): BifurcationPoint[] {
  const pts = dyn.points;
  const out: BifurcationPoint[] = [];
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    if (p.load > loadMax) continue;
    const prev = pts[Math.max(0, i - 1)]!;
    const next = pts[Math.min(pts.length - 1, i + 1)]!;
    out.push({
      load: p.load,
      queue: p.state.inSystem,
      goodput: dyn.goodput(p, p.load),
      throughput: p.state.served,
      stable: next.load >= prev.load,
    });
  }
  return thin(out, 200);
}
