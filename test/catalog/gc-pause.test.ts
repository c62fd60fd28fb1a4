import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, lateGoodputRatio, runCatalog } from "./catalog-harness.js";

// Measured from 9 s after the pause ends to the end of the load period.
const SETTLE = 9;

describe("GC pause (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let stuck: RunOutput;
    let from: number;
    beforeAll(() => {
      stuck = runCatalog("gc-pause.yaml", seed);
      from = lastTriggerEnd(stuck) + SETTLE;
    });

    it("is healthy before the pause", () => {
      expect(goodputWindow(stuck, 0, stuck.result.triggers[0]!.start).ratio).toBeGreaterThan(0.95);
    });

    it("stays stuck long after a one-second pause, at unchanged load", () => {
      expect(lateGoodputRatio(stuck, from)).toBeLessThan(0.1);
      // The server is not idle: it works at capacity on attempts whose callers have given up.
      const end = stuck.result.drain!.start;
      const served = stuck.series.throughput
        .filter((_, i) => stuck.series.windowStarts[i]! >= from && stuck.series.windowStarts[i]! < end)
        .reduce((a, b) => a + b, 0);
      expect(served / (end - from)).toBeGreaterThan(90);
    });

    it("with a retry budget recovers under the same pause and load", () => {
      const variant = runCatalog("gc-pause-retry-budget.yaml", seed);
      expect(variant.result.triggers).toEqual(stuck.result.triggers);
      const end = stuck.result.drain!.start;
      expect(goodputWindow(variant, from, end).offered).toBe(goodputWindow(stuck, from, end).offered);
      expect(lateGoodputRatio(variant, from)).toBeGreaterThan(0.95);
    });
  });
});
