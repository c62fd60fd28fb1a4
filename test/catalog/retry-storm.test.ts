import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, lateGoodputRatio, runCatalog } from "./catalog-harness.js";

// Phases of the seed's load profile (s): 9 req/s before the spike, the 20 req/s spike, 9 req/s
// after it, then 7, 5 and 3 req/s until the load stops at 100.
const SPIKE_END = 30;
const NINE_AFTER = [30, 60] as const;
const THREE = [90, 100] as const;

/** Goodput / offered over [from, to). */
const ratio = (output: RunOutput, [from, to]: readonly [number, number]) =>
  goodputWindow(output, from, to).ratio;
/** Attempts per external request over the whole run. */
const amplification = (output: RunOutput) => output.result.totals.attempts / output.result.totals.requests;

describe("retry storm (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let base: RunOutput;
    beforeAll(() => {
      base = runCatalog("retry-storm.yaml", seed);
    });

    it("the seed's system is stuck after the spike, even once the load falls to 3 req/s", () => {
      expect(ratio(base, NINE_AFTER)).toBeLessThan(0.1);
      expect(ratio(base, THREE)).toBeLessThan(0.1);
      expect(amplification(base)).toBeGreaterThan(4);
    });

    it("backoff with full jitter and a cap alone does not recover: it delays retries, it does not remove them", () => {
      const variant = runCatalog("retry-storm-backoff-jitter.yaml", seed);
      expect(goodputWindow(variant, SPIKE_END, 100).offered).toBe(
        goodputWindow(base, SPIKE_END, 100).offered,
      );
      expect(ratio(variant, NINE_AFTER)).toBeLessThan(0.1);
      expect(ratio(variant, THREE)).toBeLessThan(0.1);
      expect(amplification(variant)).toBeGreaterThan(4);
    });

    it("a retry budget removes the amplification; the system recovers by the 3 req/s phase, not at 9 req/s", () => {
      const variant = runCatalog("retry-storm-retry-budget.yaml", seed);
      expect(amplification(variant)).toBeLessThan(1.1);
      // At 90% load the spike's backlog drains at about 1 call a second: still stuck at 9 req/s.
      expect(ratio(variant, NINE_AFTER)).toBeLessThan(0.1);
      // Where the base scenario stays at zero, goodput comes back to the offered load.
      expect(lateGoodputRatio(variant, 95)).toBeGreaterThan(0.9);
      expect(lateGoodputRatio(base, 95)).toBeLessThan(0.1);
    });

    it("backoff plus deadline shedding on the server recovers at 9 req/s right after the spike", () => {
      const variant = runCatalog("retry-storm-backoff-drop-expired.yaml", seed);
      expect(goodputWindow(variant, SPIKE_END, 100).offered).toBe(
        goodputWindow(base, SPIKE_END, 100).offered,
      );
      expect(ratio(variant, NINE_AFTER)).toBeGreaterThan(0.9);
      expect(lateGoodputRatio(variant, SPIKE_END)).toBeGreaterThan(0.9);
    });
  });
});
