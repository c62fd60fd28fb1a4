import { beforeAll, describe, expect, it } from "vitest";
import { goodputWindow, lastTriggerEnd } from "../../src/analysis/goodput.js";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, gaugeMean, runCatalog } from "./catalog-harness.js";

// The fleet is a load generator: its renewal demand (one renewal per host per period) counts as
// offered load next to the EC2 launches, so the run's own goodput ratio is the lease health.
function leaseGoodputRatio(output: RunOutput, from: number, to: number): number {
  return goodputWindow(output, from, to).ratio;
}

// Judged from two minutes after the store came back (and after the throttled variant's
// interventions) to the end of the run.
const SETTLE = 120;

describe("lease renewal storm (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    let stuck: RunOutput;
    let from: number;
    let end: number;
    beforeAll(() => {
      stuck = runCatalog("lease-renewal-storm.yaml", seed);
      from = lastTriggerEnd(stuck) + SETTLE;
      end = stuck.result.simulatedSeconds;
    });

    it("renews every lease before the outage", () => {
      expect(leaseGoodputRatio(stuck, 10, stuck.result.triggers[0]!.start)).toBeGreaterThan(0.95);
    });

    it("stays in congestive collapse long after the store is back: no renewals, store saturated", () => {
      expect(leaseGoodputRatio(stuck, from, end)).toBeLessThan(0.05);
      expect(gaugeMean(stuck, "dwfm.hostsWithLease", from, end)).toBeLessThan(5);
      const good = goodputWindow(stuck, from, end).goodput;
      const throughput = stuck.series.throughput
        .filter((_, i) => stuck.series.windowStarts[i]! >= from)
        .reduce((a, b) => a + b * stuck.series.window, 0);
      expect(throughput / (end - from)).toBeGreaterThan(0.9 * stuck.result.capacityPerSec);
      expect(good).toBeLessThan(0.05 * throughput);
    });

    it("recovers with jittered, capped exponential backoff on re-acquisition", () => {
      const fixed = runCatalog("lease-renewal-storm-fixed.yaml", seed);
      expect(fixed.result.triggers).toEqual(stuck.result.triggers);
      expect(leaseGoodputRatio(fixed, from, end)).toBeGreaterThan(0.95);
      expect(gaugeMean(fixed, "dwfm.hostsWithLease", from, end)).toBeGreaterThan(495);
    });

    it("recovers when the fleet is rate-limited and the store restarted (AWS's manual fix)", () => {
      const throttled = runCatalog("lease-renewal-storm-throttled.yaml", seed);
      expect(throttled.result.triggers).toEqual(stuck.result.triggers);
      expect(Math.max(...throttled.result.interventions.map((i) => i.end))).toBeLessThanOrEqual(from);
      expect(leaseGoodputRatio(throttled, from, end)).toBeGreaterThan(0.95);
      expect(gaugeMean(throttled, "dwfm.hostsWithLease", from, end)).toBeGreaterThan(495);
    });
  });
});
