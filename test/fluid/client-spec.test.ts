import { describe, expect, it } from "vitest";
import { meanBackoff, retryBudgetOf } from "../../src/fluid/client-spec.js";

describe("meanBackoff", () => {
  it("is 0 without a backoff or without retries, and the delay of a fixed one", () => {
    expect(meanBackoff(undefined, 3)).toBe(0);
    expect(meanBackoff({ kind: "none" }, 3)).toBe(0);
    expect(meanBackoff({ kind: "fixed", delay: 0.5 }, 1)).toBe(0);
    expect(meanBackoff({ kind: "fixed", delay: 0.5 }, 3)).toBe(0.5);
  });

  it("averages an exponential backoff over the retries, capped, halved by full jitter", () => {
    // Retries 1..3 wait 0.1, 0.2, 0.4: mean 0.7 / 3.
    expect(meanBackoff({ kind: "exponential", base: 0.1 }, 4)).toBeCloseTo(0.7 / 3, 12);
    // Capped at 0.15: 0.1, 0.15, 0.15.
    expect(meanBackoff({ kind: "exponential", base: 0.1, cap: 0.15 }, 4)).toBeCloseTo(0.4 / 3, 12);
    // Multiplier 3: 0.1, 0.3; full jitter waits uniform(0, d): half of each; equal jitter 3/4.
    expect(meanBackoff({ kind: "exponential", base: 0.1, multiplier: 3, jitter: "full" }, 3)).toBeCloseTo(
      0.1,
      12,
    );
    expect(meanBackoff({ kind: "exponential", base: 0.1, multiplier: 3, jitter: "equal" }, 3)).toBeCloseTo(
      0.15,
      12,
    );
  });

  it("follows a decorrelated jitter's mean, uniform(base, 3 x previous)", () => {
    // Retry 1: uniform(1, 1) = 1; retry 2: uniform(1, 3) = 2 in the mean; retry 3: uniform(1, 6) = 3.5.
    expect(meanBackoff({ kind: "decorrelated", base: 1 }, 4)).toBeCloseTo((1 + 2 + 3.5) / 3, 12);
    expect(meanBackoff({ kind: "decorrelated", base: 1, cap: 2 }, 4)).toBeCloseTo((1 + 2 + 2) / 3, 12);
  });
});

describe("retryBudgetOf", () => {
  it("is null without a budget and fills the simulator's defaults (ratio 0.1, 1 per second)", () => {
    expect(retryBudgetOf(undefined)).toBeNull();
    expect(retryBudgetOf({})).toEqual({ ratio: 0.1, minPerSecond: 1 });
    expect(retryBudgetOf({ ratio: 0.2 })).toEqual({ ratio: 0.2, minPerSecond: 1 });
    expect(retryBudgetOf({ minPerSecond: 0 })).toEqual({ ratio: 0.1, minPerSecond: 0 });
  });
});
