import type {
  BifurcationPoint,
  FluidAnalysis,
  FluidOptions,
  Recovery,
  TippingDisturbance,
} from "./analyse.js";
import { smallestTipping } from "./basins.js";
import { CacheDynamics } from "./cache-dynamics.js";
import { attemptRate, goodput } from "./client-flow.js";
import type { FluidDynamics } from "./dynamics.js";
import { type Band, bistableBand, type Equilibrium, equilibriaAt, stuckLoad } from "./equilibria.js";
import type { FluidCache, FluidModel } from "./fluid-model.js";
import { integrateAuto } from "./ode.js";
import { phasePortrait } from "./portrait.js";
import { type Drive, driveAt, steadyDrive, type TrajectoryPoint, thin } from "./trajectory.js";

// How long a state is followed before it is judged, as in basins.ts: a cold cache that has not
// refilled within this many seconds counts as stuck.
const HORIZON = 3000;
// Most integration steps one trajectory may take (a full database's queue is stiff: ~1 ms steps).
const STEP_BUDGET = 400_000;

/** A state of the cache model. */
interface CacheState {
  hitRate: number;
  queue: number;
  orbit: number;
}

/** The cache model's field over (hit rate, database queue), the orbit at its quasi-steady value. */
export interface CachePortrait {
  load: number;
  hitRateMax: number;
  queueMax: number;
  field: { hitRate: number; queue: number; dHitRate: number; dQueue: number }[];
}

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
    model: {
      client: model.clientName,
      server: model.serverName,
      queue: model.queue.label,
      approximation: model.queue.approximation,
      approximations: [
        ...model.approximations,
        `the cache holds the most popular keys, up to Che's LRU hit rate of ${pct(hFull)} when full; a key it lacks is filled by the first read for it answered within the timeout`,
        "a retry asks for the key its request missed on, so it misses again",
        `a cold cache that has not refilled within ${HORIZON} s counts as stuck`,
      ],
      capacity: model.queue.capacity,
      timeout: model.client.timeout,
      maxAttempts: model.client.maxAttempts,
      orbitTime: dyn.orbitTime,
      notModelled: model.notModelled,
    },
    load,
    bistable: band,
    equilibria,
    tippingDisturbance: flow.tipping(load, equilibria, spikeRate),
    recovery: flow.recovery(band, load, path, options.drainLoad),
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

/** The cache model's flow: trajectories, basins and the stuck cold state. */
class CacheFlow {
  private readonly d = new Float64Array(3);

  private readonly hFull: number;
  private readonly solved = new Map<number, Equilibrium[]>();

  constructor(private readonly dyn: CacheDynamics) {
    this.hFull = dyn.fullHitRate;
  }

  /** The database loop's equilibria at a load of misses, solved once per load. */
  dbEquilibria(load: number): Equilibrium[] {
    let found = this.solved.get(load);
    if (!found) {
      found = equilibriaAt(this.dyn.db, load);
      this.solved.set(load, found);
    }
    return found;
  }

  /**
   * The cold cache's stuck state at `load`, if it does not refill within HORIZON seconds; with
   * `exact` its equilibrium (eigenvalues and all) is solved, else it is read off the table.
   */
  coldStuck(load: number, exact = false): { state: CacheState; equilibrium: Equilibrium | null } | null {
    const deepest = this.deepestStuck(load);
    if (!deepest) return null;
    const state = { hitRate: 0, queue: deepest.queue, orbit: deepest.orbit };
    // A queue that grows without bound answers no read in time, so nothing refills the cache. (The
    // stationary queue of the same mean spreads its waits exponentially and would let a share of
    // reads through: following the flow would refill it slowly, which a deep FIFO queue does not.)
    const growing = this.dyn.db.unbounded && load > stuckLoad(this.dyn.db);
    let refilled = false;
    if (!growing) {
      this.follow(
        state,
        0,
        HORIZON,
        steadyDrive(load),
        null,
        (s) => {
          refilled = s.hitRate >= 0.5 * this.hFull;
          return refilled || this.stationary(s, load);
        },
        false,
      );
    }
    if (refilled) return null;
    if (!exact) return { state, equilibrium: null };
    const stable = this.dbEquilibria(load).filter((e) => e.stable);
    const e = stable[stable.length - 1]!;
    return {
      state: { hitRate: 0, queue: e.queue ?? state.queue, orbit: e.orbit ?? state.orbit },
      equilibrium: e,
    };
  }

