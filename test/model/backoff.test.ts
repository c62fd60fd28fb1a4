import { describe, expect, it } from "vitest";
import type { OptionError } from "../../src/engine/option-error.js";
import { createStream } from "../../src/engine/random.js";
import { createBackoff } from "../../src/model/backoff/create-backoff.js";

const rng = () => createStream(9, "backoff");

describe("backoff policies", () => {
  it("none and fixed", () => {
    expect(createBackoff({ kind: "none" }).delay(3, 0, rng())).toBe(0);
    expect(createBackoff({ kind: "fixed", delay: 0.2 }).delay(3, 0, rng())).toBe(0.2);
  });

  it("exponential grows by the multiplier and stops at the cap", () => {
    const b = createBackoff({ kind: "exponential", base: 0.1, cap: 1 });
    const r = rng();
    expect([1, 2, 3, 4, 5, 6].map((n) => b.delay(n, 0, r))).toEqual([0.1, 0.2, 0.4, 0.8, 1, 1]);
  });

  it("full and equal jitter stay in their ranges with the right means", () => {
    const full = createBackoff({ kind: "exponential", base: 1, jitter: "full" });
    const equal = createBackoff({ kind: "exponential", base: 1, jitter: "equal" });
    const r = rng();
    let fs = 0;
    let es = 0;
    for (let i = 0; i < 20_000; i++) {
      const f = full.delay(2, 0, r);
      const e = equal.delay(2, 0, r);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(2);
      expect(e).toBeGreaterThanOrEqual(1);
      expect(e).toBeLessThan(2);
      fs += f;
      es += e;
    }
    expect(fs / 20_000).toBeCloseTo(1, 1);
    expect(es / 20_000).toBeCloseTo(1.5, 1);
  });

  it("decorrelated jitter draws between base and three times the previous delay", () => {
    const b = createBackoff({ kind: "decorrelated", base: 0.1, cap: 5 });
    const r = rng();
    let prev = 0;
    for (let i = 1; i < 50; i++) {
      const d = b.delay(i, prev, r);
      expect(d).toBeGreaterThanOrEqual(0.1);
      expect(d).toBeLessThanOrEqual(Math.min(5, Math.max(0.1, 3 * prev)) + 1e-12);
      prev = d;
    }
  });

  it("refuses bad options by name", () => {
    const path = (spec: unknown) => {
      try {
        createBackoff(spec as never);
        return null;
      } catch (e) {
        return (e as OptionError).path;
      }
    };
    expect(path({ kind: "fixed", delay: -1 })).toEqual(["delay"]);
    expect(path({ kind: "exponential", base: 0 })).toEqual(["base"]);
    expect(path({ kind: "exponential", base: 1, cap: 0.5 })).toEqual(["cap"]);
    expect(path({ kind: "exponential", base: 1, jitter: "some" })).toEqual(["jitter"]);
    expect(path({ kind: "exponential", base: 1, multiplier: 0.5 })).toEqual(["multiplier"]);
    expect(path({ kind: "linear" })).toEqual(["kind"]);
  });
});
