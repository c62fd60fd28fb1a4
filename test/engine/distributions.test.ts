import { describe, expect, it } from "vitest";
import type { Distribution } from "../../src/engine/distribution.js";
import {
  createDistribution,
  DISTRIBUTION_KINDS,
  type DistributionSpec,
} from "../../src/engine/distributions.js";
import { OptionError } from "../../src/engine/option-error.js";
import { createStream } from "../../src/engine/random.js";

const N = 200_000;

function draw(d: Distribution, n = N, seed = 42, name = "t"): Float64Array {
  const rng = createStream(seed, name);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
  return xs;
}

function meanOf(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function stddevOf(xs: Float64Array): number {
  const m = meanOf(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

function minOf(xs: Float64Array): number {
  let m = Number.POSITIVE_INFINITY;
  for (const x of xs) m = Math.min(m, x);
  return m;
}

function quantile(xs: Float64Array, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function errorOf(spec: unknown): OptionError {
  try {
    createDistribution(spec as DistributionSpec);
  } catch (e) {
    if (e instanceof OptionError) return e;
    throw e;
  }
  throw new Error(`expected an OptionError for ${JSON.stringify(spec)}`);
}

// [spec, expected mean worked out by hand, expected stddev (sets the tolerance: 6 standard errors)]
const CASES: [DistributionSpec, number, number][] = [
  [{ kind: "uniform", min: 2, max: 5 }, 3.5, 3 / Math.sqrt(12)],
  [{ kind: "exponential", mean: 0.1 }, 0.1, 0.1],
  [{ kind: "normal", mean: 10, stddev: 2 }, 10, 2],
  // 1 + phi(-1) / (1 - Phi(-1)) = 1 + 0.241971 / 0.841345
  [{ kind: "normal", mean: 1, stddev: 1, min: 0 }, 1.2876, 1],
  [{ kind: "lognormal", mean: 2, stddev: 1.5 }, 2, 1.5],
  [{ kind: "pareto", scale: 2, shape: 3 }, 3, Math.sqrt(3)],
  // scale * Gamma(1.5) = sqrt(pi) / 2
  [{ kind: "weibull", scale: 1, shape: 2 }, Math.sqrt(Math.PI) / 2, Math.sqrt(1 - Math.PI / 4)],
  // exponent 0 is uniform on 1..n
  [{ kind: "zipf", n: 10, exponent: 0 }, 5.5, Math.sqrt(99 / 12)],
  // 0.5 * (1+2)/2 + 0.4 * (2+5)/2 + 0.1 * (5+10)/2
  [
    {
      kind: "empirical",
      percentiles: [
        { p: 0, value: 1 },
        { p: 50, value: 2 },
        { p: 90, value: 5 },
        { p: 100, value: 10 },
      ],
    },
    2.9,
    2,
  ],
];

describe("createDistribution", () => {
  it.each(CASES)("%j has the stated mean and the sample mean matches it", (spec, mean, sd) => {
    const d = createDistribution(spec);
    expect(d.mean).toBeCloseTo(mean, 5);
    const xs = draw(d);
    expect(Math.abs(meanOf(xs) - mean)).toBeLessThan((6 * sd) / Math.sqrt(N));
    expect(minOf(xs)).toBeGreaterThanOrEqual(d.min);
  });

  it("reports the lower bound of each support", () => {
    const mins = CASES.map(([spec]) => createDistribution(spec).min);
    expect(mins).toEqual([2, 0, Number.NEGATIVE_INFINITY, 0, 0, 2, 0, 1, 1]);
  });

  it("returns the constant every time", () => {
    const d = createDistribution({ kind: "constant", value: 3 });
    expect([d.mean, d.min, d.label]).toEqual([3, 3, "constant(3)"]);
    expect(draw(d, 100).every((x) => x === 3)).toBe(true);
  });

  it("labels distributions with their parameters", () => {
    expect(createDistribution({ kind: "exponential", mean: 0.1 }).label).toBe("exponential(mean=0.1)");
    expect(createDistribution({ kind: "normal", mean: 1, stddev: 2, max: 4 }).label).toBe(
      "normal(mean=1, stddev=2, max=4)",
    );
  });

  it("converts lognormal mean and stddev to log-space parameters", () => {
    const xs = draw(createDistribution({ kind: "lognormal", mean: 2, stddev: 1.5 }));
    expect(stddevOf(xs)).toBeGreaterThan(1.5 * 0.97);
    expect(stddevOf(xs)).toBeLessThan(1.5 * 1.03);
    // The median of a lognormal is exp(mu) = mean / sqrt(1 + cv^2) = 2 / 1.25.
    expect(Math.abs(quantile(xs, 0.5) - 1.6)).toBeLessThan(0.02);
  });

  it("keeps truncated normals inside both bounds", () => {
    const xs = draw(createDistribution({ kind: "normal", mean: 0, stddev: 1, min: -0.5, max: 0.25 }));
    expect(minOf(xs)).toBeGreaterThanOrEqual(-0.5);
    expect(-minOf(xs.map((x) => -x))).toBeLessThanOrEqual(0.25);
  });

  it("gives Pareto and Weibull the closed-form means", () => {
    expect(createDistribution({ kind: "pareto", scale: 1, shape: 1 }).mean).toBe(Number.POSITIVE_INFINITY);
    expect(createDistribution({ kind: "pareto", scale: 1, shape: 0.5 }).mean).toBe(Number.POSITIVE_INFINITY);
    // Gamma(3) = 2, Gamma(4) = 6, Gamma(2) = 1.
    expect(createDistribution({ kind: "weibull", scale: 3, shape: 0.5 }).mean).toBeCloseTo(6, 10);
    expect(createDistribution({ kind: "weibull", scale: 1, shape: 1 / 3 }).mean).toBeCloseTo(6, 10);
    expect(createDistribution({ kind: "weibull", scale: 4, shape: 1 }).mean).toBeCloseTo(4, 10);
  });

  it("draws Zipf ranks 1..n with P(1) = 1 / H(n, s)", () => {
    const n = 100;
    const s = 1.2;
    let h = 0;
    for (let k = 1; k <= n; k++) h += 1 / k ** s;
    const xs = draw(createDistribution({ kind: "zipf", n, exponent: s }));
    expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= n)).toBe(true);
    const p1 = xs.filter((x) => x === 1).length / N;
    const p2 = xs.filter((x) => x === 2).length / N;
    expect(Math.abs(p1 - 1 / h)).toBeLessThan(0.005);
    expect(Math.abs(p2 - 2 ** -s / h)).toBeLessThan(0.005);
    expect(xs.some((x) => x === n)).toBe(true);
  });

  it("reproduces the percentiles of an empirical distribution", () => {
    const [spec] = CASES[CASES.length - 1]!;
    const xs = draw(createDistribution(spec));
    expect(Math.abs(quantile(xs, 0.5) - 2)).toBeLessThan(0.02);
    expect(Math.abs(quantile(xs, 0.25) - 1.5)).toBeLessThan(0.02);
    // Above p90 the density is low, so check the CDF there rather than the noisy sample quantile.
    const below = (v: number) => xs.filter((x) => x <= v).length / N;
    expect(Math.abs(below(5) - 0.9)).toBeLessThan(0.004);
    expect(Math.abs(below(7.5) - 0.95)).toBeLessThan(0.004);
    expect(minOf(xs)).toBeGreaterThanOrEqual(1);
    expect(-minOf(xs.map((x) => -x))).toBeLessThanOrEqual(10);
  });

  it("gives identical sequences for the same stream and different ones for another stream", () => {
    for (const [spec] of CASES) {
      const d = createDistribution(spec);
      expect(draw(d, 1000)).toEqual(draw(d, 1000));
      expect(draw(d, 1000, 42, "u")).not.toEqual(draw(d, 1000));
    }
  });

  it("lists every kind it accepts", () => {
    expect(new Set(CASES.map(([spec]) => spec.kind))).toEqual(
      new Set(DISTRIBUTION_KINDS.filter((k) => k !== "constant")),
    );
  });
});

describe("createDistribution refuses invalid specs", () => {
  const points = (...ps: [number, number][]) => ps.map(([p, value]) => ({ p, value }));
  const INVALID: [string, unknown, (string | number)[]][] = [
    ["negative mean", { kind: "exponential", mean: -1 }, ["mean"]],
    ["zero mean", { kind: "exponential", mean: 0 }, ["mean"]],
    ["NaN mean", { kind: "exponential", mean: Number.NaN }, ["mean"]],
    ["string mean", { kind: "exponential", mean: "1" }, ["mean"]],
    ["negative stddev", { kind: "normal", mean: 0, stddev: -1 }, ["stddev"]],
    ["lognormal negative stddev", { kind: "lognormal", mean: 1, stddev: -0.1 }, ["stddev"]],
    ["lognormal zero mean", { kind: "lognormal", mean: 0, stddev: 1 }, ["mean"]],
    ["uniform min == max", { kind: "uniform", min: 5, max: 5 }, ["max"]],
    ["uniform min > max", { kind: "uniform", min: 5, max: 3 }, ["max"]],
    ["infinite constant", { kind: "constant", value: Number.POSITIVE_INFINITY }, ["value"]],
    ["normal min >= max", { kind: "normal", mean: 0, stddev: 1, min: 1, max: 1 }, ["max"]],
    ["normal bounds far above", { kind: "normal", mean: 0, stddev: 1, min: 20 }, ["min"]],
    ["normal bounds far below", { kind: "normal", mean: 0, stddev: 1, max: -9 }, ["max"]],
    ["stddev 0 outside bounds", { kind: "normal", mean: 0, stddev: 0, min: 1 }, ["min"]],
    ["pareto zero shape", { kind: "pareto", scale: 1, shape: 0 }, ["shape"]],
    ["weibull negative scale", { kind: "weibull", scale: -1, shape: 1 }, ["scale"]],
    ["zipf n = 0", { kind: "zipf", n: 0, exponent: 1 }, ["n"]],
    ["zipf fractional n", { kind: "zipf", n: 2.5, exponent: 1 }, ["n"]],
    ["zipf huge n", { kind: "zipf", n: 1e8, exponent: 1 }, ["n"]],
    ["zipf negative exponent", { kind: "zipf", n: 10, exponent: -1 }, ["exponent"]],
    [
      "p out of order",
      { kind: "empirical", percentiles: points([0, 1], [50, 2], [40, 3], [100, 4]) },
      ["percentiles", 2, "p"],
    ],
    [
      "repeated p",
      { kind: "empirical", percentiles: points([0, 1], [50, 2], [50, 3], [100, 4]) },
      ["percentiles", 2, "p"],
    ],
    ["p above 100", { kind: "empirical", percentiles: points([0, 1], [150, 2]) }, ["percentiles", 1, "p"]],
    [
      "decreasing value",
      { kind: "empirical", percentiles: points([0, 5], [50, 4], [100, 6]) },
      ["percentiles", 1, "value"],
    ],
    [
      "missing p100",
      { kind: "empirical", percentiles: points([0, 1], [50, 2], [99, 3]) },
      ["percentiles", 2, "p"],
    ],
    ["missing p0", { kind: "empirical", percentiles: points([1, 1], [100, 2]) }, ["percentiles", 0, "p"]],
    ["single point", { kind: "empirical", percentiles: points([0, 1]) }, ["percentiles"]],
    ["point not an object", { kind: "empirical", percentiles: [{ p: 0, value: 1 }, 7] }, ["percentiles", 1]],
    ["unknown kind", { kind: "foo" }, ["kind"]],
    ["not an object", null, []],
  ];

  it.each(INVALID)("%s", (_name, spec, path) => {
    expect(errorOf(spec).path).toEqual(path);
  });

  it("says what was expected and what was got", () => {
    expect(errorOf({ kind: "exponential", mean: -1 }).message).toBe("expected a number > 0, got -1");
    expect(errorOf({ kind: "foo" }).message).toBe(
      `expected one of ${DISTRIBUTION_KINDS.join(", ")}, got "foo"`,
    );
    expect(errorOf({ kind: "foo" }).message).toContain("constant, uniform, exponential");
    expect(errorOf({ kind: "empirical", percentiles: points([0, 1], [99, 3]) }).message).toMatch(
      /expected 100.*bounded.*got 99/,
    );
    expect(errorOf({ kind: "normal", mean: 0, stddev: 1, min: 20 }).message).toMatch(/probability/);
  });
});