  /**
   * The database loop's deepest stable state at `load` when it is a stuck one (its goodput below
   * half the load), interpolated on the table; for an unbounded queue past its stuck load, a deep
   * queue. Null when its deepest stable state is healthy.
   */
  private deepestStuck(load: number): { queue: number; orbit: number } | null {
    const db = this.dyn.db;
    const c = this.dyn.client;
    if (db.unbounded && load > stuckLoad(db)) {
      const attempts = c.retryOnTimeout ? c.maxAttempts : 1;
      // Ten timeouts' worth of work deep: no read is answered in time, and the queue keeps growing.
      return {
        queue: 10 * this.deepQueue(),
        orbit: (attemptRate(c, attempts, load) - load) * this.dyn.orbitTime,
      };
    }
    const pts = db.points;
    for (let i = pts.length - 2; i >= 0; i--) {
      const a = pts[i]!;
      const b = pts[i + 1]!;
      if ((a.load - load) * (b.load - load) > 0 || b.load <= a.load) continue;
      const w = (load - a.load) / (b.load - a.load);
      const mix = (u: number, v: number) => u + w * (v - u);
      const failure = mix(a.flow.failure, b.flow.failure);
      if (failure <= 0.5) return null;
      const attempts = mix(a.flow.attemptsPerRequest, b.flow.attemptsPerRequest);
      return {
        queue: mix(a.state.inSystem, b.state.inSystem),
        orbit: (attemptRate(c, attempts, load) - load) * this.dyn.orbitTime,
      };
    }
    return null;
  }

  /**
   * Whether the state has all but stopped at a steady load: the hit rate would not move by a
   * thousandth of the full cache's within HORIZON, the queue and orbit not by 0.1% in a second.
   * A state that has stopped short of the full cache is stuck; following it on only costs steps
   * (the database's queue is stiff when full).
   */
  stationary(s: CacheState, load: number): boolean {
    this.dyn.rate(s.hitRate, s.queue, s.orbit, load, false, this.d);
    return (
      Math.abs(this.d[0]!) * HORIZON < 1e-3 * this.hFull &&
      // A full bounded queue is pinned to its capacity, however hard the arrivals push.
      (Math.abs(this.d[1]!) < 1e-3 * Math.max(s.queue, 1) || s.queue >= 0.999 * this.dyn.db.maxQueue) &&
      Math.abs(this.d[2]!) < 1e-3 * Math.max(s.orbit, 1)
    );
  }

  /** A queue as deep as every attempt's timeout of work at the database's capacity. */
  private deepQueue(): number {
    const c = this.dyn.client;
    return this.dyn.db.queue.capacity * c.timeout * c.maxAttempts;
  }

  /** The lowest base load at which a cold cache stays stuck, by a scan and bisection; null: none. */
  lowestStuckLoad(loadMax: number): number | null {
    const stuck = (load: number) => this.coldStuck(load) !== null;
    const steps = 40;
    let prev = 0;
    for (let i = 1; i <= steps; i++) {
      const x = loadMax * (i / steps) ** 2;
      if (stuck(x)) {
        let lo = prev;
        let hi = x;
        while (hi - lo > 1e-4 * hi) {
          const mid = (lo + hi) / 2;
          if (stuck(mid)) hi = mid;
          else lo = mid;
        }
        return hi;
      }
      prev = x;
    }
    return null;
  }

