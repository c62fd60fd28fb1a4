import type { CacheDynamics } from "./cache-dynamics.js";
import { attemptRate } from "./client-flow.js";
import { type Equilibrium, equilibriaAt, stuckLoad } from "./equilibria.js";
import type { FluidCache } from "./fluid-cache.js";
import { integrateAuto } from "./ode.js";
import { type Drive, driveAt, steadyDrive, type TrajectoryPoint } from "./trajectory.js";

// How long a state is followed before it is judged, as in basins.ts: a cold cache that has not
// refilled within this many seconds counts as stuck.
export const HORIZON = 3000;
// Most integration steps one trajectory may take (a full database's queue is stiff: ~1 ms steps).
const STEP_BUDGET = 400_000;

/** A state of the cache model. */
export interface CacheState {
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

/** The cache model's flow: trajectories, basins and the stuck cold state. */
export class CacheFlow {
  private readonly d = new Float64Array(3);

  /** Hit rate of the full cache. */
  readonly hFull: number;
  private readonly solved = new Map<number, Equilibrium[]>();

  constructor(readonly dyn: CacheDynamics) {
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
  deepQueue(): number {
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
