// Waiting-time formulas of Markovian queues (exponential service, Poisson arrivals), in closed form
// where one exists. Rates in 1/s, times in seconds.

/** Erlang's C formula: probability that an arrival waits at an M/M/c queue with offered load a = λ/μ < c. */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // Erlang B by its stable recursion, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** P(X + Y > t) for independent X ~ Exp(a) and Y ~ Exp(b). */
export function twoExponentialTail(a: number, b: number, t: number): number {
  if (t <= 0) return 1;
  if (Math.abs(a - b) < 1e-9 * Math.max(a, b)) return (1 + b * t) * Math.exp(-b * t);
  return (a * Math.exp(-b * t) - b * Math.exp(-a * t)) / (a - b);
}

/**
 * Poisson probabilities e^(-m) m^j / j! for j = 0..n-1, computed in log space so a large mean
 * does not underflow the first terms to zero.
 */
export function poissonTerms(m: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 0) return out;
  if (m <= 0) {
    out[0] = 1;
    return out;
  }
  const logM = Math.log(m);
  let log = -m;
  for (let j = 0; j < n; j++) {
    if (j > 0) log += logM - Math.log(j);
    out[j] = Math.exp(log);
  }
  return out;
}

/**
 * A waiting time that is a mixture of Erlang(k, rate) laws with weights w[k] (k >= 1; w[0] is the
 * probability of not waiting), followed by an Exp(mu) service.
 */
export class ErlangMixture {
  constructor(
    private readonly w: Float64Array,
    private readonly rate: number,
  ) {}

  /**
   * Closed form: P(Erlang(k, r) + Exp(μ) > t) = P(Erlang(k, r) > t) + Pois(rt; k) V_k, where
   * V_k = Σ_{j>=k} (m' t)^{j-k} k!/j! with m' = r - μ (for r = μ it is Erlang(k + 1, μ)'s tail).
   */
  responseTail(t: number, mu: number): number {
    if (t <= 0) return 1;
    const w = this.w;
    const n = w.length;
    const r = this.rate;
    const m = Math.max(0, (r - mu) * t);
    const top = Math.max(n, Math.ceil(2 * m) + 50);
    const p = poissonTerms(r * t, n);
    // V_k by its backward recursion V_k = 1 + m / (k + 1) V_{k+1}, from a far index where V = 1.
    const v = new Float64Array(n);
    let next = 1;
    for (let k = top - 1; k >= 1; k--) {
      next = 1 + (m / (k + 1)) * next;
      if (k < n) v[k] = next;
    }
    let sum = w[0]! * Math.exp(-mu * t);
    let erlangTail = 0;
    for (let k = 1; k < n; k++) {
      erlangTail += p[k - 1]!;
      sum += w[k]! * (erlangTail + p[k]! * v[k]!);
    }
    return Math.min(1, Math.max(0, sum));
  }
}
