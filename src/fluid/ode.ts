// Dormand-Prince 5(4) with adaptive steps, for the two-dimensional fluid system, and a linearly
// implicit Rosenbrock method, ROS2, for the cache model, whose full bounded database queue is stiff
// (its deficit refills at the arrival rate, thousands per second, while the hit rate moves over
// seconds). Both are small enough to own (the systems have 2 or 3 states), and both stop exactly
// at known times. Measured: bench/fluid.js, BENCHMARKS.md.

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
  /** First step tried. Default: a hundredth of the span, at most maxStep. */
  firstStep?: number;
  /**
   * Stop when the problem turns stiff (explicit method) or stops being stiff (implicit): after 15
   * steps in a row in that regime. The result then says `switched`.
   */
  switching?: boolean;
}

/** Where an integration ended, the step it would have tried next, and whether it stopped to switch method. */
export interface OdeEnd {
  t: number;
  y: Float64Array;
  h: number;
  switched: boolean;
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

/** The tolerances and step limits both methods read from their options, over a span of `span` seconds. */
function stepLimits(options: OdeOptions, span: number) {
  const maxStep = options.maxStep ?? span / 20;
  return {
    rtol: options.rtol ?? 1e-6,
    atol: options.atol ?? 1e-6,
    maxStep,
    maxSteps: options.maxSteps ?? 20_000,
    firstStep: Math.min(maxStep, options.firstStep ?? (span / 100 || 1e-3)),
  };
}

/**
 * The step to try next, from the scaled error of the last one (accepted or not): err^exponent
 * (-1 / (order + 1)) with a safety factor of 0.9, growing or shrinking by at most 5 times.
 */
function nextStep(h: number, err: number, exponent: number): number {
  return h * Math.min(5, Math.max(0.2, 0.9 * (err === 0 ? 5 : err ** exponent)));
}

/** Integrates y' = f(t, y) from t0 to t1 (t1 may be below t0: backwards); returns where it ended. */
export function integrate(
  f: Derivative,
  t0: number,
  y0: ArrayLike<number>,
  t1: number,
  options: OdeOptions = {},
): OdeEnd {
  const n = y0.length;
  const { rtol, atol, maxStep, maxSteps, firstStep } = stepLimits(options, Math.abs(t1 - t0));
  const dir = t1 >= t0 ? 1 : -1;
  let stiffSteps = 0;
  let calm = 0;
  let switched = false;
  const stage6 = new Float64Array(n);
  const k = Array.from({ length: 7 }, () => new Float64Array(n));
  const y = Float64Array.from(y0);
  const tmp = new Float64Array(n);
  const next = new Float64Array(n);
  let t = t0;
  let h = firstStep;
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
      if (s === 5) stage6.set(tmp);
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
      // Hairer's test: h x |lambda| from the last two stages, both at t + h; near the stability
      // bound (3.3) the step is held back by stability, not accuracy. Six calm steps reset it.
      let num = 0;
      let den = 0;
      for (let i = 0; i < n; i++) {
        num += (k[6]![i]! - k[5]![i]!) ** 2;
        den += (next[i]! - stage6[i]!) ** 2;
      }
      if (den > 0 && h * Math.sqrt(num / den) > 2.5) {
        stiffSteps++;
        calm = 0;
      } else if (++calm >= 6) stiffSteps = 0;
      // First-same-as-last: the last stage is the next step's first.
      k[0]!.set(k[6]!);
      if (options.onStep?.(t, y)) break;
      if (options.switching && stiffSteps >= 15) {
        switched = true;
        break;
      }
    }
    h = nextStep(h, err, -0.2);
  }
  return { t, y, h, switched };
}

/**
 * Integrates forwards with Dormand-Prince while the problem is not stiff and ROS2 while it is,
 * switching on the methods' own tests; same options and stops as `integrate`.
 */