  /**
   * Equilibria at the load: the database loop's at the full cache's misses (hit rate full), then
   * the cold stuck state. Their kind is the database loop's (stuck: its reads fail); goodput and
   * attempts count the hits too.
   */
  equilibriaAt(load: number): Equilibrium[] {
    const withHits = (e: Equilibrium, h: number, extra: number): Equilibrium => {
      const hits = h * load;
      return {
        ...e,
        hitRate: h,
        goodput: hits + e.goodput,
        attempts: hits + e.attempts,
        timeoutProbability: (e.attempts * e.timeoutProbability) / (hits + e.attempts),
        eigenvalues: e.eigenvalues && [...e.eigenvalues, { re: extra, im: 0 }],
      };
    };
    const out = this.dbEquilibria((1 - this.hFull) * load).map((e) =>
      withHits(e, this.hFull, this.turnover(e)),
    );
    const cold = this.coldStuck(load, true);
    if (cold) {
      const s = cold.state;
      // Along the hit rate: how fast a slightly warmer cache moves on (about 0: it is frozen).
      const dh = 1e-4;
      this.dyn.rate(dh, s.queue, s.orbit, load, false, this.d);
      out.push(withHits(cold.equilibrium!, 0, this.d[0]! / dh));
    }
    return out;
  }

  // The full cache's own eigenvalue: LRU turnover pulls the hit rate back at reads-in-time / capacity.
  private turnover(e: Equilibrium): number {
    const onTime = this.dyn.onTime(e.queue ?? Number.POSITIVE_INFINITY);
    const reads = e.attempts * onTime;
    return -reads / Math.max(this.dyn.cache.hotSet.capacity, 1);
  }

  /** Where the scenario starts: its prefilled hit rate, and the database's state at it. */
  startState(h: number, load: number): CacheState {
    const healthy = this.dbEquilibria((1 - Math.min(h, this.hFull)) * load).find((e) => e.kind === "healthy");
    return { hitRate: h, queue: healthy?.queue ?? 0, orbit: healthy?.orbit ?? 0 };
  }

