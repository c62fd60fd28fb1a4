import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, gaugeMean, lateGoodputRatio, runCatalog } from "./catalog-harness.js";

// Measured from 15 s after the last trigger ends to the end of the load period.
const SETTLE = 15;
const VARIANTS = ["slow-error-path-fast-fail.yaml", "slow-error-path-adaptive-lifo.yaml"];

describe("slow error paths (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let stuck: RunOutput;
    let from: number;
    let end: number;
    beforeAll(() => {
      stuck = runCatalog("slow-error-path.yaml", seed);
      from = lastTriggerEnd(stuck) + SETTLE;
      end = stuck.result.drain!.start;
    });

    it("is healthy before the trigger", () => {
      expect(goodputWindow(stuck, 5, stuck.result.triggers[0]!.start).ratio).toBeGreaterThan(0.95);
    });

    it("stays stuck after the errors stop, with every worker busy on the error path", () => {
      const ratio = lateGoodputRatio(stuck, from);
      expect(ratio).toBeLessThan(0.1);
      // The failures consume the capacity: 10 workers busy, finishing work (throughput is high),
      // nearly all of it error answers: the workers' time goes to the error path or to waste.
      expect(gaugeMean(stuck, "api.inFlight", from, end)).toBeGreaterThan(9.5);
      const late = (xs: number[]) =>
        xs
          .filter((_, i) => stuck.series.windowStarts[i]! >= from && stuck.series.windowStarts[i]! < end)
          .reduce((a, b) => a + b, 0);
      const served = goodputWindow(stuck, from, end);
      expect(late(stuck.series.throughput)).toBeGreaterThan(0.1 * served.offered);
      const useless = late(stuck.series.errorBusy) + late(stuck.series.wastedBusy);
      expect(useless).toBeGreaterThan(0.9 * late(stuck.series.busy));
      expect(gaugeMean(stuck, "api.queueLength", end - 10, end)).toBeGreaterThan(
        gaugeMean(stuck, "api.queueLength", from, from + 10),
      );
    });

    it.each(VARIANTS)("%s recovers under the same trigger and load", (file) => {
      const variant = runCatalog(file, seed);
      expect(variant.result.triggers).toEqual(stuck.result.triggers);
      expect(goodputWindow(variant, from, end).offered).toBe(goodputWindow(stuck, from, end).offered);
      expect(lateGoodputRatio(variant, from)).toBeGreaterThan(0.95);
    });
  });
});
