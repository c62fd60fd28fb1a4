import { describe, expect, it } from "vitest";
import { ErlangMixture, erlangC, poissonTerms, twoExponentialTail } from "../../src/fluid/waiting-time.js";

/** P(X > t) for X with density f on [0, ∞), by the trapezoid rule (a reference, not the code under test). */
function numericTail(f: (s: number) => number, t: number, end: number): number {
  const n = 200_000;
  const h = (end - t) / n;
  let sum = (f(t) + f(end)) / 2;
  for (let i = 1; i < n; i++) sum += f(t + i * h);
  return sum * h;
}

describe("erlangC", () => {
  it("matches the textbook values the validation suite also uses", () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(4, 2.8)).toBeCloseTo(0.4287, 4);
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
  });

  it("is 0 with no load and 1 at or past capacity", () => {
    expect(erlangC(3, 0)).toBe(0);
    expect(erlangC(3, 3)).toBe(1);
  });
});

describe("twoExponentialTail", () => {
  it("is the tail of the sum of two exponentials, equal rates included", () => {
    for (const [a, b] of [
      [2, 5],
      [5, 2],
      [3, 3],
    ] as const) {
      const density = (s: number) =>
        a === b ? a * a * s * Math.exp(-a * s) : ((a * b) / (b - a)) * (Math.exp(-a * s) - Math.exp(-b * s));
      expect(twoExponentialTail(a, b, 0.7)).toBeCloseTo(numericTail(density, 0.7, 30), 6);
    }
  });
});

describe("poissonTerms", () => {
  it("does not underflow for a large mean", () => {
    const p = poissonTerms(900, 1000);
    expect(p[900]).toBeCloseTo(1 / Math.sqrt(2 * Math.PI * 900), 4);
  });
});

describe("ErlangMixture.responseTail", () => {
  it("with one worker is the tail of Erlang(k + 1, μ): the wait and one more service", () => {
    const mu = 10;
    const w = new Float64Array([0, 0, 0, 1]); // always three calls ahead
    const t = 0.5;
    const erlang4Tail = [0, 1, 2, 3].reduce((s, j) => s + poissonTerms(mu * t, 4)[j]!, 0);
    expect(new ErlangMixture(w, mu).responseTail(t, mu)).toBeCloseTo(erlang4Tail, 12);
  });

  it("with c workers matches a numeric convolution of Erlang(k, cμ) and Exp(μ)", () => {
    const mu = 2;
    const rate = 3 * mu;
    const k = 4;
    const w = new Float64Array(k + 1);
    w[k] = 1;
    // Density of Erlang(k, rate) + Exp(mu) by numeric convolution.
    const erlang = (s: number) => (rate ** k * s ** (k - 1) * Math.exp(-rate * s)) / 6;
    const density = (t: number) => {
      const n = 600;
      const h = t / n;
      let sum = 0;
      for (let i = 0; i <= n; i++) {
        const s = i * h;
        sum += (i === 0 || i === n ? 0.5 : 1) * erlang(s) * mu * Math.exp(-mu * (t - s));
      }
      return sum * h;
    };
    const t = 1.1;
    let reference = 0;
    const n = 1500;
    const end = 12;
    const h = (end - t) / n;
    for (let i = 0; i <= n; i++) reference += (i === 0 || i === n ? 0.5 : 1) * density(t + i * h) * h;
    expect(new ErlangMixture(w, rate).responseTail(t, mu)).toBeCloseTo(reference, 5);
  });
});