export function integrateAuto(
  f: Derivative,
  t0: number,
  y0: ArrayLike<number>,
  t1: number,
  options: OdeOptions = {},
): { t: number; y: Float64Array } {
  let stiff = false;
  let end: OdeEnd = { t: t0, y: Float64Array.from(y0), h: options.firstStep ?? 0, switched: true };
  let left = options.maxSteps ?? 20_000;
  const onStep = (t: number, y: Float64Array) => {
    left--;
    return options.onStep?.(t, y) ?? false;
  };
  while (end.switched && left > 0) {
    const opts = {
      ...options,
      onStep,
      maxSteps: left,
      switching: true,
      ...(end.h > 0 && { firstStep: end.h }),
    };
    end = (stiff ? integrateStiff : integrate)(f, end.t, end.y, t1, opts);
    stiff = !stiff;
  }
  return end;
}

// ROS2 (Verwer, Spee, Blom and Hundsdorfer 1999): second order, L-stable, with the first-order
// solution y + h k1 as the embedded estimate.
const GAMMA = 1 + Math.SQRT1_2;

/**
 * Integrates y' = f(t, y) from t0 to t1 (forwards) with ROS2 and a finite-difference Jacobian,
 * for stiff systems of a few states. Same options and stops as `integrate`.
 */
export function integrateStiff(
  f: Derivative,
  t0: number,
  y0: ArrayLike<number>,
  t1: number,
  options: OdeOptions = {},
): OdeEnd {
  const n = y0.length;
  const { rtol, atol, maxStep, maxSteps, firstStep } = stepLimits(options, t1 - t0);
  let calmSteps = 0;
  let switched = false;
  const y = Float64Array.from(y0);
  const f0 = new Float64Array(n);
  const f1 = new Float64Array(n);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const jac = new Float64Array(n * n);
  const ft = new Float64Array(n);
  const lu = new Float64Array(n * n);
  const pivot = new Int32Array(n);
  let t = t0;
  let h = firstStep;
  let fresh = false;
  for (let steps = 0; steps < maxSteps && t1 - t > 1e-12 * Math.max(1, Math.abs(t1)); steps++) {
    h = Math.min(h, maxStep, t1 - t);
    if (!fresh) {
      f(t, y, f0);
      jacobian(f, t, y, f0, jac, tmp, f1);
      // df/dt, for a load that changes with time (a ramp): the method is written for y' = f(y),
      // so time is treated as one more state.
      const dt = 1e-7 * Math.max(Math.abs(t), 1);
      f(t + dt, y, f1);
      for (let i = 0; i < n; i++) ft[i] = (f1[i]! - f0[i]!) / dt;
      fresh = true;
    }
    // M = I - gamma h J, factorised once for both stages.
    for (let i = 0; i < n * n; i++) lu[i] = -GAMMA * h * jac[i]!;
    for (let i = 0; i < n; i++) lu[i * n + i] = lu[i * n + i]! + 1;
    if (!factor(lu, pivot, n)) {
      h /= 4;
      continue;
    }
    for (let i = 0; i < n; i++) k1[i] = f0[i]! + GAMMA * h * ft[i]!;
    solve(lu, pivot, n, k1);
    for (let i = 0; i < n; i++) tmp[i] = y[i]! + h * k1[i]!;
    f(t + h, tmp, f1);
    for (let i = 0; i < n; i++) k2[i] = f1[i]! - 2 * k1[i]! - GAMMA * h * ft[i]!;
    solve(lu, pivot, n, k2);
    let err = 0;
    for (let i = 0; i < n; i++) {
      const next = y[i]! + 1.5 * h * k1[i]! + 0.5 * h * k2[i]!;
      tmp[i] = next;
      const scale = atol + rtol * Math.max(Math.abs(y[i]!), Math.abs(next));
      err = Math.max(err, Math.abs(0.5 * h * (k1[i]! + k2[i]!)) / scale);
    }
    if (!Number.isFinite(err)) {
      h /= 4;
      continue;
    }
    if (err <= 1) {
      t += h;
      y.set(tmp);
      fresh = false;
      // h x rho(J) under 3: an explicit method could take this step as well (its stability bound
      // is 3.3), and takes longer ones where the flow is smooth. rho by a few power iterations:
      // the row-sum norm overstates it badly where one state drives another hard.
      const norm = spectralRadius(jac, n, k2, tmp);
      calmSteps = h * norm < 3 ? calmSteps + 1 : 0;
      if (options.onStep?.(t, y)) break;
      if (options.switching && calmSteps >= 15) {
        switched = true;
        break;
      }
    }
    h = nextStep(h, err, -0.5);
  }
  return { t, y, h, switched };
}

