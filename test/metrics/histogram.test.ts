import { describe, expect, it } from "vitest";
import { createStream } from "../../src/engine/random.js";
import { Histogram, type HistogramOptions } from "../../src/metrics/histogram.js";

const N = 100_000;
const QS = [0.0001, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999];
// Rounding in log() can put a value on a bucket edge one bucket over; that costs at most a few ulps.
const SLACK = 1e-12;

function linear(): Float64Array {
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) xs[i] = (i + 1) * 1e-5;
  return xs;
}

// Lognormal latencies (median 50 ms, wide tail) via Box–Muller on a seeded stream.
function lognormal(seed = 1): Float64Array {
  const rng = createStream(seed, "histogram");
  const xs = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    xs[i] = Math.exp(Math.log(0.05) + 1.2 * z);
  }
  return xs;
}

function fill(xs: ArrayLike<number>, options?: HistogramOptions, from = 0, to = xs.length): Histogram {
  const h = new Histogram(options);
  for (let i = from; i < to; i++) h.record(xs[i]!);
  return h;
}

function expectAccurate(xs: Float64Array, options?: HistogramOptions): void {
  const h = fill(xs, options);
  const sorted = Float64Array.from(xs).sort();
  const a = options?.relativeAccuracy ?? 0.005;
  for (const q of QS) {
    const exact = sorted[Math.floor(q * (N - 1))]!;
    const got = h.quantile(q)!;
    expect(Math.abs(got - exact) / exact, `q=${q}`).toBeLessThanOrEqual(a + SLACK);
  }
  expect(h.quantile(0)).toBe(sorted[0]);
  expect(h.quantile(1)).toBe(sorted[N - 1]);
  expect(h.min).toBe(sorted[0]);
  expect(h.max).toBe(sorted[N - 1]);
  expect(h.count).toBe(N);
  expect(h.mean).toBeCloseTo(h.sum / N, 12);
}

