// Dormand-Prince 5(4) with adaptive steps, for the two-dimensional fluid system. Small enough to
// own: the fluid model needs no stiff solver, only step control and exact stops at known times.

/** dy/dt at (t, y), written into `out`. */
export type Derivative = (t: number, y: Float64Array, out: Float64Array) => void;

/** Step control and limits of one integration. */
export interface OdeOptions {
  /** Relative tolerance per step. Default: 1e-6. */
  rtol?: number;
  /** Absolute tolerance per step. Default: 1e-6. */
  atol?: number;
  /** Largest step, so a short change (a pause) is not stepped over. Default: (t1 - t0) / 20. */
  maxStep?: number;
  /** Most steps before giving up. Default: 20,000. */
  maxSteps?: number;
  /** Called after every accepted step; return true to stop there. */
  onStep?: (t: number, y: Float64Array) => boolean | undefined;
}

const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
// Fifth-order weights are A[6]; these are the differences to the embedded fourth-order ones.
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/** Integrates y' = f(t, y) from t0 to t1 (t1 may be below t0: backwards); returns where it ended. */
export function integrate(
  f: Derivative,
  t0: number,
  y0: ArrayLike<number>,
  t1: number,
  options: OdeOptions = {},
): { t: number; y: Float64Array } {
  const n = y0.length;
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  const dir = t1 >= t0 ? 1 : -1;
  const span = Math.abs(t1 - t0);
  const maxStep = options.maxStep ?? span / 20;
  const maxSteps = options.maxSteps ?? 20_000;
  const k = Array.from({ length: 7 }, () => new Float64Array(n));
  const y = Float64Array.from(y0);
  const tmp = new Float64Array(n);
  const next = new Float64Array(n);
  let t = t0;
  let h = Math.min(maxStep, span / 100 || 1e-3);
  f(t, y, k[0]!);
  for (let steps = 0; steps < maxSteps && dir * (t1 - t) > 1e-12 * Math.max(1, Math.abs(t1)); steps++) {
    h = Math.min(h, maxStep, Math.abs(t1 - t));
    const hs = dir * h;
    for (let s = 1; s < 7; s++) {
      for (let i = 0; i < n; i++) {
        let acc = y[i]!;
        for (let j = 0; j < s; j++) acc += hs * A[s]![j]! * k[j]![i]!;
        tmp[i] = acc;
      }
      if (s === 6) next.set(tmp);
      f(t + C[s]! * hs, tmp, k[s]!);
    }
    let err = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let s = 0; s < 7; s++) e += E[s]! * k[s]![i]!;
      const scale = atol + rtol * Math.max(Math.abs(y[i]!), Math.abs(next[i]!));
      err = Math.max(err, Math.abs(hs * e) / scale);
    }
    if (!Number.isFinite(err)) {
      h /= 4;
      continue;
    }
    if (err <= 1) {
      t += hs;
      y.set(next);
      // First-same-as-last: the last stage is the next step's first.
      k[0]!.set(k[6]!);
      if (options.onStep?.(t, y)) break;
    }
    h *= Math.min(5, Math.max(0.2, 0.9 * (err === 0 ? 5 : err ** -0.2)));
  }
  return { t, y };
}
