import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow } from "../../src/analysis/goodput.js";
import type { Verdict } from "../../src/analysis/verdict.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, judgeCatalog, lateGoodputRatio } from "./catalog-harness.js";

// retry-storm and its mitigations: 3 req/s, a 20 req/s spike at 20-30 s, 3 req/s until 100 s.
const BEFORE = [5, 20] as const;
const SPIKE_END = 30;
const AFTER = [SPIKE_END, 100] as const;

/** Goodput / offered over [from, to). */
const ratio = (output: RunOutput, [from, to]: readonly [number, number]) =>
  goodputWindow(output, from, to).ratio;
/** Attempts per external request over the whole run. */
const amplification = (output: RunOutput) => output.result.totals.attempts / output.result.totals.requests;

describe("retry storm (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let base: { output: RunOutput; verdict: Verdict; control: () => RunOutput };
    beforeAll(() => {
      base = judgeCatalog("retry-storm.yaml", seed);
    });

    it("healthy at 3 req/s, tipped by the spike, stuck at 3 req/s after it: metastable", () => {
      expect(ratio(base.output, BEFORE)).toBeGreaterThan(0.95);
      expect(ratio(base.output, AFTER)).toBeLessThan(0.05);
      // Every request makes about 5 attempts: 15 a second against a server that does 10.
      expect(amplification(base.output)).toBeGreaterThan(4);
      expect(base.verdict.kind).toBe("metastable");
      // The same load without the spike is sustained to the end.
      expect(ratio(base.control(), AFTER)).toBeGreaterThan(0.95);
    });

    it("the seed study's exact model at 90% is unstable: the storm starts before the spike", () => {
      const seedModel = judgeCatalog("retry-storm-seed.yaml", seed);
      expect(ratio(seedModel.output, [5, 20])).toBeLessThan(0.85);
      expect(seedModel.verdict.kind).toBe("unstable");
      // Held at 9 req/s with no spike, it collapses too.
      expect(ratio(seedModel.control(), [60, 100])).toBeLessThan(0.1);
    });

    it("backoff with full jitter and a cap alone does not recover: it delays retries, it does not remove them", () => {
      const variant = judgeCatalog("retry-storm-backoff-jitter.yaml", seed);
      expect(goodputWindow(variant.output, SPIKE_END, 100).offered).toBe(
        goodputWindow(base.output, SPIKE_END, 100).offered,
      );
      expect(ratio(variant.output, BEFORE)).toBeGreaterThan(0.95);
      expect(ratio(variant.output, AFTER)).toBeLessThan(0.05);
      expect(amplification(variant.output)).toBeGreaterThan(4);
      expect(variant.verdict.kind).toBe("metastable");
    });

    it("a retry budget removes the amplification, and the backlog drains: recovered", () => {
      const variant = judgeCatalog("retry-storm-retry-budget.yaml", seed);
      expect(amplification(variant.output)).toBeLessThan(1.1);
      expect(variant.verdict.kind).toBe("recovered");
      // Where the base scenario stays at zero, goodput is back at the offered load.
      expect(lateGoodputRatio(variant.output, 60)).toBeGreaterThan(0.95);
      expect(lateGoodputRatio(base.output, 60)).toBeLessThan(0.05);
    });

    it("backoff plus deadline shedding on the server recovers within seconds of the spike", () => {
      const variant = judgeCatalog("retry-storm-backoff-drop-expired.yaml", seed);
      expect(goodputWindow(variant.output, SPIKE_END, 100).offered).toBe(
        goodputWindow(base.output, SPIKE_END, 100).offered,
      );
      expect(variant.verdict.kind).toBe("recovered");
      expect(variant.verdict.timeToRecover).toBeLessThan(10);
      expect(lateGoodputRatio(variant.output, 40)).toBeGreaterThan(0.95);
    });
  });
});
