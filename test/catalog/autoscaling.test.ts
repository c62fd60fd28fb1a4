import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, lateGoodputRatio, runCatalog, runCatalogWithoutTriggers } from "./catalog-harness.js";

// Measured from 30 s after the spike ends to the end of the load period.
const SETTLE = 30;
const FILE = "autoscaling-lag.yaml";

/** Last value of a probed gauge before `t`. */
function gaugeAt(output: RunOutput, key: string, t: number): number {
  const { probeTimes, gauges } = output.series;
  let value = Number.NaN;
  probeTimes.forEach((p, i) => {
    if (p < t) value = gauges[key]![i]!;
  });
  return value;
}

describe("autoscaling with lag (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let stuck: RunOutput;
    let from: number;
    let end: number;
    beforeAll(() => {
      stuck = runCatalog(FILE, seed);
      from = lastTriggerEnd(stuck) + SETTLE;
      end = stuck.result.drain!.start;
    });

    it("is healthy before the spike, and for the whole run without it", () => {
      expect(goodputWindow(stuck, 2, stuck.result.triggers[0]!.start).ratio).toBeGreaterThan(0.95);
      expect(goodputWindow(runCatalogWithoutTriggers(FILE, seed), 2, end).ratio).toBeGreaterThan(0.95);
    });

    it("stays down after the spike although it scaled out to the maximum", () => {
      expect(lateGoodputRatio(stuck, from)).toBeLessThan(0.2);
      expect(gaugeAt(stuck, "scaler.instances", end)).toBe(5);
      // Retries keep the attempts near three per request: more than the five instances can serve.
      const late = stuck.series.windowStarts.flatMap((t, i) => (t >= from && t < end ? [i] : []));
      const attempts = late.reduce((n, i) => n + stuck.series.offered[i]! + stuck.series.retries[i]!, 0);
      const offered = late.reduce((n, i) => n + stuck.series.offered[i]!, 0);
      expect(attempts / offered).toBeGreaterThan(2.5);
    });

    it("warm instances with little lag recover under the same spike and load", () => {
      const fixed = runCatalog("autoscaling-lag-fixed.yaml", seed);
      expect(fixed.result.triggers).toEqual(stuck.result.triggers);
      expect(goodputWindow(fixed, from, end).offered).toBe(goodputWindow(stuck, from, end).offered);
      expect(lateGoodputRatio(fixed, from)).toBeGreaterThan(0.95);
      // Through the spike too, not only after it.
      expect(goodputWindow(fixed, stuck.result.triggers[0]!.start, end).ratio).toBeGreaterThan(0.95);
    });
  });
});
