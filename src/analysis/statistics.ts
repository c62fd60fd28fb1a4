// Small, exact statistics for replications: Student-t and Wilson intervals.

// Exact two-sided 95% quantiles for small samples, where the series expansion below is poor.
const T95_TABLE = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Two-sided 95% Student-t quantile for `df` degrees of freedom (table to 30, then a series good to 1e-4). */
export function t95(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= T95_TABLE.length && Number.isInteger(df)) return T95_TABLE[df - 1]!;
  const z = 1.959964;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** A mean with its 95% confidence interval. */
export interface Estimate {
  mean: number;
  low: number;
  high: number;
  n: number;
}

/** The range a quantity can take: an interval never reaches outside it. */
export interface Bounds {
  min?: number;
  max?: number;
}

/**
 * Mean and 95% t-interval of a sample (the interval is the mean itself when n < 2), kept inside
 * `bounds`: a duration's interval does not reach below 0, a share's not outside [0, 1].
 */
export function meanInterval(xs: readonly number[], bounds: Bounds = {}): Estimate {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, low: mean, high: mean, n };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (t95(n - 1) * sd) / Math.sqrt(n);
  return {
    mean,
    low: Math.max(bounds.min ?? Number.NEGATIVE_INFINITY, mean - half),
    high: Math.min(bounds.max ?? Number.POSITIVE_INFINITY, mean + half),
    n,
  };
}

/**
 * Mean of a share in [0, 1] (per-run goodput/offered, say) with a 95% interval that stays in
 * [0, 1] (above 1 only when a value is): a Wilson interval on the mean share with the sample as its size, which is exact for 0/1
 * outcomes and never spills past the bounds; widened to the t-interval when that is wider inside them.
 */
export function shareInterval(xs: readonly number[]): Estimate {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, low: 0, high: 1, n };
  // Goodput after a trigger can exceed the load offered then (the backlog is served too): such a
  // sample is not a share, and clipping its interval at 1 would leave the mean outside it.
  if (xs.some((x) => x > 1)) return meanInterval(xs, { min: 0 });
  const t = meanInterval(xs, { min: 0, max: 1 });
  const w = proportionInterval(t.mean * n, n);
  return { mean: t.mean, low: Math.min(t.low, w.low), high: Math.max(t.high, w.high), n };
}

/** A proportion with its 95% Wilson score interval (sensible at 0 and 1, unlike the normal one). */
export function proportionInterval(successes: number, n: number): Estimate {
  if (n === 0) return { mean: Number.NaN, low: 0, high: 1, n };
  const z = 1.959964;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { mean: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}
