import type { FluidDynamics } from "./dynamics.js";
import type { Equilibrium } from "./equilibria.js";
import { integrate } from "./ode.js";
import type { TrajectoryPoint } from "./trajectory.js";

/** The vector field over (queue, orbit) at one load, and the curve that divides its basins. */
export interface Portrait {
  /** Base load the field is drawn at (req/s). */
  load: number;
  queueMax: number;
  orbitMax: number;
  /** Arrows: at (queue, orbit) the state moves by (dQueue, dOrbit) per second. */
  field: { queue: number; orbit: number; dQueue: number; dOrbit: number }[];
  /** The saddle's stable manifold, [queue, orbit] pairs: states on one side recover, on the other they tip. */
  separatrix: [number, number][];
}

const COLUMNS = 16;
const ROWS = 12;

/** Draws the portrait at `load` in a box that holds its equilibria and most of the trajectory. */
export function phasePortrait(
  dyn: FluidDynamics,
  load: number,
  equilibria: readonly Equilibrium[],
  path: readonly TrajectoryPoint[],
): Portrait {
  const finite = equilibria.filter((e) => e.queue !== null);
  const saddle = finite.find((e) => e.kind === "saddle");
  const deepest = maxOf(finite.map((e) => e.queue!));
  let queueMax = saddle ? 3 * saddle.queue! : Math.max(20, 1.5 * deepest);
  const pathMax = maxOf(path.map((p) => p.queue));
  queueMax = Math.max(queueMax, Math.min(1.05 * pathMax, 2 * queueMax), 1.2 * deepest);
  const inBox = path.filter((p) => p.queue <= queueMax);
  const orbitMax = Math.max(
    1,
    1.3 * Math.max(maxOf(finite.map((e) => e.orbit!)), maxOf(inBox.map((p) => p.orbit))),
  );
  const d = new Float64Array(2);
  const field: Portrait["field"] = [];
  for (let i = 0; i < COLUMNS; i++) {
    for (let j = 0; j < ROWS; j++) {
      const queue = ((i + 0.5) * queueMax) / COLUMNS;
      const orbit = ((j + 0.5) * orbitMax) / ROWS;
      dyn.rate(queue, orbit, load, false, d);
      field.push({ queue, orbit, dQueue: d[0]!, dOrbit: d[1]! });
    }
  }
  return {
    load,
    queueMax,
    orbitMax,
    field,
    separatrix: saddle ? separatrix(dyn, load, saddle, queueMax, orbitMax) : [],
  };
}

/** Follows the saddle's stable direction backwards in time on both sides, until it leaves the box. */
function separatrix(
  dyn: FluidDynamics,
  load: number,
  saddle: Equilibrium,
  queueMax: number,
  orbitMax: number,
): [number, number][] {
  const { matrix, eigenvalues } = dyn.jacobian(saddle.queue!, saddle.orbit!, load);
  const s = eigenvalues.reduce((m, e) => Math.min(m, e.re), Number.POSITIVE_INFINITY);
  const [[a, b], [c, dd]] = matrix as [[number, number], [number, number]];
  let v: [number, number] = Math.abs(b) > Math.abs(c) ? [b, s - a] : [s - dd, c];
  // In box units, so a step along it is a visible fraction of the picture either way.
  const len = Math.hypot(v[0] / queueMax, v[1] / orbitMax) || 1;
  v = [v[0] / len, v[1] / len];
  const back = new Float64Array(2);
  const f = (_t: number, y: Float64Array, out: Float64Array) => {
    dyn.rate(Math.max(y[0]!, 0), Math.max(y[1]!, 0), load, false, back);
    out[0] = -back[0]!;
    out[1] = -back[1]!;
  };
  const branch = (sign: number): [number, number][] => {
    const pts: [number, number][] = [];
    const start = [saddle.queue! + sign * 1e-3 * v[0], saddle.orbit! + sign * 1e-3 * v[1]];
    integrate(f, 0, start, 200, {
      maxStep: 0.5,
      maxSteps: 4000,
      onStep: (_t, y) => {
        pts.push([y[0]!, y[1]!]);
        return y[0]! < 0 || y[1]! < 0 || y[0]! > 1.2 * queueMax || y[1]! > 1.2 * orbitMax;
      },
    });
    return pts;
  };
  return [...branch(-1).reverse(), [saddle.queue!, saddle.orbit!], ...branch(1)];
}

/** The largest of `xs`, at least 0 (no spread: the arrays can be long). */
function maxOf(xs: readonly number[]): number {
  let m = 0;
  for (const x of xs) if (x > m) m = x;
  return m;
}
