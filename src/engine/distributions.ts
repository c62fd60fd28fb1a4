import type { Distribution } from "./distribution.js";
import { checkNumber, OptionError, within } from "./option-error.js";
import type { RandomStream } from "./random.js";
import { type KindShapes, kindsOfShapes, type SpecOf } from "./spec-shape.js";

/**
 * Every kind of distribution spec and its fields, declared once: the kinds list, the spec type and
 * the scenario loader's schema come from it. Parameters are the ones people quote (for lognormal
 * the mean and stddev of the values themselves, not of their log) so a spec reads like a
 * measurement.
 */
export const DISTRIBUTION_SHAPES = {
  constant: { value: "number" },
  uniform: { min: "number", max: "number" },
  exponential: { mean: "number" },
  normal: { mean: "number", stddev: "number", min: "number?", max: "number?" },
  lognormal: { mean: "number", stddev: "number" },
  pareto: { scale: "number", shape: "number" },
  weibull: { scale: "number", shape: "number" },
  zipf: { n: "number", exponent: "number" },
  /** `percentiles[i].value` is the `p`-th percentile (p in percent). */
  empirical: { percentiles: { list: { p: "number", value: "number" } } },
} as const satisfies KindShapes;

/** Every `kind` a distribution spec may have; the scenario loader lists them in its errors. */
export const DISTRIBUTION_KINDS = kindsOfShapes(DISTRIBUTION_SHAPES);

/** A distribution as written in a scenario (see DISTRIBUTION_SHAPES). */
export type DistributionSpec = SpecOf<typeof DISTRIBUTION_SHAPES>;

/** One point of an empirical distribution: `value` is the `p`-th percentile (p in percent). */
export type Percentile = Extract<DistributionSpec, { kind: "empirical" }>["percentiles"][number];

// Above this a Zipf CDF table would take more than 80 MB.
const MAX_ZIPF_N = 10_000_000;
// Truncated normals resample until a value lands inside; below this acceptance rate that stalls a run.
const MIN_TRUNCATION_MASS = 1e-4;

// Uniform draws are 53-bit doubles, so 1 - u is at least 2^-53: -ln(1 - u) <= 53 ln 2, and the
// Box–Muller radius is at most sqrt(2 x 53 ln 2) ≈ 8.57. These bound what a sampler can return.
const LARGEST_EXPONENTIAL = 53 * Math.LN2;
const LARGEST_NORMAL = Math.sqrt(2 * LARGEST_EXPONENTIAL);
// Samples are durations and counts: far beyond this, sums and products overflow to Infinity.
const MAX_SAMPLE = 1e100;

/** Refuses parameters whose largest possible sample is NaN, infinite or beyond MAX_SAMPLE. */
function checkLargest(field: string, largest: number): void {
  if (!(largest <= MAX_SAMPLE)) {
    throw new OptionError(
      [field],
      `samples could reach ${largest}, beyond ${MAX_SAMPLE}; choose parameters that keep values finite`,
    );
  }
}

function dist(label: string, mean: number, min: number, sample: (rng: RandomStream) => number): Distribution {
  return Object.freeze({ label, mean, min, sample });
}

// Box–Muller without keeping the spare: instances may be shared by several streams, so no state.
function standardNormal(rng: RandomStream): number {
  // 1 - u lies in (0, 1], so the log stays finite.
  const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
  return r * Math.cos(2 * Math.PI * rng.next());
}

// Chebyshev fit from Numerical Recipes (erfcc); relative error below 1.2e-7, ample for a threshold
// and for the mean of a truncated normal.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

export const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);
const normalPdf = (x: number): number =>
  Number.isFinite(x) ? Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) : 0;

// Lanczos approximation, g = 7, n = 9: about 15 significant digits for x > 0.
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