describe("Histogram", () => {
  it("gives quantiles within relative accuracy of exact ones on a linear ramp", () => {
    expectAccurate(linear());
  });

  it("gives quantiles within relative accuracy on lognormal latencies", () => {
    expectAccurate(lognormal());
    expectAccurate(lognormal(2), { relativeAccuracy: 0.02 });
    expectAccurate(lognormal(3), { relativeAccuracy: 0.001, minValue: 1e-9, maxValue: 1e3 });
  });

  it("merges halves into exactly the histogram of the whole, in either order", () => {
    const xs = lognormal(4);
    const whole = fill(xs);
    const a = fill(xs, {}, 0, N / 2);
    const b = fill(xs, {}, N / 2, N);
    const ab = fill([], {});
    ab.merge(a);
    ab.merge(b);
    const ba = fill([], {});
    ba.merge(b);
    ba.merge(a);
    for (const m of [ab, ba]) {
      expect(m.buckets()).toEqual(whole.buckets());
      expect(m.toJSON().counts).toEqual(whole.toJSON().counts);
      expect(m.count).toBe(whole.count);
      expect(m.min).toBe(whole.min);
      expect(m.max).toBe(whole.max);
      expect(m.sum).toBeCloseTo(whole.sum, 6);
      for (const q of QS) expect(m.quantile(q)).toBe(whole.quantile(q));
    }
    expect(ab.sum).toBe(ba.sum);
  });

  it("refuses to merge histograms with different options", () => {
    expect(() => new Histogram().merge(new Histogram({ relativeAccuracy: 0.01 }))).toThrow(RangeError);
    expect(() => new Histogram().merge(new Histogram({ maxValue: 10 }))).toThrow(RangeError);
  });

  it("puts zero and values below minValue in a zero bucket, keeping min exact", () => {
    const h = fill([0, 1e-9, 5e-7, 1]);
    expect(h.buckets()[0]).toEqual({ lower: 0, upper: 1e-6, count: 3 });
    expect(h.min).toBe(0);
    expect(h.quantile(0.5)).toBe(0);
    const tiny = fill([2e-9, 3e-9, 4e-9]);
    // The zero bucket's value clamps to the exact min rather than reporting 0.
    expect(tiny.quantile(0.5)).toBe(2e-9);
    expect(tiny.max).toBe(4e-9);
  });

  it("clamps values above maxValue into the top bucket but keeps max exact", () => {
    const h = fill([1, 5e6, 7e6], { maxValue: 1e6 });
    expect(h.max).toBe(7e6);
    expect(h.quantile(1)).toBe(7e6);
    const top = h.buckets().at(-1)!;
    expect(top.count).toBe(2);
    expect(top.upper).toBe(7e6);
  });

  it("returns null statistics when empty", () => {
    const h = new Histogram();
    expect([h.count, h.sum, h.mean, h.min, h.max, h.quantile(0.5), h.quantile(0)]).toEqual([
      0,
      0,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(h.buckets()).toEqual([]);
    expect(h.rebin(0, 1, 4).map((b) => b.count)).toEqual([0, 0, 0, 0]);
  });

  it("rejects NaN, negative and infinite values and bad arguments", () => {
    const h = new Histogram();
    for (const v of [Number.NaN, -1, -1e-300, Number.POSITIVE_INFINITY])
      expect(() => h.record(v)).toThrow(RangeError);
    expect(h.count).toBe(0);
    for (const q of [-0.1, 1.1, Number.NaN]) expect(() => h.quantile(q)).toThrow(RangeError);
    expect(() => h.rebin(1, 1, 3)).toThrow(RangeError);
    expect(() => h.rebin(0, 1, 0)).toThrow(RangeError);
    expect(() => new Histogram({ relativeAccuracy: 1 })).toThrow(RangeError);
    expect(() => new Histogram({ minValue: 0 })).toThrow(RangeError);
  });

  it("resets to empty", () => {
    const h = fill(lognormal());
    h.reset();
    expect(h.count).toBe(0);
    expect(h.max).toBeNull();
    expect(h.buckets()).toEqual([]);
    h.record(2);
    expect(h.quantile(0.5)).toBe(2);
  });

  it("lists non-empty buckets in ascending, contiguous-edged order that hold their values", () => {
    const xs = lognormal(5);
    const bs = fill(xs).buckets();
    expect(bs.reduce((s, b) => s + b.count, 0)).toBe(N);
    for (let i = 1; i < bs.length; i++) expect(bs[i]!.lower).toBeGreaterThanOrEqual(bs[i - 1]!.upper);
    const one = fill([0.123]).buckets();
    expect(one).toHaveLength(1);
    expect(one[0]!.lower).toBeLessThan(0.123);
    expect(one[0]!.upper).toBeGreaterThanOrEqual(0.123);
  });

  it("rebins into equal-width bins whose counts total the count", () => {
    const h = fill([0.5, 1.5, 2.5, 2.6, 10, 0]);
    const bins = h.rebin(0, 3, 3);
    expect(bins.map((b) => [b.lower, b.upper])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(bins.map((b) => b.count)).toEqual([2, 1, 3]);
    const big = fill(lognormal(6));
    for (const n of [1, 7, 50]) expect(big.rebin(0.01, 0.5, n).reduce((s, b) => s + b.count, 0)).toBe(N);
  });

  it("round-trips through JSON", () => {
    const h = fill(lognormal(7), { relativeAccuracy: 0.01 });
    const back = Histogram.fromJSON(JSON.parse(JSON.stringify(h)));
    expect(back.toJSON()).toEqual(h.toJSON());
    expect(back.buckets()).toEqual(h.buckets());
    for (const q of QS) expect(back.quantile(q)).toBe(h.quantile(q));
    expect([back.count, back.sum, back.min, back.max]).toEqual([h.count, h.sum, h.min, h.max]);
    back.merge(h);
    expect(back.count).toBe(2 * N);
    const empty = Histogram.fromJSON(JSON.parse(JSON.stringify(new Histogram())));
    expect(empty.min).toBeNull();
    expect(() => Histogram.fromJSON({ ...h.toJSON(), count: 1 })).toThrow(RangeError);
    expect(() => Histogram.fromJSON({ ...h.toJSON(), counts: [[1e9, 1]] })).toThrow(RangeError);
  });
});
