import type { Recovery, TippingDisturbance } from "./analyse.js";
import { fmt, noRecovery, nothingTips, pct, tipsByItself } from "./analysis-notes.js";
import { smallestTipping } from "./basins.js";
import { type CacheFlow, type CacheState, HORIZON } from "./cache-flow.js";
import type { Band, Equilibrium } from "./equilibria.js";
import { type Drive, steadyDrive, type TrajectoryPoint } from "./trajectory.js";

// What tips a cache over a database out of health, and how it gets back: each answer follows the
// cache model's flow (cache-flow.ts) from a disturbed or stuck state until it is judged.

/**
 * Whether `state`, after `drive` for `until` seconds, is still not back to health after HORIZON.
 * Past halfway from the database loop's saddle to its stuck state (at the full cache's misses)
 * it is tipped: a cache can only be as full as that, so its misses only keep the queue deeper.
 */
function tips(
  flow: CacheFlow,
  state: CacheState,
  load: number,
  healthy: Equilibrium,
  pre?: { drive: Drive; until: number },
): boolean {
  let s = state;
  if (pre) {
    const path = flow.follow(s, 0, pre.until, pre.drive, null, undefined, false);
    s = path[path.length - 1]!;
  }
  const loop = flow.dbEquilibria((1 - flow.hFull) * load);
  const saddle = loop.find((e) => e.kind === "saddle");
  const stuck = loop.find((e) => e.kind === "stuck");
  const mark =
    saddle && stuck
      ? stuck.queue === null
        ? 3 * saddle.queue! + 10
        : (saddle.queue! + stuck.queue) / 2
      : Number.POSITIVE_INFINITY;
  let recovered = false;
  let tipped = false;
  flow.follow(
    s,
    0,
    HORIZON,
    steadyDrive(load),
    null,
    (x) => {
      recovered = x.hitRate >= 0.999 * flow.hFull && x.queue <= 2 * healthy.queue! + 1;
      tipped = x.queue >= mark;
      return recovered || tipped || flow.stationary(x, load);
    },
    false,
  );
  return !recovered;
}

/**
 * The smallest push that tips the full cache's healthy state at `load`: hit rate lost at once (a
 * partial flush), queries added at once, or seconds of a spike at `spikeRate`.
 */
export function cacheTipping(
  flow: CacheFlow,
  load: number,
  equilibria: Equilibrium[],
  spikeRate: number,
): TippingDisturbance {
  const healthy = equilibria.find((e) => e.kind === "healthy");
  const stuck = equilibria.find((e) => e.kind === "stuck");
  if (!healthy) return tipsByItself(load, spikeRate, true);
  if (!stuck) return nothingTips(load, spikeRate, true);
  const at = { hitRate: flow.hFull, queue: healthy.queue!, orbit: healthy.orbit! };
  const hitRate = smallestTipping(
    (lost) => tips(flow, { ...at, hitRate: Math.max(0, flow.hFull - lost) }, load, healthy),
    flow.hFull / 8,
    3,
  );
  const saddle = equilibria.find((e) => e.kind === "saddle");
  // At most the deepest queue the database can hold (its queueCapacity and connections).
  const deepest = flow.dyn.db.maxQueue;
  const queue = smallestTipping(
    (dq) => tips(flow, { ...at, queue: Math.min(at.queue + dq, deepest) }, load, healthy),
    saddle
      ? saddle.queue! - healthy.queue!
      : Math.max(1, flow.dyn.db.queue.capacity * flow.dyn.client.timeout),
    20,
  );
  const seconds =
    spikeRate > load
      ? smallestTipping(
          (s) => tips(flow, at, load, healthy, { drive: steadyDrive(spikeRate), until: s }),
          1,
          12,
        )
      : null;
  const parts = [
    hitRate === null
      ? "even emptying the cache does not tip it"
      : `losing ${pct(hitRate)} of hit rate at once`,
    queue === null ? null : `${fmt(queue)} queries added at once`,
    seconds === null ? null : `${fmt(seconds)} s at ${fmt(spikeRate)} req/s`,
  ].filter((x): x is string => x !== null);
  return {
    queue,
    hitRate: hitRate === null ? null : Math.min(hitRate, flow.hFull),
    spikeRate,
    seconds,
    note:
      hitRate === null && queue === null && seconds === null ? parts[0]! : `${parts.join(", or ")} tip it`,
  };
}

/**
 * How a cold, stuck cache recovers: below the band's low edge it refills; timed at `drainLoadOption`
 * (default half that edge) from where the scenario's run ends, or else from the cold stuck state.
 */
export function cacheRecovery(
  flow: CacheFlow,
  band: Band,
  load: number,
  path: (TrajectoryPoint & { hitRate: number })[],
  drainLoadOption: number | undefined,
): Recovery {
  if (band.low === null) return noRecovery("a cold cache refills at every load: nothing to recover from");
  const drainLoad = drainLoadOption ?? band.low / 2;
  const last = path[path.length - 1]!;
  const cold = flow.coldStuck(load) ?? flow.coldStuck(Math.max(load, band.low * 1.01));
  const from: CacheState =
    last.hitRate < 0.5 * flow.hFull
      ? { hitRate: last.hitRate, queue: last.queue, orbit: last.orbit }
      : (cold?.state ?? { hitRate: 0, queue: flow.deepQueue(), orbit: 0 });
  const healthy = flow.dbEquilibria((1 - flow.hFull) * drainLoad).find((e) => e.kind === "healthy");
  const target = 2 * (healthy?.queue ?? 0) + 1;
  let reached: number | null = null;
  flow.follow(
    from,
    0,
    1e6,
    steadyDrive(drainLoad),
    null,
    (s, t) => {
      if (s.hitRate >= 0.99 * flow.hFull && s.queue <= target) reached = t;
      return reached !== null || flow.stationary(s, drainLoad);
    },
    false,
  );
  return {
    load: band.low,
    drainLoad,
    from: { queue: from.queue, orbit: from.orbit, hitRate: from.hitRate },
    seconds: reached,
    note:
      reached === null
        ? `at ${fmt(drainLoad)} req/s the cold cache does not refill`
        : `below ${fmt(band.low)} req/s a cold cache refills; at ${fmt(drainLoad)} req/s, from a hit rate of ${pct(from.hitRate)} and ${fmt(from.queue)} queries at the database, it is back in ${fmt(reached)} s`,
  };
}