/** |largest eigenvalue| of the n x n matrix a, by power iteration (scratch vectors v, w). */
function spectralRadius(a: Float64Array, n: number, v: Float64Array, w: Float64Array): number {
  v.fill(1);
  let rho = 0;
  for (let it = 0; it < 12; it++) {
    let size = 0;
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let j = 0; j < n; j++) x += a[i * n + j]! * v[j]!;
      w[i] = x;
      size = Math.max(size, Math.abs(x));
    }
    if (size === 0 || !Number.isFinite(size)) return size === 0 ? 0 : Number.POSITIVE_INFINITY;
    const vmax = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    rho = size / vmax;
    for (let i = 0; i < n; i++) v[i] = w[i]! / size;
  }
  return rho;
}

/** Forward-difference Jacobian of f at (t, y), f(t, y) = fy given; row-major into `out`. */
function jacobian(
  f: Derivative,
  t: number,
  y: Float64Array,
  fy: Float64Array,
  out: Float64Array,
  shifted: Float64Array,
  fs: Float64Array,
): void {
  const n = y.length;
  shifted.set(y);
  for (let j = 0; j < n; j++) {
    const d = 1e-7 * Math.max(Math.abs(y[j]!), 1e-3);
    shifted[j] = y[j]! + d;
    f(t, shifted, fs);
    for (let i = 0; i < n; i++) out[i * n + j] = (fs[i]! - fy[i]!) / d;
    shifted[j] = y[j]!;
  }
}

/** LU factorisation with partial pivoting, in place; false when the matrix is singular. */
function factor(a: Float64Array, pivot: Int32Array, n: number): boolean {
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]!) > Math.abs(a[p * n + k]!)) p = i;
    pivot[k] = p;
    if (a[p * n + k] === 0 || !Number.isFinite(a[p * n + k]!)) return false;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const x = a[k * n + j]!;
        a[k * n + j] = a[p * n + j]!;
        a[p * n + j] = x;
      }
    }
    for (let i = k + 1; i < n; i++) {
      const m = a[i * n + k]! / a[k * n + k]!;
      a[i * n + k] = m;
      for (let j = k + 1; j < n; j++) a[i * n + j] = a[i * n + j]! - m * a[k * n + j]!;
    }
  }
  return true;
}

/** Solves (LU) x = b in place, with the pivots of `factor`. */
function solve(lu: Float64Array, pivot: Int32Array, n: number, b: Float64Array): void {
  // Rows were swapped whole, multipliers included: apply every swap first, then L, then U.
  for (let k = 0; k < n; k++) {
    const p = pivot[k]!;
    if (p !== k) {
      const x = b[k]!;
      b[k] = b[p]!;
      b[p] = x;
    }
  }
  for (let i = 1; i < n; i++) {
    let x = b[i]!;
    for (let j = 0; j < i; j++) x -= lu[i * n + j]! * b[j]!;
    b[i] = x;
  }
  for (let i = n - 1; i >= 0; i--) {
    let x = b[i]!;
    for (let j = i + 1; j < n; j++) x -= lu[i * n + j]! * b[j]!;
    b[i] = x / lu[i * n + i]!;
  }
}
