import type { BifurcationPoint, FluidAnalysis, FluidOptions } from "./analyse.js";
import { modelSummary, pct } from "./analysis-notes.js";
import { cacheRecovery, cacheTipping } from "./cache-disturbance.js";
import { CacheDynamics } from "./cache-dynamics.js";
import { CacheFlow, type CachePortrait, HORIZON } from "./cache-flow.js";
import { goodput } from "./client-flow.js";
import type { FluidDynamics } from "./dynamics.js";
import { type Band, bistableBand } from "./equilibria.js";
import type { FluidModel } from "./fluid-model.js";
import { phasePortrait } from "./portrait.js";
import { type Drive, thin } from "./trajectory.js";

/** What `metastable fluid` adds for a cache over a database. */
export interface CacheAnalysis {
  name: string;
  database: string;
  popularity: string;
  keys: number;
  capacity: number;
  /** Hit rate of the full cache (Che's LRU steady state): the healthy states' hit rate. */
  fullHitRate: number;
  /** Hit rate the scenario starts with (its prefill), 0 for a cold cache. */
  startHitRate: number;
  /** The database's capacity in queries per second. */
  databaseCapacity: number;
  portrait: CachePortrait;
}

/**
 * The cache model's analysis. Its slow state is the hit rate; at a fixed hit rate the database and
 * the client's retries are the one-server fluid model at (1 - h) x load. The healthy states are
 * those of a full cache; the stuck one is a cold cache whose database answers too late for any
 * read to refill it, and it counts as stuck when it has not refilled within HORIZON seconds.
 */
export function analyseCacheFluid(model: FluidModel, options: FluidOptions): FluidAnalysis {
  const cache = model.cache!;
  const dyn = new CacheDynamics(model.queue, model.client, { hotSet: cache.hotSet });
  const hFull = dyn.fullHitRate;
  const db = dyn.db;
  const load = options.load ?? model.baseLoad;
  const spikeRate = options.spikeRate ?? model.peak?.rate ?? 2 * load;
  const flow = new CacheFlow(dyn);
  const { band, loadMax } = cacheBand(dyn, flow, Math.max(1.5 * load, 1.1 * spikeRate));
  const equilibria = flow.equilibriaAt(load);
  const start = flow.startState(cache.startHitRate, model.profile(0) || load);
  const drive: Drive = { load: model.profile, events: model.events, breakpoints: model.breakpoints };
  const path = flow.follow(start, 0, model.end, drive, cache);
  const portraitPath = path.map((p) => ({ t: p.t, queue: p.queue, orbit: p.orbit, load: p.load }));
  const missLoad = (1 - hFull) * load;
  return {
    scenario: model.scenario,
    model: modelSummary(model, dyn.orbitTime, [
      ...model.approximations,
      `the cache holds the most popular keys, up to Che's LRU hit rate of ${pct(hFull)} when full; a key it lacks is filled by the first read for it answered within the timeout`,
      "a retry asks for the key its request missed on, so it misses again",
      `a cold cache that has not refilled within ${HORIZON} s counts as stuck`,
    ]),
    load,
    bistable: band,
    equilibria,
    tippingDisturbance: cacheTipping(flow, load, equilibria, spikeRate),
    recovery: cacheRecovery(flow, band, load, path, options.drainLoad),
    bifurcation: {
      points: bifurcationOf(db, loadMax, band.low, hFull),
      stuckFrom: db.unbounded ? band.low : null,
      loadMax,
    },
    trajectory: thin(path, 400),
    portrait: {
      ...phasePortrait(db, missLoad, flow.dbEquilibria(missLoad), portraitPath),
      load,
    },
    cache: {
      name: cache.name,
      database: model.serverName,
      popularity: cache.popularity,
      keys: cache.keys,
      capacity: cache.hotSet.capacity,
      fullHitRate: hFull,
      startHitRate: cache.startHitRate,
      databaseCapacity: model.queue.capacity,
      portrait: flow.portrait(load, equilibria, path),
    },
  };
}

/**
 * The band of a cache over a database: `high` where the full cache's healthy state goes (the
 * database loop's band edge over the miss ratio), `low` the lowest load at which a cold cache
 * stays stuck. `atLeast` widens the load range searched.
 */
function cacheBand(dyn: CacheDynamics, flow: CacheFlow, atLeast: number): { band: Band; loadMax: number } {
  const hFull = dyn.fullHitRate;
  // At a fixed hit rate the database loop sees (1 - h) of the load: its band, scaled.
  const dbBand = bistableBand(dyn.db);
  const high = dbBand.high === null ? null : dbBand.high / (1 - hFull);
  const loadMax = Math.max(1.5 * (high ?? 0), (1.2 * dyn.db.queue.capacity) / (1 - hFull), atLeast);
  const low = flow.lowestStuckLoad(loadMax);
  return {
    band: low === null ? { low: null, high: null } : { low: Math.min(low, high ?? low), high },
    loadMax,
  };
}

/** Only the bistable band of a cache model (what a map or threshold report draws). */
export function cacheModelBand(model: FluidModel): Band {
  const cache = model.cache!;
  const dyn = new CacheDynamics(model.queue, model.client, { hotSet: cache.hotSet });
  return cacheBand(dyn, new CacheFlow(dyn), 0).band;
}

/**
 * Goodput against load: the full cache's curve (the database loop's, its loads scaled by 1 / (1 -
 * h) and the hits added), then the cold cache's stuck branch above `low`.
 */
function bifurcationOf(
  db: FluidDynamics,
  loadMax: number,
  low: number | null,
  hFull: number,
): BifurcationPoint[] {
  const curve = (h: number, from: number): BifurcationPoint[] => {
    const pts = db.points;
    const out: BifurcationPoint[] = [];
    for (let i = 0; i < pts.length; i++) {
      const p = pts[i]!;
      const load = p.load / (1 - h);
      if (load > loadMax || load < from) continue;
      const prev = pts[Math.max(0, i - 1)]!;
      const next = pts[Math.min(pts.length - 1, i + 1)]!;
      out.push({
        load,
        queue: p.state.inSystem,
        goodput: h * load + goodput(db.client, p.flow, p.load),
        throughput: p.state.served,
        stable: next.load >= prev.load,
        hitRate: h,
      });
    }
    return thin(out, 200);
  };
  const coldBranch = low === null ? [] : curve(0, low).filter((p) => p.stable && p.goodput < 0.5 * p.load);
  return [...curve(hFull, 0), ...coldBranch];
}
