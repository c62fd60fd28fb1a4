import { describe, expect, it } from "vitest";
import type { RunOutput } from "../../src/scenario/run-result.js";
import { CATALOG_SEEDS, gaugeMean, judgeCatalog } from "./catalog-harness.js";

// The DynamoDB cascade with its cast (seed 003): the store that went unreachable is not what
// collapses; the lease manager that calls it is, when it comes back, and only throttling the work
// (with a restart to drop the backlog) brings it back.

/** Share of a component's workers busy over the whole run. */
function busyShare(output: RunOutput, name: string, workers: number): number {
  return output.result.componentStats[name]!.busySeconds! / (workers * output.result.simulatedSeconds);
}

describe("DynamoDB cascade (catalog)", () => {
  describe.each(CATALOG_SEEDS)("seed %i", (seed) => {
    it("DWFM collapses when DynamoDB returns, and stays down; DynamoDB stays almost idle", () => {
      const { output, verdict } = judgeCatalog("dynamodb-cascade.yaml", seed);
      expect(verdict.kind).toBe("metastable");
      // Every hypervisor held its lease before the outage, and none does ten minutes after it.
      expect(gaugeMean(output, "droplets.hostsWithLease", 30, 60)).toBeGreaterThan(495);
      expect(gaugeMean(output, "droplets.hostsWithLease", 600, 840)).toBeLessThan(5);
      // While DynamoDB answered empty, DWFM had no queue: the collapse starts on the return.
      expect(gaugeMean(output, "dwfm.queueLength", 65, 240)).toBe(0);
      expect(gaugeMean(output, "dwfm.queueLength", 800, 840)).toBeGreaterThan(100_000);
      expect(gaugeMean(output, "dynamodb.queueLength", 240, 840)).toBe(0);
      expect(busyShare(output, "dynamodb", 100)).toBeLessThan(0.01);
    });

    it("a restart alone falls back; throttling the hypervisors and restarting recovers", () => {
      const restart = judgeCatalog("dynamodb-cascade-restart-only.yaml", seed);
      expect(restart.verdict.kind).toBe("metastable");
      expect(gaugeMean(restart.output, "dwfm.queueLength", 361, 362)).toBeLessThan(500);
      expect(gaugeMean(restart.output, "dwfm.queueLength", 370, 371)).toBeGreaterThan(1000);
      const throttled = judgeCatalog("dynamodb-cascade-throttled.yaml", seed);
      expect(throttled.verdict.kind).toBe("recovered");
      expect(gaugeMean(throttled.output, "droplets.hostsWithLease", 500, 840)).toBeGreaterThan(495);
    });
  });
});