// Smallest index whose entry exceeds u; `table` is non-decreasing and its last entry exceeds u.
function firstAbove(table: Float64Array, u: number): number {
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function normal(spec: Extract<DistributionSpec, { kind: "normal" }>): Distribution {
  const mean = checkNumber("mean", spec.mean);
  const sd = checkNumber("stddev", spec.stddev, { min: 0 });
  const lo = spec.min === undefined ? Number.NEGATIVE_INFINITY : checkNumber("min", spec.min);
  const hi =
    spec.max === undefined
      ? Number.POSITIVE_INFINITY
      : checkNumber("max", spec.max, { min: lo, exclusiveMin: true });
  const bounds = `${spec.min === undefined ? "" : `, min=${lo}`}${spec.max === undefined ? "" : `, max=${hi}`}`;
  const label = `normal(mean=${mean}, stddev=${sd}${bounds})`;
  if (sd === 0) {
    if (mean < lo || mean > hi) {
      throw new OptionError(
        [mean < lo ? "min" : "max"],
        `expected bounds around the mean ${mean} when stddev=0, got [${lo}, ${hi}]`,
      );
    }
    return dist(label, mean, lo, () => mean);
  }
  const a = (lo - mean) / sd;
  const b = (hi - mean) / sd;
  const mass = normalCdf(b) - normalCdf(a);
  if (!(mass >= MIN_TRUNCATION_MASS)) {
    throw new OptionError(
      [lo > mean ? "min" : "max"],
      `expected [min, max] to hold at least ${MIN_TRUNCATION_MASS} of the probability (samples are drawn by ` +
        `resampling), got ${mass.toPrecision(3)} for [${lo}, ${hi}] with mean=${mean}, stddev=${sd}`,
    );
  }
  checkLargest("stddev", Math.min(hi, mean + sd * LARGEST_NORMAL));
  const truncatedMean = mean + (sd * (normalPdf(a) - normalPdf(b))) / mass;
  return dist(label, truncatedMean, lo, (rng) => {
    for (;;) {
      const x = mean + sd * standardNormal(rng);
      if (x >= lo && x <= hi) return x;
    }
  });
}

function zipf(spec: Extract<DistributionSpec, { kind: "zipf" }>): Distribution {
  const n = checkNumber("n", spec.n, { min: 1, max: MAX_ZIPF_N, integer: true });
  const s = checkNumber("exponent", spec.exponent, { min: 0 });
  const cdf = new Float64Array(n);
  let total = 0;
  let moment = 0;
  for (let k = 1; k <= n; k++) {
    const w = k ** -s;
    total += w;
    moment += k * w;
    cdf[k - 1] = total;
  }
  for (let i = 0; i < n; i++) cdf[i]! /= total;
  // Rounding could leave the last entry just below 1, and then u could fall past the table.
  cdf[n - 1] = 1;
  return dist(`zipf(n=${n}, exponent=${s})`, moment / total, 1, (rng) => firstAbove(cdf, rng.next()) + 1);
}

function empirical(spec: Extract<DistributionSpec, { kind: "empirical" }>): Distribution {
  const points: unknown = spec.percentiles;
  if (!Array.isArray(points) || points.length < 2) {
    const got = Array.isArray(points)
      ? `${points.length} point(s)`
      : (JSON.stringify(points) ?? String(points));
    throw new OptionError(["percentiles"], `expected an array of at least 2 { p, value } points, got ${got}`);
  }
  const ps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  points.forEach((point: unknown, i) => {
    if (typeof point !== "object" || point === null) {
      throw new OptionError(
        ["percentiles", i],
        `expected { p, value }, got ${JSON.stringify(point) ?? String(point)}`,
      );
    }
    const { p, value } = point as Partial<Percentile>;
    within(["percentiles", i], () => {
      ps[i] = checkNumber("p", p, { min: i === 0 ? 0 : ps[i - 1]!, max: 100, exclusiveMin: i > 0 });
      values[i] = checkNumber("value", value, { min: i === 0 ? Number.NEGATIVE_INFINITY : values[i - 1]! });
    });
  });
  // Without both ends the quantile function is unbounded and inverse-CDF sampling has nothing to return.
  const last = points.length - 1;
  if (ps[0] !== 0) {
    throw new OptionError(
      ["percentiles", 0, "p"],
      `expected 0 (the first point must be p=0 so samples are bounded below), got ${ps[0]}`,
    );
  }
  if (ps[last] !== 100) {
    throw new OptionError(
      ["percentiles", last, "p"],
      `expected 100 (the last point must be p=100 so samples are bounded above), got ${ps[last]}`,
    );
  }
  for (let i = 0; i <= last; i++) ps[i]! /= 100;
  let mean = 0;
  for (let i = 0; i < last; i++) mean += ((ps[i + 1]! - ps[i]!) * (values[i]! + values[i + 1]!)) / 2;
  const label = `empirical(${points.length} points in [${values[0]}, ${values[last]}])`;
  return dist(label, mean, values[0]!, (rng) => {
    const u = rng.next();
    const i = firstAbove(ps, u);
    const p0 = ps[i - 1]!;
    const v0 = values[i - 1]!;
    return v0 + ((values[i]! - v0) * (u - p0)) / (ps[i]! - p0);
  });
}

/**
 * Validates `spec` and builds the distribution. Throws an OptionError whose path names the
 * offending field, because specs come from hand-written scenario files.
 */
export function createDistribution(spec: DistributionSpec): Distribution {
  if (typeof spec !== "object" || spec === null) {
    throw new OptionError(
      [],
      `expected a distribution object with a kind, got ${JSON.stringify(spec) ?? String(spec)}`,
    );
  }
  switch (spec.kind) {
    case "constant": {
      const value = checkNumber("value", spec.value);
      return dist(`constant(${value})`, value, value, () => value);
    }
    case "uniform": {
      const min = checkNumber("min", spec.min);
      const max = checkNumber("max", spec.max, { min, exclusiveMin: true });
      return dist(
        `uniform(min=${min}, max=${max})`,
        (min + max) / 2,
        min,
        (rng) => min + (max - min) * rng.next(),
      );
    }
    case "exponential": {
      const mean = checkNumber("mean", spec.mean, { min: 0, exclusiveMin: true });
      checkLargest("mean", mean * LARGEST_EXPONENTIAL);
      return dist(`exponential(mean=${mean})`, mean, 0, (rng) => -mean * Math.log(1 - rng.next()));
    }
    case "normal":
      return normal(spec);
    case "lognormal": {
      const mean = checkNumber("mean", spec.mean, { min: 0, exclusiveMin: true });
      const sd = checkNumber("stddev", spec.stddev, { min: 0 });
      const sigma = Math.sqrt(Math.log1p((sd / mean) ** 2));
      const mu = Math.log(mean) - (sigma * sigma) / 2;
      checkLargest("stddev", Math.exp(mu + sigma * LARGEST_NORMAL));
      return dist(`lognormal(mean=${mean}, stddev=${sd})`, mean, 0, (rng) =>
        Math.exp(mu + sigma * standardNormal(rng)),
      );
    }
    case "pareto": {
      const scale = checkNumber("scale", spec.scale, { min: 0, exclusiveMin: true });
      const shape = checkNumber("shape", spec.shape, { min: 0, exclusiveMin: true });
      const mean = shape > 1 ? (shape * scale) / (shape - 1) : Number.POSITIVE_INFINITY;
      checkLargest("shape", scale * Math.exp(LARGEST_EXPONENTIAL / shape));
      return dist(
        `pareto(scale=${scale}, shape=${shape})`,
        mean,
        scale,
        (rng) => scale / (1 - rng.next()) ** (1 / shape),
      );
    }
    case "weibull": {
      const scale = checkNumber("scale", spec.scale, { min: 0, exclusiveMin: true });
      const shape = checkNumber("shape", spec.shape, { min: 0, exclusiveMin: true });
      const mean = scale * Math.exp(logGamma(1 + 1 / shape));
      checkLargest("shape", scale * LARGEST_EXPONENTIAL ** (1 / shape));
      return dist(
        `weibull(scale=${scale}, shape=${shape})`,
        mean,
        0,
        (rng) => scale * (-Math.log(1 - rng.next())) ** (1 / shape),
      );
    }
    case "zipf":
      return zipf(spec);
    case "empirical":
      return empirical(spec);
    default: {
      const kind: unknown = (spec as { kind?: unknown }).kind;
      throw new OptionError(
        ["kind"],
        `expected one of ${DISTRIBUTION_KINDS.join(", ")}, got ${JSON.stringify(kind) ?? String(kind)}`,
      );
    }
  }
}
