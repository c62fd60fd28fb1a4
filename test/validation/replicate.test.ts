import { describe, expect, it } from "vitest";
import {
  checkExact,
  checkTheory,
  confidenceInterval,
  documentRows,
  seedLabel,
  tQuantile,
} from "./replicate.js";
import { erlangC, md1Wait, mm1kBlocking, mm1NumberInSystem, mmcWait, retryAmplification } from "./theory.js";

// This file does not call reportRows: the rows its deliberate failures record are never written.

describe("Student-t quantiles", () => {
  // Two-sided critical values from a printed table (3 decimals).
  const table: [level: number, df: number, t: number][] = [
    [0.95, 1, 12.706],
    [0.95, 2, 4.303],
    [0.95, 3, 3.182],
    [0.95, 4, 2.776],
    [0.95, 5, 2.571],
    [0.95, 9, 2.262],
    [0.95, 10, 2.228],
    [0.95, 19, 2.093],
    [0.95, 29, 2.045],
    [0.95, 60, 2.0],
    [0.95, 120, 1.98],
    [0.9, 9, 1.833],
    [0.99, 9, 3.25],
    [0.99, 29, 2.756],
  ];
  for (const [level, df, t] of table) {
    it(`level ${level}, df ${df}: ${t}`, () => {
      expect(Math.abs(tQuantile(level, df) - t)).toBeLessThan(5e-4);
    });
  }

  it("tends to the normal quantile for large df", () => {
    expect(tQuantile(0.95, 1e6)).toBeCloseTo(1.959964, 4);
  });
});

describe("confidence intervals and checks", () => {
  it("mean and half-width of a small sample", () => {
    const ci = confidenceInterval([1, 2, 3, 4, 5]);
    expect(ci.mean).toBe(3);
    expect(ci.half).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
    expect(() => confidenceInterval([1])).toThrow(/at least 2/);
  });

  it("seed ranges read as ranges", () => {
    expect(seedLabel([1000, 1001, 1002])).toBe("1000–1002");
    expect(seedLabel([1, 5])).toBe("1, 5");
  });

  const samples = [0.99, 1.01, 1.0, 0.995, 1.005];
  const base = { group: "test", check: "c", quantity: "q", samples, seeds: [7, 8, 9, 10, 11] };

  it("a theory value inside a tight interval passes", () => {
    expect(() => checkTheory({ ...base, theory: 1, maxRelHalf: 0.05 })).not.toThrow();
  });

  it("a theory value outside the interval fails, naming the seeds", () => {
    expect(() => checkTheory({ ...base, theory: 1.05, maxRelHalf: 0.05 })).toThrow(/seeds 7–11.*outside/);
  });

  it("a known bias widens the interval by its size, and no further", () => {
    // Mean 1, half-width 2.776 x 0.00791 / sqrt(5) = 0.0098: 1.015 is outside it, inside it
    // widened by 1% of theory (0.0199), and 1.025 is outside even then.
    expect(() => checkTheory({ ...base, theory: 1.015, maxRelHalf: 0.05 })).toThrow(/outside/);
    expect(() => checkTheory({ ...base, theory: 1.015, maxRelHalf: 0.05, tolerance: 0.01 })).not.toThrow();
    expect(() => checkTheory({ ...base, theory: 1.025, maxRelHalf: 0.05, tolerance: 0.01 })).toThrow(
      /outside the interval widened by 1.0% of known bias/,
    );
  });

  it("an interval too wide to be informative fails even when it contains theory", () => {
    const wide = { ...base, samples: [0.5, 1.5, 1, 0.7, 1.3] };
    expect(() => checkTheory({ ...wide, theory: 1, maxRelHalf: 0.05 })).toThrow(/half-width/);
  });

  it("an exact identity fails on the first differing seed", () => {
    const exact = { group: "test", check: "c", quantity: "q", seeds: [1, 2] };
    expect(() => checkExact({ ...exact, expected: [3, 6], measured: [3, 6] })).not.toThrow();
    expect(() => checkExact({ ...exact, expected: [3, 6], measured: [3, 5] })).toThrow(/seeds 2/);
  });
});

describe("reading docs/validation.md back", () => {
  it("keys rows by section, check and quantity, with escaped pipes restored", () => {
    const md = [
      "## M/M/1",
      "",
      "| Check   | Quantity | Theory | Measured | ±95%          | max ± | n   | Seeds | Result |",
      "| ------- | -------- | -----: | -------: | ------------: | ----: | --: | ----- | ------ |",
      "| ρ = 0.5 | a \\| b  |      2 |    1.996 | 0.0236 (1.2%) |    5% |  30 | 1–30  | pass   |",
    ].join("\n");
    expect([...documentRows(md).entries()]).toEqual([
      ["M/M/1 / ρ = 0.5 / a | b", ["2", "1.996", "0.0236 (1.2%)", "5%", "30", "1–30", "pass"]],
    ]);
  });
});

describe("theory formulas", () => {
  it("agree with known values and limits", () => {
    // One worker: Erlang C is the utilisation, and M/M/c is M/M/1.
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(mmcWait(1, 0.7, 1)).toBeCloseTo((mm1NumberInSystem(0.7, 1) - 0.7) / 0.7, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // M/D/1 waits half as long as M/M/1 (Pollaczek–Khinchine).
    expect(md1Wait(0.7, 1)).toBeCloseTo(mmcWait(1, 0.7, 1) / 2, 12);
    expect(mm1kBlocking(1, 1, 4)).toBeCloseTo(0.2, 12);
    expect(mm1kBlocking(0.999999, 1, 4)).toBeCloseTo(0.2, 5);
    expect(retryAmplification(1, 4)).toBe(5);
    expect(retryAmplification(0.5, 2)).toBe(1.75);
  });
});
