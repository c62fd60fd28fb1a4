/**
 * The root of f in [a, b], where f(a) and f(b) differ in sign (given as fa, fb), by the Illinois
 * variant of regula falsi: it keeps the bracket like bisection, and converges superlinearly on the
 * smooth curves of the fluid model, so a root takes about ten evaluations instead of sixty (each
 * evaluation is a queue's steady state, O(queue capacity) for a contended database).
 */
export function rootIn(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fb: number,
  relTol = 1e-13,
): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  let lo = a;
  let hi = b;
  let flo = fa;
  let fhi = fb;
  let side = 0;
  for (let i = 0; i < 100 && hi - lo > relTol * Math.max(Math.abs(lo), Math.abs(hi), 1e-300); i++) {
    let x = hi - (fhi * (hi - lo)) / (fhi - flo);
    // Keep strictly inside the bracket; fall back to the midpoint where the secant says nothing.
    if (!(x > lo && x < hi)) x = (lo + hi) / 2;
    const fx = f(x);
    if (fx === 0) return x;
    if (Math.sign(fx) === Math.sign(flo)) {
      lo = x;
      flo = fx;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = x;
      fhi = fx;
      if (side === 1) flo /= 2;
      side = 1;
    }
  }
  return Math.abs(flo) < Math.abs(fhi) ? lo : hi;
}

/** The x in [a, b] where f is largest, by golden-section search to a relative `relTol` of x. */
export function argmax(f: (x: number) => number, a: number, b: number, relTol = 1e-9): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = a;
  let hi = b;
  let m1 = hi - g * (hi - lo);
  let m2 = lo + g * (hi - lo);
  let f1 = f(m1);
  let f2 = f(m2);
  for (let i = 0; i < 80 && hi - lo > relTol * Math.max(1, Math.abs(hi)); i++) {
    if (f1 >= f2) {
      hi = m2;
      m2 = m1;
      f2 = f1;
      m1 = hi - g * (hi - lo);
      f1 = f(m1);
    } else {
      lo = m1;
      m1 = m2;
      f1 = f2;
      m2 = lo + g * (hi - lo);
      f2 = f(m2);
    }
  }
  return (lo + hi) / 2;
}
