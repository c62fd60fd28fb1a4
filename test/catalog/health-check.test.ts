import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import {
  CATALOG_SEEDS,
  gaugeMean,
  lateGoodputRatio,
  runCatalog,
  runCatalogWithoutTriggers,
} from "./catalog-harness.js";

// Measured from 20 s after the spike ends to the end of the load period.
const SETTLE = 20;
const FILE = "health-check-death-spiral.yaml";

describe("health-check death spiral (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let stuck: RunOutput;
    let from: number;
    let end: number;
    beforeAll(() => {
      stuck = runCatalog(FILE, seed);
      from = lastTriggerEnd(stuck) + SETTLE;
      end = stuck.result.drain!.start;
    });

    it("is healthy before the spike, and stays healthy for the whole run without it", () => {
      expect(goodputWindow(stuck, 2, stuck.result.triggers[0]!.start).ratio).toBeGreaterThan(0.95);
      const calm = runCatalogWithoutTriggers(FILE, seed);
      expect(goodputWindow(calm, 2, end).ratio).toBeGreaterThan(0.98);
      expect(calm.result.componentStats.lb!.ejections).toBeLessThanOrEqual(1);
    });

    it("stays down after the spike, with most backends out of rotation", () => {
      expect(lateGoodputRatio(stuck, from)).toBeLessThan(0.45);
      expect(gaugeMean(stuck, "lb.healthyBackends", from, end)).toBeLessThan(4);
      // Backends keep being ejected and readmitted: the loop is still turning at the end.
      const lb = stuck.result.componentStats.lb!;
      expect(lb.ejections).toBeGreaterThan(40);
      expect(lb.unavailable).toBeGreaterThan(0);
    });

    it("capping ejection at one backend recovers under the same spike and load", () => {
      const fixed = runCatalog("health-check-death-spiral-fixed.yaml", seed);
      expect(fixed.result.triggers).toEqual(stuck.result.triggers);
      expect(goodputWindow(fixed, from, end).offered).toBe(goodputWindow(stuck, from, end).offered);
      expect(lateGoodputRatio(fixed, from)).toBeGreaterThan(0.95);
      expect(gaugeMean(fixed, "lb.healthyBackends", from, end)).toBeGreaterThan(7);
    });
  });
});