  /**
   * Integrates the cache model from `start` over [t0, t1] under `drive` (flush, warm, pause and
   * crash events applied); `stop` can end it early. Returns every accepted step.
   */
  follow(
    start: CacheState,
    t0: number,
    t1: number,
    drive: Drive,
    cache: FluidCache | null,
    stop?: (s: CacheState, t: number) => boolean,
    keep = true,
  ): (TrajectoryPoint & { hitRate: number })[] {
    const cuts = [
      ...new Set([t0, t1, ...drive.breakpoints, ...drive.events.flatMap((e) => [e.start, e.end])]),
    ]
      .filter((t) => t >= t0 && t <= t1)
      .sort((a, b) => a - b);
    const y = Float64Array.from([start.hitRate, start.queue, start.orbit]);
    let steps = 0;
    const out: (TrajectoryPoint & { hitRate: number })[] = [];
    const record = (t: number, s: ArrayLike<number>) => {
      const state = { hitRate: Math.max(s[0]!, 0), queue: Math.max(s[1]!, 0), orbit: Math.max(s[2]!, 0) };
      if (keep || out.length === 0) out.push({ t, ...state, load: driveAt(drive, Math.min(t, t1)).load });
      else out[0] = { t, ...state, load: driveAt(drive, Math.min(t, t1)).load };
      return stop?.(state, t) ?? false;
    };
    if (record(t0, y)) return out;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i]!;
      const b = cuts[i + 1]!;
      for (const e of drive.events) {
        if (e.start !== a) continue;
        if (e.kind === "flush") y[0] = 0;
        else if (e.kind === "warm" && cache) {
          const before = Math.min(y[0]!, 1 - 1e-9);
          y[0] = Math.max(y[0]!, cache.hotSet.hotShare(Math.round(e.factor * cache.hotSet.capacity)));
          // Requests waiting to retry missed on keys outside the old hot set; those the warm-up
          // put in will hit on their retry, so they leave the orbit.
          y[2] = (y[2]! * (1 - y[0]!)) / (1 - before);
        } else if (e.kind === "emptyQueue") y[1] = 0;
      }
      const mid = driveAt(drive, (a + b) / 2);
      const f = (t: number, s: Float64Array, out3: Float64Array) => {
        const here = driveAt(drive, Math.min(Math.max(t, a), b - 1e-12));
        this.dyn.rate(
          Math.max(s[0]!, 0),
          Math.max(s[1]!, 0),
          Math.max(s[2]!, 0),
          here.load,
          mid.paused,
          out3,
        );
      };
      let stopped = false;
      let settled = false;
      const steady = drive.events.every((e) => e.kind !== "loadRamp" || e.end <= a || e.start >= b);
      // The integrator stops after a number of steps: go on from where it stopped.
      let t = a;
      while (!stopped && !settled && b - t > 1e-9 * Math.max(1, b)) {
        if (steps > STEP_BUDGET) return out;
        const end = integrateAuto(f, t, y, b, {
          maxStep: Math.max((b - a) / 20, 1e-3),
          maxSteps: 20_000,
          rtol: 1e-5,
          onStep: (tt, s) => {
            stopped = record(tt, s);
            // A state that has stopped moving under a steady load stays put to the end of the
            // piece: skipping ahead saves the small steps a full database's stiff queue takes.
            steps++;
            if (!stopped && steady && !mid.paused && steps % 16 === 0) {
              settled = this.stationary({ hitRate: s[0]!, queue: s[1]!, orbit: s[2]! }, mid.load);
            }
            return stopped || settled;
          },
        });
        t = end.t;
        for (let n = 0; n < 3; n++) y[n] = Math.max(end.y[n]!, 0);
      }
      if (stopped) return out;
      if (settled && record(b, y)) return out;
    }
    return out;
  }

  /**
   * Whether `state`, after `drive` for `until` seconds, is still not back to health after HORIZON.
   * Past halfway from the database loop's saddle to its stuck state (at the full cache's misses)
   * it is tipped: a cache can only be as full as that, so its misses only keep the queue deeper.
   */
  private tips(
    state: CacheState,
    load: number,
    healthy: Equilibrium,
    pre?: { drive: Drive; until: number },
  ): boolean {
    let s = state;
    if (pre) {
      const path = this.follow(s, 0, pre.until, pre.drive, null, undefined, false);
      s = path[path.length - 1]!;
    }
    const loop = this.dbEquilibria((1 - this.hFull) * load);
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
    this.follow(
      s,
      0,
      HORIZON,
      steadyDrive(load),
      null,
      (x) => {
        recovered = x.hitRate >= 0.999 * this.hFull && x.queue <= 2 * healthy.queue! + 1;
        tipped = x.queue >= mark;
        return recovered || tipped || this.stationary(x, load);
      },
      false,
    );
    return !recovered;
  }

  tipping(load: number, equilibria: Equilibrium[], spikeRate: number): TippingDisturbance {
    const healthy = equilibria.find((e) => e.kind === "healthy");
    const stuck = equilibria.find((e) => e.kind === "stuck");
    if (!healthy) {
      return {
        queue: 0,
        hitRate: 0,
        spikeRate,
        seconds: 0,
        note: `no healthy state at ${fmt(load)} req/s: the system tips by itself`,
      };
    }
    if (!stuck) {
      return {
        queue: null,
        hitRate: null,
        spikeRate,
        seconds: null,
        note: `no stuck state at ${fmt(load)} req/s: any disturbance decays`,
      };
    }
    const at = { hitRate: this.hFull, queue: healthy.queue!, orbit: healthy.orbit! };
    const hitRate = smallestTipping(
      (lost) => this.tips({ ...at, hitRate: Math.max(0, this.hFull - lost) }, load, healthy),
      this.hFull / 8,
      3,
    );
    const saddle = equilibria.find((e) => e.kind === "saddle");
    // At most the deepest queue the database can hold (its queueCapacity and connections).
    const deepest = this.dyn.db.maxQueue;
    const queue = smallestTipping(
      (dq) => this.tips({ ...at, queue: Math.min(at.queue + dq, deepest) }, load, healthy),
      saddle
        ? saddle.queue! - healthy.queue!
        : Math.max(1, this.dyn.db.queue.capacity * this.dyn.client.timeout),
      20,
    );
    const seconds =
      spikeRate > load
        ? smallestTipping(
            (s) => this.tips(at, load, healthy, { drive: steadyDrive(spikeRate), until: s }),
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
      hitRate: hitRate === null ? null : Math.min(hitRate, this.hFull),
      spikeRate,
      seconds,
      note:
        hitRate === null && queue === null && seconds === null ? parts[0]! : `${parts.join(", or ")} tip it`,
    };
  }

  recovery(
    band: Band,
    load: number,
    path: (TrajectoryPoint & { hitRate: number })[],
    drainLoadOption: number | undefined,
  ): Recovery {
    if (band.low === null) {
      return {
        load: null,
        drainLoad: null,
        from: null,
        seconds: null,
        note: "a cold cache refills at every load: nothing to recover from",
      };
    }
    const drainLoad = drainLoadOption ?? band.low / 2;
    const last = path[path.length - 1]!;
    const cold = this.coldStuck(load) ?? this.coldStuck(Math.max(load, band.low * 1.01));
    const from: CacheState =
      last.hitRate < 0.5 * this.hFull
        ? { hitRate: last.hitRate, queue: last.queue, orbit: last.orbit }
        : (cold?.state ?? { hitRate: 0, queue: this.deepQueue(), orbit: 0 });
    const healthy = this.dbEquilibria((1 - this.hFull) * drainLoad).find((e) => e.kind === "healthy");
    const target = 2 * (healthy?.queue ?? 0) + 1;
    let reached: number | null = null;
    this.follow(
      from,
      0,
      1e6,
      steadyDrive(drainLoad),
      null,
      (s, t) => {
        if (s.hitRate >= 0.99 * this.hFull && s.queue <= target) reached = t;
        return reached !== null || this.stationary(s, drainLoad);
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

  /** The field over (hit rate, database queue) at the load, orbit at its quasi-steady value. */
  portrait(
    load: number,
    equilibria: Equilibrium[],
    path: (TrajectoryPoint & { hitRate: number })[],
  ): CachePortrait {
    const finite = equilibria.filter((e) => e.queue !== null);
    let queueMax = 20;
    for (const e of finite) queueMax = Math.max(queueMax, e.queue!);
    queueMax *= 1.2;
    let pathMax = 0;
    for (const p of path) pathMax = Math.max(pathMax, p.queue);
    queueMax = Math.max(queueMax, Math.min(1.05 * pathMax, 3 * queueMax));
    let hMax = this.hFull;
    for (const p of path) hMax = Math.max(hMax, p.hitRate);
    const hitRateMax = Math.min(1, 1.05 * hMax);
    const field: CachePortrait["field"] = [];
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 12; j++) {
        const hitRate = ((i + 0.5) * hitRateMax) / 16;
        const queue = ((j + 0.5) * queueMax) / 12;
        // The orbit where it would settle with the hit rate and queue held: misses x (A - 1) x D.
        const attempts = this.dyn.db.lookup(queue).attempts;
        const orbit = (1 - hitRate) * load * (attempts - 1) * this.dyn.orbitTime;
        this.dyn.rate(hitRate, queue, orbit, load, false, this.d);
        field.push({ hitRate, queue, dHitRate: this.d[0]!, dQueue: this.d[1]! });
      }
    }
    return { load, hitRateMax, queueMax, field };
  }
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

function pct(x: number): string {
  return `${Number((100 * x).toPrecision(3))}%`;
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
