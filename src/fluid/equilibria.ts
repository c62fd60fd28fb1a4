import type { Eigenvalue, FlowPoint, FluidDynamics } from "./dynamics.js";
import { argmax, rootIn } from "./roots.js";

/** A steady state of the fluid system at one base load. */
export interface Equilibrium {
  /** healthy: stable with goodput at least half the load; stuck: stable below that; saddle: unstable. */
  kind: "healthy" | "stuck" | "saddle";
  /** Mean calls at the server; null for a queue that grows without bound. */
  queue: number | null;
  /** Requests waiting to retry; null with an unbounded queue. */
  orbit: number | null;
  /** Requests per second answered ok. */
  goodput: number;
  /** Calls per second the server finishes, wanted or wasted. */
  throughput: number;
  /** Attempts sent per second. */
  attempts: number;
  /** P(an attempt times out). */
  timeoutProbability: number;
  stable: boolean;
  /** Eigenvalues of the Jacobian over (queue, orbit); null where the queue is unbounded. */
  eigenvalues: Eigenvalue[] | null;
  /** For an unbounded queue: how fast it grows, calls per second. */
  queueGrowth?: number;
  /** With a cache: its hit rate in this state (eigenvalues then add the hit rate's own). */
  hitRate?: number;
}

/** Where the fluid system has one state and where two. Loads in requests per second. */
export interface Band {
  /** Below it only the healthy state exists; null when no stuck state exists at any load. */
  low: number | null;
  /** Above it only the stuck state exists; null when the healthy state never disappears. */
  high: number | null;
}

/** The load at which the retry loop alone can keep an unbounded queue growing (every attempt late). */
export function stuckLoad(dyn: FluidDynamics): number {
  const cap = dyn.queue.capacity;
  // The load whose attempts, budget applied, just fill the capacity.
  let lo = 0;
  let hi = cap;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (dyn.sentAllFailing(mid) < cap) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The bistable band from the curve of equilibria, load(x) = x / attempts(x): its first local
 * maximum is where the healthy state vanishes (`high`), the following minimum (or, for an
 * unbounded queue, the load that keeps the queue growing once every attempt times out) where the
 * stuck one does (`low`).
 */
export function bistableBand(dyn: FluidDynamics): Band {
  const pts = dyn.points;
  const loadAt = (x: number) => dyn.flowAt(x).load;
  let fold = -1;
  for (let i = 1; i < pts.length - 1; i++) {
    if (pts[i]!.load > pts[i + 1]!.load && pts[i]!.load >= pts[i - 1]!.load) {
      fold = i;
      break;
    }
  }
  if (fold < 0) {
    if (!dyn.unbounded) return { low: null, high: null };
    const edge = stuckLoad(dyn);
    return { low: edge, high: edge };
  }
  const xHigh = argmax(loadAt, pts[fold - 1]!.state.offered, pts[fold + 1]!.state.offered);
  const high = loadAt(xHigh);
  // The lowest load any state past the fold stands for: below it only the healthy state is left.
  // (Retry budgets capping one layer after another can fold the curve more than once.)
  let bottom = -1;
  for (let i = fold + 1; i < pts.length - 1; i++) {
    if (pts[i]!.load < pts[i + 1]!.load && pts[i]!.load <= pts[i - 1]!.load) {
      if (bottom < 0 || pts[i]!.load < pts[bottom]!.load) bottom = i;
    }
  }
  let low = dyn.unbounded ? stuckLoad(dyn) : pts[pts.length - 1]!.load;
  if (bottom >= 0) {
    const xLow = argmax((x) => -loadAt(x), pts[bottom - 1]!.state.offered, pts[bottom + 1]!.state.offered);
    low = Math.min(low, loadAt(xLow));
  }
  return { low: Math.min(low, high), high };
}

/** Every equilibrium at base load `load`, in order of queue length, with its stability. */
export function equilibriaAt(dyn: FluidDynamics, load: number): Equilibrium[] {
  const pts = dyn.points;
  const out: Equilibrium[] = [];
  for (let i = 0; i < pts.length - 1; i++) {
    const a = pts[i]!.load - load;
    const b = pts[i + 1]!.load - load;
    if (a === 0 || a * b < 0) {
      const x = rootIn(
        (u) => dyn.flowAt(u).load - load,
        pts[i]!.state.offered,
        pts[i + 1]!.state.offered,
        a,
        b,
      );
      out.push(steadyState(dyn, dyn.flowAt(x), load));
    }
  }
  if (dyn.unbounded && load > stuckLoad(dyn)) {
    const sent = dyn.sentAllFailing(load);
    out.push({
      kind: "stuck",
      queue: null,
      orbit: null,
      goodput: 0,
      throughput: dyn.queue.capacity,
      attempts: sent,
      timeoutProbability: 1,
      stable: true,
      eigenvalues: null,
      queueGrowth: sent - dyn.queue.capacity,
    });
  }
  return out;
}

function steadyState(dyn: FluidDynamics, p: FlowPoint, load: number): Equilibrium {
  const sent = dyn.sent(p, load);
  const queue = p.state.inSystem;
  const orbit = (sent - load) * dyn.orbitTime;
  const { eigenvalues } = dyn.jacobian(queue, orbit, load);
  const stable = eigenvalues.every((e) => e.re < 0);
  const good = dyn.goodput(p, load);
  return {
    kind: !stable ? "saddle" : good >= 0.5 * load ? "healthy" : "stuck",
    queue,
    orbit,
    goodput: good,
    throughput: p.state.served,
    attempts: sent,
    timeoutProbability: p.flow.timeout,
    stable,
    eigenvalues,
  };
}
